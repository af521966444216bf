"""A report whose places lie in more than one prefecture (a prefectural or national run) sums
its reductions per prefecture too, named from the JIS codes; one prefecture's report does not."""

from __future__ import annotations

import re

import pandas as pd

from offset.documents.report import _pivots, prefecture_labels


def reductions(rows: list[tuple[str, str, int, float]]) -> dict[str, pd.DataFrame]:
    frame = pd.DataFrame(rows, columns=["municipality", "project", "fy", "reduction_tco2e"])
    return {"reductions": frame.assign(method="solar", municipality_name=frame["municipality"])}


def figures(html: str) -> dict[str, list[str]]:
    """The table's rows by their first cell, as printed (the heading row too)."""
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", html, flags=re.S)
    cells = [re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, flags=re.S) for row in rows]
    return {c[0].strip(): [v.strip() for v in c[1:]] for c in cells if c}


def test_places_of_two_prefectures_are_summed_per_prefecture_by_name() -> None:
    tables = reductions([
        ("202029", "matsumoto-pv", 2024, 10.5),  # 松本市, 長野県
        ("202011", "nagano-pv", 2024, 2.25),  # 長野市
        ("202029", "matsumoto-pv", 2025, 4.0),
        ("131041", "shinjuku-pv", 2024, 1.0),  # 新宿区, 東京都
    ])  # fmt: skip
    assert list(prefecture_labels(tables["reductions"])) == ["長野県", "長野県", "長野県", "東京都"]
    pivots = _pivots(tables, {}, "ja")
    by_prefecture = figures(pivots["prefecture"])
    assert by_prefecture["都道府県"] == ["2024年度", "2025年度"]
    assert by_prefecture["長野県"] == ["12.8", "4.0"]  # 10.5 + 2.25, shown to 0.1 t
    assert by_prefecture["東京都"] == ["1.0", "0.0"]
    assert "Prefecture" in _pivots(tables, {}, "en")["prefecture"]


def test_one_prefectures_report_or_places_without_a_code_have_no_such_table() -> None:
    one = reductions([("202029", "a", 2024, 1.0), ("202011", "b", 2024, 2.0)])
    assert set(_pivots(one, {}, "ja")) == {"municipality", "method"}
    fictional = reductions([("midorikawa", "a", 2024, 1.0), ("kawabe", "b", 2024, 2.0)])
    assert list(prefecture_labels(fictional["reductions"])) == ["", ""]
    assert "prefecture" not in _pivots(fictional, {}, "ja")
