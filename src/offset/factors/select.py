"""Vectorised factor selection: per input row, which table row applies, and at which fallback level.

Distinct request keys are few (47 prefectures, a handful of utilities, one FY) while rows are
many (millions), so each key column is reduced to integer codes, the distinct combinations are
resolved with pandas joins, and the answer is gathered back onto the rows: O(rows) integer work
and no Python loop per row.
"""

from __future__ import annotations

import pickle
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from offset.factors.catalog import Fallback
from offset.factors.table import FactorTable

MISSING = -1  # no row found, at any fallback level
DENSE_LIMIT = 1 << 22  # key combinations addressed directly through a lookup array up to this many


@dataclass(frozen=True)
class Selection:
    """For each request row: the table row used (-1 if none) and the fallback level (0 = normal)."""

    table: FactorTable
    row: npt.NDArray[np.int32]
    fallback: npt.NDArray[np.int8]

    @property
    def missing(self) -> npt.NDArray[np.bool_]:
        return self.row < 0

    @property
    def values(self) -> npt.NDArray[np.float64]:
        """Canonical values per request row (NaN where missing)."""
        table_values = np.append(self.table.canonical, np.nan)
        return table_values[self.row]  # row -1 picks the appended NaN

    @property
    def unverified(self) -> npt.NDArray[np.bool_]:
        return np.append(self.table.unverified, False)[self.row]

    def factor_ids(self) -> pd.Categorical:
        return pd.Categorical.from_codes(self.row, categories=self.table.factor_ids)


def category_codes(values: object, categories: pd.Index) -> npt.NDArray[np.int64]:
    """Codes of `values` in `categories`; unknown values get len(categories)."""
    if isinstance(values, pd.Series) and isinstance(values.dtype, pd.CategoricalDtype):
        # Recode a categorical through its (few) categories instead of hashing every row.
        mapping = categories.get_indexer(values.cat.categories).astype(np.int64)
        mapping = np.append(mapping, -1)  # code -1 (a blank) indexes this last slot
        mapping[mapping < 0] = len(categories)
        return mapping[values.cat.codes.to_numpy()]
    array = np.asarray(values)
    if array.dtype.kind in "iuf" and categories.dtype.kind in "iu" and len(categories):
        return _integer_codes(array, categories)
    codes = categories.get_indexer(pd.Index(array)).astype(np.int64)
    codes[codes < 0] = len(categories)
    return codes


def _integer_codes(values: npt.NDArray[np.generic], categories: pd.Index) -> npt.NDArray[np.int64]:
    """Codes of numeric values in integer categories by a direct lookup (no hashing per row)."""
    low, high = int(categories.min()), int(categories.max())
    lookup = np.full(high - low + 2, len(categories), dtype=np.int64)  # last slot: unknown
    lookup[categories.to_numpy(dtype=np.int64) - low] = np.arange(len(categories))
    as_float = values.astype(np.float64, copy=False)
    whole = np.isfinite(as_float) & (as_float == np.round(as_float))
    inside = whole & (as_float >= low) & (as_float <= high)
    offsets = np.where(inside, np.nan_to_num(as_float) - low, high - low + 1).astype(np.int64)
    return lookup[offsets]


def select(
    table: FactorTable,
    keys: Mapping[str, object],
    year: object = None,
    *,
    length: int | None = None,
    where: npt.NDArray[np.bool_] | None = None,
    dense_limit: int = DENSE_LIMIT,
) -> Selection:
    """Resolve `keys` (column -> scalar or per-row values) and `year` against `table`.

    Scalars broadcast to `length` rows. Rows whose exact key is missing are tried with each step
    of the table's declared fallback policy in order; the step used is recorded per row. With
    `where`, only those rows are resolved (the others are MISSING): a table that only some rows
    need costs nothing for the rest.
    """
    spec = table.spec
    assert set(keys) == set(spec.keys), f"{spec.name} is keyed by {spec.keys}, got {list(keys)}"
    n = length if length is not None else _length(keys, year)
    if n == 0:
        return Selection(table, np.empty(0, dtype=np.int32), np.empty(0, dtype=np.int8))
    if where is not None and not where.all():
        return _select_where(table, keys, year, n, where, dense_limit)

    columns: list[str] = []
    codes: list[npt.NDArray[np.int64]] = []
    categories: list[pd.Index] = []
    for column in spec.keys:
        cats = pd.Index(pd.unique(table.rows[column]))
        codes.append(_broadcast(category_codes(_as_values(keys[column]), cats), n))
        categories.append(cats.append(pd.Index([None], dtype=object)))  # the "unknown" slot
        columns.append(column)
    if spec.year is not None:
        assert year is not None, f"{spec.name} needs a fiscal year"
        year_values = np.asarray(year, dtype=np.int64).ravel()
        if year_values.size > 1 and year_values.min() == year_values.max():
            year_values = year_values[:1]  # one FY for every row (the usual case): a scalar
        year_codes, year_uniques = pd.factorize(year_values)
        codes.append(_broadcast(year_codes.astype(np.int64), n))
        categories.append(pd.Index(year_uniques))
        columns.append("__year")

    sizes = np.array([len(c) for c in categories], dtype=np.int64)
    strides = np.concatenate([np.cumprod(sizes[::-1])[::-1][1:], [1]]).astype(np.int64)
    constant = sum(
        int(c[0]) * int(s)
        for c, s in zip(codes, strides, strict=True)
        if c.ndim == 0 or c.strides == (0,)
    )
    combined = np.full(n, constant, dtype=np.int64)
    for code, stride in zip(codes, strides, strict=True):
        if code.strides != (0,):  # scalars were folded into `constant`
            combined += code * stride

    total = int(np.prod(sizes))
    if total <= dense_limit:
        present = np.flatnonzero(np.bincount(combined, minlength=total))
        inverse = None
    else:
        inverse, present = pd.factorize(combined)
    wanted = pd.DataFrame(
        {
            column: cats.take((present // stride) % size)
            for column, cats, stride, size in zip(columns, categories, strides, sizes, strict=True)
        }
    )
    found_row, found_level = table.resolved(_request(wanted), lambda: _resolve(table, wanted))

    if inverse is None:
        lut_row = np.full(total, MISSING, dtype=np.int32)
        lut_level = np.full(total, MISSING, dtype=np.int8)
        lut_row[present] = found_row
        lut_level[present] = found_level
        return Selection(table, lut_row[combined], lut_level[combined])
    return Selection(table, found_row[inverse], found_level[inverse])


def _select_where(
    table: FactorTable,
    keys: Mapping[str, object],
    year: object,
    n: int,
    where: npt.NDArray[np.bool_],
    dense_limit: int,
) -> Selection:
    positions = np.flatnonzero(where)
    inner = select(
        table,
        {k: _take(v, positions, n) for k, v in keys.items()},
        _take(year, positions, n),
        length=positions.size,
        dense_limit=dense_limit,
    )
    row = np.full(n, MISSING, dtype=np.int32)
    level = np.full(n, MISSING, dtype=np.int8)
    row[positions] = inner.row
    level[positions] = inner.fallback
    return Selection(table, row, level)


def _take(values: object, positions: npt.NDArray[np.int64], n: int) -> object:
    """The request values of the rows at `positions`; scalars stay scalars."""
    if isinstance(values, pd.Series) and len(values) == n:
        return values.iloc[positions]
    if isinstance(values, np.ndarray) and values.ndim == 1 and len(values) == n:
        return values[positions]
    return values


def paired_ids(first: Selection, second: Selection, use: npt.NDArray[np.bool_]) -> pd.Categorical:
    """Factor ids "a|b" of two selections from one table per row (e.g. two yield-table rows).

    Distinct pairs are few, so they are found with a dense count, not a sort of every row.
    """
    size = len(first.table.rows)
    pair = np.where(use, first.row.astype(np.int64) * size + second.row, size * size)
    present = np.flatnonzero(np.bincount(pair, minlength=size * size + 1)[:-1])
    lookup = np.full(size * size + 1, -1, dtype=np.int64)
    lookup[present] = np.arange(present.size)
    ids = first.table.factor_ids.to_numpy(dtype=object)
    labels = pd.Index(
        np.array([f"{ids[p // size]}|{ids[p % size]}" for p in present], dtype=object)
    )
    return pd.Categorical.from_codes(lookup[pair], categories=labels)


def _as_values(value: object) -> object:
    if isinstance(value, pd.Series | np.ndarray | list | pd.Categorical):
        return value
    return np.asarray([value], dtype=object)


def _broadcast(codes: npt.NDArray[np.int64], n: int) -> npt.NDArray[np.int64]:
    return np.broadcast_to(codes, (n,)) if codes.size == 1 else codes


def _length(keys: Mapping[str, object], year: object) -> int:
    for value in [*keys.values(), year]:
        if isinstance(value, pd.Series | np.ndarray | list | pd.Categorical) and len(value) != 1:
            return len(value)
    return 1


def _request(wanted: pd.DataFrame) -> bytes:
    """The distinct request keys as bytes: what `_resolve` answers depends on them alone."""
    return pickle.dumps(
        [(column, wanted[column].to_numpy()) for column in wanted.columns], protocol=5
    )


def _resolve(
    table: FactorTable, wanted: pd.DataFrame
) -> tuple[npt.NDArray[np.int32], npt.NDArray[np.int8]]:
    """Resolve distinct request keys level by level with joins; unresolved stay MISSING."""
    spec = table.spec
    rows = table.rows.reset_index(drop=True).assign(__row=np.arange(len(table.rows)))
    keys = list(spec.keys)
    steps = (Fallback(earlier_year=spec.year_rule == "valid_from"), *spec.fallbacks)
    found_row = np.full(len(wanted), MISSING, dtype=np.int32)
    found_level = np.full(len(wanted), MISSING, dtype=np.int8)

    for level, step in enumerate(steps):
        todo = np.flatnonzero(found_row == MISSING)
        if todo.size == 0:
            break
        query = wanted.iloc[todo]
        for column, values in step.skip.items():
            query = query[~query[column].astype(str).isin(values)]
        query = query.assign(__want=query.index.to_numpy(), **dict(step.substitute))
        query = query.dropna(subset=keys)
        if query.empty:
            continue
        for column in keys:  # align dtypes for the join (substitutes arrive as text)
            query[column] = query[column].astype(rows[column].dtype)
        if spec.year is None:
            matched = query.merge(rows[[*keys, "__row"]], on=keys, how="inner")
        elif step.earlier_year:
            left = query.assign(__year=query["__year"].astype(np.int64)).sort_values("__year")
            right = rows[[*keys, spec.year, "__row"]].sort_values(spec.year)
            matched = pd.merge_asof(
                left,
                right,
                left_on="__year",
                right_on=spec.year,
                by=keys,
                direction="backward",
                tolerance=step.max_years_back,
            ).dropna(subset=["__row"])
        else:
            matched = query.merge(
                rows[[*keys, spec.year, "__row"]],
                left_on=[*keys, "__year"],
                right_on=[*keys, spec.year],
                how="inner",
            )
        want = matched["__want"].to_numpy(dtype=np.int64)
        found_row[want] = matched["__row"].to_numpy(dtype=np.int32)
        found_level[want] = level
    return found_row, found_level
