"""Bad user input, reported all at once: which file, row, column and why."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from offset.common.messages import Lang, Msg, text

#: At most this many problems are listed; the rest are counted (a limit on everything).
MAX_LISTED = 200


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with one input. `row` is the spreadsheet row (the header is row 1);
    `key` is the dotted key of a TOML file (e.g. `projects.ina-forest.data`)."""

    file: str
    row: int | None
    column: str | None
    message: str
    key: str | None = None
    sheet: str | None = None  # the Excel sheet the row is on

    def __str__(self) -> str:
        return self.render()

    def render(self, lang: Lang | None = None) -> str:
        """The problem as a user reads it, in `lang` (default: the command's language)."""
        parts = [self.file]
        if self.sheet is not None:
            parts.append(text(Msg("where.sheet", sheet=self.sheet), lang))
        if self.row is not None:
            parts.append(text(Msg("where.row", row=self.row), lang))
        if self.column is not None:
            parts.append(text(Msg("where.column", column=self.column), lang))
        if self.key is not None:
            parts.append(text(Msg("where.key", key=self.key), lang))
        return f"{', '.join(parts)}: {text(self.message, lang)}"


class InputError(ValueError):
    """The input has problems; nothing was computed or written. `problems` lists them all."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = tuple(sorted(problems, key=_sort_key))
        super().__init__(render(self.problems))


def _sort_key(p: Problem) -> tuple[str, str, int, str, str, str]:
    row = p.row if p.row is not None else -1
    return (p.file, p.sheet or "", row, p.column or "", p.key or "", str(p.message))


def render(problems: Iterable[Problem], limit: int = MAX_LISTED) -> str:
    items = list(problems)
    lines = [str(p) for p in items[:limit]]
    if len(items) > limit:
        lines.append(text(Msg("problems.more", count=len(items) - limit)))
    head = text(Msg("problems.head", count=len(items)))
    return "\n".join([head, *lines])


def after_cells(cells: Sequence[Problem], found: Iterable[Problem]) -> list[Problem]:
    """The reading's problems (`cells`), then the method's (`found`) but those on a cell the
    reading refused already: the method saw that cell blank, and a second line about it (林齢
    '三十' refused, then 'give age_yr, age_class or planted_fy') reads as a second mistake."""
    refused = {(p.file, p.sheet, p.row, p.column) for p in cells if p.row is not None}
    kept = [p for p in found if (p.file, p.sheet, p.row, p.column) not in refused]
    return [*cells, *kept]


def raise_if_any(problems: Sequence[Problem]) -> None:
    if problems:
        raise InputError(problems)
