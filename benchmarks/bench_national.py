"""National-scale benchmark: `offset run` on the generated national scenario at several sizes.

For each size (municipalities, the first N of the 1,741 of `factors/municipalities.csv`), in a
fresh process: the scenario is written by `scenarios/national/generate.py` (a PV, a lighting
renovation and a forest project per municipality, one agreement each), then run twice on a
SQLite ledger in a temporary directory. Reported per size:

- the wall time of each phase of the first run (reading and checking the files, computing every
  project and FY, issuing and settling, the report), from the run's own progress steps;
- the cost of one (project, FY): computing every pair and planning the issuance and settlement
  over the pairs computed (a ceiling on the compute cost alone);
- the same in CPU seconds of the process (`cpu_*`: on a machine others share, the wall time
  measures the others too);
- the peak resident memory of the process (`ru_maxrss`);
- the wall time of the re-run, which changes nothing and posts nothing (answered from the state
  the first run left, `offset.scenario.run_state`), and of the same re-run made in full (the
  state removed first: everything computed and compared with the ledger, nothing posted).

Nothing here is asserted: it prints figures (benchmarks/README.md records them with the
machine's load). `--sizes 10 100` and small per-municipality sizes for a quick look.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from offset.scenario import Scenario

REPOSITORY = Path(__file__).resolve().parents[1]
GENERATOR = REPOSITORY / "scenarios" / "national" / "generate.py"


def generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("national_generate", GENERATOR)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def one(args: argparse.Namespace, size: int) -> dict[str, object]:
    """Generate and run one size in this process; its figures."""
    from offset.jobs.run import run_scenario
    from offset.scenario import Scenario

    make = generator()
    with tempfile.TemporaryDirectory() as directory:
        root = Path(directory)
        sizes = make.Sizes(pv=args.pv, cases=args.cases, stands=args.stands)
        path = make.write(root, size, tuple(args.fys), sizes, layout=args.layout)
        scenario = Scenario.from_toml(path)
        marks: list[tuple[float, str]] = []
        cpu_marks: dict[str, float] = {}  # this process's CPU seconds at the first mark of each

        def step(description: str) -> None:
            marks.append((time.perf_counter(), description))
            phase = "compute" if ": computing " in description else "post"
            if phase == "compute" or "issuing and settling" in description:
                cpu_marks.setdefault(phase, time.process_time())

        cpu_start = time.process_time()
        start = time.perf_counter()
        outcome = run_scenario(scenario, out=root / "out", step=step)
        done = time.perf_counter()
        cpu_done = time.process_time()
        again = run_scenario(scenario, out=root / "out")
        rerun = time.perf_counter() - done
        assert again.posted == 0
        full = None  # the same re-run without the state the first left: computed in full
        if not args.no_full:  # (at the national size it takes as long as the run)
            full = _rerun_in_full(scenario, root / "out")
    computing = [t for t, d in marks if ": computing " in d]
    issuing = [t for t, d in marks if "issuing and settling" in d]
    pairs = len(computing)
    # progress steps: reading; each FY's projects named (then computed together); each FY posted
    read_s = (computing[0] if computing else start) - start
    compute_s = (issuing[0] if issuing else done) - (computing[0] if computing else start)
    post_s = done - issuing[0] if issuing else 0.0
    compute_cpu = cpu_marks.get("post", cpu_done) - cpu_marks.get("compute", cpu_start)
    return {
        "municipalities": size,
        "fys": args.fys[1] - args.fys[0] + 1,
        "rows": size * (args.pv + args.cases + args.stands),
        "pairs": pairs,
        "transactions": outcome.posted,
        "wall_s": round(done - start, 2),
        "read_s": round(read_s, 2),
        "compute_and_plan_s": round(compute_s, 2),
        "post_and_report_s": round(post_s, 2),
        "ms_per_pair": round(1000 * compute_s / max(pairs, 1), 2),
        # the same in CPU time of this process (what the run cost on a machine others share)
        "cpu_s": round(cpu_done - cpu_start, 2),
        "cpu_compute_and_plan_s": round(compute_cpu, 2),
        "cpu_ms_per_pair": round(1000 * compute_cpu / max(pairs, 1), 2),
        "rerun_s": round(rerun, 2),
        "rerun_in_full_s": full,
        "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def _rerun_in_full(scenario: Scenario, out: Path) -> float | None:
    """The wall time of a re-run with the run's state removed first (None: a version without
    it, main before issue 31's re-run)."""
    from offset.jobs.run import run_scenario

    try:
        from offset.scenario import run_state
    except ImportError:
        return None
    run_state.forget(out)
    begun = time.perf_counter()
    assert run_scenario(scenario, out=out).posted == 0
    return round(time.perf_counter() - begun, 2)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10, 100, 1000, 1741])
    # ten FYs the shipped grid list covers: the national average is shipped for FY2018, 2023 and
    # 2024 (FY2015-2018 under the reporting rule have none: a lighting row is refused); FY2025-
    # 2028 take FY2024's row, flagged stale, as a run before the next list is published would
    parser.add_argument("--fys", type=int, nargs=2, default=[2019, 2028])
    parser.add_argument("--no-full", action="store_true", help="skip the re-run made in full")
    parser.add_argument("--pv", type=int, default=40, help="PV systems per municipality")
    parser.add_argument("--cases", type=int, default=6, help="renovations per municipality")
    parser.add_argument("--stands", type=int, default=20, help="forest stands per municipality")
    parser.add_argument(
        "--layout", choices=("prefecture", "town"), default="prefecture",
        help="a data file per prefecture and kind (each town's project takes its rows), or per"
        " project (the layout before; with PYTHONPATH=<main>/src it runs main's code)",
    )  # fmt: skip
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)  # a child: one size
    args = parser.parse_args()
    if args.one is not None:
        print(json.dumps(one(args, args.one)))
        return
    print(f"load average at start: {os.getloadavg()}")
    for size in args.sizes:
        child = subprocess.run(
            [sys.executable, __file__, "--one", str(size), "--fys", *map(str, args.fys),
             "--pv", str(args.pv), "--cases", str(args.cases), "--stands", str(args.stands),
             "--layout", args.layout, *(["--no-full"] if args.no_full else [])],
            stdout=subprocess.PIPE, text=True, check=True,  # its errors reach the terminal
        )  # fmt: skip
        figures = json.loads(child.stdout.strip().splitlines()[-1])
        print(" ".join(f"{k}={v}" for k, v in figures.items()))
    print(f"load average at end: {os.getloadavg()}")


if __name__ == "__main__":
    main()
