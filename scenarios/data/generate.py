"""Write the scenarios' SYNTHETIC data files (seeded: the same files every time).

    python scenarios/data/generate.py

Nothing here is measured data. Figures are drawn within the ranges of the reference notes
(../shared/reference/factors-and-methods.md): residential PV 3-10 kW, school rooftop PV 10-50 kW,
thinned plantation forest about 1-5 t-CO2/ha/yr, Shinjuku-Ina's roughly 26 ha thinned a year
(234 ha over FY2009-FY2017). Every file's rows say `synthetic` in their identifier column.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import numpy.typing as npt
import pandas as pd

HERE = Path(__file__).parent
SEED = 20261128


def settlement_area_pv(rng: np.random.Generator, n: int = 2400) -> pd.DataFrame:
    """Residential PV in a central city and three towns and villages, commissioned 2012-2024."""
    municipalities = np.array(["midorikawa", "higashino", "kawabe", "kamiyama"])
    where = rng.choice(municipalities, size=n, p=[0.55, 0.2, 0.15, 0.1])
    commissioned = pd.to_datetime("2012-04-01") + pd.to_timedelta(
        rng.integers(0, 13 * 365, size=n), unit="D"
    )
    metered = rng.random(n) < 0.35  # a third report metered self-consumption
    capacity = np.round(rng.uniform(3.0, 10.0, size=n), 1)
    ratio = np.round(rng.uniform(0.25, 0.40, size=n), 2)
    frame = pd.DataFrame(
        {
            "system_id": [f"synthetic-pv-{i:05d}" for i in range(n)],
            "municipality": where,
            "prefecture": "nagano",
            "capacity_kw": capacity,
            "commissioned": commissioned.strftime("%Y-%m-%d"),
            "self_consumption_ratio": np.where(metered, np.nan, ratio),
            "self_consumed_kwh": np.where(
                metered, np.round(capacity * rng.uniform(300, 420, size=n)), np.nan
            ),
        }
    )
    # its own seed: drawn after the others, the other columns and files stay as they were
    frame.insert(4, "address", _pv_addresses(np.random.default_rng(SEED + 3), where))
    return frame.sort_values("commissioned", ignore_index=True)


TOWNS = {"midorikawa": "緑川市", "higashino": "東野町", "kawabe": "川辺町", "kamiyama": "上山村"}


def _pv_addresses(rng: np.random.Generator, where: npt.NDArray[np.str_]) -> list[str]:
    """A synthetic 住所 per system (as an office's list has one), distinct within each town:
    two households' identical systems are told apart by where they are."""
    n = len(where)
    lots = rng.permutation(9 * 40 * 20)[:n]  # 丁目 x 番 x 号, without repeats
    return [
        f"{TOWNS[w]}{lot // 800 + 1}丁目{lot // 20 % 40 + 1}-{lot % 20 + 1} (synthetic)"
        for w, lot in zip(where, lots, strict=True)
    ]


def settlement_area_renovation(rng: np.random.Generator, cases: int = 300) -> pd.DataFrame:
    """A renovation subsidy programme FY2020-FY2024: one row per case and FY since completion."""
    municipalities = np.array(["midorikawa", "higashino", "kawabe", "kamiyama"])
    rows = []
    for i in range(cases):
        done = int(rng.integers(2020, 2025))
        place = str(rng.choice(municipalities, p=[0.6, 0.2, 0.12, 0.08]))
        kind = str(rng.choice(["envelope", "equipment", "lighting"], p=[0.5, 0.3, 0.2]))
        case: dict[str, object] = {
            "building_id": f"synthetic-reno-{i:04d}",
            "municipality": place,
            "prefecture": "nagano",
            "measure": kind,
        }
        if kind == "envelope":
            case |= {
                "ua_before_w_m2k": round(float(rng.uniform(0.9, 1.6)), 2),
                "target_grade": int(rng.choice([5, 6])),
                "envelope_area_m2": round(float(rng.uniform(220, 360))),
                "hdd_kday": round(float(rng.uniform(2800, 3300))),
                "heating_appliance": "kerosene_fan_heater",
                "usage_factor": 0.4,
            }
        elif kind == "equipment":  # kerosene boiler -> heat-pump water heater, metered
            output = float(rng.uniform(6000, 12000))
            case |= {
                "project_output_kwh": round(output),
                "baseline_efficiency": 0.83,
                "baseline_carrier": "kerosene",
                "project_energy_kwh": round(output / float(rng.uniform(2.8, 3.6))),
                "project_carrier": "electricity",
            }
        else:
            case |= {
                "power_before_w": 40,
                "power_after_w": 18,
                "lamp_count": int(rng.integers(20, 200)),
                "operating_hours_h": int(rng.integers(2000, 4000)),
            }
        rows += [{**case, "fy": fy} for fy in range(done, 2025)]
    return pd.DataFrame(rows).convert_dtypes()  # whole numbers print without a .0


def forest_stands(
    rng: np.random.Generator,
    prefix: str,
    municipality: str,
    n: int,
    thinning_fys: tuple[int, int],
    growth: tuple[float, float],
    area: tuple[float, float],
) -> pd.DataFrame:
    """Plantation stands, each thinned once in `thinning_fys` (FO-001 eligible for 5 FYs after)."""
    species = rng.choice(["karamatsu", "sugi", "hinoki"], size=n, p=[0.5, 0.3, 0.2])
    return pd.DataFrame(
        {
            "stand_id": [f"synthetic-{prefix}-{i:04d}" for i in range(n)],
            "municipality": municipality,
            "prefecture": "nagano",
            "species": species,
            "area_ha": np.round(rng.uniform(*area, size=n), 2),
            "planted_fy": rng.integers(1960, 1990, size=n),
            "activity": "management",
            "last_managed_fy": rng.integers(thinning_fys[0], thinning_fys[1] + 1, size=n),
            "growth_m3_per_ha_yr": np.round(rng.uniform(*growth, size=n), 2),
        }
    )


def shinjuku_ina(rng: np.random.Generator) -> pd.DataFrame:
    """Ina city forest thinned for Shinjuku: 234 ha over FY2009-FY2017, 26 ha a year."""
    frames = []
    for fy in range(2009, 2018):
        n = 13  # stands of about 2 ha: 26 ha a year
        stands = forest_stands(rng, f"ina-{fy}", "ina", n, (fy, fy), (2.3, 3.1), (1.6, 2.4))
        stands["area_ha"] = np.round(stands["area_ha"] * 26.0 / stands["area_ha"].sum(), 2)
        frames.append(stands)
    frame = pd.concat(frames, ignore_index=True)
    frame["species"] = np.where(rng.random(len(frame)) < 0.8, "karamatsu", frame["species"])
    frame["stand_id"] = [f"synthetic-ina-{i:04d}" for i in range(len(frame))]
    return frame


def school_pv(rng: np.random.Generator, town: str, n: int) -> pd.DataFrame:
    """Rooftop PV on a town's schools, funded by a company and commissioned in FY2020-FY2021."""
    commissioned = pd.to_datetime("2020-04-01") + pd.to_timedelta(
        rng.integers(0, 600, size=n), unit="D"
    )
    capacity = np.round(rng.uniform(10, 50, size=n), 1)
    return pd.DataFrame(
        {
            "system_id": [f"synthetic-{town}-school-{i:02d}" for i in range(n)],
            "municipality": town,
            "prefecture": "nagano",
            "capacity_kw": capacity,
            "commissioned": commissioned.strftime("%Y-%m-%d"),
            "self_consumption_ratio": np.round(rng.uniform(0.6, 0.85, size=n), 2),
        }
    )


def annual_cycle(rng: np.random.Generator) -> dict[str, pd.DataFrame]:
    """A town's lists as they stand after FY2024: PV cases commissioned FY2019-FY2024 (one
    decommissioned), lighting renovations completed FY2020-FY2024, stands aged as in the
    森林簿 of FY2020. Rows are in the order they were added (a year's new cases at the end)."""
    n = 40
    commissioned = np.sort(
        pd.to_datetime("2019-04-01") + pd.to_timedelta(rng.integers(0, 6 * 365, size=n), unit="D")
    )
    pv = pd.DataFrame(
        {
            "system_id": [f"synthetic-ac-pv-{i:03d}" for i in range(n)],
            "municipality": "minamiyama",
            "prefecture": "nagano",
            "capacity_kw": np.round(rng.uniform(3.0, 10.0, size=n), 2),
            "commissioned": pd.DatetimeIndex(commissioned).strftime("%Y-%m-%d"),
            "decommissioned": "",
            "self_consumption_ratio": np.round(rng.uniform(0.25, 0.40, size=n), 2),
        }
    )
    pv.loc[3, "decommissioned"] = "2023-10-01"  # removed with the roof it stood on
    cases = 20
    completed = np.sort(
        pd.to_datetime("2020-04-01")
        + pd.to_timedelta(rng.integers(0, 5 * 365, size=cases), unit="D")
    )
    renovation = pd.DataFrame(
        {
            "building_id": [f"synthetic-ac-reno-{i:03d}" for i in range(cases)],
            "municipality": "minamiyama",
            "prefecture": "nagano",
            "measure": "lighting",
            "completed": pd.DatetimeIndex(completed).strftime("%Y-%m-%d"),
            "power_before_w": 40,
            "power_after_w": 18,
            "lamp_count": rng.integers(200, 900, size=cases),
            "operating_hours_h": rng.integers(2500, 4000, size=cases),
        }
    )
    stands = 12
    forest = pd.DataFrame(
        {
            "stand_id": [f"synthetic-ac-stand-{i:03d}" for i in range(stands)],
            "municipality": "minamiyama",
            "prefecture": "nagano",
            "species": rng.choice(["sugi", "hinoki", "karamatsu"], size=stands),
            "area_ha": np.round(rng.uniform(0.8, 3.0, size=stands), 2),
            "age_yr": rng.integers(14, 45, size=stands),
            "age_fy": 2020,  # the 森林簿's 基準年度
            "activity": "management",
            "managed": True,
            "growth_m3_per_ha_yr": np.round(rng.uniform(3.0, 6.0, size=stands), 2),
        }
    )
    forest.loc[0, ["species", "age_yr"]] = ["sugi", 19]  # 21 in FY2022: the BEF switches
    return {
        "annual_cycle_pv.csv": pv,
        "annual_cycle_renovation.csv": renovation,
        "annual_cycle_forest.csv": forest,
    }


def _wareki(days: pd.Series) -> list[str]:
    """Dates as an office's list writes them: 令和5年4月1日 (blank where there is none)."""
    out = []
    for day in days:
        if pd.isna(day):
            out.append("")
        elif day >= pd.Timestamp("2019-05-01"):
            year = day.year - 2018
            out.append(f"令和{'元' if year == 1 else year}年{day.month}月{day.day}日")
        else:
            out.append(f"平成{day.year - 1988}年{day.month}月{day.day}日")
    return out


def programme_lists(
    rng: np.random.Generator, n: int = 320, members: int = 300
) -> dict[str, pd.DataFrame]:
    """A city's household PV programme (J-Credit プログラム型) as its office keeps it: the subsidy
    list (320 systems, 和暦 dates), the consent list (300 members: 280 from the start, 10 joining
    in each period, 5 leaving), and the activities registered elsewhere. One activity is a
    1,500 kW roof (above 500 t-CO2 a year); one member's system is in another programme under
    another id (the same address and capacity)."""
    districts = np.array(["中央", "東野", "川辺", "上山", "西原"])
    area = rng.choice(districts, size=n)
    addresses = [
        f"緑川市{a}{rng.integers(1, 9)}丁目{rng.integers(1, 30)}-{i % 17 + 1}"
        for i, a in enumerate(area)
    ]
    commissioned = pd.to_datetime("2021-06-01") + pd.to_timedelta(
        rng.integers(0, 600, size=n), unit="D"
    )
    capacity = np.round(rng.uniform(3.0, 10.0, size=n), 1)
    capacity[7] = 1500.0  # a factory roof, wrongly listed among households
    ratio = np.round(rng.uniform(0.25, 0.40, size=n), 2)
    ratio[7] = 0.90
    households = np.setdiff1d(np.arange(n), [7])
    # the 1,500 kW roof joins too: the registry's check refuses it
    chosen = np.sort(np.append(rng.choice(households, size=members - 1, replace=False), 7))
    start = pd.Timestamp("2023-04-01")
    joined = pd.Series(
        [max(start, pd.Timestamp(commissioned[i]) + pd.Timedelta(days=30)) for i in chosen]
    )
    late = rng.choice(np.arange(members), size=20, replace=False)
    joined.iloc[late[:10]] = start + pd.to_timedelta(rng.integers(60, 300, size=10), unit="D")
    joined.iloc[late[10:]] = start + pd.to_timedelta(rng.integers(430, 660, size=10), unit="D")
    joined = joined.where(joined >= start, start)
    left = pd.Series([pd.NaT] * members, dtype="datetime64[ns]")
    leaving = rng.choice(np.setdiff1d(np.arange(members), late), size=5, replace=False)
    left.iloc[leaving] = start + pd.to_timedelta(rng.integers(100, 700, size=5), unit="D")
    # a late joiner's system is new: installed shortly before it joined (the start rule)
    recent = joined.iloc[late] - pd.to_timedelta(rng.integers(20, 200, size=20), unit="D")
    commissioned = pd.DatetimeIndex(commissioned).to_numpy().copy()
    commissioned[chosen[late]] = recent.to_numpy()
    ids = [f"R{2021 + i // 160}-{i:04d}" for i in range(n)]
    consented = joined - pd.to_timedelta(rng.integers(5, 40, size=members), unit="D")
    subsidy = pd.DataFrame(
        {
            "交付番号": ids,
            "申請者氏名": [f"synthetic 会員{i:04d}" for i in range(n)],
            "住所": addresses,
            "太陽電池容量(kW)": capacity,
            "設置年月日": _wareki(pd.Series(commissioned)),
            "自家消費率": ratio,
        }
    )
    consent = pd.DataFrame(
        {
            "会員番号": [f"M{k + 1:04d}" for k in range(members)],
            "氏名": [f"synthetic 会員{i:04d}" for i in chosen],
            "住所": [addresses[i] for i in chosen],
            "区域": area[chosen],
            "同意日": _wareki(consented),
            "入会日": _wareki(joined),
            "退会日": _wareki(left),
            "交付番号": [ids[i] for i in chosen],
        }
    )
    other = int(chosen[11])
    elsewhere = pd.DataFrame(
        {
            "登録先": [
                "synthetic 県の家庭用太陽光プログラム",
                "synthetic 別の発行済みプロジェクト",
            ],
            "設備番号": ["KEN-00042", "X-0001"],
            "住所": [addresses[other], "緑川市中央9丁目99-99"],
            "容量(kW)": [capacity[other], 4.0],
        }
    )
    return {
        "programme/subsidy_list.csv": subsidy,
        "programme/consent_list.csv": consent,
        "programme/registered_elsewhere.csv": elsewhere,
    }


def main() -> None:
    rng = np.random.default_rng(SEED)
    files = {
        "settlement_area_pv.csv": settlement_area_pv(rng),
        "settlement_area_renovation.csv": settlement_area_renovation(rng),
        "kamiyama_forest.csv": forest_stands(
            rng, "kamiyama", "kamiyama", 320, (2016, 2024), (2.5, 5.5), (0.5, 4.0)
        ),
        "kawabe_forest.csv": forest_stands(
            rng, "kawabe", "kawabe", 80, (2018, 2024), (2.5, 5.0), (0.5, 3.0)
        ),
        "ina_city_forest.csv": shinjuku_ina(rng),
        "town_a_schools_pv.csv": school_pv(rng, "town-a", 9),
        "town_b_schools_pv.csv": school_pv(rng, "town-b", 6),
        **annual_cycle(
            np.random.default_rng(SEED + 1)
        ),  # its own seed: the others stay as they were
        **{
            f"../{name}": frame
            for name, frame in programme_lists(np.random.default_rng(SEED + 2)).items()
        },
    }
    for name, frame in files.items():
        (HERE / name).parent.mkdir(exist_ok=True)
        frame.to_csv(HERE / name, index=False)
        print(f"{name}: {len(frame)} rows")


if __name__ == "__main__":
    main()
