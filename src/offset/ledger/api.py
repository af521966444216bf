"""The ledger's Python API: everything the CLI and, later, the HTTP API call."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Engine

from offset.ledger import queries, records  # noqa: F401  (records: tables beside the ledger's)
from offset.ledger.database import DEFAULT_URL, at_head, connect, reading, upgrade
from offset.ledger.export import EXPORTS
from offset.ledger.verify import verify
from offset.ledger.writer import Writer


class Ledger(Writer):
    """A ledger on one database: `apply` changes it; the other methods only read."""

    @classmethod
    def open(cls, url: str = DEFAULT_URL, *, migrate: bool = True, **engine_options: Any) -> Ledger:
        engine = connect(url, **engine_options)
        if migrate and not at_head(engine):
            upgrade(engine)
        return cls(engine)

    @classmethod
    def on(cls, engine: Engine) -> Ledger:
        return cls(engine)

    def balances(
        self, as_of: dt.date | None = None, account: str | None = None
    ) -> list[dict[str, Any]]:
        with reading(self.engine) as conn:
            return queries.balances(conn, as_of, account)

    def accounts(self) -> list[dict[str, Any]]:
        with reading(self.engine) as conn:
            return queries.accounts(conn)

    def agreement_transactions(self, agreement: str) -> list[dict[str, Any]]:
        with reading(self.engine) as conn:
            return queries.agreement_transactions(conn, agreement)

    def statement(
        self, account: str, start: dt.date | None = None, end: dt.date | None = None
    ) -> list[dict[str, Any]]:
        with reading(self.engine) as conn:
            return queries.statement(conn, account, start, end)

    def serial(self, project: str, vintage: int, serial: int) -> dict[str, Any]:
        with reading(self.engine) as conn:
            return queries.serial_history(conn, project, vintage, serial)

    def certificate(self, tx_id: str) -> str:
        with reading(self.engine) as conn:
            return queries.certificate(conn, tx_id)

    def verify(self, workers: int | None = None) -> list[str]:
        """Every discrepancy, in words. The hash chain is checked in `workers` processes (None:
        one per CPU, up to 8, for ledgers of 100,000 transactions or more, 300,000 in a process
        running other threads; an in-memory SQLite database is always checked in this
        process)."""
        url = self.engine.url
        in_memory = self.sqlite and url.database in (None, "", ":memory:")
        shared = None if in_memory else url.render_as_string(hide_password=False)
        with self.engine.connect() as conn:
            return verify(conn, shared, workers)

    def export(self, fmt: str) -> str:
        with reading(self.engine) as conn:
            return EXPORTS[fmt](conn)
