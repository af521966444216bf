"""What every `offset ledger` command shares: the group and its --db, opening the ledger (a
file that is not there is refused for a read), and printing records and catalogued lines."""

from __future__ import annotations

import dataclasses
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from offset.cli.choices import LEDGER_URL
from offset.cli.console import EXIT_BAD_INPUT, err
from offset.cli.options import (
    DbOption,
    LangOption,
    choose_language,
    chosen_db,
    db_before_command,
)

if TYPE_CHECKING:
    from offset.ledger import Ledger


app = typer.Typer(
    no_args_is_help=True,
    help="The credit ledger: apply operations, read balances, verify.",
)
db_app = typer.Typer(no_args_is_help=True, help="The ledger database.")


EXIT_REJECTED = 1
EXIT_UNVERIFIED = 4  # a document's ledger entries do not verify: it was not printed


@app.callback()
def ledger(ctx: typer.Context, db: DbOption = LEDGER_URL, lang: LangOption = None) -> None:
    """The credit ledger on --db (default sqlite:///offset.db; migrated on first use); --db
    and --lang may come after the command too."""
    db_before_command(ctx, db)  # each command takes its own --db too and reads `chosen_db`
    choose_language(lang)  # as every command chooses: nothing carried from an earlier one


def language_after_command(lang: str | None) -> None:
    """A command's own --lang (`offset ledger verify --lang ja`), over the group's choice."""
    if lang is not None:
        choose_language(lang)


def open_ledger(db: str, **engine_options: Any) -> Ledger:
    """The ledger at `db`; a ledger that cannot be opened is an error in words, exit 2."""
    from offset.ledger import Ledger  # the whole ledger, for the command that needs it
    from offset.ledger.database import V1History, redacted

    try:
        return Ledger.open(db, **engine_options)
    except V1History as e:
        err.print(f"{redacted(db)}: {e}", markup=False)
        raise typer.Exit(EXIT_BAD_INPUT) from e


def chosen_ledger() -> Ledger:
    return open_ledger(chosen_db())


def existing_ledger() -> Ledger:
    """The ledger to read: a SQLite file that is not there is refused (exit 2), never created
    empty, so that `offset ledger verify` run beside the wrong directory cannot answer that an
    empty new ledger verifies (`offset run` keeps its ledger in OUT/ledger.db)."""
    from sqlalchemy.engine import make_url

    from offset.common.messages import Msg, text
    from offset.ledger.database import redacted

    url = make_url(chosen_db())
    file = url.database or ""
    sqlite = url.get_backend_name() == "sqlite" and file not in ("", ":memory:")
    if sqlite and not Path(file).exists():
        err.print(text(Msg("cli.no_ledger", where=redacted(chosen_db()))), markup=False)
        raise typer.Exit(EXIT_BAD_INPUT)
    return chosen_ledger()


def json_text(value: Any) -> str:
    """JSON that any terminal can write: a character no encoder takes is escaped."""
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def plain(value: Any) -> Any:
    """Records (dataclasses) as JSON-ready dicts and lists."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value


def read_input(file: str) -> bytes:
    if file == "-":
        return sys.stdin.buffer.read()
    try:
        return Path(file).read_bytes()
    except OSError as e:
        err.print(f"{file}: {e.strerror}", markup=False)
        raise typer.Exit(EXIT_BAD_INPUT) from e


def catalogued(message: str, /, **params: object) -> str:
    """A catalogued line in the user's language."""
    from offset.common.messages import Msg, text

    return text(Msg(message, **params))
