"""Cell values -> typed columns in the column's unit: numbers, years, dates, yes/no, names.

Numeric columns take the fast path (pandas' C parser) for plain numbers; what it cannot read
(full-width digits `９．５４`, thousands separators `100,000`, a unit in the cell `9.54kW`, Excel
cells of mixed types) is parsed once per distinct value. A unit in a cell must convert to the
column's (pint); a true/false or date cell in a numeric column is an error, never 1 or a serial.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import difflib
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt
import pandas as pd

from offset import units
from offset.common.messages import Msg
from offset.common.problems import Problem
from offset.intake.columns import Column
from offset.intake.dates import HIGHEST_YEAR, LOWEST_YEAR, to_date, to_year, too_far_ahead
from offset.intake.japanese import distinct, folded, gather, nfkc, pint_unit
from offset.intake.unit_case import read_unit

if TYPE_CHECKING:
    import pyarrow as pa

MAX_MAGNITUDE = 1e12  # |value| in the column's unit beyond this is no real figure (and 1e308
# would overflow to inf in the results)
TRUE = frozenset(
    {"true", "1", "yes", "y", "t", "有", "あり", "有り", "はい", "○", "〇", "◯", "済", "対象"}
)
FALSE = frozenset(
    {"false", "0", "no", "n", "f", "", "無", "なし", "無し", "いいえ", "×", "✕", "-", "非対象"}
)
_NUMBER = re.compile(
    r"^(?P<n>[+-]?(?:\d{1,3}(?:,\d{3})+(?:\.\d*)?|\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?)\s*(?P<unit>.*)$",
    re.IGNORECASE,
)

Listed = Callable[[npt.NDArray[np.bool_], Callable[[int], str]], list[Problem]]


@dataclass(frozen=True)
class Vocabulary:
    """The values a column may hold and every accepted spelling of each (folded)."""

    resolve: Callable[[object], str | None]
    shown: tuple[str, ...]  # what a user may type, for "closest known"
    table: str
    what: Msg
    codes: Mapping[str, str] = field(default_factory=dict)  # key -> JIS code (prefectures)
    names: Mapping[str, str] = field(default_factory=dict)  # key -> name as printed


def always(message: str) -> Callable[[int], str]:
    """The same message for every row listed."""
    return lambda _: message


def empty(series: pd.Series) -> npt.NDArray[np.bool_]:
    """Blank cells: missing, or text of spaces only (checked in Arrow, not per row in Python)."""
    if series.dtype == object:
        with contextlib.suppress(TypeError, ValueError):  # cells Arrow cannot hold stay objects
            series = series.astype("string[pyarrow]")  # a number or a date is never blank
    if isinstance(series.dtype, pd.StringDtype):
        stripped = series.str.strip()
        blank: npt.NDArray[np.bool_] = (stripped.isna() | (stripped == "")).to_numpy(
            dtype=bool, na_value=True
        )
        return blank
    found: npt.NDArray[np.bool_] = series.isna().to_numpy()
    return found


def numbers(
    series: pd.Series, column: Column, unit: str | None, listed: Listed
) -> tuple[npt.NDArray[np.float64], list[Problem]]:
    """Values in the column's unit; `unit` is the header's (for cells that name none)."""
    target = column.unit
    factor = units.scale(unit, target) if unit and target and unit != target else 1.0
    if column.words_after and not pd.api.types.is_numeric_dtype(series.dtype):
        series = _without_words(series, column.words_after)
    blank = empty(series)
    messages: npt.NDArray[np.object_] | None = None
    if pd.api.types.is_bool_dtype(series.dtype):
        values = np.full(len(series), np.nan)
        messages = np.full(len(series), None, dtype=object)
        messages[~blank] = Msg("value.bool_in_number", value=True)
    elif pd.api.types.is_numeric_dtype(series.dtype):
        values = series.to_numpy(dtype=np.float64, na_value=np.nan) * factor
    else:
        values, messages = _parse_numbers(series, blank, factor, target)
    problems: list[Problem] = []
    if messages is not None:
        bad = _noted(messages)
        problems += listed(bad, lambda i: messages[i])
    if column.required:
        problems += listed(blank, lambda i: Msg("value.required"))
    finite = np.isfinite(values)
    problems += listed(~finite & ~np.isnan(values), lambda i: Msg("value.not_finite"))
    huge = finite & (np.abs(np.where(finite, values, 0.0)) > MAX_MAGNITUDE)
    problems += listed(
        huge, lambda i: Msg("value.too_large", value=series.iloc[i], limit=MAX_MAGNITUDE)
    )
    values = np.where(huge, np.nan, values)
    problems += _bounds(values, column, listed)
    return values, problems


_ROMAN = {"I": 1, "V": 5, "X": 10, "L": 50}


def _without_words(series: pd.Series, words: tuple[str, ...]) -> pd.Series:
    """Cells with the words dropped from their end (7齢級 -> 7; Ⅶ齢級 -> 7: 森林簿 write age
    classes in Roman numerals too); other cells as they were."""
    pattern = "(?:" + "|".join(re.escape(w) for w in words) + r")\s*$"
    _, uniques = distinct(series)  # ages and classes: few values, each looked at once first
    if not _worded(pd.Series(uniques, dtype=object), pattern).any():
        return series
    text = series.astype("string").str.strip().str.normalize("NFKC")
    worded = text.str.contains(pattern, regex=True).to_numpy(dtype=bool, na_value=False)
    stripped = text[worded].str.replace(pattern, "", regex=True).str.strip()
    roman = stripped.str.fullmatch(r"[IVXL]+").to_numpy(dtype=bool, na_value=False)
    if roman.any():
        codes, uniques = distinct(stripped[roman])
        numbers = np.array([str(_roman(str(u))) for u in uniques], dtype=object)
        stripped[roman] = gather(numbers, codes, "")
    out = series.astype(object).copy()
    out[worded] = stripped.astype(object).to_numpy()
    return out


def _worded(values: pd.Series, pattern: str) -> npt.NDArray[np.bool_]:
    """Which values end in one of the words (`pattern`), once stripped and NFKC'd."""
    text = values.astype("string").str.strip().str.normalize("NFKC")
    found: npt.NDArray[np.bool_] = text.str.contains(pattern, regex=True).to_numpy(
        dtype=bool, na_value=False
    )
    return found


def _noted(messages: npt.NDArray[np.generic]) -> npt.NDArray[np.bool_]:
    """Which rows have a message (None: none), in C: no Python step per row."""
    found: npt.NDArray[np.bool_] = ~pd.isna(messages)
    return found


def _roman(text: str) -> int:
    values = [_ROMAN[c] for c in text]
    return sum(-v if i + 1 < len(values) and v < values[i + 1] else v for i, v in enumerate(values))


def _parse_numbers(
    series: pd.Series, blank: npt.NDArray[np.bool_], factor: float, target: str | None
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.object_]]:
    messages = np.full(len(series), None, dtype=object)
    if pd.api.types.infer_dtype(series, skipna=True) in ("string", "empty"):
        # plain numbers first, in C; only what that cannot read is parsed per distinct value
        values = _plain_numbers(series)
        other = np.zeros(len(series), dtype=bool) if values is None else np.isnan(values) & ~blank
        if values is not None and other.any():  # the cells Arrow did not read: pandas'
            read = pd.to_numeric(series[other], errors="coerce").to_numpy(
                dtype=np.float64, na_value=np.nan
            )
            # a zero's sign depends on the other cells pandas reads with it: all of them
            values = None if (read == 0).any() else values
            if values is not None:
                values[other] = read
        if values is None:
            values = pd.to_numeric(series, errors="coerce").to_numpy(dtype=np.float64)
        values = values * factor
        rest = np.isnan(values) & ~blank
    else:  # Excel cells of several types: every distinct value is looked at
        values = np.full(len(series), np.nan)
        rest = ~blank
    if rest.any():
        codes, uniques = distinct(series[rest])
        parsed = [_number(u, factor, target) for u in uniques]
        floats = np.array([p if isinstance(p, float) else np.nan for p in parsed], dtype=float)
        notes = np.array([p if isinstance(p, Msg) else None for p in parsed], dtype=object)
        values[rest] = gather(floats, codes, np.nan)
        messages[rest] = gather(notes, codes, None)
    return values, messages


def _plain_numbers(series: pd.Series) -> npt.NDArray[np.float64] | None:
    """The cells of an Arrow text column that are plain decimal numbers (4.5, -0.25, 1e3),
    read by Arrow's cast, NaN elsewhere; None for a column of another kind. A plain number reads
    as `pd.to_numeric` reads it (`tests/intake/test_plain_numbers.py`); a column with a
    negative zero is left to pandas."""
    import pyarrow as pa
    import pyarrow.compute as pc

    dtype = series.dtype
    if not (isinstance(dtype, pd.StringDtype) and dtype.storage == "pyarrow"):
        return None
    text = pa.chunked_array(series.array.__arrow_array__())
    read = _cast_whole(text)
    if read is None:  # a cell that is not a plain number: those cells are found first
        plain = pc.fill_null(pc.match_substring_regex(text, _PLAIN_NUMBER), False)
        try:
            read = pc.cast(pc.if_else(plain, text, None), pa.float64())
        except pa.ArrowInvalid:  # an exponent past what Arrow parses: pandas reads the column
            return None
    values = np.asarray(read.to_numpy(zero_copy_only=False), dtype=np.float64).copy()
    if ((values == 0) & np.signbit(values)).any():  # -0: pandas reads it as 0 or -0.0 by
        return None  # whether the column's other cells are whole: pandas reads the column
    return values


_PLAIN_NUMBER = r"^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$"


def _cast_whole(text: pa.ChunkedArray) -> pa.ChunkedArray | None:
    """The column cast whole when every cell is a plain number (or missing), else None: no
    pattern to run over a column of numbers. Arrow's cast reads what `_PLAIN_NUMBER` matches
    and, beyond it, only nan and inf in their spellings, which give no finite value
    (`tests/intake/test_plain_numbers.py` compares the two)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    try:
        read = pc.cast(text, pa.float64())
    except pa.ArrowInvalid:
        return None
    if pc.all(pc.is_finite(read)).as_py() is False:  # nulls skipped: missing cells
        return None
    return read


def _number(value: object, factor: float, target: str | None) -> float | Msg:
    if isinstance(value, bool | np.bool_):
        return Msg("value.bool_in_number", value=bool(value))
    if isinstance(value, dt.date | dt.time):
        return Msg("value.date_in_number", value=str(value))
    if isinstance(value, int | float | np.integer | np.floating):
        return float(value) * factor
    text = nfkc(str(value))
    match = _NUMBER.match(text)
    if match is None:
        return Msg("value.not_number", value=str(value))
    number = float(match["n"].replace(",", ""))
    cell_unit = match["unit"].strip()
    if not cell_unit:
        return number * factor
    read = read_unit(pint_unit(cell_unit), target or "dimensionless")
    if isinstance(read, tuple):
        if read:
            return Msg("value.cell_unit_case", unit=cell_unit, value=str(value),
                       readings=" / ".join(read))  # fmt: skip
        return Msg("value.cell_unit", unit=cell_unit, value=str(value), expected=target)
    return number * units.scale(read, target or "dimensionless")


def _bounds(values: npt.NDArray[np.float64], column: Column, listed: Listed) -> list[Problem]:
    finite = np.isfinite(values)
    problems: list[Problem] = []
    if column.kind in ("integer", "year"):
        fractional = finite & (values != np.round(values))
        problems += listed(fractional, lambda i: Msg("value.not_whole", value=values[i]))
    if column.minimum is not None:
        low = finite & (values < column.minimum)
        problems += listed(
            low, lambda i: Msg("value.at_least", minimum=column.minimum, value=values[i])
        )
    if column.maximum is not None:
        high = finite & (values > column.maximum)
        problems += listed(
            high, lambda i: Msg("value.at_most", maximum=column.maximum, value=values[i])
        )
    return problems


def years(
    series: pd.Series, column: Column, listed: Listed
) -> tuple[npt.NDArray[np.float64], list[Problem]]:
    """Years and fiscal years: numbers, `2024年度`, `R6`, `令和6年度` (NaN for blanks)."""
    blank = empty(series)
    if pd.api.types.is_numeric_dtype(series.dtype) and not pd.api.types.is_bool_dtype(series):
        values = series.to_numpy(dtype=np.float64, na_value=np.nan)
        problems: list[Problem] = []
    else:
        codes, uniques = distinct(series)
        parsed = [to_year(u) for u in uniques]
        floats = np.array([float(p) if isinstance(p, int) else np.nan for p in parsed])
        notes = np.array([p if isinstance(p, Msg) else None for p in parsed], dtype=object)
        values = gather(floats, codes, np.nan).astype(np.float64)
        messages = gather(notes, codes, None)
        bad = _noted(messages) & ~blank
        problems = listed(bad, lambda i: messages[i])
    if column.required:
        problems += listed(blank, lambda i: Msg("value.required"))
    problems += _bounds(values, column, listed)
    return values, problems


def dates(
    series: pd.Series, column: Column, listed: Listed, latest: dt.date
) -> tuple[npt.NDArray[np.datetime64], list[Problem]]:
    """Days (NaT for blanks and refusals); one after `latest` is a typo (`latest_plausible`)."""
    blank = empty(series)
    problems: list[Problem] = []
    if pd.api.types.is_datetime64_any_dtype(series.dtype):
        values = series.to_numpy(dtype="datetime64[ns]")
    else:
        codes, uniques = distinct(series)
        days, notes = parsed_dates(uniques)
        values = gather(days, codes, np.datetime64("NaT"))
        messages = gather(notes, codes, None)
        bad = _noted(messages) & ~blank
        problems += listed(bad, lambda i: messages[i])
    values = values.astype("datetime64[ns]")
    ahead = values > np.datetime64(latest, "ns")
    problems += listed(ahead, lambda i: too_far_ahead(series.iloc[i], latest))
    values[ahead] = np.datetime64("NaT")
    if column.required:
        problems += listed(blank, lambda i: Msg("value.required"))
    return values, problems


_ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def parsed_dates(
    uniques: pd.Index,
) -> tuple[npt.NDArray[np.datetime64], npt.NDArray[np.object_]]:
    """Each distinct value as a day (NaT where it is none) and its message (None where none):
    ISO days (2024-04-01: a PV list's thousands of commissioning dates) read by numpy at once,
    the days `to_date` gives them (`tests/intake/test_iso_dates.py` compares); every other
    value, and every ISO day numpy refuses or `to_date` keeps out of range, by `to_date`."""
    values = np.asarray(uniques, dtype=object)
    days = np.full(len(values), np.datetime64("NaT"), dtype="datetime64[ns]")
    notes = np.full(len(values), None, dtype=object)
    iso = np.array([isinstance(v, str) and _ISO_DAY.fullmatch(v) is not None for v in values],
                   dtype=bool)  # fmt: skip
    if iso.any():
        try:
            read = values[iso].astype("datetime64[D]")
        except ValueError:  # an impossible day (2024-02-30): each value says which
            iso[:] = False
        else:
            years = read.astype("datetime64[Y]").astype(np.int64) + 1970
            inside = (years >= LOWEST_YEAR) & (years <= HIGHEST_YEAR)
            at = np.flatnonzero(iso)
            days[at[inside]] = read[inside]
            iso[at[~inside]] = False
    for i in np.flatnonzero(~iso):
        found = to_date(values[i])
        if isinstance(found, dt.date):
            days[i] = np.datetime64(found, "ns")
        else:
            notes[i] = found
    return days, notes


def booleans(
    series: pd.Series, column: Column, listed: Listed
) -> tuple[npt.NDArray[np.bool_], list[Problem]]:
    """有/無, ○/×, はい/いいえ, あり/なし, 1/0, true/false (a blank is no)."""
    if pd.api.types.is_bool_dtype(series.dtype):
        return series.to_numpy(dtype=bool), []
    codes, uniques = distinct(series)
    spellings = [_boolean_spelling(u) for u in uniques]
    truthy = np.append(np.array([s in TRUE for s in spellings], dtype=bool), False)[codes]
    known = np.append(np.array([s in TRUE | FALSE for s in spellings], dtype=bool), True)[codes]
    return truthy, listed(~known, lambda i: Msg("value.not_boolean", value=series.iloc[i]))


def _boolean_spelling(value: object) -> str:
    if isinstance(value, bool | np.bool_):
        return "true" if value else "false"
    if isinstance(value, int | float | np.integer | np.floating) and value == int(value):
        return str(int(value))
    return folded(str(value)).removesuffix(".0")


def recoded(codes: npt.NDArray[np.int64], new: list[str | None], index: pd.Index) -> pd.Series:
    """A categorical whose rows with code i hold new[i] (None or -1: missing); values that
    became equal share one category. Work per category, gathered by code."""
    merged, cats = pd.factorize(pd.Index(new, dtype=object), use_na_sentinel=True)
    rows = np.append(merged, -1)[codes]
    categorical = pd.Categorical.from_codes(rows, categories=pd.Index(cats, dtype=object))
    return pd.Series(categorical, index=index)


def categories(series: pd.Series) -> pd.Series:
    """Text with few distinct values as a categorical, each distinct value NFKC'd and stripped
    once; blanks become missing and values equal after that share one category."""
    codes, uniques = distinct(series)
    cleaned = [nfkc(str(u)) or None for u in uniques]
    return recoded(codes, cleaned, series.index)


def resolved(
    categorical: pd.Series, vocabulary: Vocabulary, listed: Listed
) -> tuple[pd.Series, list[Problem]]:
    """Each category replaced by its key in `vocabulary`; unknown ones named with the closest."""
    names = list(categorical.cat.categories)
    keys = [vocabulary.resolve(n) for n in names]
    problems: list[Problem] = []
    codes = np.asarray(categorical.cat.codes, dtype=np.int64)
    for position, (name, key) in enumerate(zip(names, keys, strict=True)):
        if key is None:
            problems += listed(codes == position, always(_unknown(name, vocabulary)))
    return recoded(codes, keys, categorical.index), problems


def _unknown(value: str, vocabulary: Vocabulary) -> Msg:
    close = difflib.get_close_matches(value, vocabulary.shown, n=5, cutoff=0.5)
    common = {"what": vocabulary.what, "value": value, "count": len(vocabulary.shown)}
    if not close:
        return Msg("value.unknown_none_close", table=vocabulary.table, **common)
    return Msg("value.unknown", close=", ".join(close), table=vocabulary.table, **common)


def spellings(
    keys: Mapping[str, tuple[str, ...]],
) -> Callable[[object], str | None]:
    """A resolver from key -> spellings (each folded once)."""
    table = {folded(s): key for key, names in keys.items() for s in (key, *names)}
    return lambda value: table.get(folded(str(value)))
