"""A residential renovation list in an office's own wording: 改修内容 written out, heating
appliances in Japanese, LED台数, and heating degree-days from the row, a station, or the
prefecture's capital where one is shipped (else an error saying what to give and where)."""

from __future__ import annotations

from pathlib import Path

import pytest

from offset.common.problems import InputError
from offset.factors import FactorLibrary
from offset.jobs.calc import calculate_file
from offset.methods.calculation import CalcResult

HEADER = (
    "受付番号,市町村,都道府県,改修内容,完了日,改修前UA値,改修後UA値,外皮面積(㎡),暖房機器,"
    "LED台数,改修前消費電力(W),改修後消費電力(W),年間点灯時間,暖房度日\n"
)
LIST = HEADER + (
    "1,松本市,長野県,外壁・天井断熱,R6.7.31,1.2,0.6,280,エアコン,,,,,2900\n"
    "2,松本市,長野県,窓の断熱改修(内窓設置),R6.9.2,0.9,0.7,300,石油ファンヒーター,,,,,2900\n"
    "3,那覇市,沖縄県,窓の断熱改修(内窓設置),R6.9.2,0.9,0.7,300,ガスファンヒーター,,,,,\n"
    "4,松本市,長野県,LED照明への交換,R6.10.1,,,,,12,40,15,2000,\n"
    "5,松本市,長野県,高効率給湯器(エコキュート),R6.10.1,,,,,,,,,\n"
)


def calc(tmp_path: Path, text: str, factors: FactorLibrary) -> CalcResult:
    path = tmp_path / "list.csv"
    path.write_text(text, encoding="utf-8")
    return calculate_file("renovation", path, fy=2024, factors=factors, gwp_metric="AR5")


def test_measures_and_appliances_as_offices_word_them(
    tmp_path: Path, factors: FactorLibrary
) -> None:
    r = calc(tmp_path, LIST.rsplit("5,", 1)[0], factors).results
    assert r["measure"].astype(str).tolist() == ["envelope", "envelope", "envelope", "lighting"]
    # (UA before - UA after) x envelope area x HDD x 24 h / 1000 = kWh of heat a year:
    # row 1: 0.6 x 280 x 2900 x 0.024 = 11,692.8 kWh, counted in FY2024 from its completion
    # (R6.7.31: 244 of the FY's 365 days)
    assert r["days_in_service"].tolist() == [244, 211, 211, 182]
    assert r["heat_saved_kwh"].iloc[0] == pytest.approx(11692.8 * 244 / 365)
    # エアコン is the heat pump (COP 3.0): 11,692.8 / 3.0 = 3,897.6 kWh of electricity a year
    assert r["energy_saved_kwh"].iloc[0] == pytest.approx(3897.6 * 244 / 365)
    # 石油ファンヒーター is the kerosene fan heater (0.85): 0.2 x 300 x 2900 x 0.024 / 0.85
    # a year, from R6.9.2 (211 days)
    assert r["energy_saved_kwh"].iloc[1] == pytest.approx(
        0.2 * 300 * 2900 * 0.024 / 0.85 * 211 / 365
    )


def test_a_capitals_degree_days_serve_its_prefecture(
    tmp_path: Path, factors: FactorLibrary
) -> None:
    """Naha, no 暖房度日 given: 那覇 58 K·day (拡張アメダス 1995 via plus-mp.com, secondary):
    0.2 x 300 x 58 x 0.024 = 83.52 kWh of heat a year, 211 days of it in FY2024 (from R6.9.2)."""
    r = calc(tmp_path, LIST.rsplit("4,", 1)[0], factors).results
    assert r["heat_saved_kwh"].iloc[2] == pytest.approx(83.52 * 211 / 365)
    assert "hdd:naha" in str(r["hdd_factor_id"].iloc[2])


def test_nagano_without_degree_days_says_what_to_give(
    tmp_path: Path, factors: FactorLibrary
) -> None:
    text = LIST.replace("石油ファンヒーター,,,,,2900", "石油ファンヒーター,,,,,")
    with pytest.raises(InputError) as info:
        calc(tmp_path, text.rsplit("3,", 1)[0], factors)
    [problem] = [str(p) for p in info.value.problems]
    assert "row 3" in problem
    assert "拡張アメダス" in problem
    assert "暖房度日" in problem


def test_led_count_reads_as_lamps(tmp_path: Path, factors: FactorLibrary) -> None:
    r = calc(tmp_path, HEADER + LIST.splitlines(keepends=True)[4], factors).results.iloc[0]
    # 12 lamps x (40 - 15) W x 2,000 h (a year's operating hours) = 600 kWh a year; from R6.10.1,
    # 182 of FY2024's 365 days
    assert r["measure"] == "lighting"
    assert r["energy_saved_kwh"] == pytest.approx(12 * 25 * 2000 / 1000 * 182 / 365)


def test_a_measure_holding_two_measures_words_is_not_read(
    tmp_path: Path, factors: FactorLibrary
) -> None:
    text = HEADER + "1,松本市,長野県,LED照明・断熱改修,R6.7.31,1.2,0.6,280,エアコン,,,,,2900\n"
    with pytest.raises(InputError) as info:
        calc(tmp_path, text, factors)
    assert "LED照明・断熱改修" in " ".join(str(p) for p in info.value.problems)


def test_the_offices_own_words_through_a_values_map(tmp_path: Path, factors: FactorLibrary) -> None:
    """`[values.COLUMN]` in a --columns file maps an office's word to a value offset reads."""
    columns = tmp_path / "columns.toml"
    columns.write_text(
        '[values.heating_appliance]\n"薪ストーブ" = "石油ファンヒーター"\n'
        '[values.measure]\n"屋根の遮熱塗装" = "envelope"\n',
        encoding="utf-8",
    )
    text = HEADER + "1,松本市,長野県,屋根の遮熱塗装,R6.4.1,1.2,1.0,200,薪ストーブ,,,,,2900\n"
    path = tmp_path / "list.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as info:
        calculate_file("renovation", path, fy=2024, factors=factors, gwp_metric="AR5")
    assert "[values.COLUMN]" in " ".join(str(p) for p in info.value.problems)
    r = calculate_file(
        "renovation", path, fy=2024, factors=factors, gwp_metric="AR5", columns=columns
    ).results.iloc[0]
    assert r["measure"] == "envelope"
    # the kerosene fan heater's 0.85: 0.2 x 200 x 2900 x 0.024 / 0.85 kWh of kerosene
    assert r["energy_saved_kwh"] == pytest.approx(0.2 * 200 * 2900 * 0.024 / 0.85)
