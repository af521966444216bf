"""Write a SYNTHETIC national scenario: every municipality of Japan (or the first N) in one run.

    python scenarios/national/generate.py OUT [--municipalities N] [--fys 2019 2028]
        [--pv 40] [--stands 20] [--cases 6] [--seed 20261207] [--layout prefecture|town]

The municipalities and their 全国地方公共団体コード come from `factors/municipalities.csv`: the
1,741 市区町村 (792 cities with the 20 designated cities, 743 towns, 183 villages, the 23
special wards of Tokyo; the six villages of the Northern Territories, which hold a code but no
government, are left out), in code order. Each municipality gets a residential PV project, a
lighting renovation project and a forest project, and one agreement: half of its PV credits
retired for its prefecture's company (one fictional company per prefecture). The data are kept
as a prefecture's office would keep them: one file per prefecture and kind (`data/13/pv.csv`,
a `municipality` column naming each row's town), from which each town's project takes its rows
(`rows = { municipality = "131041" }`): 141 files for the nation, each read once. `--layout
town` writes a file per project instead (`data/13/131041_pv.csv`: 5,223 files, the layout
before), for comparison. Nothing here is measured data: figures are drawn within the ranges of
the reference notes (residential PV 3-10 kW, thinned plantation forest of roughly 1-5
t-CO2/ha/yr) and identifiers start with `synthetic-`. The same arguments write the same files
(seeded).

Used by `benchmarks/bench_national.py` and, at a few municipalities, by the test suite
(`tests/scenario/test_national.py`).
"""

from __future__ import annotations

import argparse
import csv
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

REPOSITORY = Path(__file__).resolve().parents[2]
MUNICIPALITIES = REPOSITORY / "factors" / "municipalities.csv"
KINDS = ("city", "designated_city", "town", "village", "special_ward")
NORTHERN_TERRITORIES = {"01695", "01696", "01697", "01698", "01699", "01700"}  # no government
SEED = 20261207


@dataclass(frozen=True)
class Municipality:
    code: str  # 6 digits, with the check digit
    name: str
    prefecture_code: str
    prefecture: str

    @property
    def key(self) -> str:
        return f"m{self.code}"


def municipalities(limit: int | None = None) -> list[Municipality]:
    """The 1,741 市区町村 in code order (the first `limit` of them)."""
    with MUNICIPALITIES.open(encoding="utf-8") as f:
        rows = [
            Municipality(r["code"], r["name"], r["prefecture_code"], r["prefecture"])
            for r in csv.DictReader(f)
            if r["kind"] in KINDS and not r["abolished"] and r["code5"] not in NORTHERN_TERRITORIES
        ]
    return rows[:limit] if limit is not None else rows


def pv(rng: np.random.Generator, town: Municipality, n: int, first_fy: int) -> pd.DataFrame:
    """Residential PV commissioned from four FYs before the first FY to its end."""
    start = pd.Timestamp(f"{first_fy - 4}-04-01")
    commissioned = start + pd.to_timedelta(rng.integers(0, 5 * 365, size=n), unit="D")
    return pd.DataFrame(
        {
            "system_id": [f"synthetic-pv-{town.code}-{i:05d}" for i in range(n)],
            "municipality": town.code,
            "prefecture": town.prefecture,
            "capacity_kw": np.round(rng.uniform(3.0, 10.0, size=n), 1),
            "commissioned": commissioned.strftime("%Y-%m-%d"),
            "self_consumption_ratio": np.round(rng.uniform(0.25, 0.40, size=n), 2),
        }
    )


def renovation(rng: np.random.Generator, town: Municipality, n: int, first_fy: int) -> pd.DataFrame:
    """LED lighting renovations completed in the two FYs before the first FY."""
    start = pd.Timestamp(f"{first_fy - 2}-04-01")
    completed = start + pd.to_timedelta(rng.integers(0, 2 * 365, size=n), unit="D")
    return pd.DataFrame(
        {
            "building_id": [f"synthetic-reno-{town.code}-{i:04d}" for i in range(n)],
            "municipality": town.code,
            "prefecture": town.prefecture,
            "measure": "lighting",
            "completed": completed.strftime("%Y-%m-%d"),
            "power_before_w": 40,
            "power_after_w": 18,
            "lamp_count": rng.integers(20, 400, size=n),
            "operating_hours_h": rng.integers(2000, 4000, size=n),
        }
    )


def forest(
    rng: np.random.Generator, town: Municipality, n: int, fys: tuple[int, int]
) -> pd.DataFrame:
    """Plantation stands, each thinned once in the scenario's FYs or the four before them."""
    return pd.DataFrame(
        {
            "stand_id": [f"synthetic-stand-{town.code}-{i:05d}" for i in range(n)],
            "municipality": town.code,
            "prefecture": town.prefecture,
            "species": rng.choice(["sugi", "hinoki", "karamatsu"], size=n, p=[0.45, 0.25, 0.3]),
            "area_ha": np.round(rng.uniform(0.5, 4.0, size=n), 2),
            "planted_fy": rng.integers(1960, 1995, size=n),
            "activity": "management",
            "last_managed_fy": rng.integers(fys[0] - 4, fys[1] + 1, size=n),
            "growth_m3_per_ha_yr": np.round(rng.uniform(2.5, 5.5, size=n), 2),
        }
    )


KINDS_OF_DATA = ("pv", "lighting", "forest")


def data_file(town: Municipality, kind: str, shared: bool) -> str:
    """Where a town's rows of one kind are: its prefecture's file, or its own (`--layout town`)."""
    folder = f"data/{town.prefecture_code}"
    return f"{folder}/{kind}.csv" if shared else f"{folder}/{town.code}_{kind}.csv"


def scenario_text(towns: list[Municipality], fys: tuple[int, int], shared: bool = True) -> str:
    """The scenario file: a municipality, three projects and an agreement per town, a company
    per prefecture."""
    lines = [
        "# SYNTHETIC national scenario written by scenarios/national/generate.py: every",
        "# municipality, its data and the companies are invented but for the names and codes.",
        "",
        "[scenario]",
        f'name = "national-{len(towns)}"',
        f'title = "全国 {len(towns)} 市区町村の低炭素事業 (架空のデータ)"',
        f"fiscal_years = [{fys[0]}, {fys[1]}]",
        'lang = "ja"',
        "",
    ]
    for prefecture in dict.fromkeys(t.prefecture_code for t in towns):
        lines += [
            f"[parties.company-{prefecture}]",
            'kind = "company"',
            f'name = "県内企業{prefecture}株式会社 (fictional)"',
            "",
        ]
    for town in towns:
        key = town.key
        rows = [f'rows = {{ municipality = "{town.code}" }}'] if shared else []
        lines += [
            f"[parties.{key}]",
            'kind = "municipality"',
            f'name = "{town.name}"',
            f'jis_code = "{town.code}"',
            f'prefecture = "{town.prefecture}"',
            "",
            f"[projects.{key}-pv]",
            'method = "solar"',
            'sector = "residential"',
            f'data = "{data_file(town, "pv", shared)}"',
            *rows,
            f'owner = "{key}"',
            'instrument = "J-Credit"',
            'methodology = "EN-R-002"',
            "",
            f"[projects.{key}-lighting]",
            'method = "renovation"',
            'sector = "commercial"',
            f'data = "{data_file(town, "lighting", shared)}"',
            *rows,
            f'owner = "{key}"',
            'instrument = "municipal-credit"',
            "",
            f"[projects.{key}-forest]",
            'method = "forest"',
            f'data = "{data_file(town, "forest", shared)}"',
            *rows,
            f'owner = "{key}"',
            'instrument = "J-Credit"',
            'methodology = "FO-001"',
            "buffer_share = 0.05",
            "",
            f"[agreements.{key}-pv]",
            f'provider = "{key}"',
            f'beneficiary = "company-{town.prefecture_code}"',
            f'projects = ["{key}-pv"]',
            f"period = [{fys[0]}, {fys[1]}]",
            "volume = { rule = " + '"share"' + ", share = 0.5 }",
            'delivery = "retire"',
            "",
        ]
    return "\n".join(lines)


@dataclass(frozen=True)
class Sizes:
    pv: int = 40  # systems per municipality
    cases: int = 6  # lighting renovations per municipality
    stands: int = 20  # forest stands per municipality


def write(
    out: Path,
    count: int | None = None,
    fys: tuple[int, int] = (2019, 2028),  # ten FYs the shipped grid list covers (bench_national)
    sizes: Sizes = Sizes(),
    seed: int = SEED,
    layout: str = "prefecture",
) -> Path:
    """Write the scenario and its data files under `out`; the scenario file's path. `layout`:
    a file per prefecture and kind of data (`prefecture`) or per town and kind (`town`)."""
    towns = municipalities(count)
    shared = layout == "prefecture"
    rng = np.random.default_rng(seed)
    files: dict[str, list[pd.DataFrame]] = {}
    for town in towns:
        (out / "data" / town.prefecture_code).mkdir(parents=True, exist_ok=True)
        frames = (
            pv(rng, town, sizes.pv, fys[0]),
            renovation(rng, town, sizes.cases, fys[0]),
            forest(rng, town, sizes.stands, fys),
        )
        for kind, frame in zip(KINDS_OF_DATA, frames, strict=True):
            files.setdefault(data_file(town, kind, shared), []).append(frame)
    for name, frames in files.items():
        pd.concat(frames, ignore_index=True).to_csv(out / name, index=False)
    path = out / f"national-{len(towns)}.toml"
    path.write_text(scenario_text(towns, fys, shared), encoding="utf-8")
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--municipalities", type=int, default=None, help="the first N (all)")
    parser.add_argument("--fys", type=int, nargs=2, default=(2019, 2028))
    parser.add_argument("--pv", type=int, default=Sizes.pv)
    parser.add_argument("--cases", type=int, default=Sizes.cases)
    parser.add_argument("--stands", type=int, default=Sizes.stands)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--layout", choices=("prefecture", "town"), default="prefecture")
    args = parser.parse_args()
    sizes = Sizes(args.pv, args.cases, args.stands)
    path = write(args.out, args.municipalities, tuple(args.fys), sizes, args.seed, args.layout)
    print(path)


if __name__ == "__main__":
    main()
