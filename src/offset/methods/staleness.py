"""Factors from another FY: how far back each result row's yearly factor is, and the strict
rule that refuses such rows (and unverified values) for a report that will be submitted.

A yearly table's factor id ends in `@FY[rule]`: the table row's year and the --factor-year rule
that chose it (src/offset/factors/years.py). The distance is how many FYs older the row is than
the one the rule names for the result's FY. Tables whose rows are valid from a year on
(`valid_from`, e.g. the fuel regimes) are never stale: their year starts a period.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import numpy as np
import numpy.typing as npt
import pandas as pd

from offset.common.messages import Msg
from offset.common.problems import Problem
from offset.factors import FactorLibrary
from offset.factors.years import FactorYear, lag
from offset.intake.inputs import FIRST_DATA_ROW, listed_problems

YEAR_OF_ID = re.compile(r"^([a-z0-9_]+):.*@(\d{4})(?:\[([a-z]+)\])?$")
SUFFIX = "_years_back"


def _category_years(categories: pd.Index, factors: FactorLibrary) -> npt.NDArray[np.int64]:
    """Per category (an id, or ids joined by `|`): the earliest FY whose figures its yearly-table
    row is on time for under the id's rule; -1 none. A loop over the few categories, never rows."""
    years = []
    for category in map(str, categories):
        found = [
            int(m[2]) - lag(factors.specs[m[1]], _rule(m[3]))
            for part in category.split("|")
            if (m := YEAR_OF_ID.match(part)) is not None
            and m[1] in factors.specs
            and factors.specs[m[1]].year_rule == "yearly"
        ]
        years.append(min(found) if found else -1)
    return np.array([*years, -1], dtype=np.int64)  # the last slot: code -1 (no factor)


def _rule(name: str | None) -> FactorYear:
    return "reporting" if name == "reporting" else "results"  # an unqualified id: its own FY


def years_back(results: pd.DataFrame, factors: FactorLibrary) -> dict[str, npt.NDArray[np.int16]]:
    """Per `*factor_id` column of a yearly table: how many FYs older its row is than the one the
    rule names for the result's FY (0: on time; -1: no yearly factor)."""
    if "fy" not in results:
        return {}
    fy = results["fy"].to_numpy(dtype=np.int64)
    out: dict[str, npt.NDArray[np.int16]] = {}
    for column in (str(c) for c in results.columns if str(c).endswith("factor_id")):
        ids = results[column]
        if not isinstance(ids.dtype, pd.CategoricalDtype):
            continue
        years = _category_years(ids.cat.categories, factors)
        if (years < 0).all():
            continue
        year = years[ids.cat.codes.to_numpy()]
        out[column.removesuffix("_id") + SUFFIX] = np.where(year >= 0, fy - year, -1).astype(
            np.int16
        )
    return out


def _stale(
    ids: npt.NDArray[np.object_], back: npt.NDArray[np.int16], fy: npt.NDArray[np.int64]
) -> Callable[[int], str]:
    """The message for row position i (bound here, not to a loop's variables)."""
    return lambda i: Msg(
        "value.stale",
        factor=ids[i],
        back=int(back[i]),
        fy=int(fy[i]),
        wanted=wanted_year(str(ids[i]), int(back[i])),
    )


def _always(message: str) -> Callable[[int], str]:
    """The same message for every row (bound here, not to a loop's variables)."""
    return lambda i: message


def wanted_year(factor_id: str, back: int) -> int:
    """The table year the rule named: the id's year plus how far back the row used is."""
    match = YEAR_OF_ID.match(factor_id.split("|")[0])
    return int(match[2]) + back if match is not None else -1


FIGURES = ("reduction_tco2e", "creditable_tco2e")


def has_effect(results: pd.DataFrame) -> npt.NDArray[np.bool_]:
    """Rows whose factors multiply something: a figure that is not zero (a system not yet in
    service, a stand without growth, multiplies 0 kWh or 0 m3 and its factors change nothing)."""
    effect = np.zeros(len(results), dtype=bool)
    for column in FIGURES:
        if column in results:
            effect |= results[column].to_numpy(dtype=np.float64) != 0
    return effect


def strict_problems(results: pd.DataFrame, file: str, factors: FactorLibrary) -> list[Problem]:
    """For `--strict-factors`: every row whose figures rest on a factor of another FY, on another
    thing's factor than the one it names (`_substituted`) or on an unverified value (rows whose
    figures are zero whatever the factor are left alone)."""
    rows = results.index.to_numpy(dtype=np.int64) + FIRST_DATA_ROW
    problems: list[Problem] = []
    fy = results["fy"].to_numpy(dtype=np.int64)
    effect = has_effect(results)
    for column, substituted, rule in _substituted(results, factors):
        said = _always(Msg("value.substituted", rule=rule))
        problems += listed_problems(file, rows, substituted & effect, column, said)
    for column in (str(c) for c in results.columns if str(c).endswith(SUFFIX)):
        back = results[column].to_numpy()
        id_column = column.removesuffix(SUFFIX) + "_id"
        ids = results[id_column].astype(str).to_numpy(dtype=object)
        problems += listed_problems(
            file, rows, (back > 0) & effect, id_column, _stale(ids, back, fy)
        )
    if "uses_unverified" in results:
        problems += listed_problems(
            file,
            rows,
            results["uses_unverified"].to_numpy(dtype=bool) & effect,
            "uses_unverified",
            lambda i: "--strict-factors: a factor value of this row is marked unverified",
        )
    return problems


def _substituted(
    results: pd.DataFrame, factors: FactorLibrary
) -> list[tuple[str, npt.NDArray[np.bool_], str]]:
    """(factor id column, rows, the rule in words) of the rows whose factor came by a fallback
    step that puts another value in the table's first key: the thing the row names (a
    supplier's figure taken from the 代替値 or the national average). A step that changes only a
    menu, a kind or the FY is not one (the MOE order, or a stale row: `years_back`)."""
    out = []
    for column in (str(c) for c in results.columns if str(c).endswith("_fallback")):
        id_column = column.removesuffix("_fallback") + "_id"
        ids = results.get(id_column)
        if ids is None or not isinstance(ids.dtype, pd.CategoricalDtype) or ids.empty:
            continue
        spec = factors.specs.get(str(ids.cat.categories[0]).split(":", 1)[0])
        if spec is None or not spec.keys:
            continue
        levels = results[column].to_numpy()
        for level, step in enumerate(spec.fallbacks, start=1):
            if spec.keys[0] in step.substitute and (at := levels == level).any():
                out.append((id_column, at, step.describe()))
    return out
