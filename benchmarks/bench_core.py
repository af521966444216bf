"""Emissions-core benchmark: offset's methods against the bare numpy formula and a per-row loop.

For each method: synthetic rows (3M PV systems, 10M forest stands, 1M renovations at --scale 1),
then in the same process
  - offset: the method function on the checked frame (factor selection, kernel, traces);
  - offset + boundary: the same, plus the contract check and unit conversion of the raw frame;
  - bare numpy: the formula alone on the same arrays, factors gathered by integer index;
  - per-row loop: a Python loop over a sample of rows, extrapolated;
and the peak memory traced during the offset call against the input frame's size.
Timings are the minimum of --repeat runs. Nothing here is asserted: it prints figures.
"""

from __future__ import annotations

import argparse
import gc
import time
import tracemalloc
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from offset.factors import FactorLibrary
from offset.intake.inputs import prepare
from offset.methods import METHODS, CalcOptions
from offset.methods.forest_carbon import SpeciesConstants

FULL_ROWS = {"solar": 3_000_000, "forest": 10_000_000, "renovation": 1_000_000}
LOOP_SAMPLE = 20_000
FY = 2024
PREFECTURES = ["nagano", "tokyo", "kochi", "fukuoka", "hokkaido", "osaka", "miyagi", "okinawa"]
SPECIES = ["sugi", "hinoki", "karamatsu", "todomatsu", "akamatsu", "buna"]


def _codes(codes: npt.NDArray[np.int64], categories: list[str]) -> pd.Categorical:
    index: pd.Index = pd.Index(categories, dtype=object)
    return pd.Categorical.from_codes(codes, categories=index)


def _rows(frame: pd.DataFrame) -> Iterator[Any]:
    """Rows as a naive script sees them (attribute access, no types)."""
    return iter(frame.itertuples())


def solar_frame(n: int, rng: np.random.Generator) -> pd.DataFrame:
    days = rng.integers(
        np.datetime64("2010-04-01").astype(int), np.datetime64("2024-03-31").astype(int), n
    )
    return pd.DataFrame(
        {
            "municipality": _codes(rng.integers(0, 200, n), [f"m{i:03d}" for i in range(200)]),
            "prefecture": _codes(rng.integers(0, len(PREFECTURES), n), PREFECTURES),
            "capacity_kw": rng.uniform(2.0, 10.0, n),
            "commissioned": days.astype("datetime64[D]").astype("datetime64[ns]"),
            "self_consumption_ratio": rng.uniform(0.2, 0.6, n),
        }
    )


def forest_frame(n: int, rng: np.random.Generator) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "municipality": _codes(rng.integers(0, 200, n), [f"m{i:03d}" for i in range(200)]),
            "species": _codes(rng.integers(0, len(SPECIES), n), SPECIES),
            "area_ha": rng.uniform(0.1, 20.0, n),
            "age_yr": rng.integers(1, 100, n).astype(np.float64),
            "managed": rng.random(n) < 0.7,
            "growth_m3_per_ha_yr": rng.uniform(1.0, 12.0, n),
        }
    )


def renovation_frame(n: int, rng: np.random.Generator) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "municipality": _codes(rng.integers(0, 200, n), [f"m{i:03d}" for i in range(200)]),
            "measure": pd.Categorical(np.full(n, "lighting")),
            "power_before_w": rng.uniform(30, 120, n),
            "power_after_w": rng.uniform(5, 25, n),
            "lamp_count": rng.integers(1, 500, n).astype(np.float64),
            "operating_hours_h": rng.uniform(1000, 5000, n),
        }
    )


# Bare numpy formulas on the same arrays; factors gathered by integer index (the cheapest way).
def solar_numpy(f: pd.DataFrame, lib: FactorLibrary) -> npt.NDArray[np.float64]:
    yields = lib["pv_yield"].rows.set_index("region")["canonical"]
    prefecture = f["prefecture"].cat
    yield_kwh_per_kw = yields.reindex(prefecture.categories).to_numpy()[prefecture.codes]
    grid = lib["grid_electricity"].value(entity="national_average", kind="national_average", fy=FY)
    days = f["commissioned"].to_numpy().astype("datetime64[D]")
    months = days.astype("datetime64[M]")
    month = months.astype(np.int64) % 12 + 1
    day = (days - months.astype("datetime64[D]")).astype(np.int64) + 1
    # whole years in service on 1 April of the FY
    years = FY - (months.astype(np.int64) // 12 + 1970) - ((month > 4) | ((month == 4) & (day > 1)))
    generation = f["capacity_kw"].to_numpy() * yield_kwh_per_kw * 0.995 ** np.maximum(years, 0)
    self_kwh = generation * f["self_consumption_ratio"].to_numpy()
    result: npt.NDArray[np.float64] = np.maximum(self_kwh * (1 - 0.006), 0) * grid
    return result


def forest_numpy(f: pd.DataFrame, lib: FactorLibrary) -> npt.NDArray[np.float64]:
    k = SpeciesConstants.from_factors(lib)
    code = k.species.get_indexer(f["species"].cat.categories)[f["species"].cat.codes.to_numpy()]
    per_m3 = k.k_tco2_per_m3[code, (f["age_yr"].to_numpy() > 20).astype(np.int64)]
    result: npt.NDArray[np.float64] = (
        f["area_ha"].to_numpy() * f["growth_m3_per_ha_yr"].to_numpy() * per_m3
    )
    return result


def renovation_numpy(f: pd.DataFrame, lib: FactorLibrary) -> npt.NDArray[np.float64]:
    grid = lib["grid_electricity"].value(entity="national_average", kind="national_average", fy=FY)
    saved = (f["power_before_w"].to_numpy() - f["power_after_w"].to_numpy()) * f[
        "lamp_count"
    ].to_numpy()
    result: npt.NDArray[np.float64] = saved * f["operating_hours_h"].to_numpy() / 1000 * grid
    return result


# The per-row loop a spreadsheet macro or a naive script would run.
def solar_loop(f: pd.DataFrame, lib: FactorLibrary) -> list[float]:
    yields = dict(
        zip(lib["pv_yield"].rows["region"], lib["pv_yield"].rows["canonical"], strict=True)
    )
    grid = {
        "national_average": lib["grid_electricity"].value(
            entity="national_average", kind="national_average", fy=FY
        )
    }
    out = []
    for row in _rows(f):
        day = row.commissioned
        years = FY - day.year - ((day.month, day.day) > (4, 1))  # whole years on 1 April
        generation = (
            row.capacity_kw * yields.get(row.prefecture, yields["japan"]) * 0.995 ** max(years, 0)
        )
        out.append(generation * row.self_consumption_ratio * (1 - 0.006) * grid["national_average"])
    return out


def forest_loop(f: pd.DataFrame, lib: FactorLibrary) -> list[float]:
    k = SpeciesConstants.from_factors(lib)
    index = {s: i for i, s in enumerate(k.species)}
    return [
        row.area_ha
        * row.growth_m3_per_ha_yr
        * k.k_tco2_per_m3[index[row.species], int(row.age_yr > 20)]
        for row in _rows(f)
    ]


def renovation_loop(f: pd.DataFrame, lib: FactorLibrary) -> list[float]:
    grid = lib["grid_electricity"].value(entity="national_average", kind="national_average", fy=FY)
    return [
        (row.power_before_w - row.power_after_w)
        * row.lamp_count
        * row.operating_hours_h
        / 1000
        * grid
        for row in _rows(f)
    ]


@dataclass(frozen=True)
class Case:
    make: Callable[[int, np.random.Generator], pd.DataFrame]
    numpy: Callable[[pd.DataFrame, FactorLibrary], npt.NDArray[np.float64]]
    loop: Callable[[pd.DataFrame, FactorLibrary], list[float]]


CASES = {
    "solar": Case(solar_frame, solar_numpy, solar_loop),
    "forest": Case(forest_frame, forest_numpy, forest_loop),
    "renovation": Case(renovation_frame, renovation_numpy, renovation_loop),
}


def best_of(repeat: int, call: Callable[[], object]) -> float:
    times = []
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return min(times)


def peak_bytes(call: Callable[[], object]) -> int:
    gc.collect()
    tracemalloc.start()
    call()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak


def run(method: str, rows: int, repeat: int, lib: FactorLibrary) -> dict[str, object]:
    case = CASES[method]
    raw = case.make(rows, np.random.default_rng(42))
    options = CalcOptions(fy=FY, factor_year="results")  # the bare formulas take the FY's own row
    spec = METHODS[method]
    frame = prepare(raw, spec.contract, "bench")
    spec.compute(frame.head(1000), lib, options)  # warm the factor tables and caches

    t_offset = best_of(repeat, lambda: spec.compute(frame, lib, options))
    t_boundary = best_of(
        repeat, lambda: spec.compute(prepare(raw, spec.contract, "bench"), lib, options)
    )
    t_numpy = best_of(repeat, lambda: case.numpy(frame, lib))
    sample = frame.head(min(LOOP_SAMPLE, rows))
    t_loop = best_of(1, lambda: case.loop(sample, lib)) * rows / len(sample)

    ours = spec.compute(frame, lib, options)[
        "reduction_tco2e" if method != "solar" else "creditable_tco2e"
    ]
    bare = case.numpy(frame, lib)
    agree = bool(np.allclose(ours.to_numpy(), bare, rtol=1e-9))
    input_bytes = int(raw.memory_usage(deep=True).sum())
    peak = peak_bytes(lambda: spec.compute(frame, lib, options))
    return {
        "method": method,
        "rows": rows,
        "offset_s": t_offset,
        "offset_with_boundary_s": t_boundary,
        "numpy_s": t_numpy,
        "ratio_vs_numpy": t_offset / t_numpy,
        "ratio_with_boundary": t_boundary / t_numpy,
        "loop_s_extrapolated": t_loop,
        "speedup_vs_loop": t_loop / t_offset,
        "input_mb": input_bytes / 1e6,
        "peak_mb": peak / 1e6,
        "peak_over_input": peak / input_bytes,
        "same_numbers": agree,
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of the full row counts")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--methods", nargs="*", default=list(CASES), choices=list(CASES))
    args = parser.parse_args()
    lib = FactorLibrary()
    results = [
        run(m, max(int(FULL_ROWS[m] * args.scale), 10), args.repeat, lib) for m in args.methods
    ]
    frame = pd.DataFrame(results).set_index("method")
    with pd.option_context(
        "display.width", 250, "display.max_columns", 30, "display.float_format", "{:,.3f}".format
    ):
        print(frame.T)


if __name__ == "__main__":
    main()
