"""Reading input files and checking them against a column contract, once, at the boundary.

A file goes through three steps: its cells are read as they are (`sheets`, the sheets a
workbook is read as: `sheet_choice`), the header row is found and the rows that are not data
are dropped (`layout`), and each column the contract names is matched to the user's header
and converted to its type and unit (`conversion`). Rows that repeat an identifier are found
over all the sheets read (`identity`). Every problem of the file is collected (file, sheet,
row, column as the user wrote it, why) before anything is computed. Rows are numbered as the
sheet shows them.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path

import pandas as pd

from offset.common.messages import Msg
from offset.common.problems import InputError, Problem
from offset.common.sheets import (
    Grid,
    Progress,
    is_workbook,
    read_grid,
    read_parquet,
    read_sheets,
    sheet_list,
)
from offset.intake import sheetrows
from offset.intake.columns import Contract
from offset.intake.conversion import Vocabularies, check, repeated_rows
from offset.intake.headers import Matcher
from offset.intake.identity import Duplicates
from offset.intake.layout import SEARCH_ROWS, Table, lay_out
from offset.intake.listing import FIRST_DATA_ROW, LISTED_PER_CHECK, listed_problems
from offset.intake.localities import Constants
from offset.intake.municipalities import Municipalities
from offset.intake.prepared import Prepared
from offset.intake.sheet_choice import choose

MISSING = ("header.missing", "header.missing_municipality")

__all__ = [
    "FIRST_DATA_ROW",
    "LISTED_PER_CHECK",
    "Prepared",
    "Progress",
    "check",
    "listed_problems",
]


def blocks_computing(problems: Sequence[Problem]) -> bool:
    """Whether `problems` leave nothing to compute (a missing column, an unreadable header):
    problems of single cells do not, so the method's own checks run in the same pass."""
    return any(p.row is None and getattr(p.message, "key", "") != "rows.more" for p in problems)


def load(
    path: Path,
    contract: Contract,
    *,
    sheet: str | Sequence[str] | None = None,
    fy: int | None = None,
    horizon_fy: int | None = None,
    user_map: Mapping[str, str] | None = None,
    vocabularies: Vocabularies | None = None,
    progress: Progress | None = None,
    municipalities: Municipalities | None = None,
    constants: Constants | None = None,
    duplicates: Duplicates = "refuse",
) -> tuple[Prepared, list[Problem]]:
    """Read `path` (CSV, .xlsx, .parquet) and check it against `contract`. The problems of its
    cells are returned, not raised, so that a caller adds what the method finds in the same
    pass (`blocks_computing` says when there is nothing to compute); a file that cannot be read
    raises InputError.

    `sheet`: a workbook's sheet, several, or `all` (None: as `sheet_choice` says, with `fy`
    choosing among sheets named for FYs); rows of several sheets are one input. A date is a
    typo beyond some FYs after `horizon_fy` (None: `fy`; a scenario's last FY), or today's."""
    matcher = Matcher(contract, user_map or {})
    requested = [sheet] if isinstance(sheet, str) else None if sheet is None else list(sheet)
    tables, notices, every = _tables(path, requested, fy, matcher, progress)
    sheets = tuple(table.sheet for table, _ in tables)
    parts: list[Prepared] = []
    problems: list[Problem] = []
    for position, (table, sheet_fy) in enumerate(tables):
        frame = table.frame
        if position:
            frame = frame.set_axis(frame.index + sheetrows.shifted(position), axis=0)
        part, found = check(
            frame,
            contract,
            table.file,
            matcher=matcher,
            vocabularies=vocabularies,
            municipalities=municipalities,
            constants=constants,
            sheet_fy=sheet_fy,
            fy=fy if horizon_fy is None else horizon_fy,
            sheet=table.sheet,
            duplicates=None,
            positions=table.positions,
        )
        notes = (*table.notices, *part.notices)
        part = replace(part, sheet=table.sheet, sheets=sheets, notices=notes)
        missing = [p.column for p in found if getattr(p.message, "key", "") in MISSING]
        if every and missing:  # `all`: a sheet that is no list of the method (a 集計 sheet)
            columns = ", ".join(str(c) for c in missing)
            notices = (*notices, Msg("notice.sheet_not_a_list", sheet=table.sheet, columns=columns))
            continue
        found = _uncomputed(found, table, sheetrows.shifted(position))
        problems += [*table.problems, *part.relabel(found)]
        parts.append(part)
    if not parts:
        raise InputError([Problem(str(path), None, None, Msg("file.no_list_sheet"))])
    prepared = _stacked(parts, notices)
    prepared, found = repeated_rows(prepared, contract, duplicates)
    return prepared, [*problems, *prepared.relabel(found)]


def _uncomputed(problems: list[Problem], table: Table, shift: int) -> list[Problem]:
    """A blank cell that is a formula with no saved value (a workbook a script wrote and Excel
    never saved) said as such, not as empty: opening and saving it in Excel stores the value."""
    if not table.uncomputed:
        return problems
    return [
        replace(p, message=Msg("value.uncomputed_formula"))
        if getattr(p.message, "key", "") == "value.required"
        and p.row is not None
        and (p.row - shift, str(p.column)) in table.uncomputed
        else p
        for p in problems
    ]


def _tables(
    path: Path,
    requested: list[str] | None,
    fy: int | None,
    matcher: Matcher,
    progress: Progress | None,
) -> tuple[list[tuple[Table, int | None]], tuple[Msg, ...], bool]:
    """The tables of the input: a CSV's or a Parquet file's one, or the chosen sheets', each
    with the FY its sheet's name gives; the notices of the choice; whether every sheet was
    asked for (`all`: sheets that are no list are left out)."""

    def known(header: str) -> bool:
        return matcher.match(header) is not None

    if path.suffix.lower() == ".parquet" or not is_workbook(path):
        if requested is not None:
            raise InputError([Problem(str(path), None, None, Msg("file.sheet_for_csv"))])
        if path.suffix.lower() == ".parquet":
            return [(Table(read_parquet(path), str(path), None, (), ()), None)], (), False
        return [(lay_out(read_grid(path, None, progress), known), None)], (), False
    every_sheet, hidden = sheet_list(path)
    choice = choose(every_sheet, requested, fy, hidden)
    if choice.problem is not None:
        raise InputError([Problem(str(path), None, None, choice.problem)])
    names = [name for name, _ in choice.sheets]
    tables: list[tuple[Table, int | None]] = []
    notices = list(choice.notices)
    for grid, (name, sheet_fy) in zip(read_sheets(path, names), choice.sheets, strict=True):
        if choice.every and (grid.cells.empty or not _has_known_header(grid, known)):
            notices.append(Msg("notice.sheet_without_header", sheet=name))
            continue
        tables.append((lay_out(grid, known), sheet_fy))
    if not tables:
        raise InputError([Problem(str(path), None, None, Msg("file.no_list_sheet"))])
    return tables, tuple(notices), choice.every


def _has_known_header(grid: Grid, known: Callable[[str], bool]) -> bool:
    top = grid.cells.head(SEARCH_ROWS)
    return any(
        isinstance(v, str) and v.strip() and known(v.strip()) for v in top.to_numpy().ravel()
    )


def _stacked(parts: list[Prepared], notices: tuple[Msg, ...]) -> Prepared:
    """The sheets' checked rows as one input (categories merged, headers of the first sheet
    that has each column)."""
    first = parts[0]
    if len(parts) == 1:
        return replace(first, notices=(*notices, *first.notices))
    frames = [p.frame for p in parts]
    frame = pd.concat(frames, axis=0)
    for column in frame.columns:
        if any(isinstance(f[column].dtype, pd.CategoricalDtype) for f in frames if column in f):
            frame[column] = frame[column].astype("category")
    headers: dict[str, str] = {}
    for part in parts:
        for column, header in part.headers.items():
            headers.setdefault(column, header)
    return Prepared(
        frame,
        first.file,
        None,
        headers,
        (*notices, *(n for p in parts for n in p.notices)),
        first.sheets,
        {c: shown for part in parts for c, shown in part.unnamed.items() if c not in headers},
    )


def prepare(
    raw: pd.DataFrame,
    contract: Contract,
    file: str,
    vocabularies: Vocabularies | None = None,
) -> pd.DataFrame:
    """Check a frame whose columns carry offset's (or Japanese) names; InputError on problems."""
    prepared, problems = check(raw, contract, file, vocabularies=vocabularies)
    if problems:
        raise InputError(problems)
    return prepared.frame


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
