"""One formatting rule per kind of figure, for every output that shows numbers (report.html and
its PDF, report.xlsx, the dashboard's downloads): tonnes to three decimals (one in the summary
tables), credits and counts as integers, energy as whole kWh or MWh to one decimal, money as
whole yen, factors to six decimals, shares as percentages, all with thousands separators.

A column's kind is read from its name, the way offset names its columns (`*_tco2e`, `*_kwh`,
`*_jpy`, ...), so a new column of a known kind is formatted right without being listed.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable

import numpy as np
import pandas as pd

# (pattern on the column name, kind); the first that matches wins
KINDS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"(_|^)(t_co2_per_kwh|factor_value|k_tco2_per_m3)$"), "factor"),
    (re.compile(r"tco2e?(_per_ha)?$"), "tonnes"),
    (re.compile(r"(_|^)mwh$"), "mwh"),
    (re.compile(r"(_|^)kwh$|_kwh$"), "energy"),
    (re.compile(r"_jpy(_per_t)?$"), "yen"),
    (re.compile(r"_kw$"), "capacity"),
    (re.compile(r"_ha$"), "area"),
    (re.compile(r"(_progress|^share_of_base)$"), "share"),
)

EXCEL_FORMATS: dict[str, str] = {
    "tonnes": "#,##0.000",
    "tonnes1": "#,##0.0",
    "credits": "#,##0",
    "energy": "#,##0",
    "mwh": "#,##0.0",
    "yen": "#,##0",
    "factor": "0.000000",
    "capacity": "#,##0.00",
    "area": "#,##0.00",
    "share": "0.0%",
    "decimal": "#,##0.###",
}

# The same rules as Python format specs (HTML, PDF, the CLI).
TEXT_FORMATS: dict[str, str] = {
    "tonnes": ",.3f",
    "tonnes1": ",.1f",
    "credits": ",.0f",
    "energy": ",.0f",
    "mwh": ",.1f",
    "yen": ",.0f",
    "factor": ".6f",
    "capacity": ",.2f",
    "area": ",.2f",
    "share": ".1%",
    "decimal": ",.3f",
}

# What a CSV keeps of a measured figure: a tonne to the gram, the ledger's own precision.
CSV_DECIMALS = 6


def kind_of(column: str, integer: bool) -> str | None:
    """The kind of figure a column holds, from its name and whether its values are integers
    (credits, counts and years are integers; a year is shown without a separator)."""
    for pattern, kind in KINDS:
        if pattern.search(column):
            return kind
    if column in ("fy", "vintage", "fiscal_year") or column.endswith("_fy"):
        return None  # 2024, not 2,024
    return "credits" if integer else "decimal"


def column_kinds(frame: pd.DataFrame) -> list[str | None]:
    """The kind of each column of `frame` (None: not a number, or a year)."""
    kinds: list[str | None] = []
    for position, column in enumerate(map(str, frame.columns)):
        series = frame.iloc[:, position]
        if not pd.api.types.is_numeric_dtype(series) or pd.api.types.is_bool_dtype(series):
            kinds.append(None)
            continue
        with np.errstate(invalid="ignore"):  # an infinite value is not a whole number
            integer = pd.api.types.is_integer_dtype(series) or bool(
                np.all(np.mod(series.dropna().to_numpy(dtype=float), 1) == 0)
            )
        kinds.append(kind_of(column, integer))
    return kinds


def formatter(kind: str | None) -> Callable[[object], str]:
    """A function that shows one value of `kind` as text (an empty cell for a missing value)."""
    spec = TEXT_FORMATS.get(kind or "")

    def show(value: object) -> str:
        if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
            return ""  # a blank cell (pandas' NA of a nullable integer column too, never <NA>)
        if spec is None or not isinstance(value, int | float | np.number):
            return str(value)
        return format(value, spec)

    return show
