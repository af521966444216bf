"""The calculation methods: one dict from name to method, no if/elif dispatch.

Each method is pure and vectorised: a DataFrame (already checked against its contract) in, a
DataFrame of per-row results with the factor rows used out. Each method's module declares its
`Method` entry (`method.py`: contract with each column's Japanese headers and values, kernel,
words, warnings, 実行計画 figures and charts); a method that grew keeps its parts in modules
named after it (`forest_carbon`, `renovation_factors`). Everything that lists methods reads
`METHODS`. `calculation` runs a method and adds the record every result carries; `summary` and
`staleness` read results; `buffer` is the buffer share's rule.

May import: `offset.common`, `offset.units`, `offset.factors`, `offset.intake` (column contracts).
"""

from __future__ import annotations

from offset.methods import forest, renovation, savings, solar
from offset.methods.common import CalcOptions
from offset.methods.method import Method

METHODS: dict[str, Method] = {
    method.name: method
    for method in (
        solar.METHOD,
        renovation.METHOD,
        forest.METHOD,
        forest.STOCK_METHOD,
        savings.METHOD,
    )
}


def every_column_name() -> set[str]:
    """Every name a column of any method may have (a `--columns` map must target one)."""
    return {n for spec in METHODS.values() for c in spec.contract.columns for n in c.names}


__all__ = ["METHODS", "CalcOptions", "Method", "every_column_name"]
