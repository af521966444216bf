"""Summaries of per-row results: totals per municipality, fallback counts and warnings."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from offset.common.messages import Msg
from offset.factors import FactorLibrary
from offset.methods.common import FROM_ROW
from offset.methods.staleness import wanted_year


def by_municipality(results: pd.DataFrame, totals: Sequence[str]) -> pd.DataFrame:
    """Rows, `totals` (the method's, `Method.totals`) and warning counts per municipality code
    (observed categories only), with the municipality's name when the results carry it."""
    [summary] = by_municipality_of_parts(results, totals, [len(results)])
    return summary


def by_municipality_of_parts(
    results: pd.DataFrame, totals: Sequence[str], lengths: Sequence[int]
) -> list[pd.DataFrame]:
    """`by_municipality` of each part of `results` (consecutive rows, `lengths` long), in one
    grouping: the projects of a FY computed together (`calculation.compute_together`)."""
    fallback_columns = [c for c in map(str, results.columns) if c.endswith("_fallback")]
    stale_columns = [c for c in map(str, results.columns) if c.endswith("_years_back")]
    part = np.repeat(np.arange(len(lengths)), lengths)
    frame = results[["municipality", *totals]].assign(
        part=part,
        rows=1,
        unverified_rows=results["uses_unverified"].astype(np.int64),
        fallback_rows=(results[fallback_columns] > 0).any(axis=1).astype(np.int64)
        if fallback_columns
        else 0,
        stale_factor_rows=(results[stale_columns] > 0).any(axis=1).astype(np.int64)
        if stale_columns
        else 0,
    )
    grouped = frame.groupby(["part", "municipality"], observed=True, sort=True)
    columns = ["rows", *totals, "fallback_rows", "stale_factor_rows", "unverified_rows"]
    summary = grouped[columns].sum()
    if "municipality_name" in results:  # grouped by code, named once (intake.localities)
        names = frame.assign(municipality_name=results["municipality_name"]).groupby(
            ["part", "municipality"], observed=True, sort=True
        )["municipality_name"]
        summary.insert(0, "municipality_name", names.first().astype(str))
    parts = summary.index.get_level_values("part").to_numpy()
    bounds = np.searchsorted(parts, np.arange(len(lengths) + 1))
    flat = summary.droplevel("part")  # once, not per part
    return [flat.iloc[start:stop] for start, stop in itertools.pairwise(bounds)]


def fallbacks(results: pd.DataFrame, factors: FactorLibrary) -> list[dict[str, Any]]:
    """How many rows used each fallback level, per factor column."""
    found: list[dict[str, Any]] = []
    for column in (c for c in map(str, results.columns) if c.endswith("_fallback")):
        levels = results[column].to_numpy()
        table_name = _table_of(results, column)
        names = factors.specs[table_name].fallback_levels() if table_name in factors.specs else ()
        for level, count in zip(*np.unique(levels, return_counts=True), strict=True):
            if level < 0 and level != FROM_ROW:
                continue
            if level == FROM_ROW:
                label = "the row's own factor"
            else:
                label = names[level] if level < len(names) else f"level {level}"
            found.append({"column": column, "level": int(level), "rule": label, "rows": int(count)})
    return found


def _table_of(results: pd.DataFrame, fallback_column: str) -> str:
    """The table a fallback column's ids point into (from the ids' `table:` prefix)."""
    ids = results.get(fallback_column.removesuffix("_fallback") + "_id")
    if ids is None or not hasattr(ids, "cat") or len(ids.cat.categories) == 0:
        return ""
    first = str(ids.cat.categories[0])
    return first.split(":", 1)[0]


def _stale_groups(
    fy: pd.Series, ids: pd.Series, back: npt.NDArray[Any], stale: npt.NDArray[np.bool_]
) -> list[tuple[tuple[int, str, int], int]]:
    """((FY, factor id, years back), rows) of the stale rows, by FY, id and years back. A
    categorical id column is grouped by its codes (no string per row)."""
    if isinstance(ids.dtype, pd.CategoricalDtype):
        codes = ids.array.codes[stale]
        # code -1 (no id) reads as the last name, "nan", as astype(str) writes a missing value
        names = np.asarray([*ids.cat.categories.astype(str), "nan"], dtype=object)
    else:
        names, codes = np.unique(ids.astype(str).to_numpy()[stale], return_inverse=True)
    keys = np.stack([fy.to_numpy(dtype=np.int64)[stale], codes, back[stale]], axis=1)
    found, counts = np.unique(keys, axis=0, return_counts=True)
    groups = [
        ((int(y), str(names[code]), int(years)), int(count))
        for (y, code, years), count in zip(found, counts, strict=True)
    ]
    return sorted(groups)


def warnings(results: pd.DataFrame, fallback_counts: list[dict[str, Any]]) -> list[str]:
    """What every method's results may warn of: unverified values, fallbacks, stale factors (a
    method's own warnings come from its `Method.warnings`)."""
    out: list[str] = []
    unverified = int(results["uses_unverified"].sum())
    if unverified:
        out.append(Msg("warn.unverified", count=unverified, total=len(results)))
    for f in fallback_counts:
        if f["level"] > 0:
            out.append(Msg("warn.fallback", rows=f["rows"], column=f["column"], rule=f["rule"]))
    for column in (c for c in map(str, results.columns) if c.endswith("_years_back")):
        back = results[column].to_numpy()
        stale = back > 0
        if not stale.any():
            continue
        ids = results[column.removesuffix("_years_back") + "_id"]
        for (fy, factor, years), rows in _stale_groups(results["fy"], ids, back, stale):
            out.append(
                Msg("warn.stale", rows=rows, fy=fy, factor=factor, column=column,
                    back=years, wanted=wanted_year(factor, years))
            )  # fmt: skip
    return out
