"""ledger v2: every printed field a column, reference data chained, stronger guards

Transactions gain the columns outputs read (from and to, beneficiary, reason, claim period,
buffer, source), and their id becomes optional: reference entries (the genesis, parties,
accounts and their status, credit classes) are chained in the same table without one. The
guards of revision 0001 are replaced by those of `guards.py`. A table keeps the verified state
at each checkpoint (what incremental verification starts from).

The hash of a v2 entry covers all of that, so a ledger that already holds v1 history cannot be
upgraded in place without re-chaining it; it is refused with the way out (replay its operations
into a new ledger), and nothing is changed.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from offset.ledger import guards
from offset.ledger.database import V1History

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

V1_SQLITE_TRIGGERS = (
    *(f"{t}_{a}_refused" for t in guards.HISTORY_TABLES for a in ("update", "delete")),
    "postings_only_before_header",
    "transactions_balanced",
    "blocks_no_overlap",
    "blocks_no_overlap_update",
)
V1_HISTORY = (
    "this ledger holds {n} history entries in the v1 format, whose hashes do not cover what v2"
    " checks; it is left unchanged. Replay its operations into a new ledger:"
    " `offset ledger --db NEW_URL replay --from OLD_URL`"
)
NEW_COLUMNS = (
    sa.Column("buffer", sa.BigInteger(), nullable=False, server_default="0"),
    sa.Column("from_account", sa.String(), nullable=True),
    sa.Column("to_account", sa.String(), nullable=True),
    sa.Column("beneficiary", sa.String(), nullable=True),
    sa.Column("reason", sa.String(), nullable=True),
    sa.Column("claim_period", sa.String(), nullable=True),
    sa.Column("source", sa.String(), nullable=True),
)


def upgrade() -> None:
    bind = op.get_bind()
    held = int(bind.execute(sa.text("SELECT COUNT(*) FROM transactions")).scalar_one())
    if held:
        raise V1History(V1_HISTORY.format(n=held))
    sqlite = bind.dialect.name == "sqlite"
    if sqlite:
        for name in V1_SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    else:
        op.execute("DROP FUNCTION IF EXISTS offset_append_only() CASCADE")
        op.execute("DROP FUNCTION IF EXISTS offset_check_balanced() CASCADE")
        op.execute("ALTER TABLE blocks DROP CONSTRAINT IF EXISTS blocks_no_overlap")
    with op.batch_alter_table("transactions", schema=None) as batch_op:
        batch_op.alter_column("id", existing_type=sa.String(), nullable=True)
        for column in NEW_COLUMNS:
            batch_op.add_column(column)
    op.create_table(
        "verified_states",
        sa.Column("seq", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("digest", sa.String(), nullable=False),
        sa.Column("state", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("seq"),
    )
    for statement in guards.SQLITE if sqlite else guards.POSTGRESQL:
        op.execute(statement)


def downgrade() -> None:
    raise NotImplementedError("v2 history cannot be written in the v1 format")
