"""`offset ledger balances`, `statement`, `serial`, `export` and `purposes`: what the ledger holds,
read (a statement once its entries verify)."""

from __future__ import annotations

import datetime as dt
import json
import sys
from typing import Annotated, Literal

import typer
from rich.table import Table

from offset.cli.choices import EXPORT_FORMATS
from offset.cli.console import err, out
from offset.cli.ledger.common import (
    EXIT_REJECTED,
    EXIT_UNVERIFIED,
    app,
    existing_ledger,
    json_text,
    language_after_command,
    plain,
)
from offset.cli.options import CommandDb, LangOption
from offset.ledger.codes import Rejected

# a statement's period per credit class (`Ledger.period_balances`)
PERIOD_COLUMNS = ("project", "vintage", "opening", "credited", "debited", "closing")
STATEMENT_COLUMNS = (
    "seq",
    "id",
    "kind",
    "effective_date",
    "project",
    "vintage",
    "amount",
    "balance_after",
    "purpose",
)


@app.command()
def balances(
    as_of: Annotated[
        dt.datetime | None,
        typer.Option("--as-of", formats=["%Y-%m-%d"], help="Balances at the end of this day"),
    ] = None,
    account: Annotated[str | None, typer.Option("--account", help="One account only")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="A JSON list instead of a table")] = False,
    db: CommandDb = None,
    lang: LangOption = None,
) -> None:
    """Non-zero balances per account, project and vintage."""
    language_after_command(lang)
    rows = existing_ledger().balances(as_of.date() if as_of else None, account)
    if as_json:
        listed = [{k: v for k, v in plain(r).items() if k != "instrument"} for r in rows]
        print(json_text(listed))
        return
    from offset.common.messages import current
    from offset.documents.terms import column_label, term

    shown = current()
    title = (
        term("balances.as_of", shown, date=as_of.date()) if as_of else term("balances.title", shown)
    )
    table = Table(title=title)
    for column in ("account", "instrument", "project", "vintage", "quantity"):
        label = column_label(column, shown)
        table.add_column(label, justify="right" if column == "quantity" else "left")
    for row in rows:
        table.add_row(
            row.account, row.instrument, row.project, str(row.vintage), f"{row.quantity:,}"
        )
    out.print(table)


@app.command()
def statement(
    account: Annotated[str, typer.Argument(help="Account id, e.g. ina/holding")],
    start: Annotated[dt.datetime | None, typer.Option("--from", formats=["%Y-%m-%d"])] = None,
    end: Annotated[dt.datetime | None, typer.Option("--to", formats=["%Y-%m-%d"])] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
    db: CommandDb = None,
    lang: LangOption = None,
) -> None:
    """An account's postings with their running balance, once its entries (and their link to
    the chain head) verify: exit 4 if they do not."""
    language_after_command(lang)
    from offset.common.messages import Msg, text
    from offset.ledger import proof

    book = existing_ledger()
    try:
        first, last = start.date() if start else None, end.date() if end else None
        rows = book.statement(account, first, last)
        held = book.period_balances(account, first, last)
        proof.require_statement(book.engine, account, rows, held)
    except Rejected as e:
        err.print(str(e), markup=False)
        raise typer.Exit(EXIT_REJECTED) from e
    except proof.Unverified as e:
        err.print(text(e.message), markup=False)
        raise typer.Exit(EXIT_UNVERIFIED) from e
    if as_json:
        print(json_text(plain(rows)))
        return
    from offset.api.labels import KINDS
    from offset.common import memos
    from offset.common.messages import current
    from offset.documents.terms import column_label, value_term
    from offset.ledger import uses
    from offset.ledger.titles import title_of, titles_on

    lang = current()
    titles = titles_on(book.engine)
    table = Table(title=text(Msg("cli.statement", account=account)))
    for column in STATEMENT_COLUMNS:
        table.add_column(column_label(column, lang))

    def shown(column: str, value: object) -> str:
        """A cell in the reader's words: kinds, and offset's own memos."""
        cell = "" if value is None else str(value)
        if column == "kind":
            return KINDS[lang].get(cell, cell)
        if column == "purpose":  # J-Credit's 用途 by its name
            found = uses.purposes().get(cell)
            return found.name(lang) if found else cell
        if column == "project":  # its title, the key below it
            title = title_of(titles, cell)
            return f"{title.title}\n{cell}" if title.title else cell
        if column != "memo":
            return cell
        return memos.text(cell, lang, lambda method: value_term("method", method, lang))

    for row in rows:
        table.add_row(*(shown(c, getattr(row, c)) for c in STATEMENT_COLUMNS))
    out.print(table)
    if not held:
        return
    balances = Table(title=text(Msg("cli.statement_balances", account=account)))
    for column in PERIOD_COLUMNS:
        justify: Literal["left", "right"] = "left" if column == "project" else "right"
        balances.add_column(column_label(column, lang), justify=justify)
    for b in held:
        balances.add_row(
            shown("project", b.project), str(b.vintage),
            *(f"{getattr(b, c):,}" for c in PERIOD_COLUMNS[2:]),
        )  # fmt: skip
    out.print(balances)


@app.command()
def serial(
    project: Annotated[str, typer.Argument()],
    vintage: Annotated[int, typer.Argument()],
    number: Annotated[int, typer.Argument(metavar="SERIAL")],
    db: CommandDb = None,
    lang: LangOption = None,
) -> None:
    """The history of one credit (JSON): every move, its holder now, and its issuance's source."""
    language_after_command(lang)
    try:
        history = existing_ledger().serial(project, vintage, number)
    except Rejected as e:
        err.print(str(e), markup=False)
        raise typer.Exit(EXIT_REJECTED) from e
    print(json.dumps(plain(history), ensure_ascii=False, default=str, indent=2))


@app.command()
def export(
    fmt: Annotated[
        str, typer.Option("--format", help=f"One of: {', '.join(EXPORT_FORMATS)}")
    ] = "beancount",
    db: CommandDb = None,
    lang: LangOption = None,
) -> None:
    """Export the ledger (Beancount file, or offsets-db style CSV) to standard output, once the
    whole ledger verifies: exit 4, nothing printed, if it does not."""
    language_after_command(lang)
    if fmt not in EXPORT_FORMATS:
        raise typer.BadParameter(
            f"unknown format {fmt!r}; choose one of {', '.join(EXPORT_FORMATS)}"
        )
    from offset.common.messages import text
    from offset.ledger import proof

    try:
        exported = existing_ledger().export(fmt)
    except proof.Unverified as e:
        err.print(text(e.message), markup=False)
        raise typer.Exit(EXIT_UNVERIFIED) from e
    sys.stdout.write(exported)


@app.command()
def purposes(db: CommandDb = None, lang: LangOption = None) -> None:
    """J-Credit's retirement purposes (用途) and the credit types each may take, with sources:
    the values a retirement's `purpose` may hold."""
    language_after_command(lang)
    from offset.common.messages import current
    from offset.documents.terms import term
    from offset.ledger import uses

    shown = current()
    words = {t.code: t.name(shown) for t in uses.credit_types()}
    table = Table(title=term("purposes.title", shown))
    for column in ("code", "name", "types", "source"):
        table.add_column(term(f"purposes.{column}", shown), overflow="fold")
    for purpose in uses.purposes().values():
        allowed = uses.allowed_types(purpose.code)
        kinds = ", ".join(words[k] for k in allowed) if allowed else "*"
        if purpose.window:
            kinds += term("purposes.window", shown)
        where = f"{purpose.source.url or purpose.source.source} [{purpose.source.confidence}]"
        table.add_row(purpose.code, purpose.name(shown), kinds, where)
    out.print(table)
