"""`offset db upgrade` builds exactly the schema the models describe, idempotently."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine

from offset.ledger import Ledger, api, database
from offset.ledger.database import HEAD_REVISION, alembic_config, at_head, connect, upgrade
from offset.ledger.schema import metadata


def test_migrated_schema_matches_the_models(ledger: Ledger) -> None:
    upgrade(ledger.engine)  # a second upgrade changes nothing
    with ledger.engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), metadata) == []


def test_the_head_revision_is_the_newest_migration() -> None:
    config = alembic_config(create_engine("sqlite://"))
    assert ScriptDirectory.from_config(config).get_current_head() == HEAD_REVISION


def test_opening_migrates_an_older_schema_and_leaves_a_current_one_alone(
    db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = connect(db_url)
    upgrade(engine, "0001")  # a ledger from before the API's tables
    assert not at_head(engine)
    book = Ledger.open(db_url)
    assert at_head(book.engine)
    assert Ledger.open(db_url).accounts() == []  # a current schema opens as it is

    def refuse(*_: object) -> None:
        raise AssertionError("a current schema was migrated again")

    monkeypatch.setattr(database, "upgrade", refuse)
    monkeypatch.setattr(api, "upgrade", refuse)
    assert Ledger.open(db_url).accounts() == []
    book.engine.dispose()
    engine.dispose()
