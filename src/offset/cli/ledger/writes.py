"""`offset ledger apply`, `offset ledger replay` and `offset db upgrade`: the commands that
write."""

from __future__ import annotations

from typing import Annotated

import typer

from offset.cli.choices import LEDGER_URL
from offset.cli.console import EXIT_BAD_INPUT, err, out
from offset.cli.ledger.common import (
    EXIT_REJECTED,
    app,
    catalogued,
    chosen_ledger,
    db_app,
    json_text,
    language_after_command,
    read_input,
)
from offset.cli.options import CommandDb, DbOption, LangOption, choose_language


@app.command()
def apply(
    file: Annotated[
        str, typer.Argument(help="JSON lines, one operation each; - for standard input")
    ],
    atomic: Annotated[bool, typer.Option("--atomic", help="All operations or none")] = False,
    db: CommandDb = None,
    lang: LangOption = None,
) -> None:
    """Apply operations; print one JSON result per line, each once its write has committed.
    Exit 1 if any was rejected, 2 if the file cannot be read (nothing applied)."""
    language_after_command(lang)
    from offset.ledger.lines import NotUtf8, read_lines

    name = "standard input" if file == "-" else file
    try:
        items = read_lines(read_input(file), name)
    except NotUtf8 as e:
        err.print(str(e), markup=False)
        raise typer.Exit(EXIT_BAD_INPUT) from e
    rejected = False
    for result in chosen_ledger().apply_iter(items, atomic=atomic):
        print(json_text(result.to_json()), flush=True)
        rejected = rejected or result.status not in ("ok", "exists")
    if rejected:
        raise typer.Exit(EXIT_REJECTED)


@app.command()
def replay(
    source: Annotated[str, typer.Option("--from", help="The old ledger's database URL")],
    db: CommandDb = None,
    lang: LangOption = None,
) -> None:
    """Copy an old ledger (a v1 ledger, which cannot be upgraded in place) into the ledger at
    --db by replaying its operations; the old one is only read. Exit 1 if any was refused."""
    language_after_command(lang)
    from offset.ledger.database import connect
    from offset.ledger.replay import NotALedger
    from offset.ledger.replay import replay as run_replay

    try:
        results = run_replay(connect(source), chosen_ledger())
    except NotALedger as e:
        err.print(str(e), markup=False)
        raise typer.Exit(EXIT_BAD_INPUT) from e
    refused = [r for r in results if r.status not in ("ok", "exists")]
    for result in refused:
        err.print(json_text(result.to_json()), markup=False)
    replayed = len(results) - len(refused)
    out.print(catalogued("cli.replayed", count=replayed, total=len(results)), markup=False)
    if refused:
        raise typer.Exit(EXIT_REJECTED)


@db_app.command("upgrade")
def db_upgrade(db: DbOption = LEDGER_URL, lang: LangOption = None) -> None:
    """Create or migrate the ledger schema to the latest revision."""
    choose_language(lang)
    from offset.ledger import Ledger
    from offset.ledger.database import V1History, connect, redacted, upgrade

    try:
        upgrade(connect(db))
    except V1History as e:
        err.print(f"{redacted(db)}: {e}", markup=False)
        raise typer.Exit(EXIT_BAD_INPUT) from e
    Ledger.on(connect(db)).initialise()
    out.print(catalogued("cli.schema_latest", where=redacted(db)), markup=False)
