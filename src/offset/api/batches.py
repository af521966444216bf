"""Work handed from the event loop to one thread, in batches: what arrived while the last batch
was being done is the next batch, and each caller's future is answered through its loop, one
`call_soon_threadsafe` a batch (the lean path's writes, `lean`).

Why not a thread a request: eight requests waiting on the group commit were eight threads, each
woken by the executor, each running its own key check (a round trip), each sleeping in the
commit's line and woken again, all taking turns at the interpreter's lock. One thread gathers
them, checks their keys in one statement and hands them to the group commit together
(`Writer.submit_together`), as the writer's socket does for other processes' requests.

The thread starts with the first request and ends after `IDLE_S` without one (an app made and
dropped, as in the tests, leaves no thread behind for long).
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
from collections import deque
from collections.abc import Callable
from typing import Final, Generic, TypeVar

from offset.ledger.group_commit import GROUP_WAIT_S

In = TypeVar("In")
Out = TypeVar("Out")

IDLE_S: Final = 2.0

Waiting = tuple[In, "asyncio.Future[Out]", asyncio.AbstractEventLoop]


class Batches(Generic[In, Out]):
    """`await batches(item)`: `work` done on a list of items in one thread, one outcome each,
    an exception raised for that item (an exception `work` raises is every item's)."""

    def __init__(
        self, work: Callable[[list[In]], list[Out | Exception]], name: str, threads: int = 1
    ) -> None:
        self._work, self._name, self._most = work, name, threads
        self._lock = threading.Lock()
        self._arrived = threading.Condition(self._lock)  # a thread waiting for work
        self._more = threading.Condition(self._lock)  # a thread gathering its batch
        self._gathering = 0
        self._queue: deque[Waiting[In, Out]] = deque()
        self._running = 0  # threads (under `_lock`)
        self._idle = 0  # of which waiting for work
        self._last = 0  # items the last batch held

    async def __call__(self, item: In) -> Out:
        loop = asyncio.get_running_loop()
        future: asyncio.Future[Out] = loop.create_future()
        with self._lock:
            self._queue.append((item, future, loop))
            if self._gathering:
                self._more.notify_all()
            elif self._idle:
                self._arrived.notify()
            elif self._running < self._most:  # every thread busy: another takes what queues
                self._running += 1
                threading.Thread(target=self._run, name=self._name, daemon=True).start()
        return await future

    def _run(self) -> None:
        while True:
            with self._lock:
                while not self._queue:
                    self._idle += 1
                    woken = self._arrived.wait(IDLE_S)
                    self._idle -= 1
                    if not woken and not self._queue:
                        self._running -= 1
                        return
                self._gather()
                batch = list(self._queue)
                self._last = len(batch)
                self._queue.clear()
            try:
                outcomes: list[Out | Exception] = list(self._work([item for item, _, _ in batch]))
            except Exception as broken:  # as a thread a request would have raised it
                outcomes = [broken] * len(batch)
            loops: dict[asyncio.AbstractEventLoop, list[tuple[asyncio.Future[Out], object]]] = {}
            for (_, future, loop), outcome in zip(batch, outcomes, strict=True):
                loops.setdefault(loop, []).append((future, outcome))
            for loop, answers in loops.items():
                with contextlib.suppress(RuntimeError):  # that loop has closed
                    loop.call_soon_threadsafe(_settle, answers)

    def _gather(self) -> None:
        """Wait a moment for the last batch's callers to come back, as the group commit's
        leader does (`group_commit.Line._gather`): woken by the first, the thread would
        otherwise take batches of one or two while the event loop reads the rest."""
        deadline = time.monotonic() + GROUP_WAIT_S
        self._gathering += 1
        try:
            while len(self._queue) < self._last:
                remaining = deadline - time.monotonic()
                if remaining <= 0 or not self._more.wait(remaining):
                    return
        finally:
            self._gathering -= 1


def _settle(answers: list[tuple[asyncio.Future[Out], object]]) -> None:
    for future, outcome in answers:
        if future.done():  # cancelled: the client went away
            continue
        if isinstance(outcome, Exception):
            future.set_exception(outcome)
        else:
            future.set_result(outcome)  # type: ignore[arg-type]
