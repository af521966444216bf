"""`offset.api.batches`: work handed from the event loop to one thread, in batches; each caller
gets its own outcome, what arrived while a batch was done is the next batch, and the thread
ends when idle."""

from __future__ import annotations

import asyncio
import threading

import pytest

from offset.api import batches
from offset.api.batches import Batches


def test_what_arrives_while_a_batch_is_done_is_the_next_batch() -> None:
    release = threading.Event()
    seen: list[list[int]] = []

    def work(items: list[int]) -> list[int | Exception]:
        seen.append(items)
        if len(seen) == 1:
            release.wait(10)  # the first batch holds the thread until every other has queued
        return [ValueError(n) if n == 3 else n * 10 for n in items]

    together: Batches[int, int] = Batches(work, "test-batches")

    async def main() -> list[int | BaseException]:
        first = asyncio.ensure_future(together(0))
        await asyncio.sleep(0.05)
        rest = [asyncio.ensure_future(together(n)) for n in range(1, 6)]
        await asyncio.sleep(0.05)
        release.set()
        return await asyncio.gather(first, *rest, return_exceptions=True)

    answers = asyncio.run(main())
    assert seen == [[0], [1, 2, 3, 4, 5]]
    assert answers[:3] == [0, 10, 20]
    assert answers[4:] == [40, 50]
    assert isinstance(answers[3], ValueError)  # that item's alone


def test_an_error_of_the_work_is_every_items_and_the_thread_goes_on() -> None:
    calls: list[list[str]] = []

    def work(items: list[str]) -> list[str | Exception]:
        calls.append(items)
        if "boom" in items:
            raise RuntimeError("broken")
        return [item.upper() for item in items]

    together: Batches[str, str] = Batches(work, "test-batches")

    async def main() -> tuple[tuple[str | BaseException], str]:
        broken = await asyncio.gather(together("boom"), return_exceptions=True)
        return broken, await together("after")

    broken, after = asyncio.run(main())
    assert isinstance(broken[0], RuntimeError)
    assert after == "AFTER"


def test_the_thread_ends_when_idle_and_starts_again(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(batches, "IDLE_S", 0.05)
    together: Batches[int, int] = Batches(lambda items: [i + 1 for i in items], "test-idle")

    def running() -> int:
        return sum(t.name == "test-idle" for t in threading.enumerate())

    assert asyncio.run(together(1)) == 2
    for _ in range(200):
        if running() == 0:
            break
        threading.Event().wait(0.01)
    assert running() == 0
    assert asyncio.run(together(2)) == 3  # a new thread, on a new loop
