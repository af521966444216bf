"""Forest absorption (J-Credit FO-001 / Forestry Agency method) and the stock-difference option.

Gain-loss, per stand:  removal [t CO2] = area [ha] x dV [m3/ha/yr] x k(species, age),
  k = D [t/m3] x BEF(age <= 20 or >= 21) x (1 + R) x CF x 44/12 [t CO2/m3],
folded once per species and age group (units checked by pint) and gathered per row.
dV comes from the row (`growth_m3_per_ha_yr`) or the yield table: (V of the next 5-year age class
- V of the stand's class) / 5. Harvested stem volume is deducted. Only eligible stands are
creditable: FO-001 management (stand managed), FO-002 afforestation (planted after FY2012), FO-003
reforestation. A buffer share of the creditable removal is reported separately.

Stock-difference (IPCC 2006 Vol.4 Eq. 2.8): (C_end - C_start) / period, C = area x V x k, one k
(of the end age) for both stocks, so that the BEF switch at age 21 is not counted as growth.
Age follows 林齢: the planting FY is year 1.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
import pandas as pd

from offset import units
from offset.common import fiscal
from offset.common.messages import Msg
from offset.common.problems import Problem, raise_if_any
from offset.factors import FactorLibrary, select
from offset.factors.select import category_codes, paired_ids
from offset.intake.columns import (
    FY,
    MUNICIPALITY,
    Column,
    Contract,
    Identity,
    boolean,
    category,
    integer,
    number,
    text,
    year,
)
from offset.intake.inputs import FIRST_DATA_ROW, listed_problems
from offset.methods.common import (
    CalcOptions,
    FloatArray,
    fiscal_years,
    method_parameter,
    missing_fy,
    optional_column,
    rows_problems,
    unknown_values,
)

ACTIVITIES = ("management", "afforestation", "reforestation")
MANAGEMENT, AFFORESTATION, REFORESTATION = range(len(ACTIVITIES))
GROWTH_BASES = ("row", "yield_table")
AGE_CLASS_YEARS = 5
YOUNG_MAX_AGE = 20  # BEF for stands <= 20 years, else the >= 21 years value
AFFORESTATION_AFTER_FY = 2012  # FO-002: land that was not forest at the end of FY2012
SPECIES_PARAMETERS = ("wood_density", "bef_le20", "bef_ge21", "root_shoot_ratio", "carbon_fraction")
# IPCC 2006 Vol. 4 Table 4.5: BCEF by growing stock (m3/ha) <=20, 21-40, 41-100, 100-200, >200,
# for species with no wood density and BEF of their own (広葉樹, その他針葉樹): increment (BCEF_I,
# the gain-loss method) and stock (BCEF_S, the stock-difference method)
GROWING_STOCK_CLASSES = ("le20", "21_40", "41_100", "101_200", "gt200")
GROWING_STOCK_BOUNDS = np.array([20.0, 40.0, 100.0, 200.0])
BCEF_INCREMENT, BCEF_STOCK = "bcefi", "bcefs"

STAND_IDENTITY = Identity(keys=(("stand_id",), ("compartment", "subcompartment", "branch")))
_STAND_COLUMNS: tuple[Column, ...] = (
    text("stand_id", "your identifier of the stand (林小班)"),
    text("compartment", "林班: with subcompartment and branch, the stand's identifier"),
    text("subcompartment", "小班"),
    text("branch", "枝番 (a subcompartment's branch number)"),
    MUNICIPALITY,
    category("prefecture", "prefecture key as in `climate_zones`"),
    category(
        "species", "species key of `forest_species` (sugi, hinoki, karamatsu, ...)", required=True
    ),
    number("area_ha", "ha", "stand area", alternatives={"area_m2": "m**2"}, required=True),
    integer(
        "age_yr",
        "stand age (林齢, the planting FY is year 1): in the FY, or in age_fy; or planted_fy",
        minimum=1,
    ),
    year(
        "age_fy",
        "FY the age_yr is stated for (the 森林簿's 基準年度); the age advances from it",
    ),
    year("planted_fy", "FY the stand was planted", minimum=1800),
    integer(
        "age_class",
        "齢級 (5-year age class): read, but the age comes from age_yr or planted_fy",
        minimum=1,
    ),
    FY,
    category(
        "activity", "management (FO-001, default), afforestation (FO-002), reforestation (FO-003)"
    ),
    boolean("managed", "the stand is under a 森林経営計画 in the FY (FO-001 eligibility)"),
    year("last_managed_fy", "last FY the stand was treated (thinning etc.)"),
    number(
        "buffer_share",
        "dimensionless",
        "the project's buffer share (default: method_parameters)",
        maximum=1.0,
    ),
)

CONTRACT = Contract(
    (
        *_STAND_COLUMNS,
        number(
            "growth_m3_per_ha_yr",
            "m**3/ha/yr",
            "stem volume growth; or use the yield table",
            minimum=None,
        ),
        category("yield_region", "region of the yield table (収穫表)"),
        integer("site_class", "site class (地位) in the yield table", minimum=1),
        number("harvested_m3", "m**3", "stem volume harvested in the FY (deducted)"),
        number(
            "stock_m3_per_ha",
            "m**3/ha",
            "growing stock in the FY: picks the IPCC BCEF class of a species without its own"
            " wood density and BEF (default: the yield table's volume at the stand's age)",
        ),
    ),
    description="One row per stand and FY (gain-loss method).",
    identity=STAND_IDENTITY,
)

STOCK_CONTRACT = Contract(
    (
        *_STAND_COLUMNS,
        number(
            "stock_start_m3_per_ha",
            "m**3/ha",
            "stem volume at the start of the period",
            required=True,
        ),
        number(
            "stock_end_m3_per_ha", "m**3/ha", "stem volume at the end of the period", required=True
        ),
        number("period_yr", "yr", "years between the two inventories", required=True),
    ),
    description="One row per stand: two inventories (stock-difference method).",
    identity=STAND_IDENTITY,
)


@dataclass(frozen=True)
class SpeciesConstants:
    """k [t CO2/m3] per (species, age group), folded once from the species table."""

    species: pd.Index
    k_tco2_per_m3: FloatArray  # shape (species, 2): [:, 0] <= 20 years, [:, 1] >= 21 years
    ids: pd.Index  # joined factor ids, same layout flattened
    unverified: npt.NDArray[np.bool_]
    missing: dict[str, list[str]] = field(default_factory=dict)  # incomplete species -> params

    @classmethod
    def from_factors(cls, factors: FactorLibrary) -> SpeciesConstants:
        table = factors["forest_species"]
        rows = table.rows
        wide = rows.pivot(index="species", columns="parameter", values="canonical")
        wide = wide.reindex(columns=list(SPECIES_PARAMETERS))
        gaps = wide.isna()
        missing = {
            str(s): [p for p in SPECIES_PARAMETERS if gaps.loc[s, p]]
            for s in wide.index
            if gaps.loc[s].any()
        }
        wide = wide.dropna()  # an incomplete species computes nothing; `missing` says why
        ids = rows.pivot(index="species", columns="parameter", values="factor_id").loc[wide.index]
        weak = (
            rows.assign(u=rows["confidence"] == "unverified")
            .pivot(index="species", columns="parameter", values="u")
            .loc[wide.index]
        )
        common = wide["wood_density"] * (1 + wide["root_shoot_ratio"]) * wide["carbon_fraction"]
        carbon = np.stack([common * wide["bef_le20"], common * wide["bef_ge21"]], axis=1)
        to_co2 = units.scale("t C/m**3", "t CO2/m**3")  # 44/12, from the registry
        shared = ["wood_density", "root_shoot_ratio", "carbon_fraction"]
        joined = [
            "|".join(ids.loc[s, [*shared, bef]])
            for s in wide.index
            for bef in ("bef_le20", "bef_ge21")
        ]
        flags = [
            bool(weak.loc[s, [*shared, bef]].any())
            for s in wide.index
            for bef in ("bef_le20", "bef_ge21")
        ]
        return cls(
            pd.Index(wide.index), carbon * to_co2, pd.Index(joined), np.array(flags), missing
        )

    def gather(
        self, species: pd.Series, age: npt.NDArray[np.int64]
    ) -> tuple[FloatArray, pd.Categorical, npt.NDArray[np.bool_]]:
        """k, factor ids and the unverified flag per row; NaN for unknown species."""
        code = category_codes(species, self.species)  # unknown species: len(self.species)
        known = code < len(self.species)
        flat = np.where(known, code * 2 + (age > YOUNG_MAX_AGE), -1)
        k = np.append(self.k_tco2_per_m3.ravel(), np.nan)[flat]
        ids = pd.Categorical.from_codes(flat, categories=self.ids)
        return k, ids, np.append(self.unverified, False)[flat]


@dataclass(frozen=True)
class BcefConstants:
    """k [t CO2/m3] per (species, growing-stock class) = BCEF x (1 + R) x CF x 44/12, for the
    species that have the IPCC 2006 Table 4.5 factors (`prefix`: bcefi or bcefs) instead of a
    wood density and BEF; folded once from the species table."""

    species: pd.Index
    k_tco2_per_m3: FloatArray  # shape (species, len(GROWING_STOCK_CLASSES))
    ids: pd.Index
    unverified: npt.NDArray[np.bool_]

    @classmethod
    def from_factors(cls, factors: FactorLibrary, prefix: str) -> BcefConstants:
        rows = factors["forest_species"].rows
        needed = [f"{prefix}_{c}" for c in GROWING_STOCK_CLASSES]
        shared = ["root_shoot_ratio", "carbon_fraction"]
        wide = rows.pivot(index="species", columns="parameter", values="canonical")
        wide = wide.reindex(columns=[*needed, *shared]).dropna()
        ids = rows.pivot(index="species", columns="parameter", values="factor_id").loc[wide.index]
        weak = (
            rows.assign(u=rows["confidence"] == "unverified")
            .pivot(index="species", columns="parameter", values="u")
            .loc[wide.index]
        )
        to_co2 = units.scale("t C/m**3", "t CO2/m**3")
        common = ((1 + wide["root_shoot_ratio"]) * wide["carbon_fraction"]).to_numpy() * to_co2
        k = wide[needed].to_numpy(dtype=np.float64) * common[:, None]
        joined = ["|".join(ids.loc[s, [*shared, p]]) for s in wide.index for p in needed]
        flags = [bool(weak.loc[s, [*shared, p]].any()) for s in wide.index for p in needed]
        return cls(pd.Index(wide.index), k, pd.Index(joined), np.array(flags, dtype=bool))

    def covers(self, species: pd.Series) -> npt.NDArray[np.bool_]:
        return category_codes(species, self.species) < len(self.species)

    def gather(
        self, species: pd.Series, stock_m3_per_ha: FloatArray
    ) -> tuple[FloatArray, pd.Categorical, npt.NDArray[np.bool_]]:
        """k, factor ids and the unverified flag per row; NaN where the species has no BCEF
        or the stock is unknown."""
        code = category_codes(species, self.species)
        known = (code < len(self.species)) & ~np.isnan(stock_m3_per_ha)
        stock = np.where(known, stock_m3_per_ha, 0.0)
        klass = np.searchsorted(GROWING_STOCK_BOUNDS, stock, side="left")  # 20 -> <=20
        flat = np.where(known, code * len(GROWING_STOCK_CLASSES) + klass, -1)
        k = np.append(self.k_tco2_per_m3.ravel(), np.nan)[flat]
        ids = pd.Categorical.from_codes(flat, categories=self.ids)
        return k, ids, np.append(self.unverified, False)[flat]


def either(
    first: tuple[FloatArray, pd.Categorical, npt.NDArray[np.bool_]],
    second: tuple[FloatArray, pd.Categorical, npt.NDArray[np.bool_]],
) -> tuple[FloatArray, pd.Categorical, npt.NDArray[np.bool_]]:
    """Per row, the first k where it is known, else the second (ids and flags alike)."""
    (k1, ids1, weak1), (k2, ids2, weak2) = first, second
    use = np.isnan(k1)
    offset = len(ids1.categories)
    codes = np.where(use, np.where(ids2.codes >= 0, ids2.codes + offset, -1), ids1.codes)
    categories = ids1.categories.append(ids2.categories)
    ids = pd.Categorical.from_codes(codes, categories=categories)
    return np.where(use, k2, k1), ids, np.where(use, weak2, weak1)


def carbon_stock_tco2_per_ha(volume_m3_per_ha: FloatArray, k_tco2_per_m3: FloatArray) -> FloatArray:
    """Biomass carbon stock [t CO2/ha] of a stand with this stem volume."""
    return volume_m3_per_ha * k_tco2_per_m3


@dataclass(frozen=True)
class Stands:
    """What both forest methods share: FY, age, constants, eligibility and the common problems."""

    fy: npt.NDArray[np.int64]
    age: npt.NDArray[np.int64]
    eligible: npt.NDArray[np.bool_]
    activity: npt.NDArray[np.int64]  # codes into ACTIVITIES
    buffer_share: FloatArray | float
    buffer_unverified: bool
    management_unverified: npt.NDArray[np.bool_]
    problems: list[Problem]


def _stands(
    frame: pd.DataFrame,
    factors: FactorLibrary,
    options: CalcOptions,
    constants: SpeciesConstants,
    bcef: BcefConstants,
) -> Stands:
    file, n = options.file, len(frame)
    fy = fiscal_years(frame, options)
    problems = missing_fy(frame, fy, file)
    problems += unknown_values(
        frame, "species", [*constants.species, *constants.missing], file, "species"
    )
    for species, parameters in constants.missing.items():
        if species in bcef.species:
            continue  # computed with the IPCC BCEF by growing stock instead
        rows = (frame["species"] == species).to_numpy(dtype=bool, na_value=False)
        message = Msg("value.species_incomplete", species=species, missing=", ".join(parameters))
        problems += rows_problems(frame, rows, file, "species", message)
    problems += unknown_values(frame, "activity", ACTIVITIES, file, "activity")
    problems += unknown_values(
        frame, "prefecture", factors["climate_zones"].rows["prefecture"], file, "prefecture"
    )

    age_row = np.broadcast_to(optional_column(frame, "age_yr"), (n,))
    stated_fy = np.broadcast_to(optional_column(frame, "age_fy"), (n,))
    problems += rows_problems(
        frame,
        stated_fy > fiscal.fiscal_year(dt.date.today()),
        file,
        "age_fy",
        "the age is stated for an FY that has not begun",
    )
    stated = ~np.isnan(stated_fy) & ~np.isnan(age_row)
    age_row = np.where(stated, age_row + (fy - stated_fy), age_row)
    problems += rows_problems(
        frame,
        stated & (age_row < 1),
        file,
        "age_yr",
        "the stand was not yet planted in this FY (its age here would be below 1)",
    )
    planted = optional_column(frame, "planted_fy")
    age_float = np.where(np.isnan(age_row), fy - planted + 1, age_row)
    problems += rows_problems(
        frame, np.isnan(age_float), file, "age_yr", "give age_yr or planted_fy"
    )
    problems += rows_problems(
        frame, ~np.isnan(planted) & (planted > fy), file, "planted_fy", "planted after the FY"
    )
    age = np.where(np.isnan(age_float) | (age_float < 1), 0.0, age_float).astype(np.int64)
    planted_fy = np.where(np.isnan(planted), fy - age + 1, planted)

    activity = np.full(n, MANAGEMENT, dtype=np.int64)
    if "activity" in frame:  # blank means management (FO-001)
        given = category_codes(frame["activity"], pd.Index(ACTIVITIES))
        activity = np.where(given < len(ACTIVITIES), given, MANAGEMENT)
    window, _, window_unverified = method_parameter(factors, "forest", "management_window_fy")
    managed_flag = (
        np.asarray(frame["managed"], dtype=bool) if "managed" in frame else np.zeros(n, dtype=bool)
    )
    last = optional_column(frame, "last_managed_fy")
    recently = ~np.isnan(last) & (fy - last < window) & (last <= fy)
    managed = managed_flag | recently
    eligible = (
        ((activity == MANAGEMENT) & managed)
        | ((activity == AFFORESTATION) & (planted_fy > AFFORESTATION_AFTER_FY))
        | (activity == REFORESTATION)
    )
    share_default, _, share_unverified = method_parameter(factors, "forest", "buffer_share")
    share = optional_column(frame, "buffer_share")
    return Stands(
        fy=fy,
        age=age,
        eligible=eligible,
        activity=activity,
        buffer_share=np.where(np.isnan(share), share_default, share),
        buffer_unverified=share_unverified,
        management_unverified=recently & ~managed_flag & window_unverified,
        problems=problems,
    )


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


def _growth(
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


def forest(frame: pd.DataFrame, factors: FactorLibrary, options: CalcOptions) -> pd.DataFrame:
    """Gain-loss absorption per stand, with eligibility, harvest deduction and buffer."""
    constants = SpeciesConstants.from_factors(factors)
    bcef = BcefConstants.from_factors(factors, BCEF_INCREMENT)
    stands = _stands(frame, factors, options, constants, bcef)
    growth = _growth(frame, factors, stands.age, options.file)
    given_stock = np.broadcast_to(optional_column(frame, "stock_m3_per_ha"), (len(frame),))
    stock = np.where(np.isnan(given_stock), growth.stock, given_stock)
    by_age = constants.gather(frame["species"], stands.age)
    k, species_ids, species_unverified = either(by_age, bcef.gather(frame["species"], stock))
    needs_stock = np.isnan(by_age[0]) & bcef.covers(frame["species"]) & np.isnan(stock)
    problems = rows_problems(frame, needs_stock, options.file, "stock_m3_per_ha",
                             Msg("value.needs_stock"))  # fmt: skip
    raise_if_any(stands.problems + growth.problems + problems)

    removal = frame["area_ha"].to_numpy() * growth.values * k
    if "harvested_m3" in frame:
        harvested = frame["harvested_m3"].to_numpy(dtype=np.float64, na_value=np.nan)
        harvest = np.where(np.isnan(harvested), 0.0, harvested) * k
    else:
        harvest = np.zeros(len(frame))
    creditable = np.where(stands.eligible, removal - harvest, 0.0)
    unverified = species_unverified | growth.unverified | stands.management_unverified
    if stands.buffer_unverified:
        unverified |= stands.eligible
    out = _identity(frame, stands) | {
        "growth_m3_per_ha_yr": growth.values,
        "growth_basis": pd.Categorical.from_codes(
            growth.from_table.astype(np.int8), categories=pd.Index(GROWTH_BASES)
        ),
        "yield_factor_id": growth.ids,
        "k_tco2_per_m3": k,
        "species_factor_id": species_ids,
        "reduction_tco2e": removal,
        "harvest_tco2e": harvest,
        "creditable_tco2e": creditable,
        "buffer_tco2e": np.maximum(creditable, 0.0) * stands.buffer_share,
        "uses_unverified": unverified,
    }
    return pd.DataFrame(out, index=frame.index, copy=False)  # no block consolidation copy


def forest_stock(frame: pd.DataFrame, factors: FactorLibrary, options: CalcOptions) -> pd.DataFrame:
    """Stock-difference absorption per stand: (C_end - C_start) / period."""
    constants = SpeciesConstants.from_factors(factors)
    bcef = BcefConstants.from_factors(factors, BCEF_STOCK)
    stands = _stands(frame, factors, options, constants, bcef)
    period = frame["period_yr"].to_numpy()
    problems = stands.problems + rows_problems(
        frame, ~(period > 0), options.file, "period_yr", "must be above 0"
    )
    raise_if_any(problems)

    # One k, the end age's, for both stocks: with a BEF per stock, a period across the age 20 -> 21
    # BEF switch would count the switch, not growth (sugi 100 -> 130 m3/ha over 18 -> 23 yr: 0.42
    # instead of 5.31 t-CO2/ha/yr; factors-verification-2.md, item 7).
    # (a BCEF species likewise takes the end stock's class for both stocks)
    k_end, ids_end, weak_end = either(
        constants.gather(frame["species"], stands.age),
        bcef.gather(frame["species"], frame["stock_end_m3_per_ha"].to_numpy(dtype=np.float64)),
    )
    area = frame["area_ha"].to_numpy()
    stock_end = carbon_stock_tco2_per_ha(frame["stock_end_m3_per_ha"].to_numpy(), k_end)
    stock_start = carbon_stock_tco2_per_ha(frame["stock_start_m3_per_ha"].to_numpy(), k_end)
    removal = area * (stock_end - stock_start) / period
    creditable = np.where(stands.eligible, removal, 0.0)
    out = _identity(frame, stands) | {
        "stock_start_tco2_per_ha": stock_start,
        "stock_end_tco2_per_ha": stock_end,
        "k_tco2_per_m3": k_end,
        "species_factor_id": ids_end,
        "reduction_tco2e": removal,
        "creditable_tco2e": creditable,
        "buffer_tco2e": np.maximum(creditable, 0.0) * stands.buffer_share,
        "uses_unverified": weak_end
        | stands.management_unverified
        | (stands.eligible & stands.buffer_unverified),
    }
    return pd.DataFrame(out, index=frame.index, copy=False)  # no block consolidation copy


def _identity(frame: pd.DataFrame, stands: Stands) -> dict[str, object]:
    out: dict[str, object] = {
        c: frame[c] for c in ("stand_id", "municipality", "prefecture", "species") if c in frame
    }
    return out | {
        "fy": stands.fy.astype(np.int16),  # years fit in 16 bits: less memory per row
        "area_ha": frame["area_ha"].to_numpy(),
        "age_yr": stands.age.astype(np.int16),
        "activity": pd.Categorical.from_codes(stands.activity, categories=pd.Index(ACTIVITIES)),
        "eligible": stands.eligible,
    }
