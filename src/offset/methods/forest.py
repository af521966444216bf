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
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from offset.common.messages import Msg
from offset.common.problems import Problem, raise_if_any
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
    FloatArray,
    count_of,
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
from offset.methods.forest_growth import (
    GROWTH_BASES,
    SYNTHETIC_REGION,
    Growth,
    stem_growth,
    synthetic_rows,
)
from offset.methods.forest_mixture import Mixture, read_mixture, share_basis
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
        "species key of `forest_species` (sugi, hinoki, karamatsu, ...); a mixed stand names"
        " two (スギ・ヒノキ): the second is read as species_2",
        required=True,
        japanese=("樹種", "樹種名", "主要樹種", "第1樹種"),
        second_into="species_2",
    ),
    category(
        "species_2",
        "a mixed stand's second species: the area is split by species_share (evenly when"
        " blank, said in share_basis)",
        japanese=("混交樹種", "第2樹種", "副樹種"),
        vocabulary="species",
    ),
    number(
        "species_share",
        "dimensionless",
        "the first species' share of a mixed stand's area (0.6 or 60%)",
        maximum=1.0,
        japanese=("樹種比率", "混交率", "第1樹種比率", "樹種割合"),
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
        words_after=("年生", "年"),
    ),
    year(
        "age_fy",
        "FY the age_yr is stated for (the 森林簿's 基準年度); the age advances from it",
        japanese=("林齢基準年度", "基準年度"),
    ),
    year("planted_fy", "FY the stand was planted", minimum=1800, japanese=("植栽年度", "植林年度")),
    integer(
        "age_class",
        "齢級 (5-year age class, 7齢級 = ages 31-35): where no age_yr or planted_fy is given,"
        " the stand's age is the class's middle year (7齢級: 33) in age_fy (else the FY)",
        minimum=1,
        japanese=("齢級", "林齢齢級"),
        words_after=("齢級",),
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
            "stock_previous_m3_per_ha",
            "m**3/ha",
            "the stand's stock in an earlier register (前回蓄積): growth = (stock_m3_per_ha -"
            " this) / the FYs between them, where the row gives no growth",
            japanese=("前回蓄積", "前期蓄積", "前回ha当り蓄積", "前回ha当たり蓄積", "旧蓄積"),
        ),
        year(
            "stock_previous_fy",
            "the FY of the earlier stock (前回調査年度); the later stock's is age_fy, else the FY",
            japanese=("前回調査年度", "前回基準年度", "前期基準年度"),
        ),
        number(
            "stock_m3_per_ha",
            "m**3/ha",
            "growing stock in the FY (or in age_fy, the register's 基準年度): picks the IPCC BCEF"
            " class of a species without its own wood density and BEF (default: the yield"
            " table's volume at the stand's age), and with stock_previous_m3_per_ha gives growth",
            japanese=(
                "蓄積",
                "林分蓄積",
                "ha当たり蓄積",
                "ha当り蓄積",
                "ha当蓄積",
                "1ha当たり蓄積",
                "蓄積量",
            ),
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
    mix = read_mixture(frame, options.file)
    first = _part(frame, factors, stands.age, stands.fy, constants, bcef, options.file)
    second = _part(
        mix.second(frame), factors, stands.age[mix.positions], stands.fy[mix.positions],
        constants, bcef, options.file,
    )  # fmt: skip
    raise_if_any(stands.problems + mix.problems + first.problems + second.problems)

    # per ha of the stand: each species' share of its area x its own growth x its own k
    removal_per_ha = mix.blend(first.growth.values * first.k, second.growth.values * second.k)
    k = mix.blend(first.k, second.k)
    growth = mix.blend(first.growth.values, second.growth.values)
    removal = frame["area_ha"].to_numpy() * removal_per_ha
    if "harvested_m3" in frame:
        harvested = frame["harvested_m3"].to_numpy(dtype=np.float64, na_value=np.nan)
        harvest = np.where(np.isnan(harvested), 0.0, harvested) * k
    else:
        harvest = np.zeros(len(frame))
    creditable = np.where(stands.eligible, removal - harvest, 0.0)
    unverified = first.unverified | stands.management_unverified
    unverified[mix.positions] |= second.unverified
    if stands.buffer_unverified:
        unverified |= stands.eligible
    out = _identity(frame, stands, mix) | {
        "growth_m3_per_ha_yr": growth,
        "growth_basis": pd.Categorical.from_codes(
            first.growth.basis, categories=pd.Index(GROWTH_BASES)
        ),
        "yield_factor_id": first.growth.ids,
        "k_tco2_per_m3": k,
        "species_factor_id": first.ids,
        "reduction_tco2e": removal,
        "harvest_tco2e": harvest,
        "creditable_tco2e": creditable,
        "buffer_tco2e": np.maximum(creditable, 0.0) * stands.buffer_share,
        "uses_unverified": unverified,
    }
    if mix.positions.size:  # the second species' factor rows, for the trace
        out["species_2_factor_id"] = _at_rows(second.ids, mix.positions, len(frame))
        out["yield_2_factor_id"] = _at_rows(second.growth.ids, mix.positions, len(frame))
    return pd.DataFrame(out, index=frame.index, copy=False)  # no block consolidation copy


@dataclass(frozen=True)
class _Part:
    """One species of the stands (the first, or a mixed stand's second): growth and k."""

    growth: Growth
    k: FloatArray
    ids: pd.Categorical
    unverified: npt.NDArray[np.bool_]
    problems: list[Problem]


def _part(
    frame: pd.DataFrame,
    factors: FactorLibrary,
    age: npt.NDArray[np.int64],
    fy: npt.NDArray[np.int64],
    constants: SpeciesConstants,
    bcef: BcefConstants,
    file: str,
) -> _Part:
    growth = stem_growth(frame, factors, age, file, fy)
    given_stock = np.broadcast_to(optional_column(frame, "stock_m3_per_ha"), (len(frame),))
    stock = np.where(np.isnan(given_stock), growth.stock, given_stock)
    by_age = constants.gather(frame["species"], age)
    k, ids, species_unverified = either(by_age, bcef.gather(frame["species"], stock))
    needs_stock = np.isnan(by_age[0]) & bcef.covers(frame["species"]) & np.isnan(stock)
    problems = rows_problems(frame, needs_stock, file, "stock_m3_per_ha",
                             Msg("value.needs_stock"))  # fmt: skip
    unverified = species_unverified | growth.unverified
    return _Part(growth, k, ids, unverified, growth.problems + problems)


def _at_rows(ids: pd.Categorical, positions: npt.NDArray[np.intp], n: int) -> pd.Categorical:
    codes = np.full(n, -1, dtype=np.int64)
    codes[positions] = ids.codes
    return pd.Categorical.from_codes(codes, categories=ids.categories)


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
    mix = read_mixture(frame, options.file)
    raise_if_any(mix.problems)
    end = frame["stock_end_m3_per_ha"].to_numpy(dtype=np.float64)
    k_first, ids_end, weak_end = either(
        constants.gather(frame["species"], stands.age), bcef.gather(frame["species"], end)
    )
    second = mix.second(frame)
    k_second, ids_second, weak_second = either(
        constants.gather(second["species"], stands.age[mix.positions]),
        bcef.gather(second["species"], end[mix.positions]),
    )
    k_end = mix.blend(k_first, k_second)  # one stock per ha: each species' share of it
    weak_end = weak_end.copy()
    weak_end[mix.positions] |= weak_second
    area = frame["area_ha"].to_numpy()
    stock_end = carbon_stock_tco2_per_ha(frame["stock_end_m3_per_ha"].to_numpy(), k_end)
    stock_start = carbon_stock_tco2_per_ha(frame["stock_start_m3_per_ha"].to_numpy(), k_end)
    removal = area * (stock_end - stock_start) / period
    creditable = np.where(stands.eligible, removal, 0.0)
    out = _identity(frame, stands, mix) | {
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
    if mix.positions.size:
        out["species_2_factor_id"] = _at_rows(ids_second, mix.positions, len(frame))
    return pd.DataFrame(out, index=frame.index, copy=False)  # no block consolidation copy


def _identity(frame: pd.DataFrame, stands: Stands, mix: Mixture) -> dict[str, object]:
    out: dict[str, object] = {"stand_id": stand_ids(frame)} if _has_id(frame) else {}
    out |= {c: frame[c] for c in ("municipality", "prefecture", "species") if c in frame}
    if mix.positions.size:
        out |= {
            "species_2": frame["species_2"],
            "species_share": mix.share,
            "share_basis": share_basis(mix),
        }
    return out | {
        "fy": stands.fy.astype(np.int16),  # years fit in 16 bits: less memory per row
        "area_ha": frame["area_ha"].to_numpy(),
        "age_yr": stands.age.astype(np.int16),
        "activity": pd.Categorical.from_codes(stands.activity, categories=pd.Index(ACTIVITIES)),
        "eligible": stands.eligible,
        "management_factor_id": stands.management_ids,
    }


_ID_PARTS = ("compartment", "subcompartment", "branch")


def _has_id(frame: pd.DataFrame) -> bool:
    return "stand_id" in frame or any(c in frame for c in _ID_PARTS)


def stand_ids(frame: pd.DataFrame) -> pd.Series:
    """The stand's identifier: its 林小班 as given, else 林班-小班-枝番 joined (12-1-2; a part
    the file leaves out or blank is left out: 12-1)."""
    if "stand_id" in frame and not any(c in frame for c in _ID_PARTS):
        kept = _text_cells(frame["stand_id"])
        if kept is not None:  # the file's identifiers as its check left them
            return kept
    given = (
        frame["stand_id"].astype("string")
        if "stand_id" in frame
        else pd.Series(pd.NA, index=frame.index, dtype="string")
    )
    parts = [frame[c].astype("string").str.strip() for c in _ID_PARTS if c in frame]
    if not parts:
        return given.astype(object)
    joined = parts[0].fillna("")
    for part in parts[1:]:
        joined = joined.str.cat(part.fillna(""), sep="-")
    joined = joined.str.replace(r"-+$", "", regex=True).str.replace(r"-{2,}", "-", regex=True)
    joined = joined.mask(joined == "")
    return given.fillna(joined).astype(object)


def _text_cells(given: pd.Series) -> pd.Series | None:
    """An object column of text (a file's checked `text` column) as
    `astype("string").astype(object)` makes it, each missing cell pd.NA, without converting
    every cell to Arrow and back; None for a column of anything else (numbers: that way)."""
    if given.dtype != object:
        return None
    values = given.to_numpy()
    if pd.api.types.infer_dtype(values, skipna=False) == "string":
        return given  # nothing missing (one look over the cells, not two)
    if pd.api.types.infer_dtype(values, skipna=True) not in ("string", "empty"):
        return None
    missing = pd.isna(values)
    if not missing.any():
        return given
    out = values.copy()
    out[missing] = pd.NA
    return pd.Series(out, index=given.index, name=given.name, dtype=object)


def _warnings(results: pd.DataFrame) -> list[str]:
    # numpy's count (pandas' ~ and sum cost 50 µs a part of a national run); unknown: not counted
    eligible = results["eligible"].to_numpy(dtype=bool, na_value=True)
    ineligible = len(eligible) - int(np.count_nonzero(eligible))
    found: list[str] = [Msg("warn.ineligible", count=ineligible)] if ineligible else []
    synthetic = synthetic_rows(results)
    if synthetic:
        found.append(Msg("warn.synthetic_yield", count=synthetic, region=SYNTHETIC_REGION))
    even = count_of(results["share_basis"], "even") if "share_basis" in results else 0
    if even:
        found.append(Msg("warn.even_share", count=even))
    return found


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
