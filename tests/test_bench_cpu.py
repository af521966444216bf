"""The benchmarks' CPU meter (`benchmarks/cpu.py`) finds the backends of the connections it
tagged, and only those, and counts the CPU they used."""

from __future__ import annotations

import os
import sys

import pytest
from benchmarks.cpu import Meter, process_seconds, tagged
from sqlalchemy import create_engine, text

from tests.ledger.conftest import PG_SERVER

linux = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")


def test_tagged_names_postgresql_connections_and_leaves_sqlite_alone() -> None:
    assert tagged("postgresql+psycopg://root@h/test", "b1") == (
        "postgresql+psycopg://root@h/test?application_name=b1"
    )
    assert tagged("postgresql+psycopg://root@h/test?options=-csearch_path%3Ds", "b1") == (
        "postgresql+psycopg://root@h/test?options=-csearch_path%3Ds&application_name=b1"
    )
    assert tagged("sqlite:///x.db", "b1") == "sqlite:///x.db"


@linux
def test_process_seconds_reads_this_process_and_none_for_a_missing_one() -> None:
    mine = process_seconds(os.getpid())
    assert mine is not None
    assert mine >= 0
    assert process_seconds(2**22 + 1) is None  # above Linux's largest pid


@linux
def test_meter_counts_the_tagged_backend_only() -> None:
    meter = Meter(PG_SERVER)
    ours = create_engine(tagged(PG_SERVER, meter.tag))
    other = create_engine(PG_SERVER)  # untagged: not ours
    try:
        with ours.connect() as conn, other.connect() as stranger:
            pid = conn.execute(text("SELECT pg_backend_pid()")).scalar_one()
            stranger.execute(text("SELECT 1"))
            before = meter.read()
            assert list(before.backends_s) == [pid]
            # work enough for several clock ticks of the backend's CPU (tens of milliseconds)
            conn.execute(text("SELECT sum(g) FROM generate_series(1, 3000000) AS g")).scalar_one()
            after = meter.read()
        cost = meter.cost(before, after, 2)
        assert cost.server_ms is not None
        assert cost.server_ms == pytest.approx(
            1000 * (after.backends_s[pid] - before.backends_s[pid]) / 2
        )
        assert after.backends_s[pid] > before.backends_s[pid]  # the sum ran on our backend
    finally:
        ours.dispose()
        other.dispose()
        meter.close()


def test_meter_on_sqlite_counts_this_process_only() -> None:
    meter = Meter("sqlite:///unused.db")
    before = meter.read()
    sum(range(200_000))
    after = meter.read()
    cost = meter.cost(before, after, 4)
    assert cost.server_ms is None
    assert cost.client_ms == pytest.approx(1000 * (after.client_s - before.client_s) / 4)
    assert not before.backends_s
    assert not after.backends_s
