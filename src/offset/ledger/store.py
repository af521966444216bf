"""The write path's database access: with `store_writes.py`, the only code that writes the
ledger's tables.

It reads what the books need, one value at a time or in bulk, and at the end of a write it writes
what the batch changed (`store_writes.write_all`: history rows, the reference tables, balances,
serial blocks and the chain head, a statement per table and kind of change). It runs on
the DB-API cursor of the writer's connection, inside SQLAlchemy's transaction, without
per-statement compilation. This is the simple store, the one to read; on PostgreSQL the writer
uses `batch_store.BatchStore`, which writes the same rows in the same order, sent for
throughput (one round trip, multi-row INSERTs, COPY).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from contextlib import AbstractContextManager, nullcontext
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection

from offset.ledger import store_writes
from offset.ledger.blocks import Block
from offset.ledger.database import pyformat
from offset.ledger.rows import (
    AccountRow,
    Balance,
    ClassRow,
    Head,
    PartyRow,
    TitleRow,
    TxRecord,
)

if TYPE_CHECKING:
    from offset.ledger.books import Books

ID_CHUNK = 500  # ids per lookup query (well under SQLite's parameter limit)
HEAD = "SELECT seq, hash, effective_date FROM ledger_head WHERE id = 1"
TX_RECORD = (
    "SELECT t.seq, t.id, t.kind, t.class_id, c.project, c.vintage, t.quantity, t.from_account,"
    " t.to_account, t.buffer, t.content_hash FROM transactions t"
    " JOIN credit_classes c ON c.id = t.class_id"
)


def tx_record(row: Sequence[Any]) -> TxRecord:
    seq, tx_id, kind, class_id, project, vintage, quantity, source, to, buffer, content = row
    return TxRecord(
        int(seq),
        tx_id,
        kind,
        int(class_id),
        project,
        int(vintage),
        int(quantity),
        source,
        to,
        int(buffer),
        content,
    )


def stored_day(value: dt.date | str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


class Store:
    def __init__(self, conn: Connection) -> None:
        self.sqlite = conn.dialect.name == "sqlite"
        self.cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]

    # --- statements ---------------------------------------------------------------------

    def _sql(self, sql: str) -> str:
        return sql if self.sqlite else pyformat(sql)

    def one(self, sql: str, **params: Any) -> Any:
        self.cursor.execute(self._sql(sql), params)
        return self.cursor.fetchone()

    def all(self, sql: str, **params: Any) -> list[Any]:
        self.cursor.execute(self._sql(sql), params)
        return list(self.cursor.fetchall())

    def _lookup(self, cursor: Any, sql: str, params: Any) -> None:
        """A lookup of many ids, planned at each run (PostgreSQL: never a prepared statement,
        whose plan, made while the table was small, would go on scanning it as it grows)."""
        cursor.execute(sql, params, **({} if self.sqlite else {"prepare": False}))

    def many(self, sql: str, rows: list[dict[str, Any]]) -> None:
        if rows:
            self.cursor.executemany(self._sql(sql), rows)

    def append(self, table: str, columns: Sequence[str], rows: list[tuple[Any, ...]]) -> None:
        """Insert rows, by executemany (`batch_store.BatchStore` streams them on PostgreSQL)."""
        if not rows:
            return
        names = ", ".join(columns)
        marks = ", ".join(("?" if self.sqlite else "%s") for _ in columns)
        self.cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)

    # --- reads --------------------------------------------------------------------------

    def start(
        self, tx_ids: list[str], more: Sequence[tuple[str, dict[str, Any]]] = ()
    ) -> tuple[Head, dict[str, TxRecord | None], list[list[Any]]]:
        """The head, locked for the rest of the database transaction (SQLite's BEGIN
        IMMEDIATE holds the write lock already), which of `tx_ids` are recorded, and the rows
        of `more` queries, run under the lock (each planned at its run: `_lookup`)."""
        seq, head_hash, effective = self.one(HEAD if self.sqlite else f"{HEAD} FOR UPDATE")
        found = self.transactions(tx_ids) if tx_ids else {}
        rows = []
        for sql, params in more:
            self._lookup(self.cursor, self._sql(sql), params)
            rows.append(list(self.cursor.fetchall()))
        return Head(int(seq), str(head_hash), stored_day(effective)), found, rows

    def party(self, party_id: str) -> PartyRow | None:
        row = self.one(
            "SELECT id, kind, name, jis_code, prefecture FROM parties WHERE id = :id", id=party_id
        )
        return None if row is None else PartyRow(*row)

    def title(self, key: tuple[str, str]) -> TitleRow | None:
        row = self.one(
            "SELECT subject, name, title, place_code, place_name FROM titles"
            " WHERE subject = :s AND name = :n",
            s=key[0],
            n=key[1],
        )
        return None if row is None else TitleRow(*row)

    def account(self, account_id: str) -> AccountRow | None:
        row = self.one(
            "SELECT id, party_id, kind, status FROM accounts WHERE id = :id", id=account_id
        )
        return None if row is None else AccountRow(*row)

    def credit_class(self, key: tuple[str, int]) -> ClassRow | None:
        row = self.one(
            "SELECT id, instrument, project, vintage, methodology FROM credit_classes"
            " WHERE project = :p AND vintage = :v",
            p=key[0],
            v=key[1],
        )
        return None if row is None else ClassRow(int(row[0]), row[1], row[2], int(row[3]), row[4])

    def vintages(self, project: str) -> tuple[int, ...]:
        """The vintages a project has credit classes of, oldest first (by its unique key)."""
        rows = self.all(
            "SELECT vintage FROM credit_classes WHERE project = :p ORDER BY vintage", p=project
        )
        return tuple(int(row[0]) for row in rows)

    def instrument(self, name: str) -> bool | None:
        row = self.one("SELECT transferable FROM instruments WHERE name = :n", n=name)
        return None if row is None else bool(row[0])

    def balance(self, key: tuple[str, int]) -> Balance:
        row = self.one(
            "SELECT quantity, version FROM balances WHERE account_id = :a AND class_id = :c",
            a=key[0],
            c=key[1],
        )
        return Balance(0, 0) if row is None else Balance(int(row[0]), int(row[1]))

    def blocks(self, key: tuple[str, int]) -> list[Block]:
        rows = self.all(
            "SELECT start, stop FROM blocks WHERE account_id = :a AND class_id = :c ORDER BY start",
            a=key[0],
            c=key[1],
        )
        return list(map(Block._make, rows))  # integers already

    def next_serial(self, class_id: int) -> int:
        row = self.one("SELECT next_serial FROM credit_classes WHERE id = :c", c=class_id)
        return 0 if row is None else int(row[0])

    def counter(self, name: str) -> int:
        """`class_id`: the next credit class id; `minted`: serials minted over all classes."""
        sql = {
            "class_id": "SELECT COALESCE(MAX(id), 0) + 1 FROM credit_classes",
            "minted": "SELECT COALESCE(SUM(next_serial), 0) FROM credit_classes",
        }[name]
        return int(self.one(sql)[0])

    def origin(self, class_id: int) -> str | None:
        """The party a class's first issuance went to (by the partial index of issuances,
        `ix_transactions_issues`)."""
        row = self.one(
            "SELECT a.party_id FROM transactions t JOIN accounts a ON a.id = t.to_account"
            " WHERE t.kind = 'issue' AND t.class_id = :c ORDER BY t.seq LIMIT 1",
            c=class_id,
        )
        return None if row is None else row[0]

    def transaction(self, tx_id: str) -> TxRecord | None:
        row = self.one(f"{TX_RECORD} WHERE t.id = :id", id=tx_id)
        return None if row is None else tx_record(row)

    def transactions(self, tx_ids: list[str]) -> dict[str, TxRecord | None]:
        found: dict[str, TxRecord | None] = dict.fromkeys(tx_ids)
        for at in range(0, len(tx_ids), ID_CHUNK):
            chunk = {f"i{n}": tx_id for n, tx_id in enumerate(tx_ids[at : at + ID_CHUNK])}
            sql = f"{TX_RECORD} WHERE t.id IN ({', '.join(':' + k for k in chunk)})"
            self._lookup(self.cursor, self._sql(sql), chunk)
            for row in self.cursor.fetchall():
                found[row[1]] = tx_record(row)
        return found

    def reversed_total(self, tx_id: str) -> int:
        row = self.one(
            "SELECT COALESCE(SUM(quantity), 0) FROM transactions WHERE reverses = :of", of=tx_id
        )
        return int(row[0])

    def resolved(self, tx_id: str) -> bool:
        return self.one("SELECT 1 FROM transactions WHERE resolves = :r", r=tx_id) is not None

    # --- the write ----------------------------------------------------------------------

    def write(self, books: Books, *, commit: bool = False) -> None:
        """Everything the batch changed, in the order the guards need (`write_all`), as one
        batch (`batch`: on PostgreSQL, a small one in one round trip). With `commit`, the
        database transaction may commit with it (`BatchStore`: in the same round trip);
        otherwise, and here, the caller's transaction commits it."""
        with self.batch(books):
            self.write_all(books)

    def batch(self, books: Books) -> AbstractContextManager[object]:
        """How the statements of a write are sent: here, one by one."""
        return nullcontext()

    def write_all(self, books: Books) -> None:
        """`write`, statement by statement (inside a pipeline, sent without waiting):
        `store_writes.write_all`."""
        store_writes.write_all(self, books)
