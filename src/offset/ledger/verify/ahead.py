"""Pieces of a range read ahead of the chain pass's checks (`history.check_links`), so that
reading the next piece overlaps checking this one (`columns.Ahead`).

SQLite: by a helper process (`sqlite_reader.py`: ADBC's SQLite driver, rows into Arrow in C,
2-3 times cheaper than Python's module and the rows' conversion). ADBC's driver never runs in
this process: it links a second copy of SQLite, whose closing of the file drops the locks of
the first (SQLite's documented way to corrupt a database); POSIX locks belong to a process, so
in a process of its own it is one more reader. It reads the pieces that end below the last
entry of the caller's snapshot (no later commit changes them: history is append-only); the
piece after it (nothing but stray rows, in that snapshot) is read on the caller's connection.

PostgreSQL: by a thread, on one ADBC connection of its own for every piece, reading the
caller's exported snapshot (`columns.snapshot_of`).

A piece that cannot be read ahead is read by `columns.read` itself, as before.
"""

from __future__ import annotations

import importlib.util
import json
import queue
import struct
import subprocess
import sys
import threading
from collections import deque
from pathlib import Path
from typing import Any

import pyarrow as pa

from offset.ledger.verify import columns

#: Whether pieces are read ahead (`of`), and from how many entries on SQLite: the helper's
#: start (a Python process importing pyarrow, about 0.2 s of CPU) costs what reading about
#: 20,000 entries here costs more than there.
HELPER = True
HELPER_FROM = 20_000
_READER = Path(__file__).with_name("sqlite_reader.py")


def of(connection: Any, found: list[tuple[int | None, int | None]]) -> columns.Ahead | None:
    """What reads the pieces of `found` ahead on this connection (`columns.Ahead`), or None."""
    if not HELPER:
        return None
    module = type(connection).__module__
    if module.startswith("psycopg"):
        return Thread.of(connection, found)
    if module.startswith("sqlite3"):
        return _helper(connection, found)
    return None


def _helper(connection: Any, found: list[tuple[int | None, int | None]]) -> Helper | None:
    """A helper for the pieces of `found` it may read, if the connection is a SQLite file's,
    ADBC's SQLite driver is installed and they hold enough entries; else None."""
    if importlib.util.find_spec("adbc_driver_sqlite") is None:  # imported by the helper only
        return None
    cursor = connection.cursor()
    try:
        files = {name: file for _, name, file in cursor.execute("PRAGMA database_list")}
    finally:
        cursor.close()
    wanted = [(lo, hi) for lo, hi in found if hi is not None]
    if not files.get("main") or not wanted:  # in memory, or a temporary database
        return None
    cursor = connection.cursor()
    try:
        cursor.execute(
            "SELECT MIN(seq) FROM transactions" + columns._bounds("seq", found[0][0], None)
        )
        first = cursor.fetchone()[0]
    finally:
        cursor.close()
    if first is None or wanted[-1][1] - first < HELPER_FROM:
        return None  # read here: the helper's start would cost more than it saves
    try:
        return Helper(files["main"], wanted)
    except OSError:
        return None


class Helper:
    """The helper process reading pieces of a SQLite file as Arrow (`sqlite_reader.py`), in one
    snapshot of its own. It is asked for a piece ahead, so that it reads the next one while
    this process checks one. Only pieces that end below the last entry of the caller's
    snapshot are asked for: those rows are the same in any later snapshot."""

    def __init__(self, path: str, wanted: list[tuple[int | None, int]]) -> None:
        self.wanted = deque(wanted)
        self.process: subprocess.Popen[bytes] | None = subprocess.Popen(
            [sys.executable, str(_READER), path],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        self.sent = 0
        for _ in range(2):
            self._ask()

    def _ask(self) -> None:
        if self.process is None or self.sent >= len(self.wanted):
            return
        lo, hi = self.wanted[self.sent]
        queries = [
            f"SELECT {', '.join(names)} FROM {table}{columns._bounds(seq, lo, hi)}"
            for table, names, seq, _ in columns._TABLES
        ]
        # and whether a text column holds a blob (`columns._classes`): the driver reads one
        # that follows text as text (a REAL in an INTEGER column it refuses, or `_typed` does)
        queries += [
            columns._classes(table, names, columns._bounds(seq, lo, hi), integers=False)
            for table, names, seq, _ in columns._TABLES
        ]
        self.sent += 1
        try:
            assert self.process.stdin is not None
            self.process.stdin.write(json.dumps(queries).encode() + b"\n")
            self.process.stdin.flush()
        except OSError:
            self.close()

    def asked(self, lo: int | None, hi: int | None) -> bool:
        """Whether the next piece it reads is `lo <= seq < hi` (`columns.Ahead`)."""
        return self.process is not None and bool(self.wanted) and self.wanted[0] == (lo, hi)

    def take(self) -> list[pa.Table] | None:
        """The three tables of the piece asked for next (`asked`), or None: read it otherwise."""
        process = self.process
        assert process is not None
        assert process.stdout is not None
        self.wanted.popleft()
        self.sent -= 1
        self._ask()
        tables: list[pa.Table | None] = []
        for _ in range(2 * len(columns._TABLES)):  # the tables, then their classes
            size = process.stdout.read(8)
            (length,) = struct.unpack("<q", size) if len(size) == 8 else (None,)
            data = process.stdout.read(length) if length is not None and length > 0 else b""
            if length is None or len(data) < length:  # it ended: the rest is read here
                self.close()
                return None
            tables.append(
                pa.ipc.open_stream(pa.py_buffer(data)).read_all() if length >= 0 else None
            )
        classes = tables[len(columns._TABLES) :]
        if any(found is None or "real" in found.to_pylist()[0].values() for found in classes):
            return None  # a value the row pass reports (`stored.py`)
        return _typed(tables[: len(columns._TABLES)])

    def close(self) -> None:
        """End the helper process (asked for no more, it ends by itself)."""
        process, self.process = self.process, None
        if process is None:
            return
        for stream in (process.stdin, process.stdout):
            if stream is not None:
                stream.close()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _typed(tables: list[pa.Table | None]) -> list[pa.Table] | None:
    """The helper's tables with their columns' types, or None where a column was read as
    another type (a column of nulls only is read as int64): a value of another storage class
    than its column's in the first rows (the driver types a column by its first rows, and
    refuses a later value of another class, but a blob after text it reads as text: `take`
    asks whether a text column holds one), or text that is not UTF-8."""
    done = []
    for table, (name, names, _, _) in zip(tables, columns._TABLES, strict=True):
        if table is None:  # the helper could not read it
            return None
        fields = {}
        for column in names:
            values, wanted = table.column(column), columns._type(name, column)
            if values.null_count == len(values):  # typed int64 by the driver: no value read
                fields[column] = pa.nulls(len(values), wanted)
                continue
            if values.type != wanted:  # a blob in a text column, too: the row pass reports it
                return None
            try:  # text is validated (the driver does not)
                fields[column] = values.cast(wanted)
                fields[column].validate(full=True)
            except pa.ArrowInvalid:
                return None
        done.append(pa.table(fields))
    return done


class Thread:
    """PostgreSQL: the pieces read by a thread on one ADBC connection (the caller's snapshot),
    one piece ahead: at most two pieces in memory, the one checked and the next."""

    def __init__(self, reader: Any, wanted: list[tuple[int | None, int | None]]) -> None:
        self.wanted = deque(wanted)
        self.ready: queue.Queue[list[pa.Table] | None] = queue.Queue(maxsize=1)
        self.taken = threading.Semaphore(1)  # the next piece is read once this one is taken
        self.stopped = threading.Event()
        self.thread = threading.Thread(
            target=self._run, args=(reader, wanted), name="verify-read", daemon=True
        )
        self.thread.start()

    @classmethod
    def of(cls, connection: Any, found: list[tuple[int | None, int | None]]) -> Thread | None:
        source = columns.snapshot_of(connection)
        reader = None if source is None else columns.connect(*source)
        return None if reader is None else cls(reader, found)

    def _run(self, reader: Any, wanted: list[tuple[int | None, int | None]]) -> None:
        with reader:
            for lo, hi in wanted:
                self.taken.acquire()
                if self.stopped.is_set():
                    return
                try:
                    tables: list[pa.Table] | None = columns.pg_tables(reader, lo, hi)
                except Exception:  # read here, as before
                    tables = None
                self.ready.put(tables)
                if tables is None:
                    return

    def asked(self, lo: int | None, hi: int | None) -> bool:
        """Whether the next piece it reads is `lo <= seq < hi` (`columns.Ahead`)."""
        return not self.stopped.is_set() and bool(self.wanted) and self.wanted[0] == (lo, hi)

    def take(self) -> list[pa.Table] | None:
        """The three tables of the piece asked for next, or None: read it here."""
        self.wanted.popleft()
        tables = self.ready.get()
        self.taken.release()  # the next one is read while this one is checked
        if tables is None:
            self.stopped.set()
        return tables

    def close(self) -> None:
        """Stop reading (the thread ends at its next piece, and closes its connection)."""
        self.stopped.set()
        self.taken.release()
        self.thread.join()
