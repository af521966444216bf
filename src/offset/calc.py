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
from offset.factors import FactorLibrary
from offset.inputs import Progress, prepare, read_table
from offset.methods import METHODS, CalcOptions
from offset.output import manifest_path, write_frame, write_json
from offset.problems import raise_if_any
from offset.staleness import strict_problems, years_back
from offset.summary import TOTAL_COLUMNS, by_municipality, fallbacks, warnings


@dataclass(frozen=True)
class CalcResult:
    method: str
    results: pd.DataFrame
    summary: pd.DataFrame
    manifest: dict[str, Any] = field(default_factory=dict)

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
    frame = prepare(raw, METHODS[method].contract, options.file)
    return compute_prepared(method, frame, factors, options)


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
) -> CalcResult:
    """Read, compute and (if `out`) write the results and a manifest beside them.

    Nothing is written unless the whole calculation succeeded.
    """
    raw = read_table(path, progress)
    result = calculate(
        method,
        raw,
        factors,
        CalcOptions(fy=fy, gwp_metric=gwp_metric, file=str(path), strict_factors=strict_factors),
    )
    result.manifest["input"] = {"path": str(path), "sha256": sha256_of(path)}
    result.manifest["created"] = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    if out is not None:
        result.manifest["output"] = str(out)
        write_frame(result.results, out)
        write_json(result.manifest, manifest_path(out))
    return result
