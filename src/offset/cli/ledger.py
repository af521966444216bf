"""`offset ledger ...` and `offset db upgrade`: thin wrappers over `offset.ledger.Ledger`."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.table import Table

from offset.cli.console import err, out
from offset.ledger.codes import Rejected
from offset.ledger.database import DEFAULT_URL, connect, redacted, upgrade
from offset.ledger.export import EXPORTS

if TYPE_CHECKING:
    from offset.ledger import Ledger

app = typer.Typer(
    no_args_is_help=True, help="The credit ledger: apply operations, read balances, verify."
)
db_app = typer.Typer(no_args_is_help=True, help="The ledger database.")

DbOption = Annotated[
    str,
    typer.Option(
        "--db", envvar="OFFSET_DB", help="Database URL: sqlite:///FILE or postgresql+psycopg://..."
    ),
]
EXIT_REJECTED = 1
STATEMENT_COLUMNS = (
    "seq",
    "id",
    "kind",
    "effective_date",
    "project",
    "vintage",
    "amount",
    "balance_after",
)
_state: dict[str, str] = {"db": DEFAULT_URL}


@app.callback()
def ledger(db: DbOption = DEFAULT_URL) -> None:
    """The credit ledger on --db (default sqlite:///offset.db; migrated on first use)."""
    _state["db"] = db


def open_ledger(db: str) -> Ledger:
    from offset.ledger import Ledger  # the whole ledger, for the command that needs it

    return Ledger.open(db)


def _ledger() -> Ledger:
    return open_ledger(_state["db"])


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)


@app.command()
def apply(
    file: Annotated[
        str, typer.Argument(help="JSON lines, one operation each; - for standard input")
    ],
    atomic: Annotated[bool, typer.Option("--atomic", help="All operations or none")] = False,
) -> None:
    """Apply operations; print one JSON result per line. Exit 1 if any was rejected."""
    text = sys.stdin.read() if file == "-" else Path(file).read_text(encoding="utf-8")
    items: list[object] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        try:
            items.append(json.loads(line))
        except json.JSONDecodeError as e:
            items.append({"op": "__unreadable__", "id": f"line {number}", "error": str(e)})
    results = _ledger().apply(items, atomic=atomic)
    for result in results:
        print(_json(result.to_json()))
    if any(r.status not in ("ok", "exists") for r in results):
        raise typer.Exit(EXIT_REJECTED)


@app.command()
def balances(
    as_of: Annotated[
        dt.datetime | None,
        typer.Option("--as-of", formats=["%Y-%m-%d"], help="Balances at the end of this day"),
    ] = None,
    account: Annotated[str | None, typer.Option("--account", help="One account only")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="A JSON list instead of a table")] = False,
) -> None:
    """Non-zero balances per account, project and vintage."""
    rows = _ledger().balances(as_of.date() if as_of else None, account)
    if as_json:
        print(_json(rows))
        return
    table = Table(title=f"balances{' as of ' + str(as_of.date()) if as_of else ''}")
    for column in ("account", "project", "vintage", "quantity"):
        table.add_column(column, justify="right" if column == "quantity" else "left")
    for row in rows:
        table.add_row(row["account"], row["project"], str(row["vintage"]), f"{row['quantity']:,}")
    out.print(table)


@app.command()
def statement(
    account: Annotated[str, typer.Argument(help="Account id, e.g. ina/holding")],
    start: Annotated[dt.datetime | None, typer.Option("--from", formats=["%Y-%m-%d"])] = None,
    end: Annotated[dt.datetime | None, typer.Option("--to", formats=["%Y-%m-%d"])] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """An account's postings with their running balance."""
    try:
        rows = _ledger().statement(
            account, start.date() if start else None, end.date() if end else None
        )
    except Rejected as e:
        err.print(str(e))
        raise typer.Exit(EXIT_REJECTED) from e
    if as_json:
        print(_json(rows))
        return
    table = Table(title=f"statement of {account}")
    for column in STATEMENT_COLUMNS:
        table.add_column(column)
    for row in rows:
        table.add_row(*(str(row[c]) for c in STATEMENT_COLUMNS))
    out.print(table)


@app.command()
def serial(
    project: Annotated[str, typer.Argument()],
    vintage: Annotated[int, typer.Argument()],
    number: Annotated[int, typer.Argument(metavar="SERIAL")],
) -> None:
    """The history of one credit (JSON): every move, its holder now, and its issuance's source."""
    try:
        print(
            json.dumps(
                _ledger().serial(project, vintage, number),
                ensure_ascii=False,
                default=str,
                indent=2,
            )
        )
    except Rejected as e:
        err.print(str(e))
        raise typer.Exit(EXIT_REJECTED) from e


@app.command()
def certificate(
    tx: Annotated[str, typer.Argument(help="The retirement's transaction id")],
    output: Annotated[
        Path | None, typer.Option("--out", help="Write the HTML here instead of printing it")
    ] = None,
) -> None:
    """A retirement certificate as HTML."""
    try:
        page = _ledger().certificate(tx)
    except Rejected as e:
        err.print(str(e))
        raise typer.Exit(EXIT_REJECTED) from e
    if output is None:
        print(page)
    else:
        output.write_text(page, encoding="utf-8")
        out.print(f"certificate: {output}")


@app.command()
def verify(
    workers: Annotated[
        int | None,
        typer.Option(
            min=1,
            help="Processes checking the hash chain (default: one per CPU, up to 8, from 100,000"
            " transactions; 1 below).",
        ),
    ] = None,
) -> None:
    """Check conservation, balances, serial blocks and the hash chain; exit 1 on any discrepancy."""
    problems = _ledger().verify(workers)
    if problems:
        err.print(f"[bold red]{len(problems)} discrepancies in {redacted(_state['db'])}[/]")
        for problem in problems:
            err.print(f"  {problem}", markup=False)
        raise typer.Exit(EXIT_REJECTED)
    out.print(f"[green]ok:[/] {redacted(_state['db'])} verifies")


@app.command()
def export(
    fmt: Annotated[
        str, typer.Option("--format", help=f"One of: {', '.join(EXPORTS)}")
    ] = "beancount",
) -> None:
    """Export the ledger (Beancount file, or offsets-db style CSV) to standard output."""
    if fmt not in EXPORTS:
        raise typer.BadParameter(f"unknown format {fmt!r}; choose one of {', '.join(EXPORTS)}")
    sys.stdout.write(_ledger().export(fmt))


@db_app.command("upgrade")
def db_upgrade(db: DbOption = DEFAULT_URL) -> None:
    """Create or migrate the ledger schema to the latest revision."""
    upgrade(connect(db))
    out.print(f"{redacted(db)}: schema at the latest revision")
