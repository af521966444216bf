"""What a process makes once and keeps (factor tables read, key requests resolved, charts
drawn): a bounded dict, the oldest going first, safe to fill from a server's threads."""

from __future__ import annotations

import threading
from typing import TypeVar

K = TypeVar("K")
V = TypeVar("V")
_LOCK = threading.Lock()


def keep(store: dict[K, V], key: K, value: V, limit: int) -> V:
    """`value` kept in `store` under `key`, the oldest entries dropped to stay under `limit`
    (a reader takes an entry with `store.get`, which needs no lock)."""
    with _LOCK:
        while len(store) >= limit:
            store.pop(next(iter(store)), None)
        store[key] = value
    return value
