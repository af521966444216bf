"""btree_gist in the public schema

Revision 0001 creates the extension where the ledger's tables are (the first schema on the search
path) unless the database has it already. Several ledgers in one database, one schema each, then
share the first one's extension, and dropping that ledger's schema silently drops the overlap
guard (an exclusion constraint) of every other. A ledger that created the extension in its own
schema moves it to `public`, which no ledger drops.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28
"""

from __future__ import annotations

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

MOVE_TO_PUBLIC = """
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_extension
               WHERE extname = 'btree_gist' AND extnamespace = current_schema()::regnamespace)
       AND current_schema() <> 'public' THEN
        ALTER EXTENSION btree_gist SET SCHEMA public;
    END IF;
END $$
"""


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(MOVE_TO_PUBLIC)


def downgrade() -> None:
    """Nothing to undo: where the extension lives does not change the schema."""
