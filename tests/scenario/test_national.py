"""The national scenario (scenarios/national/generate.py) at a reduced size, end to end: every
project of a FY computed in one kernel call per method gives each project's figures as computed
alone; the towns' projects that take their rows from their prefecture's shared files (`rows`)
issue what the same projects issue from files of their own, and the credits issued are the plain
loop's over the results files."""

from __future__ import annotations

import dataclasses
import importlib.util
import json
import sys
import threading
from pathlib import Path
from types import ModuleType

import pandas as pd
import pytest
from markupsafe import escape

from offset.common.problems import InputError
from offset.documents import caps, notes, tables
from offset.factors import FactorLibrary
from offset.jobs import results_files
from offset.jobs.results_files import write_results
from offset.jobs.run import run_scenario
from offset.ledger import Ledger
from offset.methods import METHODS
from offset.methods.calculation import compute_prepared
from offset.scenario import Scenario, compute
from offset.scenario.compute import (
    compute_all,
    factor_rows,
    load_data,
    project_options,
    year_rows,
)
from tests.conftest import REPOSITORY
from tests.scenario.test_run import expected_issuance, issued_in_ledger

TOWNS = 8  # the first 8 of the 1,741 (北海道's): each FY, three kernel calls of 8 projects each


def generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "national_generate", REPOSITORY / "scenarios" / "national" / "generate.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def generated(root: Path, layout: str) -> Scenario:
    make = generator()
    sizes = make.Sizes(pv=12, cases=3, stands=8)
    return Scenario.from_toml(make.write(root, TOWNS, (2022, 2023), sizes, layout=layout))


@pytest.fixture(scope="module")
def national(tmp_path_factory: pytest.TempPathFactory) -> Scenario:
    """A file per prefecture and kind of data, each town's project taking its rows."""
    return generated(tmp_path_factory.mktemp("national"), "prefecture")


@pytest.fixture(scope="module")
def per_town(tmp_path_factory: pytest.TempPathFactory) -> Scenario:
    """The same towns and rows (the same seed), a data file per project."""
    return generated(tmp_path_factory.mktemp("per-town"), "town")


def test_a_shared_file_is_read_once_and_each_project_takes_its_towns_rows(
    national: Scenario, per_town: Scenario
) -> None:
    factors = FactorLibrary()
    data, problems = load_data(national, factors)
    alone, alone_problems = load_data(per_town, factors)
    assert problems == alone_problems == []
    assert {d.path.name for d in data.values()} == {"pv.csv", "lighting.csv", "forest.csv"}
    for kind in ("pv", "lighting", "forest"):
        members = [d for name, d in data.items() if name.endswith(f"-{kind}")]
        assert len(members) == TOWNS
        assert len({id(d.prepared) for d in members}) == 1  # one read for the 8 towns
        whole = members[0].prepared.frame
        assert sum(len(d.frame) for d in members) == len(whole)
        for d in members:
            code = national.parties[national.projects[d.project].owner].jis_code
            assert set(d.frame["municipality"].astype(str)) == {code}
            own = alone[d.project].frame.drop(columns="municipality_name", errors="ignore")
            mine = d.frame.drop(columns="municipality_name", errors="ignore")
            pd.testing.assert_frame_equal(
                plain(mine).reset_index(drop=True), plain(own).reset_index(drop=True)
            )


def test_the_generator_lists_every_municipality() -> None:
    towns = generator().municipalities()
    assert len(towns) == 1741  # 792 cities, 743 towns, 183 villages, 23 special wards
    assert len({t.code for t in towns}) == 1741
    assert {t.prefecture_code for t in towns} == {f"{i:02d}" for i in range(1, 48)}
    assert "131041" in {t.code for t in towns}  # 新宿区


def test_projects_computed_together_equal_each_computed_alone(national: Scenario) -> None:
    factors = FactorLibrary()
    data, problems = load_data(national, factors)
    assert problems == []
    together = compute_all(national, data, factors)
    assert len(together) == 3 * TOWNS * 2  # three projects a town, two FYs
    for (project, fy), year in together.items():
        options = project_options(national, project, fy, data[project], strict_factors=False)
        alone = compute_prepared(
            national.projects[project].method, year_rows(data[project].frame, fy), factors, options
        )
        # the same values; a categorical column may list the other projects' categories too
        pd.testing.assert_frame_equal(plain(year.result.results), plain(alone.results))
        pd.testing.assert_frame_equal(plain(year.result.summary), plain(alone.summary))
        # the record, but for the factor tables loaded so far (the library loads them lazily)
        assert _record(year.result.manifest) == _record(alone.manifest)
        # the factor rows counted with the FY's other projects (`methods.parts`): its own
        assert year.result.factor_rows is not None
        assert list(year.result.factor_rows) == factor_rows(alone.results)
        assert year.rows == data[project].prepared.rows(alone.results.index)


def _record(manifest: dict[str, object]) -> dict[str, object]:
    return {k: v for k, v in manifest.items() if k != "factor_tables"}


def plain(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with its categorical columns and index as plain values."""
    out = frame.copy()
    for column in out.columns:
        if isinstance(out[column].dtype, pd.CategoricalDtype):
            out[column] = out[column].astype(object)
    if isinstance(out.index.dtype, pd.CategoricalDtype):
        out.index = out.index.astype(object)
    return out


def test_national_run_end_to_end(
    national: Scenario, per_town: Scenario, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the report's limits, lowered so that 8 towns pass them (a national run has 1,741)
    monkeypatch.setattr(caps, "MAX_ROWS_SHOWN", 10)
    monkeypatch.setattr(caps, "MAX_CHART_ITEMS", 3)
    out = tmp_path / "out"
    url = f"sqlite:///{tmp_path / 'ledger.db'}"
    outcome = run_scenario(national, out=out, database=url)
    expected = expected_issuance(national, out)
    assert len(expected) == 3 * TOWNS * 2
    issuance = outcome.tables["issuance"]
    assert {(r.project, r.fy): r.issued for r in issuance.itertuples()} == expected
    # one results file per shared data file and FY, its rows naming their project
    assert len(list((out / "results").rglob("*.csv"))) == 3 * 2
    # the sum of the projects run from files of their own: the same figures and credits
    separate = run_scenario(per_town, out=tmp_path / "alone", database=f"sqlite:///{tmp_path}/a.db")
    assert expected_issuance(per_town, tmp_path / "alone") == expected
    for table in ("reductions", "issuance", "fulfilment"):
        pd.testing.assert_frame_equal(outcome.tables[table], separate.tables[table])
    assert outcome.posted == separate.posted
    book = Ledger.open(url)
    try:
        assert issued_in_ledger(book) == {k: v for k, v in expected.items() if v > 0}
        assert book.verify() == []
        again = run_scenario(national, out=out, database=url)
        assert again.posted == 0
        assert again.already_there == outcome.posted
        # nothing changed: nothing computed, the report's tables as the first run wrote them
        assert again.unchanged
        assert again.tables.keys() == outcome.tables.keys()
        for key, frame in outcome.tables.items():
            pd.testing.assert_frame_equal(again.tables[key], frame, check_dtype=False)
        assert again.warnings == outcome.warnings
    finally:
        book.engine.dispose()
    # one agreement a town: half of its PV credits retired for its prefecture's company
    fulfilment = outcome.tables["fulfilment"]
    assert set(fulfilment["agreement"]) == {f"m{code}-pv" for code in _codes(national)}
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert len(manifest["inputs"]) == 3 * TOWNS
    # report.html shows 10 rows of a long table and says so; the CSV holds every row
    html = (out / "report.html").read_text(encoding="utf-8")
    rows = len(outcome.tables["reductions"])
    assert rows == 3 * TOWNS * 2
    assert f"全{rows}行のうち最初の10行を表示しています" in html
    assert len(pd.read_csv(out / "tables" / "reductions.csv")) == rows
    # the 注意事項: a kind of note 8 towns' projects have is one item that opens to every line
    lines = notes.grouped(outcome.warnings, "ja", tables.titles(national))
    assert html.count('<li class="family"><details>') >= 1
    assert all(str(escape(line.text)) in html for line in lines)
    # the charts draw the 3 largest towns and agreements, the rest as one
    assert f"上位3件、全{TOWNS}件中" in html
    assert html.count("その他") >= 2


def _codes(scenario: Scenario) -> list[str]:
    return [p.jis_code or "" for p in scenario.parties.values() if p.kind == "municipality"]


TWO_TOWNS = """
[scenario]
name = "two"
fiscal_years = [2023, 2023]

[parties.east]
kind = "municipality"
name = "East"
jis_code = "209901"
prefecture = "nagano"

[parties.west]
kind = "municipality"
name = "West"
jis_code = "209902"
prefecture = "nagano"

[projects.east-pv]
method = "solar"
data = "east.csv"
owner = "east"
instrument = "J-Credit"

[projects.west-pv]
method = "solar"
data = "west.csv"
owner = "west"
instrument = "J-Credit"
"""
PV = "system_id,municipality,prefecture,capacity_kw,commissioned,decommissioned\n"


def test_a_row_the_kernel_refuses_is_named_in_its_own_file(tmp_path: Path) -> None:
    """The two projects share one kernel call; the kernel refuses the west file's second row
    (decommissioned before it was commissioned). The problem names west.csv and its row 3, as
    when each project is computed alone, and east's rows are not blamed."""
    (tmp_path / "east.csv").write_text(
        PV + "e1,east,nagano,5,2015-04-01,\ne2,east,nagano,5,2016-04-01,\n", encoding="utf-8"
    )
    (tmp_path / "west.csv").write_text(
        PV + "w1,west,nagano,5,2015-04-01,\nw2,west,nagano,5,2016-04-01,2014-01-01\n",
        encoding="utf-8",
    )
    (tmp_path / "two.toml").write_text(TWO_TOWNS, encoding="utf-8")
    scenario = Scenario.from_toml(tmp_path / "two.toml")
    factors = FactorLibrary()
    data, problems = load_data(scenario, factors)
    assert problems == []
    with pytest.raises(InputError) as refused:
        compute_all(scenario, data, factors)
    [problem] = refused.value.problems
    assert Path(problem.file).name == "west.csv"
    assert problem.row == 3  # the header is row 1
    assert "decommissioned" in problem.message


def test_a_rerun_runs_in_full_when_the_ledger_moved_or_a_town_s_row_changed(
    per_town: Scenario, tmp_path: Path
) -> None:
    """The state a run leaves answers a re-run only while nothing changed: an entry posted since
    (by anyone) makes the re-run compute and check in full (posting nothing); a row changed in a
    prefecture's shared file restates that town's project alone, naming the row."""
    root = tmp_path / "scenario"
    national = generated(root, "prefecture")
    out, url = tmp_path / "out", f"sqlite:///{tmp_path / 'ledger.db'}"
    first = run_scenario(national, out=out, database=url)
    book = Ledger.open(url)
    try:
        [owner, *_] = [k for k, p in national.parties.items() if p.kind == "municipality"]
        book.apply([{"op": "open_party", "party": "someone", "kind": "company", "name": "Some"}])
        moved = run_scenario(national, out=out, database=url)
        assert not moved.unchanged
        assert moved.posted == 0
        assert moved.already_there == first.posted
        assert run_scenario(national, out=out, database=url).unchanged  # settled again
    finally:
        book.engine.dispose()
    # the first PV system of the first town: ten times its capacity
    path = root / "data" / "01" / "pv.csv"
    rows = pd.read_csv(path, dtype=str)
    town = national.parties[owner].jis_code
    first_row = rows.index[rows["municipality"] == town][0]
    rows.loc[first_row, "capacity_kw"] = str(float(rows.loc[first_row, "capacity_kw"]) * 10)
    rows.to_csv(path, index=False)
    changed = run_scenario(Scenario.from_toml(national.path), out=out, database=url)
    assert not changed.unchanged
    assert {r.project for r in changed.restatements} == {f"{owner}-pv"}
    system = rows.loc[first_row, "system_id"]
    for r in changed.restatements:
        assert system in str(r.reason)
        assert f"row {first_row + 2}" in str(r.reason)  # the header is row 1


def test_one_office_file_of_several_towns_gives_each_project_its_rows(tmp_path: Path) -> None:
    """A prefecture's list of several towns' PV: each project takes its town's rows (named by a
    party's key, a name or a code), computed as from a file of its own; a town no project takes
    is counted in a warning, never computed."""
    east = "e1,east,nagano,5,2015-04-01,\ne2,east,nagano,5,2016-04-01,\n"
    west = "w1,West,nagano,4,2015-04-01,\n"
    (tmp_path / "east.csv").write_text(PV + east, encoding="utf-8")
    (tmp_path / "west.csv").write_text(PV + west, encoding="utf-8")
    (tmp_path / "two.toml").write_text(TWO_TOWNS, encoding="utf-8")
    shared = TWO_TOWNS.replace(
        'data = "east.csv"', 'data = "towns.csv"\nrows = { municipality = "east" }'
    )
    shared = shared.replace(
        'data = "west.csv"', 'data = "towns.csv"\nrows = { municipality = "209902" }'
    )
    (tmp_path / "towns.csv").write_text(
        PV + "n1,長野市,nagano,3,2015-04-01,\n" + west + east, encoding="utf-8"
    )
    (tmp_path / "shared.toml").write_text(shared, encoding="utf-8")
    alone = run_scenario(Scenario.from_toml(tmp_path / "two.toml"), out=tmp_path / "a",
                         database=f"sqlite:///{tmp_path / 'a.db'}")  # fmt: skip
    together = run_scenario(Scenario.from_toml(tmp_path / "shared.toml"), out=tmp_path / "b",
                            database=f"sqlite:///{tmp_path / 'b.db'}")  # fmt: skip
    for table in ("reductions", "issuance"):
        pd.testing.assert_frame_equal(together.tables[table], alone.tables[table])
    assert [str(w) for w in together.warnings if "no project" in str(w)] == [
        "towns.csv: 1 rows name a municipality no project of the scenario takes"
        " (`rows.municipality`); they were not computed"
    ]
    results = pd.read_csv(tmp_path / "b" / "results" / "files" / "towns-solar-fy2023.csv")
    assert list(results.columns[:2]) == ["project", "row"]
    assert results[["project", "row", "system_id"]].values.tolist() == [
        ["east-pv", 4, "e1"], ["east-pv", 5, "e2"], ["west-pv", 3, "w1"]
    ]  # fmt: skip


def test_a_shared_file_s_rows_must_name_a_known_municipality(tmp_path: Path) -> None:
    (tmp_path / "towns.csv").write_text(PV + "e1,east,nagano,5,2015-04-01,\n", encoding="utf-8")
    text = TWO_TOWNS.replace(
        'data = "east.csv"', 'data = "towns.csv"\nrows = { municipality = "nowhere" }'
    )
    text = text.replace(
        'data = "west.csv"',
        'data = "towns.csv"\nmunicipality = "west"\nrows = { municipality = "west" }',
    )
    (tmp_path / "two.toml").write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as refused:
        Scenario.from_toml(tmp_path / "two.toml")
    assert [p.key for p in refused.value.problems] == ["projects.west-pv.rows"]
    (tmp_path / "two.toml").write_text(
        text.replace('municipality = "west"\n', ""), encoding="utf-8"
    )
    scenario = Scenario.from_toml(tmp_path / "two.toml")
    data, problems = load_data(scenario, FactorLibrary())
    assert [p.key for p in problems] == ["projects.east-pv.rows.municipality"]
    assert set(data) == {"west-pv"}
    assert len(data["west-pv"].frame) == 0  # west has no rows in the file: nothing to compute


@pytest.mark.parametrize(
    ("layout", "rows_per_call"), [("national", compute.MAX_ROWS), ("per_town", 30)]
)
def test_each_fy_written_and_dropped_gives_what_every_fy_kept_to_the_end_gives(
    layout: str,
    rows_per_call: int,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    request: pytest.FixtureRequest,
) -> None:
    """A run writes each FY's results files as soon as the FY (or a piece of it: at most
    `MAX_ROWS` rows a kernel call, a shared file's projects together) is computed and keeps only
    the figures of its rows (`scenario.kept`): the files are byte for byte those that every
    FY's rows, kept to the end, write at once (the run before), the 実行計画 table's figures
    those summed over those rows, and nothing is left beside `out`. A prefecture's files (one
    piece each; one town's forest with a buffer of its own, so that its prefecture's forest
    file is computed in two kernel calls and written once both are in) and a file per town in
    pieces of a few towns."""
    national = _one_buffer_apart(request.getfixturevalue(layout))
    calls: list[int] = []
    together = compute._computed_together

    def counted(method: str, members: list[compute.Member], *rest: object) -> object:
        calls.append(sum(len(member[1]) for member in members))
        return together(method, members, *rest)  # type: ignore[arg-type]

    sliced: list[int] = []  # shared files written as one slice of their kernel call's rows
    slice_of = results_files._joined

    def joined(members: list[compute.ProjectYear], index: pd.Index) -> object:
        found = slice_of(members, index)
        sliced.extend([len(members)] if found is not None else [])
        return found

    out = tmp_path / "out"
    with monkeypatch.context() as patched:
        patched.setattr(compute, "MAX_ROWS", rows_per_call)
        patched.setattr(compute, "_computed_together", counted)
        patched.setattr(results_files, "_joined", joined)
        outcome = run_scenario(national, out=out, database=f"sqlite:///{tmp_path / 'ledger.db'}")
    # a prefecture's file whose towns were one kernel call's neighbouring rows: one slice
    assert (len(sliced) > 0) == (layout == "national")
    # two FYs of three methods, the forests in two calls; or each in pieces of a few towns
    assert len(calls) == 8 if rows_per_call == compute.MAX_ROWS else len(calls) > 8
    factors = FactorLibrary()
    data, _ = load_data(national, factors)
    every = compute_all(national, data, factors)  # every FY's rows at once, one call a method
    written = write_results(national, tmp_path / "kept", every, data)
    assert sorted(written) == sorted(
        str(p.relative_to(out)) for p in (out / "results").rglob("*.csv")
    )
    for path in written:
        assert (out / path).read_bytes() == (tmp_path / "kept" / path).read_bytes(), path
    # and those the projects' rows concatenated write (not one slice of their kernel call's)
    apart = {key: dataclasses.replace(year, result=dataclasses.replace(year.result, cut=None))
             for key, year in every.items()}  # fmt: skip
    assert write_results(national, tmp_path / "apart", apart, data) == written
    for path in written:
        assert (out / path).read_bytes() == (tmp_path / "apart" / path).read_bytes(), path
    # the plan's figures, summed over every pair's rows in the order the pairs were computed
    plan = outcome.tables["plan"].set_index("fy")
    expected: dict[tuple[int, str], float] = {}
    for (project, fy), year in every.items():
        method = METHODS[national.projects[project].method]
        rows = year.result.results
        if method.removals:
            key = (fy, "removals_tco2e")
            expected[key] = expected.get(key, 0.0) + float(rows["reduction_tco2e"].sum())
        for figure in () if method.removals else method.plan:
            key = (fy, figure.column)
            expected[key] = expected.get(key, 0.0) + figure.total(rows)
    assert expected
    assert {key: plan.at[key] for key in expected} == expected
    # the rows each pair's record names, as read off its rows
    issued = {(op["project"], op["vintage"]): op["source"] for p in outcome.plans
              for op in p.issue_ops.values()}  # fmt: skip
    for (project, fy), year in every.items():
        assert issued[project, fy]["factor_rows"] == factor_rows(year.result.results)
    assert [p.name for p in tmp_path.iterdir() if "results" in p.name] == []


def _one_buffer_apart(scenario: Scenario) -> Scenario:
    """The scenario with its second town's forest withholding a buffer share of its own."""
    second = [key for key, spec in scenario.projects.items() if spec.method == "forest"][1]
    text = scenario.path.read_text(encoding="utf-8")
    head = f"[projects.{second}]"
    at = text.index(head)
    section = text[at:].replace("buffer_share = 0.05", "buffer_share = 0.1", 1)
    path = scenario.path.with_name(f"{scenario.path.stem}-apart.toml")
    path.write_text(text[:at] + section, encoding="utf-8")
    apart = Scenario.from_toml(path)
    assert apart.projects[second].buffer_share == 0.1
    return apart


@pytest.mark.parametrize("failing_at", [2, 3 * 2])
def test_a_results_file_the_writer_fails_to_write_stops_the_run_before_anything_is_posted(
    failing_at: int, national: Scenario, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The results files are written in a thread of their own while the next piece is
    computed (`results_files.Staged`): a write that fails there (a full disk) is the run's
    error, raised before the ledger is opened; no results file is left in `out` or beside it.
    The second file (raised while the next piece is computed) and the last (6 files: 2 FYs of
    3 methods' shared files, raised after every FY is computed and planned)."""
    from offset.documents.output import write_frame as writer

    threads: list[str] = []

    def failing(frame: pd.DataFrame, path: Path) -> None:
        threads.append(threading.current_thread().name)
        if len(threads) == failing_at:
            raise OSError(28, "No space left on device")
        writer(frame, path)

    monkeypatch.setattr("offset.jobs.results_files.write_frame", failing)
    out = tmp_path / "out"
    with pytest.raises(OSError, match="No space left"):
        run_scenario(national, out=out, database=f"sqlite:///{tmp_path / 'ledger.db'}")
    assert len(threads) == failing_at
    assert all(name.startswith("results-files") for name in threads)  # the writer's thread
    assert not (tmp_path / "ledger.db").exists()  # nothing posted: the ledger never opened
    assert not list(out.rglob("*.csv")) if out.exists() else True
    assert [p.name for p in tmp_path.iterdir() if "results" in p.name] == []
