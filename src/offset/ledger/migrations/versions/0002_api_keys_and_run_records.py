"""api keys and run records

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "agreement_fulfilment",
        sa.Column("agreement", sa.String(), nullable=False),
        sa.Column("fy", sa.Integer(), nullable=False),
        sa.Column("committed", sa.Integer(), nullable=False),
        sa.Column("carried_in", sa.Integer(), nullable=False),
        sa.Column("delivered", sa.Integer(), nullable=False),
        sa.Column("retired", sa.Integer(), nullable=False),
        sa.Column("shortfall", sa.Integer(), nullable=False),
        sa.Column("carried_out", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("agreement", "fy"),
    )
    op.create_table(
        "agreements",
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("scenario", sa.String(), nullable=False),
        sa.Column("title", sa.String(), nullable=False),
        sa.Column("provider", sa.String(), nullable=False),
        sa.Column("beneficiary", sa.String(), nullable=False),
        sa.Column("others", sa.String(), nullable=False),
        sa.Column("projects", sa.String(), nullable=False),
        sa.Column("first_fy", sa.Integer(), nullable=False),
        sa.Column("last_fy", sa.Integer(), nullable=False),
        sa.Column("volume", sa.String(), nullable=False),
        sa.Column("delivery", sa.String(), nullable=False),
        sa.Column("price_jpy_per_t", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("name"),
    )
    with op.batch_alter_table("agreements", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_agreements_scenario"), ["scenario"], unique=False)

    op.create_table(
        "reductions",
        sa.Column("scenario", sa.String(), nullable=False),
        sa.Column("project", sa.String(), nullable=False),
        sa.Column("fy", sa.Integer(), nullable=False),
        sa.Column("municipality", sa.String(), nullable=False),
        sa.Column("owner", sa.String(), nullable=False),
        sa.Column("method", sa.String(), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("reduction_tco2e", sa.Float(), nullable=False),
        sa.Column("creditable_tco2e", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("scenario", "project", "fy", "municipality"),
    )
    with op.batch_alter_table("reductions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_reductions_owner"), ["owner"], unique=False)

    op.create_table(
        "api_keys",
        sa.Column("id", sa.String(), nullable=False),
        sa.Column("party_id", sa.String(), nullable=False),
        sa.Column("key_hash", sa.String(), nullable=False),
        sa.Column("label", sa.String(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["party_id"],
            ["parties.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("key_hash"),
    )
    with op.batch_alter_table("api_keys", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_api_keys_party_id"), ["party_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("api_keys", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_api_keys_party_id"))

    op.drop_table("api_keys")
    with op.batch_alter_table("reductions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_reductions_owner"))

    op.drop_table("reductions")
    with op.batch_alter_table("agreements", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_agreements_scenario"))

    op.drop_table("agreements")
    op.drop_table("agreement_fulfilment")
