"""`offset db upgrade` builds exactly the schema the models describe, idempotently."""

from __future__ import annotations

import datetime as dt
import importlib
import re
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, text
from typer.testing import CliRunner

from offset.cli.app import app
from offset.ledger import Ledger, database, guards
from offset.ledger import ledger as ledger_module
from offset.ledger.database import (
    HEAD_REVISION,
    V1History,
    alembic_config,
    at_head,
    connect,
    upgrade,
)
from offset.ledger.schema import metadata
from tests.ledger.conftest import pg_schema


def test_migrated_schema_matches_the_models(db_url: str) -> None:
    ledger = Ledger.open(db_url)  # migrated here (the `ledger` fixture copies one on PostgreSQL)
    upgrade(ledger.engine)  # a second upgrade changes nothing
    with ledger.engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), metadata) == []
    ledger.engine.dispose()


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
    assert Ledger.open(db_url).accounts() == []  # a current schema opens as it is (no accounts
    # yet: the registry's party is the genesis's)

    def refuse(*_: object) -> None:
        raise AssertionError("a current schema was migrated again")

    monkeypatch.setattr(database, "upgrade", refuse)
    monkeypatch.setattr(ledger_module, "upgrade", refuse)
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


V1_ROWS = [
    "INSERT INTO parties (id, kind, name) VALUES ('ina', 'municipality', '伊那市'),"
    " ('shinjuku', 'unspecified', ''), ('registry', 'registry', '')",
    "INSERT INTO accounts (id, party_id, kind, status) VALUES ('ina/holding', 'ina', 'holding',"
    " 'open'), ('shinjuku/holding', 'shinjuku', 'holding', 'suspended')",
    *(
        "INSERT INTO transactions (seq, id, kind, effective_date, fiscal_year, recorded_at, memo,"
        " quantity, content_hash, operation, prev_hash, hash) VALUES"
        f" ({seq}, '{tx}', '{kind}', '{day}', 2024, '2025-01-01 00:00:00', '', 0, 'x', '{op}', '', 'x')"
        for seq, tx, kind, day, op in [
            (
                1,
                "t1",
                "issue",
                "2025-03-31",
                '{"op":"issue","id":"t1","to":"ina/holding","instrument":"J-Credit",'
                '"project":"ina-forest","vintage":2024,"quantity":120,"buffer":6}',
            ),
            (
                2,
                "t2",
                "transfer",
                "2025-06-01",
                '{"op":"transfer","id":"t2","from":"ina/holding","to":"shinjuku/holding",'
                '"project":"ina-forest","vintage":2024,"quantity":50}',
            ),
        ]
    ),
]


def test_a_v1_ledger_with_history_is_refused_unchanged_and_replayed(
    db_url: str, tmp_path: Path
) -> None:
    """v2 hashes cover what v1's did not, so a v1 ledger that holds history is not upgraded in
    place (that would re-chain it): `Ledger.open` says so and changes nothing, and `offset
    ledger replay` copies its operations into a new ledger, each on its own day."""
    engine = connect(db_url)
    upgrade(engine, "0003")
    with engine.begin() as conn:
        for statement in V1_ROWS:
            conn.exec_driver_sql(statement)
    with pytest.raises(V1History, match="holds 2 history entries in the v1 format"):
        Ledger.open(db_url)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == "0003"
    refused = CliRunner().invoke(app, ["ledger", "--db", db_url, "balances"])
    assert refused.exit_code == 2
    assert "replay --from" in refused.output
    target = f"sqlite:///{tmp_path / 'v2.db'}"
    replayed = CliRunner().invoke(app, ["ledger", "--db", target, "replay", "--from", db_url])
    assert replayed.exit_code == 0, replayed.output
    book = Ledger.open(target)
    assert {(b.account, b.quantity) for b in book.balances()} == {
        ("issuance:ina-forest", -120),
        ("buffer:J-Credit", 6),
        ("ina/holding", 64),
        ("shinjuku/holding", 50),
    }
    assert [line.effective_date for line in book.statement("shinjuku/holding")] == [
        dt.date(2025, 6, 1)
    ]
    assert {a.id: a.status for a in book.accounts()}["shinjuku/holding"] == "suspended"
    assert book.verify() == []
    book.engine.dispose()
    engine.dispose()


# Guards as revision 0004 installed them, before 0005 (copies: what an older ledger holds).
BALANCE_CHECK_0004 = """CREATE OR REPLACE FUNCTION offset_check_balanced() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM postings WHERE tx_seq IN (SELECT tx_seq FROM new_postings)
               GROUP BY tx_seq, class_id HAVING SUM(amount) <> 0) THEN
        RAISE EXCEPTION 'unbalanced transaction: postings do not sum to zero per class';
    END IF;
    RETURN NULL;
END $$"""
HEAD_GUARD_0004_SQLITE = """CREATE TRIGGER ledger_head_is_last BEFORE UPDATE ON ledger_head
WHEN NEW.seq < OLD.seq OR NEW.seq IS NOT (SELECT MAX(seq) FROM transactions)
OR NOT EXISTS (SELECT 1 FROM transactions WHERE seq = NEW.seq AND hash = NEW.hash
AND effective_date = NEW.effective_date)
BEGIN SELECT RAISE(ABORT, 'the chain head moves only forward, to the last entry'); END"""


def test_a_ledger_at_0004_gets_the_guards_of_0005(db_url: str) -> None:
    """Revision 0005 installs guards again; a database still holding 0004's is told by
    `verify` until it is upgraded."""
    book = Ledger.open(db_url)
    with book.engine.begin() as conn:
        if book.sqlite:
            conn.execute(text("DROP TRIGGER ledger_head_is_last"))
            conn.execute(text(HEAD_GUARD_0004_SQLITE))
        else:
            conn.execute(text(BALANCE_CHECK_0004))
        conn.execute(text("UPDATE alembic_version SET version_num = '0004'"))
    name = "ledger_head_is_last" if book.sqlite else "offset_check_balanced"
    assert any(name in problem for problem in book.verify())
    book.engine.dispose()
    upgraded = Ledger.open(db_url)
    assert at_head(upgraded.engine)
    assert upgraded.verify() == []
    upgraded.engine.dispose()


# The chain head's guard as revisions 0005 and 0006 left it on PostgreSQL: its comment named the
# writer's method (what an older ledger holds).
OLD_HEAD_COMMENT = "(a writer that presumed it, `Writer._write_presumed`)"
NEW_HEAD_COMMENT = "(by a writer that presumed it was still there)"


def test_a_ledger_at_0006_gets_a_head_guard_that_names_no_code(db_url: str) -> None:
    """Revision 0007 installs the chain head's guard again, its comment naming no code (a
    Python name kept in the database goes stale with the code); a PostgreSQL ledger still
    holding 0006's is told by `verify` until it is upgraded."""
    current = guards.postgresql_function("offset_head_is_last")
    assert NEW_HEAD_COMMENT in current
    book = Ledger.open(db_url)
    with book.engine.begin() as conn:
        if not book.sqlite:
            conn.execute(text(current.replace(NEW_HEAD_COMMENT, OLD_HEAD_COMMENT)))
        conn.execute(text("UPDATE alembic_version SET version_num = '0006'"))
    if not book.sqlite:
        assert any("offset_head_is_last" in problem for problem in book.verify())
    book.engine.dispose()
    upgraded = Ledger.open(db_url)
    assert at_head(upgraded.engine)
    assert upgraded.verify() == []
    if not upgraded.sqlite:
        with upgraded.engine.connect() as conn:
            body = conn.execute(
                text(
                    "SELECT p.prosrc FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace"
                    " WHERE p.proname = 'offset_head_is_last' AND n.nspname = current_schema()"
                )
            ).scalar_one()
        assert "Writer" not in body
        assert NEW_HEAD_COMMENT in body
    upgraded.engine.dispose()


def test_no_guard_names_the_programs_code() -> None:
    """What the database keeps names no module, class or method of the program: renaming
    code must not leave stale words in every ledger (only a new revision changes a guard)."""
    comments = [c for s in [*guards.SQLITE, *guards.POSTGRESQL] for c in re.findall("--.*", s)]
    assert comments  # the guards do explain themselves
    for comment in comments:
        # SQL in a comment is fine (NEW.seq); a class, module or private name is not.
        code = r"`|\w\.py\b|\b(?!NEW\b|OLD\b)[A-Z]\w+\.\w+|\b_\w+"
        assert re.search(code, comment) is None, comment


def test_a_ledger_further_along_the_search_path_is_not_taken_for_its_own() -> None:
    """PostgreSQL, a schema each: a new ledger whose search path also names a schema holding
    another ledger (as `public` may) gets tables of its own, never the other's."""
    other, mine = pg_schema(), pg_schema()
    other_url, mine_url = next(other), next(mine)
    try:
        first = Ledger.open(other_url)
        first.apply([{"op": "open_party", "party": "ina", "kind": "municipality"}])
        other_schema = other_url.rsplit("%3D", 1)[1].split(",")[0]
        both = mine_url.replace(",public", f",{other_schema},public")
        second = Ledger.open(both)
        assert second.verify() == []
        with second.engine.connect() as conn:
            parties = conn.execute(text("SELECT id FROM parties ORDER BY id")).scalars().all()
        assert parties == ["registry"]  # its own, not the other's (which holds ina)
        for book in (first, second):
            book.engine.dispose()
    finally:
        next(other, None)
        next(mine, None)
