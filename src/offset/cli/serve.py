"""`offset serve` and `offset party key ...`: the HTTP API and the keys that open it."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from offset.api import keys
from offset.cli.console import err, fail, out
from offset.cli.ledger import DbOption, open_ledger
from offset.common.problems import InputError
from offset.ledger.codes import Rejected
from offset.ledger.database import DEFAULT_URL, redacted

WORKERS = 40  # AnyIO's default thread limiter, which runs FastAPI's sync endpoints


def serve(
    db: DbOption = DEFAULT_URL,
    host: Annotated[str, typer.Option("--host")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port")] = 8000,
    access_log: Annotated[
        bool, typer.Option("--access-log/--no-access-log", help="A log line per request")
    ] = True,
    programme: Annotated[
        list[Path] | None,
        typer.Option("--programme", help="A programme .toml file to serve (repeatable)"),
    ] = None,
) -> None:
    """Serve the JSON API (/api/v1, documented at /docs) and the dashboard (/) with uvicorn.

    One process; its requests' writes share commits (the ledger's group commit)."""
    import uvicorn

    from offset.api.app import create_app

    # A connection for each of the server's worker threads (AnyIO's 40), so that none is
    # opened and closed per request under load.
    book = open_ledger(db) if db.startswith("sqlite") else open_ledger(db, pool_size=WORKERS)
    try:
        app = create_app(book, programme or ())
    except InputError as e:  # a programme file that does not read
        raise fail(e) from e
    err.print(f"offset: ledger {redacted(db)}; dashboard http://{host}:{port}/ ; API docs /docs")
    uvicorn.run(
        app,
        host=host,
        port=port,
        log_level="info",
        access_log=access_log,
    )


party_app = typer.Typer(no_args_is_help=True, help="Parties' API keys.")
key_app = typer.Typer(no_args_is_help=True, help="Create, list and revoke API keys.")
party_app.add_typer(key_app, name="key")


@key_app.command("create")
def create(
    party: Annotated[str, typer.Argument(help="The party the key acts for (`registry`: admin)")],
    label: Annotated[str, typer.Option("--label", help="What the key is for")] = "",
    db: DbOption = DEFAULT_URL,
) -> None:
    """Create a key; it is printed once and stored only as a hash."""
    book = open_ledger(db)
    try:
        key_id, key = keys.create(book.engine, party, label)
    except Rejected as e:
        err.print(str(e))
        raise typer.Exit(1) from e
    err.print(f"key {key_id} for {party}: keep it now, it cannot be shown again")
    print(key)


@key_app.command("revoke")
def revoke(
    key: Annotated[str, typer.Argument(help="The key, or its id")],
    db: DbOption = DEFAULT_URL,
) -> None:
    """Revoke a key: requests with it answer 401 from now on."""
    if not keys.revoke(open_ledger(db).engine, key):
        err.print("no such live key")
        raise typer.Exit(1)
    out.print("revoked")


@key_app.command("list")
def listed(
    party: Annotated[str | None, typer.Option("--party")] = None,
    db: DbOption = DEFAULT_URL,
) -> None:
    """Keys by id, party and label (never the keys themselves)."""
    for row in keys.listed(open_ledger(db).engine, party):
        state = f"revoked {row['revoked_at']}" if row["revoked_at"] else "live"
        out.print(f"{row['id']}  {row['party_id']}  {state}  {row['label']}", markup=False)
