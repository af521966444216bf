"""Computing a method over checked rows: the method's kernel, then the checks and the record
every result carries (years back, strict factors, the GWP metric, totals, fallbacks, warnings).

`offset calc` (`offset.jobs.calc`) and a scenario's projects (`offset.scenario.compute`) both
compute through here.
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
from pandas.api.types import union_categoricals

from offset import __version__
from offset.common.messages import Msg
from offset.common.problems import InputError, Problem, after_cells, raise_if_any
from offset.factors import FactorLibrary, years
from offset.intake.inputs import Prepared, blocks_computing, check
from offset.methods import METHODS, CalcOptions, parts
from offset.methods.staleness import strict_problems, years_back
from offset.methods.summary import (
    by_municipality,
    by_municipality_of_parts,
    fallbacks,
    warnings,
)


@dataclass(frozen=True)
class Cut:
    """Where a part's results lie in the results of the call that computed it with others
    (`compute_together`): rows `start:stop` of `whole`, so that neighbouring parts are one
    slice again (a shared file's results file) instead of a concatenation of their rows."""

    whole: pd.DataFrame
    start: int
    stop: int


@dataclass(frozen=True)
class CalcResult:
    method: str
    results: pd.DataFrame
    summary: pd.DataFrame
    manifest: dict[str, Any] = field(default_factory=dict)
    notices: tuple[Msg, ...] = ()  # how the file was read: its header row, the rows skipped
    rejects: pd.DataFrame | None = None  # `--keep-going`: the refused rows, with why
    # the distinct factor rows the results name, when counted with others' (`parts.counted`);
    # None: read them off the results (`scenario.compute.factor_rows`)
    factor_rows: tuple[str, ...] | None = None
    cut: Cut | None = None  # computed with others: where its rows lie in their whole

    @property
    def warnings(self) -> list[str]:
        return list(self.manifest.get("warnings", []))


def calculate(
    method: str,
    raw: pd.DataFrame,
    factors: FactorLibrary,
    options: CalcOptions,
) -> CalcResult:
    """Check `raw` against the method's contract and compute it. Raises InputError on bad input."""
    from offset.intake.vocabulary import vocabularies

    prepared, problems = check(
        raw, METHODS[method].contract, options.file, vocabularies=vocabularies(factors)
    )
    return compute_checked(method, prepared, problems, factors, options)


def compute_checked(
    method: str,
    prepared: Prepared,
    problems: list[Problem],
    factors: FactorLibrary,
    options: CalcOptions,
) -> CalcResult:
    """Compute a checked input; the problems of its cells and the method's own checks are
    reported together (one pass), unless the file's shape leaves nothing to compute."""
    if problems and blocks_computing(problems):
        raise InputError(problems)
    # Cells already refused (a figure past float's range) may make NaN in the kernel: that is
    # reported with its cell, not as numpy's warning. Clean input keeps numpy's warnings.
    quiet = np.errstate(all="ignore") if problems else contextlib.nullcontext()
    try:
        with quiet:
            result = compute_prepared(method, prepared.frame, factors, options)
    except InputError as e:
        raise InputError(after_cells(problems, prepared.relabel(e.problems))) from e
    except (ValueError, TypeError, KeyError) as e:  # cells already reported may trip a kernel
        if problems:
            raise InputError(problems) from e
        raise
    if problems:
        raise InputError(problems)
    return CalcResult(
        result.method, result.results, result.summary, result.manifest, prepared.notices
    )


def compute_prepared(
    method: str, frame: pd.DataFrame, factors: FactorLibrary, options: CalcOptions
) -> CalcResult:
    """Compute rows already checked by `prepare` (or a subset of them, e.g. one FY's)."""
    return finished(method, per_row(method, frame, factors, options), factors, options)


def compute_together(
    method: str,
    frames: Sequence[pd.DataFrame],
    factors: FactorLibrary,
    options: Sequence[CalcOptions],
) -> list[CalcResult]:
    """Several checked inputs of one method (a scenario's projects in one FY) in one call of the
    kernel: their options may differ only in `file`. The per-row results are those of each
    input computed alone (a kernel is row-wise), and so are the summary and record of each.

    A kernel's InputError names rows of the joined frame: a caller computes each input alone to
    tell whose rows they are (`offset.scenario.compute`)."""
    shared = dataclasses.replace(options[0], file="")
    assert all(dataclasses.replace(o, file="") == shared for o in options), "options differ"
    if len(frames) == 1:
        return [compute_prepared(method, frames[0], factors, options[0])]
    whole = per_row(method, joined(frames), factors, shared)
    lengths = [len(f) for f in frames]
    assert sum(lengths) == len(whole), "a kernel returns one row per input row"
    summaries = by_municipality_of_parts(whole, METHODS[method].totals, lengths)
    equal = equal_twin_rows(whole)
    # the records' counts in one pass over the whole (not per part) unless factors are strict
    counts = None if shared.strict_factors else parts.counted(whole, lengths, factors)
    tables = factors.manifest()  # the same for every part: one list, not one per part
    trimmed: dict[tuple[str, ...], pd.DataFrame] = {(): whole}  # by the columns dropped
    out: list[CalcResult] = []
    start = 0
    for at, (frame, own, summary) in enumerate(zip(frames, options, summaries, strict=True)):
        stop = start + len(frame)
        same = tuple(column for column, rows in equal.items() if rows[start:stop].all())
        if same not in trimmed:  # dropped from the whole once, not from each part
            trimmed[same] = whole.drop(columns=list(same))
        part = trimmed[same].iloc[start:stop]
        part.index = frame.index  # a new frame's axis set in place: `set_axis` copies the frame
        cut = Cut(trimmed[same], start, stop)
        start = stop
        if counts is None:
            result = finished(method, part, factors, own, summary)
        else:
            result = _finished_part(method, part, factors, own, summary, counts, at, tables)
        out.append(dataclasses.replace(result, cut=cut))
    return out


def _finished_part(
    method: str,
    results: pd.DataFrame,
    factors: FactorLibrary,
    options: CalcOptions,
    summary: pd.DataFrame,
    counts: parts.Counted,
    at: int,
    tables: list[dict[str, Any]],
) -> CalcResult:
    """`finished` of the `at`-th part of results computed together, its counts read from
    `counts` (the same record as `finished` makes of the part alone)."""
    spec = METHODS[method]
    columns = list(map(str, results.columns))
    fallback_counts = counts.fallback_counts(at, columns)
    totals = {c: counts.total(c, at, results) for c in spec.totals}
    manifest = _record(method, results, factors, options, totals, fallback_counts, tables)
    manifest["warnings"] = counts.warnings(at, len(results), columns, fallback_counts) + (
        spec.warnings(results)
    )
    rows = tuple(counts.factor_rows[at])
    return CalcResult(method, results, summary, manifest, factor_rows=rows)


def _record(
    method: str,
    results: pd.DataFrame,
    factors: FactorLibrary,
    options: CalcOptions,
    totals: dict[str, float],
    fallback_counts: list[dict[str, Any]],
    tables: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """A result's record, its warnings last (the caller's); `tables`: the factor tables' record
    when the caller has it."""
    return {
        "engine": {"name": "offset", "version": __version__},
        "method": method,
        "fy": options.fy,
        "gwp_metric": options.gwp_metric,
        "factor_year": years.manifest(options.factor_year, factors.specs),
        "credit_factor_year": options.credit_factor_year or options.factor_year,
        "rows": len(results),
        "totals_tco2e": totals,
        "factor_tables": factors.manifest() if tables is None else tables,
        "factor_overlay": str(factors.overlay) if factors.overlay else None,
        "fallbacks": fallback_counts,
        "warnings": [],
    }


def joined(frames: Sequence[pd.DataFrame]) -> pd.DataFrame:
    """The frames one under another, numbered from 0; a categorical column stays categorical
    (over the union of the frames' categories), as the kernels expect it."""
    # consecutive frames of the same columns and categories (a scenario's projects of one
    # shared file, `rows`) concatenated as they are: the union below then joins a run per
    # file, not each frame (the same union: a run's categories are each of its frames')
    runs: list[pd.DataFrame] = []
    # each frame's dtypes once (pandas builds a Series of them each time it is asked)
    dtypes = [list(f.dtypes) for f in frames]
    at = 0
    while at < len(frames):
        end = at + 1
        while end < len(frames) and _same_columns(frames[at], frames[end], dtypes[at], dtypes[end]):
            end += 1
        runs.append(pd.concat(frames[at:end], ignore_index=True) if end > at + 1 else frames[at])
        at = end
    if len(runs) == 1 and len(frames) > 1:
        return runs[0]
    frames = runs
    categorical = [
        c
        for c in frames[0].columns
        if all(c in f and isinstance(f[c].dtype, pd.CategoricalDtype) for f in frames)
    ]
    whole = pd.concat([f.drop(columns=categorical) for f in frames], ignore_index=True)
    for column in categorical:  # the values joined with their codes, no string per row
        values = union_categoricals([f[column].array for f in frames], ignore_order=True)
        categories = values.categories.astype(frames[0][column].cat.categories.dtype)
        whole[column] = pd.Categorical.from_codes(values.codes, categories=categories)
    order = [*frames[0].columns, *(c for c in whole.columns if c not in frames[0].columns)]
    return whole[order]


def _same_columns(
    first: pd.DataFrame, other: pd.DataFrame, kinds: list[Any], other_kinds: list[Any]
) -> bool:
    """Whether `other` has `first`'s columns in its order and dtypes (`kinds`, `other_kinds`:
    their dtypes), none an ordered categorical (joining those drops the order:
    `union_categoricals(ignore_order=True)`)."""
    if other is first:
        return not any(isinstance(t, pd.CategoricalDtype) and t.ordered for t in kinds)
    if not first.columns.equals(other.columns):
        return False
    for mine, theirs in zip(kinds, other_kinds, strict=True):
        if isinstance(mine, pd.CategoricalDtype):
            if mine.ordered or not isinstance(theirs, pd.CategoricalDtype):
                return False
            # equal dtypes may list the categories in another order: the same order is asked
            if mine is not theirs and not (
                mine.categories.equals(theirs.categories)
                and mine.categories.dtype == theirs.categories.dtype
                and not theirs.ordered
            ):
                return False
        elif mine != theirs:
            return False
    return True


def equal_twin_rows(results: pd.DataFrame) -> dict[str, npt.NDArray[np.bool_]]:
    """Each `credit_*` factor column's rows that equal its plain twin's (both missing counts
    as equal): an input whose rows all do drops the column, as computed alone it would not have
    it (`with_credit_figures` adds it only where the rows differ)."""
    out: dict[str, npt.NDArray[np.bool_]] = {}
    for column in map(str, results.columns):
        twin = column.removeprefix("credit_")
        if column.startswith("credit_") and "factor" in column and twin in results:
            a, b = results[column].astype(object), results[twin].astype(object)
            out[column] = ((a == b) | (a.isna() & b.isna())).to_numpy(dtype=bool)
    return out


def per_row(
    method: str, frame: pd.DataFrame, factors: FactorLibrary, options: CalcOptions
) -> pd.DataFrame:
    """The kernel's per-row results (and again under the credit year rule), with the columns
    every result carries: the municipality's name, years back, the GWP metric."""
    spec = METHODS[method]
    results = spec.compute(frame, factors, options)
    credit_rule = options.credit_factor_year
    if credit_rule is not None and credit_rule != options.factor_year:
        credited = spec.compute(
            frame, factors, dataclasses.replace(options, factor_year=credit_rule)
        )
        results = with_credit_figures(results, credited)
    if "municipality_name" in frame and "municipality" in results:
        # the official name beside the code (offset.intake.localities), for every table to print
        at = results.columns.get_loc("municipality")
        assert isinstance(at, int)
        results.insert(at + 1, "municipality_name", frame["municipality_name"])
    for column, back in years_back(results, factors).items():
        results[column] = back
    results["gwp_metric"] = pd.Categorical([options.gwp_metric] * len(results))
    return results


def finished(
    method: str,
    results: pd.DataFrame,
    factors: FactorLibrary,
    options: CalcOptions,
    summary: pd.DataFrame | None = None,
) -> CalcResult:
    """One input's per-row results with its checks, summary (unless given) and record."""
    spec = METHODS[method]
    if options.strict_factors:
        raise_if_any(strict_problems(results, options.file, factors))
    fallback_counts = fallbacks(results, factors)
    totals = {c: float(results[c].sum()) for c in spec.totals}
    manifest = _record(method, results, factors, options, totals, fallback_counts)
    manifest["warnings"] = warnings(results, fallback_counts) + spec.warnings(results)
    if summary is None:
        summary = by_municipality(results, spec.totals)
    return CalcResult(method, results, summary, manifest)


def with_credit_figures(results: pd.DataFrame, credited: pd.DataFrame) -> pd.DataFrame:
    """The plan figures with the creditable ones of a run under the instrument's own year rule:
    `creditable_tco2e` (and a buffer, which is its share) from `credited`, and, beside each
    factor column whose rows differ, its `credit_` twin (so a credit traces to its factor row)."""
    out = results.copy(deep=False)  # copy on write: columns set here leave `results` as it is
    for column in ("creditable_tco2e", "buffer_tco2e"):
        if column in credited:
            out[column] = credited[column]
    for column in (str(c) for c in credited.columns if "factor" in str(c)):
        if column in results and not results[column].equals(credited[column]):
            out["credit_" + column] = credited[column]
    out["uses_unverified"] = results["uses_unverified"] | credited["uses_unverified"]
    return out
