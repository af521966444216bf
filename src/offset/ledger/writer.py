"""The ledger's one write path: operations in, one database transaction, results out.

Each write is one database transaction holding the ledger's write lock (SQLite: BEGIN
IMMEDIATE; PostgreSQL: the chain-head row, locked before anything is read), so hashes follow
commit order and what the books read stays true until the commit (`books.py`). Inside it, the
head it links to is checked first (`head_check.py`: a head entry edited by hand refuses every
operation with `history_altered`, and nothing is written), the operations are applied to the books (`batch.run`: parse, plan, journal) and the store writes
what changed, once, at the end (`store.py`). A result is returned only once its write has
committed. A caller's independent operations are written in chunks of `CHUNK`, one database
transaction each.

Two things make it fast, each in a module of its own behind `_write`: calls from many threads
share one commit (`group_commit.py`), and on PostgreSQL a writer that knows the head writes in
one round trip (`presumed.py`; two while other processes write, catching up on what they
changed, `catch_up.py`). Neither changes what a caller gets.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Iterator
from typing import Final

from sqlalchemy import Engine

from offset.ledger import head_check, journal, planning
from offset.ledger.batch import Failed, Result, raw_id, refused, run
from offset.ledger.batch_store import store_for
from offset.ledger.books import Books, Known
from offset.ledger.codes import HISTORY_ALTERED, Rejected
from offset.ledger.database import is_sqlite
from offset.ledger.group_commit import Line, Submission
from offset.ledger.presumed import write_presumed
from offset.ledger.writer_socket import RemoteWriter

__all__ = ["CHUNK", "Result", "Submission", "Writer"]

CHUNK: Final = 1_000  # a caller's independent operations per database transaction
# PostgreSQL, while other processes write: after a batch planned before the head's lock was
# voided by another's commit, the next 1, 2, 4, ... (at most this many) batches are written
# under the lock (which always goes through) before one is planned first again.
LOCKED_AFTER_CONFLICT: Final = 16


class Writer:
    """Applies operations to one database: the only way the ledger changes."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.sqlite = is_sqlite(engine)
        self.known = Known()  # what the books hold as of this writer's last commit (`books.py`)
        self._line = Line()  # calls waiting to share a commit (`group_commit.py`)
        # PostgreSQL: write in one round trip, presuming nobody else wrote since this writer's
        # last commit (`presumed.py`); off while another process is found writing.
        self._presume = False
        self._backoff = 0  # batches to write under the lock, after the last conflict
        self._streak = 0  # conflicts in a row
        # Another process writes for this one (`writer_socket.py`; `offset serve --workers N`).
        self.remote: RemoteWriter | None = None

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
        """Wait in line; return once this call's batch has committed (`group_commit.py`), in
        this process or in the one that writes for it."""
        if self.remote is not None:
            return self.remote.submit(mine)
        return self._line.submit(mine, self._write)

    def submit_together(self, submissions: list[Submission]) -> None:
        """Several callers' submissions at once, from one thread (`writer_socket.py`), each
        settled (`results` or `error`) on return, written as any caller's (in the process that
        writes for this one, if another does)."""
        if self.remote is not None:
            self.remote.submit_together(submissions)
            return
        self._line.submit_together(submissions, self._write)

    def _write(self, batch: list[Submission]) -> list[list[Result]]:
        """One database transaction for every submission of the batch: on PostgreSQL, when
        this writer knows the head, in one round trip (`presumed.py`); otherwise, or if
        that finds the presumption wrong, reading first under the lock (`_write_locked`)."""
        recorded = journal.recorded_now()
        if self._planned_first():
            written = write_presumed(self, batch, recorded, refresh=not self._presume)
            if written is not None:
                answers, others = written
                self._presume = not others  # alone since the last commit: presume again
                self._streak = 0
                return answers
            if not self._presume:  # planned after catching up, yet another process came first
                self._streak += 1
                self._backoff = min(2 ** (self._streak - 1), LOCKED_AFTER_CONFLICT)
            self._presume = False  # another process writes: catch up first until it stops
        return self._write_locked(batch, recorded)

    def _planned_first(self) -> bool:
        """Whether this batch is planned before the head's lock (`presumed.py`): on PostgreSQL,
        when this writer knows the head, unless it is backing off after conflicts."""
        if self.sqlite or self.known.head is None:
            return False
        if self._presume:
            return self.known.stamp is not None
        if self._backoff > 0:
            self._backoff -= 1
            return False
        return True

    def _answers(
        self, books: Books, batch: list[Submission], recorded: dt.datetime
    ) -> list[list[Result]]:
        """Every submission's results, planned and recorded in `books`. A lone submission
        spares the savepoints: if it is an atomic call and is rejected, `Failed` says so and
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
        """The simple path: lock the head, check that it is intact (`head_check.py`), read what
        the batch needs, apply it, write it. On PostgreSQL, in two round trips when nothing
        else needs reading: the lock with the reads it allows (`Books.locked`: the head entry,
        the batch's ids, what other writers changed), then the writes with the COMMIT."""
        knew = self.known.head
        try:
            with self.engine.begin() as conn:
                store = store_for(conn)
                books = Books.locked(store, self.known, self.batch_ids(batch))
                alone = books.head == knew  # nobody else wrote since this writer's last commit
                stamp, own = None, None
                if books.head.seq == 0:
                    journal.genesis(
                        books, planning.When(dt.date.today(), recorded), str(uuid.uuid4())
                    )
                else:
                    entry = books.entry
                    assert entry is not None
                    broken = head_check.problem(entry, books.head)
                    if broken is not None:
                        raise _Broken(broken)
                    stamp, own = entry.stamp(), entry.own_xid
                answers = self._answers(books, batch, recorded)
                if books.headers and not self.sqlite:
                    xid = own or str(store.one(head_check.OWN_STAMP)[0])  # the genesis: no entry
                    stamp = head_check.written(xid, books.headers, books.postings, books.events)
                store.write(books, commit=True)
            self._presume = not self.sqlite and alone
        except Failed as rejected:  # a lone atomic call, rolled back: nothing was written
            books.rolled_back()
            return [rejected.results]
        except _Broken as broken:  # nothing is written on a head edited by hand
            self.known.forget()
            why = Rejected(HISTORY_ALTERED, str(broken))
            return [refused(s.items, why) for s in batch]
        except BaseException:
            self.known.forget()
            raise
        books.committed()
        self.known.stamp = stamp
        return answers

    @staticmethod
    def batch_ids(batch: list[Submission]) -> list[str]:
        """The transaction ids a batch names, to look up in advance (parsing checks them)."""
        return [i for s in batch for i in map(raw_id, s.items) if i is not None]

    def forget(self) -> None:
        """Read everything again at the next write (the books were changed behind the ledger's
        back: a repair, a test; another writer's commits are noticed without this)."""
        with self._line.lock:
            self.known.forget()


class _Broken(Exception):
    """The chain head a write would link to is not intact (`head_check.problem` says why)."""
