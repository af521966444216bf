"""Column contracts: the columns a method reads, with their units, checked once at the boundary.

A numeric column names its unit (`capacity_kw`); a file may use another unit of the same
dimension where the contract lists it (`capacity_mw`), and the boundary converts it with pint.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

Kind = Literal["number", "integer", "year", "text", "category", "date", "boolean"]


@dataclass(frozen=True)
class Column:
    """One logical input column.

    `names` maps each accepted column name to its unit; the first name is canonical, and every
    value reaches the kernels in the canonical name's unit.
    """

    names: Mapping[str, str | None]
    kind: Kind
    doc: str
    required: bool = False
    minimum: float | None = None
    maximum: float | None = None
    strictly_positive: bool = False

    @property
    def name(self) -> str:
        return next(iter(self.names))

    @property
    def unit(self) -> str | None:
        return self.names[self.name]


def number(
    name: str,
    unit: str,
    doc: str,
    *,
    alternatives: Mapping[str, str] | None = None,
    required: bool = False,
    minimum: float | None = 0.0,
    maximum: float | None = None,
) -> Column:
    return Column(
        names={name: unit, **(alternatives or {})},
        kind="number",
        doc=doc,
        required=required,
        minimum=minimum,
        maximum=maximum,
    )


def integer(
    name: str,
    doc: str,
    *,
    required: bool = False,
    minimum: float | None = 0,
    maximum: float | None = None,
) -> Column:
    return Column({name: None}, "integer", doc, required=required, minimum=minimum, maximum=maximum)


def year(
    name: str,
    doc: str,
    *,
    required: bool = False,
    minimum: float | None = 1900,
    maximum: float | None = 2100,
) -> Column:
    """A year or fiscal year: 2024, 2024年度, R6 or 令和6年度 in a cell."""
    return Column({name: None}, "year", doc, required=required, minimum=minimum, maximum=maximum)


def text(name: str, doc: str, *, required: bool = False) -> Column:
    return Column({name: None}, "text", doc, required=required)


def category(name: str, doc: str, *, required: bool = False) -> Column:
    """Text with few distinct values (kept as a pandas categorical: cheap joins and memory)."""
    return Column({name: None}, "category", doc, required=required)


def date(name: str, doc: str, *, required: bool = False) -> Column:
    return Column({name: None}, "date", doc, required=required)


def boolean(name: str, doc: str, *, required: bool = False) -> Column:
    return Column({name: None}, "boolean", doc, required=required)


@dataclass(frozen=True)
class Identity:
    """Which columns name a row of a method's input, and when two rows are one real thing.

    `keys`: the identifier, as alternatives in order (a 森林簿 names a stand by 林小班, or by
    林班 + 小班 + 枝番: whichever of the alternative's columns the file has); a row is also
    identified by its FY, since a list may hold one row per thing and FY. `same`: the columns
    that, all equal, make two rows with different identifiers one thing (the same system under
    two numbers); compared only when the file has at least one of `telling` (an address, an
    owner): capacity and date alone are shared by neighbours.
    """

    keys: tuple[tuple[str, ...], ...] = ()
    same: tuple[str, ...] = ()
    telling: tuple[str, ...] = ()

    def describe(self) -> str:
        """The identity as docs/input-columns.md states it."""
        keys = " or ".join(" + ".join(f"`{c}`" for c in key) for key in self.keys)
        text = f"Row identity: {keys} (and `fy`): a repeat within a file is refused."
        if self.same:
            same = ", ".join(f"`{c}`" for c in self.same)
            telling = " or ".join(f"`{c}`" for c in self.telling)
            text += (
                f" Two rows with different identifiers are one when {same} are all equal"
                f" (compared where the file has {telling})."
            )
        return text


@dataclass(frozen=True)
class Contract:
    """The columns of one method's input, and which of them identify a row."""

    columns: tuple[Column, ...]
    description: str = ""
    identity: Identity = Identity()
    _by_name: dict[str, Column] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_name", {c.name: c for c in self.columns})

    def __getitem__(self, name: str) -> Column:
        return self._by_name[name]

    def __contains__(self, name: object) -> bool:
        return name in self._by_name

    def markdown(self, japanese: Mapping[str, tuple[str, ...]] | None = None) -> str:
        """The contract as a Markdown table (docs/input-columns.md, `offset columns`), with
        each column's Japanese header names where `japanese` gives them."""
        names = japanese or {}
        lines = [self.identity.describe(), ""] if self.identity.keys else []
        lines += [
            "| column | 日本語の見出し | unit | required | meaning |",
            "|---|---|---|---|---|",
        ]
        for c in self.columns:
            alternatives = ", ".join(f"`{n}`" for n in list(c.names)[1:])
            unit = c.unit or (c.kind if c.kind in ("date", "year", "boolean") else "")
            also = f" (or {alternatives})" if alternatives else ""
            ja = " / ".join(names.get(c.name, ()))
            required = "yes" if c.required else ""
            lines.append(f"| `{c.name}`{also} | {ja} | {unit} | {required} | {c.doc} |")
        return "\n".join(lines)


# Columns several methods share.
ADDRESS = text("address", "where the system or building is (住所): tells two rows apart")
APPLICANT = text("applicant", "whose it is (申請者): tells two rows apart; not in the output")
MUNICIPALITY = category(
    "municipality",
    "municipality the row belongs to: 団体コード, name, kana or romaji (results: the code and"
    " municipality_name; --municipality for a whole file)",
    required=True,
)
FY = year("fy", "fiscal year of the reduction; defaults to --fy", minimum=1990, maximum=2100)
GRID_ENTITY = category(
    "grid_entity",
    "electricity supplier in grid_electricity (default: national_average)",
)
GRID_KIND = category(
    "grid_factor_kind",
    "factor kind: basic, adjusted, unadjusted (default: basic; national_average for the average)",
)
GRID_FACTOR = number(
    "grid_factor_t_co2_per_kwh",
    "t CO2/kWh",
    "the row's own electricity factor (e.g. a contracted supplier's); wins over the tables",
    alternatives={"grid_factor_kg_co2_per_kwh": "kg CO2/kWh"},
)
