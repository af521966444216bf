"""Property: a canonical file and any Japanese office rendering of it give identical results
(random header aliases, header units, date formats including 和暦, full-width digits, units in
cells, prefecture spellings, encodings, title rows above the header)."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from offset.factors import FactorLibrary
from offset.intake.dates import ERAS
from offset.jobs.calc import calculate_file

PREFECTURES = {
    "nagano": ("長野県", "長野", "Nagano", "NAGANO", "20"),
    "tokyo": ("東京都", "東京", "Tokyo", "TOKYO", "13"),
}
CITY = {"nagano": "松本市", "tokyo": "新宿区"}  # a municipality must lie in its row's prefecture
FULL_WIDTH = str.maketrans("0123456789.", "０１２３４５６７８９．")


@st.composite
def systems(draw: st.DrawFn) -> list[tuple[str, float, dt.date, float]]:
    n = draw(st.integers(1, 6))
    return [
        (
            draw(st.sampled_from(sorted(PREFECTURES))),
            draw(st.integers(50, 5000)) / 100,
            draw(st.dates(dt.date(1990, 1, 1), dt.date(2024, 12, 31))),
            draw(st.integers(0, 100)) / 100,
        )
        for _ in range(n)
    ]


def wareki(day: dt.date, style: int) -> str:
    era = next(e for e in ERAS if e.start <= day)
    n = day.year - era.start.year + 1
    year = "元" if n == 1 and style == 1 else str(n)
    if style == 0:
        return f"{era.letter}{n}.{day.month}.{day.day}"
    return f"{era.name}{year}年{day.month}月{day.day}日"


def render_date(day: dt.date, style: int) -> str:
    return [
        day.isoformat(),
        f"{day.year}/{day.month}/{day.day}",
        f"{day.year}年{day.month}月{day.day}日",
        wareki(day, 0),
        wareki(day, 1),
        f"{day.year}/{day.month:02d}/{day.day:02d} 0:00",
        day.isoformat().translate(FULL_WIDTH).replace("-", "－"),
    ][style]


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    rows=systems(),
    header_style=st.integers(0, 2),
    date_styles=st.lists(st.integers(0, 6), min_size=6, max_size=6),
    number_styles=st.lists(st.integers(0, 2), min_size=6, max_size=6),
    spellings=st.lists(st.integers(0, 4), min_size=6, max_size=6),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp932"]),
    title=st.booleans(),
)
def test_an_office_rendering_gives_the_canonical_results(
    factors: FactorLibrary,
    rows: list[tuple[str, float, dt.date, float]],
    header_style: int,
    date_styles: list[int],
    number_styles: list[int],
    spellings: list[int],
    encoding: str,
    title: bool,
) -> None:
    canonical = ["municipality,prefecture,capacity_kw,commissioned,self_consumption_ratio"]
    canonical += [f"{CITY[p]},{p},{c},{d.isoformat()},{r}" for p, c, d, r in rows]
    capacity = ["太陽電池容量(kW)", "出力（Ｗ）", "設備容量"][header_style]
    office = [f"市町村,都道府県,{capacity},設置年月日,自家消費率"]
    if title:
        office = ["令和6年度 太陽光発電 補助一覧,,,,", "作成日: R6.4.1,,,,", *office]
    for i, (p, c, d, r) in enumerate(rows):
        value = c * 1000 if header_style == 1 else c
        shown = [f"{value:g}", f"{value:g}".translate(FULL_WIDTH), f"{c:g}kW"][number_styles[i]]
        if header_style == 1 and number_styles[i] == 2:
            shown = f"{c:g} kW"  # a cell's own unit wins over the header's
        ratio = f"{round(r * 100)}%" if number_styles[i] == 1 else f"{r:g}"
        spelled = PREFECTURES[p][spellings[i]]
        office.append(f"{CITY[p]},{spelled},{shown},{render_date(d, date_styles[i])},{ratio}")
    with tempfile.TemporaryDirectory() as directory:
        a_path, b_path = Path(directory) / "canonical.csv", Path(directory) / "office.csv"
        a_path.write_text("\n".join(canonical) + "\n", encoding="utf-8")
        b_path.write_bytes(("\r\n".join(office) + "\r\n").encode(encoding))
        a = calculate_file("solar", a_path, fy=2024, factors=factors, gwp_metric="AR5").results
        b = calculate_file("solar", b_path, fy=2024, factors=factors, gwp_metric="AR5").results
    for column in ("generation_kwh", "reduction_tco2e", "creditable_tco2e"):
        assert b[column].tolist() == pytest.approx(a[column].tolist(), rel=1e-12), column
    assert b["prefecture"].astype(str).tolist() == a["prefecture"].astype(str).tolist()
