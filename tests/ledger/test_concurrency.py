"""Several processes writing at once, and a process killed mid-batch, on both databases."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from multiprocessing.pool import AsyncResult, Pool
from multiprocessing.synchronize import Barrier, Event
from typing import Any

import pytest
from sqlalchemy import Connection, text

from offset.ledger import Ledger
from offset.ledger.database import reading
from offset.ledger.verify import installed, tables
from tests.ledger import processes
from tests.ledger.processes import CLASS, HOT

COUNT = 30  # transfers each writer makes at least
WRITERS = 3


def _setup(book: Ledger) -> Ledger:
    """The hot accounts opened on a new ledger (the `ledger` fixture), 100 credits each."""
    for account in HOT:
        book.apply(
            [{"op": "open_account", "account": account, "party": account[0], "kind": "holding"}]
        )
        book.apply(
            [
                {
                    "op": "issue",
                    "id": f"i-{account}",
                    "to": account,
                    "instrument": "J-Credit",
                    "quantity": 100,
                    **CLASS,
                }
            ]
        )
    return book


def _writers(url: str) -> tuple[Barrier, Event, AsyncResult[list[Counter[str]]], Pool]:
    """WRITERS writer processes, waiting at the barrier this process passes last (`start`); they
    stop once `stop` is set (and each wrote COUNT)."""
    context = processes.context()
    start, stop = context.Barrier(WRITERS + 1), context.Event()
    pool = context.Pool(WRITERS, initializer=processes.ready, initargs=(start, stop))
    writing = pool.starmap_async(processes.writer, [(url, seed, COUNT) for seed in range(WRITERS)])
    return start, stop, writing, pool


def test_concurrent_writers_conserve_credits(db_url: str, ledger: Ledger) -> None:
    book = _setup(ledger)
    start, stop, writing, pool = _writers(db_url)
    with pool:
        start.wait(processes.WAIT)  # every writer is writing
        stop.set()  # each stops after its COUNT
        outcomes = writing.get()
    total: Counter[str] = sum(outcomes, Counter())
    assert total["ok"] > 0
    assert set(total) <= {"ok", "insufficient_balance"}, total  # contention is never an error
    assert book.verify() == []
    held = {r.account: r.quantity for r in book.balances() if r.account in HOT}
    assert sum(held.values()) == 300
    assert min(held.values()) >= 0


@pytest.mark.parametrize("how", ["processes", "threads"])
def test_eight_writers_opening_the_same_names_get_ok_once(db_url: str, how: str) -> None:
    """Before, on PostgreSQL, openers raced check-then-insert and got UniqueViolation
    tracebacks. Each opening is a chained entry, so it takes the write lock: one opener gets
    `ok`, the others `exists`."""
    Ledger.open(db_url).engine.dispose()
    jobs = [(db_url, seed) for seed in range(8)]
    if how == "processes":
        context = processes.context()
        start = context.Barrier(8)  # all eight open at once, however long each took to start
        with context.Pool(8, initializer=processes.ready, initargs=(start,)) as pool:
            outcomes = pool.starmap(processes.opener, jobs)
    else:
        with ThreadPoolExecutor(8) as pool:
            outcomes = list(pool.map(lambda job: processes.opener(*job), jobs))
    counts = Counter(status for statuses in outcomes for status in statuses)
    assert counts == {"ok": 12, "exists": 8 * 12 - 12}, counts
    book = Ledger.open(db_url)
    assert {a.id for a in book.accounts()} >= {f"new{n}/holding" for n in range(4)}
    assert book.verify() == []
    book.engine.dispose()


def test_verify_while_writers_commit_sees_one_consistent_state(db_url: str, ledger: Ledger) -> None:
    """`verify` reads its checks in several statements and processes; commits landing between
    them must not show up as discrepancies (SQLite: it holds the write lock; PostgreSQL: one
    exported snapshot for every statement and worker)."""
    book = _setup(ledger)
    reports: list[list[str]] = []
    start, stop, writing, pool = _writers(db_url)
    with pool:
        start.wait(processes.WAIT)  # every writer is writing
        while not writing.ready() or len(reports) < 4:
            reports.append(book.verify(workers=1 + len(reports) % 2))
            if len(reports) == 4:
                stop.set()  # four reports made while the writers wrote: they may stop
            time.sleep(0.05)  # on SQLite `verify` holds the write lock: let the writers in
        total: Counter[str] = sum(writing.get(), Counter())
    assert total["ok"] > 0
    assert [problems for problems in reports if problems] == []
    assert book.verify() == []


def test_a_reader_sees_one_state_and_does_not_hold_up_writers(ledger: Ledger) -> None:
    """The ledger's reads (`database.reading`): a transfer commits while a read is open; the
    read goes on seeing the state it began with, and the writer did not wait for it (on SQLite
    a reader that took the write lock would make this `apply` wait out the busy timeout)."""
    book = _setup(ledger)
    held = text("SELECT quantity FROM balances WHERE account_id = 'a/holding'")
    move = {"op": "transfer", "id": "r1", "from": "a/holding", "to": "b/holding", "quantity": 7}
    with reading(book.engine) as conn:
        assert conn.execute(held).scalar() == 100
        started = time.monotonic()
        [result] = book.apply([move | CLASS])
        assert result.status == "ok"
        assert time.monotonic() - started < 5
        assert conn.execute(held).scalar() == 100  # the state the read began with
    assert {r.account: r.quantity for r in book.balances()}["a/holding"] == 93


@pytest.mark.parametrize("workers", [1, 2])
@pytest.mark.parametrize("moment", ["_tables", "_guards"])
def test_a_commit_during_verify_neither_waits_nor_shows(
    ledger: Ledger, workers: int, moment: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A transfer commits after `verify` has started, its workers (if any) already checking the
    history before it: just before this process reads the derived tables (SQLite: before its
    snapshot begins, so the entries after the workers' are checked here), or after the chain
    pass, before the guards are read (every check must still read the same state). The writer
    does not wait, and the report is still empty."""
    book = _setup(ledger)
    home = {"_tables": tables, "_guards": installed}[moment]
    check = getattr(home, moment)
    waited: list[float] = []

    def commit_first(conn: Connection, *args: Any) -> Any:
        move = {"op": "transfer", "id": f"v{len(waited)}", "from": "a/holding", "to": "b/holding"}
        started = time.monotonic()
        [result] = book.apply([move | {"quantity": 1} | CLASS])
        waited.append(time.monotonic() - started)
        assert result.status == "ok"
        return check(conn, *args)

    monkeypatch.setattr(home, moment, commit_first)
    assert book.verify(workers=workers) == []
    assert len(waited) == 1
    assert waited[0] < 5
    monkeypatch.undo()
    assert book.verify(workers=workers) == []


CRASH_SCRIPT = textwrap.dedent(
    """
    import sys, time
    from offset.ledger import Ledger, store
    original = store.Store.write_all
    def slow(self, books):
        original(self, books)  # every row of the batch written in the open database transaction
        if not self.sqlite:  # sent in the write's pipeline, before its COMMIT: run them now
            with self.cursor.connection.pipeline():
                pass
        print("paused", flush=True)
        time.sleep(60)
    store.Store.write_all = slow
    book = Ledger.open(sys.argv[1], migrate=False)
    ops = [{"op": "transfer", "id": f"k{i}", "from": "a/holding", "to": "b/holding", "quantity": 1,
            "project": "hot-forest", "vintage": 2024} for i in range(6)]
    book.apply(ops, atomic=True)
    print("finished", flush=True)
    """
)


def test_killed_mid_batch_leaves_nothing(db_url: str, ledger: Ledger) -> None:
    book = _setup(ledger)
    before = book.balances()
    child = subprocess.Popen(
        [sys.executable, "-c", CRASH_SCRIPT, db_url],
        stdout=subprocess.PIPE,
        text=True,
        env=os.environ.copy(),
    )
    assert child.stdout is not None
    assert child.stdout.readline().strip() == "paused"
    os.kill(child.pid, signal.SIGKILL)
    child.wait(timeout=30)
    assert book.balances() == before  # the whole batch or nothing: here, nothing
    assert book.verify() == []
    [again] = book.apply(
        [
            {
                "op": "transfer",
                "id": "after",
                "from": "a/holding",
                "to": "b/holding",
                "quantity": 1,
                **CLASS,
            }
        ]
    )
    assert again.status == "ok", json.dumps(again.to_json())
