"""A report whose places lie in more than one prefecture (a prefectural or national run) sums
its reductions per prefecture too, named from the JIS codes; one prefecture's report does not."""

from __future__ import annotations

import re

import pandas as pd

from offset.documents.report import _pivots, prefecture_labels, prefecture_table


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


def test_the_per_prefecture_table_a_spreadsheet_reads_is_in_jis_order_with_its_towns() -> None:
    tables = reductions([
        ("202029", "matsumoto-pv", 2024, 10.5),  # 長野県 (20)
        ("131041", "shinjuku-pv", 2024, 1.0),  # 東京都 (13)
        ("202011", "nagano-pv", 2024, 2.25),
        ("271004", "osaka-pv", 2024, 3.0),  # 大阪市, 大阪府 (27)
    ])  # fmt: skip
    frame = tables["reductions"].assign(creditable_tco2e=lambda f: f["reduction_tco2e"] / 2)
    table = prefecture_table(frame)
    assert table is not None
    assert table.to_dict("records") == [
        {"fy": 2024, "prefecture": "東京都", "municipalities": 1,
         "reduction_tco2e": 1.0, "creditable_tco2e": 0.5},
        {"fy": 2024, "prefecture": "長野県", "municipalities": 2,
         "reduction_tco2e": 12.75, "creditable_tco2e": 6.375},
        {"fy": 2024, "prefecture": "大阪府", "municipalities": 1,
         "reduction_tco2e": 3.0, "creditable_tco2e": 1.5},
    ]  # fmt: skip
    # the page prints them in the same (JIS) order, not by the names' code points (大 < 東 < 長)
    page = list(figures(_pivots(tables, {}, "ja")["prefecture"]))
    assert page == ["都道府県", "東京都", "長野県", "大阪府"]
    one = reductions([("202029", "a", 2024, 1.0), ("202011", "b", 2024, 2.0)])
    assert prefecture_table(one["reductions"].assign(creditable_tco2e=0.0)) is None
