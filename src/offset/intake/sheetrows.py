"""Where a row of a checked input came from: its sheet and the row number the sheet shows.

A frame's index is the sheet row minus 2 (`layout.INDEX_OFFSET`); when several sheets of a
workbook are read as one input, the k-th sheet's rows are shifted by k x `STRIDE`, so that every
row keeps a unique index and a problem's row number says both the sheet and the row. A single
sheet (k = 0) is unchanged.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

STRIDE = 1 << 24  # above Excel's 1,048,576 rows of a sheet
FIRST_DATA_ROW = 2  # the header of a plain file is row 1


def shifted(position: int) -> int:
    """The index offset of the sheet read in `position`."""
    return position * STRIDE


def split(rows: npt.ArrayLike) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Encoded row numbers (index + 2) -> (sheet position, the row the sheet shows)."""
    values = np.asarray(rows, dtype=np.int64)
    return values // STRIDE, values % STRIDE


def where(row: int, sheets: Sequence[str | None]) -> tuple[str | None, int]:
    """One encoded row number -> (sheet name, row); the sheet is None for a single input."""
    position, shown = divmod(int(row), STRIDE)
    sheet = sheets[position] if position < len(sheets) else None
    return sheet, shown


def ranges(index: npt.ArrayLike, sheets: Sequence[str | None] = ()) -> str:
    """Positions in the input as row ranges per sheet: "2-4,7", or "R5!2-4;R6!2-9"."""
    values = np.asarray(index, dtype=np.int64) + FIRST_DATA_ROW
    if values.size == 0:
        return ""
    position, rows = split(values)
    parts = []
    for k in np.unique(position):
        at = np.sort(rows[position == k])
        breaks = np.flatnonzero(np.diff(at) != 1)
        starts = np.concatenate([[at[0]], at[breaks + 1]])
        stops = np.concatenate([at[breaks], [at[-1]]])
        text = ",".join(
            str(a) if a == b else f"{a}-{b}" for a, b in zip(starts, stops, strict=True)
        )
        name = sheets[int(k)] if int(k) < len(sheets) and len(sheets) > 1 else None
        parts.append(f"{name}!{text}" if name else text)
    return ";".join(parts)
