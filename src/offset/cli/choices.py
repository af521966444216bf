"""Names the CLI shows in its help before it loads what they name: building the help must not
import pandas, the methods or SQLAlchemy (tests/test_cli.py checks these against the
registries)."""

from __future__ import annotations

METHOD_NAMES = (
    "solar",
    "renovation",
    "forest",
    "forest-stock",
    "savings",
)  # `offset.methods.METHODS`
DUPLICATES = ("refuse", "first", "keep", "strict")  # `offset.intake.identity.DUPLICATES`
LEDGER_URL = "sqlite:///offset.db"  # `offset.ledger.database.DEFAULT_URL`
EXPORT_FORMATS = ("beancount", "offsets-db")  # `offset.ledger.export.EXPORTS`
