"""One round trip (PostgreSQL): a writer that knows the head sends the head's lock, the batch's
writes and the COMMIT in one pipeline, while it plans the batch on what it knows, presuming
nobody else wrote since its last commit (`write_presumed` says why nothing wrong can commit).

Throughput machinery: the simple path (`Writer._write_locked`) reads under the lock first and
gives the same results; this one is taken only when the writer saw itself alone at its last
commit, and leaves it as soon as the database says otherwise.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING

import psycopg

from offset.ledger import head_check
from offset.ledger.batch import Failed, Result
from offset.ledger.batch_store import BatchStore
from offset.ledger.books import Books, Known
from offset.ledger.rows import HEADER_ID, Head

if TYPE_CHECKING:
    from offset.ledger.group_commit import Submission
    from offset.ledger.writer import Writer


class _Stale(Exception):
    """A batch planned on a presumption the database did not bear out: nothing is written."""


def _check(sent: Callable[[], tuple[Head, dict[str, bool]]], known: Known) -> None:
    """Raise `_Stale` if the database says the presumption was wrong: the head is not the one
    this writer knew, or an id presumed new is recorded."""
    head, found = sent()
    if head != known.head or any(found.values()):
        raise _Stale


def _moved_on(known: Known, books: Books, unknown: set[str]) -> None:
    """The head moved under a batch that was not written: what the writer knew at its head
    stays (the simple path catches up from there), but not the batch's changes, nor the ids it
    presumed new."""
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
    writer: Writer, batch: list[Submission], recorded: dt.datetime
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
    it checks the head and the ids before it answers. And should the head entry have been
    edited by hand since this writer wrote or checked it, the server refuses the whole
    transaction (`head_check.UNCHANGED`): the simple path then says what is wrong."""
    stamp = writer.known.stamp
    assert stamp is not None
    sent: Callable[[], tuple[Head, dict[str, bool]]] | None = None
    try:
        with writer.engine.begin() as conn:
            store = BatchStore(conn)
            with store.pipeline():
                books, unknown, sent = Books.presumed(store, writer.known, writer.batch_ids(batch))
                own = store.send(head_check.UNCHANGED, head_check.params(stamp, books.head.seq))
                try:
                    answers = writer._answers(books, batch, recorded)
                except Exception:  # a lone atomic rejection (`_Failed`), or a planner's
                    _check(sent, writer.known)  # rule broken by books that were not true
                    raise
                recorded_ids = {h[HEADER_ID] for h in books.headers}
                if not books.headers or not unknown <= recorded_ids:
                    _check(sent, writer.known)  # one round trip more, before answering
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
        books.rolled_back()
        return [rejected.results]
    except _Stale:
        _moved_on(writer.known, books, unknown)
        return None
    except psycopg.Error as error:
        if not _server_refused(error):
            writer.known.forget()
            raise
        # Nothing committed: read under the lock, and retry. If the head moved, the other
        # writers' entries say what changed (`catch_up.py`); otherwise what failed is not known.
        if sent is None or _head_now(sent) in (None, writer.known.head):
            writer.known.forget()
        else:
            _moved_on(writer.known, books, unknown)
        return None
    except BaseException:
        writer.known.forget()
        raise
    if head != writer.known.head:  # cannot be: the batch's first header would have collided
        writer.known.forget()
        raise RuntimeError(f"the chain head moved under a committed batch: {head}")
    books.committed()
    writer.known.stamp = stamp
    return answers
