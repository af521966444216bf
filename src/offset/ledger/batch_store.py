"""The PostgreSQL batch store: the same interface as `store.Store`, written for throughput.

Rows go in one statement per table (a multi-row INSERT with PostgreSQL's own `$n` placeholders,
through a raw cursor; COPY for a large batch); a small batch's statements go in one pipeline
(one round trip); the head's lock and the lookup of a batch's ids go in one round trip too, or
are sent without waiting at all (`start_sent`, for `presumed.py`). What is written, and in what
order, is `Store.write_all`'s: this module only changes how the statements travel. The writer
takes it for every PostgreSQL ledger (`store_for`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager, nullcontext
from functools import cache, lru_cache
from typing import TYPE_CHECKING, Any, Final

import psycopg
from sqlalchemy import Connection

from offset.ledger.database import pyformat
from offset.ledger.rows import Head, TxRecord
from offset.ledger.store import HEAD, ID_CHUNK, TX_RECORD, Store, stored_day, tx_record

if TYPE_CHECKING:
    from offset.ledger.books import Books

COPY_MIN_ROWS: Final = 512  # fewer rows go in one INSERT of many VALUES (`append`)


def store_for(conn: Connection) -> Store:
    """The store a write uses: this batch store on PostgreSQL, the plain one on SQLite."""
    return Store(conn) if conn.dialect.name == "sqlite" else BatchStore(conn)


@lru_cache(maxsize=256)
def _values(rows: int, columns: int) -> str:
    """PostgreSQL's own placeholders for `rows` rows of `columns` values: `($1, $2), ($3, $4)`."""
    return ", ".join(
        "(" + ", ".join(f"${row * columns + n}" for n in range(1, columns + 1)) + ")"
        for row in range(rows)
    )


class BatchStore(Store):
    """`Store`, its statements sent in batches (PostgreSQL only)."""

    def __init__(self, conn: Connection) -> None:
        super().__init__(conn)
        assert not self.sqlite
        self._raw: Any = None

    def _raw_cursor(self) -> Any:
        """PostgreSQL: a cursor for statements written with `$1` placeholders, which psycopg
        sends as they are (parsing a statement of hundreds of `%s` cost more than the rest of
        a small batch's write)."""
        if self._raw is None:
            self._raw = psycopg.RawCursor(self.cursor.connection)
        return self._raw

    def append(self, table: str, columns: Sequence[str], rows: list[tuple[Any, ...]]) -> None:
        """Insert rows in one statement, by COPY (a stream of rows; its triggers and
        constraints apply as to INSERT), or for a few rows by one INSERT of many VALUES
        (cheaper than starting a COPY)."""
        if not rows:
            return
        names = ", ".join(columns)
        if len(rows) < COPY_MIN_ROWS:  # one statement of many rows: its triggers run once
            flat = [value for each in rows for value in each]
            self._raw_cursor().execute(
                f"INSERT INTO {table} ({names}) VALUES {_values(len(rows), len(columns))}", flat
            )
            return
        with self.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
            for each in rows:
                copy.write_row(each)

    def start(
        self, tx_ids: list[str], more: Sequence[tuple[str, dict[str, Any]]] = ()
    ) -> tuple[Head, dict[str, TxRecord | None], list[list[Any]]]:
        """The head, locked, which of `tx_ids` are recorded and the rows of `more` queries
        (run under the lock), in one round trip (a pipeline), which a batch under group commit
        pays at every commit."""
        connection = self.cursor.connection
        with connection.pipeline():
            head = connection.cursor()
            head.execute(f"{HEAD} FOR UPDATE")
            lookups = []
            for at in range(0, len(tx_ids), ID_CHUNK):
                chunk = {f"i{n}": tx_id for n, tx_id in enumerate(tx_ids[at : at + ID_CHUNK])}
                lookups.append(connection.cursor())
                self._lookup(
                    lookups[-1],
                    pyformat(f"{TX_RECORD} WHERE t.id IN ({', '.join(':' + k for k in chunk)})"),
                    chunk,
                )
            others = []
            for sql, params in more:
                others.append(connection.cursor())
                self._lookup(others[-1], pyformat(sql), params)
            seq, head_hash, effective = head.fetchone()
            found: dict[str, TxRecord | None] = dict.fromkeys(tx_ids)
            for ids in lookups:
                found.update((row[1], tx_record(row)) for row in ids.fetchall())
            rows = [list(cursor.fetchall()) for cursor in others]
        return Head(int(seq), str(head_hash), stored_day(effective)), found, rows

    def snapshot(self, more: Sequence[tuple[str, dict[str, Any]]]) -> tuple[Head, list[list[Any]]]:
        """The first statements of a database transaction, in one round trip: make it read one
        snapshot (REPEATABLE READ: every later read sees the same state, and the head's lock
        then fails if another writer committed since), and read the head, unlocked, with the
        rows of `more` queries (each planned at its run: `_lookup`)."""
        connection = self.cursor.connection
        with connection.pipeline():
            connection.cursor().execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            head = connection.cursor()
            head.execute(HEAD)
            others = []
            for sql, params in more:
                others.append(connection.cursor())
                self._lookup(others[-1], pyformat(sql), params)
            seq, head_hash, effective = head.fetchone()
            rows = [list(cursor.fetchall()) for cursor in others]
        return Head(int(seq), str(head_hash), stored_day(effective)), rows

    def start_sent(self, tx_ids: list[str]) -> Callable[[], tuple[Head, dict[str, bool]]]:
        """PostgreSQL, inside a pipeline (`pipeline`): send the head's lock and the lookup of
        `tx_ids` without waiting. The function returned gives the head and which of the ids
        are recorded, waiting for them only then; statements sent after these run under the
        lock."""
        connection = self.cursor.connection
        head, ids = connection.cursor(), connection.cursor()
        head.execute(f"{HEAD} FOR UPDATE")
        if tx_ids:
            self._lookup(ids, "SELECT id FROM transactions WHERE id = ANY(%s)", [tx_ids])

        @cache  # a cursor gives its rows once
        def result() -> tuple[Head, dict[str, bool]]:
            seq, head_hash, effective = head.fetchone()
            found = dict.fromkeys(tx_ids, False)
            if tx_ids:
                found.update((row[0], True) for row in ids.fetchall())
            return Head(int(seq), str(head_hash), stored_day(effective)), found

        return result

    def send(self, sql: str, params: dict[str, Any] | None = None) -> Any:
        """Send a statement written with psycopg's placeholders (inside a pipeline, without
        waiting); its cursor gives its rows."""
        cursor = self.cursor.connection.cursor()
        cursor.execute(sql, params)
        return cursor

    def pipeline(self) -> AbstractContextManager[object]:
        """PostgreSQL's pipeline mode for the rest of a block: statements are sent without
        waiting for each answer; a fetch, or the commit, waits for everything sent before it."""
        return self.cursor.connection.pipeline()  # type: ignore[no-any-return]

    def commit_sent(self) -> None:
        """Commit the database transaction from inside a pipeline: the COMMIT is sent with the
        statements before it when the pipeline ends, in the same round trip, and its outcome
        (or the first error before it) is raised there."""
        self.cursor.execute("COMMIT")

    def small(self, books: Books) -> bool:
        """A batch PostgreSQL writes in one pipeline: no table gets `COPY_MIN_ROWS` rows (a
        larger one streams them by COPY, which a pipeline cannot carry). Reference rows are
        fewer than the headers (each is an entry)."""
        added = sum(1 for net in books.block_net.values() for count in net.values() if count > 0)
        return max(len(books.postings), len(books.events), len(books.headers), added) < (
            COPY_MIN_ROWS
        )

    def write(self, books: Books, *, commit: bool = False) -> None:
        """`Store.write`; with `commit`, a small batch's COMMIT goes in its pipeline (one round
        trip for the writes and the commit; its outcome, or the first error, is raised here)."""
        if not (commit and self.small(books)):
            super().write(books)
            return
        with self.pipeline():
            self.write_all(books)
            self.commit_sent()

    def batch(self, books: Books) -> AbstractContextManager[object]:
        """A small batch (the common case under group commit) sends all its statements in one
        pipeline: one round trip instead of one each; a large one streams its rows by COPY
        (which a pipeline cannot carry)."""
        return self.pipeline() if self.small(books) else nullcontext()
