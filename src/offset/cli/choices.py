"""Names the CLI shows in its help before it loads what they name: building the help must not
import pandas and the methods (tests/test_cli.py checks these against the registries)."""

from __future__ import annotations

METHOD_NAMES = (
    "solar",
    "renovation",
    "forest",
    "forest-stock",
    "savings",
)  # `offset.methods.METHODS`
DUPLICATES = ("refuse", "first", "keep")  # `offset.intake.identity.DUPLICATES`
