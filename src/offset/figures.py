"""One formatting rule per kind of figure, for every output that shows numbers (Excel now; the
report's HTML and the PDF are to take the same rules): tonnes to three decimals, credits and
counts as integers, energy as whole kWh, money as whole yen, factors to six decimals, all with
thousands separators.

A column's kind is read from its name, the way offset names its columns (`*_tco2e`, `*_kwh`,
`*_jpy`, ...), so a new column of a known kind is formatted right without being listed.
"""

from __future__ import annotations

import re

# (pattern on the column name, kind); the first that matches wins
KINDS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"(_|^)(t_co2_per_kwh|factor_value|k_tco2_per_m3)$"), "factor"),
    (re.compile(r"tco2e?(_per_ha)?$"), "tonnes"),
    (re.compile(r"(_|^)(kwh|mwh)$|_kwh$"), "energy"),
    (re.compile(r"_jpy(_per_t)?$"), "yen"),
    (re.compile(r"_kw$"), "capacity"),
    (re.compile(r"_ha$"), "area"),
)

EXCEL_FORMATS: dict[str, str] = {
    "tonnes": "#,##0.000",
    "credits": "#,##0",
    "energy": "#,##0",
    "yen": "#,##0",
    "factor": "0.000000",
    "capacity": "#,##0.00",
    "area": "#,##0.00",
    "decimal": "#,##0.###",
}


def kind_of(column: str, integer: bool) -> str | None:
    """The kind of figure a column holds, from its name and whether its values are integers
    (credits, counts and years are integers; a year is shown without a separator)."""
    for pattern, kind in KINDS:
        if pattern.search(column):
            return kind
    if column in ("fy", "vintage") or column.endswith("_fy"):
        return None  # 2024, not 2,024
    return "credits" if integer else "decimal"
