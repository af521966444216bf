"""Group commit: `Writer.apply` may be called from many threads at once. Calls queue up in a
`Line`; the first in line leads: it takes every call queued behind it (up to `GROUP_OPERATIONS`
operations, and at least its own) and has them all written in one database transaction, one
savepoint each for atomic calls, then answers each caller with its own results after the
commit. Calls that arrive meanwhile queue for the next one: a batch holds whatever queued while
the previous one was written, and waits (`GROUP_WAIT_S` at most) only for the callers of a
shared last batch to come back. So concurrent callers share one commit (one fsync) as a single
caller's batch does, and each gets exactly what it would have got alone: independent operations
are rejected on their own, an atomic call stays all or nothing, and the order of the ledger is
the order the leader applied them in.

This is throughput machinery: what a batch does to the books is `batch.py`'s, and how it is
written the writer's; the line only decides who writes which calls, and when.
"""

from __future__ import annotations

import datetime as dt
import itertools
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final, TypeAlias

if TYPE_CHECKING:
    from offset.ledger.batch import Result

GROUP_OPERATIONS: Final = 1_000  # operations of other callers a leader takes into its batch

# How long a leader waits, at most, for the callers of the last batch to come back, when it was
# shared: callers just answered need a moment, and without it batches alternate between most
# of them and the rest. It stops waiting as soon as they are all in line; a lone caller never
# waits.
GROUP_WAIT_S: Final = 0.0005


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


Write: TypeAlias = (
    "Callable[[list[Submission]], list[list[Result]]]"  # one database transaction a batch
)


class Line:
    """Calls waiting to be written, and the one leading the batch being written."""

    def __init__(self) -> None:
        self._line: deque[Submission] = deque()
        # One lock over the line; each waiting call sleeps on a condition of its own, woken
        # only when it is answered or comes first (a shared one woke every caller at every
        # arrival), and a leader gathering its batch sleeps on `_arrived`.
        self.lock = threading.Lock()
        self._arrived = threading.Condition(self.lock)
        self._last_batch = 0  # calls the last batch held

    def __len__(self) -> int:
        """Calls in line, the batch being written included."""
        return len(self._line)

    def submit(self, mine: Submission, write: Write) -> list[Result]:
        """Wait in line; lead a batch when first in it; return once this call's batch has
        committed (or raise what broke it)."""
        with self.lock:
            self._line.append(mine)
            if len(self._line) > 1:
                self._arrived.notify()  # a leader gathering its batch hears of it
                mine.wake = threading.Condition(self.lock)
                while not mine.settled and self._line[0] is not mine:
                    mine.wake.wait()
            if not mine.settled:
                self._gather()
            batch = [] if mine.settled else self._take()
        if batch:  # this call leads: write the batch, the line waiting meanwhile
            self._lead(batch, write)
        if mine.error is not None:
            raise mine.error
        assert mine.results is not None
        return mine.results

    def submit_together(self, mine: list[Submission], write: Write) -> None:
        """Several callers' submissions, gathered by one thread (`writer_socket.py`: other
        processes' callers): queued at once, written as any, each settled (its results or
        error) on return. That thread leads whenever the first of them still waiting comes
        first, so it needs no thread a caller."""
        with self.lock:
            self._line.extend(mine)
            if len(self._line) > len(mine):
                self._arrived.notify()
            wake = threading.Condition(self.lock)
            for submission in mine:
                submission.wake = wake
        while True:
            with self.lock:
                waiting = [s for s in mine if not s.settled]
                while waiting and self._line[0] is not waiting[0]:
                    wake.wait()
                    waiting = [s for s in mine if not s.settled]
                if not waiting:
                    return
                batch = self._take()
            self._lead(batch, write)

    def _lead(self, batch: list[Submission], write: Write) -> None:
        try:
            for submission, results in zip(batch, write(batch), strict=True):
                submission.results = results
        except BaseException as broken:  # every caller of the batch hears of it
            for submission in batch:
                submission.error = broken
        with self.lock:
            for submission in batch:
                self._line.popleft()
                if submission.wake is not None:
                    submission.wake.notify()
            if self._line and self._line[0].wake is not None:
                self._line[0].wake.notify()  # the next leader

    def _gather(self) -> None:
        """Wait a moment for more callers, if the last batch was shared, until as many are in
        line as it held (under `lock`)."""
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
