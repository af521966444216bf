"""The ledger's one write path: parse, plan, journal, store, commit.

Each write is one database transaction holding the ledger's write lock (SQLite: BEGIN
IMMEDIATE; PostgreSQL: the chain-head row, locked before anything is read), so hashes follow
commit order and what the books read stays true until the commit. On PostgreSQL a writer that
knows the head sends the lock, the writes and the COMMIT in one round trip, presuming nobody
else wrote meanwhile (`Writer._write_presumed` says why nothing wrong can commit). Inside it, each operation is
parsed (`operations`), planned against the books (`planning`: pure, a result code per
rejection) and recorded in them (`journal`); the store writes what changed, once, at the end.

Independent operations (the default) are applied in chunks, one database transaction each: a
rejected operation changes nothing, so it needs no rollback, and its neighbours commit. An
atomic batch is one savepoint of the books: the first rejection undoes the whole batch.
A result is returned only once its write has committed.

Group commit: `apply` may be called from many threads at once (and from asyncio tasks, through
`apply_async`). Calls queue up; the first in line leads: it takes every call queued behind it
(up to `GROUP_OPERATIONS` operations, and at least its own) and applies them all in one
database transaction, one savepoint each for atomic calls, then answers each caller with its
own results after the commit. Calls that arrive meanwhile queue for the next one: a batch holds
whatever queued while the previous one was written, and waits (`GROUP_WAIT_S` at most) only for
the callers of a shared last batch to come back. So concurrent
callers share one commit (one fsync) as a single caller's batch does, and each gets exactly
what it would have got alone: independent operations are rejected on their own, an atomic call
stays all or nothing, and the order of the ledger is the order the leader applied them in.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import itertools
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, Final

import psycopg
from sqlalchemy import Engine

from offset.ledger import journal, names, planning
from offset.ledger import operations as ops
from offset.ledger.books import Books, Known
from offset.ledger.codes import MESSAGES, OK, Rejected, message
from offset.ledger.database import is_sqlite
from offset.ledger.lines import Unreadable
from offset.ledger.rows import HEADER_ID, Head
from offset.ledger.store import Store

CHUNK: Final = 1_000  # a caller's independent operations per database transaction
GROUP_OPERATIONS: Final = 1_000  # operations of other callers a leader takes into its batch
# How long a leader waits, at most, for the callers of the last batch to come back, when it was
# shared: callers just answered need a moment, and without it batches alternate between most
# of them and the rest. It stops waiting as soon as they are all in line; a lone caller never
# waits.
GROUP_WAIT_S: Final = 0.0005


@dataclass(frozen=True)
class Result:
    """What happened to one operation: `status` is `ok`, `exists` or a rejection code.
    `subject` names the account or transaction a rejection is about."""

    id: str
    status: str
    message: str = ""
    seq: int | None = None
    subject: str | None = None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id, "status": self.status}
        if self.message:
            out["message"] = self.message
        if self.status in MESSAGES:  # a refusal: its words in Japanese too
            out["message_ja"] = message(self.status, "ja")
        if self.seq is not None:
            out["seq"] = self.seq
        return out


def _label(item: object) -> str:
    """The id a result reports: the operation's id, account or party, as far as it can be
    read, and always printable (a raw value with characters no encoder writes is escaped)."""
    if isinstance(item, Unreadable):
        return item.label
    data = item.model_dump(by_alias=True) if isinstance(item, ops.OPERATION_TYPES) else item
    if isinstance(data, dict):
        for key in ("id", "account", "party"):
            value = data.get(key)
            if isinstance(value, str):
                return value if names.text_problem(value) is None else ascii(value[:200])[1:-1]
    return ""


def _raw_id(item: object) -> str | None:
    """The transaction id an unparsed item names, to look up in advance (parsing checks it)."""
    tx_id = getattr(item, "id", None) if isinstance(item, ops.OPERATION_TYPES) else None
    if isinstance(item, dict):
        tx_id = item.get("id")
    if isinstance(tx_id, str) and names.TX_ID.fullmatch(tx_id):
        return tx_id
    return None


def _parsed(item: object) -> ops.Operation:
    return item if isinstance(item, ops.OPERATION_TYPES) else ops.parse(item)


def _one(books: Books, item: object, when: planning.When) -> Result:
    """Plan and record one operation; a rejection leaves the books as they were."""
    if isinstance(item, Unreadable):
        return Result(item.label, item.code, str(Rejected(item.code, item.message)))
    try:
        op = _parsed(item)
        plan = planning.plan(books, op, when)
        label = op.id if isinstance(op, ops.TX_TYPES) else _label(op)
        if isinstance(plan, planning.Unchanged):
            return Result(label, plan.status, seq=plan.seq)
        return Result(label, OK, seq=journal.record(books, plan, when))
    except Rejected as e:
        e = planning.masked(books, e, when.party)
        return Result(_label(item), e.code, str(e), subject=e.subject)


class _Stale(Exception):
    """A batch planned on a presumption the database did not bear out: nothing is written."""


def _check(sent: Callable[[], tuple[Head, dict[str, bool]]], known: Known) -> None:
    """Raise `_Stale` if the database says the presumption was wrong: the head is not the one
    this writer knew, or an id presumed new is recorded."""
    head, found = sent()
    if head != known.head or any(found.values()):
        raise _Stale


def _server_refused(error: psycopg.Error) -> bool:
    """The server answered a statement with an error: the transaction did not commit (a lost
    connection may have committed it or not)."""
    return error.sqlstate is not None and not error.sqlstate.startswith("08")


def _batch_ids(batch: list[Submission]) -> list[str]:
    return [i for s in batch for i in map(_raw_id, s.items) if i is not None]


class _Failed(Exception):
    """An atomic batch was rejected: the results to answer, and nothing to write."""

    def __init__(self, results: list[Result]) -> None:
        self.results = results


def run(
    books: Books, items: list[object], when: planning.When, atomic: bool, savepoint: bool = True
) -> list[Result]:
    """Every item's result, in order, with the books moved by those that were recorded. A
    rejected atomic batch leaves the books as they were (a savepoint); without `savepoint`, the
    caller throws the books away instead (`_Failed`), which spares the undo log."""
    if not atomic:
        return [_one(books, item, when) for item in items]
    if savepoint:
        books.begin()
    results: list[Result] = []
    for item in items:
        result = _one(books, item, when)
        results.append(result)
        if result.status not in (OK, "exists"):
            failed = len(results) - 1
            answer = [
                results[i] if i == failed else Result(_label(other), "linked_failed")
                for i, other in enumerate(items)
            ]
            if not savepoint:
                raise _Failed(answer)
            books.rollback()
            return answer
    if savepoint:
        books.release()
    return results


@dataclass
class Submission:
    """One caller's operations, waiting in line for a batch."""

    items: list[object]
    atomic: bool
    today: dt.date | None
    party: str | None = None
    results: list[Result] | None = None
    error: BaseException | None = None
    wake: threading.Condition | None = None  # woken when settled, or first in line

    @property
    def settled(self) -> bool:
        return self.results is not None or self.error is not None


class Writer:
    """Applies operations to one database: the only way the ledger changes."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.sqlite = is_sqlite(engine)
        self.known = Known()  # what the books hold as of this writer's last commit (`books.py`)
        self._line: deque[Submission] = deque()
        # One lock over the line; each waiting call sleeps on a condition of its own, woken
        # only when it is answered or comes first (a shared one woke every caller at every
        # arrival), and a leader gathering its batch sleeps on `_arrived`.
        self._lock = threading.Lock()
        self._arrived = threading.Condition(self._lock)
        self._last_batch = 0  # calls the last batch held
        # PostgreSQL: write in one round trip, presuming nobody else wrote since this writer's
        # last commit (`_write_presumed`); off while another process is found writing.
        self._presume = False

    def apply(
        self,
        operations: Iterable[object],
        *,
        atomic: bool = False,
        today: dt.date | None = None,
        party: str | None = None,
    ) -> list[Result]:
        """Apply operations (parsed models or JSON-like dicts), returning one result each.

        Independent (default): each operation is recorded or rejected on its own. Atomic: all
        are applied, or none (the rejected one gets its code, every other `linked_failed`).
        On behalf of `party` (an API caller): see `planning.When`."""
        return list(self.apply_iter(operations, atomic=atomic, today=today, party=party))

    async def apply_async(
        self,
        operations: Iterable[object],
        *,
        atomic: bool = False,
        today: dt.date | None = None,
        party: str | None = None,
    ) -> list[Result]:
        """`apply` for an asyncio task: the call waits in a thread, and shares its commit with
        every other call waiting then."""
        return await asyncio.to_thread(
            self.apply, list(operations), atomic=atomic, today=today, party=party
        )

    def apply_iter(
        self,
        operations: Iterable[object],
        *,
        atomic: bool = False,
        today: dt.date | None = None,
        party: str | None = None,
    ) -> Iterator[Result]:
        """As `apply`, yielding results as their writes commit (a chunk at a time)."""
        items = list(operations)
        if atomic:
            yield from self._submit(Submission(items, True, today, party))
            return
        for at in range(0, len(items), CHUNK):
            yield from self._submit(Submission(items[at : at + CHUNK], False, today, party))

    def initialise(self) -> None:
        """Write the ledger's first entries (its identity, instruments and registry) if it has
        none yet; every write does so too."""
        self._submit(Submission([], False, None))

    def _submit(self, mine: Submission) -> list[Result]:
        """Wait in line; lead a batch when first in it; return once this call's batch has
        committed (or raise what broke it)."""
        with self._lock:
            self._line.append(mine)
            if len(self._line) > 1:
                self._arrived.notify()  # a leader gathering its batch hears of it
                mine.wake = threading.Condition(self._lock)
                while not mine.settled and self._line[0] is not mine:
                    mine.wake.wait()
            if not mine.settled:
                self._gather()
            batch = [] if mine.settled else self._take()
        if batch:  # this call leads: write the batch, the line waiting meanwhile
            self._lead(batch)
        if mine.error is not None:
            raise mine.error
        assert mine.results is not None
        return mine.results

    def _lead(self, batch: list[Submission]) -> None:
        try:
            for submission, results in zip(batch, self._write(batch), strict=True):
                submission.results = results
        except BaseException as broken:  # every caller of the batch hears of it
            for submission in batch:
                submission.error = broken
        with self._lock:
            for submission in batch:
                self._line.popleft()
                if submission.wake is not None:
                    submission.wake.notify()
            if self._line and self._line[0].wake is not None:
                self._line[0].wake.notify()  # the next leader

    def _gather(self) -> None:
        """Wait a moment for more callers, if the last batch was shared, until as many are in
        line as it held (under `_lock`)."""
        if self._last_batch < 2:
            return
        deadline = time.monotonic() + GROUP_WAIT_S
        while len(self._line) < min(self._last_batch, GROUP_OPERATIONS):
            waited = len(self._line)
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not self._arrived.wait(remaining) or len(self._line) == waited:
                return

    def _take(self) -> list[Submission]:
        """The leader's batch: itself, then whoever queued behind it, up to the bound."""
        batch = [self._line[0]]
        size = len(batch[0].items)
        for waiting in itertools.islice(self._line, 1, None):
            if size + len(waiting.items) > GROUP_OPERATIONS:
                break
            batch.append(waiting)
            size += len(waiting.items)
        self._last_batch = len(batch)
        return batch

    def _write(self, batch: list[Submission]) -> list[list[Result]]:
        """One database transaction for every submission of the batch: on PostgreSQL, when
        this writer knows the head, in one round trip (`_write_presumed`); otherwise, or if
        that finds the presumption wrong, reading first under the lock (`_write_locked`)."""
        recorded = journal.recorded_now()
        if self._presume and self.known.head is not None:
            answers = self._write_presumed(batch, recorded)
            if answers is not None:
                return answers
            self._presume = False  # another process writes: read first until it stops
        return self._write_locked(batch, recorded)

    def _answers(
        self, books: Books, batch: list[Submission], recorded: dt.datetime
    ) -> list[list[Result]]:
        """Every submission's results, planned and recorded in `books`. A lone submission
        spares the savepoints: if it is an atomic call and is rejected, `_Failed` says so and
        the database transaction is rolled back instead."""
        return [
            run(
                books,
                s.items,
                planning.When(s.today or dt.date.today(), recorded, s.party),
                s.atomic,
                savepoint=len(batch) > 1,
            )
            for s in batch
        ]

    def _write_locked(self, batch: list[Submission], recorded: dt.datetime) -> list[list[Result]]:
        knew = self.known.head
        try:
            with self.engine.begin() as conn:
                store = Store(conn)
                books = Books.locked(store, self.known, _batch_ids(batch))
                alone = books.head == knew  # nobody else wrote since this writer's last commit
                if books.head.seq == 0:
                    journal.genesis(
                        books, planning.When(dt.date.today(), recorded), str(uuid.uuid4())
                    )
                answers = self._answers(books, batch, recorded)
                store.write(books)
            self._presume = not self.sqlite and alone
        except _Failed as rejected:  # a lone atomic call, rolled back: nothing was written
            books.rolled_back()
            return [rejected.results]
        except BaseException:
            self.known.forget()
            raise
        books.committed()
        return answers

    def _write_presumed(
        self, batch: list[Submission], recorded: dt.datetime
    ) -> list[list[Result]] | None:
        """PostgreSQL, when nobody else wrote since this writer's last commit (the common case:
        one process writes): the head's lock, the batch's writes and the COMMIT go in one
        pipeline, while the batch is planned on what this writer knows. None when the
        presumption was wrong (nothing is written then: the caller reads and writes again).

        Why nothing wrong can commit: every change to the books is a chained entry numbered
        head + 1, so if another writer committed since the head this writer knows, the first
        header of this batch collides with its entry (the primary key of `transactions`) and
        the whole transaction fails; and an id this writer did not know of, presumed new,
        collides with its recorded transaction (`transactions.id` is unique). Should the
        database hold a head this writer never saw (restored under it), the head's guard
        refuses entries that do not link to it (revision 0005). A batch that records nothing,
        or leaves a presumed-new id unrecorded (a rejection), has no such collision to rely on:
        it checks the head and the ids before it answers."""
        try:
            with self.engine.begin() as conn:
                store = Store(conn)
                with store.pipeline():
                    books, unknown, sent = Books.presumed(store, self.known, _batch_ids(batch))
                    try:
                        answers = self._answers(books, batch, recorded)
                    except Exception:  # a lone atomic rejection (`_Failed`), or a planner's
                        _check(sent, self.known)  # rule broken by books that were not true
                        raise
                    recorded_ids = {h[HEADER_ID] for h in books.headers}
                    if not books.headers or not unknown <= recorded_ids:
                        _check(sent, self.known)  # one round trip more, before answering
                    small = store.small(books)
                    if small:
                        store.write_all(books)
                        store.commit_sent()  # sent with the rest, when the pipeline ends
                if not small:
                    store.write(books)
            head, _ = sent()
        except _Failed as rejected:
            books.rolled_back()
            return [rejected.results]
        except _Stale:
            self.known.forget()
            return None
        except psycopg.Error as error:
            self.known.forget()
            if _server_refused(error):  # nothing committed: read under the lock, and retry
                return None
            raise
        except BaseException:
            self.known.forget()
            raise
        if head != self.known.head:  # cannot be: the batch's first header would have collided
            self.known.forget()
            raise RuntimeError(f"the chain head moved under a committed batch: {head}")
        books.committed()
        return answers

    def forget(self) -> None:
        """Read everything again at the next write (the books were changed behind the ledger's
        back: a repair, a test; another writer's commits are noticed without this)."""
        with self._lock:
            self.known.forget()
