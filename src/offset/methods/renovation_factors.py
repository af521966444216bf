"""What a renovation row takes from the factor tables where it does not give it: UA after
from the grade reached (`ua_limits`), heating degree-days (`hdd`), the heating appliance's
efficiency and carrier (`heating_efficiency`), the usage factor (`method_parameters`); and the
emission factor of each row's energy carrier (the grid's, or a fuel's).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from offset import units
from offset.common.messages import Msg
from offset.common.problems import Problem
from offset.factors import FactorLibrary, Selection, select
from offset.factors.select import category_codes
from offset.methods.common import (
    CalcOptions,
    FloatArray,
    Trace,
    method_parameter,
    optional_column,
    rows_problems,
)
from offset.methods.grid import grid_trace

IntArray = npt.NDArray[np.int64]

ELECTRICITY = "electricity"
ELECTRICITY_CODE = 0  # carriers are coded with electricity first, then the fuel table's fuels


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


def carrier_trace(
    carrier: IntArray,
    carriers: pd.Index,
    frame: pd.DataFrame,
    factors: FactorLibrary,
    fy: npt.NDArray[np.int64],
    options: CalcOptions,
    where: npt.NDArray[np.bool_] | None = None,
) -> tuple[Trace, list[Problem]]:
    """t CO2 per kWh of each row's carrier (a code into `carriers`, electricity first): the grid
    factor for electricity, else the fuel's carbon factor x 44/12 in the regime of the FY; and
    the problems of the rows' supplier and menu cells."""
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
    grid, problems = grid_trace(
        frame,
        factors,
        fy,
        options.factor_year,
        where=needed & electric,
        file=options.file,
        unknown_supplier=options.unknown_supplier,
        strict=options.strict_factors,
    )
    return grid.where(electric, fuel), problems


def codes(frame: pd.DataFrame, column: str, categories: pd.Index) -> IntArray:
    """Codes of a categorical column in `categories`; blank or absent: len(categories)."""
    if column not in frame:
        return np.full(len(frame), len(categories), dtype=np.int64)
    return category_codes(frame[column], categories)


@dataclass(frozen=True)
class Taken:
    """One value per row, the row's own or a table's, with the table row each envelope row
    took (the output's factor id column) and whether that value is unverified."""

    values: FloatArray
    ids: pd.Categorical[Any]
    unverified: npt.NDArray[np.bool_]


def _taken(own: FloatArray, table: Selection, envelope: npt.NDArray[np.bool_]) -> Taken:
    """The row's own value where it gives one, else the table's (for envelope rows)."""
    uses_table = np.isnan(own)
    ids = table.factor_ids()
    return Taken(
        np.where(uses_table, table.values, own),
        pd.Categorical.from_codes(
            np.where(uses_table & envelope, ids.codes, -1), categories=ids.categories
        ),
        uses_table & table.unverified,
    )


def resolve(
    frame: pd.DataFrame,
    factors: FactorLibrary,
    envelope: npt.NDArray[np.bool_],
    carriers: pd.Index,
    file: str,
) -> tuple[Resolved, list[Problem]]:
    """UA after (from the grade), HDD, efficiency, carrier, usage: the row first, then tables."""
    ua_after, problems = _ua_after(frame, factors, envelope, file)
    hdd, hdd_problems = _hdd(frame, factors, envelope, file)
    efficiency, carrier, heating_problems = _heating(frame, factors, envelope, carriers, file)
    usage = _usage(frame, factors, envelope)
    factor_ids: dict[str, object] = {
        "ua_limit_factor_id": ua_after.ids,
        "hdd_factor_id": hdd.ids,
        "efficiency_factor_id": efficiency.ids,
        "usage_factor_id": usage.ids,
    }
    unverified = ua_after.unverified | hdd.unverified | efficiency.unverified | usage.unverified
    resolved = Resolved(
        ua_after.values, hdd.values, efficiency.values, usage.values, carrier, factor_ids,
        unverified,
    )  # fmt: skip
    return resolved, problems + hdd_problems + heating_problems


def _ua_after(
    frame: pd.DataFrame, factors: FactorLibrary, envelope: npt.NDArray[np.bool_], file: str
) -> tuple[Taken, list[Problem]]:
    """UA after: the row's, else the limit of the grade reached in the row's climate zone (the
    row's, else its prefecture's main zone)."""
    n = len(frame)
    zone = np.broadcast_to(optional_column(frame, "climate_zone"), (n,))
    if "prefecture" in frame:
        prefecture_zone = select(
            factors["climate_zones"], {"prefecture": frame["prefecture"]}, length=n, where=envelope
        )
        zone = np.where(np.isnan(zone), prefecture_zone.values, zone)
    grade = np.broadcast_to(optional_column(frame, "target_grade"), (n,))
    limit = select(factors["ua_limits"], {"grade": grade, "zone": zone}, length=n, where=envelope)
    ua_after = _taken(
        np.broadcast_to(optional_column(frame, "ua_after_w_m2k"), (n,)), limit, envelope
    )
    problems = rows_problems(
        frame,
        envelope & np.isnan(ua_after.values),
        file,
        "ua_after_w_m2k",
        "give ua_after_w_m2k, or target_grade with climate_zone or prefecture",
    )
    problems += rows_problems(
        frame,
        envelope & (ua_after.values > optional_column(frame, "ua_before_w_m2k")),
        file,
        "ua_after_w_m2k",
        "UA after is above UA before",
    )
    return ua_after, problems


def _hdd(
    frame: pd.DataFrame, factors: FactorLibrary, envelope: npt.NDArray[np.bool_], file: str
) -> tuple[Taken, list[Problem]]:
    """Heating degree-days: the row's, else its location's in the `hdd` table, else the
    station of its prefecture's capital where the table has one (`capital`)."""
    n = len(frame)
    rows = factors["hdd"].rows
    capitals = rows[rows.get("capital", pd.Series("", index=rows.index)).astype(str) == "yes"]
    by_prefecture = dict(zip(capitals["prefecture"].astype(str), capitals["location"], strict=True))
    location = pd.Series(frame.get("location"), index=frame.index, dtype=object)
    if "prefecture" in frame:
        capital = frame["prefecture"].astype(object).map(by_prefecture)
        location = location.where(location.notna(), capital)
    table = select(factors["hdd"], {"location": location}, length=n, where=envelope)
    hdd = _taken(np.broadcast_to(optional_column(frame, "hdd_kday"), (n,)), table, envelope)
    shipped = ", ".join(sorted(by_prefecture))
    problems = rows_problems(
        frame,
        envelope & np.isnan(hdd.values),
        file,
        "hdd_kday",
        Msg("value.no_hdd", prefectures=shipped),
    )
    return hdd, problems


def _heating(
    frame: pd.DataFrame,
    factors: FactorLibrary,
    envelope: npt.NDArray[np.bool_],
    carriers: pd.Index,
    file: str,
) -> tuple[Taken, IntArray, list[Problem]]:
    """The heating's efficiency (or COP) and carrier: the row's, else its appliance's."""
    n = len(frame)
    heating_table = factors["heating_efficiency"]
    heating = select(
        heating_table, {"appliance": frame.get("heating_appliance")}, length=n, where=envelope
    )
    own = np.broadcast_to(optional_column(frame, "heating_efficiency"), (n,))
    efficiency = _taken(own, heating, envelope)
    problems = rows_problems(
        frame,
        envelope & ~(efficiency.values > 0),
        file,
        "heating_efficiency",
        "give a positive heating_efficiency or a known heating_appliance",
    )
    # The appliance's carrier, as a code, gathered through the appliance's table row.
    table_carrier = category_codes(heating_table.rows["energy_carrier"], carriers)
    table_carrier = np.append(table_carrier, len(carriers))[heating.row]
    carrier = codes(frame, "energy_carrier", carriers)
    carrier = np.where(carrier < len(carriers), carrier, table_carrier)
    problems += rows_problems(
        frame,
        envelope & (carrier == len(carriers)),
        file,
        "energy_carrier",
        "give energy_carrier or a known heating_appliance",
    )
    return efficiency, carrier, problems


def _usage(frame: pd.DataFrame, factors: FactorLibrary, envelope: npt.NDArray[np.bool_]) -> Taken:
    """The share of continuous whole-house heating: the row's, else the method's default."""
    default, factor_id, unverified = method_parameter(factors, "renovation", "usage_factor")
    own = np.broadcast_to(optional_column(frame, "usage_factor"), (len(frame),))
    uses_default = np.isnan(own)
    return Taken(
        np.where(uses_default, default, own),
        pd.Categorical.from_codes(
            np.where(envelope & uses_default, 0, -1), categories=pd.Index([factor_id])
        ),
        uses_default & unverified,
    )
