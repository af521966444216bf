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
first FY its figures (heat and energy saved, baseline and project, reduction) are pro-rated by the
days from completion to 31 March, except a measured figure of a row with its own `fy` (that FY's
own). Without one, every FY counts whole.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from offset import units
from offset.common.messages import Msg
from offset.common.problems import Problem, raise_if_any
from offset.factors import FactorLibrary
from offset.methods.common import (
    CalcOptions,
    FloatArray,
    Trace,
    completed_share,
    fiscal_years,
    missing_fy,
    rows_problems,
    unknown_values,
)
from offset.methods.method import Method, PlanFigure
from offset.methods.renovation_columns import (
    BASES,
    CONTRACT,
    ENVELOPE,
    EQUIPMENT,
    ESTIMATED,
    MEASURED,
    MEASURES,
    REQUIRED_BY_MEASURE,
)
from offset.methods.renovation_factors import (
    ELECTRICITY,
    ELECTRICITY_CODE,
    IntArray,
    Resolved,
    carrier_trace,
    codes,
    resolve,
)


# W/(m2 K) x m2 x K day -> kWh: the "x 24 / 1000" of the degree-day method, derived by pint
# when first used (the other methods never load pint's registry)
@functools.cache
def _envelope_kwh() -> float:
    return units.scale("W/(m**2*K) * m**2 * K*day", "kWh")


@functools.cache
def _lamp_kwh() -> float:
    return units.scale("W * h", "kWh")


@dataclass(frozen=True)
class Inputs:
    """Arrays one measure's kernel reads (already in canonical units)."""

    frame: pd.DataFrame
    positions: npt.NDArray[np.int64]

    def __call__(self, name: str) -> FloatArray:
        if name not in self.frame:
            return np.full(self.positions.size, np.nan)
        return np.asarray(self.frame[name], dtype=np.float64)[self.positions]


def _envelope(x: Inputs, r: Resolved) -> dict[str, FloatArray]:
    p = x.positions
    per_degree_day = (x("ua_before_w_m2k") - r.ua_after[p]) * x("envelope_area_m2")
    heat = per_degree_day * r.hdd[p] * _envelope_kwh()
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
        * _lamp_kwh()
    )
    return {"energy_saved_kwh": saved}


KERNELS: dict[str, Callable[[Inputs, Resolved], dict[str, FloatArray]]] = {
    "envelope": _envelope,
    "equipment": _equipment,
    "lighting": _lighting,
}


def renovation(frame: pd.DataFrame, factors: FactorLibrary, options: CalcOptions) -> pd.DataFrame:
    """Per measure: energy saved, the carriers' factors, reduction and creditable reduction."""
    file = options.file
    fy = fiscal_years(frame, options)
    measure = codes(frame, "measure", pd.Index(MEASURES))
    envelope, equipment = measure == ENVELOPE, measure == EQUIPMENT
    carriers = pd.Index([ELECTRICITY, *dict.fromkeys(factors["fuel"].rows["fuel"])])
    problems = _input_problems(frame, factors, fy, measure, carriers, file)

    resolved, resolve_problems = resolve(frame, factors, envelope, carriers, file)
    problems += resolve_problems

    saved, project, carrier_problems = _carrier_factors(
        frame, factors, fy, options, measure, carriers, resolved.heating_carrier
    )
    raise_if_any(problems + carrier_problems)

    basis = codes(frame, "basis", pd.Index(BASES))
    basis = np.where(basis < len(BASES), basis, np.where(equipment, MEASURED, ESTIMATED))
    days, share = completed_share(frame, fy, basis == MEASURED)
    # every figure of a row is the FY's (from completion), as its reduction is: the energy
    # saved, which the 実行計画 sums, traces to the reduction through the factor it names
    columns = {
        name: values * share for name, values in _saved_energy(frame, measure, resolved).items()
    }
    baseline = np.where(equipment, columns["baseline_energy_kwh"] * saved.values, np.nan)
    project_energy = (
        frame["project_energy_kwh"].to_numpy() * share if "project_energy_kwh" in frame else 0.0
    )
    project_emissions = np.where(equipment, project_energy * project.values, np.nan)
    reduction = np.where(
        equipment, baseline - project_emissions, columns["energy_saved_kwh"] * saved.values
    )
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


def _input_problems(
    frame: pd.DataFrame,
    factors: FactorLibrary,
    fy: IntArray,
    measure: IntArray,
    carriers: pd.Index,
    file: str,
) -> list[Problem]:
    """Values no table knows (measure, basis, prefecture, carriers, HDD location, heating
    appliance) and the columns a row's measure needs but leaves empty."""
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
            message = Msg("value.required_for", measure=Msg(f"measure.{name}"))
            problems += rows_problems(frame, empty, file, column, message)
    return problems


def _carrier_factors(
    frame: pd.DataFrame,
    factors: FactorLibrary,
    fy: IntArray,
    options: CalcOptions,
    measure: IntArray,
    carriers: pd.Index,
    heating_carrier: IntArray,
) -> tuple[Trace, Trace, list[Problem]]:
    """The factor [t CO2/kWh] of the energy each row saves and, for equipment, of the energy
    its new equipment uses, with the problems of the rows' supplier and menu cells. The saved
    energy's carrier: the heating carrier (envelope), the replaced equipment's (equipment) or
    electricity (lighting)."""
    file = options.file
    envelope, equipment = measure == ENVELOPE, measure == EQUIPMENT
    baseline_carrier = codes(frame, "baseline_carrier", carriers)
    saved_carrier = np.where(
        envelope, heating_carrier, np.where(equipment, baseline_carrier, ELECTRICITY_CODE)
    )
    known = measure < len(MEASURES)
    saved, problems = carrier_trace(
        saved_carrier, carriers, frame, factors, fy, options, where=known
    )
    project_carrier = codes(frame, "project_carrier", carriers)
    project, more = carrier_trace(
        project_carrier, carriers, frame, factors, fy, options, where=equipment
    )
    problems += [p for p in more if p not in problems]
    # electricity without a grid list is named by grid_trace (the FY and the list it wanted)
    problems += rows_problems(
        frame,
        known & np.isnan(saved.values) & (saved_carrier != ELECTRICITY_CODE),
        file,
        "measure",
        "no emission factor for this row's carrier and FY",
    )
    problems += rows_problems(
        frame,
        equipment & np.isnan(project.values) & (project_carrier != ELECTRICITY_CODE),
        file,
        "project_carrier",
        "no emission factor for this carrier and FY",
    )
    return saved, project, problems


def _saved_energy(
    frame: pd.DataFrame, measure: IntArray, resolved: Resolved
) -> dict[str, FloatArray]:
    """Heat and energy saved [kWh] (and the replaced equipment's energy) of each row, by its
    measure's kernel."""
    n = len(frame)
    columns = {
        c: np.full(n, np.nan) for c in ("heat_saved_kwh", "energy_saved_kwh", "baseline_energy_kwh")
    }
    for name, kernel in KERNELS.items():  # a loop over three measures, never over rows
        positions = np.flatnonzero(measure == MEASURES.index(name))
        for column, values in kernel(Inputs(frame, positions), resolved).items():
            columns[column][positions] = values
    return columns


METHOD = Method(
    "renovation",
    CONTRACT,
    renovation,
    summary="Eco-renovation: envelope, equipment, lighting",
    words=("Energy-saving renovation", "省エネ改修"),
    reductions_line=("Renovation reductions (t-CO2e)", "省エネ改修による削減量 (t-CO2)"),
    plan=(
        PlanFigure(
            "energy_saved_mwh",
            ("Energy saved by renovations (MWh)", "省エネ改修による削減エネルギー (MWh)"),
            lambda results: float(results["energy_saved_kwh"].sum()) / 1000,
        ),
    ),
)
