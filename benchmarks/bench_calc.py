"""`offset calc` against a bare pandas script, whole process each (imports, reading, checks,
writing), on the same file; with --main, main's `offset calc` too.

The files: --rows residential PV systems (capacity, commissioning date, municipality code and
prefecture, self-consumption ratio), or forest stands (林小班, species, area, age, 森林経営計画,
growth), as CSV. The bare script reads it with `pd.read_csv`, computes the creditable reduction
with the same formula and the same factor values (solar: the FY's own grid row and the
prefecture's yield; forest: each species' tCO2 per m3 by age group; written into the script as
literals), and writes four columns; `offset calc METHOD FILE --fy 2024 --factor-year results`
does everything it does for an office's file (header search, checks of every cell, repeated
identifiers, factor selection with its trace, 20-odd audit columns, a manifest). Rounds
interleave the programs; each prints the wall times and the ratios, the totals are compared
(`same_total`), and with --main the two results files byte for byte (`same_file`).

    python benchmarks/bench_calc.py --method solar --method forest --rows 1000000 --rounds 3
    git archive main src factors | tar -x -C /tmp/main   # then --main /tmp/main/src
    git archive HEAD src factors | tar -x -C /tmp/ours   # and --ours /tmp/ours/src
"""

from __future__ import annotations

import argparse
import filecmp
import hashlib
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from offset.factors import FactorLibrary
from offset.methods.forest_carbon import SpeciesConstants

FY = 2024
PREFECTURES = ["nagano", "tokyo", "kochi", "fukuoka", "hokkaido", "osaka", "miyagi", "okinawa"]
# a municipality of each (its 団体コード):
# 松本市, 新宿区, 高知市, 福岡市, 札幌市, 大阪市, 仙台市, 那覇市
CODES = ["202029", "131041", "392014", "401307", "011002", "271004", "041009", "472018"]
SPECIES = ["sugi", "hinoki", "karamatsu", "todomatsu", "akamatsu", "buna"]

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


BARE_FOREST = """
import sys
import numpy as np
import pandas as pd

K = {k!r}
frame = pd.read_csv(sys.argv[1])
per_m3 = np.array(list(K.values()))
species = pd.Categorical(frame["species"], categories=list(K)).codes
k = per_m3[species, (frame["age_yr"].to_numpy() > 20).astype(np.int64)]
removal = frame["area_ha"].to_numpy() * frame["growth_m3_per_ha_yr"].to_numpy() * k
creditable = np.where(frame["managed"].to_numpy(), removal, 0.0)
pd.DataFrame({{
    "stand_id": frame["stand_id"], "k_tco2_per_m3": k, "reduction_tco2e": removal,
    "creditable_tco2e": creditable,
}}).to_csv(sys.argv[2], index=False)
"""


def write_forest_input(path: Path, rows: int) -> None:
    rng = np.random.default_rng(42)
    where = rng.integers(0, len(PREFECTURES), rows)
    pd.DataFrame(
        {
            "stand_id": [f"{i // 100:05d}-{i % 100:02d}" for i in range(rows)],
            "municipality": np.array(CODES)[where],
            "prefecture": np.array(PREFECTURES)[where],
            "species": np.array(SPECIES)[rng.integers(0, len(SPECIES), rows)],
            "area_ha": np.round(rng.uniform(0.1, 20.0, rows), 2),
            "age_yr": rng.integers(1, 100, rows),
            "managed": np.where(rng.random(rows) < 0.7, "true", "false"),
            "growth_m3_per_ha_yr": np.round(rng.uniform(1.0, 12.0, rows), 1),
        }
    ).to_csv(path, index=False)


def bare_forest_script(library: FactorLibrary) -> str:
    constants = SpeciesConstants.from_factors(library)
    k = {
        str(s): [float(v) for v in constants.k_tco2_per_m3[constants.species.get_loc(s)]]
        for s in SPECIES
    }
    return BARE_FOREST.format(k=k)


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


def offset_command(src: Path | None) -> tuple[list[str], dict[str, str]]:
    """`offset` as the installed command, or from another checkout's `src` (main's)."""
    if src is None:
        return [str(Path(sys.executable).with_name("offset"))], dict(os.environ)
    start = "import sys; from offset.cli.app import main; sys.argv[0] = 'offset'; main()"
    return [sys.executable, "-c", start], {**os.environ, "PYTHONPATH": str(src)}


def timed(command: list[str], env: dict[str, str] | None = None) -> tuple[float, float]:
    """Wall seconds and CPU seconds (user + system, every thread) of one whole process: on a
    busy machine the CPU a run used is what the other processes disturb least."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=False, env=env)
    elapsed = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    assert done.returncode == 0, done.stderr[-2000:]
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return elapsed, cpu


def sha256(path: Path) -> str:
    """The results file's hash, printed each round: a change that speeds `offset calc` up must
    leave it as it was (compare with main's, or with the figure before the change)."""
    digest = hashlib.sha256()
    with path.open("rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--method", action="append", choices=("solar", "forest"))
    parser.add_argument("--main", type=Path, help="main's src directory, timed in each round too")
    parser.add_argument(
        "--ours",
        type=Path,
        help="this branch's src from `git archive` (default: the installed offset); edits made"
        " while the benchmark runs then stay out of it",
    )
    args = parser.parse_args()
    for method in args.method or ["solar", "forest"]:
        bench(method, args.rows, args.rounds, args.main, args.ours)


def bench(method: str, rows: int, rounds: int, main_src: Path | None, our_src: Path | None) -> None:
    with tempfile.TemporaryDirectory() as directory:
        root = Path(directory)
        data = root / f"{method}.csv"
        library = FactorLibrary()
        (write_input if method == "solar" else write_forest_input)(data, rows)
        script = root / "bare.py"
        text = bare_script(library) if method == "solar" else bare_forest_script(library)
        script.write_text(text, encoding="utf-8")
        ours, theirs, mains = root / "offset.csv", root / "bare.csv", root / "main.csv"
        arguments = ["calc", method, str(data), "--fy", str(FY), "--factor-year", "results"]
        print(f"{method}, rows {rows}; load average at start {os.getloadavg()}")
        ratios, cpu_ratios = [], []
        for round_ in range(1, rounds + 1):
            line = f"round {round_}:"
            if main_src is not None:
                command, env = offset_command(main_src)
                t_main, c_main = timed([*command, *arguments, "--out", str(mains)], env)
            command, env = offset_command(our_src)
            t_offset, c_offset = timed([*command, *arguments, "--out", str(ours)], env)
            t_bare, c_bare = timed([sys.executable, str(script), str(data), str(theirs)])
            ratios.append(t_offset / t_bare)
            cpu_ratios.append(c_offset / c_bare)
            if main_src is not None:
                line += f" main {t_main:.2f} s ({t_main / t_bare:.2f}; CPU {c_main / c_bare:.2f}),"
                line += f" same_file {filecmp.cmp(ours, mains, shallow=False)},"
            print(
                f"{line} offset calc {t_offset:.2f} s, bare pandas {t_bare:.2f} s,"
                f" ratio {t_offset / t_bare:.2f}; CPU {c_offset:.2f} s / {c_bare:.2f} s,"
                f" ratio {c_offset / c_bare:.2f}; load {os.getloadavg()[0]:.1f};"
                f" sha256 {sha256(ours)[:12]}"
            )
        total = pd.read_csv(ours, usecols=["creditable_tco2e"])["creditable_tco2e"].sum()
        bare_total = pd.read_csv(theirs, usecols=["creditable_tco2e"])["creditable_tco2e"].sum()
        print(f"same_total {bool(np.isclose(total, bare_total, rtol=1e-9))}")
        print(f"median ratio {statistics.median(ratios):.2f}")
        print(f"median CPU ratio {statistics.median(cpu_ratios):.2f}")
        print(f"load average at end {os.getloadavg()}")


if __name__ == "__main__":
    main()
