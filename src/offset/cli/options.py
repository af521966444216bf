"""Options more than one command takes, declared once."""

from __future__ import annotations

from typing import Annotated

import typer

StrictFactors = Annotated[
    bool,
    typer.Option(
        "--strict-factors",
        help="Refuse rows that used a factor of an earlier FY or an unverified value",
    ),
]
