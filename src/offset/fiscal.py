"""Japanese fiscal years: FY N runs from 1 April N to 31 March N+1."""

from __future__ import annotations

import datetime as dt

import numpy as np
import numpy.typing as npt

FY_START_MONTH = 4


def fiscal_year(day: dt.date) -> int:
    """The fiscal year a date falls in: 2025-03-31 is FY2024, 2025-04-01 is FY2025."""
    return day.year if day.month >= FY_START_MONTH else day.year - 1


def fiscal_years(days: npt.NDArray[np.datetime64]) -> npt.NDArray[np.int64]:
    """Vectorised :func:`fiscal_year` over datetime64 values (any resolution)."""
    months = days.astype("datetime64[M]").astype(np.int64)  # months since 1970-01
    years = months // 12 + 1970
    month_of_year = months % 12 + 1
    out: npt.NDArray[np.int64] = np.where(month_of_year >= FY_START_MONTH, years, years - 1)
    return out


def fy_bounds(fy: int) -> tuple[dt.date, dt.date]:
    """First and last day of a fiscal year."""
    return dt.date(fy, FY_START_MONTH, 1), dt.date(fy + 1, FY_START_MONTH, 1) - dt.timedelta(days=1)
