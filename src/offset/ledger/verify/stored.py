"""The storage class of each value of a history entry, as the row pass reads it.

SQLite stores what it is given: edited by hand, an integer column can hold a blob of its digits
or text that is no number, a text column a blob (PostgreSQL's columns refuse both). Such a value
would stop the chain's checks (`chain.body`, sums) with a `TypeError`, so the row pass looks at
every value's Python type first and reports a value of the wrong class as a finding of its own
(`entries._storage_problems`), checking nothing else of that entry. The columnar pass refuses such
a piece (`columns.py`, `ahead._typed`) and leaves it to the row pass.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from offset.common.messages import Msg
from offset.ledger.rows import EVENT_COLUMNS, HEADER_COLUMNS, POSTING_COLUMNS

#: the history's INTEGER columns (the rest are text)
INTEGER = frozenset({"seq", "tx_seq", "fiscal_year", "class_id", "quantity", "buffer"})
INTEGER |= {"claim_fy", "amount", "balance_after", "start", "stop"}
#: what each column may hold as Python reads it: an integer, text, or (PostgreSQL) a date or a
#: time; NULL anywhere (the schema's NOT NULL is enforced by both databases, guards or not)
_ALLOWED: dict[str, frozenset[type]] = {
    "effective_date": frozenset({str, dt.date, type(None)}),
    "recorded_at": frozenset({str, dt.datetime, type(None)}),
}
_CLASS = {int: "integer", str: "text", bytes: "blob", float: "real"}

#: table -> its columns in the order the row pass reads them
TABLES = {
    "transactions": HEADER_COLUMNS,
    "postings": POSTING_COLUMNS,
    "block_events": EVENT_COLUMNS,
}
# The columns' types of rows found well typed: most rows share a few, checked once each (the
# pass meets every entry).
_WELL_TYPED: dict[str, set[tuple[type, ...]]] = {table: set() for table in TABLES}
_HEADERS, _POSTINGS, _EVENTS = _WELL_TYPED.values()


def _allowed(column: str) -> frozenset[type]:
    found = _ALLOWED.get(column)
    if found is None:
        found = frozenset({int if column in INTEGER else str, type(None)})
        _ALLOWED[column] = found
    return found


def well_typed(row: tuple[Any, ...], postings: list[Any], events: list[Any]) -> bool:
    """Whether an entry's rows hold only types already found well typed (`mistyped` finds the
    rest, and learns the new ones): the pass's common case, written out."""
    if tuple(map(type, row)) not in _HEADERS:
        return False
    for posting in postings:
        if tuple(map(type, posting)) not in _POSTINGS:
            return False
    return all(tuple(map(type, event)) in _EVENTS for event in events)


def mistyped(table: str, row: tuple[Any, ...]) -> list[tuple[str, str, str]]:
    """Each value of `row` (of `table`) of a class its column does not hold: (column, the class
    found, the class wanted); none almost always."""
    types = tuple(map(type, row))
    seen = _WELL_TYPED[table]
    if types in seen:
        return []
    found = [
        (column, _CLASS.get(kind, kind.__name__), "integer" if column in INTEGER else "text")
        for column, kind in zip(TABLES[table], types, strict=True)
        if kind not in _allowed(column)
    ]
    if not found:
        seen.add(types)
    return found


def text_or(value: Any, default: str) -> str:
    """A value the pass carries to the next entry (a hash, a date) if it is text, or
    `default`: a blob there is reported on its own entry, and must not stop the next one."""
    if isinstance(value, str):
        return value
    if isinstance(value, dt.date):
        return value.isoformat()
    return default


def problem(where: Msg, table: str, column: str, found: str, wanted: str) -> Msg:
    """The finding: which entry, which table and column, and what it holds."""
    return Msg(
        "verify.stored_as", where=where, table=table, column=column,
        found=Msg(f"verify.class.{found}") if found in _CLASS.values() else found,
        wanted=Msg(f"verify.class.{wanted}"),
    )  # fmt: skip


def sequence_problems(connection: Any) -> list[Msg]:
    """SQLite: a sequence number of another class than an integer (text and blobs sort after
    every number: the largest, found on its index), by which no history can be read in order."""
    found = []
    for table, column in (("transactions", "seq"), ("postings", "tx_seq")):
        found += _largest(connection, table, column)
    return found + _largest(connection, "block_events", "tx_seq")


def _largest(connection: Any, table: str, column: str) -> list[Msg]:
    value = connection.exec_driver_sql(f"SELECT max({column}) FROM {table}").scalar()
    if value is None or isinstance(value, int | float):
        return []
    found = _CLASS.get(type(value), type(value).__name__)
    return [
        Msg("verify.sequence_class", table=table, column=column, value=repr(value),
            found=Msg(f"verify.class.{found}") if found in _CLASS.values() else found)
    ]  # fmt: skip
