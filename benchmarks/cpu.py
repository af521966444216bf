"""CPU a benchmark's work used, per operation: this process's own, and the PostgreSQL backends'
that served it (Linux `/proc`; elsewhere, the backends' is not measured).

On a machine whose cores are all busy, a rate is a share of the CPU, and the scheduler hands
out shares per runnable process: a peer with 8 connections (8 backends) gets more of them than
one process with one group-commit leader, whatever either does with its share. CPU per
operation, client and server, is what such load disturbs least, so a comparison on a busy
machine reports it beside the rates.

A run's connections carry an `application_name` of their own (`tagged`), by which the meter
finds their backends in `pg_stat_activity`.
"""

from __future__ import annotations

import os
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def tagged(url: str, tag: str) -> str:
    """`url` with the connections it opens named `tag` (PostgreSQL; SQLite's is unchanged)."""
    if not url.startswith("postgresql"):
        return url
    return f"{url}{'&' if '?' in url else '?'}application_name={tag}"


def process_seconds(pid: int) -> float | None:
    """User and system CPU a process has used (None: gone, or no `/proc` here)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="ascii")
    except OSError:
        return None
    fields = stat.rsplit(")", 1)[1].split()  # after the command name, which may hold spaces
    return (int(fields[11]) + int(fields[12])) / _TICKS  # utime, stime


@dataclass(frozen=True)
class Reading:
    client_s: float  # this process's CPU (every thread)
    backends_s: dict[int, float]  # CPU of each backend of the tagged connections


@dataclass(frozen=True)
class Cost:
    """CPU per operation, in milliseconds."""

    client_ms: float
    server_ms: float | None

    def row(self) -> str:
        server = "" if self.server_ms is None else f"{self.server_ms:>8.3f}"
        return f"{self.client_ms:>8.3f} {server:>8}"


class Meter:
    """Reads this process's CPU and that of the backends serving connections opened with
    `tagged(url, meter.tag)`."""

    def __init__(self, url: str) -> None:
        self.tag = f"bench-{uuid.uuid4().hex[:8]}"
        self._admin = (
            create_engine(url, poolclass=NullPool) if url.startswith("postgresql") else None
        )

    def read(self) -> Reading:
        backends: dict[int, float] = {}
        if self._admin is not None:
            with self._admin.connect() as conn:
                pids = conn.execute(
                    text("SELECT pid FROM pg_stat_activity WHERE application_name = :t"),
                    {"t": self.tag},
                ).scalars()
                for pid in pids:
                    used = process_seconds(int(pid))
                    if used is not None:
                        backends[int(pid)] = used
        return Reading(time.process_time(), backends)

    def cost(self, before: Reading, after: Reading, operations: int) -> Cost:
        """CPU per operation between two readings (a backend started between them counts
        from zero)."""
        count = max(operations, 1)
        client = 1000 * (after.client_s - before.client_s) / count
        if self._admin is None or not after.backends_s:
            return Cost(client, None)
        server = sum(
            used - before.backends_s.get(pid, 0.0) for pid, used in after.backends_s.items()
        )
        return Cost(client, 1000 * server / count)

    def close(self) -> None:
        if self._admin is not None:
            self._admin.dispose()
