"""Prefectures and municipalities as offices write them.

Prefectures: the key of `climate_zones` (`nagano`), its kanji with or without 都/道/府/県
(`長野県`, `長野`), romaji in any case (`Nagano`, `NAGANO-KEN`), or the JIS X 0401 code 1-47
(`20`, `２０`); the table's `jis_code` and `name_ja` columns are the one source of the names.

Municipalities: a 全国地方公共団体コード (総務省) is 6 digits, the 6th a check digit: the first
five digits weighted 6, 5, 4, 3, 2 and summed, the check digit is the last digit of 11 minus the
sum's remainder mod 11 (松本市 20202 -> 24 mod 11 = 2 -> 9: 202029). A 5-digit code gets its check
digit; the first two digits are the prefecture's JIS code and must agree with the row's. A name
is kept as it is given (no municipality table could be sourced on this machine).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from offset.intake.japanese import folded, nfkc

_WEIGHTS = (6, 5, 4, 3, 2)
_SUFFIXES = ("-ken", "-fu", "-to", "ken", " prefecture", "prefecture")


def check_digit(first_five: str) -> int:
    total = sum(int(d) * w for d, w in zip(first_five, _WEIGHTS, strict=True))
    return (11 - total % 11) % 10


@dataclass(frozen=True)
class Code:
    """A municipality code read from a cell: the 6-digit code, or why it is not one."""

    code: str | None
    check_digit: int | None = None  # the right digit, when the given one is wrong
    bad_length: bool = False


def municipality_code(value: object) -> Code | None:
    """The 団体コード in a cell, or None when the cell is a name (kept as given)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        if value != value or value != int(value) or value < 0:
            return None
        return _from_number(int(value))
    text = nfkc(str(value))
    if not re.fullmatch(r"\d+", text):
        return None
    if len(text) == 6:
        digit = check_digit(text[:5])
        return Code(text) if int(text[5]) == digit else Code(None, check_digit=digit)
    if len(text) == 5:
        return Code(text + str(check_digit(text)))
    return Code(None, bad_length=True)


def _from_number(number: int) -> Code:
    """A code typed as a number lost its leading zero (北海道 011002 -> 11002): a 6-digit code
    with a right check digit is tried first, then a 5-digit one."""
    six = f"{number:06d}"
    if number < 1_000_000 and int(six[5]) == check_digit(six[:5]):
        return Code(six)
    if number < 100_000:
        five = f"{number:05d}"
        return Code(five + str(check_digit(five)))
    if number < 1_000_000:
        return Code(None, check_digit=check_digit(six[:5]))
    return Code(None, bad_length=True)


@dataclass(frozen=True)
class Prefectures:
    """Every accepted spelling of each prefecture, folded, from the `climate_zones` rows."""

    spellings: dict[str, str]  # folded spelling -> key
    codes: dict[str, str]  # key -> two-digit JIS code
    names: dict[str, str]  # key -> kanji name

    @classmethod
    def of(cls, rows: pd.DataFrame) -> Prefectures:
        spellings: dict[str, str] = {}
        codes: dict[str, str] = {}
        names: dict[str, str] = {}
        for key, code, name in rows[["prefecture", "jis_code", "name_ja"]].itertuples(index=False):
            key, name = str(key), str(name)
            number = int(str(code))
            codes[key], names[key] = f"{number:02d}", name
            short = name[:-1] if name.endswith(("都", "道", "府", "県")) else name
            for spelling in (key, name, short, str(number), f"{number:02d}"):
                spellings[folded(spelling)] = key
        return cls(spellings, codes, names)

    def key(self, value: object) -> str | None:
        text = folded(str(value))
        if re.fullmatch(r"\d+\.0+", text):
            text = text.split(".")[0]
        if text in self.spellings:
            return self.spellings[text]
        for suffix in _SUFFIXES:
            if text.endswith(suffix) and text[: -len(suffix)] in self.spellings:
                return self.spellings[text[: -len(suffix)]]
        return None
