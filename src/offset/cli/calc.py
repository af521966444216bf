"""`offset calc METHOD FILE`: per-row results, a manifest and a summary per municipality."""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, cast

import typer
from rich.markup import escape
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from offset.cli.choices import DUPLICATES, METHOD_NAMES
from offset.cli.console import err, fail, out, warn
from offset.cli.options import (
    ColumnMap,
    CsvEncoding,
    FactorYearOption,
    LangOption,
    Sheet,
    StrictFactors,
    choose_csv_encoding,
    choose_factor_year,
    choose_language,
)
from offset.common.problems import InputError, Problem
from offset.units import DEFAULT_GWP_METRIC, GWP_METRICS

if TYPE_CHECKING:
    from offset.intake.identity import Duplicates
    from offset.methods.calculation import CalcResult

PROGRESS_MIN_BYTES = 8 << 20  # show a progress display for input files above 8 MiB


def calc(
    method: Annotated[str, typer.Argument(help=f"One of: {', '.join(METHOD_NAMES)}")],
    file: Annotated[
        Path, typer.Argument(help="Input rows: .csv (UTF-8 or Shift_JIS), .xlsx or .parquet")
    ],
    fy: Annotated[
        int | None, typer.Option("--fy", help="Fiscal year (April-March) of the reduction")
    ] = None,
    factors: Annotated[
        Path | None,
        typer.Option(
            "--factors", help="Directory of your own factor tables, layered over the shipped ones"
        ),
    ] = None,
    out_path: Annotated[
        Path | None,
        typer.Option(
            "--out", help="Results file (.csv, .xlsx or .parquet); default out/STEM-METHOD-fyFY.csv"
        ),
    ] = None,
    gwp: Annotated[
        str, typer.Option("--gwp", help=f"GWP metric: {', '.join(GWP_METRICS)}")
    ] = DEFAULT_GWP_METRIC,
    strict_factors: StrictFactors = False,
    factor_year: FactorYearOption = None,
    unknown_supplier: Annotated[
        str,
        typer.Option(
            "--unknown-supplier",
            help="A supplier no list gives: refuse (default) or alternative (the FY's 代替値;"
            " never with --strict-factors)",
        ),
    ] = "refuse",
    methodology: Annotated[
        str | None,
        typer.Option(
            "--methodology",
            help="The methodology whose own method_parameters rows apply (e.g. EN-R-002: no"
            " auxiliary deduction, as its household programme plan)",
        ),
    ] = None,
    csv_encoding: CsvEncoding = "utf-8-sig",
    sheet: Sheet = None,
    columns: ColumnMap = None,
    municipality: Annotated[
        str | None,
        typer.Option(
            "--municipality",
            help="The municipality of every row (団体コード, or its name): fills a missing"
            " column; a column that is there must agree",
        ),
    ] = None,
    prefecture: Annotated[
        str | None,
        typer.Option(
            "--prefecture",
            help="The prefecture of every row (nagano, 長野県, 20); default: the municipality's",
        ),
    ] = None,
    duplicates: Annotated[
        str,
        typer.Option(
            "--duplicates",
            help="A row repeating an identifier: refuse (default), first (count the first"
            " row, leave out the repeats), keep (count every row) or strict (refuse also rows"
            " equal in all but their identifier, which the others only warn of)",
        ),
    ] = "refuse",
    keep_going: Annotated[
        bool,
        typer.Option(
            "--keep-going",
            help="Compute the valid rows and write the refused ones, with sheet, row, column"
            " and reason, to a rejects file beside the results",
        ),
    ] = False,
    previous: Annotated[
        Path | None,
        typer.Option(
            "--previous",
            help="forest: the earlier FY's 森林簿 extract; each stand's growth is the difference"
            " of its two stocks (蓄積), stands matched by 林小班",
        ),
    ] = None,
    previous_fy: Annotated[
        int | None,
        typer.Option(
            "--previous-fy", help="The earlier extract's FY when it has no 基準年度 column"
        ),
    ] = None,
    lang: LangOption = None,
) -> None:
    """Compute reductions per row of FILE with METHOD and write them with the factor rows used.

    FILE may be an office list as it is kept: Japanese headers (offset columns lists them),
    title rows above the header, a two-row header, total rows, 和暦 dates, full-width digits.
    """
    choose_language(lang)
    # pandas, pint and the methods load here, not for the other commands' help
    from offset.documents.output import manifest_path, target_problem
    from offset.factors import FactorLibrary

    if method not in METHOD_NAMES:
        raise typer.BadParameter(
            f"unknown method {method!r}; choose one of {', '.join(METHOD_NAMES)}"
        )
    if gwp not in GWP_METRICS:
        raise typer.BadParameter(
            f"unknown GWP metric {gwp!r}; choose one of {', '.join(GWP_METRICS)}"
        )
    if unknown_supplier not in ("refuse", "alternative"):
        raise typer.BadParameter(
            f"unknown choice {unknown_supplier!r}; choose refuse or alternative"
        )
    if previous is not None and method != "forest":
        raise typer.BadParameter("--previous is for forest (two 森林簿 extracts)")
    if duplicates not in DUPLICATES:
        raise typer.BadParameter(
            f"unknown --duplicates {duplicates!r}; choose one of {', '.join(DUPLICATES)}"
        )
    target = (
        out_path or Path("out") / f"{file.stem}-{method}-fy{fy if fy is not None else 'rows'}.csv"
    )
    library = FactorLibrary(overlay=factors)
    try:
        unwritable = target_problem(target)
        if unwritable is not None:
            raise InputError([Problem(str(target), None, None, unwritable)])
        overlay_problems = library.check_overlay()
        if overlay_problems:
            raise InputError(overlay_problems)
        from offset.factors.years import DEFAULT_FACTOR_YEAR
        from offset.intake.localities import Constants
        from offset.jobs.calc import calculate_file, rejects_path

        compute = functools.partial(
            calculate_file,
            method,
            file,
            fy=fy,
            factors=library,
            gwp_metric=gwp,
            out=target,
            strict_factors=strict_factors,
            factor_year=choose_factor_year(factor_year) or DEFAULT_FACTOR_YEAR,
            unknown_supplier=unknown_supplier,
            methodology=methodology,
            sheet=sheet,
            columns=columns,
            csv_encoding=choose_csv_encoding(csv_encoding),
            constants=Constants(municipality, prefecture),
            duplicates=cast("Duplicates", duplicates),
            keep_going=keep_going,
            previous=previous,
            previous_fy=previous_fy,
        )
        result = _run(compute, file)
    except InputError as e:
        raise fail(e) from e
    _print_notices(result)
    _print_summary(result)
    out.print(_written("calc.results", target), markup=False)
    if result.rejects is not None:
        _print_rejects(result, rejects_path(target))
    out.print(_written("calc.manifest", manifest_path(target)), markup=False)


def _written(key: str, path: Path) -> str:
    """A file `offset calc` wrote, named in the user's language."""
    from offset.common.messages import current
    from offset.documents.terms import term

    return term(key, current(), path=str(path))


def _run(compute: Callable[..., CalcResult], file: Path) -> CalcResult:
    """`compute`, with a progress display for a large file."""
    if not (file.is_file() and file.stat().st_size >= PROGRESS_MIN_BYTES):
        return compute()
    display = (
        SpinnerColumn(),
        TextColumn("{task.description}"),
        TextColumn("{task.completed:,} rows"),
        TimeElapsedColumn(),
    )
    with Progress(*display, console=err, transient=True) as progress:
        task = progress.add_task(f"reading {file.name}, then computing and writing", total=None)
        return compute(progress=lambda rows: progress.advance(task, rows))


def _print_notices(result: CalcResult) -> None:
    from offset.common.messages import text

    for notice in result.notices:
        err.print(text(notice), style="dim", markup=False)


def _print_rejects(result: CalcResult, path: Path) -> None:
    from offset.common.messages import Msg, text

    assert result.rejects is not None
    refused = int(result.manifest.get("rejected", {}).get("rows", 0))
    counts = Msg("calc.kept_going", computed=len(result.results), refused=refused,
                 problems=len(result.rejects))  # fmt: skip
    out.print(f"[yellow]{escape(text(counts))}[/]" if refused else escape(text(counts)))
    out.print(_written("calc.rejects", path), markup=False)


def _print_summary(result: CalcResult) -> None:
    from offset.common.messages import current, text
    from offset.documents.figures import column_kinds, formatter
    from offset.documents.terms import column_label, term, value_term

    lang = current()
    summary = result.summary.copy()
    names = summary.pop("municipality_name") if "municipality_name" in summary else None
    method = value_term("method", result.method, lang)
    table = Table(title=term("calc.totals", lang, method=method))
    table.add_column(column_label("municipality_name", lang))
    shows = [formatter(kind) for kind in column_kinds(summary)]
    for column in summary.columns:
        table.add_column(column_label(str(column), lang), justify="right")
    for code, *values in summary.itertuples():
        name = str(names[code]) if names is not None else str(code)
        label = name if name == str(code) else f"{name} ({code})"  # named once, by its code
        table.add_row(escape(label), *(show(v) for show, v in zip(shows, values, strict=True)))
    totals = (show(summary[c].sum()) for show, c in zip(shows, summary.columns, strict=True))
    table.add_row(f"[bold]{term('calc.total', lang)}[/]", *totals)
    out.print(table)
    for warning in result.warnings:
        warn(text(warning))
