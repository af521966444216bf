"""A small ledger served over HTTP, on SQLite and on the PostgreSQL server, for the attack suite:
two towns with holding accounts, an issuance to one of them, and an API key for each party."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from offset.api import keys
from offset.api.app import create_app
from offset.ledger import Ledger
from tests.api.conftest import world  # noqa: F401  (the scenario-run world, for the dashboard)
from tests.ledger.conftest import db_url, pg_schema  # noqa: F401  (db_url: SQLite and PostgreSQL)

SETUP: list[dict[str, Any]] = [
    {"op": "open_party", "party": "ina", "kind": "municipality", "name": "伊那市"},
    {"op": "open_party", "party": "shinjuku", "kind": "municipality", "name": "新宿区"},
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
]


@dataclass
class Town:
    book: Ledger
    client: TestClient
    keys: dict[str, str]

    def headers(self, who: str, key: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.keys[who]}", "Idempotency-Key": key}

    def history(self) -> tuple[int, ...]:
        """Transactions, accounts, parties and the sum of every balance's absolute value: any
        write changes one of them."""
        with self.book.engine.connect() as conn:
            return tuple(
                int(conn.execute(text(sql)).scalar_one())
                for sql in (
                    "SELECT COUNT(*) FROM transactions",
                    "SELECT COUNT(*) FROM accounts",
                    "SELECT COUNT(*) FROM parties",
                    "SELECT COALESCE(SUM(ABS(quantity)), 0) FROM balances",
                )
            )


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def town(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Town]:
    root: Path = tmp_path_factory.mktemp("town")
    urls = iter([f"sqlite:///{root / 'ledger.db'}"]) if request.param == "sqlite" else pg_schema()
    book = Ledger.open(next(urls))
    assert {r.status for r in book.apply(SETUP)} == {"ok"}
    made = {p: keys.create(book.engine, p)[1] for p in ("ina", "shinjuku", "registry")}
    yield Town(book, TestClient(create_app(book)), made)
    book.engine.dispose()
    for _ in urls:  # finish the generator: drops the PostgreSQL schema
        pass
