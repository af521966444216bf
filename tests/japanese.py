"""Is a text Japanese? What offset prints in `ja` may hold Latin letters only as a key, a code, a
figure, an id, a unit or a URL: never an English phrase.

The rule works on the text as a reader sees it, piece by piece (a line, a table cell, an HTML
element's text): each run of ASCII between Japanese characters is cut into tokens; a token of
letters only (with brackets or punctuation around them) is a word, unless it is a known acronym
(FY, CSV, ...) or unit; any other token (a digit, `_`, `:`, `/`, `-` inside) is an id, key,
figure or unit. Two words in a row, or a
piece that is one capitalised word and nothing else, are English left untranslated.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

URL = re.compile(r"(?:https?|sqlite|postgresql(?:\+\w+)?)://\S+")
CODE = re.compile(r"`[^`]*`")  # a command or SQL, quoted as code
# offset's own commands, named as the reader types them
COMMAND = re.compile(
    r"\boffset (?:ledger|factors|run|calc|serve|programme|columns)(?: [a-z][a-z-]*)?"
)
NON_ASCII = re.compile(r"[^\x00-\x7f]+")
ACRONYMS = frozenset(
    {"FY", "CSV", "PDF", "HTML", "JSON", "QR", "ID", "SHA", "URL", "API", "PV", "UA", "JIS",
     "MOE", "METI", "GHG", "JPY", "RE", "LED", "J", "CO", "IPCC", "AR", "GWP", "OK", "NA"}
)  # fmt: skip
# names Japanese writes in Latin letters: a product's, and the English version's link
PROPER = frozenset({"Excel", "English"})
UNITS = frozenset({"t", "kW", "kWh", "MWh", "GJ", "ha", "m", "kg", "g", "kL", "L", "yr", "seq"})
FIGURE = re.compile(r"^[(]?[-+]?[\d,]+(?:\.\d+)?[%)]?[,.;:]?$")
WORD = re.compile(r"^[(\"'“]*([A-Za-z]+)[)\"'”,.;:!?]*$")


def english(piece: str) -> list[str]:
    """The English phrases in one piece of text (none: it reads as Japanese)."""
    text = COMMAND.sub(" ", CODE.sub(" ", URL.sub(" ", piece))).strip()
    if not text:
        return []
    found = []
    runs = NON_ASCII.split(text)
    for run in runs:
        words: list[str] = []
        for token in run.split():
            word = WORD.match(token)
            if word and _is_word(word[1]):
                words.append(token)
                continue
            if FIGURE.match(token):
                continue  # a figure inside a phrase (`Posted 3 transactions`) is part of it
            if len(words) >= 2:
                found.append(" ".join(words))
            words = []
        if len(words) >= 2:
            found.append(" ".join(words))
    if len(runs) == 1 and not found and _label(text.split()):
        found.append(text)  # a label, a heading or a kind: an English word and nothing else
    return found


def _label(tokens: list[str]) -> bool:
    """Words only (acronyms allowed), one of them capitalised: `Total`, `Solar PV`."""
    letters = [WORD.match(token) for token in tokens]
    if not all(letters):
        return False
    named = [m[1] for m in letters if m is not None and _is_word(m[1])]
    return any(word[:1].isupper() for word in named)


def _is_word(letters: str) -> bool:
    return letters not in ACRONYMS | UNITS | PROPER and len(letters) > 1


def untranslated(pieces: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """Each (where, piece) that holds English, with the phrase found."""
    return [(where, phrase) for where, piece in pieces for phrase in english(piece)]
