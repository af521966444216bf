"""Reading input files and checking them against a column contract, once, at the boundary.

A file goes through three steps: its cells are read as they are (`sheets`), the header
row is found and the rows that are not data are dropped (`layout`), and each column the
contract names is matched to the user's header (`headers`) and converted to its type and
unit (`values`). Every problem of the file is collected (file, sheet, row, column as the
user wrote it, why) before anything is computed. Rows are numbered as the sheet shows them.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pandas as pd

from offset.common.messages import Msg
from offset.common.problems import InputError, Problem
from offset.intake import values
from offset.intake.columns import Column, Contract
from offset.intake.headers import JAPANESE, Match, Matcher
from offset.intake.japanese import distinct, gather
from offset.intake.layout import Table, lay_out
from offset.intake.localities import Constants, settle
from offset.intake.municipalities import Municipalities, shipped
from offset.intake.sheets import Progress, read_grid, read_parquet
from offset.intake.values import Vocabulary

__all__ = ["FIRST_DATA_ROW", "LISTED_PER_CHECK", "Prepared", "Progress", "listed_problems"]

FIRST_DATA_ROW = 2
LISTED_PER_CHECK = 20  # rows listed for one kind of problem in one column; the rest are counted
Vocabularies = Mapping[str, Vocabulary]  # column name -> the values it may hold


@dataclass(frozen=True)
class Prepared:
    """A checked input: the contract's columns, typed, in canonical units, and where they
    came from (the user's headers, the sheet, the rows skipped)."""

    frame: pd.DataFrame
    file: str
    sheet: str | None = None
    headers: Mapping[str, str] = field(default_factory=dict)  # offset column -> user's header
    notices: tuple[Msg, ...] = ()

    def relabel(self, problems: Sequence[Problem]) -> list[Problem]:
        """Problems as the user reads them: their header, their sheet."""
        return [
            replace(p, column=self.headers.get(p.column or "", p.column), sheet=self.sheet)
            if p.file == self.file
            else p
            for p in problems
        ]


def blocks_computing(problems: Sequence[Problem]) -> bool:
    """Whether `problems` leave nothing to compute (a missing column, an unreadable header):
    problems of single cells do not, so the method's own checks run in the same pass."""
    return any(p.row is None and getattr(p.message, "key", "") != "rows.more" for p in problems)


def load(
    path: Path,
    contract: Contract,
    *,
    sheet: str | None = None,
    user_map: Mapping[str, str] | None = None,
    vocabularies: Vocabularies | None = None,
    progress: Progress | None = None,
    municipalities: Municipalities | None = None,
    constants: Constants | None = None,
) -> tuple[Prepared, list[Problem]]:
    """Read `path` (CSV, .xlsx, .parquet) and check it against `contract`. The problems of its
    cells are returned, not raised, so that a caller adds what the method finds in the same
    pass (`blocks_computing` says when there is nothing to compute); a file that cannot be read
    raises InputError."""
    matcher = Matcher(contract, user_map or {})
    if path.suffix.lower() == ".parquet":
        if sheet is not None:
            raise InputError([Problem(str(path), None, None, Msg("file.sheet_for_csv"))])
        table = Table(read_parquet(path), str(path), None, (), ())
    else:
        grid = read_grid(path, sheet, progress)
        table = lay_out(grid, lambda header: matcher.match(header) is not None)
    prepared, problems = check(
        table.frame,
        contract,
        table.file,
        matcher=matcher,
        vocabularies=vocabularies,
        municipalities=municipalities,
        constants=constants,
    )
    prepared = replace(prepared, sheet=table.sheet, notices=(*table.notices, *prepared.notices))
    return prepared, [*table.problems, *prepared.relabel(problems)]


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


def check(
    raw: pd.DataFrame,
    contract: Contract,
    file: str,
    *,
    matcher: Matcher | None = None,
    vocabularies: Vocabularies | None = None,
    municipalities: Municipalities | None = None,
    constants: Constants | None = None,
) -> tuple[Prepared, list[Problem]]:
    """The contract's columns of `raw`, typed, and every problem found (not raised);
    `municipalities` (default: the shipped list) names each row's municipality, `constants`
    fill and bind the municipality and prefecture of every row."""
    matcher = matcher or Matcher(contract, {})
    problems: list[Problem] = []
    if raw.columns.duplicated().any():  # reported by the layout; the first of each is checked
        raw = raw.loc[:, ~raw.columns.duplicated()]
    found: dict[str, list[Match]] = {}
    for header in raw.columns:
        match = matcher.match(str(header))
        if isinstance(match, Msg):
            problems.append(Problem(file, None, str(header), match))
        elif match is not None:
            found.setdefault(match.column.name, []).append(Match(match.column, match.unit, header))
    rows = np.asarray(raw.index, dtype=np.int64) + FIRST_DATA_ROW
    out: dict[str, object] = {}
    headers: dict[str, str] = {}
    for column in contract.columns:
        matches = found.get(column.name, [])
        if len(matches) > 1:
            names = ", ".join(str(m.header) for m in matches)
            problems.append(
                Problem(file, None, str(matches[1].header), Msg("header.one_of", names=names))
            )
        if not matches:
            if column.required and not _settled_later(column.name, found, constants):
                problems.append(_missing(file, column, raw.columns))
            continue
        match = matches[0]
        header = str(match.header)
        headers[column.name] = header

        def listed(
            mask: npt.NDArray[np.bool_], message: Callable[[int], str], header: str = header
        ) -> list[Problem]:
            return listed_problems(file, rows, mask, header, message)

        vocabulary = (vocabularies or {}).get(column.name)
        converted, column_problems = _convert(
            raw[match.header], column, match.unit, listed, vocabulary
        )
        problems += column_problems
        out[column.name] = converted
    notices: list[Msg] = []
    if "municipality" in contract or "prefecture" in contract:
        unreadable = None
        prefecture = out.get("prefecture")
        if "prefecture" in headers and isinstance(prefecture, pd.Series):
            written = ~values.empty(raw[found["prefecture"][0].header])
            unreadable = written & prefecture.isna().to_numpy()
        settled = settle(
            out,
            raw.index,
            file,
            lambda mask, header, message: listed_problems(file, rows, mask, header, message),
            headers,
            municipalities or shipped(),
            (vocabularies or {}).get("prefecture"),
            constants or Constants(),
            "prefecture" in contract and contract["prefecture"].required,
            unreadable,
        )
        out.update(settled.columns)
        problems += settled.problems
        notices += settled.notices
        if settled.no_prefecture is not None and settled.no_prefecture.any():
            if settled.no_prefecture.all():
                problems.append(_missing(file, contract["prefecture"], raw.columns))
            else:
                message = values.always(Msg("value.no_prefecture"))
                problems += listed_problems(
                    file, rows, settled.no_prefecture, "prefecture", message
                )
    used = {m.header for ms in found.values() for m in ms[:1]}
    extra = {c: raw[c] for c in raw.columns if c not in used and c not in out}
    frame = pd.DataFrame({**out, **extra}, index=raw.index, copy=False)  # no consolidation copy
    return Prepared(frame, file, headers=headers, notices=tuple(notices)), problems


def _settled_later(column: str, found: Mapping[str, object], constants: Constants | None) -> bool:
    """A municipality or prefecture the file lacks may come from the constants, and a
    prefecture from the municipality's code (`localities.settle` says which rows have none)."""
    given = constants or Constants()
    if column == "municipality":
        return given.municipality is not None
    if column == "prefecture":
        return given.given or "municipality" in found
    return False


def _missing(file: str, column: Column, present: pd.Index) -> Problem:
    names = " / ".join([*column.names, *JAPANESE.get(column.name, ())[:3]])
    found = ", ".join(str(c) for c in present) or "-"
    key = "header.missing_municipality" if column.name == "municipality" else "header.missing"
    return Problem(file, None, column.name, Msg(key, names=names, found=found))


def _convert(
    series: pd.Series,
    column: Column,
    unit: str | None,
    listed: values.Listed,
    vocabulary: Vocabulary | None,
) -> tuple[object, list[Problem]]:
    if column.kind in ("number", "integer"):
        if vocabulary is not None:  # labels (地位 上/中/下) first, then numbers
            series = _labels(series, vocabulary)
        return values.numbers(series, column, unit, listed)
    if column.kind == "year":
        return values.years(series, column, listed)
    if column.kind == "date":
        return values.dates(series, column, listed)
    if column.kind == "boolean":
        return values.booleans(series, column, listed)
    if column.kind == "category":
        categorical = values.categories(series)  # blanks become missing
        blank = categorical.isna().to_numpy()
        problems = listed(blank, lambda i: Msg("value.required")) if column.required else []
        if vocabulary is not None:
            categorical, unknown = values.resolved(categorical, vocabulary, listed)
            problems += unknown
        return categorical, problems
    cleaned = series.astype("string").str.strip()
    cleaned = cleaned.mask(cleaned == "")  # blanks become missing
    blank = cleaned.isna().to_numpy()
    problems = listed(blank, lambda i: Msg("value.required")) if column.required else []
    return cleaned.astype(object), problems


def _labels(series: pd.Series, vocabulary: Vocabulary) -> pd.Series:
    codes, uniques = distinct(series)
    mapped = np.array([vocabulary.resolve(u) or u for u in uniques], dtype=object)
    return pd.Series(gather(mapped, codes, None), index=series.index, dtype=object)


def listed_problems(
    file: str,
    rows: npt.NDArray[np.int64],
    mask: npt.NDArray[np.bool_],
    column: str | None,
    message: Callable[[int], str],
    limit: int = LISTED_PER_CHECK,
) -> list[Problem]:
    """Problems for the masked rows: the first few listed, the rest summed up in one line.

    `rows` are spreadsheet row numbers; `message(i)` says what is wrong with row position i.
    """
    positions = np.flatnonzero(mask)
    listed = [Problem(file, int(rows[i]), column, message(int(i))) for i in positions[:limit]]
    if positions.size > limit:
        # Problems sort by row, so this line names the row it resembles.
        first = int(rows[positions[0]])
        rest = int(positions.size - limit)
        listed.append(Problem(file, None, column, Msg("rows.more", count=rest, row=first)))
    return listed


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
