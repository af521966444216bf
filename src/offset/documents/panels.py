"""The figures a page shows beside its rows, in the page's language: reductions per method (or
municipality) and FY as a table and a chart, and an agreement's years as a chart. The report
and the dashboard pivot with the same function; the dashboard only renders what these return.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from offset.common.messages import Lang
from offset.documents import charts
from offset.documents.terms import column_label, fy_label, term, value_term


def by_fy(reductions: pd.DataFrame, key: str) -> pd.DataFrame:
    """Reductions [t-CO2e] summed per `key` (a row each) and FY (a column each), 0 where none."""
    return reductions.pivot_table(
        index=key,
        columns="fy",
        values="reduction_tco2e",
        aggfunc="sum",
        fill_value=0.0,
        observed=True,  # a categorical key (the prefectures, in JIS order): its rows only
    )


@dataclass(frozen=True)
class MethodPivot:
    """Reductions per method and FY, ready to draw: FY headings, a row of figures per method
    (its name in words), and the chart of the same figures."""

    years: list[str]
    rows: list[tuple[str, list[float]]]
    chart: str
    empty: bool


def reductions_by_method(rows: Sequence[dict[str, Any]], lang: Lang) -> MethodPivot:
    """`rows` of the reductions table (fy, method, municipality, reductions) per method and FY."""
    frame = pd.DataFrame(
        rows, columns=["fy", "method", "municipality", "reduction_tco2e", "creditable_tco2e"]
    )
    frame["method"] = frame["method"].map(lambda m: value_term("method", m, lang))
    pivot = by_fy(frame, "method")
    unit, fy = term("unit.tco2e", lang), column_label("fy", lang)
    chart = charts.stacked_bars(
        frame, "fy", "method", "reduction_tco2e", unit, unit, fy, term("chart.nothing", lang)
    )
    return MethodPivot(
        years=[fy_label(int(c), lang) for c in pivot.columns],
        rows=[(str(m), [float(v) for v in values]) for m, values in pivot.iterrows()],
        chart=chart,
        empty=frame.empty,
    )


def agreement_years(years: Sequence[dict[str, Any]], name: str, lang: Lang) -> str:
    """The chart of an agreement's years: committed, delivered and retired per FY (credits)."""
    frame = pd.DataFrame(years, columns=["fy", "committed", "delivered", "retired"])
    return charts.grouped_bars(
        frame.rename(columns=lambda c: column_label(c, lang)),
        column_label("fy", lang),
        name,
        term("unit.credits", lang),
        column_label("fy", lang),
        term("chart.nothing", lang),
    )
