"""Which input column a user's header means: English names, Japanese names, units from headers.

A header matches after folding (NFKC, no spaces, any case, katakana as hiragana, brackets of any
width), so `太陽電池容量（ｋＷ）`, `太陽電池容量 (kW)` and `太陽電池容量(kW)` are one header. A
trailing bracket is the header's unit: `出力(W)` is `capacity_kw` in W, converted with pint; a
Japanese name without a unit is in the column's own unit (the table in docs/input-columns.md
says which). Each column brings its Japanese names (`Column.japanese`, in the method's
contract). A user's mapping file (`--columns MAP.toml`, a ``[columns]`` table of
"their header" = "offset column") is tried first, for anything else.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from offset import units
from offset.common.messages import Msg
from offset.common.problems import InputError, Problem
from offset.intake.columns import Column, Contract
from offset.intake.japanese import folded, pint_unit, split_unit


@dataclass(frozen=True)
class Match:
    """A header read as a column, in a unit (None for columns without one)."""

    column: Column
    unit: str | None
    header: str


@dataclass(frozen=True)
class Matcher:
    """Header -> column for one contract, with the user's own map tried first."""

    contract: Contract
    user_map: Mapping[str, str]  # folded header -> offset column name (English)
    _english_names: dict[str, Match] = field(init=False, repr=False, compare=False)
    _japanese_names: dict[str, Column] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # every spelling folded once: a header search tries a few hundred cells
        english = {
            folded(name): Match(column, unit, name)
            for column in reversed(self.contract.columns)
            for name, unit in column.names.items()
        }
        japanese = {
            folded(alias): column
            for column in reversed(self.contract.columns)
            for alias in column.japanese
        }
        object.__setattr__(self, "_english_names", english)
        object.__setattr__(self, "_japanese_names", japanese)

    def match(self, header: str) -> Match | Msg | None:
        """The column `header` means, a Msg if its unit is wrong, or None if it means none."""
        key = folded(header)
        mapped = self.user_map.get(key)
        if mapped is not None:
            return self._english(mapped, header)
        english = self._english(header, header)
        if english is not None:
            return english
        base, unit = split_unit(header)
        english = self._english(base, header)
        if english is not None:
            return self._with_unit(english.column, unit, header) if unit else english
        column = self._japanese_names.get(folded(base))
        return None if column is None else self._with_unit(column, unit, header)

    def _english(self, name: str, header: str) -> Match | None:
        found = self._english_names.get(folded(name))
        return None if found is None else Match(found.column, found.unit, header)

    def _with_unit(self, column: Column, unit: str | None, header: str) -> Match | Msg:
        if unit is None or column.unit is None:
            return Match(column, column.unit, header)
        expression = pint_unit(unit)
        try:
            units.scale(expression, column.unit)
        except units.UnitError:
            return Msg("header.unit", unit=unit, expected=column.unit)
        return Match(column, expression, header)


def load_map(path: Path | None, known: set[str]) -> dict[str, str]:
    """A user's `--columns` file: `[columns]` "their header" = "offset column", folded; each
    target must be one of the `known` column names (every method's)."""
    if path is None:
        return {}
    try:
        with path.open("rb") as f:
            data = tomllib.load(f)
    except (OSError, tomllib.TOMLDecodeError) as e:
        problem = Problem(str(path), None, None, Msg("file.unreadable", reason=str(e)))
        raise InputError([problem]) from e
    table = data.get("columns", data)
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
    return {folded(str(header)): str(target) for header, target in table.items()}


def _close(value: str, known: set[str]) -> str:
    import difflib

    return ", ".join(difflib.get_close_matches(value, sorted(known), n=5, cutoff=0.4)) or "-"
