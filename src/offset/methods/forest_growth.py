"""dV [m3/ha/yr], a stand's stem volume growth, from what the office has, in this order: the
row's own (成長量); the stock difference of two registers ((蓄積 - 前回蓄積) / the FYs between
them); the yield table (収穫表) the row names in `yield_region`: (V of the next 5-year age
class - V of the stand's class) / 5, resolved only for the stands that need it. A stand with
none of the three is a problem naming them; a stand the table misses names the key it missed.
No table is used unless the row names it (the shipped `synthetic_demo` table is for
demonstration: a result on it is flagged in its warnings).
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
from offset.methods.common import FloatArray, optional_column, rows_problems

GROWTH_BASES = ("row", "yield_table", "stock_difference")
ROW, YIELD_TABLE, STOCK_DIFFERENCE = range(len(GROWTH_BASES))
AGE_CLASS_YEARS = 5
SYNTHETIC_REGION = "synthetic_demo"  # the shipped demonstration table: never a default


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
    """dV per stand with where it came from (the row, two registers' stocks, or two rows of
    the yield table)."""

    values: FloatArray
    basis: npt.NDArray[np.int8]  # codes into GROWTH_BASES
    ids: pd.Categorical
    unverified: npt.NDArray[np.bool_]
    problems: list[Problem]
    stock: FloatArray  # the yield table's volume at the stand's age class (NaN: not read)

    @property
    def from_table(self) -> npt.NDArray[np.bool_]:
        found: npt.NDArray[np.bool_] = self.basis == YIELD_TABLE
        return found


def stock_growth(
    frame: pd.DataFrame, fy: npt.NDArray[np.int64], file: str
) -> tuple[FloatArray, list[Problem]]:
    """(蓄積 - 前回蓄積) / (its FY - the earlier FY) [m3/ha/yr], per row where both stocks are
    given; the stock's FY is the register's 基準年度 (`age_fy`), else the row's FY."""
    n = len(frame)
    now = np.broadcast_to(optional_column(frame, "stock_m3_per_ha"), (n,))
    before = np.broadcast_to(optional_column(frame, "stock_previous_m3_per_ha"), (n,))
    before_fy = np.broadcast_to(optional_column(frame, "stock_previous_fy"), (n,))
    stated_fy = np.broadcast_to(optional_column(frame, "age_fy"), (n,))
    now_fy = np.where(np.isnan(stated_fy), fy, stated_fy)
    years = now_fy - before_fy
    with np.errstate(invalid="ignore", divide="ignore"):
        growth = np.where(years > 0, (now - before) / years, np.nan)
    given = ~np.isnan(before)
    problems = rows_problems(frame, given & np.isnan(before_fy), file, "stock_previous_fy",
                             "give the FY of the earlier stock (前回調査年度)")  # fmt: skip
    problems += rows_problems(frame, given & np.isnan(now), file, "stock_m3_per_ha",
                              "give the stock now (蓄積) beside the earlier one")  # fmt: skip
    problems += rows_problems(
        frame, given & ~np.isnan(before_fy) & ~(years > 0), file, "stock_previous_fy",
        "the earlier stock's FY must be before the stock's (基準年度, else the FY)",
    )  # fmt: skip
    return growth, problems


def stem_growth(
    frame: pd.DataFrame,
    factors: FactorLibrary,
    age: npt.NDArray[np.int64],
    file: str,
    fy: npt.NDArray[np.int64] | None = None,
) -> Growth:
    """dV: the row's `growth_m3_per_ha_yr`, else the two registers' stock difference, else the
    yield table the row names ((V of the next 5-year age class - V of the stand's class) / 5),
    resolved only for the stands that need it."""
    n = len(frame)
    table = factors["forest_yield"]
    given = np.broadcast_to(optional_column(frame, "growth_m3_per_ha_yr"), (n,)).copy()
    basis = np.full(n, ROW, dtype=np.int8)
    stock_problems: list[Problem] = []
    if fy is not None and "stock_previous_m3_per_ha" in frame:
        by_stocks, stock_problems = stock_growth(frame, fy, file)
        fill = np.isnan(given) & ~np.isnan(by_stocks)
        given[fill] = by_stocks[fill]
        basis[fill] = STOCK_DIFFERENCE
    use = np.isnan(given)
    basis[use] = YIELD_TABLE
    if not use.any():
        empty = pd.Categorical.from_codes(np.full(n, -1), categories=pd.Index([], dtype=object))
        return Growth(given, basis, empty, use, stock_problems, np.full(n, np.nan))

    positions = np.flatnonzero(use)
    subset = frame.iloc[positions]
    named = np.broadcast_to(
        np.asarray(subset["yield_region"].notna() if "yield_region" in subset else False),
        (positions.size,),
    )
    problems = stock_problems + listed_problems(
        file,
        np.asarray(frame.index, dtype=np.int64) + FIRST_DATA_ROW,
        _scatter(~named, positions, n),
        "growth_m3_per_ha_yr",
        lambda i: Msg("value.no_growth"),
    )
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
    missing[positions] = np.isnan(from_table) & named
    problems += _yield_problems(frame, table.rows, subset, positions, age_class, missing, file)
    values = given
    values[positions] = from_table
    pair_ids = paired_ids(now, nxt, ~np.isnan(from_table))
    codes = np.full(n, -1, dtype=np.int64)
    codes[positions] = pair_ids.codes
    unverified = np.zeros(n, dtype=bool)
    unverified[positions] = now.unverified | nxt.unverified
    ids = pd.Categorical.from_codes(codes, categories=pair_ids.categories)
    stock = np.full(n, np.nan)
    stock[positions] = now.values
    return Growth(values, basis, ids, unverified, problems, stock)


def _scatter(
    mask: npt.NDArray[np.bool_], positions: npt.NDArray[np.intp], n: int
) -> npt.NDArray[np.bool_]:
    out = np.zeros(n, dtype=bool)
    out[positions] = mask
    return out


_last_categories: list[tuple[pd.Index, npt.NDArray[np.bool_]]] = []


def _synthetic_categories(categories: pd.Index) -> npt.NDArray[np.bool_]:
    """Which of `categories` name the synthetic table; the last answer kept (the parts of one
    kernel call share their categories: a national FY asks 1,741 times of one index)."""
    last = next(iter(_last_categories), None)  # read once: another thread may replace it
    if last is not None and last[0] is categories:
        return last[1]
    names = categories.astype("string")
    hit = np.asarray(names.str.contains(SYNTHETIC_REGION, regex=False), dtype=bool)
    _last_categories[:] = [(categories, hit)]
    return hit


def synthetic_rows(results: pd.DataFrame) -> int:
    """How many results rows took their growth from the synthetic demonstration table."""
    count = 0
    for column in ("yield_factor_id", "yield_2_factor_id"):
        if column not in results:
            continue
        values = results[column]
        if isinstance(values.dtype, pd.CategoricalDtype):  # its categories read, not each row
            hit = _synthetic_categories(values.cat.categories)
            codes = values.array.codes
            count = max(count, int(hit[codes[codes >= 0]].sum()))
            continue
        ids = values.astype("string")
        count = max(count, int(ids.str.contains(SYNTHETIC_REGION, regex=False).sum()))
    return count
