"""Reading input files and checking them against a column contract, once, at the boundary.

Every problem is collected (file, row, column, why) before anything is computed. Rows are
numbered as a spreadsheet shows them: the header is row 1, the first data row is row 2.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pandas as pd

from offset import units
from offset.columns import Column, Contract
from offset.problems import InputError, Problem

FIRST_DATA_ROW = 2
LISTED_PER_CHECK = 20  # rows listed for one kind of problem in one column; the rest are counted
CSV_CHUNK_ROWS = 250_000
_ENCODINGS = ("utf-8-sig", "cp932")  # UTF-8 with or without BOM, then Shift_JIS as offices export
_TRUE = {"true", "1", "yes", "y", "t"}
_FALSE = {"false", "0", "no", "n", "f", ""}

Progress = Callable[[int], None]


def read_table(path: Path, progress: Progress | None = None) -> pd.DataFrame:
    """A file as a DataFrame: CSV (UTF-8, UTF-8 with BOM, Shift_JIS/CP932), .xlsx or .parquet."""
    if not path.is_file():
        raise InputError([Problem(str(path), None, None, "file not found")])
    suffix = path.suffix.lower()
    try:
        if suffix in (".xlsx", ".xlsm"):
            return pd.read_excel(path, engine="openpyxl")
        if suffix == ".parquet":
            return pd.read_parquet(path)
        if suffix in (".csv", ".txt"):
            return _read_csv(path, progress)
    except InputError:
        raise
    except Exception as e:  # a reader's own message says what is wrong with the file
        raise InputError([Problem(str(path), None, None, f"cannot read the file: {e}")]) from e
    raise InputError(
        [Problem(str(path), None, None, "unknown format: use .csv, .xlsx or .parquet")]
    )


def _read_csv(path: Path, progress: Progress | None) -> pd.DataFrame:
    for encoding in _ENCODINGS:
        try:
            return pd.concat(_csv_chunks(path, encoding, progress), ignore_index=True)
        except UnicodeDecodeError:
            continue
    raise InputError([Problem(str(path), None, None, "not UTF-8 or Shift_JIS (CP932) text")])


def _csv_chunks(path: Path, encoding: str, progress: Progress | None) -> Iterator[pd.DataFrame]:
    # Blank lines are kept (as empty rows) so that row numbers match what the user sees.
    reader = pd.read_csv(
        path,
        encoding=encoding,
        chunksize=CSV_CHUNK_ROWS,
        skip_blank_lines=False,
        skipinitialspace=True,
        low_memory=False,
    )
    with reader:
        for chunk in reader:
            if progress is not None:
                progress(len(chunk))
            yield chunk


def prepare(raw: pd.DataFrame, contract: Contract, file: str) -> pd.DataFrame:
    """Check `raw` against `contract`; return the contract's columns, typed, in canonical units.

    Raises :class:`InputError` with every problem found. Unknown extra columns are kept as they are.
    """
    problems: list[Problem] = []
    out: dict[str, object] = {}
    rows = np.arange(len(raw), dtype=np.int64) + FIRST_DATA_ROW
    used: set[str] = set()
    for column in contract.columns:
        present = [n for n in column.names if n in raw.columns]
        if len(present) > 1:
            problems.append(
                Problem(file, None, present[1], f"give only one of {', '.join(present)}")
            )
        if not present:
            if column.required:
                names = " or ".join(column.names)
                problems.append(
                    Problem(file, None, column.name, f"required column is missing ({names})")
                )
            continue
        name = present[0]
        used.add(name)
        converted, column_problems = _convert(raw[name], column, name, file, rows)
        problems += column_problems
        out[column.name] = converted
    if problems:
        raise InputError(problems)
    extra = {c: raw[c] for c in raw.columns if c not in used and c not in out}
    return pd.DataFrame({**out, **extra}, index=raw.index, copy=False)  # no consolidation copy


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
        rest = positions.size - limit
        listed.append(
            Problem(file, None, column, f"... and {rest} more rows with the problem of row {first}")
        )
    return listed


def _convert(
    series: pd.Series, column: Column, name: str, file: str, rows: npt.NDArray[np.int64]
) -> tuple[object, list[Problem]]:
    converter = _CONVERTERS[column.kind]
    return converter(series, column, name, file, rows)


def _empty(series: pd.Series) -> npt.NDArray[np.bool_]:
    if series.dtype == object or isinstance(series.dtype, pd.StringDtype):
        return (series.isna() | (series.astype(str).str.strip() == "")).to_numpy()
    return series.isna().to_numpy()


def _numbers(
    series: pd.Series, column: Column, name: str, file: str, rows: npt.NDArray[np.int64]
) -> tuple[object, list[Problem]]:
    problems: list[Problem] = []
    empty = _empty(series)
    if pd.api.types.is_numeric_dtype(series.dtype) and not pd.api.types.is_bool_dtype(series.dtype):
        values = series.to_numpy(dtype=np.float64, na_value=np.nan)
        text_bad = np.zeros(len(series), dtype=bool)
    else:
        values = pd.to_numeric(series, errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)
        text_bad = np.isnan(values) & ~empty
        problems += listed_problems(
            file, rows, text_bad, name, lambda i: f"not a number: {series.iloc[i]!r}"
        )
    if column.required:
        problems += listed_problems(
            file, rows, empty, name, lambda i: "empty, but a value is required"
        )
    finite = np.isfinite(values)
    infinite = ~finite & ~np.isnan(values)
    problems += listed_problems(file, rows, infinite, name, lambda i: "not a finite number")
    if column.kind == "integer":
        fractional = finite & (values != np.round(values))
        problems += listed_problems(
            file, rows, fractional, name, lambda i: f"not a whole number: {values[i]}"
        )
    if column.minimum is not None:
        low = finite & (values < column.minimum)
        problems += listed_problems(
            file,
            rows,
            low,
            name,
            lambda i: f"must be at least {column.minimum:g}, got {values[i]:g}",
        )
    if column.maximum is not None:
        high = finite & (values > column.maximum)
        problems += listed_problems(
            file,
            rows,
            high,
            name,
            lambda i: f"must be at most {column.maximum:g}, got {values[i]:g}",
        )
    unit = column.names[name]
    if unit is not None and column.unit is not None and unit != column.unit:
        values = values * units.scale(unit, column.unit)  # one pint conversion per column
    # Integers stay float64 (checked whole above): NaN marks a blank, and kernels need no
    # nullable-integer conversion.
    return values, problems


def _categories(series: pd.Series) -> pd.Series:
    """Text with few distinct values as a categorical: each distinct value is stripped once.

    Blank values become missing; values equal after stripping share one category.
    """
    if isinstance(series.dtype, pd.CategoricalDtype):  # Parquet dictionaries, or our own frames
        codes, uniques = series.cat.codes.to_numpy(), series.cat.categories
    else:
        codes, uniques = pd.factorize(series, use_na_sentinel=True)
    cleaned = pd.Index(uniques).astype(str).str.strip()
    merged, categories = pd.factorize(cleaned.where(cleaned != "", None), use_na_sentinel=True)
    merged = np.append(merged, -1)  # code -1 (missing) stays missing
    return pd.Series(
        pd.Categorical.from_codes(merged[codes], categories=pd.Index(categories, dtype=object)),
        index=series.index,
    )


def _texts(
    series: pd.Series, column: Column, name: str, file: str, rows: npt.NDArray[np.int64]
) -> tuple[object, list[Problem]]:
    if column.kind == "category":
        categorical = _categories(series)
        empty = categorical.isna().to_numpy()
        problems = (
            listed_problems(file, rows, empty, name, lambda i: "empty, but a value is required")
            if column.required
            else []
        )
        return categorical, problems
    empty = _empty(series)
    problems = (
        listed_problems(file, rows, empty, name, lambda i: "empty, but a value is required")
        if column.required
        else []
    )
    cleaned = series.astype("string").str.strip().mask(pd.Series(empty, index=series.index))
    return cleaned.astype(object), problems


def _dates(
    series: pd.Series, column: Column, name: str, file: str, rows: npt.NDArray[np.int64]
) -> tuple[object, list[Problem]]:
    empty = _empty(series)
    if pd.api.types.is_datetime64_any_dtype(series.dtype):
        parsed = series
    else:
        text = series.astype("string").str.strip().str.replace("/", "-", regex=False)
        parsed = pd.to_datetime(text, format="%Y-%m-%d", errors="coerce")
    bad = parsed.isna().to_numpy() & ~empty
    problems = listed_problems(
        file, rows, bad, name, lambda i: f"not a possible date (YYYY-MM-DD): {series.iloc[i]!r}"
    )
    if column.required:
        problems += listed_problems(
            file, rows, empty, name, lambda i: "empty, but a value is required"
        )
    return parsed.to_numpy(dtype="datetime64[ns]"), problems


def _booleans(
    series: pd.Series, column: Column, name: str, file: str, rows: npt.NDArray[np.int64]
) -> tuple[object, list[Problem]]:
    if pd.api.types.is_bool_dtype(series.dtype):
        return series.to_numpy(dtype=bool), []
    text = series.astype("string").str.strip().str.lower().fillna("")
    text = text.str.replace(r"\.0$", "", regex=True)  # 1.0 from a numeric CSV column
    truthy = text.isin(_TRUE).to_numpy()
    bad = ~(truthy | text.isin(_FALSE).to_numpy())
    problems = listed_problems(
        file, rows, bad, name, lambda i: f"not true/false: {series.iloc[i]!r}"
    )
    return truthy, problems


_CONVERTERS = {
    "number": _numbers,
    "integer": _numbers,
    "text": _texts,
    "category": _texts,
    "date": _dates,
    "boolean": _booleans,
}
