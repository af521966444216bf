"""Eco-renovation reductions: envelope, equipment replacement and lighting, one row per measure.

- envelope (screening; no J-Credit methodology exists for insulation):
  heat saved [kWh] = (UA before - UA after) [W/m2K] x envelope area [m2] x HDD [K day] x 24 / 1000;
  energy saved = heat saved x usage factor / heating efficiency (or COP); x the carrier's factor.
- equipment (J-Credit EN-S style): baseline = project output / baseline efficiency x the
  baseline carrier's factor; project = measured energy x its carrier's factor;
  reduction = baseline - project.
- lighting (EN-S-006 style): (W before - W after) x count x hours x grid factor.

Carriers are `electricity` (the grid factor the year rule names) or a fuel of the `fuel` table
(its carbon factor x 44/12 in the regime of the FY). `creditable_tco2e` equals the reduction
for equipment and lighting, and for envelope rows only where `basis` is `measured`.

With a `completed` date, a measure counts from that day: nothing in the FYs before, and in its
first FY its figure is pro-rated by the days from completion to 31 March, except a measured
figure of a row with its own `fy` (that FY's own). Without one, every FY counts whole.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from offset import units
from offset.common import fiscal
from offset.common.messages import Msg
from offset.common.problems import Problem, raise_if_any
from offset.factors import FactorLibrary, select
from offset.factors.select import category_codes
from offset.factors.years import FactorYear
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
    integer,
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
    optional_column,
    rows_problems,
    unknown_values,
)

IntArray = npt.NDArray[np.int64]

ELECTRICITY = "electricity"
ELECTRICITY_CODE = 0  # carriers are coded with electricity first, then the fuel table's fuels
MEASURES = ("envelope", "equipment", "lighting")
ENVELOPE, EQUIPMENT, LIGHTING = range(len(MEASURES))
BASES = ("estimated", "measured")
ESTIMATED, MEASURED = range(len(BASES))

CONTRACT = Contract(
    (
        text("building_id", "your identifier of the building or subsidy case"),
        MUNICIPALITY,
        category("prefecture", "prefecture key as in `climate_zones` (zone for target_grade)"),
        category("measure", "envelope, equipment or lighting", required=True),
        category(
            "basis", "estimated or measured (default: measured for equipment, else estimated)"
        ),
        FY,
        date("completed", "date the work was completed (工事完了日); counts from that day"),
        # envelope
        number("ua_before_w_m2k", "W/(m**2*K)", "envelope UA before the renovation"),
        number("ua_after_w_m2k", "W/(m**2*K)", "envelope UA after; or give target_grade"),
        integer(
            "target_grade",
            "断熱等性能等級 reached (4-7): UA after = the grade's limit",
            minimum=4,
            maximum=7,
        ),
        integer(
            "climate_zone",
            "省エネ基準 zone 1-8 (default: the prefecture's main zone)",
            minimum=1,
            maximum=8,
        ),
        number(
            "envelope_area_m2", "m**2", "envelope area", alternatives={"envelope_area_ha": "ha"}
        ),
        number(
            "floor_area_m2",
            "m**2",
            "floor area (床面積): kept in the output; the method uses envelope_area_m2",
        ),
        number("hdd_kday", "K*day", "heating degree-days D18-18; or give location"),
        category("location", "station in the `hdd` table"),
        category(
            "heating_appliance", "appliance in `heating_efficiency` (gives efficiency and carrier)"
        ),
        number("heating_efficiency", "dimensionless", "the row's own efficiency or COP"),
        category("energy_carrier", "the row's own heating carrier: electricity or a `fuel`"),
        number(
            "usage_factor", "dimensionless", "share of continuous whole-house heating", maximum=1.0
        ),
        # equipment
        number(
            "project_output_kwh",
            "kWh",
            "useful output of the new equipment (e.g. heat)",
            alternatives={"project_output_gj": "GJ", "project_output_mj": "MJ"},
        ),
        number("baseline_efficiency", "dimensionless", "efficiency of the replaced equipment"),
        category("baseline_carrier", "carrier of the replaced equipment: electricity or a `fuel`"),
        number(
            "project_energy_kwh",
            "kWh",
            "measured energy use of the new equipment",
            alternatives={"project_energy_gj": "GJ", "project_energy_mj": "MJ"},
        ),
        category("project_carrier", "carrier of the new equipment: electricity or a `fuel`"),
        # lighting
        number("power_before_w", "W", "lamp power before", alternatives={"power_before_kw": "kW"}),
        number("power_after_w", "W", "lamp power after", alternatives={"power_after_kw": "kW"}),
        number("lamp_count", "dimensionless", "number of lamps replaced"),
        number("operating_hours_h", "h", "operating hours in the FY"),
        GRID_ENTITY,
        GRID_KIND,
        GRID_FACTOR,
        ADDRESS,
        APPLICANT,
    ),
    description="One row per renovation measure; `measure` says which columns apply.",
    identity=Identity(
        keys=(("building_id", "measure"),),
        same=("municipality", "address", "applicant", "measure", "completed"),
        telling=("address", "applicant"),
    ),
)

REQUIRED_BY_MEASURE = {
    "envelope": ("ua_before_w_m2k", "envelope_area_m2"),
    "equipment": (
        "project_output_kwh",
        "baseline_efficiency",
        "baseline_carrier",
        "project_energy_kwh",
        "project_carrier",
    ),
    "lighting": ("power_before_w", "power_after_w", "lamp_count", "operating_hours_h"),
}
# W/(m2 K) x m2 x K day -> kWh: the "x 24 / 1000" of the degree-day method, derived by pint.
_ENVELOPE_KWH = units.scale("W/(m**2*K) * m**2 * K*day", "kWh")
_LAMP_KWH = units.scale("W * h", "kWh")


@dataclass(frozen=True)
class Inputs:
    """Arrays one measure's kernel reads (already in canonical units)."""

    frame: pd.DataFrame
    positions: npt.NDArray[np.int64]

    def __call__(self, name: str) -> FloatArray:
        if name not in self.frame:
            return np.full(self.positions.size, np.nan)
        return np.asarray(self.frame[name], dtype=np.float64)[self.positions]


@dataclass(frozen=True)
class Resolved:
    """Per-row values resolved from the row or the factor tables before the kernels run."""

    ua_after: FloatArray
    hdd: FloatArray
    efficiency: FloatArray
    usage: FloatArray
    heating_carrier: IntArray  # code into the carriers (electricity first)
    factor_ids: dict[str, object]  # output columns (categoricals): which table row gave each value
    unverified: npt.NDArray[np.bool_]  # an envelope row used an unverified table value


def _envelope(x: Inputs, r: Resolved) -> dict[str, FloatArray]:
    p = x.positions
    heat = (x("ua_before_w_m2k") - r.ua_after[p]) * x("envelope_area_m2") * r.hdd[p] * _ENVELOPE_KWH
    return {"heat_saved_kwh": heat, "energy_saved_kwh": heat * r.usage[p] / r.efficiency[p]}


def _equipment(x: Inputs, r: Resolved) -> dict[str, FloatArray]:
    baseline_energy = x("project_output_kwh") / x("baseline_efficiency")
    return {
        "energy_saved_kwh": baseline_energy - x("project_energy_kwh"),
        "baseline_energy_kwh": baseline_energy,
    }


def _lighting(x: Inputs, r: Resolved) -> dict[str, FloatArray]:
    saved = (
        (x("power_before_w") - x("power_after_w"))
        * x("lamp_count")
        * x("operating_hours_h")
        * _LAMP_KWH
    )
    return {"energy_saved_kwh": saved}


KERNELS: dict[str, Callable[[Inputs, Resolved], dict[str, FloatArray]]] = {
    "envelope": _envelope,
    "equipment": _equipment,
    "lighting": _lighting,
}


def carrier_trace(
    carrier: IntArray,
    carriers: pd.Index,
    frame: pd.DataFrame,
    factors: FactorLibrary,
    fy: npt.NDArray[np.int64],
    rule: FactorYear,
    where: npt.NDArray[np.bool_] | None = None,
) -> Trace:
    """t CO2 per kWh of each row's carrier (a code into `carriers`, electricity first): the grid
    factor for electricity, else the fuel's carbon factor x 44/12 in the regime of the FY."""
    n = len(frame)
    needed = np.ones(n, dtype=bool) if where is None else where
    electric = carrier == ELECTRICITY_CODE
    as_category = pd.Series(
        pd.Categorical.from_codes(
            np.where(carrier < len(carriers), carrier, -1), categories=carriers
        )
    )
    fuel = Trace.of(
        select(
            factors["fuel"],
            {"fuel": as_category, "parameter": "carbon_factor"},
            fy,
            length=n,
            where=needed & ~electric,
        )
    )
    per_kwh = units.scale("t C/GJ", "t CO2/kWh")  # x 44/12 and GJ -> kWh, by the registry
    fuel = Trace(fuel.values * per_kwh, fuel.ids, fuel.fallback, fuel.unverified)
    grid = grid_trace(frame, factors, fy, rule, where=needed & electric)
    return grid.where(electric, fuel)


def _codes(frame: pd.DataFrame, column: str, categories: pd.Index) -> IntArray:
    """Codes of a categorical column in `categories`; blank or absent: len(categories)."""
    if column not in frame:
        return np.full(len(frame), len(categories), dtype=np.int64)
    return category_codes(frame[column], categories)


def renovation(frame: pd.DataFrame, factors: FactorLibrary, options: CalcOptions) -> pd.DataFrame:
    file, n = options.file, len(frame)
    fy = fiscal_years(frame, options)
    measure = _codes(frame, "measure", pd.Index(MEASURES))
    envelope, equipment = measure == ENVELOPE, measure == EQUIPMENT
    carriers = pd.Index([ELECTRICITY, *dict.fromkeys(factors["fuel"].rows["fuel"])])
    problems = missing_fy(frame, fy, file)
    problems += unknown_values(frame, "measure", MEASURES, file, "measure")
    problems += unknown_values(frame, "basis", BASES, file, "basis")
    problems += unknown_values(
        frame, "prefecture", factors["climate_zones"].rows["prefecture"], file, "prefecture"
    )
    for column in ("energy_carrier", "baseline_carrier", "project_carrier"):
        problems += unknown_values(frame, column, carriers, file, "energy carrier")
    problems += unknown_values(
        frame, "location", factors["hdd"].rows["location"], file, "HDD location"
    )
    problems += unknown_values(
        frame,
        "heating_appliance",
        factors["heating_efficiency"].rows["appliance"],
        file,
        "heating appliance",
    )
    for name, required in REQUIRED_BY_MEASURE.items():
        rows = measure == MEASURES.index(name)
        for column in required:
            empty = rows & (frame[column].isna().to_numpy() if column in frame else True)
            message = Msg("value.required_for", measure=name)
            problems += rows_problems(frame, empty, file, column, message)

    resolved, resolve_problems = _resolve(frame, factors, envelope, carriers, file)
    problems += resolve_problems

    # The saved energy's carrier: the heating carrier (envelope), the replaced equipment's
    # (equipment) or electricity (lighting). The project carrier matters for equipment only.
    baseline_carrier = _codes(frame, "baseline_carrier", carriers)
    saved_carrier = np.where(
        envelope, resolved.heating_carrier, np.where(equipment, baseline_carrier, ELECTRICITY_CODE)
    )
    rule = options.factor_year
    saved = carrier_trace(saved_carrier, carriers, frame, factors, fy, rule)
    project_carrier = _codes(frame, "project_carrier", carriers)
    project = carrier_trace(project_carrier, carriers, frame, factors, fy, rule, where=equipment)
    problems += rows_problems(
        frame,
        (measure < len(MEASURES)) & np.isnan(saved.values),
        file,
        "measure",
        "no emission factor for this row's carrier and FY",
    )
    problems += rows_problems(
        frame,
        equipment & np.isnan(project.values),
        file,
        "project_carrier",
        "no emission factor for this carrier and FY",
    )
    raise_if_any(problems)

    columns = {
        c: np.full(n, np.nan) for c in ("heat_saved_kwh", "energy_saved_kwh", "baseline_energy_kwh")
    }
    for name, kernel in KERNELS.items():  # a loop over three measures, never over rows
        positions = np.flatnonzero(measure == MEASURES.index(name))
        for column, values in kernel(Inputs(frame, positions), resolved).items():
            columns[column][positions] = values

    baseline = np.where(equipment, columns["baseline_energy_kwh"] * saved.values, np.nan)
    project_energy = (
        frame["project_energy_kwh"].to_numpy() if "project_energy_kwh" in frame else 0.0
    )
    project_emissions = np.where(equipment, project_energy * project.values, np.nan)
    reduction = np.where(
        equipment, baseline - project_emissions, columns["energy_saved_kwh"] * saved.values
    )
    basis = _codes(frame, "basis", pd.Index(BASES))
    basis = np.where(basis < len(BASES), basis, np.where(equipment, MEASURED, ESTIMATED))
    days, share = _service(frame, fy, basis)
    reduction = reduction * share
    creditable = np.where(~envelope | (basis == MEASURED), reduction, 0.0)

    out: dict[str, object] = {
        c: frame[c] for c in ("building_id", "municipality", "prefecture") if c in frame
    }
    out |= {
        "measure": frame["measure"],
        "fy": fy.astype(np.int16),  # years fit in 16 bits: less memory per row
        "basis": pd.Categorical.from_codes(basis, categories=pd.Index(BASES)),
        "days_in_service": days.astype(np.int16),
        "heat_saved_kwh": columns["heat_saved_kwh"],
        "energy_saved_kwh": columns["energy_saved_kwh"],
        **saved.columns("factor", "factor_t_co2_per_kwh"),
        "baseline_tco2e": baseline,
        "project_tco2e": project_emissions,
        "project_factor_t_co2_per_kwh": np.where(equipment, project.values, np.nan),
        "project_factor_id": pd.Categorical.from_codes(
            np.where(equipment, project.ids.codes, -1), categories=project.ids.categories
        ),
        "project_factor_fallback": np.where(equipment, project.fallback, -1).astype(np.int8),
        **resolved.factor_ids,
        "reduction_tco2e": reduction,
        "creditable_tco2e": creditable,
        "uses_unverified": saved.unverified
        | (equipment & project.unverified)
        | (envelope & resolved.unverified),
    }
    return pd.DataFrame(out, index=frame.index, copy=False)  # no block consolidation copy


def _service(frame: pd.DataFrame, fy: IntArray, basis: IntArray) -> tuple[IntArray, FloatArray]:
    """Days of the FY after completion, and the share of the annual figure that counts."""
    length = fiscal.days_in_fy(fy)
    if "completed" not in frame:
        return length, np.ones(len(frame))
    completed = frame["completed"].to_numpy()
    days = np.where(np.isnat(completed), length, fiscal.days_in_service(fy, completed))
    own = (basis == MEASURED) & has_own_fy(frame)
    share = np.where(own, (days > 0).astype(np.float64), days / length)
    return days, share


def _resolve(
    frame: pd.DataFrame,
    factors: FactorLibrary,
    envelope: npt.NDArray[np.bool_],
    carriers: pd.Index,
    file: str,
) -> tuple[Resolved, list[Problem]]:
    """UA after (from the grade), HDD, efficiency, carrier, usage: the row first, then tables."""
    n = len(frame)
    problems: list[Problem] = []

    zone = np.broadcast_to(optional_column(frame, "climate_zone"), (n,))
    if "prefecture" in frame:
        prefecture_zone = select(
            factors["climate_zones"], {"prefecture": frame["prefecture"]}, length=n, where=envelope
        )
        zone = np.where(np.isnan(zone), prefecture_zone.values, zone)
    grade = np.broadcast_to(optional_column(frame, "target_grade"), (n,))
    limit = select(factors["ua_limits"], {"grade": grade, "zone": zone}, length=n, where=envelope)
    ua_after_row = np.broadcast_to(optional_column(frame, "ua_after_w_m2k"), (n,))
    uses_grade = np.isnan(ua_after_row)
    ua_after = np.where(uses_grade, limit.values, ua_after_row)
    problems += rows_problems(
        frame,
        envelope & np.isnan(ua_after),
        file,
        "ua_after_w_m2k",
        "give ua_after_w_m2k, or target_grade with climate_zone or prefecture",
    )
    problems += rows_problems(
        frame,
        envelope & (ua_after > optional_column(frame, "ua_before_w_m2k")),
        file,
        "ua_after_w_m2k",
        "UA after is above UA before",
    )

    hdd_row = np.broadcast_to(optional_column(frame, "hdd_kday"), (n,))
    hdd_table = select(
        factors["hdd"], {"location": frame.get("location")}, length=n, where=envelope
    )
    uses_hdd_table = np.isnan(hdd_row)
    hdd = np.where(uses_hdd_table, hdd_table.values, hdd_row)
    problems += rows_problems(
        frame, envelope & np.isnan(hdd), file, "hdd_kday", "give hdd_kday or a known location"
    )

    heating_table = factors["heating_efficiency"]
    heating = select(
        heating_table, {"appliance": frame.get("heating_appliance")}, length=n, where=envelope
    )
    efficiency_row = np.broadcast_to(optional_column(frame, "heating_efficiency"), (n,))
    uses_efficiency_table = np.isnan(efficiency_row)
    efficiency = np.where(uses_efficiency_table, heating.values, efficiency_row)
    problems += rows_problems(
        frame,
        envelope & ~(efficiency > 0),
        file,
        "heating_efficiency",
        "give a positive heating_efficiency or a known heating_appliance",
    )
    # The appliance's carrier, as a code, gathered through the appliance's table row.
    table_carrier = category_codes(heating_table.rows["energy_carrier"], carriers)
    table_carrier = np.append(table_carrier, len(carriers))[heating.row]
    carrier = _codes(frame, "energy_carrier", carriers)
    carrier = np.where(carrier < len(carriers), carrier, table_carrier)
    problems += rows_problems(
        frame,
        envelope & (carrier == len(carriers)),
        file,
        "energy_carrier",
        "give energy_carrier or a known heating_appliance",
    )

    usage_default, usage_id, usage_unverified = method_parameter(
        factors, "renovation", "usage_factor"
    )
    usage_row = np.broadcast_to(optional_column(frame, "usage_factor"), (n,))
    uses_usage_default = np.isnan(usage_row)
    usage = np.where(uses_usage_default, usage_default, usage_row)

    def ids(selection_ids: pd.Categorical, used: npt.NDArray[np.bool_]) -> pd.Categorical:
        return pd.Categorical.from_codes(
            np.where(used & envelope, selection_ids.codes, -1), categories=selection_ids.categories
        )

    factor_ids = {
        "ua_limit_factor_id": ids(limit.factor_ids(), uses_grade),
        "hdd_factor_id": ids(hdd_table.factor_ids(), uses_hdd_table),
        "efficiency_factor_id": ids(heating.factor_ids(), uses_efficiency_table),
        "usage_factor_id": pd.Categorical.from_codes(
            np.where(envelope & uses_usage_default, 0, -1), categories=pd.Index([usage_id])
        ),
    }
    unverified = (
        (uses_grade & limit.unverified)
        | (uses_hdd_table & hdd_table.unverified)
        | (uses_efficiency_table & heating.unverified)
        | (uses_usage_default & usage_unverified)
    )
    resolved = Resolved(ua_after, hdd, efficiency, usage, carrier, factor_ids, unverified)
    return resolved, problems
