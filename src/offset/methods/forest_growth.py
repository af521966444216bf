"""dV [m3/ha/yr], a stand's stem volume growth: the row's own, else the yield table (収穫表):
(V of the next 5-year age class - V of the stand's class) / 5, resolved only for the stands
that need it; a stand the table misses is a problem naming the key it missed.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from offset.common.messages import Msg
from offset.common.problems import Problem
from offset.factors import FactorLibrary, select
from offset.factors.select import paired_ids
from offset.intake.inputs import FIRST_DATA_ROW, listed_problems
from offset.methods.common import FloatArray, optional_column

GROWTH_BASES = ("row", "yield_table")
AGE_CLASS_YEARS = 5


def _yield_miss(table: pd.DataFrame, wanted: pd.Series) -> str:
    """Which key of the yield table a stand missed, and the nearest keys that are there."""
    site = "" if pd.isna(wanted["site_class"]) else int(wanted["site_class"])
    key = (
        f"region={wanted['region']}, species={wanted['species']}, site_class={site},"
        f" age_class={wanted['age_class']} and {wanted['age_class'] + 1}"
    )
    narrowed = table
    for column, label in (
        ("region", "regions"),
        ("species", "species"),
        ("site_class", "site classes"),
    ):
        value = wanted[column]
        match = narrowed[column].astype(str) == str(site if column == "site_class" else value)
        if not match.any():
            found = sorted(map(str, narrowed[column].unique()))[:8]
            return Msg("value.yield_miss", key=key, label=label, present=", ".join(found))
        narrowed = narrowed[match]
    classes = sorted(int(c) for c in narrowed["age_class"].unique())
    present = f"{classes[0]}-{classes[-1]}"
    return Msg("value.yield_miss", key=key, label="age classes", present=present)


def _yield_problems(
    frame: pd.DataFrame,
    table: pd.DataFrame,
    subset: pd.DataFrame,
    positions: npt.NDArray[np.intp],
    age_class: npt.NDArray[np.int64],
    missing: npt.NDArray[np.bool_],
    file: str,
) -> list[Problem]:
    """One problem per stand the yield table misses, each naming its key (listed rows only)."""
    if not missing.any():
        return []
    requested = pd.DataFrame(
        {
            "region": np.broadcast_to(
                np.asarray(subset.get("yield_region"), dtype=object), (positions.size,)
            ),
            "species": subset["species"].astype(object).to_numpy(),
            "site_class": np.broadcast_to(optional_column(subset, "site_class"), (positions.size,)),
            "age_class": age_class,
        }
    )
    at = np.full(len(frame), -1, dtype=np.int64)
    at[positions] = np.arange(positions.size)
    rows = np.asarray(frame.index, dtype=np.int64) + FIRST_DATA_ROW
    return listed_problems(
        file,
        rows,
        missing,
        "growth_m3_per_ha_yr",
        lambda i: _yield_miss(table, requested.iloc[at[i]]),
    )


@dataclass(frozen=True)
class Growth:
    """dV per stand with where it came from (the row, or two rows of the yield table)."""

    values: FloatArray
    from_table: npt.NDArray[np.bool_]
    ids: pd.Categorical
    unverified: npt.NDArray[np.bool_]
    problems: list[Problem]
    stock: FloatArray  # the yield table's volume at the stand's age class (NaN: not read)


def stem_growth(
    frame: pd.DataFrame, factors: FactorLibrary, age: npt.NDArray[np.int64], file: str
) -> Growth:
    """dV: the row's `growth_m3_per_ha_yr`, else the yield table (V of the next 5-year age class
    - V of the stand's class) / 5, resolved only for the stands that need it."""
    n = len(frame)
    table = factors["forest_yield"]
    given = np.broadcast_to(optional_column(frame, "growth_m3_per_ha_yr"), (n,))
    use = np.isnan(given)
    if not use.any():
        empty = pd.Categorical.from_codes(np.full(n, -1), categories=pd.Index([], dtype=object))
        return Growth(given, use, empty, use, [], np.full(n, np.nan))

    positions = np.flatnonzero(use)
    subset = frame.iloc[positions]
    age_class = (np.maximum(age[positions], 1) + AGE_CLASS_YEARS - 1) // AGE_CLASS_YEARS
    keys = {
        "region": subset.get("yield_region"),  # absent: None, a scalar that matches nothing
        "species": subset["species"],
        "site_class": optional_column(subset, "site_class"),
    }
    now = select(table, {**keys, "age_class": age_class}, length=positions.size)
    nxt = select(table, {**keys, "age_class": age_class + 1}, length=positions.size)
    from_table = (nxt.values - now.values) / AGE_CLASS_YEARS
    missing = np.zeros(n, dtype=bool)
    missing[positions] = np.isnan(from_table)
    problems = _yield_problems(frame, table.rows, subset, positions, age_class, missing, file)
    values = given.copy()
    values[positions] = from_table
    pair_ids = paired_ids(now, nxt, ~missing[positions])
    codes = np.full(n, -1, dtype=np.int64)
    codes[positions] = pair_ids.codes
    unverified = np.zeros(n, dtype=bool)
    unverified[positions] = now.unverified | nxt.unverified
    ids = pd.Categorical.from_codes(codes, categories=pair_ids.categories)
    stock = np.full(n, np.nan)
    stock[positions] = now.values
    return Growth(values, use, ids, unverified, problems, stock)
