"""Reading a plain CSV the office way vs a typed pandas read, side by side in one process.

`office`: `calculate_file` (cells as text, header search, per-distinct parsing of what the
C parser cannot read). `typed`: `pd.read_csv` with pandas' own type inference, then `calculate`
on the frame (the path before issue 14). Both compute the same rows; the ratio is what reading
a file as an office keeps it costs on a machine-made file.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from offset.factors import FactorLibrary
from offset.jobs.calc import calculate_file
from offset.methods import CalcOptions
from offset.methods.calculation import calculate


def make(path: Path, rows: int) -> None:
    rng = np.random.default_rng(1)
    days = rng.integers(0, 5000, rows)
    pd.DataFrame(
        {
            "system_id": [f"pv-{i}" for i in range(rows)],
            "municipality": rng.choice(["ina", "matsumoto", "nagano"], rows),
            "prefecture": "nagano",
            "capacity_kw": rng.uniform(3, 10, rows).round(2),
            "commissioned": pd.to_datetime("2010-01-01") + pd.to_timedelta(days, "D"),
            "self_consumption_ratio": rng.uniform(0, 1, rows).round(2),
        }
    ).to_csv(path, index=False, date_format="%Y-%m-%d")


def best(repeat: int, work: Callable[[], object]) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=300_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    library = FactorLibrary()
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "pv.csv"
        make(path, args.rows)
        options = CalcOptions(fy=2024, file=str(path))

        def typed() -> object:
            frame = pd.read_csv(path, parse_dates=["commissioned"])
            return calculate("solar", frame, library, options)

        def office() -> object:
            return calculate_file("solar", path, fy=2024, factors=library, gwp_metric="AR5")

        a, b = best(args.repeat, typed), best(args.repeat, office)
    print(f"rows {args.rows}")
    print(f"typed_s {a:.3f}")
    print(f"office_s {b:.3f}")
    print(f"office_over_typed {b / a:.2f}")


if __name__ == "__main__":
    main()
