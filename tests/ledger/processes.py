"""What the processes of `test_concurrency.py` and `test_migration_lock.py` run, apart from the
test modules: a forkserver preloaded with this module (and so with the ledger) starts each
process at once, where a spawned one imported pytest, the test module and the ledger again
(about 1.3 s of CPU each).

The processes of a test wait at one barrier (`ready` gives it to each), so that they write at
the same time however long each took to start; a writer writes its `count` transfers and goes
on until the test sets `stop`.
"""

from __future__ import annotations

import multiprocessing
import random
import uuid
from collections import Counter
from multiprocessing.context import ForkServerContext
from multiprocessing.synchronize import Barrier, Event
from typing import Any

from offset.ledger import Ledger

HOT = ["a/holding", "b/holding", "c/holding"]
CLASS = {"project": "hot-forest", "vintage": 2024}
WAIT = 120  # seconds at the barrier before a test gives up (a process that never started)

_start: Barrier | None = None
_stop: Event | None = None


def context() -> ForkServerContext:
    """A forkserver with this module imported before it forks (effective when the server starts:
    if a parallel `verify` started it first, each process imports this module once more)."""
    found = multiprocessing.get_context("forkserver")
    found.set_forkserver_preload(["offset.ledger.verify", __name__])
    return found


def ready(start: Barrier, stop: Event | None = None) -> None:
    """A pool's initializer: the barrier its processes start writing at, and the stop sign."""
    global _start, _stop
    _start, _stop = start, stop


def writer(url: str, seed: int, count: int) -> Counter[str]:
    """Random transfers among the hot accounts: `count` of them, and more until `stop` is set."""
    assert _start is not None, "the pool's initializer is `ready`"
    assert _stop is not None, "the pool's initializer is `ready`, with a stop sign"
    rng = random.Random(seed)
    book = Ledger.open(url, migrate=False)
    seen: Counter[str] = Counter()
    _start.wait(WAIT)
    while sum(seen.values()) < count or not _stop.is_set():
        source, destination = rng.sample(HOT, 2)
        op = {
            "op": "transfer",
            "id": f"w{seed}-{uuid.uuid4().hex[:8]}",
            "from": source,
            "to": destination,
            "quantity": rng.randint(1, 60),
            **CLASS,
        }
        [result] = book.apply([op])
        seen[result.status] += 1
    book.engine.dispose()
    return seen


def opener(url: str, seed: int) -> list[str]:
    """Open the same new parties and accounts as every other opener, at once (at the barrier,
    in a pool's process)."""
    book = Ledger.open(url, migrate=False)
    ops: list[dict[str, Any]] = []
    for n in range(4):
        ops.append({"op": "open_party", "party": f"new{n}", "kind": "company", "name": f"New {n}"})
        ops.append(
            {
                "op": "open_account",
                "account": f"new{n}/holding",
                "party": f"new{n}",
                "kind": "holding",
            }
        )
        ops.append(
            {
                "op": "open_account",
                "account": f"late{n}/holding",
                "party": f"late{n}",
                "kind": "holding",
            }
        )
    random.Random(seed).shuffle(ops)
    if _start is not None:
        _start.wait(WAIT)
    statuses = [r.status for r in book.apply(ops)]
    book.engine.dispose()
    return statuses


def open_new(url: str, start: Barrier, answers: Any) -> None:
    """`test_migration_lock.py`'s process: wait for the others, then open (create and migrate)
    the ledger. Forked from the forkserver, which imported the ledger but opened none: as fresh
    as a spawned process for what the test asks."""
    start.wait(WAIT)
    try:
        book = Ledger.open(url)
        book.engine.dispose()
        answers.put("opened")
    except Exception as e:  # any: the parent test says which
        answers.put(f"{type(e).__name__}: {e}"[:2000])
