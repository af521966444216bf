"""ISO days (2024-04-01) are read by numpy at once: the days and messages `to_date` gives,
value by value, for every other value and every day it refuses or keeps out of range."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from offset.intake import values
from offset.intake.dates import to_date

ISO = st.builds(
    "{:04d}-{:02d}-{:02d}".format,
    st.integers(0, 9999),
    st.integers(0, 13),
    st.integers(0, 32),
)
OTHER = st.sampled_from(
    ["R6.4.1", "令和6年4月1日", "2024/4/1", "20240401", "45383", "２０２４-04-01", " 2024-04-01",
     "2024-4-1", "2024-04-01T00:00", "2024-04-01 12:00", "2024年9月", "", "abc", "1899-12-31"]
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(ISO | OTHER, max_size=30, unique=True))
def test_iso_days_read_at_once_are_to_dates(cells: list[str]) -> None:
    days, notes = values.parsed_dates(pd.Index(cells, dtype=object))
    for cell, day, note in zip(cells, days, notes, strict=True):
        expected = to_date(cell)
        if isinstance(expected, str):  # a message: no day
            assert np.isnat(day)
            assert str(note) == str(expected)
        else:
            assert day == np.datetime64(expected, "ns")
            assert note is None
