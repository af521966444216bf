"""Limits that keep a report readable at any size (a national run: 1,741 municipalities).

`report.html` shows a table's first `MAX_ROWS_SHOWN` rows and says how many there are (the CSV
and the workbook hold every row); a chart draws its `MAX_CHART_ITEMS` largest items and sums
the rest into one "others" item, and its title says so.
"""

from __future__ import annotations

import pandas as pd

MAX_ROWS_SHOWN = 200  # rows of a table in report.html
MAX_CHART_ITEMS = 15  # bars, stacks or groups a chart draws


def first_rows(frame: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """The first `MAX_ROWS_SHOWN` rows of `frame`, and how many it has."""
    return frame.iloc[:MAX_ROWS_SHOWN], len(frame)


def largest(frame: pd.DataFrame, key: str, value: str, others: str) -> tuple[pd.DataFrame, int]:
    """`frame` with the rows of all but the `MAX_CHART_ITEMS` items of `key` largest in total
    |`value`| labelled `others` (summed by the chart's grouping), and how many items there are."""
    totals = frame.groupby(key, observed=True, sort=False)[value].sum().abs()
    if len(totals) <= MAX_CHART_ITEMS:
        return frame, len(totals)
    kept = set(totals.sort_values(ascending=False, kind="stable").index[:MAX_CHART_ITEMS])
    labelled = frame[key].astype(object).where(frame[key].isin(kept), others)
    return frame.assign(**{key: labelled}), len(totals)


def largest_of(series: pd.Series, others: str) -> pd.Series:
    """Figures by label with all but the `MAX_CHART_ITEMS` largest summed into `others`."""
    if len(series) <= MAX_CHART_ITEMS:
        return series
    order = series.abs().sort_values(ascending=False, kind="stable").index
    kept: pd.Series = series[order[:MAX_CHART_ITEMS]]
    rest = pd.Series({others: series[order[MAX_CHART_ITEMS:]].sum()})
    shown: pd.Series = pd.concat([kept, rest])
    return shown
