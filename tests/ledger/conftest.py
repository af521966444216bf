"""Ledger fixtures: every test runs on SQLite and on the PostgreSQL server at 127.0.0.1:5432."""

from __future__ import annotations

import functools
import os
import re
import shutil
import sqlite3
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, make_url, text

from offset.ledger import Ledger
from offset.ledger.verify import columns

# The machine's PostgreSQL (trust auth); .ci/run starts it. Override with OFFSET_TEST_PG.
PG_SERVER = os.environ.get("OFFSET_TEST_PG", "postgresql+psycopg://root@127.0.0.1:5432/test")


@pytest.fixture(autouse=True)
def columnar(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every range of any size checked by the columnar chain pass (`verify/columnar.py`), as a
    large ledger's are: every test of `verify` here checks its words and tags.
    `test_tamper_columnar.py` compares it with the row pass on every forgery."""
    monkeypatch.setattr(columns, "COLUMNS_FROM", 1)


@functools.cache
def shared_extension() -> None:
    """btree_gist in `public` before any ledger is made. Each ledger's first migration creates
    it when the database has none; two test workers (pytest-xdist) doing so at once collide on
    the catalogue's unique name. One creation under a lock, once per process, avoids that."""
    admin = create_engine(PG_SERVER)
    with admin.begin() as conn:  # the lock is held until this transaction commits
        conn.execute(text("SELECT pg_advisory_xact_lock(hashtext('offset-tests-btree_gist'))"))
        conn.execute(text("CREATE EXTENSION IF NOT EXISTS btree_gist SCHEMA public"))
    admin.dispose()


def pg_schema() -> Iterator[str]:
    """A fresh schema per test: isolated, dropped afterwards."""
    shared_extension()
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_SERVER, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    try:
        yield f"{PG_SERVER}?options=-csearch_path%3D{schema}"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


SCHEMA_OF_URL = re.compile(r"search_path%3D(\w+)$")
SCHEMA_HOLE = "__schema__"


def pg_dump(url: str) -> str | None:
    """The schema of `url` (a `pg_schema()` URL) as the SQL that makes it again, its tables,
    rows, functions and triggers, with the schema's name left out (`pg_schema_from` puts
    another's in); None without a `pg_dump` that can read the server (one of another major
    version refuses): then each test builds its own. Copying a schema leaves the server's
    databases alone: no checkpoint, unlike a database copied from a template and dropped."""
    program = shutil.which("pg_dump")
    if program is None:
        return None
    found = SCHEMA_OF_URL.search(url)
    assert found is not None, url
    schema = found.group(1)
    server = make_url(PG_SERVER)
    done = subprocess.run(
        [
            *(program, "--schema", schema, "--no-owner", "--no-privileges", "--inserts"),
            *("--dbname", server.database or "postgres", "--host", server.host or "127.0.0.1"),
            *("--port", str(server.port or 5432), "--username", server.username or "postgres"),
        ],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, **({"PGPASSWORD": server.password} if server.password else {})},
    )
    if done.returncode != 0:
        return None
    lines = [
        line
        for line in done.stdout.splitlines()
        # comments, psql's own commands (\restrict), the schema (`pg_schema_from` makes it)
        # and the dump's empty search path (every name it writes is qualified)
        if not line.startswith(("--", "\\", "CREATE SCHEMA", "SELECT pg_catalog.set_config"))
    ]
    script = "\n".join(lines).replace(f"{schema}.", f"{SCHEMA_HOLE}.")
    assert schema not in script, "the dump names the schema unqualified"
    return script


def pg_restore(url: str, script: str) -> None:
    """Make in the empty schema of `url` (a `pg_schema()` URL) what `pg_dump` wrote: one round
    trip, without migrating and writing the ledger again."""
    found = SCHEMA_OF_URL.search(url)
    assert found is not None, url
    admin = create_engine(PG_SERVER)
    raw = admin.raw_connection()
    try:  # no parameters: psycopg sends the statements as they are, all in one
        driver = raw.driver_connection
        assert driver is not None
        driver.execute(script.replace(SCHEMA_HOLE, found.group(1)))
        raw.commit()
    finally:
        raw.close()
        admin.dispose()


def pg_schema_from(script: str) -> Iterator[str]:
    """`pg_schema()` holding what `pg_dump` wrote of another (`pg_restore`)."""
    for url in pg_schema():
        pg_restore(url, script)
        yield url


@pytest.fixture(scope="session")
def new_postgresql_ledger() -> str | None:
    """A new ledger on PostgreSQL (migrated, its first entries) as `pg_dump` writes it, for
    `ledger` to make again per test."""
    schemas = pg_schema()
    url = next(schemas)
    try:
        Ledger.open(url).engine.dispose()
        return pg_dump(url)
    finally:
        next(schemas, None)  # dropped


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'ledger.db'}"
    else:
        yield from pg_schema()


@pytest.fixture(scope="session")
def new_sqlite_ledger(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A new ledger on SQLite (migrated, its first entries), closed, for `ledger` to copy."""
    made = tmp_path_factory.mktemp("new-ledger") / "ledger.db"
    Ledger.open(f"sqlite:///{made}").engine.dispose()
    return made


@pytest.fixture
def ledger(db_url: str, request: pytest.FixtureRequest) -> Iterator[Ledger]:
    """A new ledger, a copy of one migrated once per process: the file on SQLite, what
    `pg_dump` wrote on PostgreSQL (a test of migrating opens `db_url` itself)."""
    if db_url.startswith("sqlite"):
        shutil.copy(request.getfixturevalue("new_sqlite_ledger"), make_url(db_url).database or "")
    else:
        script = request.getfixturevalue("new_postgresql_ledger")
        if script is not None:
            pg_restore(db_url, script)
    book = Ledger.open(db_url)
    yield book
    book.engine.dispose()


ISSUE_LINES: list[dict[str, Any]] = [
    # The lines of the ledger issue, as written there.
    {"op": "open_account", "account": "ina/holding", "party": "ina", "kind": "holding"},
    {"op": "open_account", "account": "shinjuku/holding", "party": "shinjuku", "kind": "holding"},
    {
        "op": "issue",
        "id": "t1",
        "to": "ina/holding",
        "instrument": "J-Credit",
        "project": "ina-forest",
        "vintage": 2024,
        "quantity": 120,
        "buffer": 6,
    },
    {
        "op": "transfer",
        "id": "t2",
        "from": "ina/holding",
        "to": "shinjuku/holding",
        "project": "ina-forest",
        "vintage": 2024,
        "quantity": 50,
    },
    {
        "op": "retire",
        "id": "t3",
        "from": "shinjuku/holding",
        "project": "ina-forest",
        "vintage": 2024,
        "quantity": 20,
        "beneficiary": "Shinjuku City",
        "reason": "FY2024 offset",
    },
    {"op": "reverse", "id": "t4", "of": "t2", "quantity": 10},
]


def holdings(book: Ledger) -> dict[str, int]:
    return {r.account: r.quantity for r in book.balances()}


def serial_blocks(book: Ledger) -> list[tuple[int, str, int, int]]:
    """(class, account, start, stop) of every serial block, by class and start."""
    with book.engine.connect() as conn:
        rows = conn.execute(
            text("SELECT class_id, account_id, start, stop FROM blocks ORDER BY class_id, start")
        )
        return [(int(c), str(a), int(s), int(e)) for c, a, s, e in rows]


def seq_of(book: Ledger, tx_id: str) -> int:
    with book.engine.connect() as conn:
        found = conn.execute(text("SELECT seq FROM transactions WHERE id = :i"), {"i": tx_id})
        return int(found.scalar_one())


def history(book: Ledger) -> list[tuple[object, ...]]:
    """What the history records, entry by entry, without what differs between two ledgers fed
    the same operations (their identities, the times of recording, and so every hash)."""
    with book.engine.connect() as conn:
        entries = conn.execute(
            text(
                "SELECT seq, id, kind, effective_date, quantity, from_account, to_account,"
                " operation FROM transactions WHERE kind <> 'genesis' ORDER BY seq"
            )
        ).all()
        postings = conn.execute(
            text(
                "SELECT tx_seq, account_id, class_id, amount, balance_after FROM postings"
                " ORDER BY tx_seq, account_id"
            )
        ).all()
        events = conn.execute(
            text(
                "SELECT tx_seq, class_id, start, stop, from_account, to_account FROM block_events"
                " ORDER BY tx_seq, class_id, start"
            )
        ).all()
    header = [(*r[:3], str(r[3]), *r[4:]) for r in entries]  # SQLite: dates as text
    return [tuple(r) for r in [*header, *postings, *events]]


def behind_the_triggers(book: Ledger, *statements: str) -> None:
    """What someone with full database access could still do: the statements with every
    trigger off (SQLite: a plain sqlite3 connection, foreign keys off as is its default, the
    triggers dropped and put back; PostgreSQL: replication role, which skips them)."""
    if book.sqlite:
        raw = sqlite3.connect(str(book.engine.url.database), isolation_level=None)
        try:
            triggers = raw.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'trigger'"
            ).fetchall()
            raw.execute("BEGIN")
            for name, _ in triggers:
                raw.execute(f"DROP TRIGGER {name}")
            for statement in statements:
                raw.execute(statement)
            for _, sql in triggers:
                raw.execute(sql)
            raw.execute("COMMIT")
        finally:
            raw.close()
    else:
        with book.engine.begin() as conn:
            conn.execute(text("SET LOCAL session_replication_role = replica"))  # triggers off
            for statement in statements:
                conn.execute(text(statement))
