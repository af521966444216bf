"""A large run computes half its data files in a second process (`offset.jobs.halves`): the same
results files, tables, warnings and records as one process, and every failure there the run's
error before the ledger is opened, with no process and no results file left behind."""

from __future__ import annotations

import multiprocessing
import os
import signal
from pathlib import Path

import pandas as pd
import pytest

from offset.common.problems import InputError
from offset.factors import FactorLibrary
from offset.jobs import halves
from offset.jobs.run import RunOutcome, run_scenario
from offset.scenario import Scenario, compute
from offset.scenario.compute import load_data
from offset.scenario.year_plan import results_path
from tests.conftest import REPOSITORY
from tests.scenario.test_national import generator

# towns of three prefectures, so that each method has three shared files to split
TOWNS = {"01": 3, "02": 2, "03": 3}


@pytest.fixture(scope="module")
def three(tmp_path_factory: pytest.TempPathFactory) -> Scenario:
    """8 towns of three prefectures (a file per prefecture and kind), 2 FYs; the first forest of
    the third prefecture withholds a buffer share of its own, so that its file is computed in
    two kernel calls (written once both are in)."""
    make = generator()
    every = make.municipalities()
    picked = [t for code, n in TOWNS.items() for t in [t for t in every
              if t.prefecture_code == code][:n]]  # fmt: skip
    vars(make)["municipalities"] = lambda limit=None: picked
    root = tmp_path_factory.mktemp("three")
    path = make.write(root, None, (2022, 2023), make.Sizes(pv=12, cases=3, stands=8))
    text = path.read_text(encoding="utf-8")
    forest = f"[projects.{picked[5].key}-forest]"
    at = text.index(forest)
    path.write_text(
        text[:at] + text[at:].replace("buffer_share = 0.05", "buffer_share = 0.1", 1),
        encoding="utf-8",
    )
    return Scenario.from_toml(path)


@pytest.fixture
def two_processes(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Every run in two processes, however small; the record counts the second process sent."""
    monkeypatch.setattr(halves, "MIN_ROWS", 0)
    sent: list[int] = []
    finished = halves.Second.finished

    def counted(self: halves.Second) -> object:
        found = finished(self)
        sent.append(len(found[0]))
        return found

    monkeypatch.setattr(halves.Second, "finished", counted)
    return sent


def _run(scenario: Scenario, root: Path) -> RunOutcome:
    return run_scenario(scenario, out=root / "out", database=f"sqlite:///{root / 'ledger.db'}")


def _files(out: Path) -> dict[str, bytes]:
    """The run's results and tables files, by path (the report's pages say when they were
    written)."""
    return {str(p.relative_to(out)): p.read_bytes() for folder in ("results", "tables")
            for p in (out / folder).rglob("*.csv")}  # fmt: skip


def test_the_halves_split_each_method_s_rows_and_keep_a_file_s_projects_together(
    three: Scenario,
) -> None:
    data, _ = load_data(three, FactorLibrary())
    mine, theirs = halves.split(three, data)
    assert mine | theirs == set(data)
    assert not mine & theirs
    for half in (mine, theirs):  # every method in both: 2 prefectures' rows against 1's
        assert {data[name].method for name in half} == {"solar", "renovation", "forest"}
    files = {compute.data_file(three, name) for name in theirs}
    assert not files & {compute.data_file(three, name) for name in mine}
    assert files == {"data:data/03/pv.csv", "data:data/03/lighting.csv", "data:data/03/forest.csv"}


def test_a_small_run_stays_in_one_process(three: Scenario) -> None:
    """The shipped scenarios and this one are far below `MIN_ROWS` result rows: no process is
    started for them."""
    data, _ = load_data(three, FactorLibrary())
    assert halves.result_rows(three, data) == 8 * (12 + 3 + 8) * 2
    with halves.started(three, data, FactorLibrary(), False, None) as alone:
        assert alone == halves.Half(data, None, None)  # one process, pieces of `MAX_ROWS` rows
    shipped = sorted((REPOSITORY / "scenarios").glob("*.toml"))
    assert len(shipped) >= 5
    for path in shipped:
        scenario = Scenario.from_toml(path)
        data, _ = load_data(scenario, FactorLibrary())
        assert 0 < halves.result_rows(scenario, data) < halves.MIN_ROWS // 10, path.name


def test_two_processes_hold_half_the_rows_a_piece(
    three: Scenario, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each process computes in pieces of half `MAX_ROWS` rows: the two hold about as many rows
    at once as one process did."""
    monkeypatch.setattr(halves, "MIN_ROWS", 0)
    data, _ = load_data(three, FactorLibrary())
    with halves.started(three, data, FactorLibrary(), False, None) as half:
        assert half.second is not None
        assert half.max_rows == compute.MAX_ROWS // 2
        assert set(half.data) == halves.split(three, data)[0]
        assert len(half.second.finished()[0]) == 3 * 3 * 2


def test_two_processes_write_and_post_what_one_process_does(
    three: Scenario, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, two_processes: list[int]
) -> None:
    """Every results file and table byte for byte one process's, the same report tables,
    warnings, plans and postings."""
    with monkeypatch.context() as patched:
        patched.setattr(halves, "MIN_ROWS", 10**12)
        one = _run(three, tmp_path / "one")
    assert two_processes == []
    two = _run(three, tmp_path / "two")
    assert two_processes == [3 * 3 * 2]  # the third prefecture's 3 towns, 3 methods, 2 FYs
    assert multiprocessing.active_children() == []
    assert _files(tmp_path / "two" / "out") == _files(tmp_path / "one" / "out")
    assert two.tables.keys() == one.tables.keys()
    for key, frame in one.tables.items():
        pd.testing.assert_frame_equal(two.tables[key], frame)
    assert two.warnings == one.warnings
    assert two.statuses == one.statuses
    assert [p.issue_ops for p in two.plans] == [p.issue_ops for p in one.plans]
    assert [p.name for p in tmp_path.glob("*/.*results*")] == []


def test_a_restatement_reads_the_second_process_s_file(
    three: Scenario, tmp_path: Path, two_processes: list[int]
) -> None:
    """A re-run after a row of the third prefecture's PV file changed restates that town's PV
    project alone, naming the row, in two processes as in one."""
    copy = _copy(three, tmp_path / "scenario")
    out = tmp_path / "out"
    url = f"sqlite:///{tmp_path / 'ledger.db'}"
    first = run_scenario(copy, out=out, database=url)
    path = tmp_path / "scenario" / "data" / "03" / "pv.csv"
    rows = pd.read_csv(path, dtype=str)
    town, system, capacity = (str(rows[c].iloc[0]) for c in ("municipality", "system_id",
                                                              "capacity_kw"))  # fmt: skip
    rows["capacity_kw"] = rows["capacity_kw"].where(rows.index != 0, str(float(capacity) * 10))
    rows.to_csv(path, index=False)
    changed = run_scenario(Scenario.from_toml(copy.path), out=out, database=url)
    assert {r.project for r in changed.restatements} == {f"m{town}-pv"}
    assert all(system in str(r.reason) for r in changed.restatements)
    assert changed.posted > 0
    assert first.posted > 0
    assert two_processes == [18, 18]


def _copy(scenario: Scenario, root: Path) -> Scenario:
    """The scenario and its data files copied under `root`, to change."""
    for path in Path(scenario.path).parent.rglob("*"):
        if path.is_file():
            target = root / path.relative_to(Path(scenario.path).parent)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(path.read_bytes())
    return Scenario.from_toml(root / Path(scenario.path).name)


def _second_writes(scenario: Scenario) -> int:
    data, _ = load_data(scenario, FactorLibrary())
    _, theirs = halves.split(scenario, data)
    return len({results_path(scenario, name, fy) for name in theirs for fy in (2022, 2023)})


@pytest.mark.parametrize("failing_at", ["second", "last"])
def test_a_results_file_the_second_process_fails_to_write_stops_the_run(
    failing_at: str,
    three: Scenario,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    two_processes: list[int],
) -> None:
    """A write that fails in the second process (a full disk: its second file, raised there
    while it computes its next piece, or its last, raised as it finishes) is the run's error,
    with the second process's traceback as its cause, raised before the ledger is opened; no
    results file is left in `out` or beside it, and no process."""
    from offset.documents.output import write_frame as writer

    run = os.getpid()
    last = _second_writes(three)
    assert last == 6
    at = 2 if failing_at == "second" else last
    written: list[Path] = []

    def failing(frame: pd.DataFrame, path: Path) -> None:
        if os.getpid() != run:  # the second process's copy of this list
            written.append(path)
            if len(written) == at:
                raise OSError(28, "No space left on device")
        writer(frame, path)

    monkeypatch.setattr("offset.jobs.results_files.write_frame", failing)
    out = tmp_path / "out"
    with pytest.raises(OSError, match="No space left") as raised:
        _run(three, tmp_path)
    assert "in the second process" in str(raised.value.__cause__)
    assert "failing" in str(raised.value.__cause__)  # where, in its traceback
    assert not (tmp_path / "ledger.db").exists()  # nothing posted: the ledger never opened
    assert not list(out.rglob("*.csv")) if out.exists() else True
    assert [p.name for p in tmp_path.iterdir() if "results" in p.name] == []
    assert multiprocessing.active_children() == []
    assert two_processes == []  # the run stopped before it took the second's records


def test_the_second_process_killed_stops_the_run(
    three: Scenario, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, two_processes: list[int]
) -> None:
    """The second process killed while it computes (the kernel's out-of-memory killer): the run
    says so and stops before the ledger is opened, leaving no results file."""
    run = os.getpid()
    from offset.scenario.kept import kept

    def killed(scenario: Scenario, year: compute.ProjectYear) -> object:
        if os.getpid() != run:
            os.kill(os.getpid(), signal.SIGKILL)
        return kept(scenario, year)

    monkeypatch.setattr("offset.jobs.halves.kept", killed)
    with pytest.raises(RuntimeError, match="killed by signal 9"):
        _run(three, tmp_path)
    assert not (tmp_path / "ledger.db").exists()
    assert [p.name for p in tmp_path.iterdir() if "results" in p.name] == []
    assert multiprocessing.active_children() == []


def test_a_failure_in_the_run_s_own_half_stops_the_second_process(
    three: Scenario, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, two_processes: list[int]
) -> None:
    """The run's own process fails (a bug, an interrupt) while the second computes: the second
    is killed and waited for before the staging directory is removed; nothing is left."""
    run = os.getpid()
    together = compute._computed_together
    calls: list[int] = []

    def failing(*args: object) -> object:
        if os.getpid() == run:
            calls.append(1)
            if len(calls) == 2:
                raise KeyboardInterrupt
        return together(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(compute, "_computed_together", failing)
    with pytest.raises(KeyboardInterrupt):
        _run(three, tmp_path)
    assert multiprocessing.active_children() == []
    assert not (tmp_path / "ledger.db").exists()
    assert [p.name for p in tmp_path.iterdir() if "results" in p.name] == []


def test_problems_of_rows_in_either_half_are_the_run_s_problems(
    three: Scenario, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, two_processes: list[int]
) -> None:
    """A PV row the kernel refuses in each half's file (decommissioned before it was
    commissioned): the run is refused with both, as one process refuses it; nothing written."""
    root = tmp_path / "copy"
    bad = _copy(three, root)
    for prefecture in ("01", "03"):
        rows = pd.read_csv(root / "data" / prefecture / "pv.csv", dtype=str)
        rows["decommissioned"] = ""
        rows.loc[1, "decommissioned"] = "2001-01-01"
        rows.to_csv(root / "data" / prefecture / "pv.csv", index=False)
    with pytest.raises(InputError) as two:
        _run(bad, tmp_path / "two")
    monkeypatch.setattr(halves, "MIN_ROWS", 10**12)
    with pytest.raises(InputError) as one:
        _run(bad, tmp_path / "one")
    assert two.value.problems == one.value.problems
    assert {Path(p.file).parent.name for p in one.value.problems} == {"01", "03"}
    assert [p.name for p in tmp_path.rglob("*results*")] == []
