"""The benchmark scripts run, at tiny sizes (their figures are recorded, never asserted)."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import REPOSITORY


def _run(*args: str) -> str:
    done = subprocess.run(
        [sys.executable, *args],
        cwd=REPOSITORY,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_core_benchmark_runs_and_agrees_with_numpy() -> None:
    out = _run("benchmarks/bench_core.py", "--scale", "0.0002", "--repeat", "1")
    same = next(line for line in out.splitlines() if line.startswith("same_numbers"))
    assert same.split()[1:] == ["True", "True", "True"]  # offset's numbers equal the bare formula's


def test_ledger_benchmark_runs() -> None:
    out = _run("benchmarks/bench_ledger.py", "--n", "60", "--single", "10", "--backends", "sqlite")
    assert "batched_postings_per_s" in out
    assert "verify_over_sum" in out


def test_api_benchmark_runs() -> None:
    out = _run("benchmarks/bench_api.py", "--clients", "2", "--seconds", "1", "--backend", "sqlite")
    assert "requests_per_s" in out
    assert "verify_after ok" in out
