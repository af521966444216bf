"""The calculation methods: one dict from name to method, no if/elif dispatch.

Each method is pure and vectorised: a DataFrame (already checked against its contract) in, a
DataFrame of per-row results with the factor rows used out.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from offset.columns import Contract
from offset.factors import FactorLibrary
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

__all__ = ["METHODS", "CalcOptions", "Method"]
