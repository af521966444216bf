"""What every read needs of SQL: an `IN` list of parameters (in chunks of `ID_CHUNK`), a LIKE
pattern for ids starting with a prefix, a date as either database hands it back.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from typing import Any

from sqlalchemy import Connection, text


def as_date(value: dt.date | str) -> dt.date:
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


ID_CHUNK = 500  # values per IN list (well under SQLite's parameter limit)


def in_list(name: str, values: Iterable[Any]) -> tuple[str, dict[str, Any]]:
    """`IN (:name0, ...)` and its parameters (`IN (NULL)`, which matches nothing, for none)."""
    params = {f"{name}{i}": v for i, v in enumerate(sorted(values))}
    marks = ", ".join(f":{k}" for k in params) or "NULL"
    return f"IN ({marks})", params


def rows_in(conn: Connection, statement: str, values: Iterable[Any]) -> Iterator[Any]:
    """The rows of `statement` whose `{IN}` is an `IN` list of `values`, run once per chunk of
    `ID_CHUNK` values (in ascending order, each value once)."""
    ordered = sorted(set(values))
    for at in range(0, len(ordered), ID_CHUNK):
        marks, params = in_list("k", ordered[at : at + ID_CHUNK])
        yield from conn.execute(text(statement.replace("{IN}", marks)), params)


def starting(prefix: str) -> str:
    """A LIKE pattern (escape `\\`) for the ids starting with `prefix`."""
    return prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
