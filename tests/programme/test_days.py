"""The law of counted days: spans are intersected, never added, so however a member's membership
and the periods are cut, no day counts twice."""

from __future__ import annotations

import datetime as dt
import itertools

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from offset.programme import days

DAY = st.dates(min_value=dt.date(2020, 1, 1), max_value=dt.date(2030, 12, 31))


@given(DAY, st.one_of(st.none(), DAY), st.lists(DAY, min_size=1, max_size=6, unique=True))
def test_periods_that_cut_the_time_count_each_day_once(
    joined: dt.date, left: dt.date | None, cuts: list[dt.date]
) -> None:
    """Consecutive periods between the cuts count, summed, what their union counts, and never
    more than the membership has days."""
    bounds = sorted(cuts)
    start = np.array([days.day(joined)])
    stop = np.array(
        [np.datetime64("NaT") if left is None else days.day(left)], dtype="datetime64[D]"
    )
    member_start, member_stop = days.start_of(start), days.stop_of(stop)
    parts = 0
    for first, after in itertools.pairwise(bounds):
        parts += int(days.counted(days.start_of(member_start, days.day(first)),
                                  days.stop_of(member_stop, days.day(after)))[0])  # fmt: skip
    whole = int(days.counted(days.start_of(member_start, days.day(bounds[0])),
                             days.stop_of(member_stop, days.day(bounds[-1])))[0])  # fmt: skip
    assert parts == whole
    assert 0 <= whole <= (bounds[-1] - bounds[0]).days
    if left is not None:
        assert whole <= max((left - joined).days, 0)


def test_a_stop_before_the_start_counts_nothing() -> None:
    start = np.array([days.day(dt.date(2024, 5, 1))])
    stop = np.array([days.day(dt.date(2024, 4, 1))])
    assert days.counted(start, stop)[0] == 0
