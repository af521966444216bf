"""A monitoring period's figures: per member and FY, its counted days x its activity's daily
reduction, in whole grams of CO2 (integers from here on), and the period's total.

A line is traced to its rows: the member's row of the consent list and its activity's row of the
subsidy list, with the factor rows its daily figure used.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from offset.common import fiscal
from offset.programme import days
from offset.programme.activities import Activities, service_span
from offset.programme.members import Members, sheet_rows
from offset.programme.model import Period, Programme
from offset.scenario.issuance import GRAMS_PER_CREDIT

LINE_COLUMNS = (
    "member_id",
    "name",
    "area",
    "address",
    "sheet",
    "row",
    "activity_id",
    "activity_sheet",
    "activity_row",
    "fy",
    "days",
    "daily_kg",
    "reduction_g",
)


@dataclass(frozen=True)
class Monitoring:
    """One period's lines (one per counting member and FY with days in it) and its total."""

    period: Period
    lines: pd.DataFrame
    factor_ids: tuple[str, ...]

    @property
    def total_g(self) -> int:
        return int(self.lines["reduction_g"].sum())

    def by_member(self) -> pd.DataFrame:
        """Each member's days and grams in the period (its FYs summed)."""
        grouped = self.lines.groupby("member_id", sort=False)
        return grouped.agg(days=("days", "sum"), reduction_g=("reduction_g", "sum"))


def credit_factor_columns(results: pd.DataFrame) -> list[str]:
    """The factor id columns of the creditable figure: a `credit_` twin where the instrument's
    year rule chose another row than the plan's."""
    ids = [c for c in results.columns if c.endswith("factor_id") and not c.startswith("credit_")]
    return [f"credit_{c}" if f"credit_{c}" in results else c for c in ids]


def fiscal_years_of(period: Period) -> range:
    return range(fiscal.fiscal_year(period.start), fiscal.fiscal_year(period.end) + 1)


def monitor(
    programme: Programme,
    period: Period,
    members: Members,
    counts: npt.NDArray[np.bool_],
    activities: Activities,
) -> Monitoring:
    """The period's lines for the members that count (`counts`, from the registry's checks)."""
    frame = members.frame[counts]
    at = frame["activity_at"].to_numpy(dtype=np.int64)
    listed = activities.frame.iloc[at]
    served, out_of_service = service_span(listed)
    first, last = programme.header.crediting_period
    start = days.start_of(
        frame["joined"].to_numpy(dtype="datetime64[D]"),
        frame["consented"].to_numpy(dtype="datetime64[D]"),
        served,
        days.day(first),
        days.day(period.start),
    )
    stop = days.stop_of(
        frame["left"].to_numpy(dtype="datetime64[D]"),
        out_of_service,
        days.after(last),
        days.after(period.end),
    )
    activity_sheet, activity_row = sheet_rows(activities.prepared, listed.index)
    parts = []
    factor_ids: set[str] = set()
    for fy in fiscal_years_of(period):  # the period's FYs (one or two), each vectorised
        fy_first, fy_last = fiscal.fy_bounds(fy)
        counted = days.counted(
            days.start_of(start, days.day(fy_first)), days.stop_of(stop, days.after(fy_last))
        )
        daily_t = activities.daily[fy][at]
        grams = np.round(counted * daily_t * GRAMS_PER_CREDIT).astype(np.int64)
        part = pd.DataFrame(
            {
                "member_id": frame["member_id"].to_numpy(),
                "name": frame["name"].to_numpy(),
                "area": frame["area"].to_numpy(),
                "address": frame["address"].to_numpy(),
                "sheet": frame["sheet"].to_numpy(),
                "row": frame["row"].to_numpy(),
                "activity_id": frame["activity_id"].to_numpy(),
                "activity_sheet": activity_sheet,
                "activity_row": activity_row,
                "fy": fy,
                "days": counted,
                "daily_kg": daily_t * 1000,
                "reduction_g": grams,
                "order": np.arange(len(frame)),  # the consent list's order, over its sheets
            }
        )
        parts.append(part[counted > 0])
        results = activities.results[fy].iloc[at][counted > 0]
        for column in credit_factor_columns(results):
            factor_ids.update(str(v) for v in results[column].dropna().unique())
    lines = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=LINE_COLUMNS)
    lines = lines.sort_values(["order", "fy"], kind="stable", ignore_index=True)
    lines = lines.drop(columns="order", errors="ignore")
    return Monitoring(period, lines, tuple(sorted(factor_ids)))
