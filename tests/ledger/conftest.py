"""Ledger fixtures: every test runs on SQLite and on the PostgreSQL server at 127.0.0.1:5432."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text

from offset.ledger import Ledger

# The machine's PostgreSQL (trust auth); .ci/run starts it. Override with OFFSET_TEST_PG.
PG_SERVER = os.environ.get("OFFSET_TEST_PG", "postgresql+psycopg://root@127.0.0.1:5432/test")


def pg_schema() -> Iterator[str]:
    """A fresh schema per test: isolated, dropped afterwards."""
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_SERVER, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    try:
        yield f"{PG_SERVER}?options=-csearch_path%3D{schema},public"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'ledger.db'}"
    else:
        yield from pg_schema()


@pytest.fixture
def ledger(db_url: str) -> Iterator[Ledger]:
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
    return {r["account"]: r["quantity"] for r in book.balances()}


def serial_blocks(book: Ledger) -> list[tuple[str, int, int]]:
    """(account, start, stop) of every serial block, by start."""
    with book.engine.connect() as conn:
        rows = conn.execute(text("SELECT account_id, start, stop FROM blocks ORDER BY start"))
        return [(str(a), int(s), int(e)) for a, s, e in rows]
