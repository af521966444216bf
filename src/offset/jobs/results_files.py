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
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from itertools import pairwise
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


def _numbered(
    results: pd.DataFrame, data: ProjectData | None, inputs: pd.DataFrame | None = None
) -> pd.DataFrame:
    """`numbered` of result rows of one data file (one project's, or several projects' of a
    shared file: their index is the file's rows either way); `inputs`: `_inputs` of them, when
    the caller took them already."""
    sheets = data.prepared.sheets if data is not None else ()
    position, row = sheetrows.split(results.index.to_numpy() + FIRST_DATA_ROW)
    where = {ROW: row}
    if len(sheets) > 1:
        where = {SHEET: np.asarray(sheets, dtype=object)[position], ROW: row}
    if inputs is None:
        inputs = _inputs(results.index, list(results.columns), data)
    return pd.concat([pd.DataFrame(where, index=results.index), results, inputs], axis=1)


def _inputs(index: pd.Index, results: list[str], data: ProjectData | None) -> pd.DataFrame:
    """The data file's input fields of the rows `index` that the results (columns `results`) do
    not hold, an address or owner that only tells rows apart left out."""
    if data is None:
        return pd.DataFrame(index=index)
    contract = METHODS[data.method].contract
    private = set(contract.identity.telling)
    source = data.prepared.frame  # the whole file's: a shared file's rows are in it too
    columns = [c.name for c in contract.columns if c.name in source
               and c.name not in results and c.name not in private]  # fmt: skip
    inputs: pd.DataFrame = source.loc[index, columns]
    return inputs


def write_results(
    scenario: Scenario,
    out: Path,
    computed: dict[tuple[str, int], ProjectYear],
    data: dict[str, ProjectData],
) -> list[str]:
    """Each project-year's results file under `out` (their paths, relative to it); the
    projects that share a data file (`rows`) write one file an FY together, each row naming
    its project (`year_plan.results_path`)."""
    return _write_files(out, _files(scenario, computed, data))


@dataclass(frozen=True)
class _File:
    """A results file to write: its rows' parts (one project's, or a shared file's projects'
    in order), the input fields beside them, and whose rows they are when shared."""

    path: str
    parts: list[pd.DataFrame]  # or one frame of them all (`_joined`)
    data: ProjectData
    inputs: pd.DataFrame
    projects: list[str] | None  # a shared file's projects, one a part; None: a project's own
    lengths: list[int]  # each project's rows


def _files(
    scenario: Scenario, computed: dict[tuple[str, int], ProjectYear], data: dict[str, ProjectData]
) -> list[_File]:
    """The files `computed` writes, in the order `write_results` writes them: each taking what
    it reads of the data files (`_inputs`) now, so that writing them reads nothing the caller
    may read at the same time (`Staged.write` writes them in a thread of their own)."""
    together: dict[str, list[ProjectYear]] = {}
    files: list[_File] = []
    for (project, fy), year in computed.items():
        path = results_path(scenario, project, fy)
        if scenario.shares_data(project):
            together.setdefault(path, []).append(year)
        else:
            results = year.result.results
            inputs = _inputs(results.index, list(results.columns), data[project])
            files.append(_File(path, [results], data[project], inputs, None, [len(results)]))
    for path, members in together.items():
        parts = [year.result.results for year in members]
        index = parts[0].index.append([part.index for part in parts[1:]])
        columns = list(dict.fromkeys(c for part in parts for c in part.columns))
        shared = data[members[0].project]
        projects = [year.project for year in members]  # once each: one FY's
        lengths = [len(part) for part in parts]
        parts = _joined(members, index) or parts
        inputs = _inputs(index, columns, shared)
        files.append(_File(path, parts, shared, inputs, projects, lengths))
    return files


def _joined(members: list[ProjectYear], index: pd.Index) -> list[pd.DataFrame] | None:
    """The members' rows as one slice of the whole they were computed in, when they are its
    neighbouring rows with the same columns (`calculation.Cut`: a shared file's projects of one
    kernel call), indexed by `index`; None otherwise (their rows are concatenated)."""
    cuts = [cut for year in members if (cut := year.result.cut) is not None]
    if len(cuts) < len(members) or any(
        after.whole is not cuts[0].whole or after.start != before.stop
        for before, after in pairwise(cuts)
    ):
        return None
    first, last = cuts[0], cuts[-1]
    rows = first.whole.iloc[first.start : last.stop]
    rows.index = index  # a new frame's axis set in place: `set_axis` copies the frame
    return [rows]


def _write_files(out: Path, files: list[_File]) -> list[str]:
    """Each of `files` written under `out`, each file's rows dropped once written; their
    paths."""
    written: list[str] = []
    files.reverse()
    while files:
        file = files.pop()  # its rows are dropped as soon as they are written
        path = file.path
        if file.projects is None:
            frame = _numbered(file.parts[0], file.data, file.inputs)
        else:
            parts = file.parts
            rows = parts[0] if len(parts) == 1 else pd.concat(parts)
            frame = _numbered(rows, file.data, file.inputs)
            del rows
            codes = np.repeat(np.arange(len(file.lengths)), file.lengths)
            named = pd.Categorical.from_codes(codes, categories=pd.Index(file.projects))
            frame.insert(0, PROJECT, pd.Series(named, index=frame.index))
            del parts, named
            frame = frame.reset_index(drop=True)
        del file
        write_frame(frame, out / path)
        del frame
        written.append(path)
    return written


class Staged:
    """Results files written before the run posts: in a directory of their own until `place`
    moves them into `out`.

    A piece's files are written in a thread of their own while the run computes the next piece
    (Arrow's CSV text is built without the GIL: the second core's work); one piece at a time
    (`write` waits for the previous piece's first), so a run holds at most two pieces' rows.
    A failed write is raised by the next `write` or by `flush`, which the run calls before it
    posts anything; reading or placing the files flushes first."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._paths: list[str] = []
        self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="results-files")
        self._pending: Future[list[str]] | None = None
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
        files = _files(scenario, in_order(scenario, ready), data)  # what they read of the data
        del ready
        self.flush()  # the previous piece's files written (or its failure raised)
        self._pending = self._writer.submit(_write_files, self.directory, files)

    def flush(self) -> None:
        """Every file given to `write` written; the writer's error, if a write failed."""
        if self._pending is not None:
            pending, self._pending = self._pending, None
            self._paths += pending.result()

    def adopt(self, paths: list[str]) -> None:
        """Files another process wrote into the directory (`jobs.halves`): placed with these."""
        self._paths += paths

    @property
    def paths(self) -> list[str]:
        """The files written (flushed first)."""
        self.flush()
        return self._paths

    def close(self, raising: bool = True) -> None:
        """The writer stopped, once what it was writing is written or has failed (its error
        raised, unless not `raising`: the caller is raising one of its own)."""
        try:
            if raising:
                self.flush()
            elif self._pending is not None:
                self._pending.exception()  # waited for; the caller's error is the one raised
        finally:
            self._pending = None
            self._writer.shutdown(wait=True)

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
        self.flush()
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
        self._paths = []


@contextlib.contextmanager
def staged(out: Path, dry_run: bool) -> Iterator[Staged]:
    """A staging directory beside `out` (on its file system: the files are renamed into
    place), in the system's temporary directory for a dry run; removed at the end."""
    near = None if dry_run or not out.parent.is_dir() else out.parent
    directory = Path(tempfile.mkdtemp(prefix=f".{out.name}-results-", dir=near))
    files = Staged(directory)
    try:
        yield files
    except BaseException:
        files.close(raising=False)  # nothing written into the directory after it is removed
        raise
    else:
        files.close()
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
