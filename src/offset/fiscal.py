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


def days_in_fy(fy: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """How many days each FY has: 366 when the February it spans has 29 days."""
    start = _first_days(fy)
    out: npt.NDArray[np.int64] = (_first_days(fy + 1) - start).astype(np.int64)
    return out


def days_in_service(
    fy: npt.NDArray[np.int64],
    start: npt.NDArray[np.datetime64],
    stop: npt.NDArray[np.datetime64] | None = None,
) -> npt.NDArray[np.int64]:
    """Days of each FY within [start, stop): the start day counts, the stop day does not (the
    first day out of service). NaT start: none; NaT stop (or no stop): in service to the end."""
    first, after = _first_days(fy), _first_days(fy + 1)
    begin = np.maximum(start.astype("datetime64[D]"), first)
    end = after if stop is None else np.where(np.isnat(stop), after, np.minimum(stop, after))
    days = (end.astype("datetime64[D]") - begin).astype(np.int64)
    days = np.where(np.isnat(start), 0, days)
    out: npt.NDArray[np.int64] = np.maximum(days, 0)
    return out


def _first_days(fy: npt.NDArray[np.int64]) -> npt.NDArray[np.datetime64]:
    """1 April of each FY, as datetime64[D]."""
    months = (np.asarray(fy, dtype=np.int64) - 1970) * 12 + (FY_START_MONTH - 1)
    out: npt.NDArray[np.datetime64] = months.astype("datetime64[M]").astype("datetime64[D]")
    return out
