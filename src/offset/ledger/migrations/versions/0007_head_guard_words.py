"""the chain head's guard says what it guards, naming no code

PostgreSQL: the chain head's guard function (`guards.py`, `offset_head_is_last`) installed
again. Its comment named a method of the writer that no longer exists: a name of the program's
code kept in the database, where it goes stale with every rename. The function's logic is
unchanged; `verify` compares each guard's definition with `guards.py`, so a ledger still at 0006
is told until it is upgraded. SQLite's guards held no such name: nothing changes there.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07
"""

from __future__ import annotations

from alembic import op

from offset.ledger import guards

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

REPLACED = ("offset_head_is_last",)


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for name in REPLACED:
            op.execute(guards.postgresql_function(name))


def downgrade() -> None:
    """Nothing to undo: only the guard's comment changed."""
