"""Japanese text as office files hold it: width, spaces and kana folded once, per distinct value.

NFKC (unicodedata) turns full-width digits, letters and brackets (`９．５４`, `（ｋＷ）`) and
squared units (`㎡`, `㎾`) into their plain forms; jaconv folds katakana to hiragana so that
`スギ`, `すぎ` and half-width `ｽｷﾞ` meet. Both are applied to the distinct values of a column,
never per row.
"""

from __future__ import annotations

import functools
import re
import unicodedata

import jaconv
import numpy as np
import numpy.typing as npt
import pandas as pd

_SPACES = re.compile(r"[\s\u3000]+")
_UNIT_TAIL = re.compile(r"^(?P<base>.*?)[(\[](?P<unit>[^()\[\]]*)[)\]]$")


def nfkc(value: str) -> str:
    return unicodedata.normalize("NFKC", value).strip()


@functools.lru_cache(maxsize=1 << 16)  # headers and aliases: the same few, file after file
def folded(value: str) -> str:
    """A spelling as matching sees it: NFKC, no spaces, lower case, katakana as hiragana."""
    plain = _SPACES.sub("", nfkc(value)).lower()
    return str(jaconv.kata2hira(plain))


_BETWEEN_WORDS = str.maketrans("", "", "_-")


@functools.lru_cache(maxsize=1 << 16)
def header_key(header: str) -> str:
    """A header as matching sees it (`headers.Matcher`, the one place headers are matched, and
    the duplicate check beside it): `folded` (NFKC, so a full-width space is a space; no
    spaces; any case; katakana as hiragana), and no `_` or `-`, which a name writes between
    words where an office writes a space: `Electricity Supplier`, `ELECTRICITY　SUPPLIER`
    (a full-width space) and `electricity_supplier` are one header."""
    return folded(header).translate(_BETWEEN_WORDS)


@functools.lru_cache(maxsize=1 << 12)
def split_unit(header: str) -> tuple[str, str | None]:
    """`太陽電池容量(kW)` -> (`太陽電池容量`, `kW`): a header's trailing bracket is its unit."""
    plain = _SPACES.sub("", nfkc(header))
    for opening, closing in (("【", "】"), ("「", "」"), ("〔", "〕")):
        plain = plain.replace(opening, "(").replace(closing, ")")
    match = _UNIT_TAIL.match(plain)
    if match is None or not match["base"]:
        return plain, None
    return match["base"], match["unit"] or None


# Japanese and office spellings of units, before pint reads them.
_UNIT_WORDS = (
    (re.compile(r"-?co2(e|eq)?", re.IGNORECASE), " CO2"),
    (re.compile(r"年"), "yr"),
    (re.compile(r"日"), "day"),
    (re.compile(r"時間"), "h"),
    (re.compile(r"本|台|灯|個|件"), "dimensionless"),
    (re.compile(r"アール"), "are"),  # 100 m2, as a 森林簿 may give 面積
    (re.compile(r"%"), "percent"),
    (re.compile(r"/\s*([mM])([23])([A-Za-z]+)"), r"/(\1**\2*\3)"),  # W/m2K: W/(m**2*K)
    # m2, m3 (㎡ and ㎥ after NFKC); never the 2 of CO2
    (re.compile(r"(?<![Cc])([a-zA-Z])([23])\b"), r"\1**\2"),
)


def pint_unit(text: str) -> str:
    """An office unit (`㎡`, `m3/ha/年`, `t-CO2/kWh`, `％`) as a pint expression."""
    unit = nfkc(text)
    for pattern, replacement in _UNIT_WORDS:
        unit = pattern.sub(replacement, unit)
    return unit.strip() or "dimensionless"


def distinct(series: pd.Series) -> tuple[npt.NDArray[np.int64], pd.Index]:
    """Codes and distinct values of a column (-1 for blank): work per value, gathered by code."""
    if isinstance(series.dtype, pd.CategoricalDtype):
        own = np.asarray(series.cat.codes, dtype=np.int64)
        return own, pd.Index(series.cat.categories)
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    return np.asarray(codes, dtype=np.int64), pd.Index(uniques)


def gather(
    values: npt.NDArray[np.generic], codes: npt.NDArray[np.int64], blank: object
) -> npt.NDArray[np.generic]:
    """Per-value results back to rows; code -1 (blank) gets `blank`."""
    padded = np.append(values, np.array([blank], dtype=values.dtype))
    out: npt.NDArray[np.generic] = padded[np.where(codes < 0, len(values), codes)]
    return out
