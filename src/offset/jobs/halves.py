"""A large run computed in two processes: half its data files in a second process, the second
core's share of the work.

One process computes a national run on one core: its results files are written in a thread
(`results_files.Staged`) whose work holds the GIL, so it overlaps almost nothing. Here the run's
data files are split in two halves of about as many rows of each method (a shared file's
projects in one half: their results file is written whole); a process forked once the files are
read computes the second half and writes its results files into the run's staging directory,
while the run's own process computes the first. The forked process reads the data files' frames
the run read (its pages, shared until written): nothing of them is copied or pickled. It sends
back what the run keeps of each project-year (`scenario.kept`), the progress steps, the paths
it wrote and the problems of its rows; a failure there (its error, or the process ending) is
the run's error, raised before the ledger is opened. Each result is the same wherever it is
computed (a project's rows computed with others' are its rows computed alone), so the files
and records are the same as one process's.

Each process computes in pieces of half the rows one process takes (`compute.MAX_ROWS`), so
that the two hold about as many rows at once as one did (measured at the issue's counts: the
data files' frames 2.7 GiB, each piece in flight about 1 GiB more).

A small run (the shipped scenarios, the tests) stays in one process: below `MIN_ROWS` result
rows, the start of a process and the records' way back cost more than the second core saves.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import multiprocessing
import os
import pickle
import signal
import threading
import traceback
from collections.abc import Iterator
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import NamedTuple

from offset.common.problems import InputError, Problem
from offset.factors import FactorLibrary
from offset.jobs.results_files import Staged
from offset.scenario import compute
from offset.scenario.compute import ProjectData, active_years, compute_years, data_file
from offset.scenario.kept import KeptYear, kept
from offset.scenario.model import Scenario

#: Result rows (data rows times the FYs they count in) from which a run computes half its data
#: files in a second process (measured in benchmarks/README.md, "The second core").
MIN_ROWS = 500_000

Pairs = dict[tuple[str, int], KeptYear]


class Half(NamedTuple):
    """What this process computes: its projects' data, the second process computing the others
    (None: this process computes them all), and the rows of a piece (None: `compute.MAX_ROWS`)."""

    data: dict[str, ProjectData]
    second: Second | None = None
    max_rows: int | None = None


def result_rows(scenario: Scenario, data: dict[str, ProjectData]) -> int:
    """About how many result rows a run computes: each project's rows times its FYs."""
    return sum(len(item.frame) * len(active_years(scenario, name)) for name, item in data.items())


def split(scenario: Scenario, data: dict[str, ProjectData]) -> tuple[set[str], set[str]]:
    """The projects in two halves of about as many rows of each method, a data file's projects
    in one half; the larger files first, each into the half with fewer rows so far."""
    files: dict[tuple[str, str], list[str]] = {}
    for name, item in data.items():
        files.setdefault((item.method, data_file(scenario, name)), []).append(name)
    rows = {key: sum(len(data[name].frame) for name in names) for key, names in files.items()}
    halves: tuple[set[str], set[str]] = (set(), set())
    held: dict[tuple[str, int], int] = {}  # rows by (method, half)
    for key in sorted(files, key=lambda key: -rows[key]):  # stable: ties in the scenario's order
        method = key[0]
        half = 0 if held.get((method, 0), 0) <= held.get((method, 1), 0) else 1
        held[(method, half)] = held.get((method, half), 0) + rows[key]
        halves[half].update(files[key])
    return halves


@dataclass
class _Received:
    """What the second process sent so far (filled by the run's receiving thread)."""

    pairs: Pairs = field(default_factory=dict)
    steps: list[tuple[int, str]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    paths: list[str] = field(default_factory=list)
    done: bool = False
    failure: BaseException | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)


class Second:
    """The second process, computing its half of the run (`started`)."""

    def __init__(self, process: BaseProcess, connection: Connection) -> None:
        self._process = process
        self._connection = connection
        self._received = _Received()
        self._receiver = threading.Thread(target=self._receive, name="second-process", daemon=True)
        self._receiver.start()

    def steps(self) -> list[tuple[int, str]]:
        """The progress steps the second process made since the last call; its error, if it
        failed (so that the run stops at its next piece, not at the end)."""
        with self._received.lock:
            steps, self._received.steps = self._received.steps, []
            failure = self._received.failure
        if failure is not None:
            raise failure
        return steps

    def finished(self) -> tuple[Pairs, list[Problem], list[str]]:
        """Once the second process has finished: what it kept of each project-year, the problems
        of its rows, the results files it wrote; its error if it failed."""
        self._receiver.join()
        self._process.join()
        received = self._received
        if received.failure is not None:
            raise received.failure
        if not received.done:
            raise _ended(self._process.exitcode)
        return received.pairs, received.problems, received.paths

    def stop(self) -> None:
        """The process ended (killed if it is still computing: the run is failing) and waited
        for, so that it writes nothing more into the staging directory."""
        if self._process.is_alive():
            self._process.kill()
        self._process.join()
        self._receiver.join()
        self._connection.close()

    def _receive(self) -> None:
        received = self._received
        try:
            while True:
                message = self._connection.recv()
                with received.lock:
                    if message[0] == "piece":
                        received.pairs |= message[1]
                        received.steps += message[2]
                    elif message[0] == "done":
                        received.steps += message[1]
                        received.problems, received.paths = message[2], message[3]
                        received.done = True
                        return
                    else:  # "failed": its error, with its traceback as the cause
                        received.failure = message[1]
                        received.failure.__cause__ = RuntimeError(message[2])
                        return
        except (EOFError, OSError):  # the process ended without a word: `finished` says so
            return


def _ended(exitcode: int | None) -> RuntimeError:
    how = f"was killed by signal {-exitcode}" if exitcode and exitcode < 0 else "ended"
    killed = " (SIGKILL: out of memory?)" if exitcode == -signal.SIGKILL else ""
    return RuntimeError(
        f"the second process computing half of the run {how}{killed} before it had finished"
        f" (exit code {exitcode}): nothing was posted"
    )


@contextlib.contextmanager
def started(
    scenario: Scenario,
    data: dict[str, ProjectData],
    factors: FactorLibrary,
    strict_factors: bool,
    directory: Path | None,
) -> Iterator[Half]:
    """What this process computes (`Half`), and the second process computing the others
    (writing their results files into `directory`; None: none written); all of them in one
    process for a run below `MIN_ROWS` result rows or on a machine of one core. The second
    process is stopped (killed if it has not finished) when the block ends."""
    if result_rows(scenario, data) < MIN_ROWS or len(os.sched_getaffinity(0)) < 2:
        yield Half(data)
        return
    mine, theirs = split(scenario, data)
    max_rows = compute.MAX_ROWS // 2  # two processes' pieces in flight, not one's
    if not theirs:
        yield Half(data)
        return
    context = multiprocessing.get_context("fork")  # the data files' frames shared, not copied
    receiving, sending = context.Pipe(duplex=False)
    other = {name: item for name, item in data.items() if name in theirs}
    process = context.Process(
        target=_compute,
        args=(sending, os.getpid(), scenario, other, factors, strict_factors, max_rows, directory),
        name="offset-run-half",
        daemon=True,
    )
    gc.freeze()  # the collector would write into every object's header: the pages copied
    try:
        process.start()
    finally:
        gc.unfreeze()
    sending.close()  # the receiving end sees the end of the pipe when the process ends
    second = Second(process, receiving)
    try:
        yield Half({name: item for name, item in data.items() if name in mine}, second, max_rows)
    finally:
        second.stop()


def _compute(
    connection: Connection,
    parent: int,
    scenario: Scenario,
    data: dict[str, ProjectData],
    factors: FactorLibrary,
    strict_factors: bool,
    max_rows: int,
    directory: Path | None,
) -> None:
    """The second process: its half computed a piece at a time, each piece's results files
    written (`Staged`, into the run's staging directory) and its records sent."""
    _ends_with(parent)
    steps: list[tuple[int, str]] = []
    try:
        files = Staged(directory) if directory is not None else None
        problems: list[Problem] = []
        try:
            for _, years in compute_years(
                scenario, data, factors, lambda fy, name: steps.append((fy, name)),
                strict_factors, max_rows,
            ):  # fmt: skip
                pairs = {key: kept(scenario, year) for key, year in years.items()}
                if files is not None:
                    files.write(scenario, years, data)
                del years
                connection.send(("piece", pairs, steps))
                steps.clear()
        except InputError as e:
            problems = list(e.problems)
        except BaseException:
            if files is not None:
                files.close(raising=False)
            raise
        paths = [] if files is None else files.paths
        if files is not None:
            files.close()
        connection.send(("done", steps, problems, paths))
    except BaseException as e:  # the run raises it, with where it was raised here
        where = "in the second process computing half of the run:\n"
        connection.send(("failed", _portable(e), where + "".join(traceback.format_exception(e))))
    finally:
        connection.close()


def _portable(error: BaseException) -> BaseException:
    """`error` as the run's process can raise it: itself, or its text where it does not
    pickle."""
    try:
        return pickle.loads(pickle.dumps(error))  # type: ignore[no-any-return]
    except Exception:  # an exception whose arguments do not round-trip
        return RuntimeError(f"{type(error).__name__}: {error}")


def _ends_with(parent: int) -> None:
    """The second process killed when the run's process ends, however it ends (Linux)."""
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    if os.getppid() != parent:  # it ended before the line above
        os._exit(1)
