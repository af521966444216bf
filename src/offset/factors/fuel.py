"""Fuel CO2 factors derived from heat value x carbon factor x 44/12 (never typed in)."""

from __future__ import annotations

from typing import cast

import pandas as pd

from offset import units
from offset.factors.table import FactorTable

_WEAKEST = {"confirmed": 0, "secondary": 1, "derived": 2, "unverified": 3}


def co2_per_unit(fuel: FactorTable) -> pd.DataFrame:
    """t CO2 per unit of fuel (kL, t or 1000 m3) per fuel and regime, with the rows it came from."""
    rows = fuel.rows
    keys = ["fuel", "valid_from_fy"]
    heat = rows[rows["parameter"] == "heat_value"].set_index(keys)
    carbon = rows[rows["parameter"] == "carbon_factor"].set_index(keys)
    both = heat.merge(
        carbon, left_index=True, right_index=True, suffixes=("_heat", "_carbon"), how="inner"
    )
    records = []
    for key, row in both.iterrows():  # a few dozen table rows, not input rows
        fuel_name, valid_from = cast(tuple[str, int], key)
        heat_unit = str(row["unit_heat"])
        per = heat_unit.split("/", 1)[1]  # the fuel quantity the heat value is per
        factor = (
            float(row["value_heat"])
            * float(row["value_carbon"])
            * units.scale(f"({heat_unit}) * ({row['unit_carbon']})", f"t CO2 / ({per})")
        )
        confidence = max(
            (str(row["confidence_heat"]), str(row["confidence_carbon"])), key=_WEAKEST.__getitem__
        )
        records.append(
            {
                "fuel": fuel_name,
                "valid_from_fy": valid_from,
                "regime": row["regime_heat"],
                "co2_per_unit": round(factor, 6),
                "unit": f"t CO2/{per}",
                "confidence": "derived" if confidence in ("confirmed", "secondary") else confidence,
                "from": f"{row['factor_id_heat']} x {row['factor_id_carbon']} x 44/12",
            }
        )
    return pd.DataFrame.from_records(records)
