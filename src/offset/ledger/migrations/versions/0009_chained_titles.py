"""titles: project and agreement titles, chained

The titles and creating places a certificate prints were run records (`projects`, `agreements`),
which `verify` did not check: an edit of the file printed a forged title. They are now recorded
by `describe` entries in the chain and derived into `titles`, which `verify` compares with them,
as it does parties. The run records' own title columns are no longer printed.

A ledger made before this revision has no `describe` entries: its titles are recorded by the
next run of its scenario (or programme); until then its outputs print the keys.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if "titles" in sa.inspect(op.get_bind()).get_table_names():
        return  # a database stamped back to an earlier revision (the guard tests)
    op.create_table(
        "titles",
        sa.Column("subject", sa.String(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("title", sa.String(), nullable=False),
        sa.Column("place_code", sa.String(), nullable=False),
        sa.Column("place_name", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("subject", "name"),
    )


def downgrade() -> None:
    op.drop_table("titles")
