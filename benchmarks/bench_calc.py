"""`offset calc` against a bare pandas script, whole process each (imports, reading, checks,
writing), on the same PV file.

The file: --rows residential PV systems (capacity, commissioning date, municipality code and
prefecture, self-consumption ratio) as CSV. The bare script
reads it with `pd.read_csv`, computes the creditable reduction with the same formula and the same
factor values (the FY's own grid row, the prefecture's yield, written into the script as
literals), and writes four columns; `offset calc solar FILE --fy 2024 --factor-year results`
does everything it does for an office's file (header search, checks of every cell, factor
selection with its trace, 20-odd audit columns, a manifest). Rounds interleave the two; each
prints both wall times and the ratio, and the totals are compared (`same_total`).

    python benchmarks/bench_calc.py --rows 1000000 --rounds 3
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from offset.factors import FactorLibrary

FY = 2024
PREFECTURES = ["nagano", "tokyo", "kochi", "fukuoka", "hokkaido", "osaka", "miyagi", "okinawa"]
# a municipality of each (its 団体コード):
# 松本市, 新宿区, 高知市, 福岡市, 札幌市, 大阪市, 仙台市, 那覇市
CODES = ["202029", "131041", "392014", "401307", "011002", "271004", "041009", "472018"]

BARE = """
import sys
import numpy as np
import pandas as pd

YIELDS = {yields!r}
GRID = {grid!r}
FY = {fy}
frame = pd.read_csv(sys.argv[1])
days = pd.to_datetime(frame["commissioned"]).to_numpy().astype("datetime64[D]")
months = days.astype("datetime64[M]")
month = months.astype(np.int64) % 12 + 1
day = (days - months.astype("datetime64[D]")).astype(np.int64) + 1
years = FY - (months.astype(np.int64) // 12 + 1970) - ((month > 4) | ((month == 4) & (day > 1)))
yields = frame["prefecture"].map(YIELDS).to_numpy()
generation = frame["capacity_kw"].to_numpy() * yields * 0.995 ** np.maximum(years, 0)
self_kwh = generation * frame["self_consumption_ratio"].to_numpy()
creditable = np.maximum(self_kwh * (1 - 0.006), 0) * GRID
pd.DataFrame({{
    "system_id": frame["system_id"], "generation_kwh": generation,
    "self_consumed_kwh": self_kwh, "creditable_tco2e": creditable,
}}).to_csv(sys.argv[2], index=False)
"""


def write_input(path: Path, rows: int) -> None:
    rng = np.random.default_rng(42)
    days = rng.integers(
        np.datetime64("2010-04-01").astype(int), np.datetime64("2024-03-31").astype(int), rows
    )
    where = rng.integers(0, len(PREFECTURES), rows)
    pd.DataFrame(
        {
            "system_id": [f"pv-{i:07d}" for i in range(rows)],
            "municipality": np.array(CODES)[where],
            "prefecture": np.array(PREFECTURES)[where],
            "capacity_kw": np.round(rng.uniform(2.0, 10.0, rows), 2),
            "commissioned": days.astype("datetime64[D]").astype(str),
            "self_consumption_ratio": np.round(rng.uniform(0.2, 0.6, rows), 3),
        }
    ).to_csv(path, index=False)


def bare_script(library: FactorLibrary) -> str:
    yields = library["pv_yield"].rows.set_index("region")["canonical"]
    grid = library["grid_electricity"].value(
        entity="national_average", kind="national_average", fy=FY
    )
    return BARE.format(yields={p: float(yields[p]) for p in PREFECTURES}, grid=float(grid), fy=FY)


def timed(command: list[str]) -> float:
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - started
    assert done.returncode == 0, done.stderr[-2000:]
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    offset = str(Path(sys.executable).with_name("offset"))
    with tempfile.TemporaryDirectory() as directory:
        root = Path(directory)
        data = root / "pv.csv"
        write_input(data, args.rows)
        script = root / "bare.py"
        script.write_text(bare_script(FactorLibrary()), encoding="utf-8")
        ours, theirs = root / "offset.csv", root / "bare.csv"
        print(f"rows {args.rows}; load average at start {os.getloadavg()}")
        ratios = []
        for round_ in range(1, args.rounds + 1):
            t_offset = timed(
                [offset, "calc", "solar", str(data), "--fy", str(FY), "--factor-year", "results",
                 "--out", str(ours)]
            )  # fmt: skip
            t_bare = timed([sys.executable, str(script), str(data), str(theirs)])
            ratios.append(t_offset / t_bare)
            print(
                f"round {round_}: offset calc {t_offset:.2f} s, bare pandas {t_bare:.2f} s,"
                f" ratio {t_offset / t_bare:.2f}"
            )
        total = pd.read_csv(ours, usecols=["creditable_tco2e"])["creditable_tco2e"].sum()
        bare_total = pd.read_csv(theirs, usecols=["creditable_tco2e"])["creditable_tco2e"].sum()
        print(f"same_total {bool(np.isclose(total, bare_total, rtol=1e-9))}")
        print(f"median ratio {statistics.median(ratios):.2f}")
        print(f"load average at end {os.getloadavg()}")


if __name__ == "__main__":
    main()
