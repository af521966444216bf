"""`offset db upgrade` builds exactly the schema the models describe, idempotently."""

from __future__ import annotations

import importlib

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, text

from offset.ledger import Ledger, api, database
from offset.ledger.database import HEAD_REVISION, alembic_config, at_head, connect, upgrade
from offset.ledger.schema import metadata
from tests.ledger.conftest import pg_schema


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


def test_dropping_one_ledgers_schema_leaves_anothers_overlap_guard() -> None:
    """Two ledgers in one PostgreSQL database, a schema each. Revision 0001 creates btree_gist
    in the first ledger's schema when the database has none; revision 0003 moves it to
    `public`, so that dropping that schema cannot drop the other ledger's exclusion constraint."""
    move = importlib.import_module("offset.ledger.migrations.versions.0003_shared_btree_gist")
    first, second = pg_schema(), pg_schema()
    a, b = Ledger.open(next(first)), Ledger.open(next(second))
    where = "SELECT extnamespace::regnamespace::text FROM pg_extension WHERE extname = 'btree_gist'"
    try:
        with a.engine.begin() as conn:
            schema = conn.execute(text("SELECT current_schema()")).scalar_one()
            conn.execute(text(f"ALTER EXTENSION btree_gist SET SCHEMA {schema}"))  # as 0001 can
            conn.execute(text(move.MOVE_TO_PUBLIC))
            assert conn.execute(text(where)).scalar_one() == "public"
        a.engine.dispose()
        next(first, None)  # drops the first ledger's schema
        assert b.verify() == []  # the guards of the second are all there
    finally:
        a.engine.dispose()
        b.engine.dispose()
        next(first, None)
        next(second, None)
