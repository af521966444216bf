"""Which input column a user's header means: English names, Japanese names, units from headers.

A header matches after folding (`japanese.header_key`: NFKC, no spaces, `_` or `-`, any case,
katakana as hiragana, brackets of any width), so `Electricity Supplier` is
`electricity_supplier`, and `太陽電池容量（ｋＷ）`, `太陽電池容量 (kW)` and `太陽電池容量(kW)` are
one header. A trailing bracket is the header's unit: `出力(W)` is `capacity_kw` in W, converted
with pint; a Japanese name without a unit is in the column's own unit (the table in
docs/input-columns.md says which); a unit in another case is read where only one reading
converts (`unit_case`). Each
column brings its Japanese names (`Column.japanese`, in the method's contract); a name column's
header may carry コード, 名 or 番号 after its word (樹種コード, 自治体名). A user's mapping file
(`--columns MAP.toml`, a ``[columns]`` table of "their header" = "offset column") is tried
first, for anything else, whether the file's header carries the map's bracketed unit or not (the
header's unit wins, else the map's).
"""

from __future__ import annotations

import difflib
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from offset.common.messages import Msg
from offset.common.problems import InputError, Problem
from offset.intake.columns import Column, Contract
from offset.intake.japanese import header_key, pint_unit, split_unit
from offset.intake.unit_case import read_unit

# What offices write after a name column's word: 樹種コード, 自治体名, 林班番号 (folded).
NAME_SUFFIXES = tuple(
    header_key(s) for s in ("コード", "code", "名称", "名", "番号", "No.", "No", "ID")
)


@dataclass(frozen=True)
class Match:
    """A header read as a column, in a unit (None for columns without one)."""

    column: Column
    unit: str | None
    header: str


@dataclass(frozen=True)
class Meant:
    """A known header (as the contract spells it) and the column it names: what an unread
    header probably meant."""

    header: str
    column: str


CLOSE = 0.75  # difflib's ratio from which a header is a misspelling of a known one
HELD_MIN = 3  # folded characters a known name needs to be hinted at when a longer header holds it


@dataclass(frozen=True)
class Matcher:
    """Header -> column for one contract, with the user's own map tried first."""

    contract: Contract
    user_map: Mapping[str, str]  # the user's header -> offset column name (English)
    _english_names: dict[str, Match] = field(init=False, repr=False, compare=False)
    _japanese_names: dict[str, Column] = field(init=False, repr=False, compare=False)
    _mapped: dict[str, str] = field(init=False, repr=False, compare=False)
    _mapped_bases: dict[str, tuple[str, str | None]] = field(init=False, repr=False, compare=False)
    _spellings: dict[str, Meant] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # every spelling folded once: a header search tries a few hundred cells
        english = {
            header_key(name): Match(column, unit, name)
            for column in reversed(self.contract.columns)
            for name, unit in column.names.items()
        }
        japanese = {
            header_key(alias): column
            for column in reversed(self.contract.columns)
            for alias in column.japanese
        }
        object.__setattr__(self, "_english_names", english)
        object.__setattr__(self, "_japanese_names", japanese)
        spellings = {
            header_key(spelling): Meant(spelling, column.name)
            for column in reversed(self.contract.columns)
            for spelling in (*column.names, *column.japanese)
        }
        object.__setattr__(self, "_spellings", spellings)
        mapped = {header_key(header): target for header, target in self.user_map.items()}
        bases: dict[str, tuple[str, str | None]] = {}
        for header, target in self.user_map.items():
            base, unit = split_unit(header)
            bases.setdefault(header_key(base), (target, unit))
        object.__setattr__(self, "_mapped", mapped)
        object.__setattr__(self, "_mapped_bases", bases)

    def match(self, header: str) -> Match | Msg | None:
        """The column `header` means, a Msg if its unit is wrong, or None if it means none."""
        base, unit = split_unit(header)
        mapped = self._mapped.get(header_key(header))
        if mapped is None and (by_base := self._mapped_bases.get(header_key(base))) is not None:
            mapped, map_unit = by_base  # the map's header with, or without, its bracketed unit
            unit = unit or map_unit
        if mapped is not None:
            found = self._english(mapped, header)
            if found is None:  # load_map checks targets against every method's columns
                return None
            return self._with_unit(found.column, unit, header) if unit else found
        english = self._english(header, header)
        if english is not None:
            return english
        english = self._english(base, header)
        if english is not None:
            return self._with_unit(english.column, unit, header) if unit else english
        column = self._japanese_names.get(header_key(base)) or self._named_with_suffix(base)
        return None if column is None else self._with_unit(column, unit, header)

    def meant(self, header: str) -> Meant | None:
        """The known header that a header `match` does not read probably meant: the longest
        known name it holds (`契約中の電力会社` holds 電力会社, `supplier name` supplier), else one
        spelled closely (`電気事業社`, `suplier`); None when none is close. A hint for the user,
        never a reading."""
        key = header_key(split_unit(header)[0])
        if not key:
            return None
        held = [s for s in self._spellings if len(s) >= HELD_MIN and s in key]
        if held:
            return self._spellings[max(held, key=len)]
        close = difflib.get_close_matches(key, self._spellings, n=1, cutoff=CLOSE)
        return self._spellings[close[0]] if close else None

    def _named_with_suffix(self, base: str) -> Column | None:
        """A name column's header with コード, 名 or 番号 after it (樹種コード, 自治体名)."""
        key = header_key(base)
        for suffix in NAME_SUFFIXES:
            stem = key.removesuffix(suffix)
            if stem != key and stem:
                column = self._japanese_names.get(stem)
                if column is not None and column.kind in ("text", "category"):
                    return column
        return None

    def _english(self, name: str, header: str) -> Match | None:
        found = self._english_names.get(header_key(name))
        return None if found is None else Match(found.column, found.unit, header)

    def _with_unit(self, column: Column, unit: str | None, header: str) -> Match | Msg:
        if unit is None or column.unit is None:
            return Match(column, column.unit, header)
        read = read_unit(pint_unit(unit), column.unit)
        if read == ():
            read = _implied(pint_unit(unit), column.unit, header)
        if isinstance(read, tuple):
            if read:
                return Msg("header.unit_case", unit=unit, readings=" / ".join(read))
            return Msg("header.unit", unit=unit, expected=column.unit)
        return Match(column, read, header)


# A header names what its unit leaves out: 成長量(m3/ha) and 削減電力量(kWh) are per year (the
# column is a yearly rate); ha当り蓄積(m3) is per hectare.
_PER_HECTARE = tuple(header_key(w) for w in ("ha当り", "ha当たり", "1ha当り", "1ha当たり", "ha当"))


def _implied(unit: str, target: str, header: str) -> str | tuple[str, ...]:
    """The header's unit with what its words or the column imply: per year for a yearly
    column, per hectare after ha当り; () when that does not convert either."""
    if header_key(header).startswith(_PER_HECTARE):
        unit = f"({unit})/ha"
    if target.endswith("/yr") and not _per_year(unit):
        unit = f"({unit})/yr"
    read = read_unit(unit, target)
    return read if isinstance(read, str) else ()


def _per_year(unit: str) -> bool:
    return any(w in unit for w in ("/yr", "/year", "/a"))


def _map_file(path: Path) -> dict[str, Any]:
    """A `--columns` file's tables, or the file named with why it cannot be read."""
    try:
        with path.open("rb") as f:
            return tomllib.load(f)
    except (OSError, tomllib.TOMLDecodeError) as e:
        problem = Problem(str(path), None, None, Msg("file.unreadable", reason=str(e)))
        raise InputError([problem]) from e


def load_map(path: Path | None, known: set[str]) -> dict[str, str]:
    """A user's `--columns` file: `[columns]` "their header" = "offset column", folded; each
    target must be one of the `known` column names (every method's)."""
    if path is None:
        return {}
    data = _map_file(path)
    table = data.get("columns", {k: v for k, v in data.items() if k != VALUES})
    problems = [
        Problem(
            str(path),
            None,
            None,
            Msg("header.map_unknown", target=target, known=_close(str(target), known)),
            key=f"columns.{header}",
        )
        for header, target in table.items()
        if not isinstance(target, str) or target not in known
    ]
    if problems:
        raise InputError(problems)
    return {str(header): str(target) for header, target in table.items()}


VALUES = "values"  # the map file's table of the user's own words for a column's values


def load_values(path: Path | None, known: set[str]) -> dict[str, dict[str, str]]:
    """A `--columns` file's `[values.COLUMN]` tables: "their word" = "a value offset knows"
    (`[values.heating_appliance]` "薪ストーブ" = "電気ストーブ"), per column of `known`."""
    if path is None:
        return {}
    data = _map_file(path)
    tables = data.get(VALUES, {})
    problems = [
        Problem(
            str(path),
            None,
            None,
            Msg("header.map_unknown", target=column, known=_close(str(column), known)),
            key=f"{VALUES}.{column}",
        )
        for column, words in tables.items()
        if column not in known or not isinstance(words, dict)
    ]
    problems += [
        Problem(str(path), None, None, Msg("value.map_word", word=word), key=f"{VALUES}.{column}")
        for column, words in tables.items()
        if isinstance(words, dict)
        for word, target in words.items()
        if not isinstance(target, str)
    ]
    if problems:
        raise InputError(problems)
    return {str(c): {str(w): str(t) for w, t in words.items()} for c, words in tables.items()}


def _close(value: str, known: set[str]) -> str:
    return ", ".join(difflib.get_close_matches(value, sorted(known), n=5, cutoff=0.4)) or "-"
