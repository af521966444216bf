"""The parallel verifier: the chain pass (`history.check_links`) over ranges of sequence numbers
in worker processes, for large ledgers, reading what this process's snapshot reads; the ranges
joined give what one pass gives (`ranges.join`). The simple path, one process, is the same
function over one range.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import re
import threading
from collections.abc import Generator
from concurrent.futures import ProcessPoolExecutor
from typing import Any

from sqlalchemy import Connection, text

from offset.ledger.database import connect, read_only
from offset.ledger.verify.history import check_links
from offset.ledger.verify.ranges import ChainPart, join

# Entries from which workers start by default: below, starting them costs about what they
# save. Forked from the caller they start at once; a forkserver first imports the ledger.
PARALLEL_FROM = {"fork": 100_000, "forkserver": 300_000}

MAX_WORKERS = 8

SNAPSHOT_ID = re.compile(r"[0-9A-Fa-f-]+")  # as pg_export_snapshot() writes them


def _check_links_of(url: str, lo: int | None, hi: int | None, snapshot: str | None) -> ChainPart:
    """`check_links` in a worker process, on its own connection (PostgreSQL: in the caller's
    exported `snapshot`)."""
    engine = connect(url)
    try:
        with engine.connect() as conn:
            if snapshot is not None:
                if not SNAPSHOT_ID.fullmatch(snapshot):  # inlined below: SET takes no parameter
                    raise ValueError(f"not a snapshot id: {snapshot!r}")
                read_only(conn).execute(text(f"SET TRANSACTION SNAPSHOT '{snapshot}'"))
            return check_links(conn.connection.driver_connection, lo, hi)
    finally:
        engine.dispose()


def _runs_alone() -> bool:
    return threading.active_count() == 1


def _process_context() -> multiprocessing.context.BaseContext:
    """`fork` where only this thread runs (the CLI): the workers start at once with the ledger
    already imported. Elsewhere (a server's threads may hold locks a fork would copy)
    `forkserver`, preloaded with the ledger so that each worker need not import it again (about
    half a second); the server itself starts once per process, at the first parallel verify."""
    if _runs_alone() and "fork" in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("fork")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["offset.ledger.verify"])  # effective when the server starts
    return context


def _snapshot(conn: Connection) -> str | None:
    """PostgreSQL: the snapshot this process reads (`xmin:xmax:xip`), which a checkpoint signs
    so that a later `verify` can prove no row it saw was written since (`past.py`). It is this
    transaction's first statement, or runs in the snapshot the workers import."""
    if conn.dialect.name != "postgresql":
        return None
    return str(conn.execute(text("SELECT pg_current_snapshot()::text")).scalar_one())


def _export_snapshot(conn: Connection) -> str | None:
    """PostgreSQL: begin this process's snapshot and name it for the workers. SQLite cannot
    share one; there it begins at the next statement."""
    if conn.dialect.name != "postgresql":
        return None
    return str(conn.execute(text("SELECT pg_export_snapshot()")).scalar_one())


def _chain(
    conn: Connection, url: str | None, workers: int | None, last: int, since: ChainPart | None
) -> Generator[Any]:
    """Check the whole chain; the joined `ChainPart` comes at the second `next`. The rows come
    through the raw DB-API cursor: this is the one place that reads all history, and
    SQLAlchemy's row objects would triple its cost. With `workers` > 1 (and a URL other processes
    can open), the entries up to `last` are checked in ranges of sequence numbers in that many
    processes, started at the first `next` so that they run while this process reads the
    derived tables; this process then checks the entries after `last` (committed meanwhile)."""
    context = _process_context()
    first = 1 if since is None else since.expected_seq  # the first entry to read
    seed = [] if since is None else [since]
    if workers is None:
        large = last - first + 1 >= PARALLEL_FROM[context.get_start_method()]
        workers = min(os.cpu_count() or 1, MAX_WORKERS) if large else 1
    if workers > 1 and url is not None and last >= first:
        snapshot = _export_snapshot(conn)
        span = last - first + 1
        cuts = [first + span * k // workers for k in range(1, workers)]
        with ProcessPoolExecutor(workers, mp_context=context) as pool:
            # Forked workers start at the first submit. Frozen, this process's objects are
            # never collected in them: an unreachable connection finalised there would close
            # this process's socket to the server.
            gc.freeze()
            try:
                futures = [
                    pool.submit(_check_links_of, url, lo, hi, snapshot)
                    for lo, hi in zip([first, *cuts], [*cuts, last + 1], strict=True)
                ]
            finally:
                gc.unfreeze()
            yield None
            after = check_links(conn.connection.driver_connection, last + 1)
            parts = [*(future.result() for future in futures), after]
    else:
        yield None
        parts = [check_links(conn.connection.driver_connection, first)]
    yield join([*seed, *parts])
