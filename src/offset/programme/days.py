"""Which days a member counts: inside its membership, the crediting period, the monitoring period,
the fiscal year and its activity's time in service, all at once.

Every span is a half-open run of days [start, stop): the start day counts, the stop day does not
(a member's `left` is its first day out, as a system's `decommissioned` is). A member counts from
the later of its join and consent days. Spans are intersected, never added, so no day can count
twice for a member however its membership changes (`tests/programme/test_days.py` holds it as a
law).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import numpy.typing as npt

Days = npt.NDArray[np.datetime64]  # datetime64[D]; NaT where a bound is not given
FAR = np.datetime64("9999-12-31", "D")
NEVER = np.datetime64("0001-01-01", "D")


def day(value: dt.date) -> np.datetime64:
    return np.datetime64(value, "D")


def after(value: dt.date) -> np.datetime64:
    """The day after an inclusive last day: the stop of a span that ends on it."""
    return day(value) + np.timedelta64(1, "D")


def start_of(*starts: Days | np.datetime64) -> Days:
    """The latest of the starts; a NaT start (not given) does not bound."""
    out = np.full(np.broadcast(*starts).shape, NEVER)
    for start in starts:
        out = np.maximum(out, np.where(np.isnat(start), NEVER, start))
    return out


def stop_of(*stops: Days | np.datetime64) -> Days:
    """The earliest of the stops; a NaT stop (still a member, still in service) does not bound."""
    out = np.full(np.broadcast(*stops).shape, FAR)
    for stop in stops:
        out = np.minimum(out, np.where(np.isnat(stop), FAR, stop))
    return out


def counted(start: Days, stop: Days) -> npt.NDArray[np.int64]:
    """Days in [start, stop), none when the span is empty."""
    days = (stop - start).astype("timedelta64[D]").astype(np.int64)
    out: npt.NDArray[np.int64] = np.maximum(days, 0)
    return out
