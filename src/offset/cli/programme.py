"""`offset programme ...`: a programme-type project (プログラム型) from its office's lists:
check it, write a period's モニタリング報告書, issue verified periods, show the 実行計画
figures."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from offset.cli.choices import LEDGER_URL
from offset.cli.console import err, fail, out
from offset.cli.ledger import open_ledger
from offset.cli.options import DbOption, LangOption, choose_language
from offset.common.problems import InputError

if TYPE_CHECKING:
    from offset.programme.run import Run

EXIT_REFUSED = 3
app = typer.Typer(no_args_is_help=True, help="Programme-type projects (プログラム型): members, "
                  "monitoring periods, verification, issuance.")  # fmt: skip
ProgrammeFile = Annotated[Path, typer.Argument(metavar="PROGRAMME", help="A programme .toml file")]
PeriodOption = Annotated[str, typer.Option("--period", help="The monitoring period's name")]


def _load(path: Path) -> Run:
    from offset.programme.model import Programme
    from offset.programme.run import load

    try:
        return load(Programme.from_toml(path))
    except InputError as e:
        raise fail(e, "nothing was computed or posted") from e


def _tonnes(grams: int | None) -> str:
    return "-" if grams is None else f"{grams / 1_000_000:,.3f}"


@app.command("check")
def check(programme_file: ProgrammeFile, lang: LangOption = None) -> None:
    """Read the lists, make the registry's checks and compute every monitoring period; print
    the members refused (with why) and each period's totals. Writes nothing."""
    choose_language(lang)
    from offset.common.messages import Msg, current, text
    from offset.documents.terms import term

    run = _load(programme_file)
    counted = int(run.refusals.counts.sum())
    out.print(text(Msg("cli.programme_members", name=run.programme.name,
                       members=len(run.members.frame), counted=counted)), markup=False)  # fmt: skip
    refused = run.refusals.frame
    for row, why in zip(refused["row"].tolist(), refused["why"].tolist(), strict=True):
        out.print("  " + text(Msg("cli.programme_refused", row=row, why=why)), markup=False)
    columns = ("period", "members", "monitored", "verified", "credits", "carried", "finding")
    table = Table(*(term(f"check.{column}", current()) for column in columns))
    for monitoring, verified in zip(run.monitorings, run.verified, strict=True):
        found = monitoring.period.verification
        finding = text(Msg(f"finding.{found.finding if found else 'none'}"))
        table.add_row(
            monitoring.period.name, str(monitoring.lines["member_id"].nunique()),
            _tonnes(monitoring.total_g), _tonnes(verified.verified_g), str(verified.quantity),
            _tonnes(verified.carried_out_g), finding,
        )  # fmt: skip
    out.print(table)


@app.command("report")
def report(
    programme_file: ProgrammeFile,
    period: PeriodOption,
    out_path: Annotated[Path, typer.Option("--out", help="The workbook to write (.xlsx)")],
    db: DbOption = LEDGER_URL,
    lang: LangOption = None,
) -> None:
    """Write a period's モニタリング報告書 draft (Excel, Japanese); its credit figures are read
    from the ledger on --db."""
    choose_language(lang)
    from offset.documents import monitoring_report

    run = _load(programme_file)
    try:
        run.programme.period(period)
    except InputError as e:
        raise fail(e) from e
    report = monitoring_report.from_ledger(run, period, open_ledger(db))
    monitoring_report.write(out_path, report)
    out.print(f"wrote {out_path}")


@app.command("issue")
def issue(
    programme_file: ProgrammeFile,
    period: Annotated[
        str | None, typer.Option("--period", help="Only this period (default: every one)")
    ] = None,
    db: DbOption = LEDGER_URL,
    lang: LangOption = None,
) -> None:
    """Issue each verified period's credits to the operator, once; a period issued before whose
    verified figure changed is restated (more issued, or less taken back from the operator); a
    period not verified, or rejected, issues nothing."""
    choose_language(lang)
    from offset.programme.posting import IssueRefused
    from offset.programme.posting import issue as issue_periods

    run = _load(programme_file)
    book = open_ledger(db)
    try:
        statuses = issue_periods(book, run, period)
    except InputError as e:
        raise fail(e, "nothing was posted") from e
    except IssueRefused as e:
        err.print(str(e), markup=False)
        raise typer.Exit(EXIT_REFUSED) from e
    for name, posted in statuses.items():
        line = f"{name}: {posted.status} ({posted.quantity} credits to {run.programme.holding()})"
        if posted.shortfall:
            line += (f"; {posted.shortfall} could not be taken back (sold or retired"
                     " meanwhile): owed by the operator")  # fmt: skip
        out.print(line, markup=False)


@app.command("plan")
def plan(programme_file: ProgrammeFile, db: DbOption = LEDGER_URL, lang: LangOption = None) -> None:
    """The operator's 実行計画 figures per FY: its members' reductions (computed), the credits
    issued and moved to other parties (the ledger), and what it may count as its own."""
    choose_language(lang)
    from offset.programme.plan import plan_years

    run = _load(programme_file)
    years = plan_years(open_ledger(db), run.programme, list(run.monitorings))
    table = Table("FY", "reduction t-CO2 (computed)", "issued (ledger)", "transferred (ledger)",
                  "own reduction t-CO2")  # fmt: skip
    for year in years:
        table.add_row(str(year.fy), _tonnes(year.reduction_g), str(year.issued),
                      str(year.transferred), _tonnes(year.claimable_g))  # fmt: skip
    out.print(table)
