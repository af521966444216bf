"""Options more than one command takes, declared once."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

StrictFactors = Annotated[
    bool,
    typer.Option(
        "--strict-factors",
        help="Refuse rows that used a factor of an earlier FY or an unverified value",
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
    str | None,
    typer.Option("--sheet", help="Excel sheet to read (default: the first)"),
]
ColumnMap = Annotated[
    Path | None,
    typer.Option(
        "--columns",
        help='Your header -> offset column, a TOML [columns] table ("設置場所" = "municipality")',
    ),
]


def choose_language(lang: str | None) -> None:
    """Set the language of what this command prints."""
    from offset import messages

    if lang is not None and lang.strip().lower()[:2] not in messages.LANGS:
        raise typer.BadParameter(f"unknown language {lang!r}; choose ja or en")
    messages.set_language(messages.detect(lang))
