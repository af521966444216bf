"""The benchmark scripts run, at tiny sizes (their figures are recorded, never asserted)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

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


def test_verify_benchmark_runs_and_reuses_its_ledger(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'verify.db'}"
    first = _run("benchmarks/bench_verify.py", "--n", "40", "--rounds", "1", "--db", url)
    assert "built 40 transfers" in first
    assert "120 postings" in first  # 40 transfers and the 20 accounts' issuances, 2 each
    assert "round 1: bare sum" in first
    again = _run("benchmarks/bench_verify.py", "--n", "40", "--rounds", "1", "--db", url)
    assert "built" not in again  # the ledger already holds the transfers
    # the incremental section added 1 % (here 1) transfer after its checkpoint: 2 postings more
    assert "122 postings" in again
    assert "incremental round 1: 1 transfers after the checkpoint" in first


def test_concurrency_benchmark_runs() -> None:
    out = _run(
        "benchmarks/bench_concurrency.py",
        *("--writers", "2", "--seconds", "0.3", "--backends", "sqlite"),
    )
    for line in ("api group commit, cold", "http x1, hot", "bare INSERT a commit"):
        assert line in out
    assert "group commit / a commit per call, hot" in out
    quick = _run(
        "benchmarks/bench_concurrency.py",
        *("--writers", "2", "--seconds", "0.3", "--backends", "sqlite", "--quick", "--split", "2"),
    )
    assert "api group commit, hot" in quick
    assert "api, 2 ledgers (a ceiling), cold" in quick
    assert "api 2 ledgers / api, hot" in quick
    assert "one-row commit, 1 connection" in quick
    assert "http x1" not in quick  # only the group commit and the peers


def test_read_benchmark_runs() -> None:
    out = _run("benchmarks/bench_read.py", "--rows", "200", "--repeat", "1")
    assert "office_over_typed" in out


def test_workbook_benchmark_runs() -> None:
    out = _run("benchmarks/bench_workbook.py", "--rows", "50", "--repeat", "1")
    assert "openpyxl_over_xlsxwriter" in out
    assert "same_cells True" in out  # the cells the writer before wrote


def test_national_benchmark_runs() -> None:
    out = _run(
        "benchmarks/bench_national.py",
        *("--sizes", "2", "--fys", "2024", "2024", "--pv", "3", "--cases", "1", "--stands", "2"),
    )
    line = next(line for line in out.splitlines() if line.startswith("municipalities=2"))
    figures = dict(part.split("=") for part in line.split())
    assert figures["pairs"] == "6"  # three projects a town, one FY
    assert float(figures["peak_rss_mib"]) > 0


def test_calc_benchmark_runs_and_agrees_with_the_bare_script() -> None:
    out = _run("benchmarks/bench_calc.py", "--rows", "300", "--rounds", "1")
    # offset calc's total equals the bare pandas script's, for PV systems and forest stands
    assert out.count("same_total True") == 2
    assert out.count("round 1: offset calc") == 2
    assert "median CPU ratio" in out
