"""Operations as JSON lines (what `offset ledger apply` reads): each line becomes an operation
to parse, or an `Unreadable` that the ledger answers with its code. No input ends in a
traceback: a line longer than `MAX_LINE_BYTES`, nested deeper than `MAX_DEPTH`, with a number
of more than `MAX_DIGITS` digits or with NaN or Infinity is answered like any other bad line.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Final

MAX_LINE_BYTES: Final = 65_536
MAX_DEPTH: Final = 16
MAX_DIGITS: Final = 30  # longer numbers read as +-10**30: past every bound the ledger checks
_HUGE: Final = 10**MAX_DIGITS


@dataclass(frozen=True)
class Unreadable:
    """A line that is not an operation: the ledger answers it with `code`."""

    label: str
    code: str
    message: str


class NotUtf8(Exception):
    """A file that is not UTF-8: nothing of it is applied."""

    def __init__(self, name: str, problems: list[str]) -> None:
        self.problems = problems
        super().__init__(
            f"{name}: not UTF-8 ({'; '.join(problems[:5])}); the ledger reads UTF-8 only"
        )


def _number(digits: str) -> int:
    if len(digits.lstrip("-")) <= MAX_DIGITS:
        return int(digits)
    return -_HUGE if digits.startswith("-") else _HUGE


def _constant(name: str) -> float:
    raise ValueError(f"{name} is not a number JSON allows")


def loads(text: str | bytes) -> object:
    """JSON as the ledger reads it: numbers of more than `MAX_DIGITS` digits as +-10**30 (past
    every bound, so answered `quantity_too_large`, not cut short by Python's 4,300-digit limit);
    NaN and Infinity refused (ValueError)."""
    return json.loads(text, parse_int=_number, parse_constant=_constant)


def _depth(value: object, limit: int) -> bool:
    """`value` is nested no deeper than `limit` levels."""
    if limit < 0:
        return False
    if isinstance(value, dict):
        return all(_depth(v, limit - 1) for v in value.values())
    if isinstance(value, list):
        return all(_depth(v, limit - 1) for v in value)
    return True


def parse_line(line: str, label: str) -> object:
    """A JSON value from one line, or an `Unreadable` saying why not."""
    if len(line.encode("utf-8", "surrogatepass")) > MAX_LINE_BYTES:
        return Unreadable(label, "too_large", f"{label}: longer than {MAX_LINE_BYTES:,} bytes")
    try:
        value = loads(line)
    except RecursionError:
        return Unreadable(label, "too_large", f"{label}: nested deeper than {MAX_DEPTH} levels")
    except ValueError as e:  # JSONDecodeError included
        return Unreadable(label, "invalid_operation", f"{label}: not JSON ({e})")
    if not _depth(value, MAX_DEPTH):
        return Unreadable(label, "too_large", f"{label}: nested deeper than {MAX_DEPTH} levels")
    return value


def read_lines(data: bytes, name: str) -> list[object]:
    """Every operation line of a file (blank lines and `#` comments skipped), each numbered as
    an editor numbers it. Lines split at newlines only: U+2028 or NEL inside a JSON string is
    part of the string."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    raw_lines = data.split(b"\n")
    problems = []
    texts = []
    for number, raw in enumerate(raw_lines, start=1):
        try:
            texts.append(raw.decode("utf-8").removesuffix("\r"))
        except UnicodeDecodeError as e:
            problems.append(f"line {number}, byte 0x{raw[e.start]:02X} at column {e.start + 1}")
    if problems:
        raise NotUtf8(name, problems)
    return [
        parse_line(line, f"line {number}")
        for number, line in enumerate(texts, start=1)
        if line.strip() and not line.lstrip().startswith("#")
    ]
