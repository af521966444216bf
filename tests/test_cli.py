"""`offset` as a user runs it: calc on every example file, factors list/show/check, bad input."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from offset.cli import console
from offset.cli.app import app
from offset.cli.choices import DUPLICATES, EXPORT_FORMATS, LEDGER_URL, METHOD_NAMES
from offset.factors import shipped_directory
from offset.intake import identity
from offset.ledger.database import DEFAULT_URL
from offset.ledger.export import EXPORTS
from offset.methods import METHODS
from tests.conftest import EXAMPLES

runner = CliRunner()

EXAMPLE_METHODS = {
    "solar_pv.csv": "solar",
    "renovation.csv": "renovation",
    "forest_stands.csv": "forest",
    "forest_stock.csv": "forest-stock",
    "facility_savings.csv": "savings",
}


def test_every_example_file_is_covered() -> None:
    assert {p.name for p in EXAMPLES.glob("*.csv")} == set(EXAMPLE_METHODS)


@pytest.mark.parametrize(("name", "method"), EXAMPLE_METHODS.items())
def test_calc_on_each_example(examples: Path, tmp_path: Path, name: str, method: str) -> None:
    out = tmp_path / "out" / f"{method}.csv"
    result = runner.invoke(
        app, ["calc", method, str(examples / name), "--fy", "2024", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert "totals per municipality" in result.output
    assert f"results:  {out}" in result.output
    results = pd.read_csv(out)
    source = pd.read_csv(examples / name)
    assert len(results) == len(source)
    assert {"reduction_tco2e", "creditable_tco2e", "uses_unverified", "gwp_metric"} <= set(
        results.columns
    )
    manifest = json.loads(out.with_name(f"{method}.manifest.json").read_text())
    assert manifest["method"] == method
    assert manifest["gwp_metric"] == "AR5"
    assert manifest["engine"]["name"] == "offset"
    assert manifest["rows"] == len(source)
    assert manifest["totals_tco2e"]["reduction_tco2e"] == pytest.approx(
        results["reduction_tco2e"].sum()
    )
    hashes = {t["table"]: t["sha256"] for t in manifest["factor_tables"]}
    assert hashes, "the manifest names the factor tables used"
    assert len(manifest["input"]["sha256"]) == 64


def test_manifest_records_fallbacks_and_unverified(examples: Path, tmp_path: Path) -> None:
    out = tmp_path / "pv.csv"
    runner.invoke(
        app, ["calc", "solar", str(examples / "solar_pv.csv"), "--fy", "2024", "--out", str(out)]
    )
    manifest = json.loads((tmp_path / "pv.manifest.json").read_text())
    rules = {(f["column"], f["rule"]) for f in manifest["fallbacks"]}
    # every prefecture has its own yield now (no yield fallback); TEPCO's FY2023 list row is
    # not shipped and neither is a FY2023 代替値: the FY2023 national average, by its rule's name
    assert ("yield_factor_fallback", "exact key") in rules
    assert (
        "grid_factor_fallback",
        "the national average of the FY's list or an earlier one's"
        " (no row and no 代替値 of the FY)",
    ) in rules
    assert ("grid_factor_fallback", "the row's own factor") in rules
    forest_out = tmp_path / "forest.csv"
    result = runner.invoke(
        app,
        [
            "calc",
            "forest",
            str(examples / "forest_stands.csv"),
            "--fy",
            "2024",
            "--out",
            str(forest_out),
        ],
    )
    assert "marked unverified" in result.output
    assert any(
        "unverified" in w
        for w in json.loads((tmp_path / "forest.manifest.json").read_text())["warnings"]
    )


@pytest.mark.parametrize("suffix", [".xlsx", ".parquet"])
def test_output_format_by_extension(examples: Path, tmp_path: Path, suffix: str) -> None:
    out = tmp_path / f"pv{suffix}"
    result = runner.invoke(
        app, ["calc", "solar", str(examples / "solar_pv.csv"), "--fy", "2024", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    frame = pd.read_excel(out) if suffix == ".xlsx" else pd.read_parquet(out)
    assert len(frame) == 10


def test_bad_input_exits_non_zero_and_writes_nothing(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "system_id,municipality,prefecture,capacity_kw,commissioned\na,ina,nagano,-1,2020-13-01\n"
    )
    out = tmp_path / "out" / "bad-results.csv"
    result = runner.invoke(app, ["calc", "solar", str(bad), "--fy", "2024", "--out", str(out)])
    assert result.exit_code == 2
    assert "nothing was written" in result.output
    assert f"{bad}, row 2, column 'capacity_kw': must be at least 0, got -1" in result.output
    assert f"{bad}, row 2, column 'commissioned'" in result.output
    assert not out.exists()
    assert not (tmp_path / "out").exists()


def test_unknown_method_and_metric(examples: Path) -> None:
    assert (
        runner.invoke(
            app, ["calc", "wind", str(examples / "solar_pv.csv"), "--fy", "2024"]
        ).exit_code
        == 2
    )
    result = runner.invoke(
        app, ["calc", "solar", str(examples / "solar_pv.csv"), "--fy", "2024", "--gwp", "AR9"]
    )
    assert result.exit_code == 2


def test_factors_list_and_show(monkeypatch: pytest.MonkeyPatch) -> None:
    listing = runner.invoke(app, ["factors", "list"])
    assert listing.exit_code == 0
    for table in ("grid_electricity", "fuel", "forest_species", "gwp"):
        assert table in listing.output
    shown = runner.invoke(app, ["factors", "show", "fuel"])
    assert shown.exit_code == 0
    assert "derived: t CO2 per unit" in shown.output
    derived = runner.invoke(app, ["factors", "show", "fuel", "--csv"])
    lines = derived.output.splitlines()
    assert lines[0] == "fuel,valid_from_fy,regime,co2_per_unit,unit,confidence,from"
    # kerosene pre-2023: 36.7 GJ/kL x 0.0185 t-C/GJ x 44/12 = 2.489483 t-CO2/kL.
    assert any(line.startswith("kerosene,2010,pre2023,2.489483,t CO2/kL,") for line in lines)
    assert runner.invoke(app, ["factors", "show", "nope"]).exit_code == 2
    # where an unknown 樹種 points an office: each key with the Japanese name its files write
    monkeypatch.setattr(console.out, "_width", 300)  # xdist's workers: rich reads no COLUMNS
    species = runner.invoke(app, ["factors", "show", "forest_species"])
    assert species.exit_code == 0
    assert any("sugi" in line and "スギ" in line for line in species.output.splitlines())


def test_factors_check(tmp_path: Path) -> None:
    good = tmp_path / "good"
    good.mkdir()
    (good / "pv_yield.csv").write_text(
        "region,value,unit,source,publisher,published,url,confidence,note\n"
        "nagano,1.25,MWh/kW/yr,MONSOLA-20 computed by us,Nagano Pref.,2026,,derived,\n"
    )
    assert runner.invoke(app, ["factors", "check", str(good)]).exit_code == 0
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "pv_yield.csv").write_text(
        "region,value,unit,source,publisher,published,url,confidence,note\nnagano,1.25,kg,x,y,2026,,maybe,\n"
    )
    (bad / "pv_yeild.csv").write_text("typo\n")
    result = runner.invoke(app, ["factors", "check", str(bad)])
    assert result.exit_code == 2
    assert "column 'unit'" in result.output
    assert "column 'confidence'" in result.output
    assert "not a known table file" in result.output


def test_factor_overlay_changes_the_result_and_is_recorded(examples: Path, tmp_path: Path) -> None:
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "pv_yield.csv").write_text(
        "region,value,unit,source,publisher,published,url,confidence,note\n"
        "nagano,1250,kWh/kW/yr,MONSOLA-20 computed by us,Nagano Pref.,2026,,derived,\n"
    )
    out = tmp_path / "pv.csv"
    args = [
        "calc",
        "solar",
        str(examples / "solar_pv.csv"),
        "--fy",
        "2024",
        "--out",
        str(out),
        "--factors",
        str(mine),
    ]
    assert runner.invoke(app, args).exit_code == 0, "overlay run"
    row = pd.read_csv(out).set_index("system_id").loc["pv-0001"]
    assert row["yield_factor_id"] == "pv_yield:nagano"
    # commissioned 2019-06-15: 4 whole years in service on 1 April 2024
    assert row["generation_kwh"] == pytest.approx(4.5 * 1250 * 0.995**4)
    manifest = json.loads((tmp_path / "pv.manifest.json").read_text())
    yield_table = next(t for t in manifest["factor_tables"] if t["table"] == "pv_yield")
    assert str(mine / "pv_yield.csv") in yield_table["origins"]


def test_installed_entry_point_runs(examples: Path, tmp_path: Path) -> None:
    exe = Path(sys.executable).with_name("offset")
    out = tmp_path / "r.csv"
    done = subprocess.run(
        [
            str(exe),
            "calc",
            "forest",
            str(examples / "forest_stands.csv"),
            "--fy",
            "2024",
            "--out",
            str(out),
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=os.environ | {"COLUMNS": "200"},
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert out.exists()
    assert (shipped_directory() / "tables.toml").is_file()


def test_progress_display_on_large_files(
    examples: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from offset.cli import calc as calc_command

    monkeypatch.setattr(calc_command, "PROGRESS_MIN_BYTES", 0)  # every file counts as large
    out = tmp_path / "pv.csv"
    result = runner.invoke(
        app, ["calc", "solar", str(examples / "solar_pv.csv"), "--fy", "2024", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert len(pd.read_csv(out)) == 10


def test_the_commands_load_only_what_they_use() -> None:
    """Building the CLI (its help, and every ledger command's start) imports neither pandas nor
    the engine: `offset ledger balances` should not wait for the emissions core."""
    heavy = [
        "pandas",
        "numpy",
        "matplotlib",
        "pint",
        "alembic",
        "sqlalchemy",
        "openpyxl",
        "offset.methods",
        "offset.jobs.calc",
    ]
    heavy += ["offset.scenario", "offset.ledger.ledger"]
    probe = f"import sys, offset.cli.app; print([m for m in {heavy!r} if m in sys.modules])"
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60
    )
    assert done.stdout.strip() == "[]"


@pytest.mark.parametrize(("method", "example"), [("solar", "solar_pv.csv"),
                                                ("forest", "forest_stands.csv")])  # fmt: skip
def test_calc_loads_no_table_it_does_not_read(tmp_path: Path, method: str, example: str) -> None:
    """A PV list needs the grid, yield and prefecture tables: the species and fuel tables (and
    pint's registry, which their units need) are left unread. A stand list converts only k's
    44/12, one of the registry's values kept beside it (`units.KNOWN`): no pint either."""
    out = tmp_path / "results.csv"
    probe = (
        "import sys; from offset.cli.app import main\n"
        f"sys.argv = ['offset', 'calc', {method!r}, {str(EXAMPLES / example)!r},"
        f" '--fy', '2024', '--out', {str(out)!r}]\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print('loaded:', [m for m in ('pint',) if m in sys.modules])"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=120
    )
    assert done.stdout.strip().splitlines()[-1] == "loaded: []"
    assert len(pd.read_csv(out)) == len(pd.read_csv(EXAMPLES / example))


def test_the_help_names_every_method() -> None:
    assert tuple(METHODS) == METHOD_NAMES
    assert identity.DUPLICATES == DUPLICATES


def test_the_ledger_names_the_help_shows_are_the_ledgers() -> None:
    assert LEDGER_URL == DEFAULT_URL
    assert tuple(EXPORTS) == EXPORT_FORMATS


def test_results_never_carry_a_live_formula(examples: Path, tmp_path: Path) -> None:
    """A system id of `=HYPERLINK(...)` (or `@SUM`, `+`, `-`) goes into the results as text:
    neutralised in CSV (OWASP's leading apostrophe), a plain string cell in Excel."""
    source = pd.read_csv(examples / "solar_pv.csv")
    hostile = ['=HYPERLINK("http://evil.example","x")', "@SUM(A1:A9)", "+1+1", "-2"]
    source.loc[: len(hostile) - 1, "system_id"] = hostile
    data = tmp_path / "pv.csv"
    source.to_csv(data, index=False)
    for suffix in (".csv", ".xlsx"):
        out = tmp_path / f"results{suffix}"
        result = runner.invoke(app, ["calc", "solar", str(data), "--fy", "2024", "--out", str(out)])
        assert result.exit_code == 0, result.output
    written = pd.read_csv(tmp_path / "results.csv")
    assert list(written["system_id"][:4]) == [f"'{v}" for v in hostile]
    from openpyxl import load_workbook

    sheet = load_workbook(tmp_path / "results.xlsx").active
    column = [c.value for c in sheet[1]].index("system_id") + 1
    cells = [sheet.cell(row=r, column=column) for r in range(2, 6)]
    assert [c.value for c in cells] == hostile
    assert {c.data_type for c in cells} == {"s"}  # strings, never formulas


def test_calc_in_japanese_labels_its_lines_in_japanese(examples: Path, tmp_path: Path) -> None:
    """`offset calc --lang ja`: the warnings and the files written are said in Japanese, as
    `offset run`'s are (they were `warning:`, `results:` and `manifest:`)."""
    out = tmp_path / "out" / "solar.csv"
    result = runner.invoke(
        app,
        ["calc", "solar", str(examples / "solar_pv.csv"), "--fy", "2024", "--out", str(out),
         "--lang", "ja"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert any(line.startswith("注意: ") for line in lines), result.output  # it has a warning
    # the head wraps the warning's own words, with no placeholder of its making left visible
    assert not any(line.startswith("注意: \\x00") for line in lines), result.output
    for english in ("warning:", "results:", "manifest:", "rejects:"):
        assert not any(line.startswith(english) for line in lines), english
    assert f"結果: {out}" in result.output
    assert f"実行記録: {out.with_name('solar.manifest.json')}" in result.output
