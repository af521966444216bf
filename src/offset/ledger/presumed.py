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
        writer.known.forget()
        return None
    except psycopg.Error as error:
        writer.known.forget()
        if _server_refused(error):  # nothing committed: read under the lock, and retry
            return None
        raise
    except BaseException:
        writer.known.forget()
        raise
    if head != writer.known.head:  # cannot be: the batch's first header would have collided
        writer.known.forget()
        raise RuntimeError(f"the chain head moved under a committed batch: {head}")
    books.committed()
    writer.known.stamp = stamp
    return answers
