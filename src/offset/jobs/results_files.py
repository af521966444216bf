"""A run's results files (`results/`), written one FY at a time as the FY is computed.

A FY's rows are written to a staging directory beside the run's `out` as soon as the FY is
computed, and dropped (`scenario.kept` keeps what the plan and the report read): a national
run at the issue's row counts does not hold every FY's rows at once. The files move into `out`
when the run has posted, where main wrote them then; until then `out` holds the previous run's,
which a restatement compares with the new rows (`changed`). A dry run stages them and removes
them. Bad input (the InputError of any FY) leaves nothing: the staging directory is removed.
"""

from __future__ import annotations

import contextlib
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd

from offset.documents.output import write_frame
from offset.documents.terms import term
from offset.intake import sheetrows
from offset.intake.columns import Contract
from offset.intake.identity import key_columns
from offset.intake.inputs import FIRST_DATA_ROW
from offset.methods import METHODS
from offset.scenario import row_changes
from offset.scenario.compute import ProjectData, ProjectYear, active_years, in_order
from offset.scenario.model import Scenario
from offset.scenario.year_plan import results_path

ROW = "row"  # the results files' first column: the data file's spreadsheet row
SHEET = "sheet"  # beside it when the data file's rows come from several sheets
PROJECT = "project"  # a shared results file's first column: whose row it is


def numbered(year: ProjectYear, data: ProjectData | None = None) -> pd.DataFrame:
    """A project-year's results with each row's spreadsheet row number (and sheet) first, and
    the input fields the results do not hold last (what a re-run compares: `changed`); an
    address or owner that only tells rows apart is never written."""
    return _numbered(year.result.results, data)


def _numbered(results: pd.DataFrame, data: ProjectData | None) -> pd.DataFrame:
    """`numbered` of result rows of one data file (one project's, or several projects' of a
    shared file: their index is the file's rows either way)."""
    sheets = data.prepared.sheets if data is not None else ()
    position, row = sheetrows.split(results.index.to_numpy() + FIRST_DATA_ROW)
    where = {ROW: row}
    if len(sheets) > 1:
        where = {SHEET: np.asarray(sheets, dtype=object)[position], ROW: row}
    inputs = pd.DataFrame(index=results.index)
    if data is not None:
        contract = METHODS[data.method].contract
        private = set(contract.identity.telling)
        source = data.prepared.frame  # the whole file's: a shared file's rows are in it too
        columns = [c.name for c in contract.columns if c.name in source
                   and c.name not in results and c.name not in private]  # fmt: skip
        inputs = source.loc[results.index, columns]
    return pd.concat([pd.DataFrame(where, index=results.index), results, inputs], axis=1)


def write_results(
    scenario: Scenario,
    out: Path,
    computed: dict[tuple[str, int], ProjectYear],
    data: dict[str, ProjectData],
) -> list[str]:
    """Each project-year's results file under `out` (their paths, relative to it); the
    projects that share a data file (`rows`) write one file an FY together, each row naming
    its project (`year_plan.results_path`)."""
    together: dict[str, list[ProjectYear]] = {}
    written: list[str] = []
    for (project, fy), year in computed.items():
        path = results_path(scenario, project, fy)
        if scenario.shares_data(project):
            together.setdefault(path, []).append(year)
        else:
            write_frame(numbered(year, data[project]), out / path)
            written.append(path)
    for path, members in together.items():
        parts = [year.result.results for year in members]
        frame = _numbered(pd.concat(parts), data[members[0].project])
        codes = np.repeat(np.arange(len(members)), [len(part) for part in parts])
        projects = [year.project for year in members]  # once each: one FY's
        named = pd.Categorical.from_codes(codes, categories=pd.Index(projects))
        frame.insert(0, PROJECT, pd.Series(named, index=frame.index))
        del parts, named  # the FY's rows are dropped as soon as they are written
        write_frame(frame.reset_index(drop=True), out / path)
        written.append(path)
    return written


class Staged:
    """Results files written before the run posts: in a directory of their own until `place`
    moves them into `out`."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.paths: list[str] = []
        # a shared file's projects computed so far, by results file, until all of its FY are
        self._waiting: dict[str, dict[tuple[str, int], ProjectYear]] = {}
        self._members: dict[int, dict[str, set[str]]] = {}  # by FY: each shared file's projects
        self._read: dict[Path, pd.DataFrame] = {}  # the files `changed` read last

    def write(
        self,
        scenario: Scenario,
        computed: dict[tuple[str, int], ProjectYear],
        data: dict[str, ProjectData],
    ) -> None:
        """Project-years of one FY (a piece of it: `compute.compute_years`): each project's own
        file now, a shared file once every project of it has its rows (`write_results`)."""
        ready: dict[tuple[str, int], ProjectYear] = {}
        for (project, fy), year in computed.items():
            if not scenario.shares_data(project):
                ready[(project, fy)] = year
                continue
            path = results_path(scenario, project, fy)
            waiting = self._waiting.setdefault(path, {})
            waiting[(project, fy)] = year
            if {p for p, _ in waiting} == self._shared(scenario, data, fy)[path]:
                ready |= self._waiting.pop(path)
        self.paths += write_results(scenario, self.directory, in_order(scenario, ready), data)

    def _shared(
        self, scenario: Scenario, data: dict[str, ProjectData], fy: int
    ) -> dict[str, set[str]]:
        if fy not in self._members:
            members: dict[str, set[str]] = {}
            for name in scenario.projects:
                if (
                    scenario.shares_data(name)
                    and name in data
                    and fy in active_years(scenario, name)
                ):
                    members.setdefault(results_path(scenario, name, fy), set()).add(name)
            self._members[fy] = members
        return self._members[fy]

    def rows(self, path: str) -> Path:
        return self.directory / path

    def read(self, path: Path) -> pd.DataFrame:
        """A results file's cells as text (the previous run's, or this run's); the last two
        files read are kept, as a restatement's projects of one shared file compare their rows
        one after another."""
        if path not in self._read:
            frame = pd.read_csv(path, encoding="utf-8-sig", dtype=str, keep_default_na=False)
            self._read = dict(list(self._read.items())[-1:]) | {path: frame}
        return self._read[path]

    def place(self, out: Path) -> None:
        """Every file written, into `out` at its path (replacing the previous run's)."""
        assert not self._waiting, "a shared file's projects all computed before the run posts"
        for path in dict.fromkeys(self.paths):
            target = out / path
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(self.directory / path, target)  # a rename on one file system
        self.paths = []


@contextlib.contextmanager
def staged(out: Path, dry_run: bool) -> Iterator[Staged]:
    """A staging directory beside `out` (on its file system: the files are renamed into
    place), in the system's temporary directory for a dry run; removed at the end."""
    near = None if dry_run or not out.parent.is_dir() else out.parent
    directory = Path(tempfile.mkdtemp(prefix=f".{out.name}-results-", dir=near))
    try:
        yield Staged(directory)
    finally:
        shutil.rmtree(directory, ignore_errors=True)


def _own(frame: pd.DataFrame, project: str) -> pd.DataFrame | None:
    """A project's rows of a shared results file, without its project column (None: a file
    written before results files were shared)."""
    if PROJECT not in frame:
        return None
    mine = frame[PROJECT] == project
    return frame[mine].drop(columns=PROJECT).reset_index(drop=True)


def changed(
    out: Path, staged: Staged, year: tuple[str, int], data: ProjectData, scenario: Scenario
) -> row_changes.Changes | None:
    """The data rows of a project-year (`year`: project, FY) that changed between the previous
    run's results file in `out` and this run's (`staged`): added, removed, or changed with the
    fields that changed, named by their identifier, as data kept with a restatement
    (`row_changes.message` says it in either language); None when there is no previous file
    or no row changed. A project of a shared data file compares its own rows of the two."""
    project, fy = year
    name = results_path(scenario, project, fy)
    try:
        before = staged.read(out / name)
    except (OSError, ValueError):
        return None
    now = staged.read(staged.rows(name))  # this run's rows, as its file is written
    if scenario.shares_data(project):
        mine, now_mine = _own(before, project), _own(now, project)
        if mine is None or now_mine is None:
            return None
        before, now = mine, now_mine
    japanese = {
        "fy": term("column.fy", "ja"),
        "creditable_tco2e": term("column.creditable_tco2e", "ja"),
    }
    contract = METHODS[data.method].contract
    keys = key_columns(now, contract.identity)
    fields, figures = compared(contract)
    japanese |= {c.name: c.japanese[0] for c in contract.columns if c.japanese}
    if keys and "fy" in now:
        keys = (*keys, "fy")
    return row_changes.describe(before, now, keys, fields, japanese, figures)


def compared(contract: Contract) -> tuple[list[str], frozenset[str]]:
    """The input columns a re-run compares row by row, and those among them that are figures
    (shown 5,000; a code, a name, a year or a date is shown as written)."""
    fields = [c.name for c in contract.columns]
    return fields, frozenset(c.name for c in contract.columns if c.kind in ("number", "integer"))
