"""Options more than one command takes, declared once."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, cast

import typer

from offset.cli.choices import LEDGER_URL

if TYPE_CHECKING:
    from offset.factors.years import FactorYear

StrictFactors = Annotated[
    bool,
    typer.Option(
        "--strict-factors",
        help="Refuse rows that used a factor of an earlier FY or an unverified value",
    ),
]

FactorYearOption = Annotated[
    str | None,
    typer.Option(
        "--factor-year",
        help="Which year's grid factor FY N figures use: reporting (the one published for FY N"
        " reports, i.e. FY N-1 results; the MOE rule, default) or results (FY N's own results)",
    ),
]

CsvEncoding = Annotated[
    str,
    typer.Option(
        "--csv-encoding",
        help="Encoding of the CSV files written: utf-8-sig (UTF-8 with BOM, opens right in"
        " Japanese Excel; default), utf-8, or cp932 (Shift_JIS)",
    ),
]

LangOption = Annotated[
    str | None,
    typer.Option(
        "--lang",
        help="Language of messages: ja or en (default: OFFSET_LANG, then the locale, then en)",
    ),
]
Sheet = Annotated[
    list[str] | None,
    typer.Option(
        "--sheet",
        help="Excel sheet to read; repeat it for several, or `all` (default: the sheets named"
        " for FYs, R6 or 2024年度, with --fy that FY's; else the first)",
    ),
]
ColumnMap = Annotated[
    Path | None,
    typer.Option(
        "--columns",
        help='Your header -> offset column, a TOML [columns] table ("設置場所" = "municipality")',
    ),
]


DB_HELP = "Database URL: sqlite:///FILE or postgresql+psycopg://..."
DbOption = Annotated[str, typer.Option("--db", envvar="OFFSET_DB", help=DB_HELP)]


# The --db the running command reads (`chosen_db`): one command runs per process (and per
# CliRunner call), and the group's callback and the command's parsing set it in that order.
_chosen: dict[str, str] = {}


def db_before_command(ctx: typer.Context, value: str) -> str:
    """A group's --db (`offset ledger --db URL verify`), kept for its command."""
    _chosen["db"] = value
    source = ctx.get_parameter_source("db")
    _chosen["given"] = "yes" if source is not None and source.name == "COMMANDLINE" else ""
    return value


def _db_after_command(value: str | None) -> str | None:
    """The group's --db given after the command (`offset ledger verify --db URL`, as users
    type it): refused when the group was given another one on the command line."""
    before = _chosen.get("db")
    if value is None or value == before:
        return value
    if before is not None and _chosen.get("given"):
        from offset.cli.console import EXIT_BAD_INPUT, err
        from offset.common.messages import Msg, text
        from offset.ledger.database import redacted

        said = Msg("cli.db_twice", before=redacted(before), after=redacted(value))
        err.print(text(said), markup=False)  # in the user's language, no usage box in English
        raise typer.Exit(EXIT_BAD_INPUT)
    _chosen["db"] = value
    return value


# The same --db on each command of a group that takes it (`offset ledger`), so that it may come
# before or after the command's name; the command reads it with `chosen_db`.
CommandDb = Annotated[
    str | None,
    typer.Option(
        "--db",
        help=f"{DB_HELP} (as before the command; default: OFFSET_DB, then {LEDGER_URL})",
        show_default=False,
        callback=_db_after_command,
    ),
]


def chosen_db() -> str:
    """The --db of the running command of a --db group: given after the command, else the
    group's (command line, OFFSET_DB, default)."""
    return _chosen["db"]


def choose_language(lang: str | None) -> None:
    """Set the language of what this command prints."""
    from offset.common import messages

    if lang is not None and lang.strip().lower()[:2] not in messages.LANGS:
        raise typer.BadParameter(f"unknown language {lang!r}; choose ja or en")
    messages.set_language(messages.detect(lang))


def choose_factor_year(rule: str | None) -> FactorYear | None:
    """The --factor-year rule, checked (None: the scenario's, else the default)."""
    from offset.factors.years import FACTOR_YEARS

    if rule is None:
        return None
    if rule not in FACTOR_YEARS:
        raise typer.BadParameter(f"unknown rule {rule!r}; choose {' or '.join(FACTOR_YEARS)}")
    return cast("FactorYear", rule)


def choose_csv_encoding(encoding: str) -> str:
    """The --csv-encoding, checked (the names are Python's codecs)."""
    from offset.documents.output import CSV_ENCODINGS

    name = encoding.strip().lower().replace("_", "-")
    aliases = {"shift-jis": "cp932", "sjis": "cp932", "utf8": "utf-8", "utf-8-bom": "utf-8-sig"}
    name = aliases.get(name, name)
    if name not in CSV_ENCODINGS:
        raise typer.BadParameter(
            f"unknown encoding {encoding!r}; choose {', '.join(CSV_ENCODINGS)}"
        )
    return name
