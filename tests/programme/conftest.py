"""A small programme written in a test's temporary directory: three households' PV as an office
lists them (Japanese headers, 和暦 dates), with figures simple enough to check by hand."""

from __future__ import annotations

from pathlib import Path

import pytest

PROGRAMME = """
[programme]
name = "test-home-pv"
title = "テスト市 家庭用太陽光プログラム"
operator = "test-city"
registration = "P-TEST-1"
methodology = "EN-R-002"
method = "solar"
crediting_period = [2023-04-01, 2031-03-31]

[operator]
kind = "municipality"
name = "テスト市"
jis_code = "209901"
prefecture = "nagano"

[lists]
activities = "subsidy.csv"
consents = "consents.csv"
{elsewhere}

[[periods]]
name = "fy2023"
start = 2023-04-01
end = 2024-03-31
{verification}
"""
VERIFIED = """
[periods.verification]
body = "テスト審査機関"
date = 2024-07-01
finding = "accepted"
"""
# kW当たり年間発電量 1,000 or 1,100 kWh/kW, 劣化率 1 %/yr, 自家消費率, and the row's own factor
# 0.5 kg-CO2/kWh: creditable = capacity x yield x 0.99^years x ratio x 0.5 kg (EN-R-002's
# auxiliary share is 0, factors/method_parameters.csv).
SUBSIDY = (
    "交付番号,住所,太陽電池容量(kW),設置年月日,自家消費率,kW当たり年間発電量,劣化率,"
    "排出係数(kg-CO2/kWh)\n"
    """A-1,テスト市中央1-1,5.0,令和4年4月1日,0.30,1000,0.01,0.5
B-2,テスト市東2-2,4.0,令和5年6月1日,0.35,1100,0.01,0.5
C-3,テスト市西3-3,6.0,令和3年10月1日,0.25,1000,0.01,0.5
D-4,テスト市北4-4,4.5,令和5年1月10日,0.30,1000,0.01,0.5
"""
)
CONSENTS = """会員番号,氏名,区域,同意日,入会日,退会日,交付番号
M1,会員A,中央,令和5年3月15日,令和5年4月1日,,A-1
M2,会員B,東,令和5年6月20日,令和5年7月1日,,B-2
M3,会員C,西,令和5年3月1日,令和5年4月1日,令和5年12月1日,C-3
"""


def write_programme(
    directory: Path,
    *,
    subsidy: str = SUBSIDY,
    consents: str = CONSENTS,
    elsewhere: str | None = None,
    verification: str = VERIFIED,
) -> Path:
    (directory / "subsidy.csv").write_text(subsidy, encoding="utf-8")
    (directory / "consents.csv").write_text(consents, encoding="utf-8")
    line = ""
    if elsewhere is not None:
        (directory / "elsewhere.csv").write_text(elsewhere, encoding="utf-8")
        line = 'elsewhere = "elsewhere.csv"'
    path = directory / "programme.toml"
    path.write_text(PROGRAMME.format(elsewhere=line, verification=verification), encoding="utf-8")
    return path


@pytest.fixture
def programme_file(tmp_path: Path) -> Path:
    return write_programme(tmp_path)
