"""`offset serve` and `offset party key ...`: the HTTP API and the keys that open it."""

from __future__ import annotations

import os
import secrets
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from offset.cli.choices import LEDGER_URL
from offset.cli.console import err, fail, out
from offset.cli.ledger import open_ledger
from offset.cli.options import DbOption
from offset.common.problems import InputError
from offset.ledger.codes import Rejected

if TYPE_CHECKING:
    from fastapi import FastAPI

    from offset.ledger import Ledger
    from offset.ledger.writer_socket import WriterServer

WORKERS = 40  # AnyIO's default thread limiter, which runs FastAPI's sync endpoints
DB_VARIABLE = "OFFSET_SERVE_DB"  # the ledger's URL, from `serve` to its worker processes
PROGRAMMES_VARIABLE = "OFFSET_SERVE_PROGRAMMES"  # the --programme files, likewise
# The one writer's socket and key, from `serve` to its worker processes (`--one-writer`).
WRITER_VARIABLE = "OFFSET_SERVE_WRITER"
WRITER_KEY_VARIABLE = "OFFSET_SERVE_WRITER_KEY"


def serve(
    db: DbOption = LEDGER_URL,
    host: Annotated[str, typer.Option("--host")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port")] = 8000,
    access_log: Annotated[
        bool, typer.Option("--access-log/--no-access-log", help="A log line per request")
    ] = True,
    programme: Annotated[
        list[Path] | None,
        typer.Option("--programme", help="A programme .toml file to serve (repeatable)"),
    ] = None,
    workers: Annotated[
        int,
        typer.Option(
            "--workers",
            min=1,
            help="Server processes on one port (several writers: PostgreSQL only)",
        ),
    ] = 1,
    one_writer: Annotated[
        bool,
        typer.Option(
            "--one-writer/--writer-per-process",
            help="With --workers N: one process writes for all (or each its own, PostgreSQL)",
        ),
    ] = True,
) -> None:
    """Serve the JSON API (/api/v1, documented at /docs) and the dashboard (/) with uvicorn.

    One process by default; its requests' writes share commits (the ledger's group commit).
    With `--workers N`, N processes accept on one port and hand their writes to this one,
    whose group commit writes them all (`--one-writer`, `ledger/writer_socket.py`); with
    `--writer-per-process` (PostgreSQL), each has its own group commit and the database orders
    their writes (the chain head). Idempotency keys, sessions and keys live in the database, so
    any process answers any request. The dashboard's form tokens are signed with
    `OFFSET_SECRET`, drawn here for all of them when it is not set."""
    import uvicorn

    from offset.api.app import create_app
    from offset.ledger.database import redacted

    if workers > 1 and not one_writer and db.startswith("sqlite"):
        err.print("--writer-per-process needs PostgreSQL: on SQLite one process writes")
        raise typer.Exit(2)
    # Migrate (or refuse) once, here, before any worker opens the ledger.
    book = open_ledger(db) if db.startswith("sqlite") else open_ledger(db, pool_size=WORKERS)
    try:
        app = create_app(book, programme or ())
    except InputError as e:  # a programme file that does not read
        raise fail(e) from e
    err.print(f"offset: ledger {redacted(db)}; dashboard http://{host}:{port}/ ; API docs /docs")
    if workers == 1:
        uvicorn.run(app, host=host, port=port, log_level="info", access_log=access_log)
        return
    os.environ[DB_VARIABLE] = db
    os.environ[PROGRAMMES_VARIABLE] = os.pathsep.join(str(p) for p in programme or ())
    os.environ.setdefault(csrf_secret_variable(), secrets.token_hex(32))
    with tempfile.TemporaryDirectory(prefix="offset-serve-") as private:  # only this user's
        writer = _one_writer(book, private) if one_writer else None
        if writer is None:
            book.engine.dispose()  # each worker opens its own, and writes with it
            os.environ.pop(WRITER_VARIABLE, None)
        try:
            uvicorn.run(
                f"{__name__}:worker_app", factory=True, workers=workers, host=host, port=port,
                log_level="info", access_log=access_log,
            )  # fmt: skip
        finally:
            if writer is not None:
                writer.close()


def _one_writer(book: Ledger, directory: str) -> WriterServer:
    """This process writes for the workers, at a socket in `directory` (its path and key go to
    them in the environment, which only this user can read)."""
    from offset.ledger.writer_socket import WriterServer

    path, key = os.path.join(directory, "writer.sock"), secrets.token_bytes(32)
    writer = WriterServer(book, path, key)
    os.environ[WRITER_VARIABLE], os.environ[WRITER_KEY_VARIABLE] = path, key.hex()
    return writer


def worker_app() -> FastAPI:
    """One worker process's app (uvicorn calls it in each): its own ledger, which hands its
    writes to `serve`'s process (`--one-writer`) or writes them itself."""
    from offset.api.app import create_app
    from offset.ledger.writer_socket import RemoteWriter

    db = os.environ[DB_VARIABLE]
    programmes = [Path(p) for p in os.environ.get(PROGRAMMES_VARIABLE, "").split(os.pathsep) if p]
    book = open_ledger(db) if db.startswith("sqlite") else open_ledger(db, pool_size=WORKERS)
    if WRITER_VARIABLE in os.environ:
        key = bytes.fromhex(os.environ[WRITER_KEY_VARIABLE])
        book.remote = RemoteWriter(os.environ[WRITER_VARIABLE], key)
    return create_app(book, programmes)


def csrf_secret_variable() -> str:
    from offset.api.csrf import SECRET_VARIABLE

    return SECRET_VARIABLE


party_app = typer.Typer(no_args_is_help=True, help="Parties' API keys.")
key_app = typer.Typer(no_args_is_help=True, help="Create, list and revoke API keys.")
party_app.add_typer(key_app, name="key")


@key_app.command("create")
def create(
    party: Annotated[str, typer.Argument(help="The party the key acts for (`registry`: admin)")],
    label: Annotated[str, typer.Option("--label", help="What the key is for")] = "",
    db: DbOption = LEDGER_URL,
) -> None:
    """Create a key; it is printed once and stored only as a hash."""
    from offset.api import keys

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
    db: DbOption = LEDGER_URL,
) -> None:
    """Revoke a key: requests with it answer 401 from now on."""
    from offset.api import keys

    if not keys.revoke(open_ledger(db).engine, key):
        err.print("no such live key")
        raise typer.Exit(1)
    out.print("revoked")


@key_app.command("list")
def listed(
    party: Annotated[str | None, typer.Option("--party")] = None,
    db: DbOption = LEDGER_URL,
) -> None:
    """Keys by id, party and label (never the keys themselves)."""
    from offset.api import keys

    for row in keys.listed(open_ledger(db).engine, party):
        state = f"revoked {row['revoked_at']}" if row["revoked_at"] else "live"
        out.print(f"{row['id']}  {row['party_id']}  {state}  {row['label']}", markup=False)
