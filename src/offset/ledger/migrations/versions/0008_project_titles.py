"""projects: a project's title and creating place, stored by its scenario's run

Outputs printed a project by its key (`matsumoto-pv`); a run now stores each project's title and
the municipality its credits are created in, beside the agreements' titles (run records, not
ledger history: replaced by each run of their scenario).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if "projects" in sa.inspect(op.get_bind()).get_table_names():
        return  # a database stamped back to an earlier revision (the guard tests)
    op.create_table(
        "projects",
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("scenario", sa.String(), nullable=False),
        sa.Column("title", sa.String(), nullable=False),
        sa.Column("place_code", sa.String(), nullable=False),
        sa.Column("place_name", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )
    with op.batch_alter_table("projects", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_projects_scenario"), ["scenario"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("projects", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_projects_scenario"))
    op.drop_table("projects")
