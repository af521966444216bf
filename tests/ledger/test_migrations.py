"""`offset db upgrade` builds exactly the schema the models describe, idempotently."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from offset.ledger import Ledger
from offset.ledger.database import upgrade
from offset.ledger.schema import metadata


def test_migrated_schema_matches_the_models(ledger: Ledger) -> None:
    upgrade(ledger.engine)  # a second upgrade changes nothing
    with ledger.engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), metadata) == []
