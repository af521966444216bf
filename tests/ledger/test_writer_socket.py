"""One writer for several processes (`offset.ledger.writer_socket`): a ledger whose writes go
over a Unix socket to another's group commit gets what it would have got writing itself, the
ledger's rules applied by the writer (a party's rights included); a writer that is gone, never
answers, or dies before answering is `writer_unavailable` for every operation, and nothing is
written."""

from __future__ import annotations

import secrets
import threading
from collections.abc import Iterator
from multiprocessing.connection import Listener
from pathlib import Path
from typing import Any

import pytest

from offset.ledger import Ledger, writer_socket
from offset.ledger.codes import WRITER_UNAVAILABLE
from offset.ledger.group_commit import Submission
from offset.ledger.writer_socket import RemoteWriter, WriterServer
from tests.ledger.conftest import ISSUE_LINES, history, holdings

KEY = secrets.token_bytes(32)
ISSUE = ISSUE_LINES[:3]  # two accounts, and 120 credits (6 to the buffer) to ina
TRANSFER = {"op": "transfer", "from": "ina/holding", "to": "shinjuku/holding",
            "project": "ina-forest", "vintage": 2024, "quantity": 1}  # fmt: skip


@pytest.fixture
def socket_path(tmp_path: Path) -> str:
    return str(tmp_path / "writer.sock")


@pytest.fixture
def writer(ledger: Ledger, socket_path: str) -> Iterator[WriterServer]:
    server = WriterServer(ledger, socket_path, KEY)
    yield server
    server.close()


def sender(ledger: Ledger, path: str, key: bytes = KEY) -> Ledger:
    """Another process's ledger on the same database, its writes handed to `path`."""
    book = Ledger.open(str(ledger.engine.url.render_as_string(hide_password=False)))
    book.remote = RemoteWriter(path, key)
    return book


def counted(book: Ledger) -> list[int]:
    """The sizes of the batches `book`'s own group commit writes (its `_write` calls)."""
    sizes: list[int] = []
    write = book._write

    def counting(batch: list[Submission]) -> Any:
        sizes.append(len(batch))
        return write(batch)

    book._write = counting  # type: ignore[method-assign]
    return sizes


def transferring(book: Ledger, prefix: str, count: int) -> tuple[list[threading.Thread], list[str]]:
    """`count` threads started, each applying 5 of ina's transfers through `book`; the statuses
    they got (once joined)."""
    statuses: list[str] = []

    def transfers(i: int) -> None:
        for n in range(5):
            (result,) = book.apply([{**TRANSFER, "id": f"ina:{prefix}{i}-{n}"}], party="ina")
            statuses.append(result.status)

    threads = [threading.Thread(target=transfers, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    return threads, statuses


def test_writes_through_the_socket_are_the_writers(
    ledger: Ledger, writer: WriterServer, socket_path: str
) -> None:
    theirs = counted(ledger)
    book = sender(ledger, socket_path)
    mine = counted(book)
    assert {r.status for r in book.apply(ISSUE, atomic=True)} == {"ok"}
    # The writer applies the rules for the party the sender names: not shinjuku's account.
    (refused,) = book.apply([{**TRANSFER, "id": "shinjuku:k1"}], party="shinjuku")
    assert refused.status == "unknown_account"
    (done,) = book.apply([{**TRANSFER, "id": "ina:k1"}], party="ina")
    assert done.status == "ok"
    assert done.seq is not None
    (again,) = book.apply([{**TRANSFER, "id": "ina:k1"}], party="ina")
    assert (again.status, again.seq) == ("exists", done.seq)

    # Many threads of the sender at once, one connection each: every write once, conserved.
    threads, statuses = transferring(book, "t", 8)
    for thread in threads:
        thread.join()
    assert statuses == ["ok"] * 40
    assert holdings(ledger) == {
        "issuance:ina-forest": -120, "ina/holding": 114 - 41, "shinjuku/holding": 41,
        "buffer:J-Credit": 6,
    }  # fmt: skip
    # Every submission was written by the writer's group commit, none by the sender's.
    assert mine == []
    assert sum(theirs) == 44
    assert ledger.verify() == []
    book.engine.dispose()


def test_the_writer_gone_is_writer_unavailable_and_nothing_is_written(
    ledger: Ledger, writer: WriterServer, socket_path: str, tmp_path: Path
) -> None:
    book = sender(ledger, socket_path)
    assert {r.status for r in book.apply(ISSUE, atomic=True)} == {"ok"}
    before = history(ledger)
    writer.close()  # the sender's connection is open: it hears the writer went away
    ops = [{**TRANSFER, "id": "ina:lost"}, {**TRANSFER, "id": "ina:lost2"}]
    lost = book.apply(ops, party="ina")
    assert [(r.id, r.status) for r in lost] == [("ina:lost", WRITER_UNAVAILABLE),
                                                ("ina:lost2", WRITER_UNAVAILABLE)]  # fmt: skip
    # No writer at that path (a new connection), or one that does not hold the key.
    assert book.apply(ops, atomic=True, party="ina")[0].status == WRITER_UNAVAILABLE
    impostor = WriterServer(ledger, str(tmp_path / "other.sock"), secrets.token_bytes(32))
    try:
        (refused,) = sender(ledger, str(tmp_path / "other.sock")).apply(ops[:1], party="ina")
    finally:
        impostor.close()
    assert refused.status == WRITER_UNAVAILABLE
    assert history(ledger) == before
    book.engine.dispose()


def fake_writer(path: str, answer: bool) -> tuple[threading.Thread, threading.Event]:
    """A writer that takes one request and then closes (`answer` False: hangs up) or, once
    told, goes away without answering."""
    listener = Listener(path, family="AF_UNIX", authkey=KEY)
    done = threading.Event()

    def run() -> None:
        with listener.accept() as conn:
            conn.recv()
            if answer:
                done.wait(60)
        listener.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread, done


@pytest.mark.parametrize("silent", [False, True], ids=["dies", "silent"])
def test_a_writer_that_never_answers(
    silent: bool, socket_path: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(writer_socket, "ANSWER_TIMEOUT_S", 0.2)
    thread, done = fake_writer(socket_path, answer=silent)
    remote = RemoteWriter(socket_path, KEY)
    (result,) = remote.submit(Submission([{**TRANSFER, "id": "ina:x"}], False, None, "ina"))
    if silent:  # the sender gave up while the writer still held its request
        assert thread.is_alive()
    done.set()
    thread.join()
    assert (result.id, result.status) == ("ina:x", WRITER_UNAVAILABLE)


def test_the_writers_error_is_raised_by_the_sender(
    ledger: Ledger, writer: WriterServer, socket_path: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    class Unpicklable(Exception):
        def __init__(self, lock: Any) -> None:
            super().__init__("database went away")
            self.lock = lock

    def broken(*_: object, **__: object) -> None:
        raise Unpicklable(threading.Lock())

    monkeypatch.setattr(ledger, "_write", broken)
    book = sender(ledger, socket_path)
    with pytest.raises(RuntimeError, match="Unpicklable: database went away"):
        book.apply([{**TRANSFER, "id": "ina:e"}], party="ina")
    monkeypatch.setattr(ledger, "_write", lambda *_, **__: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        book.apply([{**TRANSFER, "id": "ina:e"}], party="ina")
    book.engine.dispose()


def test_submissions_together_beside_callers_of_their_own(ledger: Ledger) -> None:
    """`submit_together` (the writer's loop) and this process's own callers in one line:
    each submission written once, as a caller alone would have had it."""
    assert {r.status for r in ledger.apply(ISSUE, atomic=True)} == {"ok"}
    together = [
        Submission([{**TRANSFER, "id": f"ina:g{n}"}], n % 2 == 0, None, "ina") for n in range(30)
    ]
    threads, own = transferring(ledger, "o", 4)
    for at in range(0, 30, 10):
        ledger.submit_together(together[at : at + 10])
    for thread in threads:
        thread.join()
    assert own == ["ok"] * 20
    assert [(s.error, [r.status for r in s.results or []]) for s in together] == [
        (None, ["ok"])
    ] * 30
    assert holdings(ledger)["shinjuku/holding"] == 50
    assert ledger.verify() == []


@pytest.mark.filterwarnings("ignore::pytest.PytestUnhandledThreadExceptionWarning")
def test_a_broken_writer_loop_refuses_at_once(
    ledger: Ledger, writer: WriterServer, socket_path: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Not a write's error (the sender raises those) but the writer's own loop broken: the
    sender waiting hears it, and the next finds no writer, instead of waiting for an answer."""
    book = sender(ledger, socket_path)
    assert {r.status for r in book.apply(ISSUE, atomic=True)} == {"ok"}
    before = history(ledger)

    def broken(_: list[Submission]) -> None:
        raise RuntimeError("a bug in the loop")

    monkeypatch.setattr(ledger, "submit_together", broken)
    monkeypatch.setattr(writer_socket, "ANSWER_TIMEOUT_S", 60.0)
    (waiting,) = book.apply([{**TRANSFER, "id": "ina:b1"}], party="ina")
    (late,) = sender(ledger, socket_path).apply([{**TRANSFER, "id": "ina:b2"}], party="ina")
    assert (waiting.status, late.status) == (WRITER_UNAVAILABLE, WRITER_UNAVAILABLE)
    # heard at once: the connection closed (EOF), not the 60 s wait run out (TimeoutError)
    assert waiting.message.endswith("(EOFError: )")
    assert "TimeoutError" not in late.message
    assert history(ledger) == before
    book.engine.dispose()


def test_submissions_together_through_the_socket(
    ledger: Ledger, writer: WriterServer, socket_path: str
) -> None:
    """A sender's `submit_together` (the lean path's gathered writes in a worker): one message,
    written by the writer's group commit, each settled as `apply` would have answered it (the
    party's rights included, a key sent twice recorded once); the writer gone, each is
    `writer_unavailable` and nothing is written."""
    theirs = counted(ledger)
    book = sender(ledger, socket_path)
    mine = counted(book)
    assert {r.status for r in book.apply(ISSUE, atomic=True)} == {"ok"}
    sent = [
        Submission([{**TRANSFER, "id": "ina:s1"}], False, None, "ina"),
        Submission([{**TRANSFER, "id": "shinjuku:s1"}], False, None, "shinjuku"),
        Submission([{**TRANSFER, "id": "ina:s2"}, {**TRANSFER, "id": "ina:s3"}], True, None, "ina"),
        Submission([{**TRANSFER, "id": "ina:s1"}], False, None, "ina"),
    ]
    book.submit_together(sent)
    assert [(s.error, [r.status for r in s.results or []]) for s in sent] == [
        (None, ["ok"]), (None, ["unknown_account"]), (None, ["ok", "ok"]), (None, ["exists"]),
    ]  # fmt: skip
    assert (mine, theirs[-1]) == ([], 4)  # one batch, the writer's
    assert holdings(ledger)["shinjuku/holding"] == 3
    before = history(ledger)
    writer.close()
    lost = [Submission([{**TRANSFER, "id": f"ina:l{n}"}], False, None, "ina") for n in range(2)]
    book.submit_together(lost)
    assert [[r.status for r in s.results or []] for s in lost] == [[WRITER_UNAVAILABLE]] * 2
    assert history(ledger) == before
    assert ledger.verify() == []
    book.engine.dispose()
