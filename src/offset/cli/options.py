"""Options more than one command takes, declared once."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, cast

import typer

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


def choose_factor_year(rule: str | None) -> FactorYear | None:
    """The --factor-year rule, checked (None: the scenario's, else the default)."""
    from offset.factors.years import FACTOR_YEARS

    if rule is None:
        return None
    if rule not in FACTOR_YEARS:
        raise typer.BadParameter(f"unknown rule {rule!r}; choose {' or '.join(FACTOR_YEARS)}")
    return cast("FactorYear", rule)
