"""Hiragana -> Hepburn romaji, for the readings of the municipality table (`municipalities`).

A place name is only ever romanised from its sourced reading (まつもとし), never guessed from its
kanji, so a table of kana is all it takes; the libraries that do more (pykakasi: GPL; cutlet:
MeCab with a dictionary of hundreds of MB) guess readings from kanji, which is what a place name
must not be. Modified Hepburn, as place names are written in English: し shi, ち chi, つ tsu,
ふ fu, じ/ぢ ji, づ zu, を o, っ doubles the next consonant (っち tchi), ん is n (n' before a vowel
or y). Long vowels come in both spellings people write: as the kana spell them (toukyou, oosaka)
and shortened (tokyo, osaka; `plain`); macrons (Tōkyō) are folded to the plain vowel by `key`.
"""

from __future__ import annotations

import re
import unicodedata

_SINGLE = {
    "あ": "a", "い": "i", "う": "u", "え": "e", "お": "o",
    "か": "ka", "き": "ki", "く": "ku", "け": "ke", "こ": "ko",
    "さ": "sa", "し": "shi", "す": "su", "せ": "se", "そ": "so",
    "た": "ta", "ち": "chi", "つ": "tsu", "て": "te", "と": "to",
    "な": "na", "に": "ni", "ぬ": "nu", "ね": "ne", "の": "no",
    "は": "ha", "ひ": "hi", "ふ": "fu", "へ": "he", "ほ": "ho",
    "ま": "ma", "み": "mi", "む": "mu", "め": "me", "も": "mo",
    "や": "ya", "ゆ": "yu", "よ": "yo",
    "ら": "ra", "り": "ri", "る": "ru", "れ": "re", "ろ": "ro",
    "わ": "wa", "ゐ": "i", "ゑ": "e", "を": "o", "ん": "n",
    "が": "ga", "ぎ": "gi", "ぐ": "gu", "げ": "ge", "ご": "go",
    "ざ": "za", "じ": "ji", "ず": "zu", "ぜ": "ze", "ぞ": "zo",
    "だ": "da", "ぢ": "ji", "づ": "zu", "で": "de", "ど": "do",
    "ば": "ba", "び": "bi", "ぶ": "bu", "べ": "be", "ぼ": "bo",
    "ぱ": "pa", "ぴ": "pi", "ぷ": "pu", "ぺ": "pe", "ぽ": "po",
    "ぁ": "a", "ぃ": "i", "ぅ": "u", "ぇ": "e", "ぉ": "o", "ゔ": "vu", "ゖ": "ke", "ゕ": "ka",
}  # fmt: skip
# き + ゃ -> kya; し + ゃ -> sha (the consonant of the i-kana, then the small y-kana's vowel)
_Y_STEMS = {
    "き": "ky", "ぎ": "gy", "し": "sh", "じ": "j", "ち": "ch", "ぢ": "j", "に": "ny",
    "ひ": "hy", "び": "by", "ぴ": "py", "み": "my", "り": "ry",
}  # fmt: skip
_SMALL_Y = {"ゃ": "a", "ゅ": "u", "ょ": "o"}
_VOWELS = frozenset("aeiouy")
_LONG = re.compile(r"ou|oo|uu")
_MACRONS = str.maketrans("āīūēôōâîûêÂĀĪŪĒŌÎÛÊÔ", "aiueooaiueaaiueoiueo")
_NOT_LETTERS = re.compile(r"[^a-z]")


def hepburn(kana: str) -> str:
    """`kana` (hiragana; katakana is folded first) in Hepburn, long vowels as spelled."""
    text = unicodedata.normalize("NFKC", kana)
    text = "".join(chr(ord(c) - 0x60) if "ァ" <= c <= "ヶ" else c for c in text)
    syllables: list[str] = []
    double = False
    position = 0
    while position < len(text):
        char = text[position]
        following = text[position + 1] if position + 1 < len(text) else ""
        if char == "っ":
            double = True
            position += 1
            continue
        if char in _Y_STEMS and following in _SMALL_Y:
            syllable = _Y_STEMS[char] + _SMALL_Y[following]
            position += 2
        elif char == "ー":  # a long mark repeats the vowel before it
            syllable = syllables[-1][-1] if syllables else ""
            position += 1
        else:
            syllable = _SINGLE.get(char, char)
            position += 1
        if double and syllable:
            syllable = ("t" if syllable.startswith("ch") else syllable[0]) + syllable
            double = False
        if syllables and syllables[-1] == "n" and syllable[:1] in _VOWELS and char != "ー":
            syllables[-1] = "n'"
        syllables.append(syllable)
    return "".join(syllables)


def plain(romaji: str) -> str:
    """Long vowels shortened as most English spellings write them: toukyou -> tokyo."""
    return _LONG.sub(lambda m: m.group(0)[0], romaji)


def key(text: str) -> str:
    """A romaji spelling as lookup sees it: lower case letters only, macrons on plain vowels
    (`Chūō-ku` -> `chuoku`, `Shin'onsen` -> `shinonsen`)."""
    folded = unicodedata.normalize("NFKC", text).translate(_MACRONS).lower()
    return _NOT_LETTERS.sub("", folded)
