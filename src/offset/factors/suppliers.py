"""Electricity suppliers and their menus as offices write them, resolved to the grid table's keys.

The names come from the grid table itself (`supplier_name` as the list prints it, `registration`,
the 登録番号), so every supplier of an imported list (`offset factors import-grid`) is known by
name at once; former and short names a list does not print are below, each with where it was
read. A name matches after NFKC, without spaces, case, or the company form (株式会社, (株), ㈱,
合同会社, ...), so `中部電力ミライズ`, `中部電力ミライズ株式会社` and `中部電力ミライズ(株)` meet.

Menus are written as the list prints them (`メニューB`, `メニューM(残差)`, `(参考値)事業者全体`) or
shorter (`B`, `残差`, `事業者全体`); a blank menu is the supplier's residual menu, the factor the
list says to use when the menu's own factor is not published.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import pandas as pd

#: menu keys of the grid table besides the menu letters the lists print
RESIDUAL = "residual"  # (残差): the supplier's factor for supply without a menu factor of its own
OVERALL = "overall"  # (参考値)事業者全体, a supplier without menus, or a list-wide figure

AVERAGE = "national_average"  # 全国平均係数
ALTERNATIVE = "alternative_value"  # 代替値: electricity whose supplier factor cannot be had

# Former and short names of the former general electricity utilities, which their retail
# companies' customers still write (the lists print only the current legal names).
ALIASES: dict[str, tuple[str, ...]] = {
    # 「当社(旧:東京電力株式会社)」: TEPCO EP press release 2016-08-01; the FY2013 list names
    # 「東京電力(株)」 (kankyo-business.jp/news/009330.php)
    "tepco": ("東京電力", "東京電力EP", "東電EP", "TEPCO", "TEPCO EP"),
    # 中部電力 split its retail business into 中部電力ミライズ on 2020-04-01 (伊勢新聞 2020-04-02)
    "chubu_epco": ("中部電力", "中電ミライズ"),
    "hokkaido_epco": ("ほくでん",),  # 「ほくでんグループ」, hepco.co.jp
    "shikoku_epco": ("よんでん",),  # 「よんでんグループ」, yonden.co.jp
    "kyushu_epco": ("九電",),  # 「九電グループデータブック」, kyuden.co.jp
    "okinawa_epco": ("沖電",),  # 「沖電グループ」, 沖縄電力 CSR report
    AVERAGE: ("全国平均", "全国平均係数", "national average"),
    ALTERNATIVE: ("代替値", "不明", "alternative", "alternative value"),
}

_FORMS = re.compile(
    r"株式会社|有限会社|合同会社|一般社団法人|一般財団法人|公益財団法人|\(株\)|\(有\)|\(同\)|㈱|㈲"
)
_SPACES = re.compile(r"[\s\u3000]+")
_FORMER = re.compile(r"\((?:旧|旧称)[:：]?(?P<former>[^()]*(?:\([^()]*\)[^()]*)*)\)")
_PAREN = re.compile(r"\((?P<other>[^()]*(?:\([^()]*\)[^()]*)*)\)")
_MENU = re.compile(r"^(?:メニュー|menu)?(?P<label>[A-Z0-9][A-Z0-9\-]*)(?P<residual>\(残差\))?$")


def fold(name: str) -> str:
    """A supplier name as matching sees it: NFKC, no spaces, no company form, lower case."""
    plain = unicodedata.normalize("NFKC", name)
    plain = plain.replace("ー", "-").replace("―", "-").replace("－", "-")
    return _SPACES.sub("", _FORMS.sub("", plain)).lower()


def spellings(printed: str) -> tuple[str, ...]:
    """The name as printed, and the names inside it: `最適でんき(株)（旧：エナジーサプライ(株)）`
    is also `最適でんき` and `エナジーサプライ`; `日本瓦斯(株)(日本ガス(株))` also `日本ガス`."""
    plain = unicodedata.normalize("NFKC", printed)
    names = [plain]
    former = _FORMER.search(plain)
    if former is not None:
        names += [former["former"], plain[: former.start()] + plain[former.end() :]]
    else:
        for other in _PAREN.finditer(_FORMS.sub("", plain)):
            names.append(other["other"])
            names.append(_FORMS.sub("", plain).replace(other[0], ""))
    return tuple(n for n in dict.fromkeys(names) if fold(n))


def menu_key(text: object) -> str | None:
    """A menu as an office or the list writes it -> the grid table's menu key; None if it is
    not a menu (the caller names it); blank -> the residual menu."""
    if text is None or (isinstance(text, float) and text != text) or str(text).strip() == "":
        return RESIDUAL
    plain = _SPACES.sub("", unicodedata.normalize("NFKC", str(text))).upper()
    plain = plain.replace("メニュ-", "メニュー")
    if plain in ("残差", "(残差)", "RESIDUAL"):
        return RESIDUAL
    if plain in ("(参考値)事業者全体", "参考値", "(参考値)", "事業者全体", "全体", "OVERALL"):
        return OVERALL
    match = _MENU.match(plain)
    if match is None:
        return None
    return RESIDUAL if match["residual"] else match["label"]


def menu_letter(printed: str) -> str | None:
    """The letter of a printed menu (`メニューM(残差)` -> `M`), None for (参考値) rows."""
    plain = _SPACES.sub("", unicodedata.normalize("NFKC", printed)).upper()
    match = _MENU.match(plain)
    return None if match is None else match["label"]


@dataclass(frozen=True)
class Suppliers:
    """Folded spelling -> supplier key, from the grid table and the aliases above."""

    keys: Mapping[str, str]
    shown: tuple[str, ...]  # names a user may be told about ("closest known")

    @classmethod
    def of(cls, rows: pd.DataFrame) -> Suppliers:
        found: dict[str, str] = {}
        shown: set[str] = set()

        def add(spelling: object, key: str) -> None:
            if isinstance(spelling, str) and (folded := fold(spelling)):
                found.setdefault(folded, key)

        columns = [c for c in ("entity", "supplier_name", "registration") if c in rows]
        distinct = rows[columns].drop_duplicates()
        for record in distinct.itertuples(index=False):  # a few hundred suppliers, not rows
            values = dict(zip(columns, record, strict=True))
            key = str(values["entity"])
            add(key, key)
            shown.add(key)
            add(values.get("registration"), key)
            for name in spellings(str(values.get("supplier_name") or "")):
                add(name, key)
                shown.add(name)
        for key, names in ALIASES.items():
            for name in names:
                found[fold(name)] = key  # an alias is meant: it wins over a printed name
                shown.add(name)
            add(key, key)
        return cls(found, tuple(sorted(shown)))

    def resolve(self, name: object) -> str | None:
        return self.keys.get(fold(str(name)))

    def closest(self, name: object, n: int = 5) -> list[str]:
        return difflib.get_close_matches(str(name), self.shown, n=n, cutoff=0.4)


def resolve_all(suppliers: Suppliers, names: Iterable[object]) -> dict[object, str | None]:
    """Key per distinct name (None: unknown)."""
    return {name: suppliers.resolve(name) for name in names}
