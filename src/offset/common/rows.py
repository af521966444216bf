"""Sheet row numbers as a user reads them in a notice or a problem: ranges, not lists."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt


def spans(rows: Sequence[int] | npt.NDArray[np.int64]) -> str:
    """Row numbers as ranges: [2, 3, 4, 7] -> "2-4, 7"."""
    values = np.asarray(rows, dtype=np.int64)
    if values.size == 0:
        return ""
    breaks = np.flatnonzero(np.diff(values) != 1)
    starts = np.concatenate([[values[0]], values[breaks + 1]])
    stops = np.concatenate([values[breaks], [values[-1]]])
    return ", ".join(str(a) if a == b else f"{a}-{b}" for a, b in zip(starts, stops, strict=True))
