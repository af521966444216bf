"""A range of the history read as Arrow columns, for the columnar chain pass (`columnar.py`):
the headers, postings and block events of the entries with `lo <= seq < hi`, each table in the
order the chain's body needs (`sorted` rows, sequence number first).

SQLite is read by a helper process (`sqlite_reader.py`: ADBC's SQLite driver, rows into Arrow in
C), for the pieces that end below the last entry of the caller's snapshot (no later commit
changes them: history is append-only); the piece after it, and any piece the helper cannot read,
on the caller's connection through its Python module's rows. ADBC's driver never runs in this
process: it links a second copy of SQLite, whose closing of the file drops the locks of the
first (SQLite's documented way to corrupt a database). A value of a storage class its column's
type does not allow (SQLite stores what it is given) is refused by either reader, or found
before it (a REAL in an INTEGER column), and such a range is left to the row pass. PostgreSQL's
columns come from the ADBC PostgreSQL driver (`COPY` in binary, decoded into Arrow in C) on a
connection of its own that reads the caller's snapshot (`pg_export_snapshot`, as `pg_dump -j`
does). Any other connection: None, and the row pass reads the range.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from offset.ledger.rows import EVENT_COLUMNS, HEADER_COLUMNS, POSTING_COLUMNS
from offset.ledger.verify.stored import INTEGER

#: table, its columns, the sequence column, and the sort keys of the chain's body
_TABLES = (
    ("transactions", HEADER_COLUMNS, "seq", ("seq",)),
    ("postings", POSTING_COLUMNS, "tx_seq", POSTING_COLUMNS),
    ("block_events", EVENT_COLUMNS, "tx_seq", EVENT_COLUMNS),
)


@dataclass(frozen=True)
class Columns:
    """The rows of a range of entries, as columns."""

    heads: pa.Table
    posts: pa.Table
    moves: pa.Table


def _type(table: str, column: str) -> pa.DataType:
    return pa.int64() if column in INTEGER else pa.string()


def _bounds(column: str, lo: int | None, hi: int | None) -> str:
    found = ([f"{column} >= {int(lo)}"] if lo is not None else []) + (
        [f"{column} < {int(hi)}"] if hi is not None else []
    )
    return f" WHERE {' AND '.join(found)}" if found else ""


#: Entries from which a range is read as columns: below, the fixed costs (a second connection
#: on PostgreSQL, Arrow's kernels) outweigh what they save, and the row pass reads it.
COLUMNS_FROM = 2_000
#: Sequence numbers read and checked at once, so that memory stays bounded: about 9 KB an
#: entry of 2 postings and 7 block events at the peak (columns, canonical bodies), 12 KB an
#: entry of a national run (an issuance's provenance); about 250 MB a piece. 100,000 took
#: 1.2 GB, the run's peak, for no less CPU (a PostgreSQL piece opens its own connection).
PIECE = 20_000


def pieces(
    connection: Any, lo: int | None, hi: int | None
) -> list[tuple[int | None, int | None]] | None:
    """The range `lo <= seq < hi` cut into the pieces to read as columns, one after another;
    None if its connection cannot be read as columns or it holds too few entries."""
    if not type(connection).__module__.startswith(("sqlite3", "psycopg")):
        return None
    cursor = connection.cursor()
    try:
        cursor.execute("SELECT MIN(seq), MAX(seq) FROM transactions" + _bounds("seq", lo, hi))
        first, last = cursor.fetchone()
    finally:
        cursor.close()
    if first is None or last - first + 1 < COLUMNS_FROM:
        return None
    cuts: list[int | None] = list(range(first + PIECE, last + 1, PIECE))
    if hi is None and type(connection).__module__.startswith("sqlite3"):
        # up to the last entry for the helper (`ahead.py`), and what follows on this connection
        cuts.append(last + 1)  # (nothing but stray rows, in this snapshot)
    return list(zip([lo, *cuts], [*cuts, hi], strict=True))


class Ahead(Protocol):
    """Pieces read ahead of the checks (`ahead.py`), in the order asked."""

    def asked(self, lo: int | None, hi: int | None) -> bool:
        """Whether the next piece it reads is `lo <= seq < hi`."""

    def take(self) -> list[pa.Table] | None:
        """The three tables of that piece, or None: read it here."""

    def close(self) -> None:
        """Stop reading ahead."""


def read(
    connection: Any, lo: int | None, hi: int | None, ahead: Ahead | None = None
) -> Columns | None:
    """The columns of the entries `lo <= seq < hi` on a DB-API connection (`pieces`), or None
    where a value could not be read as its column's type (the row pass then reads them). A
    piece read `ahead` comes from there (`ahead.py`)."""
    if ahead is not None and ahead.asked(lo, hi):
        found = ahead.take()
        if found is not None:
            return _sorted(found)
    module = type(connection).__module__
    if module.startswith("sqlite3"):
        return _sqlite(connection, lo, hi)
    if module.startswith("psycopg"):
        return _postgresql(connection, lo, hi)
    return None


def _sqlite(connection: Any, lo: int | None, hi: int | None) -> Columns | None:
    tables = []
    cursor = connection.cursor()
    try:
        for table, columns, seq, _ in _TABLES:
            where = _bounds(seq, lo, hi)
            # A REAL in an INTEGER column (the one class Arrow would convert, truncated: text or
            # a blob there is refused) makes its sum a REAL; a blob in a text column (Arrow
            # would read it as its UTF-8 text) is found in the same scan: the row pass reads and
            # reports either (`stored.py`). A text column's affinity stores numbers as text.
            cursor.execute(_classes(table, columns, where))
            if "real" in cursor.fetchone():
                return None
            cursor.execute(f"SELECT {', '.join(columns)} FROM {table}{where}")
            fields = pa.struct([(c, _type(table, c)) for c in columns])
            rows = pa.array(cursor.fetchall(), fields)  # converted in C
            tables.append(pa.Table.from_arrays(rows.flatten(), names=list(columns)))
    except (sqlite3.Error, pa.ArrowException, OverflowError, TypeError):
        return None  # a value no column of its type holds (or a sum beyond 64 bits)
    finally:
        cursor.close()
    return _sorted(tables)


def _classes(table: str, columns: tuple[str, ...], where: str, integers: bool = True) -> str:
    """A row of "real" where an INTEGER column holds a REAL (unless not `integers`), or a text
    column a blob (one scan of the piece's rows: both are left to the row pass)."""
    found = [f"typeof(sum({c}))" for c in columns if c in INTEGER and integers]
    blobs = " OR ".join(f"typeof({c}) = 'blob'" for c in columns if c not in INTEGER)
    found.append(f"iif(max({blobs}), 'real', NULL)")
    return f"SELECT {', '.join(found)} FROM {table}{where}"


def _postgresql(connection: Any, lo: int | None, hi: int | None) -> Columns | None:
    found = snapshot_of(connection)
    reader = None if found is None else connect(*found)
    if reader is None:
        return None
    with reader:
        tables = pg_tables(reader, lo, hi)
    return _sorted(tables)


def snapshot_of(connection: Any) -> tuple[str, str, str] | None:
    """PostgreSQL: where the caller's database is, the snapshot it reads (exported: its
    transaction begins now, if it had not) and its `search_path`; None on a standby."""
    from psycopg.conninfo import make_conninfo

    # A standby cannot export a snapshot, and a refused statement would abort the caller's
    # transaction (a savepoint cannot help: no snapshot is exported from a subtransaction).
    snapshot, path = connection.execute(
        "SELECT CASE WHEN pg_is_in_recovery() THEN NULL ELSE pg_export_snapshot() END,"
        " current_setting('search_path')"
    ).fetchone()
    if snapshot is None or not re.fullmatch(r"[0-9A-Fa-f-]+", snapshot):  # inlined below
        return None
    password = connection.info.password
    where = make_conninfo(connection.info.dsn, **({"password": password} if password else {}))
    return where, snapshot, path


def connect(where: str, snapshot: str, path: str) -> Any:
    """An ADBC connection reading `snapshot` with the caller's `search_path` (`snapshot_of`),
    or None (the driver not installed, or the connection refused)."""
    try:
        import adbc_driver_postgresql.dbapi as adbc
    except ImportError:  # installed without it: the row pass reads
        return None
    try:
        reader = adbc.connect(where, autocommit=True)
    except Exception:
        return None
    with reader.cursor() as cursor:
        cursor.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        cursor.execute(f"SET TRANSACTION SNAPSHOT '{snapshot}'")  # the caller's: no parameter
        path = path.replace("'", "''")
        cursor.execute(f"SELECT set_config('search_path', '{path}', true)")  # the caller's tables
    return reader


def pg_tables(reader: Any, lo: int | None, hi: int | None) -> list[pa.Table]:
    """The three tables of a piece, on a connection made by `connect`."""
    tables = []
    with reader.cursor() as cursor:
        for table, columns, seq, _ in _TABLES:
            selected = ", ".join(_TEXT_OF.get(column, column) for column in columns)
            cursor.execute(f"SELECT {selected} FROM {table}" + _bounds(seq, lo, hi))
            tables.append(cursor.fetch_arrow_table().rename_columns(list(columns)))
    return tables


#: PostgreSQL's dates and times as the canonical text the chain holds (`chain.day_text`,
#: `chain.time_text` read it back unchanged)
_TEXT_OF = {
    "effective_date": "to_char(effective_date, 'YYYY-MM-DD')",
    "recorded_at": "to_char(recorded_at AT TIME ZONE 'UTC',"
    ' \'YYYY-MM-DD"T"HH24:MI:SS.US"+00:00"\')',
}


def _sorted(tables: list[pa.Table]) -> Columns:
    """Each table with its columns' types, in the body's order."""
    done = []
    for read, (table, columns, _, keys) in zip(tables, _TABLES, strict=True):
        typed = pa.table({c: read.column(c).cast(_type(table, c)) for c in columns})
        order = pc.sort_indices(typed, [(key, "ascending") for key in keys]).to_numpy()
        if (np.diff(order) != 1).any():  # most often read in order already
            typed = typed.take(order)
        done.append(typed.combine_chunks())
    heads, posts, moves = done
    return Columns(heads, posts, moves)
