"""Savings already computed (事務事業編): a facility list that gives each measure's annual saving
of electricity (kWh), kerosene or A heavy oil (L), city gas (m3), LPG (kg) or heat supplied by
others (GJ of steam, hot water, cold water), as the facility's engineer computed it. Each is
converted with the FY's factor:

  electricity: kWh x the grid factor of the row's supplier and menu (`methods.grid`);
  a fuel: quantity x heat value [GJ/unit] x carbon factor [t C/GJ] x 44/12, both of the regime
  in force in the FY (算定省令 別表第1, `factors/fuel.csv`: the pre-2023 and revised values);
  heat: GJ x the t CO2/GJ of the regime in force in the FY (`factors/heat.csv`);

summed per row and pro-rated from the completion date (完了年月 `R6.9` is read as the month's
1st, and said) over the FY's days. The facility and the measure are kept per row. The figure is
`estimated` unless the row says measured (算定根拠 実測); only measured savings are creditable,
and then only where a methodology allows a saving computed by the facility: offset credits
none by itself (`creditable_tco2e` is 0 for estimated rows).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from offset import units
from offset.common.messages import Msg
from offset.common.problems import raise_if_any
from offset.factors import FactorLibrary, select
from offset.intake.columns import (
    FY,
    GRID_ENTITY,
    GRID_FACTOR,
    GRID_KIND,
    GRID_MENU,
    MUNICIPALITY,
    Contract,
    Identity,
    category,
    date,
    number,
    text,
)
from offset.methods.common import (
    CalcOptions,
    FloatArray,
    completed_share,
    fiscal_years,
    missing_fy,
    optional_column,
    rows_problems,
)
from offset.methods.grid import grid_trace
from offset.methods.method import Method, PlanFigure

BASIS_WORDS = {
    "estimated": ("推計", "推定", "計算", "見込み"),
    "measured": ("実測", "計測", "実績"),
}
BASES = tuple(BASIS_WORDS)
ESTIMATED, MEASURED = range(len(BASES))


@dataclass(frozen=True)
class Saving:
    """A fuel saving column: its fuel in `factors/fuel.csv` and its unit per year."""

    column: str
    fuel: str
    unit: str  # of the quantity, per year
    japanese: tuple[str, ...]


FUELS = (
    Saving(
        "kerosene_saved_l", "kerosene", "L/yr", ("削減灯油量", "灯油削減量", "灯油削減量(年間)")
    ),
    Saving("a_heavy_oil_saved_l", "a_heavy_oil", "L/yr", ("削減A重油量", "A重油削減量")),
    Saving(
        "city_gas_saved_m3",
        "city_gas",
        "m**3/yr",
        ("削減都市ガス", "削減都市ガス量", "都市ガス削減量"),
    ),
    Saving(
        "lpg_saved_kg", "lpg", "kg/yr", ("削減LPG量", "削減LPガス量", "LPガス削減量", "削減LPG")
    ),
)

HEAT = "heat_saved_gj"  # GJ of heat supplied by others (`factors/heat.csv`)

CONTRACT = Contract(
    (
        text(
            "facility_id",
            "the facility (施設名 or its number)",
            required=True,
            japanese=("施設名", "施設", "施設番号", "施設コード", "施設名称"),
        ),
        MUNICIPALITY,
        text(
            "measure",
            "what was done (改修内容), kept as written",
            japanese=("改修内容", "対策内容", "工事内容", "事業内容", "対策"),
        ),
        FY,
        date(
            "completed",
            "date or month the measure was completed (完了年月: R6.9 is read as 2024-09-01);"
            " the FY's saving counts from that day",
            japanese=("完了年月", "完了日", "工事完了日", "竣工年月", "完了年月日", "導入年月"),
        ),
        category(
            "basis",
            "estimated (default) or measured: only a measured saving is creditable",
            japanese=("算定根拠", "算定方法", "根拠"),
            values=BASIS_WORDS,
        ),
        number(
            "electricity_saved_kwh",
            "kWh/yr",
            "electricity saved a year, as the facility computed it (negative: a measure that moves"
            " heat from a fuel to electricity uses more)",
            alternatives={"electricity_saved_mwh": "MWh/yr"},
            minimum=None,
            japanese=("削減電力量", "電力削減量", "電気使用量削減", "年間削減電力量"),
        ),
        *(
            number(f.column, f.unit, f"{f.fuel} saved a year", minimum=None, japanese=f.japanese)
            for f in FUELS
        ),
        number(
            HEAT,
            "GJ/yr",
            "heat supplied by others (他人から供給された熱: steam, hot water, cold water)"
            " saved a year",
            minimum=None,
            japanese=("削減熱量", "熱量削減量", "削減熱供給量", "熱供給削減量", "削減熱使用量"),
        ),
        GRID_ENTITY,
        GRID_MENU,
        GRID_KIND,
        GRID_FACTOR,
    ),
    description="One row per facility measure whose annual saving the list gives already.",
    identity=Identity(keys=(("facility_id", "measure"),)),
)
SAVED = ("electricity_saved_kwh", *(f.column for f in FUELS), HEAT)


def savings(frame: pd.DataFrame, factors: FactorLibrary, options: CalcOptions) -> pd.DataFrame:
    """The reduction of each facility measure: its savings x the FY's factors, pro-rated."""
    file = options.file
    fy = fiscal_years(frame, options)
    n = len(frame)
    kwh = np.broadcast_to(optional_column(frame, "electricity_saved_kwh"), (n,))
    given = np.stack([np.broadcast_to(optional_column(frame, c), (n,)) for c in SAVED], axis=1)
    problems = missing_fy(frame, fy, file) + rows_problems(
        frame, np.isnan(given).all(axis=1), file, None, Msg("value.no_saving")
    )
    electric = ~np.isnan(kwh)
    grid, grid_problems = grid_trace(
        frame, factors, fy, options.factor_year, where=electric, file=file,
        unknown_supplier=options.unknown_supplier, strict=options.strict_factors,
    )  # fmt: skip
    raise_if_any(problems + grid_problems)

    electricity = np.where(electric, kwh * grid.values, 0.0)
    out_fuels: dict[str, object] = {}
    fuel_total = np.zeros(n)
    unverified = electric & grid.unverified
    for saving in FUELS:  # a loop over four fuels, never over rows
        if saving.column not in frame:
            continue
        quantity = frame[saving.column].to_numpy(dtype=np.float64, na_value=np.nan)
        tco2, ids, weak = _fuel_tco2(quantity, saving, factors, fy)
        fuel_total += np.where(np.isnan(quantity), 0.0, tco2)
        unverified |= weak
        out_fuels[f"{saving.fuel}_tco2e"] = tco2
        out_fuels[f"{saving.fuel}_factor_id"] = ids

    if HEAT in frame:
        gj = frame[HEAT].to_numpy(dtype=np.float64, na_value=np.nan)
        heat_tco2, heat_ids, weak = _heat_tco2(gj, factors, fy)
        fuel_total += np.where(np.isnan(gj), 0.0, heat_tco2)
        unverified |= weak
        out_fuels |= {"heat_tco2e": heat_tco2, "heat_factor_id": heat_ids}

    days, share = completed_share(frame, fy, _basis(frame) == MEASURED)
    annual = electricity + fuel_total
    reduction = annual * share
    basis = _basis(frame)
    out: dict[str, object] = {
        c: frame[c] for c in ("facility_id", "municipality", "measure") if c in frame
    }
    out |= {
        "fy": fy.astype(np.int16),  # years fit in 16 bits: less memory per row
        "basis": pd.Categorical.from_codes(basis, categories=pd.Index(BASES)),
        "days_in_service": days.astype(np.int16),
        "in_service_share": share,  # of the year's saving, counted in the FY
        "electricity_saved_kwh": kwh,
        "electricity_tco2e": np.where(electric, kwh * grid.values, np.nan),
        **grid.columns("grid_factor", "grid_factor_t_co2_per_kwh"),
        **out_fuels,
        "annual_tco2e": annual,
        "reduction_tco2e": reduction,
        "creditable_tco2e": np.where(basis == MEASURED, reduction, 0.0),
        "uses_unverified": unverified,
    }
    return pd.DataFrame(out, index=frame.index, copy=False)  # no block consolidation copy


def _fuel_tco2(
    quantity: FloatArray, saving: Saving, factors: FactorLibrary, fy: npt.NDArray[np.int64]
) -> tuple[FloatArray, pd.Categorical, npt.NDArray[np.bool_]]:
    """t CO2 a year = quantity x heat value x carbon factor x 44/12, both of the FY's regime,
    with the two factor rows it took and whether either is unverified."""
    table = factors["fuel"]
    where = ~np.isnan(quantity)
    n = len(quantity)
    heat = select(table, {"fuel": saving.fuel, "parameter": "heat_value"}, fy, length=n,
                  where=where)  # fmt: skip
    carbon = select(table, {"fuel": saving.fuel, "parameter": "carbon_factor"}, fy, length=n,
                    where=where)  # fmt: skip
    raw = np.append(table.rows["value"].to_numpy(dtype=np.float64), np.nan)
    rows = table.rows
    heat_unit = str(rows[(rows["fuel"] == saving.fuel) & (rows["parameter"] == "heat_value")]
                    ["unit"].iloc[0])  # fmt: skip
    per_year = units.scale(
        f"({saving.unit}) * ({heat_unit}) * (t C/GJ)", "t CO2/yr"
    )  # litres to kL, C to CO2 (44/12): by the registry
    tco2 = quantity * raw[heat.row] * raw[carbon.row] * per_year
    ids = [
        f"{h}|{c}" if h == h and c == c else None
        for h, c in zip(heat.factor_ids().astype(object), carbon.factor_ids().astype(object),
                        strict=True)
    ]  # fmt: skip
    weak = where & (heat.unverified | carbon.unverified)
    return np.where(where, tco2, np.nan), pd.Categorical(ids), weak


def _heat_tco2(
    gj: FloatArray, factors: FactorLibrary, fy: npt.NDArray[np.int64]
) -> tuple[FloatArray, pd.Categorical, npt.NDArray[np.bool_]]:
    """t CO2 a year = GJ a year x the heat factor [t CO2/GJ] of the FY's regime, with the row it
    took and whether it is unverified."""
    where = ~np.isnan(gj)
    factor = select(factors["heat"], {"heat": "supplied"}, fy, length=len(gj), where=where)
    tco2 = np.where(where, gj * factor.values, np.nan)  # GJ/yr x t CO2/GJ: t CO2/yr
    return tco2, factor.factor_ids(), where & factor.unverified


def _basis(frame: pd.DataFrame) -> npt.NDArray[np.int64]:
    if "basis" not in frame:
        return np.full(len(frame), ESTIMATED, dtype=np.int64)
    from offset.factors.select import category_codes

    codes = category_codes(frame["basis"], pd.Index(BASES))
    return np.where(codes < len(BASES), codes, ESTIMATED)


METHOD = Method(
    "savings",
    CONTRACT,
    savings,
    summary="Savings already computed (事務事業編): kWh, L, m3, kg, GJ a year x the FY's factors",
    words=("Facility savings", "施設の省エネ削減"),
    reductions_line=("Facility savings reductions (t-CO2e)", "施設の省エネによる削減量 (t-CO2)"),
    plan=(
        PlanFigure(
            "savings_electricity_mwh",
            ("Electricity saved at facilities (MWh)", "施設の削減電力量 (MWh)"),
            # the FY's: a year's saving x the share of the FY the facility was done
            lambda results: (
                float(np.nansum(results["electricity_saved_kwh"] * results["in_service_share"]))
                / 1000
            ),
        ),
    ),
)
