"""Cells that a spreadsheet reads as data, never as a formula: the one home of that rule.

A CSV cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return is run as a formula
by Excel and LibreOffice (CSV injection). As OWASP advises, such text cells get a leading `'`,
which both show as text. In an Excel file a cell is a value or a formula by its type: the workbook
writer writes every text as text (`documents.workbook`), never as a formula.
Numbers are never touched (a negative number is a number, not a formula).
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the frame helpers import pandas when called: the ledger uses `neutral` alone
    import numpy.typing as npt
    import pandas as pd

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutral(value: str) -> str:
    """A text cell as it may go into a CSV file."""
    return "'" + value if value.startswith(FORMULA_START) else value


def _starting(values: pd.Series, prefixes: tuple[str, ...]) -> npt.NDArray[Any]:
    """Which cells of a column are text starting with one of `prefixes` (numbers, even in a
    column of mixed types, never are): a categorical's categories looked at once, a column of
    numbers not at all, any other column scanned once first (`_any_starting`)."""
    import numpy as np
    import pandas as pd

    none = np.zeros(len(values), dtype=bool)
    dtype = values.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        categorical = values.array
        bad = np.array([_text_starting(c, prefixes) for c in categorical.categories.tolist()], bool)
        if not bad.any():
            return none
        codes = categorical.codes
        found: npt.NDArray[Any] = (codes >= 0) & bad[np.maximum(codes, 0)]
        return found
    if isinstance(dtype, np.dtype) and dtype.kind in "biufcmM":
        return none
    text = _arrow_text(values)
    if text is not None:  # a column of text: looked at in Arrow, no Python object per cell
        import pyarrow.compute as pc

        hit = functools.reduce(pc.or_, [pc.starts_with(text, p) for p in prefixes])
        return np.asarray(pc.fill_null(hit, False).to_numpy(zero_copy_only=False), dtype=bool)
    cells = values.tolist()
    if not _any_starting(cells, prefixes):
        return none
    return np.array([_text_starting(v, prefixes) for v in cells], dtype=bool)


def _arrow_text(values: pd.Series) -> Any:
    """The column as an Arrow string array when every cell is text or missing, else None."""
    import pandas as pd
    import pyarrow as pa

    if pd.api.types.infer_dtype(values, skipna=True) not in ("string", "empty"):
        return None
    try:
        return pa.array(values, type=pa.string(), from_pandas=True)
    except (UnicodeEncodeError, pa.ArrowException):  # a lone surrogate: cell by cell below
        return None


def _text_starting(value: object, prefixes: tuple[str, ...]) -> bool:
    return isinstance(value, str) and value.startswith(prefixes)


def _any_starting(cells: list[Any], prefixes: tuple[str, ...]) -> bool:
    """Whether a text cell may start with one of `prefixes`: one scan of the cells' text joined
    by NUL, which a cell so starting always follows (a NUL inside a cell can only say yes
    wrongly, and then the cells are looked at one by one)."""
    joined = "\x00" + "\x00".join([v for v in cells if isinstance(v, str)])
    return any("\x00" + prefix in joined for prefix in prefixes)


def neutral_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """`frame` with every text cell that starts like a formula neutralised (a copy, if any)."""
    out = frame
    for column, cells in frame.items():
        mask = _starting(cells, FORMULA_START)
        if mask.any():
            if out is frame:
                out = frame.copy()
            values = cells.astype(object)
            out[column] = values.where(~mask, "'" + values.astype(str))
    return out
