"""Each project's reductions for each FY of a scenario, from its data file (no ledger here).

A data file is read and checked once, whole, before anything is computed, so a bad row in any
FY stops the run before the ledger is touched. Rows with an `fy` count for that FY only; rows
without one count for every FY (a stand file with `planted_fy` ages by itself).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import numpy as np
import pandas as pd

from offset.common.messages import Msg
from offset.common.problems import InputError, Problem
from offset.factors import FactorLibrary
from offset.intake.headers import load_map, load_values
from offset.intake.inputs import FIRST_DATA_ROW, Prepared, blocks_computing, load, sha256_of
from offset.intake.localities import Constants
from offset.intake.municipalities import Municipalities, shipped
from offset.intake.vocabulary import vocabularies, with_user_words
from offset.methods import METHODS, CalcOptions, every_column_name
from offset.methods.calculation import CalcResult, compute_prepared, compute_together
from offset.scenario.model import Scenario

T = TypeVar("T")

#: Factor tables every method reads besides those its rows name (parameters, GWP).
ALWAYS_USED = ("method_parameters", "gwp")
MAX_FACTOR_ROWS = 100  # listed in an issuance's provenance; the results file has every row


@dataclass(frozen=True)
class ProjectYear:
    project: str
    fy: int
    result: CalcResult
    rows: str  # the data file's rows used, as spreadsheet row ranges ("2-41,45")

    @property
    def creditable_tco2e(self) -> float:
        return float(self.result.results["creditable_tco2e"].sum())


@dataclass(frozen=True)
class ProjectData:
    project: str
    path: Path
    sha256: str
    frame: pd.DataFrame
    prepared: Prepared  # where the frame came from: the user's headers and sheet
    has_problems: bool = False  # cells were reported: computed only for the method's own checks
    method: str = "solar"  # the project's method (its contract names the rows' identity)


def unused_rows(scenario: Scenario, data: ProjectData) -> int:
    """Rows whose own `fy` falls in no FY the project is active in: computed for no year."""
    if "fy" not in data.frame:
        return 0
    own = data.frame["fy"].to_numpy(dtype=np.float64, na_value=np.nan)
    years = np.array(active_years(scenario, data.project), dtype=np.float64)
    return int((~np.isnan(own) & ~np.isin(own, years)).sum())


def load_data(
    scenario: Scenario, factors: FactorLibrary
) -> tuple[dict[str, ProjectData], list[Problem]]:
    """Read and check every project's data file: the files there is something to compute in, and
    the problems of all of them (a caller adds the methods' own, so all come in one pass). A
    file several projects share (`rows`) is read and checked once, whole; each of them takes
    its municipality's rows (`shared_rows`)."""
    loaded: dict[str, ProjectData] = {}
    problems: list[Problem] = []
    known = vocabularies(factors)
    places = shipped().with_parties(scenario.municipality_parties())
    shared: dict[tuple[object, ...], SharedFile | None] = {}
    for name, project in scenario.projects.items():
        path = scenario.data_path(name)
        key = (path, project.method, scenario.sheets_of(name), project.columns, project.duplicates)
        if project.rows is not None and key in shared:
            read = shared[key]
        else:
            try:
                prepared, found = load(
                    path,
                    METHODS[project.method].contract,
                    sheet=scenario.sheets_of(name),
                    horizon_fy=scenario.content.scenario.fiscal_years[1],  # its plans' dates
                    user_map=load_map(scenario.columns_path(name), every_column_name()),
                    vocabularies=with_user_words(
                        known, load_values(scenario.columns_path(name), every_column_name())
                    ),
                    municipalities=places,
                    constants=constants(scenario, name),
                    duplicates=project.duplicates,
                )
            except InputError as e:
                problems += e.problems
                read = None
            else:
                problems += found
                read = None if found and blocks_computing(found) else SharedFile(
                    prepared, sha256_of(path), bool(found)
                )  # fmt: skip
            if project.rows is not None:
                shared[key] = read
        if read is None:
            continue
        frame = read.prepared.frame
        if project.rows is not None:
            code = _municipality_code(places, project.rows.municipality)
            if code is None:
                problems.append(_unknown_municipality(scenario, name))
                continue
            frame = read.of(code)
        loaded[name] = ProjectData(
            name, path, read.sha256, frame, read.prepared, read.has_problems, project.method
        )
    return loaded, problems


@dataclass
class SharedFile:
    """A data file read and checked once, and its rows by municipality (for `rows`)."""

    prepared: Prepared
    sha256: str
    has_problems: bool
    _by_municipality: dict[str, np.ndarray] | None = None

    def of(self, code: str) -> pd.DataFrame:
        """The rows whose municipality is `code` (a 団体コード), in the file's order."""
        frame = self.prepared.frame
        if self._by_municipality is None:
            if "municipality" not in frame:
                self._by_municipality = {}
            else:
                groups = frame.groupby(frame["municipality"].astype(str), observed=True, sort=False)
                self._by_municipality = {str(k): np.asarray(v) for k, v in groups.indices.items()}
        positions = self._by_municipality.get(code, np.array([], dtype=np.int64))
        rows: pd.DataFrame = frame.iloc[positions]
        return rows


def _municipality_code(places: Municipalities, given: str) -> str | None:
    """The 団体コード a project's `rows.municipality` names (a code, a name, a party's key)."""
    place = places.resolve(given).place
    return None if place is None else place.code


def _unknown_municipality(scenario: Scenario, project: str) -> Problem:
    given = scenario.projects[project].rows
    value = given.municipality if given is not None else ""
    return Problem(
        str(scenario.path), None, None, Msg("scenario.rows_unknown", value=value),
        key=f"projects.{project}.rows.municipality",
    )  # fmt: skip


def unclaimed_rows(scenario: Scenario, data: dict[str, ProjectData]) -> dict[Path, int]:
    """Rows of a shared file (`rows`) that no project of the scenario takes, by file."""
    taken: dict[int, int] = {}
    files: dict[int, ProjectData] = {}
    for name, item in data.items():
        if scenario.shares_data(name):  # one read of the file: one `prepared` for all
            taken[id(item.prepared)] = taken.get(id(item.prepared), 0) + len(item.frame)
            files[id(item.prepared)] = item
    out: dict[Path, int] = {}
    for read, item in files.items():
        if (left := len(item.prepared.frame) - taken[read]) > 0:
            out[item.path] = out.get(item.path, 0) + left
    return out


def constants(scenario: Scenario, project: str) -> Constants:
    """The municipality of every row of a project's file: the project's own `municipality`
    (binding: a column must agree), else its owner's `jis_code` and prefecture (filling only);
    none for a file several projects share (`rows`): its rows say their municipality."""
    spec = scenario.projects[project]
    if spec.rows is not None:
        return Constants()
    if spec.municipality is not None:
        return Constants(spec.municipality, where=f"projects.{project}.municipality")
    owner = scenario.parties.get(spec.owner)
    if owner is None or owner.kind != "municipality" or not owner.jis_code:
        return Constants()
    return Constants(
        owner.jis_code,
        owner.prefecture,
        where=f"parties.{spec.owner}.jis_code",
        prefecture_where=f"parties.{spec.owner}.prefecture",
        binding=False,
        pooled=spec.pooled,
    )


def active_years(scenario: Scenario, project: str) -> range:
    first = scenario.projects[project].first_fy or scenario.fiscal_years.start
    return range(max(first, scenario.fiscal_years.start), scenario.fiscal_years.stop)


def compute_all(
    scenario: Scenario,
    data: dict[str, ProjectData],
    factors: FactorLibrary,
    step: Callable[[int, str], None] = lambda fy, project: None,
    strict_factors: bool = False,
) -> dict[tuple[str, int], ProjectYear]:
    """Every project's result for every FY it is active in, in FY order (`compute_years`, all
    FYs' rows kept)."""
    out: dict[tuple[str, int], ProjectYear] = {}
    for _, years in compute_years(scenario, data, factors, step, strict_factors):
        out |= years
    return in_order(scenario, out)


def in_order(scenario: Scenario, pairs: dict[tuple[str, int], T]) -> dict[tuple[str, int], T]:
    """`pairs` by FY, then in the scenario's order of projects."""
    order = {name: at for at, name in enumerate(scenario.projects)}  # not a list scan per pair
    return dict(sorted(pairs.items(), key=lambda item: (item[0][1], order[item[0][0]])))


#: Rows of one kernel call at most, unless one data file's projects hold more: a national FY's
#: 10M forest stands are computed (and their results written and dropped) in pieces.
MAX_ROWS = 1_000_000


def compute_years(
    scenario: Scenario,
    data: dict[str, ProjectData],
    factors: FactorLibrary,
    step: Callable[[int, str], None] = lambda fy, project: None,
    strict_factors: bool = False,
    max_rows: int | None = None,
) -> Iterator[tuple[int, dict[tuple[str, int], ProjectYear]]]:
    """Each FY's projects' results, in FY order, a piece at a time (the projects of one kernel
    call), so that a caller can write them and drop them before the next piece is computed;
    InputError at the end with every FY's problems (a caller posts nothing before it has all
    FYs). The projects of a FY that share a method and its options are computed in one call of
    the method's kernel (`calculation.compute_together`: its factor constants built once, not
    per project), or in pieces of at most `max_rows` rows (None: `MAX_ROWS`), a data file's
    projects together."""
    problems: list[Problem] = []
    for fy in scenario.fiscal_years:
        groups: dict[tuple[str, CalcOptions], list[tuple[str, pd.DataFrame, CalcOptions]]] = {}
        for name in scenario.projects:
            if fy not in active_years(scenario, name) or name not in data:
                continue
            step(fy, name)
            options = project_options(scenario, name, fy, data[name], strict_factors)
            key = (data[name].method, dataclasses.replace(options, file=""))
            groups.setdefault(key, []).append((name, year_rows(data[name].frame, fy), options))
        for (method, _), members in groups.items():
            for piece in _pieces(scenario, members, max_rows or MAX_ROWS):
                out: dict[tuple[str, int], ProjectYear] = {}
                for name, frame, result in _computed_together(method, piece, data, factors):
                    if isinstance(result, CalcResult):
                        rows = data[name].prepared.rows(frame.index)
                        out[(name, fy)] = ProjectYear(name, fy, result, rows)
                    else:
                        problems += result
                yield fy, out
                del out  # the piece's rows, once the caller has them
        del groups  # the FY's input rows
    if problems:
        raise InputError(list(dict.fromkeys(problems)))  # once each; InputError sorts


Member = tuple[str, pd.DataFrame, CalcOptions]


def _pieces(scenario: Scenario, members: list[Member], max_rows: int) -> list[list[Member]]:
    """`members` in pieces of at most `max_rows` rows, the projects of one shared data file in
    one piece (their results file is written whole)."""
    by_file: dict[str, list[Member]] = {}
    for member in members:
        by_file.setdefault(data_file(scenario, member[0]), []).append(member)
    pieces: list[list[Member]] = []
    piece: list[Member] = []
    rows = 0
    for together in by_file.values():
        more = sum(len(member[1]) for member in together)
        if piece and rows + more > max_rows:
            pieces.append(piece)
            piece, rows = [], 0
        piece += together
        rows += more
    return [*pieces, piece] if piece else pieces


def data_file(scenario: Scenario, project: str) -> str:
    """What a project's results are written with: its shared data file (`rows`: the projects
    of one file are computed and written together), else the project alone."""
    return f"data:{scenario.projects[project].data}" if scenario.shares_data(project) else project


def year_rows(frame: pd.DataFrame, fy: int) -> pd.DataFrame:
    """The rows that count for `fy`: their own `fy`, or none given (every FY)."""
    if "fy" not in frame:
        return frame
    own = frame["fy"].to_numpy(dtype=np.float64, na_value=np.nan)
    rows: pd.DataFrame = frame[np.isnan(own) | (own == fy)]
    return rows


def project_options(
    scenario: Scenario, name: str, fy: int, data: ProjectData, strict_factors: bool
) -> CalcOptions:
    project = scenario.projects[name]
    return CalcOptions(
        fy=fy,
        gwp_metric=scenario.options.gwp_metric,
        file=str(data.path),
        strict_factors=strict_factors,
        factor_year=scenario.options.factor_year,
        # rows that give no share take the project's, so the per-row buffer column and the
        # credits withheld at issuance agree (`offset.methods.buffer`)
        buffer_share=project.buffer_share,
        credit_factor_year=scenario.credit_factor_year(name)[0],
        unknown_supplier=scenario.options.unknown_supplier,
        methodology=project.methodology,
    )


def _computed_together(
    method: str,
    members: list[tuple[str, pd.DataFrame, CalcOptions]],
    data: dict[str, ProjectData],
    factors: FactorLibrary,
) -> list[tuple[str, pd.DataFrame, CalcResult | list[Problem]]]:
    """Each member's result, from one kernel call for all; when that call refuses rows (or trips
    on cells already reported), each member alone, so that every problem names its own file and
    row."""
    if len(members) > 1:
        try:
            results = compute_together(
                method, [m[1] for m in members], factors, [m[2] for m in members]
            )
            return [(m[0], m[1], r) for m, r in zip(members, results, strict=True)]
        except (InputError, ValueError, TypeError, KeyError):
            pass
    out: list[tuple[str, pd.DataFrame, CalcResult | list[Problem]]] = []
    for name, frame, options in members:
        try:
            result: CalcResult | list[Problem] = compute_prepared(method, frame, factors, options)
        except InputError as e:
            result = data[name].prepared.relabel(e.problems)
        except (ValueError, TypeError, KeyError):  # cells already reported tripped a kernel
            if data[name].has_problems:
                continue
            raise
        out.append((name, frame, result))
    return out


def row_ranges(index: np.ndarray) -> str:
    """Positions in the file as spreadsheet row ranges: [0, 1, 2, 5] -> "2-4,7"."""
    if len(index) == 0:
        return ""
    rows = np.asarray(index, dtype=np.int64) + FIRST_DATA_ROW
    breaks = np.flatnonzero(np.diff(rows) != 1)
    starts = np.concatenate([[rows[0]], rows[breaks + 1]])
    stops = np.concatenate([rows[breaks], [rows[-1]]])
    return ",".join(str(a) if a == b else f"{a}-{b}" for a, b in zip(starts, stops, strict=True))


def factor_rows(results: pd.DataFrame) -> list[str]:
    """The distinct factor rows the results name (their `*factor_id` columns)."""
    ids: set[str] = set()
    for column in results.columns:
        if column.endswith("factor_id"):
            distinct = _distinct(results[column])
            ids.update(part for value in distinct for part in value.split("|") if part)
    return sorted(ids)


def _distinct(values: pd.Series) -> list[str]:
    """The distinct values of a column, not missing; of a categorical one, its used categories
    (read off the codes: no string per row)."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        codes = np.unique(values.array.codes)
        return [str(c) for c in values.cat.categories[codes[codes >= 0]]]
    return [str(v) for v in values.dropna().unique()]


def factor_tables(rows: list[str], factors: FactorLibrary) -> dict[str, str]:
    """The factor tables behind one result whose `factor_rows` are `rows`, with their content
    hashes."""
    names = {row.split(":", 1)[0] for row in rows} | set(ALWAYS_USED)
    return {name: factors[name].content_hash for name in sorted(names) if name in factors.specs}
