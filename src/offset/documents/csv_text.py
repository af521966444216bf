"""A frame as CSV text, byte for byte what `frame.to_csv(index=False)` writes, in a fraction of
its time.

pandas formats every cell and hands each row to the `csv` module; for a results file of 25
columns that was half of `offset calc`. Here each column is formatted as a whole: a categorical
column's categories once, then taken by code; a number column's distinct values once when there
are few (capacities, factors, ages), each value by `repr` otherwise (a float64's `repr` is its
numpy `astype(str)`, which pandas writes); rows are joined by `str.join`, a chunk of rows at a
time. Quoting is the `csv` module's own, asked only for the rare cell that holds a delimiter, a
quote or a line break. A column of another kind (dates, mixed objects, nullable integers) sends
the whole frame through pandas, so the text never depends on which path ran
(`tests/test_csv_text.py` compares the two).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:
    import numpy.typing as npt
    import pandas as pd

CHUNK_ROWS = 1 << 16  # rows formatted and joined at a time: one chunk's text is held at once
# a text cell holding one of these goes through the csv module's quoting
QUOTE_CHARACTERS = (",", '"', "\n", "\r")

Fields = Callable[[int, int], list[str]]  # rows [start, stop) of a column as CSV fields


def write_csv(frame: pd.DataFrame, handle: TextIO) -> None:
    """Write `frame` without its index to `handle` (opened with `newline=""`) as
    `frame.to_csv(handle, index=False)` would."""
    import pandas as pd

    columns = None
    if len(frame.columns) > 1 and not isinstance(frame.columns, pd.MultiIndex):
        columns = _column_fields(frame)
    if columns is None:
        frame.to_csv(handle, index=False)
        return
    handle.write(",".join(_quoted_all([str(c) for c in frame.columns])) + "\n")
    for start in range(0, len(frame), CHUNK_ROWS):
        stop = min(start + CHUNK_ROWS, len(frame))
        chunk = [fields(start, stop) for fields in columns]
        handle.write("\n".join(map(",".join, zip(*chunk, strict=True))))
        handle.write("\n")


def csv_text(frame: pd.DataFrame) -> str:
    """`frame.to_csv(index=False)`: the text `write_csv` writes."""
    buffer = io.StringIO(newline="")
    write_csv(frame, buffer)
    return buffer.getvalue()


def _column_fields(frame: pd.DataFrame) -> list[Fields] | None:
    """Each column's formatter, or None when a column is of a kind only pandas formats."""
    columns = []
    for position in range(len(frame.columns)):
        fields = _fields(frame.iloc[:, position])
        if fields is None:
            return None
        columns.append(fields)
    return columns


def _fields(values: pd.Series) -> Fields | None:
    import numpy as np
    import pandas as pd

    dtype = values.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        categories = _fields(pd.Series(values.cat.categories))
        if categories is None:
            return None
        shown = categories(0, len(values.cat.categories))
        return _taken(values.cat.codes.to_numpy(), shown)
    if isinstance(dtype, np.dtype):
        if dtype.kind == "b":
            return _taken(values.to_numpy().astype(np.int8), ["False", "True"])
        if dtype.kind in "iu":
            return _numbers(values.to_numpy(), str)
        if dtype == np.float64:
            return _numbers(values.to_numpy(), float.__repr__)
        if dtype.kind == "O":
            return _text(values.to_numpy(dtype=object, copy=True))
        return None
    if pd.api.types.is_string_dtype(dtype):
        return _text(values.to_numpy(dtype=object, copy=True))
    return None


def _taken(codes: npt.NDArray[Any], shown: list[str]) -> Fields:
    """Fields looked up by code in `shown`; a negative code (missing) is an empty field."""
    import numpy as np

    table = np.array([*shown, ""], dtype=object)
    where = np.where(codes < 0, len(shown), codes)

    def fields(start: int, stop: int) -> list[str]:
        taken: list[str] = table[where[start:stop]].tolist()
        return taken

    return fields


def _numbers(array: npt.NDArray[Any], show: Callable[[Any], str]) -> Fields:
    """Numbers as text, NaN as an empty field; few distinct values are each formatted once."""
    import numpy as np
    import pandas as pd

    codes, distinct = pd.factorize(array, use_na_sentinel=True)
    if len(distinct) * 4 <= len(array):
        return _taken(codes, list(map(show, distinct.tolist())))
    missing = np.isnan(array) if array.dtype.kind == "f" else np.zeros(len(array), dtype=bool)

    def fields(start: int, stop: int) -> list[str]:
        shown = list(map(show, array[start:stop].tolist()))
        for i in np.flatnonzero(missing[start:stop]).tolist():
            shown[i] = ""
        return shown

    return fields


def _text(array: npt.NDArray[Any]) -> Fields | None:
    """An object column of text (missing cells empty), quoted where the csv module quotes;
    None for anything else (numbers, dates, mixed)."""
    import pandas as pd

    missing = pd.isna(array)
    if missing.any():
        array[missing] = ""
    if pd.api.types.infer_dtype(array, skipna=False) not in ("string", "empty"):
        return None
    joined = "\x00".join(array.tolist())  # one scan of the column: does any cell need quotes?
    quote = any(c in joined for c in QUOTE_CHARACTERS)

    def fields(start: int, stop: int) -> list[str]:
        strings: list[str] = array[start:stop].tolist()
        return _quoted_all(strings) if quote else strings

    return fields


def _quoted_all(strings: list[str]) -> list[str]:
    return [_quoted(s) if any(c in s for c in QUOTE_CHARACTERS) else s for s in strings]


def _quoted(cell: str) -> str:
    """`cell` as pandas' writer (the csv module, minimal quoting) writes it among others."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow([cell, ""])
    return buffer.getvalue()[: -len(",\n")]
