"""`offset run`: a scenario from data files to issued, delivered and retired credits."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from offset.cli.console import err, fail, out, warn
from offset.cli.options import (
    CsvEncoding,
    FactorYearOption,
    LangOption,
    StrictFactors,
    choose_csv_encoding,
    choose_factor_year,
    choose_language,
)
from offset.common.problems import InputError

if TYPE_CHECKING:
    from offset.jobs.run import RunOutcome

EXIT_REFUSED = 3
EXIT_UNVERIFIED = 4  # the ledger does not verify: the report is marked so (as `ledger certificate`)


def run(
    scenario_file: Annotated[
        Path, typer.Argument(metavar="SCENARIO", help="A scenario .toml file")
    ],
    db: Annotated[
        str | None,
        typer.Option(
            "--db",
            help="Ledger database URL; default: the scenario's `database`, else OUT/ledger.db",
        ),
    ] = None,
    out_dir: Annotated[
        Path | None, typer.Option("--out", help="Report directory; default out/SCENARIO-NAME")
    ] = None,
    fy: Annotated[
        int | None,
        typer.Option(
            "--fy", help="Run the FYs up to this one (the year's run); default: all of them"
        ),
    ] = None,
    recorded_on: Annotated[
        dt.datetime | None,
        typer.Option(
            "--recorded-on",
            formats=["%Y-%m-%d"],
            help="Date the transactions are recorded on (re-creating history); default: today",
        ),
    ] = None,
    dry_run: Annotated[
        bool,
        typer.Option("--dry-run", help="Show what would be posted and restated; write nothing"),
    ] = False,
    strict_factors: StrictFactors = False,
    factor_year: FactorYearOption = None,
    csv_encoding: CsvEncoding = "utf-8-sig",
    lang: LangOption = None,
    pdf: Annotated[
        bool,
        typer.Option("--pdf/--no-pdf", help="Write report.pdf beside report.html (about 3 s)"),
    ] = True,
) -> None:
    """Compute each FY's reductions, issue the credits (restating FYs issued before whose
    figure changed), settle the agreements, write the report."""
    choose_language(lang)
    rule = choose_factor_year(factor_year)
    encoding = choose_csv_encoding(csv_encoding)
    # the whole engine loads here, not for the other commands' help
    from offset.jobs.run import default_database, run_scenario, step_count
    from offset.scenario import RunError, Scenario

    try:
        scenario = Scenario.from_toml(scenario_file)
        if fy is not None:
            scenario = scenario.until(fy)
    except InputError as e:
        raise fail(e, "nothing was computed or posted") from e
    target = out_dir or Path("out") / scenario.name
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    try:
        with Progress(*columns, console=err, transient=True) as progress:
            task = progress.add_task(scenario.name, total=step_count(scenario))

            def step(description: str) -> None:
                progress.update(task, description=description, advance=1)

            outcome = run_scenario(
                scenario,
                out=target,
                database=db,
                step=step,
                recorded_on=recorded_on.date() if recorded_on else None,
                dry_run=dry_run,
                strict_factors=strict_factors,
                factor_year=rule,
                csv_encoding=encoding,
                pdf=pdf,
                lang=lang,
            )
    except InputError as e:
        raise fail(e, "nothing was posted") from e
    except RunError as e:
        from rich.markup import escape

        from offset.common.messages import Msg, text
        from offset.ledger.database import redacted

        err.print(f"[bold red]{escape(text(e.message))}[/]", markup=True)

        where = redacted(db or default_database(scenario, target))
        err.print(text(Msg("cli.ledger", where=where)), markup=False)
        raise typer.Exit(EXIT_REFUSED) from e
    _print_outcome(outcome)
    if outcome.unverified is not None:
        from offset.common.messages import Msg, text

        entry = outcome.unverified.params["entry"]
        err.print(text(Msg("cli.report_unverified", entry=entry)), markup=False)
        raise typer.Exit(EXIT_UNVERIFIED)


SUMMARY_COLUMNS = (
    "fy", "reduction_tco2e", "creditable_tco2e", "issued", "buffer", "delivered", "retired",
    "shortfall",
)  # fmt: skip
WARNINGS_SHOWN = 8


def _print_outcome(outcome: RunOutcome) -> None:
    from offset.common.messages import Msg, current, text
    from offset.documents.figures import column_kinds, formatter
    from offset.documents.notes import named, newest_first
    from offset.documents.tables import titles
    from offset.documents.terms import term
    from offset.documents.times import shown_time

    lang = current()
    summary = outcome.tables["summary"]
    table = Table(title=term("cli.run_title", lang, name=outcome.scenario.name))
    for column in SUMMARY_COLUMNS:
        table.add_column(term(f"short.{column}", lang), justify="right")
    shown = summary[list(SUMMARY_COLUMNS)]
    kinds = ["tonnes1" if k == "tonnes" else k for k in column_kinds(shown)]
    shows = [formatter(kind) for kind in kinds]
    not_posted = _planned_not_posted(outcome) if outcome.dry_run else []
    pending = {fy for fy, _, _ in not_posted}
    for row in shown.itertuples(index=False):
        cells = [show(v) for show, v in zip(shows, row, strict=True)]
        if row.fy in pending:  # nothing settled yet: not short, pending (the plan's line below)
            cells[-1] = "-"
        table.add_row(*cells)
    out.print(table)
    _print_restatements(outcome)
    # this FY's first; a project and an agreement by title, as the report's notes name them
    titled = titles(outcome.scenario)
    said = [text(named(w, titled)) for w in newest_first(outcome.warnings)]
    if outcome.dry_run:
        out.print(
            text(Msg("cli.dry_run", count=outcome.to_post, there=outcome.already_there)),
            highlight=False,
        )
        for fy, issued, delivered in not_posted:
            plan = term("cli.dry_run_plan", lang, fy=fy, issued=f"{issued:,}",
                        delivered=f"{delivered:,}")  # fmt: skip
            out.print(plan, highlight=False, markup=False)
        for warning in said:
            warn(warning)
        return
    if outcome.posted == 0 and outcome.already_there:
        out.print(text(Msg("cli.nothing_new", there=outcome.already_there)))
    else:
        there = outcome.already_there
        again = Msg("cli.posted_again", there=there) if there else ""
        out.print(text(Msg("cli.posted", count=outcome.posted, again=again)))
    if outcome.unchanged:
        written = shown_time(outcome.report_written or "", lang)
        out.print(text(Msg("cli.unchanged", written=written)))
    for warning in said[:WARNINGS_SHOWN]:
        warn(warning)
    if len(said) > WARNINGS_SHOWN:
        out.print(text(Msg("cli.more_warnings", count=len(said) - WARNINGS_SHOWN)))
    out.print(text(Msg("cli.ledger", where=outcome.database)), markup=False)
    out.print(text(Msg("cli.report", where=outcome.out / "report.html")), markup=False)


def _planned_not_posted(outcome: RunOutcome) -> list[tuple[int, int, int]]:
    """(FY, credits the plan issues, credits it delivers) of each FY a dry run would post
    whole: the summary beside it holds the ledger's figures, 0 for such an FY."""
    from offset.documents.credit_columns import PLAN_NOT_POSTED

    issuance = outcome.tables["issuance"]
    new = issuance[issuance["status"] == "would post"]
    fulfilment = outcome.tables["fulfilment"]
    planned = fulfilment[fulfilment["plan_note"] == PLAN_NOT_POSTED]
    issued = new.groupby("fy")["planned_issued"].sum()  # NaN (none planned) sums as 0
    delivered = planned.groupby("fy")["planned_delivered"].sum().reindex(issued.index)
    figures = (issued.index, issued, delivered.fillna(0))
    return list(zip(*(column.astype(int).tolist() for column in figures), strict=True))


def _print_restatements(outcome: RunOutcome) -> None:
    from offset.common.messages import Msg, current, text
    from offset.documents.tables import titles
    from offset.documents.terms import fy_label

    if not outcome.restatements:
        return
    title = text(Msg("cli.would_restate" if outcome.dry_run else "cli.restated"))
    table = Table(title=title)
    for label in text(Msg("cli.restatement_columns")).split("|"):
        table.add_column(label, justify="right")
    # the project by its title, the key beside it, and the FY in the reader's words, as the
    # report's restatement table names them
    titled = titles(outcome.scenario)["project"]
    lang = current()

    def project(key: str) -> str:
        title = titled.get(key, key)
        return text(Msg("notes.named", title=title, key=key)) if title != key else key

    for r in outcome.restatements:
        values = (r.before, r.after, r.issued, r.reversed, r.cancelled, r.shortfall)
        table.add_row(str(r.fy), escape(project(r.project)), *(f"{v:,}" for v in values))
    out.print(table)
    for r in outcome.restatements:
        said = f"{project(r.project)} {fy_label(r.fy, lang)}: {text(r.reason)}"
        out.print(f"  {escape(said)}", highlight=False)
