"""guard queries whose cost does not grow with the ledger; the head moves from itself

Guards installed again with new queries (`guards.py`). PostgreSQL: the balance check reads only
the postings its statement inserted, and the chain head's guard finds the entry at the head by
its primary key. PL/pgSQL keeps a query's plan for the session, made the first few times it
runs: made while the tables were small, the old queries went on scanning every posting of the
ledger's first transactions and every entry of the day, at every commit. Both databases: the
chain head's guard also requires the entry after the head it leaves to link to it, so entries
written on a head that is no longer there (a writer that presumed it) never become the head; and
the index of blocks by account and stop goes (no query has used it since blocks are merged in
memory; every block written paid for it).

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
SQLITE_REPLACED = ("ledger_head_is_last",)


def upgrade() -> None:
    op.drop_index("ix_blocks_account_class_stop", table_name="blocks", if_exists=True)
    if op.get_bind().dialect.name == "postgresql":
        for name in REPLACED:
            op.execute(guards.postgresql_function(name))
        return
    for name in SQLITE_REPLACED:
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute(guards.sqlite_trigger(name))


def downgrade() -> None:
    """Nothing to undo: the old guards refused less, and more slowly; the index was unused."""
