"""A 和暦 date outside its era names the era's span in the reader's words: a Japanese office
read '令和は2019-05-01から今までです', and an English reader '令和 runs from 2019-05-01 to 今'."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.refusals import refused_calc

PV = "交付番号,市町村,太陽電池容量(kW),設置年月日\n太補-1,伊那市,4.5,{day}\n"


@pytest.mark.parametrize(
    ("day", "lang", "said"),
    [
        ("令和元年4月1日", "ja", "令和は令和元年5月1日 (2019年5月1日) から今までです"),
        ("令和元年4月1日", "en", "令和 runs from 2019-05-01 to today"),
        ("平成31年5月1日", "ja",
         "平成は平成元年1月8日 (1989年1月8日) から平成31年4月30日 (2019年4月30日) までです"),
        ("平成31年5月1日", "en", "平成 runs from 1989-01-08 to 2019-04-30"),
    ],
)  # fmt: skip
def test_an_era_span_is_said_in_the_readers_words(
    tmp_path: Path, day: str, lang: str, said: str
) -> None:
    data = tmp_path / "pv.csv"
    data.write_text(PV.format(day=day), encoding="utf-8")
    said_here = refused_calc("solar", data, lang, "--fy", "2024", "--prefecture", "nagano")
    assert said in said_here
