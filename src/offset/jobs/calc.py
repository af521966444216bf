"""`offset calc` as a Python API: read a file, check it, compute, write the results and a
manifest beside them.

It orchestrates; the computing is `offset.methods.calculation`, the arithmetic `offset.methods`.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from offset.common.messages import Msg, text
from offset.common.problems import InputError, Problem
from offset.documents.output import DEFAULT_CSV_ENCODING, manifest_path, write_frame, write_json
from offset.factors import FactorLibrary
from offset.factors.years import DEFAULT_FACTOR_YEAR, FactorYear
from offset.intake.headers import load_map
from offset.intake.inputs import Progress, load, sha256_of
from offset.methods import METHODS, CalcOptions, every_column_name
from offset.methods.calculation import CalcResult, compute_checked


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
    unknown_supplier: str = "refuse",
    methodology: str | None = None,
    sheet: str | None = None,
    columns: Path | None = None,
    csv_encoding: str = DEFAULT_CSV_ENCODING,
) -> CalcResult:
    """Read, compute and (if `out`) write the results and a manifest beside them.

    Nothing is written unless the whole calculation succeeded.
    """
    from offset.intake.vocabulary import vocabularies

    prepared, problems = load(
        path,
        METHODS[method].contract,
        sheet=sheet,
        user_map=load_map(columns, every_column_name()),
        vocabularies=vocabularies(factors),
        progress=progress,
    )
    options = CalcOptions(
        fy=fy,
        gwp_metric=gwp_metric,
        file=str(path),
        strict_factors=strict_factors,
        factor_year=factor_year,
        unknown_supplier=unknown_supplier,
        methodology=methodology,
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
