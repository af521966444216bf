"""Group commit: concurrent callers share database transactions, and each gets exactly what it
would have got alone, in the order the writer applied their calls."""

from __future__ import annotations

import itertools
import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from offset.ledger import Ledger
from offset.ledger import writer as writer_module
from offset.ledger.writer import Result, Submission
from tests.ledger.conftest import holdings, pg_schema, pg_schema_from

ACCOUNTS = ["a/holding", "b/holding", "c/holding", "d/holding"]
CLASS = {"project": "forest", "vintage": 2024}


def _setup(url: str) -> Ledger:
    book = Ledger.open(url)
    opened = [
        {"op": "open_account", "account": a, "party": a[0], "kind": "holding"} for a in ACCOUNTS
    ]
    issued = [
        {
            "op": "issue",
            "id": f"i-{a[0]}",
            "to": a,
            "instrument": "J-Credit",
            "quantity": 40,
            **CLASS,
        }
        for a in ACCOUNTS
    ]
    assert {r.status for r in book.apply([*opened, *issued])} == {"ok"}
    return book


class Recorder:
    """Which submissions each batch held, in the order the writer applied them; the first
    batch waits for `release` when `hold` is set (so that others queue behind it)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, hold: bool = False) -> None:
        self.batches: list[list[Submission]] = []
        self.release = threading.Event()
        if not hold:
            self.release.set()
        original = writer_module.Writer._write

        def recording(book: writer_module.Writer, batch: list[Submission]) -> list[list[Result]]:
            self.batches.append(list(batch))
            if len(self.batches) == 1:
                self.release.wait(30)
            return original(book, batch)

        monkeypatch.setattr(writer_module.Writer, "_write", recording)


def _calls(draw: st.DrawFn, caller: int) -> list[tuple[list[dict[str, Any]], bool]]:
    """A caller's calls: transfers, retries of its own ids, reservations posted and voided,
    reversals, alone or in atomic calls."""
    made: list[dict[str, Any]] = []
    calls = []
    for n in range(draw(st.integers(1, 4))):
        ops = []
        for m in range(draw(st.integers(1, 3))):
            kind = draw(
                st.sampled_from(["transfer", "transfer", "retry", "reserve", "resolve", "reverse"])
            )
            tx = f"c{caller}-{n}-{m}"
            pair = draw(st.permutations(ACCOUNTS))
            move = {"from": pair[0], "to": pair[1], **CLASS, "quantity": draw(st.integers(1, 12))}
            if kind == "retry" and made:
                op = dict(draw(st.sampled_from(made)))
            elif kind == "resolve" and any(o["op"] == "reserve" for o in made):
                target = draw(st.sampled_from([o["id"] for o in made if o["op"] == "reserve"]))
                op = {
                    "op": draw(st.sampled_from(["post", "void"])),
                    "id": tx,
                    "reservation": target,
                }
            elif kind == "reverse" and any(o["op"] == "transfer" for o in made):
                op = {
                    "op": "reverse",
                    "id": tx,
                    "of": draw(st.sampled_from([o["id"] for o in made if o["op"] == "transfer"])),
                }
            else:
                op = {"op": "reserve" if kind == "reserve" else "transfer", "id": tx, **move}
            made.append(op)
            ops.append(op)
        calls.append((ops, draw(st.booleans())))
    return calls


@st.composite
def interleavings(draw: st.DrawFn) -> list[list[tuple[list[dict[str, Any]], bool]]]:
    return [_calls(draw, caller) for caller in range(draw(st.integers(2, 5)))]


def _run_concurrently(
    book: Ledger, callers: list[list[tuple[list[dict[str, Any]], bool]]]
) -> dict[int, list[list[Result]]]:
    start = threading.Barrier(len(callers))
    answers: dict[int, list[list[Result]]] = {}

    def caller(index: int) -> None:
        start.wait()
        answers[index] = [book.apply(ops, atomic=atomic) for ops, atomic in callers[index]]

    threads = [threading.Thread(target=caller, args=(i,)) for i in range(len(callers))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers


def _serially(url: str, batches: list[list[Submission]]) -> list[list[Result]]:
    """The same calls, one after another, in the order the writer applied them, on a new
    ledger: what each caller must have been answered."""
    book = _setup(url)
    try:
        return [book.apply(s.items, atomic=s.atomic) for batch in batches for s in batch]
    finally:
        book.engine.dispose()


@pytest.fixture
def fresh_urls(db_url: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Any]:
    """A new ledger each time it is called (the serial replay needs its own): a copy of one
    made once per process (`ledger`'s)."""
    made: list[Iterator[str]] = []
    count = itertools.count()

    def new() -> str:
        if db_url.startswith("sqlite"):
            copy = tmp_path / f"ledger-{next(count)}.db"
            shutil.copy(request.getfixturevalue("new_sqlite_ledger"), copy)
            return f"sqlite:///{copy}"
        script = request.getfixturevalue("new_postgresql_ledger")
        schemas = pg_schema() if script is None else pg_schema_from(script)
        made.append(schemas)
        return next(schemas)

    yield new
    for schemas in made:
        next(schemas, None)


def _status(results: list[Result]) -> list[tuple[str, str]]:
    return [(r.id, r.status) for r in results]


@pytest.mark.parametrize("examples", [12])
def test_concurrent_callers_get_what_a_serial_run_gives(
    db_url: str, fresh_urls: Any, monkeypatch: pytest.MonkeyPatch, examples: int
) -> None:
    shared: list[int] = []  # the largest batch of each example

    @settings(max_examples=examples, deadline=None, suppress_health_check=list(HealthCheck))
    @given(interleavings())
    def check(callers: list[list[tuple[list[dict[str, Any]], bool]]]) -> None:
        url = fresh_urls()
        book = _setup(url)
        recorder = Recorder(monkeypatch)
        try:
            answers = _run_concurrently(book, callers)
            applied = [s for batch in recorder.batches for s in batch]
            shared.append(max(map(len, recorder.batches)))
            monkeypatch.undo()
            expected = _serially(fresh_urls(), recorder.batches)
            # Each call was answered what the same call gets in a serial run of them all in
            # the order the writer applied them.
            for submission, serial in zip(applied, expected, strict=True):
                assert submission.results is not None
                assert _status(submission.results) == _status(serial)
            assert sorted(map(_status, (r for rs in answers.values() for r in rs))) == sorted(
                map(_status, expected)
            )
            assert book.verify() == []
            assert sum(v for k, v in holdings(book).items() if not k.startswith("issuance:")) == 160
        finally:
            book.engine.dispose()
            monkeypatch.undo()

    check()
    assert max(shared) > 1, "no two callers ever shared a commit: the test tested nothing"


def test_neighbours_in_one_commit_do_not_affect_each_other(
    db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """While the first batch is being written, four calls queue up: one rejected transfer, one
    good one, an atomic call that fails, an atomic call that passes. They are then written in
    one database transaction, and each gets its own answer."""
    book = _setup(db_url)
    recorder = Recorder(monkeypatch, hold=True)
    move = {"from": "a/holding", "to": "b/holding", **CLASS}
    calls = {
        "first": ([{"op": "transfer", "id": "f1", **move, "quantity": 1}], False),
        "rejected": ([{"op": "transfer", "id": "n1", **move, "quantity": 999}], False),
        "good": ([{"op": "transfer", "id": "n2", **move, "quantity": 2}], False),
        "atomic-fails": (
            [
                {"op": "transfer", "id": "n3", **move, "quantity": 3},
                {"op": "transfer", "id": "n4", **move, "quantity": 999},
            ],
            True,
        ),
        "atomic-passes": (
            [
                {"op": "transfer", "id": "n5", **move, "quantity": 4},
                {"op": "reverse", "id": "n6", "of": "n5", "quantity": 1},
            ],
            True,
        ),
    }
    answers: dict[str, list[str]] = {}

    def call(name: str) -> None:
        ops, atomic = calls[name]
        answers[name] = [r.status for r in book.apply(ops, atomic=atomic)]

    threads = {name: threading.Thread(target=call, args=(name,)) for name in calls}
    threads["first"].start()
    while not recorder.batches:
        threading.Event().wait(0.01)
    for name in list(calls)[1:]:
        threads[name].start()
    while len(book._line) < 5:  # the four wait behind the first
        threading.Event().wait(0.01)
    recorder.release.set()
    for thread in threads.values():
        thread.join()
    assert answers == {
        "first": ["ok"],
        "rejected": ["insufficient_balance"],
        "good": ["ok"],
        "atomic-fails": ["linked_failed", "insufficient_balance"],
        "atomic-passes": ["ok", "ok"],
    }
    assert [len(batch) for batch in recorder.batches] == [1, 4]  # the four shared one commit
    assert holdings(book)["b/holding"] == 40 + 1 + 2 + 4 - 1
    assert book.verify() == []


KILL_SCRIPT = textwrap.dedent(
    """
    import sys, threading
    from offset.ledger import Ledger
    book = Ledger.open(sys.argv[1], migrate=False)
    lock = threading.Lock()

    def caller(n):
        for i in range(10_000):
            op = {"op": "transfer", "id": f"k{n}-{i}", "from": "a/holding" if i % 2 else "b/holding",
                  "to": "b/holding" if i % 2 else "a/holding", "project": "forest", "vintage": 2024,
                  "quantity": 1}
            [result] = book.apply([op])
            with lock:
                print(result.id, result.status, flush=True)

    threads = [threading.Thread(target=caller, args=(n,)) for n in range(12)]
    for t in threads: t.start()
    for t in threads: t.join()
    """
)


def test_killed_while_callers_wait_loses_no_answered_operation(db_url: str) -> None:
    book = _setup(db_url)
    child = subprocess.Popen(
        [sys.executable, "-c", KILL_SCRIPT, db_url],
        stdout=subprocess.PIPE,
        text=True,
        env=os.environ.copy(),
    )
    assert child.stdout is not None
    answered = []
    for line in child.stdout:
        answered.append(line.split())
        if len(answered) >= 300:
            break
    os.kill(child.pid, signal.SIGKILL)
    child.wait(timeout=30)
    ok = {tx for tx, status in answered if status == "ok"}
    assert len(ok) >= 290
    with book.engine.connect() as conn:
        from sqlalchemy import text

        recorded = {
            row[0] for row in conn.execute(text("SELECT id FROM transactions WHERE id LIKE 'k%'"))
        }
    assert ok <= recorded  # every answered operation is in the ledger
    assert book.verify() == []  # and whatever was not answered is there whole, or not at all
    assert holdings(book)["a/holding"] + holdings(book)["b/holding"] == 80
    json.dumps(sorted(recorded))
