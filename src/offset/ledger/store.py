"""The write path's database access: the only module that writes the ledger's tables.

It reads what the books need, one value at a time or in bulk, and at the end of a write it writes
what the batch changed: history rows (postings, block events, headers), the reference tables,
balances, serial blocks and the chain head, a statement per table and kind of change. It runs on
the DB-API cursor of the writer's connection, inside SQLAlchemy's transaction, without
per-statement compilation. This is the simple store, the one to read; on PostgreSQL the writer
uses `batch_store.BatchStore`, which writes the same rows in the same order, sent for
throughput (one round trip, multi-row INSERTs, COPY).

Writes go in the order the guards need: reference rows before the rows that refer to them;
postings and block events before their headers (a header's insert is where SQLite checks that
its postings balance); every block removed before any is added (overlap is refused at each
statement).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from contextlib import AbstractContextManager, nullcontext
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection

from offset.ledger.blocks import Block
from offset.ledger.rows import (
    EVENT_COLUMNS,
    HEADER_COLUMNS,
    POSTING_COLUMNS,
    AccountRow,
    Balance,
    ClassRow,
    Head,
    HeaderRow,
    PartyRow,
    TxRecord,
)

if TYPE_CHECKING:
    from offset.ledger.books import Books

ID_CHUNK = 500  # ids per lookup query (well under SQLite's parameter limit)
_PYFORMAT: dict[str, str] = {}
HEAD = "SELECT seq, hash, effective_date FROM ledger_head WHERE id = 1"
TX_RECORD = (
    "SELECT t.seq, t.id, t.kind, t.class_id, c.project, c.vintage, t.quantity, t.from_account,"
    " t.to_account, t.buffer, t.content_hash FROM transactions t"
    " JOIN credit_classes c ON c.id = t.class_id"
)


def _pyformat(statement: str) -> str:
    """`:name` parameters as psycopg's `%(name)s` (sqlite3 takes `:name` as it is)."""
    if statement not in _PYFORMAT:
        _PYFORMAT[statement] = re.sub(r"(?<![:\w]):(\w+)", r"%(\1)s", statement.replace("%", "%%"))
    return _PYFORMAT[statement]


def _tx_record(row: Sequence[Any]) -> TxRecord:
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


@lru_cache(maxsize=64)
def _iso(day: dt.date) -> str:
    return day.isoformat()


@lru_cache(maxsize=64)
def _iso_time(moment: dt.datetime) -> str:
    return moment.isoformat(" ")


def _day(value: dt.date | str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


class Store:
    def __init__(self, conn: Connection) -> None:
        self.sqlite = conn.dialect.name == "sqlite"
        self.cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]

    # --- statements ---------------------------------------------------------------------

    def _sql(self, sql: str) -> str:
        return sql if self.sqlite else _pyformat(sql)

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

    def start(self, tx_ids: list[str]) -> tuple[Head, dict[str, TxRecord | None]]:
        """The head, locked for the rest of the database transaction (SQLite's BEGIN
        IMMEDIATE holds the write lock already), and which of `tx_ids` are recorded."""
        seq, head_hash, effective = self.one(HEAD if self.sqlite else f"{HEAD} FOR UPDATE")
        found = self.transactions(tx_ids) if tx_ids else {}
        return Head(int(seq), str(head_hash), _day(effective)), found

    def party(self, party_id: str) -> PartyRow | None:
        row = self.one(
            "SELECT id, kind, name, jis_code, prefecture FROM parties WHERE id = :id", id=party_id
        )
        return None if row is None else PartyRow(*row)

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
        """The JIS code of the party a class's first issuance went to (by the partial index
        of issuances, `ix_transactions_issues`)."""
        row = self.one(
            "SELECT p.jis_code FROM transactions t JOIN accounts a ON a.id = t.to_account"
            " JOIN parties p ON p.id = a.party_id"
            " WHERE t.kind = 'issue' AND t.class_id = :c ORDER BY t.seq LIMIT 1",
            c=class_id,
        )
        return None if row is None else row[0]

    def transaction(self, tx_id: str) -> TxRecord | None:
        row = self.one(f"{TX_RECORD} WHERE t.id = :id", id=tx_id)
        return None if row is None else _tx_record(row)

    def transactions(self, tx_ids: list[str]) -> dict[str, TxRecord | None]:
        found: dict[str, TxRecord | None] = dict.fromkeys(tx_ids)
        for at in range(0, len(tx_ids), ID_CHUNK):
            chunk = {f"i{n}": tx_id for n, tx_id in enumerate(tx_ids[at : at + ID_CHUNK])}
            sql = f"{TX_RECORD} WHERE t.id IN ({', '.join(':' + k for k in chunk)})"
            self._lookup(self.cursor, self._sql(sql), chunk)
            for row in self.cursor.fetchall():
                found[row[1]] = _tx_record(row)
        return found

    def reversed_total(self, tx_id: str) -> int:
        row = self.one(
            "SELECT COALESCE(SUM(quantity), 0) FROM transactions WHERE reverses = :of", of=tx_id
        )
        return int(row[0])

    def resolved(self, tx_id: str) -> bool:
        return self.one("SELECT 1 FROM transactions WHERE resolves = :r", r=tx_id) is not None

    # --- the write ----------------------------------------------------------------------

    def write(self, books: Books) -> None:
        """Everything the batch changed, in the order the guards need (`write_all`), as one
        batch (`batch`: on PostgreSQL, a small one in one round trip)."""
        with self.batch(books):
            self.write_all(books)

    def batch(self, books: Books) -> AbstractContextManager[object]:
        """How the statements of a write are sent: here, one by one."""
        return nullcontext()

    def write_all(self, books: Books) -> None:
        """`write`, statement by statement (inside a pipeline, sent without waiting)."""
        self._reference(books)
        self.append("postings", POSTING_COLUMNS, books.postings)
        self._blocks(books)
        self.append("block_events", EVENT_COLUMNS, books.events)
        self.append("transactions", HEADER_COLUMNS, [self._header(h) for h in books.headers])
        self._balances(books)
        new = {c.id for _, old, c in books.classes.changes() if c and not old}
        self.many(
            "UPDATE credit_classes SET next_serial = :n WHERE id = :c",
            [{"n": n, "c": c} for c, _, n in books.next_serial.changes() if c not in new],
        )
        if books.headers:
            head = books.head
            self.many(
                "UPDATE ledger_head SET seq = :s, hash = :h, effective_date = :e WHERE id = 1",
                [{"s": head.seq, "h": head.hash, "e": self._date(head.effective)}],
            )

    def _date(self, value: dt.date | None) -> dt.date | str | None:
        # SQLite keeps dates as ISO text (sqlite3's own adapters are deprecated).
        return value.isoformat() if self.sqlite and value is not None else value

    def _header(self, header: HeaderRow) -> tuple[Any, ...]:
        if not self.sqlite:
            return header
        h = header  # the two dates at their places in HEADER_COLUMNS (a batch shares them)
        return (*h[:3], _iso(h[3]), h[4], _iso_time(h[5]), *h[6:])

    def _reference(self, books: Books) -> None:
        instruments = [(n, t) for n, before, t in books.instruments.changes() if before is None]
        self.append("instruments", ("name", "transferable"), list(instruments))
        parties = list(books.parties.changes())
        self.append(
            "parties",
            ("id", "kind", "name", "jis_code", "prefecture"),
            [
                (p.id, p.kind, p.name, p.jis_code, p.prefecture)
                for _, old, p in parties
                if p and not old
            ],
        )
        self.many(
            "UPDATE parties SET kind = :k, name = :n, jis_code = :j, prefecture = :p WHERE id = :id",
            [
                {"id": p.id, "k": p.kind, "n": p.name, "j": p.jis_code, "p": p.prefecture}
                for _, old, p in parties
                if p and old
            ],
        )
        accounts = list(books.accounts.changes())
        self.append(
            "accounts",
            ("id", "party_id", "kind", "status"),
            [(a.id, a.party, a.kind, a.status) for _, old, a in accounts if a and not old],
        )
        self.many(
            "UPDATE accounts SET status = :s WHERE id = :id",
            [{"s": a.status, "id": a.id} for _, old, a in accounts if a and old],
        )
        serials = books.next_serial.changed  # a new class has its first serials minted
        self.append(
            "credit_classes",
            ("id", "instrument", "project", "vintage", "methodology", "next_serial"),
            [
                (c.id, c.instrument, c.project, c.vintage, c.methodology, serials.get(c.id, 0))
                for _, old, c in books.classes.changes()
                if c and not old
            ],
        )

    def _blocks(self, books: Books) -> None:
        """The blocks the batch removed and added, net (`Books.block_net`): a block made and
        merged away within the batch never reaches the database."""
        changed = sorted(books.block_net.items())
        self.many(
            "DELETE FROM blocks WHERE class_id = :c AND account_id = :a AND start = :s",
            [
                {"a": account, "c": class_id, "s": b.start}
                for (account, class_id), net in changed
                for b, count in sorted(net.items())
                if count < 0
            ],
        )
        self.append(
            "blocks",
            ("class_id", "start", "stop", "account_id"),
            [
                (class_id, b.start, b.stop, account)
                for (account, class_id), net in changed
                for b, count in sorted(net.items())
                if count > 0
            ],
        )

    def _balances(self, books: Books) -> None:
        updates, inserts = [], []
        for (account, class_id), before, after in books.balances.changes():
            row = {"a": account, "c": class_id, "n": after.quantity, "v": after.version}
            if before.version:
                updates.append(row)
            else:
                holder = books.account(account)
                row["neg"] = holder is not None and holder.kind == "issuance"
                inserts.append(row)
        self.many(
            "UPDATE balances SET quantity = :n, version = :v WHERE account_id = :a AND class_id = :c",
            updates,
        )
        self.many(
            "INSERT INTO balances (account_id, class_id, quantity, may_go_negative, version)"
            " VALUES (:a, :c, :n, :neg, :v)",
            inserts,
        )
