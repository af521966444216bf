"""The values a column may hold, from the factor tables, with every spelling an office uses.

Prefectures come from `climate_zones` (key, JIS code, kanji name); species from
`forest_species` (key, katakana name) plus the kanji and common names below; energy carriers
from `fuel` plus `electricity`, with the Japanese names below; 地位 labels from
`forest_site_class`. An overlay (`--factors`) that adds a species or a label adds its spellings.
A category of offset's own (a renovation's `measure`) brings its words in its column
(`Column.values`).
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable, Iterator, Mapping

from offset.common.messages import Msg
from offset.factors import FactorLibrary
from offset.intake.japanese import folded
from offset.intake.places import Prefectures
from offset.intake.values import Vocabulary, spellings

# Kanji and other names of the species in `forest_species` (katakana and hiragana come from
# the table's name_ja, folded).
SPECIES_NAMES: dict[str, tuple[str, ...]] = {
    "sugi": ("杉",),
    "hinoki": ("檜", "桧"),
    "karamatsu": ("唐松", "落葉松"),
    "akamatsu": ("赤松",),
    "kuromatsu": ("黒松",),
    "ezomatsu": ("蝦夷松",),
    "todomatsu": ("椴松",),
    "hiba": ("檜葉", "アスナロ", "翌檜"),
    "sawara": ("椹",),
    "momi": ("樅",),
    "tsuga": ("栂",),
    "buna": ("橅",),
    "nara": ("楢", "ナラ", "コナラ", "ミズナラ"),
    "kunugi": ("櫟", "椚"),
    "broadleaf_other": ("その他広葉樹", "広葉樹類", "雑木"),
    "conifer_other": ("その他針葉樹", "針葉樹"),
}


# Japanese names of the energy carriers (`electricity` and the fuels of the `fuel` table).
CARRIERS = {
    "electricity": ("電気", "電力", "電気式"),
    "kerosene": ("灯油",),
    "city_gas": ("都市ガス",),
    "lpg": ("LPガス", "LPG", "プロパンガス", "液化石油ガス"),
    "a_heavy_oil": ("A重油",),
    "diesel": ("軽油",),
    "gasoline": ("ガソリン",),
}


# Japanese names of the heating appliances of `heating_efficiency`, as offices write them.
APPLIANCES = {
    "heat_pump": (
        "エアコン", "ルームエアコン", "エアコン暖房", "ヒートポンプ", "ヒートポンプ暖房",
        "ヒートポンプエアコン",
    ),
    "kerosene_fan_heater": (
        "石油ファンヒーター", "灯油ファンヒーター", "石油ストーブ", "灯油ストーブ",
        "FF式石油暖房機", "FF式ストーブ",
    ),
    "gas_fan_heater": ("ガスファンヒーター", "ガスストーブ", "ガス暖房"),
    "electric_resistance": (
        "電気ストーブ", "電気ヒーター", "オイルヒーター", "電気暖房", "電気式暖房", "蓄熱暖房機",
    ),
}  # fmt: skip


def _keyed(names: Mapping[str, tuple[str, ...]], table: str) -> Vocabulary:
    shown = tuple(sorted({s for key, more in names.items() for s in (key, *more)}))
    return Vocabulary(spellings(names), shown, table, Msg("what.value"))


def own_values(
    values: Mapping[str, tuple[str, ...]], keywords: Mapping[str, tuple[str, ...]] | None = None
) -> Vocabulary:
    """A category of offset's own (`Column.values`): its keys and their Japanese words; and,
    for a longer value, the one key whose `keywords` it holds (外壁・天井断熱 holds 断熱)."""
    vocabulary = _keyed(values, "offset columns")
    if not keywords:
        return vocabulary
    exact = vocabulary.resolve
    folded_words = {key: tuple(folded(w) for w in words) for key, words in keywords.items()}

    def resolve(value: object) -> str | None:
        found = exact(value)
        if found is not None:
            return found
        text = folded(str(value))
        hits = {key for key, words in folded_words.items() if any(w in text for w in words)}
        return hits.pop() if len(hits) == 1 else None

    return dataclasses.replace(vocabulary, resolve=resolve)


USER = "values:"  # the key of a user's own words for a column (`--columns`, `[values.COLUMN]`)


def with_user_words(
    known: Mapping[str, Vocabulary], words: Mapping[str, Mapping[str, str]]
) -> LazyVocabularies:
    """`known` with the user's own words for each column's values (`load_values`): a word maps
    to a value as offset reads it (a key or one of its spellings), kept under `USER + column`
    and read before the column's own vocabulary (`conversion`). Each of `known` is built
    when first used, as `known` builds it."""
    out: dict[str, Callable[[], Vocabulary]] = {name: functools.partial(known.__getitem__, name)
                                                for name in known}  # fmt: skip
    for column, table in words.items():
        folded_table = {folded(w): target for w, target in table.items()}
        mine = Vocabulary(_lookup(folded_table), tuple(table), "--columns [values]",
                          Msg("what.value"))  # fmt: skip
        out[USER + column] = _given(mine)
    return LazyVocabularies(out)


def _given(vocabulary: Vocabulary) -> Callable[[], Vocabulary]:
    return lambda: vocabulary


def _lookup(table: Mapping[str, str]) -> Callable[[object], str | None]:
    return lambda value: table.get(folded(str(value)))


def chained(user: Vocabulary, base: Vocabulary) -> Vocabulary:
    """The user's words first (each to the value it names), then the column's own reading."""

    def resolve(value: object) -> str | None:
        named = user.resolve(value)
        return base.resolve(value if named is None else named)

    return dataclasses.replace(base, resolve=resolve, shown=(*base.shown, *user.shown))


class LazyVocabularies(Mapping[str, Vocabulary]):
    """Vocabularies by name, each built when a column first asks for it: a solar list never
    loads the species or fuel tables (nor pint's registry, which their units need)."""

    def __init__(self, builders: Mapping[str, Callable[[], Vocabulary]]) -> None:
        self._builders = dict(builders)
        self._built: dict[str, Vocabulary] = {}

    def __getitem__(self, name: str) -> Vocabulary:
        if name not in self._built:
            self._built[name] = self._builders[name]()  # KeyError: no such vocabulary
        return self._built[name]

    def __contains__(self, name: object) -> bool:  # without building it
        return name in self._builders

    def __iter__(self) -> Iterator[str]:
        return iter(self._builders)

    def __len__(self) -> int:
        return len(self._builders)


def vocabularies(factors: FactorLibrary) -> LazyVocabularies:
    """The vocabularies of the factor tables, by name (`Column.vocabulary`, else the column's
    name): prefectures, species, energy carriers, 地位 labels; each built when first used."""
    builders: dict[str, Callable[[], Vocabulary]] = {
        "prefecture": lambda: _prefectures(factors),
        "species": lambda: _species(factors),
        "carrier": lambda: _carriers(factors),
    }
    if "heating_efficiency" in factors.specs:
        builders["heating_appliance"] = lambda: _appliances(factors)
    if "forest_site_class" in factors.specs:
        builders["site_class"] = lambda: _site_classes(factors)
    return LazyVocabularies(builders)


def _prefectures(factors: FactorLibrary) -> Vocabulary:
    prefectures = Prefectures.of(factors["climate_zones"].rows)
    return Vocabulary(
        prefectures.key,
        tuple(sorted({*prefectures.names.values(), *prefectures.names})),
        "offset factors show climate_zones",
        Msg("what.prefecture"),
        codes=prefectures.codes,
        names=prefectures.names,
    )


def named_keys(factors: FactorLibrary, table: str) -> dict[str, tuple[str, ...]] | None:
    """Each key of `table` with the other spellings an office's file may write for it (before
    folding: ｽｷﾞ and すぎ read as スギ), for the tables whose keys a column names (`offset factors
    show`); None for the others."""
    if table == "forest_species":
        return _species_names(factors)
    if table == "fuel":
        return _carrier_names(factors)
    if table == "heating_efficiency":
        return _appliance_names(factors)
    return None


def _species_names(factors: FactorLibrary) -> dict[str, tuple[str, ...]]:
    species = factors["forest_species"].rows
    names: dict[str, tuple[str, ...]] = {}
    for key, name in species[["species", "name_ja"]].drop_duplicates().itertuples(index=False):
        names[str(key)] = (*names.get(str(key), ()), str(name), *SPECIES_NAMES.get(str(key), ()))
    return names


def _species(factors: FactorLibrary) -> Vocabulary:
    names = _species_names(factors)
    return Vocabulary(
        spellings(names),
        tuple(sorted({s for key, more in names.items() for s in (key, *more)})),
        "offset factors show forest_species",
        Msg("what.species"),
    )


def _carrier_names(factors: FactorLibrary) -> dict[str, tuple[str, ...]]:
    fuels = {str(f) for f in factors["fuel"].rows["fuel"]}
    return {key: CARRIERS.get(key, ()) for key in sorted({"electricity", *fuels})}


def _carriers(factors: FactorLibrary) -> Vocabulary:
    return _keyed(_carrier_names(factors), "offset factors show fuel")


def _appliance_names(factors: FactorLibrary) -> dict[str, tuple[str, ...]]:
    kinds = {str(a) for a in factors["heating_efficiency"].rows["appliance"]}
    return {key: APPLIANCES.get(key, ()) for key in sorted(kinds)}


def _appliances(factors: FactorLibrary) -> Vocabulary:
    return _keyed(_appliance_names(factors), "offset factors show heating_efficiency")


def _site_classes(factors: FactorLibrary) -> Vocabulary:
    labels = factors["forest_site_class"].rows
    pairs = labels[["label", "canonical"]].itertuples(index=False)
    table = {folded(str(label)): str(int(value)) for label, value in pairs}
    return Vocabulary(
        lambda value: table.get(folded(str(value))),
        tuple(str(v) for v in labels["label"]),
        "offset factors show forest_site_class",
        Msg("what.site_class"),
    )
