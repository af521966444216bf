"""Bad user input, reported all at once: which file, row, column and why."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

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

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f", row {self.row}"
        if self.column is not None:
            where += f", column {self.column!r}"
        if self.key is not None:
            where += f", key {self.key}"
        return f"{where}: {self.message}"


class InputError(ValueError):
    """The input has problems; nothing was computed or written. `problems` lists them all."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = tuple(sorted(problems, key=_sort_key))
        super().__init__(render(self.problems))


def _sort_key(p: Problem) -> tuple[str, int, str, str, str]:
    return (p.file, p.row if p.row is not None else -1, p.column or "", p.key or "", p.message)


def render(problems: Iterable[Problem], limit: int = MAX_LISTED) -> str:
    items = list(problems)
    lines = [str(p) for p in items[:limit]]
    if len(items) > limit:
        lines.append(f"... and {len(items) - limit} more problems")
    head = f"{len(items)} problem{'s' if len(items) != 1 else ''} in the input"
    return "\n".join([head, *lines])


def raise_if_any(problems: Sequence[Problem]) -> None:
    if problems:
        raise InputError(problems)
