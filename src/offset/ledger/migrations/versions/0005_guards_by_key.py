"""guard queries whose cost does not grow with the ledger

Two PostgreSQL guards are installed again with new queries (`guards.py`): the balance check
reads only the postings its statement inserted, and the chain head's check finds the entry at
the head by its primary key. PL/pgSQL keeps a query's plan for the session, made the first few
times it runs: made while the tables were small, the old queries went on scanning every posting
of the ledger's first transactions and every entry of the day, at every commit. SQLite's
triggers are unchanged.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03
"""

from __future__ import annotations

from alembic import op

from offset.ledger import guards

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

REPLACED = ("offset_check_balanced", "offset_head_is_last")


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for name in REPLACED:
            op.execute(guards.postgresql_function(name))


def downgrade() -> None:
    """The old queries gave the same answers, more slowly: nothing to undo."""
