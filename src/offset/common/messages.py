"""What offset tells a user about their input, in English and Japanese: the one catalogue.

A message is a :class:`Msg`: a ``str`` holding the English text (so code, logs and tests that read
messages as text keep working), which also knows its key and parameters and renders itself in
Japanese. The language of what is printed is chosen once per command (:func:`use`): ``--lang``,
then ``OFFSET_LANG``, then a Japanese locale (``LANG=ja_JP...``), else English.
"""

from __future__ import annotations

import contextvars
import errno
import os
import re
import string
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from functools import lru_cache
from typing import Any, Literal

from offset.common import catalogue
from offset.common.verify_messages import VERIFY

Lang = Literal["en", "ja"]
LANGS: tuple[Lang, ...] = ("en", "ja")

# key: (English, Japanese); {name} placeholders are the same in both.
CATALOGUE: dict[str, tuple[str, str]] = catalogue.joined(*catalogue.PARTS)
CATALOGUE.update(VERIFY)  # `offset ledger verify`'s words, in a module of their own
CATALOGUE.update(
    {
        f"restate.{key}": (
            f"{en} by {{body}} on {{date}}",
            f"{{body}}による{{date}}の審査結果: {ja}",
        )
        for key, (en, ja) in CATALOGUE.items()
        if key.startswith("finding.") and key != "finding.none"
    }
)  # fmt: skip  (a review's result is a word of the message: a stored message nests no deeper)

# The methods' own checks, by their English text (plain strings in the methods): Japanese.
PLAIN: dict[str, str] = {
    "no fiscal year: give --fy or an fy column": "年度がありません: --fy か年度の列を指定してください",
    "the age is stated for an FY that has not begun": "林齢の基準年度がまだ始まっていない年度です",
    "the stand was not yet planted in this FY (its age here would be below 1)": "この年度にはまだ植栽されていません (林齢が1未満になります)",
    "give age_yr, age_class or planted_fy": "林齢か齢級か植栽年度を入れてください",
    "a share below 1 needs a second species (species_2, or スギ・ヒノキ in the species cell)": "1未満の樹種比率には第2樹種が要ります (混交樹種の列か、樹種欄に「スギ・ヒノキ」の形で)",
    "planted after the FY": "植栽年度が算定年度より後です",
    "give the FY of the earlier stock (前回調査年度)": "前回蓄積の年度 (前回調査年度) を入れてください",
    "give the stock now (蓄積) beside the earlier one": "前回蓄積と並べて今の蓄積を入れてください",
    "the earlier stock's FY must be before the stock's (基準年度, else the FY)": "前回調査年度は蓄積の年度 (基準年度、なければ算定年度) より前にしてください",
    "must be above 0": "0 より大きくしてください",
    "no emission factor for this row's carrier and FY": "この行のエネルギー種別と年度の排出係数がありません",
    "no emission factor for this carrier and FY": "このエネルギー種別と年度の排出係数がありません",
    "give ua_after_w_m2k, or target_grade with climate_zone or prefecture": "改修後UA値か、断熱等性能等級と地域区分 (または都道府県) を入れてください",
    "UA after is above UA before": "改修後UA値が改修前UA値より大きくなっています",
    "give hdd_kday or a known location": "暖房度日か、既知の観測地点を入れてください",
    "give a positive heating_efficiency or a known heating_appliance": "正の暖房効率か、既知の暖房機器を入れてください",
    "give energy_carrier or a known heating_appliance": "暖房エネルギーか、既知の暖房機器を入れてください",
    "decommissioned on or before the commissioning date": "撤去日が設置日以前です",
    "self-consumption is above metered generation": "自家消費量が実績発電量を上回っています",
    "self-consumption is above the modelled generation: give the metered generation_kwh": "自家消費量が推計発電量を上回っています: 実績の発電量を入れてください",
    "--strict-factors: a factor value of this row is marked unverified": "--strict-factors: この行の係数に未確認 (unverified) の値があります",
    # the fallback steps of factors/tables.toml, by their label (`warn.fallback`'s rule)
    "the same row of an earlier FY's list (stale)": "前年度以前の表の同じ行 (古い係数)",
    "the supplier's company-wide row of an earlier FY's list (stale)": "前年度以前の表の事業者全体の行 (古い係数)",
    "the supplier's company-wide ((参考値)事業者全体) row: no residual row": "事業者全体 ((参考値)事業者全体) の行 (残差の行がないため)",
    "the supplier's residual (残差) row: its menu is not in the list": "事業者の残差の行 (メニューが表にないため)",
    "the 代替値 of the FY: the supplier is not in the FY's list": "その年度の代替値 (事業者がその年度の表にないため)",
    "the national average of the FY's list or an earlier one's (no row and no 代替値 of the FY)": "その年度 (または前年度以前) の表の全国平均 (行も代替値もないため)",
}

_LANG: contextvars.ContextVar[Lang | None] = contextvars.ContextVar("offset_lang", default=None)


def lang_of(value: str | None) -> Lang | None:
    """One of our languages from a code as given (`ja`, `ja_JP`, `EN`), else None."""
    code = (value or "").strip().lower()[:2]
    return "ja" if code == "ja" else "en" if code == "en" else None


def detect(explicit: str | None = None) -> Lang:
    """The language to print in: `explicit`, then OFFSET_LANG, then the locale, then English."""
    for candidate in (explicit, os.environ.get("OFFSET_LANG")):
        if (lang := lang_of(candidate)) is not None:
            return lang
    for variable in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(variable, "")
        if value:
            return "ja" if value.lower().startswith("ja") else "en"
    return "en"


def current() -> Lang:
    return _LANG.get() or detect()


@contextmanager
def use(lang: Lang) -> Iterator[None]:
    token = _LANG.set(lang)
    try:
        yield
    finally:
        _LANG.reset(token)


def set_language(lang: Lang) -> None:
    """Choose the language for the rest of this command (the CLI's entry points)."""
    _LANG.set(lang)


class Msg(str):
    """A catalogued message: the English text as a ``str``, renderable in Japanese."""

    key: str
    params: Mapping[str, object]

    def __new__(cls, key: str, /, **params: object) -> Msg:
        self = super().__new__(cls, _format(key, "en", params))
        self.key = key
        self.params = params
        return self

    def render(self, lang: Lang | None = None) -> str:
        """The message in `lang` (None: the current language), rendered once per language:
        the English text is the message's own (made with it), a message inside another is
        not rendered again for each (a national run's notes hold 100,000 of them)."""
        lang = lang or current()
        if lang == "en":
            return str.__str__(self)
        rendered: dict[str, str] = self.__dict__.setdefault("_rendered", {})
        if lang not in rendered:
            rendered[lang] = _format(self.key, lang, self.params)
        return rendered[lang]

    def __reduce__(self) -> tuple[Any, ...]:
        # A str subclass pickles as its text; a worker process (`verify`) sends the message.
        return (_message, (self.key, dict(self.params)))


def _message(key: str, params: dict[str, object]) -> Msg:
    return Msg(key, **params)


def stored(message: Msg) -> list[Any]:
    """A message as JSON keeps it (in the ledger: a restatement's reasons): `[key, params]`, a
    parameter that is itself a message as `{"msg": [key, params]}`."""
    params = {
        name: {"msg": stored(value)} if isinstance(value, Msg) else value
        for name, value in message.params.items()
    }
    return [message.key, params]


def from_stored(value: Any) -> Msg:
    """The message `stored` kept (KeyError, TypeError or ValueError if it is not one)."""
    key, params = value
    if not isinstance(key, str) or not isinstance(params, dict):
        raise TypeError(value)
    if key == "restate.finding" and isinstance(params.get("finding"), str):  # written before
        params = {k: v for k, v in params.items() if k != "finding"}
        key = f"restate.finding.{value[1]['finding']}"
    return Msg(key, **{
        name: from_stored(item["msg"]) if isinstance(item, dict) and set(item) == {"msg"} else item
        for name, item in params.items()
    })  # fmt: skip


def _format(key: str, lang: Lang, params: Mapping[str, object]) -> str:
    english, japanese = CATALOGUE[key]
    values = {k: visible(localized(v, lang)) for k, v in params.items()}
    if lang == "ja":
        return spaced(japanese, values)
    return english.format(**values)


# A Japanese letter (kana, kanji; not punctuation: 「、。 take no space) and a figure (a number,
# a date, a time: it meets its counter or particle directly, as in 3件, 2024年度).
JAPANESE_LETTER = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff々〆]")
FIGURE = re.compile(r"[-+]?\d[\d,.:/-]*%?(?:, [-+]?\d[\d,.:/-]*%?)*")  # 3-4, 7: a list too
_FORMATTER = string.Formatter()


def spaced(template: str, values: Mapping[str, object]) -> str:
    """A Japanese template filled in, with one space where a field's value begins or ends with
    Latin text (an id, a code, a path) and meets a Japanese letter of the template (DEVELOPERS.md,
    "Japanese text"): a template puts no space between a field and Japanese, since only the
    value tells whether one belongs (松本市を, matsumoto-pv を, 3件). A fiscal year a Japanese
    template writes FY{fy} is written {fy}年度, as the report names it (`japanese_years`)."""
    template = japanese_years(template)
    out: list[str] = []
    latin_end = False  # the last field's value ends with Latin text
    for literal, field, spec, conversion in _FORMATTER.parse(template):
        if latin_end and literal and JAPANESE_LETTER.match(literal[0]):
            out.append(" ")
        out.append(literal)
        latin_end = False
        if field is None:
            continue
        value, _ = _FORMATTER.get_field(field, (), values)
        piece = _FORMATTER.format_field(_FORMATTER.convert_field(value, conversion), spec or "")
        latin = bool(piece) and not FIGURE.fullmatch(piece)
        before = literal[-1:]  # a field right after a field: no space
        if latin and _latin(piece[0]) and JAPANESE_LETTER.match(before):
            out.append(" ")
        out.append(piece)
        latin_end = latin and _latin(piece[-1])
    return "".join(out)


_FY_FIELD = re.compile(r"(?:(?<=[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff々〆]) )?FY(\{[^{}]*\})")


@lru_cache(maxsize=4096)
def japanese_years(template: str) -> str:
    """The one rule for a fiscal year in Japanese: a Japanese template's (one with a Japanese
    letter) `FY{fy}` is `{fy}年度` (and 年度 FY{fy}が is 年度{fy}年度が: no space beside a
    field); an English template, which the dashboard fills through `spaced` too, is unchanged."""
    if "FY{" not in template or not JAPANESE_LETTER.search(template):
        return template
    return _FY_FIELD.sub(r"\1年度", template)


def _latin(character: str) -> bool:
    return "!" <= character <= "~"  # printable ASCII (a control character is no text)


_OS_REASONS: dict[int, str] = {
    errno.ENOENT: "os.not_found",
    errno.EACCES: "os.denied",
    errno.EPERM: "os.denied",
    errno.EISDIR: "os.is_directory",
    errno.ENOTDIR: "os.not_directory",
    errno.EEXIST: "os.exists",
    errno.ENOSPC: "os.no_space",
}


def os_reason(error: OSError) -> str:
    """Why a file could not be used, as a message (the system's own words, which are English
    whatever the locale, when the catalogue does not know the error)."""
    key = _OS_REASONS.get(error.errno or 0)
    return Msg(key) if key else (error.strerror or str(error))


# Control characters a user's text may carry (a NUL of a binary file read as CSV, an escape
# sequence, a bidi override that reorders the line a terminal shows), but a message must not
# echo: each is shown as its escape, \x00. A tab and a line break are left as they are.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def visible(value: object) -> object:
    """A parameter with its control characters escaped: every message's values pass here, the
    one place user text (a header, a cell, a file name) enters a message."""
    if isinstance(value, str) and _CONTROL.search(value):
        return _CONTROL.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), value)
    return value


def localized(value: object, lang: Lang | None = None) -> object:
    """A parameter as `lang` shows it: nested messages render in that language."""
    if isinstance(value, Msg):
        return value.render(lang)
    if isinstance(value, str) and (lang or current()) == "ja":
        return PLAIN.get(value, value)  # a plain English phrase the catalogue knows
    return value


def text(message: str, lang: Lang | None = None) -> str:
    """Any message (catalogued, or a method's plain English) as `lang` shows it."""
    if isinstance(message, Msg):
        return message.render(lang)
    if (lang or current()) == "ja":
        return PLAIN.get(message, message)
    return message
