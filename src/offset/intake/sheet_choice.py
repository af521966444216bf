"""Which sheets of a workbook an input is, and the FY a sheet's name gives its rows.

A workbook kept one sheet per FY (R4, R5, R6, 集計) is read as those FYs' rows: a sheet named for
an FY (`R6`, `令和6年度`, `2024年度`, `FY2024`, `2024`) is that FY's, its rows get that FY unless
they give their own (which must agree). Without `--sheet`:

- a workbook with FY sheets is read as all of them, or with `--fy` as that FY's sheet alone (a
  workbook without one for the FY is refused, naming those it has);
- any other workbook is read as its first sheet (a notice names the others).

`--sheet` takes one name, several, or `all` (every sheet with a header offset knows; a sheet of
another FY than `--fy` is left out, said in a notice); naming an FY sheet of another FY than
`--fy` is refused (computing sheet R4 as FY2024).

A hidden sheet (one the person who keeps the list does not see) is read only when `--sheet`
names it: the default and `all` leave it out, and a notice names it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from offset.common.messages import Msg
from offset.intake.dates import to_year
from offset.intake.japanese import nfkc

ALL = "all"
_FY_PREFIX = re.compile(r"^(?:FY|ＦＹ)\s*", re.IGNORECASE)
_FY_SUFFIX = re.compile(r"\s*(?:FY|分|実績)$", re.IGNORECASE)


def sheet_fy(name: str) -> int | None:
    """The FY a sheet's name gives (R6, 令和6年度, 2024年度, FY2024, 2024), else None."""
    text = _FY_SUFFIX.sub("", _FY_PREFIX.sub("", nfkc(name)))
    if not text or not re.search(r"\d", text):
        return None
    found = to_year(text)
    if isinstance(found, int) and 1990 <= found <= 2100:
        return found
    return None


@dataclass(frozen=True)
class Choice:
    """The sheets to read, each with the FY its name gives (None: no FY), and why."""

    sheets: tuple[tuple[str, int | None], ...]
    notices: tuple[Msg, ...] = ()
    problem: Msg | None = None  # the request cannot be met
    every: bool = False  # `all`: sheets without a known header are left out, not refused


def choose(
    names: Sequence[str],
    requested: Sequence[str] | None,
    fy: int | None,
    hidden: Sequence[str] = (),
) -> Choice:
    """The sheets of a workbook with `names` that `requested` (None: the default) means;
    `hidden` (of `names`) are read only when named."""
    named = requested is not None and not (len(requested) == 1 and _is_all(requested, names))
    if not hidden or named:
        return _choose(names, requested, fy)
    visible = [n for n in names if n not in hidden]
    if not visible:
        return Choice((), problem=Msg("file.only_hidden_sheets", sheets=", ".join(hidden)))
    chosen = _choose(visible, requested, fy)
    notice = Msg("notice.hidden_sheets", sheets=", ".join(hidden))
    return Choice(chosen.sheets, (*chosen.notices, notice), chosen.problem, chosen.every)


def _is_all(requested: Sequence[str], names: Sequence[str]) -> bool:
    return requested[0].strip().lower() == ALL and ALL not in names


def _choose(names: Sequence[str], requested: Sequence[str] | None, fy: int | None) -> Choice:
    years = {name: sheet_fy(name) for name in names}
    fy_sheets = [n for n in names if years[n] is not None]
    if requested is None:
        if not fy_sheets:
            notices: tuple[Msg, ...] = ()
            if len(names) > 1:
                notices = (Msg("notice.sheet", sheet=names[0], sheets=", ".join(names)),)
            return Choice(((names[0], None),), notices)
        if fy is not None:
            chosen = [n for n in fy_sheets if years[n] == fy]
            if not chosen:
                return Choice(
                    (), problem=Msg("file.no_fy_sheet", fy=fy, sheets=_listed(fy_sheets, years))
                )
            return Choice(tuple((n, fy) for n in chosen))
        notice = Msg("notice.fy_sheets", sheets=_listed(fy_sheets, years))
        return Choice(tuple((n, years[n]) for n in fy_sheets), (notice,))
    if len(requested) == 1 and _is_all(requested, names):
        chosen = [n for n in names if fy is None or years[n] in (None, fy)]
        skipped = [n for n in names if n not in chosen]
        notices = ()
        if skipped:
            notices = (Msg("notice.other_fy_sheets", sheets=_listed(skipped, years), fy=fy),)
        return Choice(tuple((n, years[n]) for n in chosen), notices, every=True)
    missing = [n for n in requested if n not in names]
    if missing:
        problem = Msg("file.no_sheet", sheet=", ".join(missing), sheets=", ".join(names))
        return Choice((), problem=problem)
    wrong = [n for n in requested if fy is not None and years[n] not in (None, fy)]
    if wrong:
        return Choice(
            (), problem=Msg("file.sheet_of_other_fy", sheets=_listed(wrong, years), fy=fy)
        )
    return Choice(tuple((n, years[n]) for n in dict.fromkeys(requested)))


def _listed(sheets: Sequence[str], years: dict[str, int | None]) -> str:
    return ", ".join(f"{n} (FY{years[n]})" if years[n] else n for n in sheets)
