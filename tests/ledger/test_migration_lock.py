"""Two processes opening a new ledger at once (`offset serve --workers N`, two servers behind a
load balancer, a server and a CLI command) migrate it one after the other: the second waits for
the first's migration lock, then finds the schema at its head and changes nothing. On
PostgreSQL (an advisory lock) and SQLite (the write lock its BEGIN IMMEDIATE takes)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from offset.ledger import Ledger
from offset.ledger.database import HEAD_REVISION
from tests.ledger import processes as ledger_processes
from tests.ledger.conftest import pg_schema

OPENERS = 3


@pytest.fixture(params=["sqlite", "postgresql"])
def new_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'new.db'}"
    else:
        yield from pg_schema()


def _entries(book: Ledger) -> int:
    with book.engine.connect() as conn:
        return int(conn.execute(text("SELECT COUNT(*) FROM transactions")).scalar() or 0)


def test_ledgers_opened_at_once_are_migrated_once(new_url: str, tmp_path: Path) -> None:
    context = ledger_processes.context()  # processes that opened no ledger, as servers are
    start = context.Barrier(OPENERS)
    answers = context.Queue()
    processes = [
        context.Process(target=ledger_processes.open_new, args=(new_url, start, answers))
        for _ in range(OPENERS)
    ]
    for process in processes:
        process.start()
    said = sorted(answers.get(timeout=300) for _ in processes)
    for process in processes:
        process.join(timeout=60)
    assert said == ["opened"] * OPENERS
    alone = Ledger.open(f"sqlite:///{tmp_path / 'alone.db'}")  # opened by one process
    first = _entries(alone)
    alone.engine.dispose()
    book = Ledger.open(new_url, migrate=False)
    try:
        with book.engine.connect() as conn:
            versions = conn.execute(text("SELECT version_num FROM alembic_version")).scalars()
            assert versions.all() == [HEAD_REVISION]
        assert first > 0
        assert _entries(book) == first  # the first entries written once, by one of them
        assert book.verify() == []
    finally:
        book.engine.dispose()
