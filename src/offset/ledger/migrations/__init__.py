"""Alembic migrations of the ledger schema (`offset db upgrade`)."""
