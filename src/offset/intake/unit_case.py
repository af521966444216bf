"""Unit symbols as offices type them: `kw`, `KW`, `kwh`, `HA`, `T` read in any case where only one
reading converts to the column's unit (and `a`, an office's are, where an annum does not convert).

pint is right to be case-sensitive (mW and MW, t and T are different units), so a unit is first
read as written; only when that fails (`kw` is no unit; `T` is a tesla, not a tonne) is every
spelling in other cases tried, symbol by symbol. If the readings that convert to the column's
dimension agree, that reading is taken; if they disagree (`mw`: milliwatt or megawatt), the cell is
refused naming both.
"""

from __future__ import annotations

import functools
import itertools
import re

from offset import units

_SYMBOL = re.compile(r"[A-Za-z][A-Za-z0-9_]*")
MAX_SYMBOL_LETTERS = 6  # longer words (dimensionless, percent) are only read as written
MAX_READINGS = 256  # a limit on the spellings tried for one unit
# what an office means by a symbol pint reads otherwise, tried as its other spellings are:
# 面積(a) is in ares (pint's a is an annum, which stays the reading where a year converts)
OFFICE_READINGS = {"a": ("are",)}


@functools.cache
def read_unit(expression: str, target: str) -> str | tuple[str, ...]:
    """`expression` as pint reads it in the unit of `target`: itself when it converts, else the
    one spelling in other cases that does; a tuple of the readings when they disagree (empty:
    none converts). Raises nothing."""
    if _converts(expression, target):
        return expression
    symbols = list(_SYMBOL.finditer(expression))
    choices = [_spellings(m.group(0)) for m in symbols]
    readings: dict[float, str] = {}
    for combination in itertools.islice(itertools.product(*choices), MAX_READINGS):
        pieces, last = [], 0
        for match, spelled in zip(symbols, combination, strict=True):
            pieces += [expression[last : match.start()], spelled]
            last = match.end()
        candidate = "".join([*pieces, expression[last:]])
        if candidate != expression and _converts(candidate, target):
            readings.setdefault(units.scale(candidate, target), candidate)
    if len(readings) == 1:
        return next(iter(readings.values()))
    return tuple(readings.values())


def _converts(expression: str, target: str) -> bool:
    try:
        units.scale(expression, target)
    except units.UnitError:
        return False
    return True


@functools.cache
def _spellings(symbol: str) -> tuple[str, ...]:
    """The spellings of `symbol` in every case that the registry defines (itself first)."""
    if len(symbol) > MAX_SYMBOL_LETTERS or not symbol.isalpha():
        return (symbol,)
    variants = {
        "".join(letters) for letters in itertools.product(*((c.lower(), c.upper()) for c in symbol))
    }
    known = [v for v in sorted(variants) if _defined(v)]
    return tuple(dict.fromkeys([symbol, *known, *OFFICE_READINGS.get(symbol, ())]))


@functools.cache
def _defined(symbol: str) -> bool:
    try:
        units.scale(symbol, symbol)
    except units.UnitError:
        return False
    return True
