"""The benchmarks' wait-event sampler (`benchmarks/waits.py`): each event's kind, the two views
of the samples (a backend's time, a writer's chain), and the sampler finds the tagged backends
only, in what they wait for."""

from __future__ import annotations

import threading
import time

import pytest
from benchmarks.bench_concurrency import unflushed
from benchmarks.cpu import tagged
from benchmarks.waits import kind, sampling, shares
from sqlalchemy import create_engine, text

from tests.ledger.conftest import PG_SERVER


@pytest.mark.parametrize(
    ("event", "expected"),
    [
        ("IO:WALSync", "WAL flush"),
        ("LWLock:WALWrite", "WAL flush"),  # waiting for another backend's flush
        ("IO:WALInitWrite", "WAL flush"),
        ("Lock:transactionid", "lock"),
        ("Lock:tuple", "lock"),
        (":", "running"),
        ("Client:ClientRead", "client"),
        ("IO:DataFileRead", "other"),
    ],
)
def test_kind_of_each_wait_event(event: str, expected: str) -> None:
    assert kind(event) == expected


def test_a_chain_counts_an_instant_once_as_its_busiest_backend() -> None:
    samples = {"IO:WALSync|Client:ClientRead": 3, "Client:ClientRead|Client:ClientRead": 1}
    chain = shares(samples, "chain")
    assert chain == {"WAL flush": 0.75, "lock": 0.0, "running": 0.0, "client": 0.25}
    backend = shares(samples, "backend")
    assert backend == {"WAL flush": 3 / 8, "lock": 0.0, "running": 0.0, "client": 5 / 8}
    assert shares({"IO:DataFileRead": 1}, "chain")["other"] == 1.0


def test_sampling_sees_the_tagged_backend_waiting_for_a_lock_and_no_other() -> None:
    tag = "waits-test"
    holder = create_engine(PG_SERVER)  # untagged: holds the lock, idle, never counted
    waiter = create_engine(tagged(PG_SERVER, tag))
    waiting = text(
        "SELECT count(*) FROM pg_stat_activity WHERE application_name = :t"
        " AND wait_event_type = 'Lock'"
    )
    try:
        with holder.connect() as mine, waiter.connect() as theirs:
            mine.execute(text("SELECT pg_advisory_lock(7171)"))
            blocked = threading.Thread(
                target=lambda: theirs.execute(text("SELECT pg_advisory_lock(7171)"))
            )
            blocked.start()
            for _ in range(600):  # until it waits (a busy machine may take a while to start it)
                if mine.execute(waiting, {"t": tag}).scalar_one():
                    break
                time.sleep(0.05)
            with sampling(PG_SERVER, tag) as found:
                time.sleep(1.0)  # it waits for the lock all this time
            mine.execute(text("SELECT pg_advisory_unlock(7171)"))
            blocked.join()
            theirs.execute(text("SELECT pg_advisory_unlock(7171)"))
        seen = found.shares("backend")
        # every sample saw it waiting for the lock, but for the moment a waiter wakes to look
        # for a deadlock (after deadlock_timeout, 1 s: a sample may catch it running, seen
        # once in about 10,000); the untagged holder, idle, counts nowhere
        assert (seen["WAL flush"], seen["client"]) == (0.0, 0.0)
        assert seen["lock"] >= 0.99, seen
        assert seen["running"] <= 0.01, seen
        assert seen["lock"] + seen["running"] == pytest.approx(1.0)
    finally:
        holder.dispose()
        waiter.dispose()


def test_unflushed_adds_the_setting_to_the_connection_options() -> None:
    with_options = "postgresql+psycopg://root@h/test?options=-csearch_path%3Ds"
    assert unflushed(with_options) == (
        "postgresql+psycopg://root@h/test?options=-csynchronous_commit%3Doff%20-csearch_path%3Ds"
    )
    assert unflushed("postgresql+psycopg://root@h/test") == (
        "postgresql+psycopg://root@h/test?options=-csynchronous_commit%3Doff"
    )
