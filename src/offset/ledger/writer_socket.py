"""One writer for several processes (`offset serve --workers N`): the processes that answer
HTTP hand each write to one process's group commit over a Unix socket, and relay its answer.

Why: with a writer in each process, N processes split the clients into N lines, each of which
takes the chain head's lock for its own small batches (a process that finds another has
written reads what changed first); on one machine that answered fewer writes with 2 or 4
processes than with one (benchmarks/README.md, "--workers N"). With one writer, the batches
hold every process's callers, on the path that writes a batch in one round trip, while parsing,
the key check, reads and answers spread over the processes.

What crosses the socket is what `Writer.apply` takes (the operations, atomic or not, the day,
the party on whose behalf) and its results: the writer applies every rule of the ledger itself
(`batch.run`), a party's rights included; the sender only authenticated the caller. A result
is sent only after its commit. A sender that cannot reach the writer, loses it, or hears
nothing for `ANSWER_TIMEOUT_S`, answers `writer_unavailable` for each operation (the API's
503): it never waits forever, and a retry with the same ids is safe whether or not the lost
write committed. The socket lives in a directory only its user can open, and each connection
proves it holds the server's key (`multiprocessing.connection`'s challenge) before anything
it sends is unpickled.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import selectors
import socket
import threading
from multiprocessing import AuthenticationError
from multiprocessing.connection import Client, Connection, Listener
from typing import TYPE_CHECKING, Final

from offset.ledger.batch import Result, refused
from offset.ledger.codes import WRITER_UNAVAILABLE, Rejected
from offset.ledger.group_commit import Submission

if TYPE_CHECKING:
    from offset.ledger.writer import Writer

# How long a sender waits for its write's answer before answering `writer_unavailable`: far
# beyond a batch's time (milliseconds), short of a client's patience.
ANSWER_TIMEOUT_S: Final = 30.0

Request = tuple[list[object], bool, "dt.date | None", "str | None"]  # items, atomic, today, party


class WriterServer:
    """Serves `book`'s writes to other processes at the Unix socket `path`. One thread reads
    every connection: what was sent while the last batch was written is the next batch
    (`Writer.submit_together`), whose answers it sends once it has committed. Another thread
    accepts connections (each proves the key first)."""

    def __init__(self, book: Writer, path: str, authkey: bytes) -> None:
        self.book = book
        self.listener = Listener(path, family="AF_UNIX", authkey=authkey)
        self._closed = threading.Event()
        self._lock = threading.Lock()
        self._accepted: list[Connection] = []  # not yet read by the loop (under `_lock`)
        self._wake, self._woken = socket.socketpair()  # tells the loop of both, and of close
        threading.Thread(target=self._accept, name="offset-accept", daemon=True).start()
        self._loop = threading.Thread(target=self._run, name="offset-writer", daemon=True)
        self._loop.start()

    def _accept(self) -> None:
        while not self._closed.is_set():
            try:
                conn = self.listener.accept()
            except (OSError, AuthenticationError):  # closed, or a peer without the key
                continue
            with self._lock:
                self._accepted.append(conn)
            self._nudge()

    def _nudge(self) -> None:
        with contextlib.suppress(OSError):  # closed
            self._wake.send(b"!")

    def _run(self) -> None:
        watched = selectors.DefaultSelector()  # every connection, registered once
        watched.register(self._woken, selectors.EVENT_READ)

        def drop(conn: Connection) -> None:
            watched.unregister(conn)
            conn.close()

        try:
            while True:
                ready = watched.select()
                if self._closed.is_set():
                    return
                batch: list[tuple[Connection, list[Submission], bool]] = []  # bool: a list sent
                for key, _ in ready:
                    if key.fileobj is self._woken:
                        self._woken.recv(4096)
                        with self._lock:
                            for accepted in self._accepted:
                                watched.register(accepted, selectors.EVENT_READ, accepted)
                            self._accepted.clear()
                        continue
                    conn = key.data  # the Connection (`fileobj` as registered)
                    try:
                        sent = conn.recv()
                        many = isinstance(sent, list)  # `submit_together`'s requests
                        batch.append(
                            (conn, [Submission(*r) for r in (sent if many else [sent])], many)
                        )
                    except Exception:  # the sender went away (or sent what is not a request)
                        drop(conn)
                        continue
                if batch:
                    self.book.submit_together([s for _, mine, _ in batch for s in mine])
                for conn, mine, many in batch:  # each after its commit
                    try:
                        conn.send([_answer(s) for s in mine] if many else _answer(mine[0]))
                    except OSError:
                        drop(conn)
        finally:  # closed, or broken: new senders are refused at once, waiting ones hear EOF
            self._closed.set()
            self.listener.close()
            for key in list(watched.get_map().values()):
                if key.data is not None:
                    key.data.close()
            watched.close()

    def close(self) -> None:
        """Stop accepting and drop every connection, once the batch being written (if any)
        has committed; senders waiting hear `writer_unavailable`."""
        self._closed.set()
        self.listener.close()
        self._nudge()
        self._loop.join(ANSWER_TIMEOUT_S)
        with self._lock:
            for conn in self._accepted:
                conn.close()
        self._wake.close()
        self._woken.close()


def _answer(submission: Submission) -> tuple[str, object]:
    """What a sender gets: the results, or the error its `apply` raises (`_portable`)."""
    if submission.error is not None:
        return ("error", _portable(submission.error))
    return ("ok", submission.results)


def _portable(broken: BaseException) -> BaseException:
    """`broken` if it survives pickling, else a RuntimeError with its words (a driver's error
    may hold what cannot be pickled)."""
    import pickle

    try:
        pickle.loads(pickle.dumps(broken))
    except Exception:
        return RuntimeError(f"{type(broken).__name__}: {broken}")
    return broken


class RemoteWriter:
    """A process's way to the writer at `path`: one connection a thread, opened on first use
    and dropped at the first failure (the next write opens a new one)."""

    def __init__(self, path: str, authkey: bytes) -> None:
        self.path, self.authkey = path, authkey
        self._mine = threading.local()

    def submit(self, mine: Submission) -> list[Result]:
        request: Request = (mine.items, mine.atomic, mine.today, mine.party)
        try:
            conn = self._connection()
            conn.send(request)
            if not conn.poll(ANSWER_TIMEOUT_S):
                raise TimeoutError(f"no answer in {ANSWER_TIMEOUT_S:g} s")
            status, value = conn.recv()
        except (OSError, EOFError, AuthenticationError) as lost:  # TimeoutError included
            self._drop()
            why = Rejected(WRITER_UNAVAILABLE, f"{type(lost).__name__}: {lost}")
            return refused(mine.items, why)
        if status == "error":
            assert isinstance(value, BaseException)
            raise value
        assert isinstance(value, list)
        return value

    def submit_together(self, mine: list[Submission]) -> None:
        """Several callers' submissions in one message, each settled (`results` or `error`) on
        return, as the writer's `submit_together` settles them."""
        requests: list[Request] = [(s.items, s.atomic, s.today, s.party) for s in mine]
        try:
            conn = self._connection()
            conn.send(requests)
            if not conn.poll(ANSWER_TIMEOUT_S):
                raise TimeoutError(f"no answer in {ANSWER_TIMEOUT_S:g} s")
            answers = conn.recv()
        except (OSError, EOFError, AuthenticationError) as lost:  # TimeoutError included
            self._drop()
            why = Rejected(WRITER_UNAVAILABLE, f"{type(lost).__name__}: {lost}")
            for submission in mine:
                submission.results = refused(submission.items, why)
            return
        for submission, (status, value) in zip(mine, answers, strict=True):
            if status == "error":
                submission.error = value
            else:
                submission.results = value

    def _connection(self) -> Connection:
        conn: Connection | None = getattr(self._mine, "conn", None)
        if conn is None:
            conn = Client(self.path, family="AF_UNIX", authkey=self.authkey)
            self._mine.conn = conn
        return conn

    def _drop(self) -> None:
        conn: Connection | None = getattr(self._mine, "conn", None)
        self._mine.conn = None
        if conn is not None:
            conn.close()
