"""a retirement's use: purpose, offset target and place, claim FY, recorded override

Transactions gain the columns a retirement's use is recorded in (`uses.py`): J-Credit's purpose
(用途), the offset target and its place (a JIS code), the FY the retirement is claimed for, and
the registry's reason when it overrides a use rule. All are NULL on the entries written before;
the chain body leaves a NULL one out (`chain.OPTIONAL_COLUMNS`), so their hashes still hold.
Issuances get a partial index by class, for where a class's credits were created.

The columns are added in place (no table copy on SQLite), so the guards' triggers stay.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

INDEX = "ix_transactions_issues"
NEW_COLUMNS = (
    sa.Column("purpose", sa.String(), nullable=True),
    sa.Column("offset_target", sa.String(), nullable=True),
    sa.Column("offset_place", sa.String(), nullable=True),
    sa.Column("claim_fy", sa.Integer(), nullable=True),
    sa.Column("rule_override", sa.String(), nullable=True),
)


def upgrade() -> None:
    # A database stamped back to an earlier revision may hold them already (the guard tests).
    inspector = sa.inspect(op.get_bind())
    present = {c["name"] for c in inspector.get_columns("transactions")}
    for column in NEW_COLUMNS:
        if column.name not in present:
            op.add_column("transactions", column)
    if any(i["name"] == INDEX for i in inspector.get_indexes("transactions")):
        return
    op.create_index(
        INDEX,
        "transactions",
        ["class_id", "seq"],
        sqlite_where=sa.text("kind = 'issue'"),
        postgresql_where=sa.text("kind = 'issue'"),
    )


def downgrade() -> None:
    op.drop_index(INDEX, table_name="transactions")
    for column in reversed(NEW_COLUMNS):
        op.drop_column("transactions", column.name)
