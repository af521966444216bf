"""Problems of many rows, listed within a limit: the first few named, the rest counted.

`offset calc --keep-going` needs every refused row, not the first twenty: `every_row` lifts the
limit (to `MAX_REJECTED_ROWS`, a limit still) for the checks run inside it.
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import numpy as np
import numpy.typing as npt

from offset.common.messages import Msg
from offset.common.problems import Problem

FIRST_DATA_ROW = 2
LISTED_PER_CHECK = 20  # rows listed for one kind of problem in one column; the rest are counted
MAX_REJECTED_ROWS = 1_000_000  # rows one check may list when every row is wanted
_AT_LEAST = contextvars.ContextVar("listed_at_least", default=0)


@contextmanager
def every_row() -> Iterator[None]:
    """List every row a check finds (up to MAX_REJECTED_ROWS), for a rejects file."""
    token = _AT_LEAST.set(MAX_REJECTED_ROWS)
    try:
        yield
    finally:
        _AT_LEAST.reset(token)


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
    limit = max(limit, _AT_LEAST.get())
    positions = np.flatnonzero(mask)
    listed = [Problem(file, int(rows[i]), column, message(int(i))) for i in positions[:limit]]
    if positions.size > limit:
        # Problems sort by row, so this line names the row it resembles.
        first = int(rows[positions[0]])
        rest = int(positions.size - limit)
        listed.append(Problem(file, None, column, Msg("rows.more", count=rest, row=first)))
    return listed
