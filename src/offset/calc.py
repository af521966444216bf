"""`offset calc`'s work as a Python API: read a file, check it, compute, summarise, write.

It orchestrates; the arithmetic is in `offset.methods`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from offset import __version__
from offset.factors import FactorLibrary, years
from offset.factors.years import DEFAULT_FACTOR_YEAR, FactorYear
from offset.headers import load_map
from offset.inputs import Prepared, Progress, blocks_computing, check, load
from offset.messages import Msg, text
from offset.methods import METHODS, CalcOptions
from offset.output import DEFAULT_CSV_ENCODING, manifest_path, write_frame, write_json
from offset.problems import InputError, Problem, raise_if_any
from offset.staleness import strict_problems, years_back
from offset.summary import TOTAL_COLUMNS, by_municipality, fallbacks, warnings


@dataclass(frozen=True)
class CalcResult:
    method: str
    results: pd.DataFrame
    summary: pd.DataFrame
    manifest: dict[str, Any] = field(default_factory=dict)
    notices: tuple[Msg, ...] = ()  # how the file was read: its header row, the rows skipped

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
    from offset.vocabulary import vocabularies

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
    try:
        result = compute_prepared(method, prepared.frame, factors, options)
    except InputError as e:
        raise InputError([*problems, *prepared.relabel(e.problems)]) from e
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
    results = METHODS[method].compute(frame, factors, options)
    for column, back in years_back(results, factors).items():
        results[column] = back
    if options.strict_factors:
        raise_if_any(strict_problems(results, options.file))
    results["gwp_metric"] = pd.Categorical([options.gwp_metric] * len(results))
    fallback_counts = fallbacks(results, factors)
    totals = {c: float(results[c].sum()) for c in TOTAL_COLUMNS if c in results}
    manifest: dict[str, Any] = {
        "engine": {"name": "offset", "version": __version__},
        "method": method,
        "fy": options.fy,
        "gwp_metric": options.gwp_metric,
        "factor_year": years.manifest(options.factor_year, factors.specs),
        "rows": len(results),
        "totals_tco2e": totals,
        "factor_tables": factors.manifest(),
        "factor_overlay": str(factors.overlay) if factors.overlay else None,
        "fallbacks": fallback_counts,
        "warnings": warnings(results, fallback_counts),
    }
    return CalcResult(method, results, by_municipality(results), manifest)


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def calculate_file(
    method: str,
    path: Path,
    *,
    fy: int | None,
    factors: FactorLibrary,
    gwp_metric: str,
    out: Path | None = None,
    progress: Progress | None = None,
    strict_factors: bool = False,
    factor_year: FactorYear = DEFAULT_FACTOR_YEAR,
    sheet: str | None = None,
    columns: Path | None = None,
    csv_encoding: str = DEFAULT_CSV_ENCODING,
) -> CalcResult:
    """Read, compute and (if `out`) write the results and a manifest beside them.

    Nothing is written unless the whole calculation succeeded.
    """
    from offset.vocabulary import vocabularies

    prepared, problems = load(
        path,
        METHODS[method].contract,
        sheet=sheet,
        user_map=load_map(columns),
        vocabularies=vocabularies(factors),
        progress=progress,
    )
    options = CalcOptions(
        fy=fy,
        gwp_metric=gwp_metric,
        file=str(path),
        strict_factors=strict_factors,
        factor_year=factor_year,
    )
    result = compute_checked(method, prepared, problems, factors, options)
    result.manifest["input"] = {
        "path": str(path),
        "sha256": sha256_of(path),
        "sheet": prepared.sheet,
        "headers": dict(prepared.headers),
        "notices": [text(n, "en") for n in prepared.notices],
    }
    result.manifest["created"] = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    if out is not None:
        result.manifest["output"] = str(out)
        try:
            write_frame(result.results, out, csv_encoding)
            write_json(result.manifest, manifest_path(out))
        except OSError as e:
            reason = f"{out}: {e.strerror or e}"
            raise InputError(
                [Problem(str(out), None, None, Msg("file.cannot_write", reason=reason))]
            ) from e
    return result
