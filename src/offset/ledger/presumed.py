"""One round trip (PostgreSQL): a writer that knows the head plans the batch on what it knows,
presuming nobody else wrote since its last commit, then sends the head's lock, the batch's
writes and the COMMIT in one pipeline (`write_presumed` says why nothing wrong can commit).
While other processes write, it first catches up on what they changed (`_refresh`, a round trip
without the lock, `catch_up.py`), so that the presumption is about the head just read.

Throughput machinery: the simple path (`Writer._write_locked`) reads under the lock first and
gives the same results; the writer takes it when this one finds the presumption wrong.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING

import psycopg

from offset.ledger import catch_up, head_check
from offset.ledger.batch import Failed, Result
from offset.ledger.batch_store import BatchStore
from offset.ledger.books import Books, Known
from offset.ledger.rows import HEADER_ID, Head

if TYPE_CHECKING:
    from offset.ledger.group_commit import Submission
    from offset.ledger.writer import Writer


class _Stale(Exception):
    """A batch planned on a presumption the database did not bear out: nothing is written."""


class _Unknown(Exception):
    """What the writer knew cannot be brought up to date: read everything under the lock."""


_SERIALIZATION_FAILURE = "40001"  # REPEATABLE READ: the head was locked after a later commit


def _refresh(store: BatchStore, known: Known) -> bool:
    """Before planning, when other writers write: catch up on what they changed since the head
    this writer knows (`catch_up.py`) and check the head entry (`head_check.problem`), in one
    round trip that takes no lock and starts the transaction's snapshot, so that everything
    read is one state. If the head moves again before the lock, the lock fails and nothing
    is written. True if other writers had written."""
    assert known.head is not None
    was = known.head
    head, rows = store.snapshot([*head_check.queries(False), *catch_up.queries(known.head.seq)])
    catch_up.catch_up(known, head, catch_up.Since(*rows[3:]))
    entry = head_check.entry(rows[:3])
    if known.head is None or head_check.problem(entry, head) is not None:
        raise _Unknown  # the simple path reads it all, and says what is wrong
    known.stamp = entry.stamp()
    return head != was


def _check(sent: Callable[[], tuple[Head, dict[str, bool]]], known: Known) -> None:
    """Raise `_Stale` if the database says the presumption was wrong: the head is not the one
    this writer knew, or an id presumed new is recorded."""
    head, found = sent()
    if head != known.head or any(found.values()):
        raise _Stale


def _moved_on(known: Known, books: Books | None, unknown: set[str]) -> None:
    """The head moved under a batch that was not written: what the writer knew at its head
    stays (the next write catches up from there), but not the batch's changes, nor the ids it
    presumed new."""
    if books is not None:
        books.rolled_back()
    for tx_id in unknown:
        known.transactions.base.pop(tx_id, None)


def _head_now(sent: Callable[[], tuple[Head, dict[str, bool]]]) -> Head | None:
    """The head the lock returned, if its answer came before the error (None otherwise)."""
    try:
        return sent()[0]
    except psycopg.Error:
        return None


def _server_refused(error: psycopg.Error) -> bool:
    """The server answered a statement with an error: the transaction did not commit (a lost
    connection may have committed it or not)."""
    return error.sqlstate is not None and not error.sqlstate.startswith("08")


def write_presumed(
    writer: Writer, batch: list[Submission], recorded: dt.datetime, *, refresh: bool = False
) -> tuple[list[list[Result]], bool] | None:
    """PostgreSQL, when nobody else wrote since this writer's last commit (the common case:
    one process writes): the batch is planned on what this writer knows, then the head's
    lock, the batch's writes and the COMMIT go in one pipeline. With `refresh` (other
    processes write), what they changed is read first (`_refresh`), in a round trip of its
    own. Returns the answers, and whether other writers had written since this writer's
    last commit; None when the presumption was wrong (nothing is written then: the caller
    writes again).

    Why nothing wrong can commit: every change to the books is a chained entry numbered
    head + 1, so if another writer committed since the head this writer knows, the first
    header of this batch collides with its entry (the primary key of `transactions`) and
    the whole transaction fails; and an id this writer did not know of, presumed new,
    collides with its recorded transaction (`transactions.id` is unique). Should the
    database hold a head this writer never saw (restored under it), the head's guard
    refuses entries that do not link to it (revision 0005). A batch that records nothing,
    or leaves a presumed-new id unrecorded (a rejection), has no such collision to rely on:
    it checks the head and the ids before it answers. And should the head entry have been
    edited by hand since this writer wrote or checked it, the server refuses the whole
    transaction (`head_check.UNCHANGED`): the simple path then says what is wrong."""
    known = writer.known
    sent: Callable[[], tuple[Head, dict[str, bool]]] | None = None
    books: Books | None = None
    unknown: set[str] = set()
    try:
        with writer.engine.begin() as conn:
            store = BatchStore(conn)
            others = _refresh(store, known) if refresh else False
            stamp, knew = known.stamp, known.head
            assert stamp is not None
            assert knew is not None
            with store.pipeline():
                books, unknown = Books.presumed(store, known, writer.batch_ids(batch))
                # Alone, the head's lock and the lookup travel while the batch is planned;
                # while others write, they go with the writes, once it is planned, so that the
                # lock is held only while the server runs them.
                if not refresh:
                    sent = store.start_sent(sorted(unknown))
                try:
                    answers = writer._answers(books, batch, recorded)
                except Exception:  # a lone atomic rejection (`_Failed`), or a planner's rule
                    # broken by books that were not true: the database says which
                    _check(sent or store.start_sent(sorted(unknown)), known)
                    raise
                if sent is None:
                    sent = store.start_sent(sorted(unknown))
                own = store.send(head_check.UNCHANGED, head_check.params(stamp, knew.seq))
                recorded_ids = {h[HEADER_ID] for h in books.headers}
                if not books.headers or not unknown <= recorded_ids:
                    _check(sent, known)  # one round trip more, before answering
                small = store.small(books)
                if small:
                    store.write_all(books)
                    store.commit_sent()  # sent with the rest, when the pipeline ends
            if not small:
                store.write(books)
        head, _ = sent()
        if books.headers:
            xid = str(own.fetchone()[0])
            stamp = head_check.written(xid, books.headers, books.postings, books.events)
    except Failed as rejected:
        assert books is not None
        books.rolled_back()
        return [rejected.results], others
    except _Stale:
        _moved_on(known, books, unknown)
        return None
    except _Unknown:
        known.forget()
        return None
    except psycopg.Error as error:
        if not _server_refused(error):
            known.forget()
            raise
        # Nothing committed: write again. If the head moved (the lock found another writer's
        # commit after this transaction's snapshot, or the first header collided with its
        # entry), the other writers' entries say what changed (`catch_up.py`); otherwise what
        # failed is not known.
        if error.sqlstate == _SERIALIZATION_FAILURE or (
            sent is not None and _head_now(sent) not in (None, known.head)
        ):
            _moved_on(known, books, unknown)
        else:
            known.forget()
        return None
    except BaseException:
        writer.known.forget()
        raise
    if head != known.head:  # cannot be: the batch's first header would have collided
        known.forget()
        raise RuntimeError(f"the chain head moved under a committed batch: {head}")
    books.committed()
    known.stamp = stamp
    return answers, others
