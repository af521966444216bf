"""`offset calc` as a Python API: read a file, check it, compute, write the results and a
manifest beside them.

It orchestrates; the computing is `offset.methods.calculation`, the arithmetic `offset.methods`.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from offset.common.messages import Msg, text
from offset.common.problems import InputError, Problem
from offset.documents.output import DEFAULT_CSV_ENCODING, manifest_path, write_frame, write_json
from offset.factors import FactorLibrary
from offset.factors.years import DEFAULT_FACTOR_YEAR, FactorYear
from offset.intake.headers import load_map, load_values
from offset.intake.identity import Duplicates
from offset.intake.inputs import Prepared, Progress, load, sha256_of
from offset.intake.listing import every_row
from offset.intake.localities import Constants
from offset.methods import METHODS, CalcOptions, every_column_name
from offset.methods.calculation import CalcResult, compute_checked
from offset.methods.keep_going import compute_valid_rows


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
    sheet: str | Sequence[str] | None = None,
    columns: Path | None = None,
    csv_encoding: str = DEFAULT_CSV_ENCODING,
    constants: Constants | None = None,
    duplicates: Duplicates = "refuse",
    keep_going: bool = False,
    previous: Path | None = None,
    previous_fy: int | None = None,
) -> CalcResult:
    """Read, compute and (if `out`) write the results and a manifest beside them.

    `constants`: the file's municipality and prefecture (`--municipality`, `--prefecture`);
    `duplicates`: what a repeated identifier does; `sheet`: a workbook's sheet(s) or `all`.
    Nothing is written unless the whole calculation succeeded; with `keep_going`, the valid
    rows are computed and the refused ones written to a rejects file beside the results
    (`CalcResult.rejects`). `previous` (forest): the earlier FY's 森林簿 extract, whose stocks
    give each stand's growth (`methods.forest_registers`), in `previous_fy` where it has no
    基準年度 column.
    """
    from offset.intake.vocabulary import vocabularies, with_user_words

    options = CalcOptions(
        fy=fy,
        gwp_metric=gwp_metric,
        file=str(path),
        strict_factors=strict_factors,
        factor_year=factor_year,
        unknown_supplier=unknown_supplier,
        methodology=methodology,
    )
    with every_row() if keep_going else contextlib.nullcontext():
        prepared, problems = load(
            path,
            METHODS[method].contract,
            sheet=sheet,
            fy=fy,
            user_map=load_map(columns, every_column_name()),
            vocabularies=with_user_words(
                vocabularies(factors), load_values(columns, every_column_name())
            ),
            progress=progress,
            constants=constants,
            duplicates=duplicates,
        )
        if previous is not None:
            prepared = _with_previous(
                prepared, previous, method, previous_fy, sheet, columns, factors, constants
            )
        if keep_going:
            kept = compute_valid_rows(method, prepared, problems, factors, options)
            result, rejects = kept.result, kept.rejects
        else:
            result, rejects = compute_checked(method, prepared, problems, factors, options), None
    result.manifest["input"] = {
        "path": str(path),
        "sha256": sha256_of(path),
        "sheet": prepared.sheet,
        "sheets": list(prepared.sheets),
        "headers": dict(prepared.headers),
        "notices": [text(n, "en") for n in prepared.notices],
    }
    result.manifest["created"] = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    if rejects is not None:
        refused = len(rejects[["sheet", "row"]].drop_duplicates())
        result.manifest["rejected"] = {"rows": refused, "problems": len(rejects)}
        result = replace(result, rejects=rejects)
    if out is not None:
        result.manifest["output"] = str(out)
        try:
            write_frame(result.results, out, csv_encoding)
            if rejects is not None:
                result.manifest["rejected"]["file"] = str(rejects_path(out))
                write_frame(rejects, rejects_path(out), csv_encoding)
            write_json(result.manifest, manifest_path(out))
        except OSError as e:
            reason = f"{out}: {e.strerror or e}"
            raise InputError(
                [Problem(str(out), None, None, Msg("file.cannot_write", reason=reason))]
            ) from e
    return result


def _with_previous(
    prepared: Prepared,
    previous: Path,
    method: str,
    previous_fy: int | None,
    sheet: str | Sequence[str] | None,
    columns: Path | None,
    factors: FactorLibrary,
    constants: Constants | None,
) -> Prepared:
    """The register with the earlier extract's stocks beside its stands (refused whole, with
    the earlier file's problems, when that file cannot be read)."""
    from offset.intake.vocabulary import vocabularies, with_user_words
    from offset.methods.forest_registers import with_previous

    earlier, problems = load(
        previous,
        METHODS[method].contract,
        sheet=sheet,
        fy=previous_fy,
        user_map=load_map(columns, every_column_name()),
        vocabularies=with_user_words(
            vocabularies(factors), load_values(columns, every_column_name())
        ),
        constants=constants,
    )
    if problems:
        raise InputError(earlier.relabel(problems))
    frame, notices = with_previous(prepared.frame, earlier.frame, previous_fy)
    return replace(prepared, frame=frame, notices=(*prepared.notices, *notices))


def rejects_path(results_path: Path) -> Path:
    """Where `--keep-going` writes the refused rows: beside the results, as CSV or Excel like
    them (CSV beside Parquet results, for reading by eye)."""
    suffix = ".xlsx" if results_path.suffix.lower() == ".xlsx" else ".csv"
    return results_path.with_name(results_path.stem + ".rejects" + suffix)
