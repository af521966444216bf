"""Column contracts: the columns a method reads, with their units, checked once at the boundary.

A numeric column names its unit (`capacity_kw`); a file may use another unit of the same
dimension where the contract lists it (`capacity_mw`), and the boundary converts it with pint.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from offset.common.messages import Msg

Kind = Literal["number", "integer", "year", "text", "category", "date", "boolean"]


@dataclass(frozen=True)
class Column:
    """One logical input column.

    `names` maps each accepted column name to its unit; the first name is canonical, and every
    value reaches the kernels in the canonical name's unit. `japanese` are the Japanese headers
    that mean it (`intake.headers` matches them, `offset columns` lists them).
    """

    names: Mapping[str, str | None]
    kind: Kind
    doc: str
    required: bool = False
    minimum: float | None = None
    maximum: float | None = None
    strictly_positive: bool = False
    japanese: tuple[str, ...] = ()  # the headers an office writes for it, the first shown first
    #: a category of offset's own: each value, with the Japanese words an office writes for it
    values: Mapping[str, tuple[str, ...]] | None = None
    #: the vocabulary of the factor tables its values are read with (`intake.vocabulary`;
    #: default: the one named as the column)
    vocabulary: str | None = None
    #: words an office writes after a number that are not a unit (7齢級, 35年生): dropped
    words_after: tuple[str, ...] = ()
    #: words a longer value may hold that name one of `values` (高効率給湯器(エコキュート) holds
    #: エコキュート: equipment); a value holding the words of two is not read
    keywords: Mapping[str, tuple[str, ...]] | None = None
    #: a cell naming two values (スギ・ヒノキ) gives its second to this column (a mixed stand)
    second_into: str | None = None

    @property
    def name(self) -> str:
        return next(iter(self.names))

    @property
    def unit(self) -> str | None:
        return self.names[self.name]

    @property
    def shown(self) -> str:
        """The column as a problem names it when the file has no header for it: offset's name
        in English, the header an office writes in Japanese (列「面積」, not 列「area_ha」)."""
        if not self.japanese:
            return self.name
        return Msg("column.header", column=self.name, column_ja=self.japanese[0])


def number(
    name: str,
    unit: str,
    doc: str,
    *,
    alternatives: Mapping[str, str] | None = None,
    required: bool = False,
    minimum: float | None = 0.0,
    maximum: float | None = None,
    japanese: tuple[str, ...] = (),
) -> Column:
    return Column(
        names={name: unit, **(alternatives or {})},
        kind="number",
        doc=doc,
        required=required,
        minimum=minimum,
        maximum=maximum,
        japanese=japanese,
    )


def integer(
    name: str,
    doc: str,
    *,
    required: bool = False,
    minimum: float | None = 0,
    maximum: float | None = None,
    japanese: tuple[str, ...] = (),
    words_after: tuple[str, ...] = (),
) -> Column:
    return Column(
        {name: None}, "integer", doc, required, minimum, maximum, japanese=japanese,
        words_after=words_after,
    )  # fmt: skip


def year(
    name: str,
    doc: str,
    *,
    required: bool = False,
    minimum: float | None = 1900,
    maximum: float | None = 2100,
    japanese: tuple[str, ...] = (),
) -> Column:
    """A year or fiscal year: 2024, 2024年度, R6 or 令和6年度 in a cell."""
    return Column({name: None}, "year", doc, required, minimum, maximum, japanese=japanese)


def text(name: str, doc: str, *, required: bool = False, japanese: tuple[str, ...] = ()) -> Column:
    return Column({name: None}, "text", doc, required=required, japanese=japanese)


def category(
    name: str,
    doc: str,
    *,
    required: bool = False,
    japanese: tuple[str, ...] = (),
    values: Mapping[str, tuple[str, ...]] | None = None,
    vocabulary: str | None = None,
    second_into: str | None = None,
    keywords: Mapping[str, tuple[str, ...]] | None = None,
    english: tuple[str, ...] = (),
) -> Column:
    """Text with few distinct values (kept as a pandas categorical: cheap joins and memory):
    offset's own `values` with their Japanese words, or a `vocabulary` of the factor tables;
    `english`: other English headers that mean it (`supplier` for `grid_entity`)."""
    return Column(
        dict.fromkeys((name, *english)), "category", doc, required=required, japanese=japanese,
        values=values, vocabulary=vocabulary, second_into=second_into, keywords=keywords,
    )  # fmt: skip


def date(name: str, doc: str, *, required: bool = False, japanese: tuple[str, ...] = ()) -> Column:
    return Column({name: None}, "date", doc, required=required, japanese=japanese)


def boolean(
    name: str, doc: str, *, required: bool = False, japanese: tuple[str, ...] = ()
) -> Column:
    return Column({name: None}, "boolean", doc, required=required, japanese=japanese)


def prefecture(doc: str, *, required: bool = False) -> Column:
    """The row's prefecture: a key of `climate_zones`, its kanji or its JIS code."""
    return category(
        "prefecture",
        doc,
        required=required,
        japanese=("都道府県", "都道府県名", "県名", "都道府県コード"),
    )


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

    def markdown(self) -> str:
        """The contract as a Markdown table (docs/input-columns.md, `offset columns`), with
        each column's Japanese header names, after the row identity when it has one."""
        lines = [self.identity.describe(), ""] if self.identity.keys else []
        lines += [
            "| column | 日本語の見出し | unit | required | meaning |",
            "|---|---|---|---|---|",
        ]
        for c in self.columns:
            alternatives = ", ".join(f"`{n}`" for n in list(c.names)[1:])
            unit = c.unit or (c.kind if c.kind in ("date", "year", "boolean") else "")
            also = f" (or {alternatives})" if alternatives else ""
            ja = " / ".join(c.japanese)
            required = "yes" if c.required else ""
            lines.append(f"| `{c.name}`{also} | {ja} | {unit} | {required} | {c.doc} |")
        return "\n".join(lines)


# Columns several methods share.
ADDRESS = text(
    "address",
    "where the system or building is (住所): tells two rows apart",
    japanese=("住所", "設置場所", "設置住所", "所在地", "設置地", "設置場所住所"),
)
APPLICANT = text(
    "applicant",
    "whose it is (申請者): tells two rows apart; not in the output",
    japanese=("申請者", "申請者氏名", "設置者", "所有者", "氏名", "補助対象者"),
)
MUNICIPALITY = category(
    "municipality",
    "municipality the row belongs to: 団体コード, name, kana or romaji (results: the code and"
    " municipality_name; --municipality for a whole file)",
    required=True,
    japanese=(
        "市区町村",
        "市町村",
        "市町村名",
        "市区町村名",
        "団体コード",
        "自治体",
        "市町村コード",
        "市区町村コード",
        "地方公共団体コード",
        "自治体コード",
    ),
)
FY = year(
    "fy",
    "fiscal year of the reduction; defaults to --fy",
    minimum=1990,
    maximum=2100,
    japanese=("年度", "対象年度", "算定年度"),
)
GRID_ENTITY = category(
    "grid_entity",
    "electricity supplier: a key, the name as the MOE/METI list prints it (with or without"
    " 株式会社) or its 登録番号 (default: national_average)",
    japanese=(
        "電気事業者",
        "小売電気事業者",
        "電力会社",
        "電気事業者名",
        "電力小売事業者",
        "電力供給事業者",
        "電気供給事業者",
        "供給事業者",
        "電力事業者",
        "契約電力会社",
        "契約電気事業者",
        "電力契約先",
        "新電力会社",
    ),
    english=(
        "supplier",
        "electricity_supplier",
        "power_supplier",
        "grid_supplier",
        "retailer",
        "electricity_retailer",
        "power_company",
        "utility",
    ),
)
GRID_MENU = category(
    "grid_menu",
    "the supplier's menu as the list prints it (メニューB, B, 残差, 事業者全体; default: the"
    " residual menu)",
    japanese=(
        "メニュー",
        "メニュー名",
        "料金メニュー",
        "電力メニュー",
        "電気料金メニュー",
        "契約メニュー",
        "料金プラン",
        "電力プラン",
        "電気料金プラン",
    ),
    english=("menu", "supplier_menu", "electricity_menu", "tariff", "tariff_menu"),
)
GRID_KIND = category(
    "grid_factor_kind",
    "factor kind: basic (基礎), adjusted (調整後), unadjusted (default: basic)",
    japanese=("排出係数の種類", "係数種別", "係数の種類"),
    english=("factor_kind", "emission_factor_kind"),
)
GRID_FACTOR = number(
    "grid_factor_t_co2_per_kwh",
    "t CO2/kWh",
    "the row's own electricity factor (e.g. a contracted supplier's); wins over the tables",
    alternatives={"grid_factor_kg_co2_per_kwh": "kg CO2/kWh"},
    japanese=("排出係数", "電力排出係数", "CO2排出係数"),
)
