"""Solar PV reductions, J-Credit EN-R-002 style.

generation [kWh] = capacity [kW] x specific yield [kWh/kW/yr] x (1 - degradation)^age
                   x days in service / days of the FY,
where age is whole fiscal years since commissioning (the commissioning FY is age 0) and the days in
service run from the commissioning day to the FY's end or to the day before `decommissioned`.
A metered generation wins. Metered figures of a row with its own `fy` are that FY's and are not
pro-rated; a row without one gives annual figures for every FY, pro-rated like the model.

reduction_tco2e  = generation x the grid factor the year rule names for the FY (what a municipality
                   reports in its plan; src/offset/factors/years.py);
creditable_tco2e = (self-consumed - auxiliary) x grid factor (J-Credit: exported power, sold
under FIT, is never creditable). Where self-consumption is unknown, nothing is creditable.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pandas as pd

from offset.common import fiscal
from offset.common.problems import raise_if_any
from offset.factors import FactorLibrary, select
from offset.intake.columns import (
    ADDRESS,
    APPLICANT,
    FY,
    GRID_ENTITY,
    GRID_FACTOR,
    GRID_KIND,
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
    Trace,
    fiscal_years,
    grid_trace,
    has_own_fy,
    method_parameter,
    missing_fy,
    rows_problems,
    unknown_values,
)

CONTRACT = Contract(
    (
        text("system_id", "your identifier of the PV system (kept in the output)"),
        MUNICIPALITY,
        category(
            "prefecture", "prefecture key as in `climate_zones` (selects the yield)", required=True
        ),
        number(
            "capacity_kw",
            "kW",
            "rated DC capacity",
            alternatives={"capacity_mw": "MW", "capacity_w": "W"},
            required=True,
        ),
        date("commissioned", "date the system started operating", required=True),
        date("decommissioned", "first day the system was out of service (blank: still running)"),
        FY,
        number(
            "generation_kwh",
            "kWh",
            "metered generation in the FY; wins over the model",
            alternatives={"generation_mwh": "MWh"},
        ),
        number("annual_yield_kwh_per_kw", "kWh/kW/yr", "the system's own specific yield"),
        number(
            "poa_irradiation_kwh_per_m2",
            "kWh/m**2/yr",
            "annual plane-of-array irradiation; yield = irradiation x performance ratio",
        ),
        number(
            "self_consumed_kwh",
            "kWh",
            "metered self-consumption in the FY",
            alternatives={"self_consumed_mwh": "MWh"},
        ),
        number(
            "self_consumption_ratio",
            "dimensionless",
            "self-consumed share of generation",
            maximum=1.0,
        ),
        number("auxiliary_kwh", "kWh", "auxiliary consumption (power conditioner standby)"),
        number(
            "degradation_rate_per_yr",
            "dimensionless",
            "the system's own degradation rate",
            maximum=1.0,
        ),
        GRID_ENTITY,
        GRID_KIND,
        GRID_FACTOR,
        ADDRESS,
        APPLICANT,
    ),
    description="One row per PV system.",
    identity=Identity(
        keys=(("system_id",),),
        same=("municipality", "address", "applicant", "capacity_kw", "commissioned"),
        telling=("address", "applicant"),
    ),
)

GENERATION_BASES = ("metered", "row_yield", "irradiation", "yield_table", "not_in_service")
SELF_CONSUMPTION_BASES = ("metered", "ratio", "unknown")


def performance_ratio(factors: FactorLibrary) -> float:
    """(1 - mean seasonal temperature loss) x (1 - PCS loss) x (1 - other losses), JIS C 8907."""
    seasons = ("dec_feb", "mar_may", "jun_aug", "sep_nov")
    temperature = np.mean(
        [method_parameter(factors, "solar", f"temperature_loss_{s}")[0] for s in seasons]
    )
    pcs = method_parameter(factors, "solar", "pcs_loss")[0]
    other = method_parameter(factors, "solar", "other_loss")[0]
    return float((1.0 - temperature) * (1.0 - pcs) * (1.0 - other))


def _given(frame: pd.DataFrame, name: str) -> tuple[FloatArray, npt.NDArray[np.bool_]] | None:
    """A column's values and where they are given; None when the file has no such column."""
    if name not in frame:
        return None
    values = np.asarray(frame[name], dtype=np.float64)
    return values, ~np.isnan(values)


def solar(frame: pd.DataFrame, factors: FactorLibrary, options: CalcOptions) -> pd.DataFrame:
    """Per-system generation, reduction and creditable reduction, with the factors used."""
    file, n = options.file, len(frame)
    fy = fiscal_years(frame, options)
    problems = missing_fy(frame, fy, file)
    problems += unknown_values(
        frame, "prefecture", factors["climate_zones"].rows["prefecture"], file, "prefecture"
    )

    commissioned = frame["commissioned"].to_numpy()
    age = fy - fiscal.fiscal_years(commissioned)
    stop = frame["decommissioned"].to_numpy() if "decommissioned" in frame else None
    if stop is not None:
        problems += rows_problems(
            frame,
            ~np.isnat(stop) & (stop <= commissioned),
            file,
            "decommissioned",
            "decommissioned on or before the commissioning date",
        )
    days = fiscal.days_in_service(fy, commissioned, stop)
    in_service = days > 0
    degradation: FloatArray | float = method_parameter(factors, "solar", "degradation_rate_per_yr")[
        0
    ]
    if (own := _given(frame, "degradation_rate_per_yr")) is not None:
        degradation = np.where(own[1], own[0], degradation)
    decay = (1.0 - degradation) ** np.maximum(age, 0)

    # Each source of the specific yield overwrites the ones below it: the yield table (3), the
    # irradiation x performance ratio (2), the row's own yield (1); a metered generation (0) wins.
    yield_trace = Trace.of(select(factors["pv_yield"], {"region": frame["prefecture"]}, length=n))
    basis = np.full(n, 3, dtype=np.int8)
    specific_yield = yield_trace.values
    # irradiation [kWh/m2/yr] / 1 kW/m2 (standard test conditions) = full-load hours [kWh/kW/yr]
    sources = (
        ("poa_irradiation_kwh_per_m2", 2, performance_ratio(factors)),
        ("annual_yield_kwh_per_kw", 1, 1.0),
    )
    for column, code, scale in sources:  # two sources, not rows
        if (given := _given(frame, column)) is not None:
            np.copyto(specific_yield, given[0] * scale, where=given[1])
            basis[given[1]] = code
    share_of_fy = days / fiscal.days_in_fy(fy)
    metered_share = np.where(has_own_fy(frame), 1.0, share_of_fy)
    generation = frame["capacity_kw"].to_numpy() * specific_yield * decay * share_of_fy
    if (metered := _given(frame, "generation_kwh")) is not None:
        np.copyto(generation, metered[0] * metered_share, where=metered[1])
        basis[metered[1]] = 0
    generation[~in_service] = 0.0
    basis[~in_service] = 4

    self_basis = np.full(n, 2, dtype=np.int8)  # unknown: nothing creditable
    self_consumed = np.zeros(n)
    if (ratio := _given(frame, "self_consumption_ratio")) is not None:
        np.copyto(self_consumed, ratio[0] * generation, where=ratio[1])
        self_basis[ratio[1]] = 1
    if (self_metered := _given(frame, "self_consumed_kwh")) is not None:
        np.copyto(self_consumed, self_metered[0] * metered_share, where=self_metered[1])
        self_basis[self_metered[1]] = 0
        too_much = self_metered[1] & (self_consumed > generation * (1 + 1e-9) + 1e-9)
        problems += rows_problems(
            frame,
            too_much & (basis == 0),
            file,
            "self_consumed_kwh",
            "self-consumption is above metered generation",
        )
        problems += rows_problems(
            frame,
            too_much & (basis != 0) & in_service,
            file,
            "self_consumed_kwh",
            "self-consumption is above the modelled generation: give the metered generation_kwh",
        )

    auxiliary_share, _, auxiliary_unverified = method_parameter(factors, "solar", "auxiliary_share")
    auxiliary = auxiliary_share * self_consumed
    if (own_auxiliary := _given(frame, "auxiliary_kwh")) is not None:
        np.copyto(auxiliary, own_auxiliary[0] * metered_share, where=own_auxiliary[1])

    grid = grid_trace(frame, factors, fy, options.factor_year)
    problems += rows_problems(
        frame, np.isnan(grid.values), file, "grid_entity", "no grid factor for this row and FY"
    )
    raise_if_any(problems)

    uses_yield_table = basis == 3
    yield_ids = pd.Categorical.from_codes(
        np.where(uses_yield_table, yield_trace.ids.codes, -1), categories=yield_trace.ids.categories
    )
    out: dict[str, object] = {
        c: frame[c] for c in ("system_id", "municipality", "prefecture") if c in frame
    }
    out |= {
        "fy": fy.astype(np.int16),  # years fit in 16 bits: less memory per row
        "capacity_kw": frame["capacity_kw"].to_numpy(),
        "age_fy": age.astype(np.int16),
        "days_in_service": days.astype(np.int16),
        "generation_kwh": generation,
        "generation_basis": pd.Categorical.from_codes(basis, categories=pd.Index(GENERATION_BASES)),
        "yield_factor_id": yield_ids,
        "yield_factor_fallback": np.where(uses_yield_table, yield_trace.fallback, -1).astype(
            np.int8
        ),
        "self_consumed_kwh": self_consumed,
        "self_consumption_basis": pd.Categorical.from_codes(
            self_basis, categories=pd.Index(SELF_CONSUMPTION_BASES)
        ),
        "auxiliary_kwh": auxiliary,
        **grid.columns("grid_factor", "grid_factor_t_co2_per_kwh"),
        "reduction_tco2e": generation * grid.values,
        "creditable_tco2e": np.maximum(self_consumed - auxiliary, 0.0) * grid.values,
        "uses_unverified": grid.unverified
        | (uses_yield_table & yield_trace.unverified)
        | auxiliary_unverified,
    }
    return pd.DataFrame(out, index=frame.index, copy=False)  # no block consolidation copy
