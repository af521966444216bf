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

import datetime as dt
import socket
import threading
from multiprocessing import AuthenticationError
from multiprocessing.connection import Client, Connection, Listener
from typing import TYPE_CHECKING, Final

from offset.ledger.batch import Result, refused
from offset.ledger.codes import WRITER_UNAVAILABLE, Rejected

if TYPE_CHECKING:
    from offset.ledger.group_commit import Submission
    from offset.ledger.writer import Writer

# How long a sender waits for its write's answer before answering `writer_unavailable`: far
# beyond a batch's time (milliseconds), short of a client's patience.
ANSWER_TIMEOUT_S: Final = 30.0

Request = tuple[list[object], bool, "dt.date | None", "str | None"]  # items, atomic, today, party


class WriterServer:
    """Serves `book`'s writes to other processes at the Unix socket `path`: one thread a
    connection, each handing its caller's operations to the book's group commit."""

    def __init__(self, book: Writer, path: str, authkey: bytes) -> None:
        self.book = book
        self.listener = Listener(path, family="AF_UNIX", authkey=authkey)
        self._closed = threading.Event()
        self._connections: set[Connection] = set()
        self._lock = threading.Lock()
        threading.Thread(target=self._accept, name="offset-writer", daemon=True).start()

    def _accept(self) -> None:
        while not self._closed.is_set():
            try:
                conn = self.listener.accept()
            except (OSError, AuthenticationError):  # closed, or a peer without the key
                continue
            with self._lock:
                if self._closed.is_set():
                    conn.close()
                    return
                self._connections.add(conn)
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: Connection) -> None:
        """One sender's requests, one at a time (each thread of a sender has its own)."""
        try:
            while True:
                items, atomic, today, party = conn.recv()
                try:
                    answer: tuple[str, object] = (
                        "ok",
                        self.book.apply(items, atomic=atomic, today=today, party=party),
                    )
                except Exception as broken:  # the sender raises it, as `apply` would have
                    answer = ("error", _portable(broken))
                conn.send(answer)
        except (EOFError, OSError):  # the sender went away, or the server closes
            pass
        finally:
            with self._lock:
                self._connections.discard(conn)
            conn.close()

    def close(self) -> None:
        """Stop accepting and drop every connection (a write being applied still commits;
        its sender hears `writer_unavailable`)."""
        self._closed.set()
        self.listener.close()
        with self._lock:
            for conn in self._connections:  # its thread hears EOF, and closes it
                _hang_up(conn)


def _hang_up(conn: Connection) -> None:
    """Shut a connection down under the thread reading it (closing it there would pull the
    descriptor from under that thread's read, and let another file take its number)."""
    try:
        with socket.fromfd(conn.fileno(), socket.AF_UNIX, socket.SOCK_STREAM) as duplicate:
            duplicate.shutdown(socket.SHUT_RDWR)
    except OSError:  # closed meanwhile
        pass


def _portable(broken: Exception) -> Exception:
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
