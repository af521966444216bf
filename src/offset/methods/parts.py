"""The record of each part of a joined result, counted in one pass over the whole.

A scenario computes the projects of a FY in one kernel call (`calculation.compute_together`);
each project still gets its own record: fallback counts, the warnings every method gives
(unverified values, fallbacks, stale factors) and the factor rows its results name. Counted per
part, that was a dozen pandas calls per project and FY (a national run has 52,230); here each
count is one grouping of the whole frame by part, read back per part. What a part gets is what
`summary.fallbacks`, `summary.warnings` and `scenario.compute.factor_rows` give for its rows
alone (`tests/scenario/test_national.py` compares them).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from offset.common.messages import Msg
from offset.factors import FactorLibrary
from offset.methods.common import FROM_ROW
from offset.methods.staleness import wanted_year
from offset.methods.summary import _table_of

IntArray = npt.NDArray[np.int64]


@dataclass
class Counted:
    """Per column, each part's counts; a part reads the columns it keeps (`of_part`)."""

    parts: int
    # column -> per part: [(level, rows)] in ascending level, the levels `fallbacks` lists
    fallbacks: dict[str, list[list[tuple[int, int]]]] = field(default_factory=dict)
    rules: dict[str, tuple[str, ...]] = field(default_factory=dict)  # column -> level names
    # column -> per part: sorted ((FY, factor id, years back), rows) of its stale rows
    stale: dict[str, list[list[tuple[tuple[int, str, int], int]]]] = field(default_factory=dict)
    unverified: IntArray | None = None  # rows using an unverified value, per part
    factor_rows: list[list[str]] = field(default_factory=list)  # per part, sorted
    bounds: list[int] = field(default_factory=list)  # part i is rows bounds[i]:bounds[i + 1]
    # the whole's float columns (the totals read their parts' slices)
    floats: dict[str, npt.NDArray[np.float64]] = field(default_factory=dict)

    def total(self, column: str, part: int, results: pd.DataFrame) -> float:
        """`float(results[column].sum())` of the part: the sum of its slice of the whole's
        column, NaN as 0 (as pandas sums it, over the same contiguous values)."""
        values = self.floats.get(column)
        if values is None:
            return float(results[column].sum())
        rows = values[self.bounds[part] : self.bounds[part + 1]]
        missing = np.isnan(rows)
        if missing.any():
            rows = np.where(missing, 0.0, rows)
        return float(rows.sum())

    def fallback_counts(self, part: int, columns: Sequence[str]) -> list[dict[str, Any]]:
        """`summary.fallbacks` of the part whose columns are `columns`."""
        found: list[dict[str, Any]] = []
        for column in columns:
            if column not in self.fallbacks:
                continue
            names = self.rules[column]
            for level, count in self.fallbacks[column][part]:
                if level == FROM_ROW:
                    label = "the row's own factor"
                else:
                    label = names[level] if level < len(names) else f"level {level}"
                found.append({"column": column, "level": level, "rule": label, "rows": count})
        return found

    def warnings(
        self, part: int, rows: int, columns: Sequence[str], fallback_counts: list[dict[str, Any]]
    ) -> list[str]:
        """`summary.warnings` of the part (`rows` long, its columns `columns`)."""
        assert self.unverified is not None
        out: list[str] = []
        if unverified := int(self.unverified[part]):
            out.append(Msg("warn.unverified", count=unverified, total=rows))
        for f in fallback_counts:
            if f["level"] > 0:
                out.append(Msg("warn.fallback", rows=f["rows"], column=f["column"], rule=f["rule"]))
        for column in columns:
            for (fy, factor, years), count in self.stale.get(column, [[]] * self.parts)[part]:
                out.append(
                    Msg("warn.stale", rows=count, fy=fy, factor=factor, column=column,
                        back=years, wanted=wanted_year(factor, years))
                )  # fmt: skip
        return out


def counted(
    results: pd.DataFrame, lengths: Sequence[int], factors: FactorLibrary
) -> Counted | None:
    """The counts of each part (consecutive rows of `results`, `lengths` long); None when the
    results hold something the one-pass counts do not cover (each part is then counted alone)."""
    part = np.repeat(np.arange(len(lengths), dtype=np.int64), lengths)
    out = Counted(len(lengths), bounds=[0, *np.cumsum(lengths).tolist()])
    for column in map(str, results.columns):
        if results[column].dtype == np.float64:
            out.floats[column] = results[column].to_numpy()
    unverified = results["uses_unverified"]
    if unverified.dtype != np.bool_:
        return None
    out.unverified = np.bincount(part, weights=unverified.to_numpy(), minlength=out.parts).astype(
        np.int64
    )
    for column in map(str, results.columns):
        if column.endswith("_fallback"):
            done = _fallbacks(out, results, column, part, factors)
        elif column.endswith("_years_back"):
            done = _stale(out, results, column, part)
        else:
            continue
        if not done:
            return None
    out.factor_rows = _factor_rows(results, part, out.parts)
    return out


def _fallbacks(
    out: Counted, results: pd.DataFrame, column: str, part: IntArray, factors: FactorLibrary
) -> bool:
    levels = results[column].to_numpy()
    if levels.dtype.kind not in "iu":
        return False
    table_name = _table_of(results, column)
    names = factors.specs[table_name].fallback_levels() if table_name in factors.specs else ()
    out.rules[column] = tuple(names)
    wide = levels.astype(np.int64)
    low = int(wide.min()) if len(wide) else 0
    span = int(wide.max()) - low + 1 if len(wide) else 1
    keys, counts = _unique_counts(part * span + (wide - low), out.parts * span)
    found: list[list[tuple[int, int]]] = [[] for _ in range(out.parts)]
    for key, count in zip(keys.tolist(), counts.tolist(), strict=True):
        at, level = divmod(key, span)
        level += low
        if level < 0 and level != FROM_ROW:
            continue
        found[at].append((level, count))
    out.fallbacks[column] = found
    return True


def _stale(out: Counted, results: pd.DataFrame, column: str, part: IntArray) -> bool:
    back = results[column].to_numpy()
    if back.dtype.kind not in "iu":
        return False
    found: list[list[tuple[tuple[int, str, int], int]]] = [[] for _ in range(out.parts)]
    out.stale[column] = found
    stale = back > 0
    if not stale.any():
        return True
    id_column = column.removesuffix("_years_back") + "_id"
    if id_column not in results:
        return False
    ids = results[id_column]
    if isinstance(ids.dtype, pd.CategoricalDtype):
        codes = ids.array.codes[stale].astype(np.int64)
        # code -1 (no id) reads as the last name, "nan", as astype(str) writes a missing value
        names = np.asarray([*ids.cat.categories.astype(str), "nan"], dtype=object)
    else:
        names, codes = np.unique(ids.astype(str).to_numpy()[stale], return_inverse=True)
    fy = results["fy"].to_numpy(dtype=np.int64)[stale]
    digits = [part[stale], fy, codes.astype(np.int64), back[stale].astype(np.int64)]
    for (at, year, code, years), count in _groups(digits):
        found[at].append(((year, str(names[code]), years), count))
    for items in found:
        items.sort()
    return True


def _factor_rows(results: pd.DataFrame, part: IntArray, parts: int) -> list[list[str]]:
    """Each part's distinct factor rows (its `*factor_id` columns' values, split at `|`)."""
    ids: list[set[str]] = [set() for _ in range(parts)]
    for column in (c for c in map(str, results.columns) if c.endswith("factor_id")):
        values = results[column]
        if isinstance(values.dtype, pd.CategoricalDtype):
            codes = values.array.codes.astype(np.int64)
            names = [str(c) for c in values.cat.categories]
        else:
            codes, uniques = pd.factorize(values)
            codes = codes.astype(np.int64)
            names = [str(v) for v in uniques]
        kept = codes >= 0
        width = max(len(names), 1)
        for key in _unique_counts(part[kept] * width + codes[kept], parts * width)[0].tolist():
            at, code = divmod(key, width)
            ids[at].update(piece for piece in names[code].split("|") if piece)
    return [sorted(found) for found in ids]


#: Counted by `np.bincount` (one pass) while the keys' span is at most this many times the
#: rows, else sorted (`np.unique`)
DENSE_SPAN = 4


def _unique_counts(keys: IntArray, span: int) -> tuple[IntArray, IntArray]:
    """`np.unique(keys, return_counts=True)` of keys in [0, `span`): by a count of each key
    where the span is not much larger than the keys (no sort of a national FY's rows)."""
    if span > max(DENSE_SPAN * len(keys), 1 << 16) or span >= 1 << 62:
        found, counts = np.unique(keys, return_counts=True)
        return found.astype(np.int64), counts.astype(np.int64)
    every = np.bincount(keys, minlength=int(span))
    found = np.flatnonzero(every).astype(np.int64)
    return found, every[found].astype(np.int64)


def _groups(digits: list[IntArray]) -> list[tuple[tuple[int, ...], int]]:
    """The distinct rows of the columns `digits` in ascending order, each with its count:
    `np.unique(np.stack(digits, 1), axis=0, return_counts=True)`, counted over one integer
    column (each digit in a span of its own) where the spans' product fits in one."""
    lows = [int(d.min()) for d in digits]
    spans = [int(d.max()) - low + 1 for d, low in zip(digits, lows, strict=True)]
    whole = int(np.prod(spans, dtype=object))
    if whole >= 1 << 62:
        rows, tally = np.unique(np.stack(digits, 1), axis=0, return_counts=True)
        return [
            (tuple(row), count) for row, count in zip(rows.tolist(), tally.tolist(), strict=True)
        ]
    key = np.zeros(len(digits[0]), dtype=np.int64)
    for d, low, span in zip(digits, lows, spans, strict=True):
        key = key * span + (d - low)
    found, counts = _unique_counts(key, whole)
    out: list[tuple[tuple[int, ...], int]] = []
    for number, count in zip(found.tolist(), counts.tolist(), strict=True):
        row = []
        for low, span in zip(lows[::-1], spans[::-1], strict=True):
            number, digit = divmod(number, span)
            row.append(digit + low)
        out.append((tuple(row[::-1]), count))
    return out
