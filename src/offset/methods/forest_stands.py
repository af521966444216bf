"""What both forest methods read of a stand before its carbon: the FY, the age (林齢: the
planting FY is year 1; stated for an FY, or from the planting FY), the activity and whether the
stand is eligible (FO-001 management: under a 森林経営計画 or treated recently; FO-002
afforestation after FY2012; FO-003 reforestation), and each row's buffer share.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from offset.common import fiscal
from offset.common.messages import Msg
from offset.common.problems import Problem
from offset.factors import FactorLibrary
from offset.factors.select import category_codes
from offset.methods import buffer
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
from offset.methods.forest_carbon import BcefConstants, SpeciesConstants
from offset.methods.forest_growth import AGE_CLASS_YEARS

# the values of `activity`, with the Japanese words an office writes for them
ACTIVITY_WORDS = {
    "management": ("森林経営", "森林管理", "間伐", "育林"),
    "afforestation": ("植林", "新植", "新規植林"),
    "reforestation": ("再造林", "再植林"),
}
ACTIVITIES = tuple(ACTIVITY_WORDS)
MANAGEMENT, AFFORESTATION, REFORESTATION = range(len(ACTIVITIES))
AFFORESTATION_AFTER_FY = 2012  # FO-002: land that was not forest at the end of FY2012
BUFFER_DEFAULT = "forest"  # the `method_parameters` group of both methods' default buffer share


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
    # the window's parameter row where it (not `managed`) qualified the stand: a factor of the
    # credits, so `offset factors list --scenario` counts it
    management_ids: pd.Categorical
    problems: list[Problem]


def read_stands(
    frame: pd.DataFrame,
    factors: FactorLibrary,
    options: CalcOptions,
    constants: SpeciesConstants,
    bcef: BcefConstants,
) -> Stands:
    file = options.file
    fy = fiscal_years(frame, options)
    problems = missing_fy(frame, fy, file) + _species_problems(frame, constants, bcef, file)
    problems += unknown_values(frame, "activity", ACTIVITIES, file, "activity")
    problems += unknown_values(
        frame, "prefecture", factors["climate_zones"].rows["prefecture"], file, "prefecture"
    )
    age, planted_fy, age_problems = _ages(frame, fy, file)
    activity, eligible, management_unverified, management_ids = _eligibility(
        frame, factors, fy, planted_fy, options.methodology
    )
    share_default, share_unverified = buffer.method_default(
        factors, BUFFER_DEFAULT, options.methodology
    )
    shares = buffer.row_shares(
        optional_column(frame, "buffer_share"), options.buffer_share, share_default
    )
    return Stands(
        fy=fy,
        age=age,
        eligible=eligible,
        activity=activity,
        buffer_share=shares,
        buffer_unverified=share_unverified,
        management_unverified=management_unverified,
        management_ids=management_ids,
        problems=problems + age_problems,
    )


def _species_problems(
    frame: pd.DataFrame, constants: SpeciesConstants, bcef: BcefConstants, file: str
) -> list[Problem]:
    """Species no table knows, and species whose constants are incomplete (unless the IPCC
    BCEF by growing stock computes them instead)."""
    problems = unknown_values(
        frame, "species", [*constants.species, *constants.missing], file, "species"
    )
    for species, parameters in constants.missing.items():
        if species in bcef.species:
            continue  # computed with the IPCC BCEF by growing stock instead
        rows = (frame["species"] == species).to_numpy(dtype=bool, na_value=False)
        message = Msg("value.species_incomplete", species=species, missing=", ".join(parameters))
        problems += rows_problems(frame, rows, file, "species", message)
    return problems


def _ages(
    frame: pd.DataFrame, fy: npt.NDArray[np.int64], file: str
) -> tuple[npt.NDArray[np.int64], FloatArray, list[Problem]]:
    """Each stand's age in its FY (林齢, the planting FY is year 1) and planting FY: the age as
    stated (for `age_fy`, advanced to the FY), else from `planted_fy`."""
    n = len(frame)
    age_row = np.broadcast_to(optional_column(frame, "age_yr"), (n,))
    # 齢級 N holds ages 5N-4 to 5N: a stand known only by its class is taken at the middle
    # year, 5N-2 (so the class moves on as the stand ages; the BEF switch at 20/21 falls
    # between classes 4 and 5, so it is exact)
    age_class = np.broadcast_to(optional_column(frame, "age_class"), (n,))
    age_row = np.where(np.isnan(age_row), AGE_CLASS_YEARS * age_class - 2, age_row)
    stated_fy = np.broadcast_to(optional_column(frame, "age_fy"), (n,))
    problems = rows_problems(
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
        frame, np.isnan(age_float), file, "age_yr", "give age_yr, age_class or planted_fy"
    )
    problems += rows_problems(
        frame, ~np.isnan(planted) & (planted > fy), file, "planted_fy", "planted after the FY"
    )
    age = np.where(np.isnan(age_float) | (age_float < 1), 0.0, age_float).astype(np.int64)
    planted_fy = np.where(np.isnan(planted), fy - age + 1, planted)
    return age, planted_fy, problems


def _eligibility(
    frame: pd.DataFrame,
    factors: FactorLibrary,
    fy: npt.NDArray[np.int64],
    planted_fy: FloatArray,
    methodology: str | None,
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.bool_], npt.NDArray[np.bool_], pd.Categorical]:
    """Each stand's activity (blank: management), whether it is eligible, whether its
    management rests on the unverified window of recent treatment, and that window's factor id
    where it did."""
    n = len(frame)
    activity = np.full(n, MANAGEMENT, dtype=np.int64)
    if "activity" in frame:  # blank means management (FO-001)
        given = category_codes(frame["activity"], pd.Index(ACTIVITIES))
        activity = np.where(given < len(ACTIVITIES), given, MANAGEMENT)
    window, window_id, window_unverified = method_parameter(
        factors, "forest", "management_window_fy", methodology
    )
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
    by_window = recently & ~managed_flag
    ids = pd.Categorical.from_codes(
        np.where(by_window & (activity == MANAGEMENT), 0, -1),
        categories=pd.Index([window_id], dtype=object),
    )
    return activity, eligible, by_window & window_unverified, ids
