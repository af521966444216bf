"""Property: the same list kept another way gives the same figures. Shuffling the rows, naming
the columns by any of their aliases, or writing each municipality in any of its forms (code with
or without its check digit, official name, name without 市/区, kana, romaji, with its
prefecture) never changes a figure, the municipality each row counts for, or the totals."""

from __future__ import annotations

import csv
import datetime as dt
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from offset.factors import FactorLibrary
from offset.jobs.calc import calculate_file
from offset.methods.solar import CONTRACT

# code -> (prefecture, the forms an office writes it in); the codes are 総務省's
FORMS = {
    "202029": ("nagano", ["202029", "20202", "松本市", "松本", "まつもとし", "マツモト",
                          "Matsumoto", "MATSUMOTO-SHI", "matsumoto city", "長野県松本市"]),
    "202096": ("nagano", ["202096", "20209", "伊那市", "伊那", "いなし", "イナ", "Ina", "ina-shi",
                          "長野県伊那市"]),
    "131041": ("tokyo", ["131041", "13104", "新宿区", "新宿", "しんじゅくく", "Shinjuku",
                         "Shinjuku City", "東京都新宿区"]),
    "011011": ("hokkaido", ["011011", "01101", "札幌市中央区", "中央区", "ちゅうおうく", "Chuo-ku",
                            "Chūō-ku", "sapporo chuo-ku", "北海道札幌市中央区"]),
}  # fmt: skip
COLUMNS = ("system_id", "municipality", "prefecture", "capacity_kw", "commissioned",
           "self_consumption_ratio")  # fmt: skip
FIGURES = ("generation_kwh", "reduction_tco2e", "creditable_tco2e")


@st.composite
def lists(draw: st.DrawFn) -> list[dict[str, object]]:
    n = draw(st.integers(1, 8))
    return [
        {
            "system_id": f"S-{i:03d}",
            "municipality": draw(st.sampled_from(sorted(FORMS))),
            "capacity_kw": draw(st.integers(100, 2000)) / 100,
            "commissioned": draw(st.dates(dt.date(2012, 4, 1), dt.date(2024, 3, 31))),
            "self_consumption_ratio": draw(st.integers(0, 100)) / 100,
        }
        for i in range(n)
    ]


def write(path: Path, headers: list[str], rows: list[list[object]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(headers)
        writer.writerows(rows)


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    rows=lists(),
    order=st.randoms(use_true_random=False),
    aliases=st.lists(st.integers(0, 20), min_size=len(COLUMNS), max_size=len(COLUMNS)),
    forms=st.lists(st.integers(0, 20), min_size=8, max_size=8),
)
def test_the_same_list_kept_another_way_gives_the_same_figures(
    factors: FactorLibrary,
    rows: list[dict[str, object]],
    order: object,
    aliases: list[int],
    forms: list[int],
) -> None:
    canonical = [
        [r["system_id"], r["municipality"], FORMS[str(r["municipality"])][0], r["capacity_kw"],
         r["commissioned"], r["self_consumption_ratio"]]
        for r in rows
    ]  # fmt: skip
    names = [(c, *CONTRACT[c].japanese) for c in COLUMNS]
    headers = [spellings[k % len(spellings)] for spellings, k in zip(names, aliases, strict=True)]
    office = []
    for i, r in enumerate(rows):
        code = str(r["municipality"])
        written = FORMS[code][1][forms[i] % len(FORMS[code][1])]
        office.append([r["system_id"], written, *canonical[i][2:]])
    order.shuffle(office)  # type: ignore[attr-defined]
    with tempfile.TemporaryDirectory() as directory:
        a_path, b_path = Path(directory) / "canonical.csv", Path(directory) / "office.csv"
        write(a_path, list(COLUMNS), canonical)
        write(b_path, headers, office)
        a = calculate_file("solar", a_path, fy=2024, factors=factors, gwp_metric="AR5")
        b = calculate_file("solar", b_path, fy=2024, factors=factors, gwp_metric="AR5")
    left = a.results.set_index("system_id").sort_index()
    right = b.results.set_index("system_id").sort_index()
    assert right["municipality"].astype(str).tolist() == left["municipality"].astype(str).tolist()
    assert right["municipality_name"].astype(str).tolist() == (
        left["municipality_name"].astype(str).tolist()
    )
    for column in FIGURES:
        assert right[column].tolist() == pytest.approx(left[column].tolist(), rel=1e-12), column
    assert b.summary.index.tolist() == a.summary.index.tolist()  # one group per code
    for column in ("rows", "reduction_tco2e", "creditable_tco2e"):
        assert b.summary[column].tolist() == pytest.approx(a.summary[column].tolist(), rel=1e-12)
