"""Forest absorption (J-Credit FO-001 / Forestry Agency method) and the stock-difference option.

Gain-loss, per stand:  removal [t CO2] = area [ha] x dV [m3/ha/yr] x k(species, age),
  k = D [t/m3] x BEF(age <= 20 or >= 21) x (1 + R) x CF x 44/12 [t CO2/m3],
folded once per species and age group (units checked by pint) and gathered per row
(`forest_carbon`).
dV comes from the row (`growth_m3_per_ha_yr`) or the yield table: (V of the next 5-year age
class - V of the stand's class) / 5 (`forest_growth`). Harvested stem volume is deducted. Only
eligible stands are creditable: FO-001 management (stand managed), FO-002 afforestation (planted
after FY2012), FO-003 reforestation (`forest_stands`). A buffer share of the creditable removal
is reported separately.

Stock-difference (IPCC 2006 Vol.4 Eq. 2.8): (C_end - C_start) / period, C = area x V x k, one k
(of the end age) for both stocks, so that the BEF switch at age 21 is not counted as growth.
Age follows 林齢: the planting FY is year 1.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd

from offset.common.messages import Msg
from offset.common.problems import raise_if_any
from offset.factors import FactorLibrary
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
    prefecture,
    text,
    year,
)
from offset.methods.common import (
    CalcOptions,
    optional_column,
    rows_problems,
)
from offset.methods.forest_carbon import (
    BCEF_INCREMENT,
    BCEF_STOCK,
    BcefConstants,
    SpeciesConstants,
    carbon_stock_tco2_per_ha,
    either,
)
from offset.methods.forest_growth import GROWTH_BASES, stem_growth
from offset.methods.forest_stands import (
    ACTIVITIES,
    ACTIVITY_WORDS,
    BUFFER_DEFAULT,
    Stands,
    read_stands,
)
from offset.methods.method import SHARED_TOTALS, Method

STAND_IDENTITY = Identity(keys=(("stand_id",), ("compartment", "subcompartment", "branch")))
_STAND_COLUMNS: tuple[Column, ...] = (
    text(
        "stand_id",
        "your identifier of the stand (林小班)",
        japanese=("林小班", "林小班番号", "森林簿番号", "森林番号"),
    ),
    text(
        "compartment",
        "林班: with subcompartment and branch, the stand's identifier",
        japanese=("林班", "林班番号"),
    ),
    text("subcompartment", "小班", japanese=("小班", "小班番号")),
    text(
        "branch", "枝番 (a subcompartment's branch number)", japanese=("枝番", "枝番号", "小班枝番")
    ),
    MUNICIPALITY,
    prefecture("prefecture key as in `climate_zones`"),
    category(
        "species",
        "species key of `forest_species` (sugi, hinoki, karamatsu, ...)",
        required=True,
        japanese=("樹種", "樹種名"),
    ),
    number(
        "area_ha",
        "ha",
        "stand area",
        alternatives={"area_m2": "m**2"},
        required=True,
        japanese=("面積", "森林面積", "小班面積"),
    ),
    integer(
        "age_yr",
        "stand age (林齢, the planting FY is year 1): in the FY, or in age_fy; or planted_fy",
        minimum=1,
        japanese=("林齢",),
    ),
    year(
        "age_fy",
        "FY the age_yr is stated for (the 森林簿's 基準年度); the age advances from it",
        japanese=("林齢基準年度", "基準年度"),
    ),
    year("planted_fy", "FY the stand was planted", minimum=1800, japanese=("植栽年度", "植林年度")),
    integer(
        "age_class",
        "齢級 (5-year age class): read, but the age comes from age_yr or planted_fy",
        minimum=1,
        japanese=("齢級",),
    ),
    FY,
    category(
        "activity",
        "management (FO-001, default), afforestation (FO-002), reforestation (FO-003)",
        japanese=("活動区分", "施業区分"),
        values=ACTIVITY_WORDS,
    ),
    boolean(
        "managed",
        "the stand is under a 森林経営計画 in the FY (FO-001 eligibility)",
        japanese=("森林経営計画", "経営計画", "森林経営計画対象"),
    ),
    year(
        "last_managed_fy",
        "last FY the stand was treated (thinning etc.)",
        japanese=("最終施業年度", "施業年度"),
    ),
    number(
        "buffer_share",
        "dimensionless",
        "the project's buffer share (default: method_parameters)",
        maximum=1.0,
        japanese=("バッファ率", "緩衝率"),
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
            japanese=("成長量", "年間成長量", "材積成長量"),
        ),
        category(
            "yield_region", "region of the yield table (収穫表)", japanese=("収穫表", "収穫表地域")
        ),
        integer(
            "site_class",
            "site class (地位) in the yield table",
            minimum=1,
            japanese=("地位", "地位級"),
        ),
        number(
            "harvested_m3",
            "m**3",
            "stem volume harvested in the FY (deducted)",
            japanese=("伐採量", "伐採材積"),
        ),
        number(
            "stock_m3_per_ha",
            "m**3/ha",
            "growing stock in the FY: picks the IPCC BCEF class of a species without its own"
            " wood density and BEF (default: the yield table's volume at the stand's age)",
            japanese=("蓄積", "林分蓄積", "ha当たり蓄積"),
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
            japanese=("期首蓄積", "期首材積"),
        ),
        number(
            "stock_end_m3_per_ha",
            "m**3/ha",
            "stem volume at the end of the period",
            required=True,
            japanese=("期末蓄積", "期末材積"),
        ),
        number(
            "period_yr",
            "yr",
            "years between the two inventories",
            required=True,
            japanese=("調査間隔", "期間"),
        ),
    ),
    description="One row per stand: two inventories (stock-difference method).",
    identity=STAND_IDENTITY,
)


def forest(frame: pd.DataFrame, factors: FactorLibrary, options: CalcOptions) -> pd.DataFrame:
    """Gain-loss absorption per stand, with eligibility, harvest deduction and buffer."""
    constants = SpeciesConstants.from_factors(factors)
    bcef = BcefConstants.from_factors(factors, BCEF_INCREMENT)
    stands = read_stands(frame, factors, options, constants, bcef)
    growth = stem_growth(frame, factors, stands.age, options.file)
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
    stands = read_stands(frame, factors, options, constants, bcef)
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
        "management_factor_id": stands.management_ids,
    }


def _warnings(results: pd.DataFrame) -> list[str]:
    ineligible = int((~results["eligible"]).sum())
    return [Msg("warn.ineligible", count=ineligible)] if ineligible else []


METHOD = Method(
    "forest",
    CONTRACT,
    forest,
    summary="Forest absorption, gain-loss (J-Credit FO-001 style)",
    words=("Forest absorption", "森林吸収"),
    removals=True,
    buffer_default=BUFFER_DEFAULT,
    totals=(*SHARED_TOTALS, "buffer_tco2e"),
    warnings=_warnings,
)
STOCK_METHOD = dataclasses.replace(
    METHOD,
    name="forest-stock",
    contract=STOCK_CONTRACT,
    compute=forest_stock,
    summary="Forest absorption, stock-difference (IPCC 2006 Eq. 2.8)",
    words=("Forest absorption (stock change)", "森林吸収 (蓄積変化)"),
)
