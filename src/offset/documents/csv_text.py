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
# below this many rows pandas writes faster: the column-wise setup costs about a row's worth of
# pandas per column and value kind (measured: crossing at a few hundred rows)
SMALL_ROWS = 500
SAMPLE_ROWS = 4096  # a number column whose first rows are mostly distinct is formatted per row


class Taken:
    """A column of few distinct fields: each row's code into `table` (the fields, formatted
    once)."""

    def __init__(self, codes: npt.NDArray[Any], table: list[str]) -> None:
        import numpy as np

        self.codes, self.table = codes, np.array(table, dtype=object)

    def __call__(self, start: int, stop: int) -> list[str]:
        taken: list[str] = self.table[self.codes[start:stop]].tolist()
        return taken

    def beside(self, right: Taken) -> Taken:
        """This column and `right` as one field (joined by a comma): each combination that
        occurs is joined once, so rows join fewer fields."""
        import pandas as pd

        width = len(right.table)
        codes, combinations = pd.factorize(self.codes.astype("int64") * width + right.codes)
        left, other = divmod(combinations, width)
        table = [a + "," + b for a, b in zip(self.table[left], right.table[other], strict=True)]
        return Taken(codes, table)


def write_csv(frame: pd.DataFrame, handle: TextIO) -> None:
    """Write `frame` without its index to `handle` (opened with `newline=""`) as
    `frame.to_csv(handle, index=False)` would."""
    import pandas as pd

    columns = None
    if (
        len(frame) >= SMALL_ROWS
        and len(frame.columns) > 1
        and not isinstance(frame.columns, pd.MultiIndex)
    ):
        columns = _column_fields(frame)
    if columns is None:
        frame.to_csv(handle, index=False)
        return
    handle.write(",".join(_quoted_all([str(c) for c in frame.columns])) + "\n")
    columns = _joined_neighbours(columns)
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
    for _, values in frame.items():
        fields = _fields(values)
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


def _taken(codes: npt.NDArray[Any], shown: list[str]) -> Taken:
    """Fields looked up by code in `shown`; a negative code (missing) is an empty field."""
    import numpy as np

    return Taken(np.where(codes < 0, len(shown), codes), [*shown, ""])


def _joined_neighbours(columns: list[Fields]) -> list[Fields]:
    """Neighbouring columns of few distinct fields as one (municipality, its name and its
    prefecture; a factor's id and value), while their combinations stay few."""
    out: list[Fields] = []
    for column in columns:
        last = out[-1] if out else None
        if isinstance(last, Taken) and isinstance(column, Taken):
            joined = last.beside(column)
            if len(joined.table) * 4 <= len(joined.codes):
                out[-1] = joined
                continue
        out.append(column)
    return out


def _numbers(array: npt.NDArray[Any], show: Callable[[Any], str]) -> Fields:
    """Numbers as text, NaN as an empty field; few distinct values are each formatted once."""
    import numpy as np
    import pandas as pd

    sample = array[:SAMPLE_ROWS]
    if len(pd.unique(sample)) * 4 <= len(sample):
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
