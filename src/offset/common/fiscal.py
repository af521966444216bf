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


def claim_period(fy: int) -> str:
    """A retirement's claim period (対象期間) as offset writes it, read in either language:
    the dashboard's form and a scenario's retirements alike."""
    return f"{fy}年度 (FY{fy})"


def fy_bounds(fy: int) -> tuple[dt.date, dt.date]:
    """First and last day of a fiscal year."""
    return dt.date(fy, FY_START_MONTH, 1), dt.date(fy + 1, FY_START_MONTH, 1) - dt.timedelta(days=1)


def days_in_fy(fy: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """How many days each FY has: 366 when the February it spans has 29 days."""
    first, after = _fy_bounds_as_day_numbers(fy)
    out: npt.NDArray[np.int64] = after - first
    return out


def days_in_service(
    fy: npt.NDArray[np.int64],
    start: npt.NDArray[np.datetime64],
    stop: npt.NDArray[np.datetime64] | None = None,
) -> npt.NDArray[np.int64]:
    """Days of each FY within [start, stop): the start day counts, the stop day does not (the
    first day out of service). NaT start: none; NaT stop (or no stop): in service to the end."""
    first, after = _fy_bounds_as_day_numbers(fy)
    # In nanoseconds, as the columns come: one division at the end instead of a conversion of
    # each date to days (a part day counts as a day).
    begin = np.maximum(_nanoseconds(start), first * NS_PER_DAY)
    end = after * NS_PER_DAY
    if stop is not None:
        end = np.where(np.isnat(stop), end, np.minimum(_nanoseconds(stop), end))
    days = -((begin - end) // NS_PER_DAY)
    out: npt.NDArray[np.int64] = np.where(np.isnat(start), 0, np.maximum(days, 0))
    return out


NS_PER_DAY = 86_400 * 10**9


def _nanoseconds(days: npt.NDArray[np.datetime64]) -> npt.NDArray[np.int64]:
    """datetime64 values as int64 nanoseconds since 1970 (NaT: the smallest int64)."""
    if days.dtype != np.dtype("datetime64[ns]"):
        days = days.astype("datetime64[ns]")
    out: npt.NDArray[np.int64] = days.view(np.int64)
    return out


def _fy_bounds_as_day_numbers(
    fy: npt.NDArray[np.int64],
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """1 April of each FY and of the next, as days since 1970-01-01. The few distinct FYs are
    converted once and gathered by index, not converted per row."""
    fy = np.asarray(fy, dtype=np.int64)
    if fy.size == 0:
        return fy.copy(), fy.copy()
    low = int(fy.min())
    years = np.arange(low, int(fy.max()) + 2, dtype=np.int64)
    months = (years - 1970) * 12 + (FY_START_MONTH - 1)
    starts = months.astype("datetime64[M]").astype("datetime64[D]").astype(np.int64)
    at = fy - low
    return starts[at], starts[at + 1]


def whole_years_in_service(
    start: npt.NDArray[np.datetime64],
    fy: npt.NDArray[np.int64],
    start_fy: npt.NDArray[np.int64] | None = None,
) -> npt.NDArray[np.int64]:
    """Whole years from each start day to 1 April of its FY (0 before a year is complete, and
    for a start after that day): 2024-03-20 -> FY2024: 0, FY2025: 1; 2015-04-01 -> FY2024: 9.

    A start on 1 April completes its years on 1 April; any other start of FY S completes its
    k-th year inside FY S + k, so by 1 April of FY N it has N - S - 1. `start_fy`: the FYs of
    the starts, where the caller has them (integer work only, no calendar per row)."""
    valid = ~np.isnat(start)
    fy = np.asarray(fy, dtype=np.int64)
    if start_fy is None:
        start_fy = fiscal_years(start)
    own_fy = np.where(valid, start_fy, fy)  # a blank start: any FY, never a range of years
    first, _ = _fy_bounds_as_day_numbers(own_fy)
    day = _nanoseconds(start) // NS_PER_DAY
    whole = fy - own_fy - (day != first)
    out: npt.NDArray[np.int64] = np.where(valid, np.maximum(whole, 0), 0)
    return out
