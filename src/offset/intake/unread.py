"""The columns of a file that the intake does not read, named, so that none vanishes silently.

A column whose header names no input column of the method (`headers.Matcher`) is listed in a
notice of its file and sheet (`conversion.check`, which a file's table and a frame passed in code
both go through), with its letter and header; a column of values under no header is
listed too. Where an unread header is close to a known one (`Matcher.meant`: 電気事業社 for
電気事業者, `suplier`) and that column is read from no other header, a notice says which column
it probably meant and how to have it read. A run repeats these notices among its warnings
(`KEYS`), since a supplier column left unread puts every row on the national average.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from offset.common.messages import Msg
from offset.intake.headers import Match, Matcher

KEYS = frozenset({"notice.unread_columns", "notice.unread_meant", "notice.unnamed_columns"})


def unread(
    headers: Sequence[str],
    matcher: Matcher,
    where: str | Msg,
    positions: Sequence[int] = (),
) -> tuple[Msg, ...]:
    """The notices naming the columns `matcher` reads as no input column, of a table with
    `headers` (`where`: its file, or its file and sheet; `positions`: each column's place in
    its sheet, whose letter the notice gives; none for a frame or a Parquet file)."""
    letters = [_letters(p) for p in positions] or [""] * len(headers)
    read: set[str] = set()
    named: list[tuple[str, str]] = []  # (letter, header) of the columns not read
    unnamed: list[str] = []  # letters of the columns with values under no header
    for letter, header in zip(letters, headers, strict=True):
        match = matcher.match(header)
        if isinstance(match, Match):
            read.add(match.column.name)
        elif match is None and letter and header == f"({letter})":  # `layout` names it so
            unnamed.append(letter)
        elif match is None:
            named.append((letter, header))
    notices: list[Msg] = []
    if named:
        columns = ", ".join(f"{letter} {header}".strip() for letter, header in named)
        notices.append(Msg("notice.unread_columns", where=where, columns=columns))
    for letter, header in named:
        meant = matcher.meant(header)
        if meant is not None and meant.column not in read:
            notices.append(
                Msg("notice.unread_meant", where=where, letter=letter or "-", header=header,
                    meant=meant.header, column=meant.column)
            )  # fmt: skip
    if unnamed:
        notices.append(Msg("notice.unnamed_columns", where=where, letters=", ".join(unnamed)))
    return tuple(notices)


def where(file: str, sheet: str | None) -> str | Msg:
    """A table as the notices name it: its file's name, and its sheet's."""
    name = Path(file).name
    return name if sheet is None else Msg("notice.in_sheet", file=name, sheet=sheet)


def _letters(position: int) -> str:
    """A spreadsheet column's letters (0: A, 26: AA)."""
    out = ""
    number = position + 1
    while number:
        number, rest = divmod(number - 1, 26)
        out = chr(ord("A") + rest) + out
    return out
