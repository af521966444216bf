"""Where a benchmark's PostgreSQL backends spend their time: their wait events, sampled from
`pg_stat_activity` by a process of its own while the benchmark runs (a thread of the
benchmark's process would take its GIL from the writers it measures).

A backend is at any moment running (no wait event: on a CPU, or waiting for one), flushing the
WAL of a commit (or waiting for another backend's flush, which then covers its own commit too),
waiting for a lock, or waiting for its client's next statement. On a machine whose disk takes
milliseconds to flush, the first share says how much of a commit is the flush; a writer that
holds a lock across its commit (the chain head) cannot overlap that share with its next batch,
whatever its client does, and a pipeline can hide at most the client's share. On a machine
whose cores are saturated the shares overstate every wait: a backend reports the end of a wait
itself, so the time it then waits for a CPU counts to the wait (a flush of 6 ms can show as
15); what taking the flush away would really win is measured directly
(`bench_concurrency.py --flush-off`).

Two views of the samples: `backend`, each backend's time (pgledger: each connection is a chain
of transfers of its own); `chain`, the time of a writer whose backends work one after another
(offset's group commit: its pool may hold a connection idle while another writes), each
instant counted once, as the busiest thing any of them does (flushing, then running, waiting
for a lock, other, the client). A run's connections carry an `application_name` of their own
(`cpu.tagged`), by which the sampler finds them.

    python benchmarks/waits.py TAG URL   # `ready` once connected; its counts (JSON) at EOF
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Final

# The kinds of wait, in the order they are reported: each wait event's kind.
KINDS: Final = ("WAL flush", "lock", "running", "client")
_FLUSH: Final = {"IO:WALSync", "IO:WALWrite", "LWLock:WALWrite", "IO:WALInitSync"}
_FLUSH_PREFIX: Final = ("IO:WALInit",)

_SQL: Final = (
    "SELECT coalesce(wait_event_type, '') || ':' || coalesce(wait_event, '')"
    " FROM pg_stat_activity WHERE application_name = %s"
)


def kind(event: str) -> str:
    """The kind of a wait event `TYPE:NAME` (`:` alone: none, the backend is running)."""
    if event == ":":
        return "running"
    if event in _FLUSH or event.startswith(_FLUSH_PREFIX):
        return "WAL flush"
    if event.startswith("Lock:"):
        return "lock"
    if event.startswith("Client:"):
        return "client"
    return "other"


_BUSIEST: Final = ("WAL flush", "running", "lock", "other", "client")


def shares(samples: dict[str, int], view: str = "backend") -> dict[str, float]:
    """Each kind's share of the time (0 to 1), `other` last when there is any. `samples`:
    how many times each set of events (one per backend, joined by `|`) was seen at once."""
    counted: Counter[str] = Counter()
    for events, count in samples.items():
        kinds = [kind(event) for event in events.split("|")]
        if view == "chain":
            counted[min(kinds, key=_BUSIEST.index)] += count
        else:
            for each in kinds:
                counted[each] += count
    total = sum(counted.values())
    order = [*KINDS, *(["other"] if counted["other"] else [])]
    return {k: counted[k] / total if total else 0.0 for k in order}


def row(found: dict[str, float]) -> str:
    """Shares as a line of the benchmark's table."""
    return "  ".join(f"{k} {100 * v:.0f} %" for k, v in found.items())


class Sampling:
    """The events sampled while the block ran (`sampling`): `shares` once it has ended."""

    def __init__(self) -> None:
        self.samples: dict[str, int] = {}

    def shares(self, view: str) -> dict[str, float]:
        return shares(self.samples, view)


@contextmanager
def sampling(url: str, tag: str) -> Iterator[Sampling]:
    """Sample the wait events of the backends tagged `tag` while the block runs (PostgreSQL;
    `url` is SQLAlchemy's, of the database they are connected to)."""
    found = Sampling()
    sampler = subprocess.Popen(
        [sys.executable, __file__, tag, url],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert sampler.stdout is not None
    sampler.stdout.readline()  # connected: sampling from here on
    try:
        yield found
    finally:
        out, _ = sampler.communicate("")  # closing its input stops it
        found.samples = json.loads(out) if out.strip() else {}


def _sample(tag: str, url: str) -> dict[str, int]:
    """Sample until standard input closes: how many times each set of events was seen."""
    import psycopg

    stop = threading.Event()

    def wait_for_the_end() -> None:
        sys.stdin.read()
        stop.set()

    threading.Thread(target=wait_for_the_end, daemon=True).start()
    samples: Counter[str] = Counter()
    dsn = url.replace("postgresql+psycopg://", "postgresql://", 1)
    with psycopg.connect(dsn, autocommit=True) as conn:
        print("ready", flush=True)
        while not stop.is_set():
            events = sorted(event for (event,) in conn.execute(_SQL, (tag,)).fetchall())
            if events:
                samples["|".join(events)] += 1
    return dict(samples)


if __name__ == "__main__":
    print(json.dumps(_sample(sys.argv[1], sys.argv[2])))
