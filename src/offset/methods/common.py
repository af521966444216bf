"""What the methods share: options, factor traces and input checks."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from offset.common import fiscal
from offset.common.messages import Msg
from offset.common.problems import Problem
from offset.factors import FactorLibrary, FactorTable, Selection
from offset.factors.years import DEFAULT_FACTOR_YEAR, FactorYear, qualified
from offset.intake.inputs import FIRST_DATA_ROW, LISTED_PER_CHECK, listed_problems
from offset.units import DEFAULT_GWP_METRIC

FloatArray = npt.NDArray[np.float64]
ROW_FACTOR = "input row"  # the factor id recorded where a row carried its own factor
FROM_ROW = np.int8(-2)  # fallback level recorded where a row carried its own factor


@dataclass(frozen=True)
class CalcOptions:
    """What a calculation needs besides its rows: the default FY, the GWP metric, the file name,
    the year rule, and a scenario project's own buffer share (`offset.methods.buffer`)."""

    fy: int | None = None
    gwp_metric: str = DEFAULT_GWP_METRIC
    file: str = "<input>"
    strict_factors: bool = False  # a factor of another FY, or an unverified one, is an error
    factor_year: FactorYear = DEFAULT_FACTOR_YEAR  # which year's row of a yearly table applies
    buffer_share: float | None = None  # the project's (a scenario's), for rows that give none
    # the rule for the creditable figures, where it differs (a J-Credit instrument: the FY's own
    # results, src/offset/factors/years.py); None: the same rule
    credit_factor_year: FactorYear | None = None
    unknown_supplier: str = "refuse"  # or "alternative": an unknown supplier takes the 代替値
    methodology: str | None = None  # picks a methodology's own method_parameters rows


@dataclass(frozen=True)
class Trace:
    """A factor per row with where it came from: the table row id and the fallback level."""

    values: FloatArray
    ids: pd.Categorical
    fallback: npt.NDArray[np.int8]
    unverified: npt.NDArray[np.bool_]

    @classmethod
    def of(cls, selection: Selection) -> Trace:
        return cls(
            selection.values, selection.factor_ids(), selection.fallback, selection.unverified
        )

    def qualified(self, rule: FactorYear) -> Trace:
        """The ids with the year rule that chose their rows (`...@2024[reporting]`)."""
        ids = self.ids.rename_categories(lambda c: qualified(str(c), rule))
        return Trace(self.values, ids, self.fallback, self.unverified)

    def override(self, own: FloatArray) -> Trace:
        """Rows with their own value (not NaN) use it; that is recorded as the row's factor."""
        has_own = ~np.isnan(own)
        if not has_own.any():
            return self
        categories = self.ids.categories.append(pd.Index([ROW_FACTOR]))
        codes = np.where(has_own, len(categories) - 1, self.ids.codes)
        return Trace(
            values=np.where(has_own, own, self.values),
            ids=pd.Categorical.from_codes(codes, categories=categories),
            fallback=np.where(has_own, FROM_ROW, self.fallback).astype(np.int8),
            unverified=self.unverified & ~has_own,
        )

    def where(self, mask: npt.NDArray[np.bool_], other: Trace) -> Trace:
        """This trace where `mask`, else `other` (e.g. electricity vs fuel rows)."""
        categories = self.ids.categories.append(other.ids.categories).unique()
        mine = categories.get_indexer(self.ids.categories)
        theirs = categories.get_indexer(other.ids.categories)
        codes = np.where(
            mask,
            np.where(self.ids.codes < 0, -1, mine[np.maximum(self.ids.codes, 0)]),
            np.where(other.ids.codes < 0, -1, theirs[np.maximum(other.ids.codes, 0)]),
        )
        return Trace(
            values=np.where(mask, self.values, other.values),
            ids=pd.Categorical.from_codes(codes, categories=categories),
            fallback=np.where(mask, self.fallback, other.fallback).astype(np.int8),
            unverified=np.where(mask, self.unverified, other.unverified),
        )

    def columns(self, prefix: str, value_name: str) -> dict[str, object]:
        return {
            value_name: self.values,
            f"{prefix}_id": self.ids,
            f"{prefix}_fallback": self.fallback,
        }


def fiscal_years(frame: pd.DataFrame, options: CalcOptions) -> npt.NDArray[np.int64]:
    """The FY of each row: its own `fy` column where given, else the run's FY."""
    default = -1 if options.fy is None else options.fy
    if "fy" in frame:
        own = frame["fy"].to_numpy(dtype=np.float64, na_value=np.nan)
        return np.where(np.isnan(own), default, own).astype(np.int64)
    return np.full(len(frame), default, dtype=np.int64)


def has_own_fy(frame: pd.DataFrame) -> npt.NDArray[np.bool_]:
    """Rows that give their own `fy`: their figures are that FY's own. A row without one counts
    for every FY, so its figures are annual ones (pro-rated where a row serves part of an FY)."""
    if "fy" not in frame:
        return np.zeros(len(frame), dtype=bool)
    own: npt.NDArray[np.bool_] = ~np.isnan(frame["fy"].to_numpy(dtype=np.float64, na_value=np.nan))
    return own


def completed_share(
    frame: pd.DataFrame, fy: npt.NDArray[np.int64], measured: npt.NDArray[np.bool_]
) -> tuple[npt.NDArray[np.int64], FloatArray]:
    """Days of the FY from a measure's `completed` date, and the share of its annual figure
    that counts in the FY (a renovation's, a facility's saving): days / the FY's days; a
    `measured` row of its own FY counts whole once in service (its figure is that FY's). No
    `completed`: every FY whole."""
    length = fiscal.days_in_fy(fy)
    if "completed" not in frame:
        return length, np.ones(len(frame))
    completed = frame["completed"].to_numpy()
    days = np.where(np.isnat(completed), length, fiscal.days_in_service(fy, completed))
    own = measured & has_own_fy(frame)
    share: FloatArray = np.where(own, (days > 0).astype(np.float64), days / length)
    return days, share


def missing_fy(frame: pd.DataFrame, fy: npt.NDArray[np.int64], file: str) -> list[Problem]:
    return rows_problems(
        frame, fy < 0, file, "fy", "no fiscal year: give --fy or an fy column", limit=1
    )


def rows_problems(
    frame: pd.DataFrame,
    mask: npt.NDArray[np.bool_],
    file: str,
    column: str | None,
    message: str,
    limit: int = LISTED_PER_CHECK,
) -> list[Problem]:
    """One problem per masked row of `frame` (the same message for each), up to `limit`.

    Row numbers come from the frame's index (the file's row order), so they stay right when a
    caller computes a subset of the file's rows (`offset run` computes one FY at a time).
    """
    rows = np.asarray(frame.index, dtype=np.int64) + FIRST_DATA_ROW
    return listed_problems(file, rows, mask, column, lambda _: message, limit)


def optional_column(frame: pd.DataFrame, name: str) -> FloatArray | float:
    """A numeric column, or NaN (a scalar that broadcasts) when the file has no such column."""
    if name not in frame:
        return np.nan
    return frame[name].to_numpy(dtype=np.float64, na_value=np.nan)


def unknown_values(
    frame: pd.DataFrame, column: str, known: Iterable[object], file: str, what: str
) -> list[Problem]:
    """Rows whose `column` holds a value not in `known` (checked per distinct value)."""
    if column not in frame:
        return []
    series = frame[column]
    known_set = set(known)
    distinct = pd.unique(series.dropna())
    bad_values = [v for v in distinct if v not in known_set]
    names = sorted(map(str, known_set))
    problems: list[Problem] = []
    for value in bad_values:
        mask = (series == value).to_numpy(dtype=bool, na_value=False)
        close = difflib.get_close_matches(str(value), names, n=5, cutoff=0.5)
        message = Msg(
            "value.unknown_in_table",
            what=what,
            value=value,
            close=", ".join(close) or "-",
            count=len(names),
        )
        problems += rows_problems(frame, mask, file, column, message)
    return problems


DEFAULT_METHODOLOGY = "default"  # method_parameters rows that hold for any methodology


def method_parameter(
    factors: FactorLibrary, method: str, parameter: str, methodology: str | None = None
) -> tuple[float, str, bool]:
    """A scalar method parameter with its factor id and whether it is unverified: the
    methodology's own row where the table has one, else the default row (looked up once per
    table: every project and FY asks again)."""
    return factors["method_parameters"].derived(
        ("method_parameter", method, parameter, methodology),
        lambda table: _method_parameter(table, method, parameter, methodology),
    )


def _method_parameter(
    table: FactorTable, method: str, parameter: str, methodology: str | None
) -> tuple[float, str, bool]:
    rows = table.rows
    own = (
        (rows["method"] == method)
        & (rows["parameter"] == parameter)
        & (rows["methodology"] == methodology)
    )
    chosen = methodology if methodology is not None and bool(own.any()) else DEFAULT_METHODOLOGY
    row = table.lookup(method=method, parameter=parameter, methodology=chosen)
    return float(row["canonical"]), str(row["factor_id"]), bool(row["confidence"] == "unverified")


def count_of(values: pd.Series, value: str) -> int:
    """How many of `values` equal `value` (a missing one does not): a categorical column by its
    codes, not by pandas' comparison (a part's warnings ask it once per project and FY)."""
    array = values.array
    if isinstance(array, pd.Categorical):
        categories = array.categories
        if value not in categories:
            return 0
        return int(np.count_nonzero(array.codes == categories.get_loc(value)))
    return int((values == value).sum())
