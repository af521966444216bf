"""`offset run` as a user runs it: the report, a re-run, a broken file, changed inputs."""

from __future__ import annotations

import shutil
from pathlib import Path

from typer.testing import CliRunner

from offset.cli.app import app
from offset.ledger import Ledger
from tests.conftest import EXAMPLES
from tests.scenario.conftest import MINIMAL, PV_ROWS, WriteScenario

runner = CliRunner()


def test_run_rerun_and_report(write_scenario: WriteScenario, tmp_path: Path) -> None:
    path = write_scenario()
    out = tmp_path / "report"
    first = runner.invoke(app, ["run", str(path), "--out", str(out)])
    assert first.exit_code == 0, first.output
    # 3.5 t a FY: FY2022 issues 3 and carries 0.5; FY2023 issues 4; the deal transfers 3 a FY.
    assert "Posted 4 transactions to the ledger." in first.output
    assert f"report: {out / 'report.html'}" in first.output
    assert (out / "ledger.db").is_file()
    assert (out / "manifest.json").is_file()
    issuance = (out / "tables" / "issuance.csv").read_text().splitlines()
    assert issuance[1:] == [
        "2022,pv,town,J-Credit,3.5,0.0,3,0,3,0.5,ok",
        "2023,pv,town,J-Credit,3.5,0.5,4,0,4,0.0,ok",
    ]

    again = runner.invoke(app, ["run", str(path), "--out", str(out)])
    assert again.exit_code == 0, again.output
    assert "Nothing new: all 4 transactions of this scenario were already in the ledger" in (
        again.output
    )


def test_broken_scenario_lists_problems_and_posts_nothing(
    write_scenario: WriteScenario, tmp_path: Path
) -> None:
    path = write_scenario(MINIMAL.replace('owner = "town"', 'owner = "nobody"'))
    result = runner.invoke(app, ["run", str(path), "--out", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert "1 problem(s); nothing was computed or posted." in result.output
    assert f"{path}, key projects.pv.owner: unknown party 'nobody'" in result.output
    assert not (tmp_path / "out").exists()


def test_bad_data_row_is_named_and_nothing_is_posted(
    write_scenario: WriteScenario, tmp_path: Path
) -> None:
    path = write_scenario(files={"pv.csv": PV_ROWS.replace("5,2015-04-01", "five,2015-04-01")})
    result = runner.invoke(app, ["run", str(path), "--out", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert f"{path.parent / 'pv.csv'}, row 2, column 'capacity_kw'" in result.output
    assert not (tmp_path / "out" / "ledger.db").exists()


def test_changed_inputs_are_refused_and_the_fy_is_left_as_it_was(
    write_scenario: WriteScenario, tmp_path: Path
) -> None:
    path = write_scenario()
    out = tmp_path / "out"
    assert runner.invoke(app, ["run", str(path), "--out", str(out)]).exit_code == 0
    book = Ledger.open(f"sqlite:///{out / 'ledger.db'}")
    before = book.balances()

    write_scenario(files={"pv.csv": PV_ROWS.replace("6000,5000", "6000,5400")})
    result = runner.invoke(app, ["run", str(path), "--out", str(out)])
    assert result.exit_code == 3
    assert "FY2022: the ledger refused mini:pv:fy2022:issue: id_reused" in result.output
    assert "Posted credits are never re-issued silently" in result.output
    assert book.balances() == before
    assert book.verify() == []
    book.engine.dispose()


def test_factor_overlay_from_the_scenario(write_scenario: WriteScenario, tmp_path: Path) -> None:
    """`options.factors` layers a user's tables over the shipped ones, for every project."""
    overlay = tmp_path / "my_factors"
    shutil.copytree(EXAMPLES / "my_factors", overlay)
    modelled = (
        "system_id,municipality,prefecture,capacity_kw,commissioned,self_consumption_ratio\n"
        "z,town,nagano,10,2015-04-01,0.5\n"
    )
    toml = MINIMAL.replace("[parties.town]", '[options]\nfactors = "my_factors"\n\n[parties.town]')
    path = write_scenario(toml, files={"pv.csv": modelled})
    result = runner.invoke(app, ["run", str(path), "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    rows = (tmp_path / "out" / "results" / "pv-fy2022.csv").read_text().splitlines()
    assert "pv_yield:nagano" in rows[1]  # the user's row, not the national fallback
    manifest = (tmp_path / "out" / "manifest.json").read_text(encoding="utf-8")
    assert str(overlay) in manifest

    (overlay / "pv_yield.csv").write_text("region,value\nnagano,oops\n", encoding="utf-8")
    broken = runner.invoke(app, ["run", str(path), "--out", str(tmp_path / "out2")])
    assert broken.exit_code == 2
    assert "pv_yield.csv" in broken.output


def test_rows_outside_the_fys_are_reported_not_dropped_silently(
    write_scenario: WriteScenario, tmp_path: Path
) -> None:
    rows = (
        "system_id,municipality,prefecture,capacity_kw,commissioned,fy,generation_kwh,"
        "self_consumed_kwh,grid_factor_t_co2_per_kwh\n"
        "a,town,nagano,5,2015-04-01,2022,6000,5000,0.0005\n"
        "b,town,nagano,5,2015-04-01,2030,6000,5000,0.0005\n"
    )
    path = write_scenario(files={"pv.csv": rows})
    result = runner.invoke(app, ["run", str(path), "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert (
        "pv: 1 rows of pv.csv have an fy outside the FYs the project is active in" in result.output
    )
