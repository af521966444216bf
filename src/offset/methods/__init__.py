"""The calculation methods: one dict from name to method, no if/elif dispatch.

Each method is pure and vectorised: a DataFrame (already checked against its contract) in, a
DataFrame of per-row results with the factor rows used out. `calculation` runs a method and
adds the record every result carries; `summary` and `staleness` read results.

May import: `offset.common`, `offset.units`, `offset.factors`, `offset.intake` (column contracts).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from offset.factors import FactorLibrary
from offset.intake.columns import Contract
from offset.methods import forest, renovation, solar
from offset.methods.common import CalcOptions

MethodFn = Callable[[pd.DataFrame, FactorLibrary, CalcOptions], pd.DataFrame]


@dataclass(frozen=True)
class Method:
    name: str
    contract: Contract
    compute: MethodFn
    summary: str


METHODS: dict[str, Method] = {
    "solar": Method("solar", solar.CONTRACT, solar.solar, "Solar PV (J-Credit EN-R-002 style)"),
    "renovation": Method(
        "renovation",
        renovation.CONTRACT,
        renovation.renovation,
        "Eco-renovation: envelope, equipment, lighting",
    ),
    "forest": Method(
        "forest",
        forest.CONTRACT,
        forest.forest,
        "Forest absorption, gain-loss (J-Credit FO-001 style)",
    ),
    "forest-stock": Method(
        "forest-stock",
        forest.STOCK_CONTRACT,
        forest.forest_stock,
        "Forest absorption, stock-difference (IPCC 2006 Eq. 2.8)",
    ),
}


def every_column_name() -> set[str]:
    """Every name a column of any method may have (a `--columns` map must target one)."""
    return {n for spec in METHODS.values() for c in spec.contract.columns for n in c.names}


__all__ = ["METHODS", "CalcOptions", "Method", "every_column_name"]
