"""Japanese fiscal years run April to March."""

from __future__ import annotations

import datetime as dt

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from offset.common.fiscal import fiscal_year, fiscal_years, fy_bounds


def test_fiscal_year_boundaries() -> None:
    assert fiscal_year(dt.date(2025, 3, 31)) == 2024
    assert fiscal_year(dt.date(2025, 4, 1)) == 2025
    assert fy_bounds(2024) == (dt.date(2024, 4, 1), dt.date(2025, 3, 31))


@given(
    st.lists(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2200, 12, 31)), min_size=1)
)
def test_vectorised_matches_scalar(days: list[dt.date]) -> None:
    array = np.array(days, dtype="datetime64[D]")
    assert fiscal_years(array).tolist() == [fiscal_year(d) for d in days]
