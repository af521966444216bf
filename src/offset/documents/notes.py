"""The notes a run leaves (the report's 注意事項, the terminal's warnings), in the order a reader
of a ledger's tenth year needs them: those naming no FY first, then the newest FY's; a note that
repeats unchanged in several FYs shown once, naming its FYs (a note whose figures are its FY's,
a stale factor's, a fallback's or unverified values' rows, once with each FY's figures); a
project or an agreement by its title.

The one home of that order: the terminal shows a few notes (`newest_first`), the report all of
them (`grouped`); in a ledger's tenth year the notes of FYs posted long ago, repeated by every
run, would otherwise hide this year's."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise

from offset.common.messages import Lang, Msg, text
from offset.documents.terms import fy_label

# Private-use characters, which no message escapes (a control character it would: `visible`)
_FY = "\ue000fy\ue000"  # stands for the FY while notes of several FYs are compared
_FIGURE = "\ue000figure\ue000"  # stands for a figure of its FY's (`_PER_FY`) likewise


def fy_of(note: str) -> int | None:
    """The FY a note is about (its message's `fy`), or None for a note that names none."""
    fy = getattr(note, "params", {}).get("fy")
    return fy if isinstance(fy, int) and not isinstance(fy, bool) else None


def _order(fy: int | None) -> tuple[bool, int]:
    return (fy is not None, -(fy or 0))


def newest_first(notes: Sequence[str]) -> list[str]:
    """Notes naming no FY first, then the latest FY's; within each, the run's order."""
    return sorted(notes, key=lambda note: _order(fy_of(note)))


@dataclass(frozen=True)
class Note:
    """One line of the notes: the text, the FYs it applies to (newest first; none for a note
    that names no FY) and how many of the run's notes it stands for."""

    text: str
    fys: tuple[int, ...]
    count: int
    kind: str = ""  # a project's note: what kind (`_kind`); "" for any other
    project: str = ""  # a project's note: its project's key


@dataclass(frozen=True)
class Family:
    """Lines of one kind of project note (a prefectural or national run has one per project:
    hundreds of the same kind), shown as one item that opens to all of them; a line of its own
    is a family of one."""

    lines: tuple[Note, ...]

    @property
    def count(self) -> int:
        return sum(line.count for line in self.lines)

    @property
    def projects(self) -> int:
        return len({line.project for line in self.lines})


def families(lines: Sequence[Note], least: int = 5) -> list[Family]:
    """`lines` with each kind of project note (`Note.kind`) that at least `least` projects have
    gathered where its first (newest) line stands; every line kept, in its order. A few
    projects' notes (a 定住自立圏's) stay lines of their own."""
    by_kind: dict[str, list[Note]] = {}
    for line in lines:
        if line.kind:
            by_kind.setdefault(line.kind, []).append(line)
    # each kind's projects counted once (not once per line: a national run's notes are
    # thousands of lines of a few kinds)
    projects = {
        kind: len({member.project for member in members}) for kind, members in by_kind.items()
    }
    out: list[Family] = []
    for line in lines:
        members = by_kind.get(line.kind, []) if line.kind else []
        if projects.get(line.kind, 0) < least:
            out.append(Family((line,)))
        elif line is members[0]:
            out.append(Family(tuple(members)))
    return out


def _kind(note: str) -> str:
    """A project's note's kind: its message's (`warn.project_fy`, `warn.project_input`) inner
    message key, a note of several FYs as one of one FY's ("" for another note, or one whose
    inner note is plain text)."""
    if not isinstance(note, Msg) or note.key not in _PROJECT_NOTES:
        return ""
    inner = note.params.get(_PROJECT_NOTES[note.key])
    return inner.key.removesuffix(".fys") if isinstance(inner, Msg) else ""


def _project(note: str) -> str:
    """A project's note's project key (a titled one's key, `named`); "" for another note."""
    project = note.params.get("project", "") if isinstance(note, Msg) else ""
    if isinstance(project, Msg):
        project = project.params.get("key", "")
    return str(project)


_PROJECT_NOTES = {"warn.project_fy": "warning", "warn.project_input": "notice"}


def grouped(
    notes: Sequence[str], lang: Lang, titles: Mapping[str, Mapping[str, str]] | None = None
) -> list[Note]:
    """The notes as lines in `lang`, newest FY first: notes that differ only in their FY become
    one line naming the FYs (FY2015–FY2018, FY2020), and so do notes whose figures are their
    FY's (a stale factor's rows: `_PER_FY`), the line naming each FY's; none is dropped (the
    counts add up to `len(notes)`), a note repeated within one FY says how many times. A
    project or an agreement is named by its title in `titles` (`named`)."""
    groups: dict[str, list[tuple[int | None, str]]] = {}
    for note in (named(note, titles or {}) for note in notes):
        groups.setdefault(_shape(note, lang), []).append((fy_of(note), note))
    lines = []
    for members in groups.values():
        fys = sorted({fy for fy, _ in members if fy is not None}, reverse=True)
        if len(fys) > 1 or len({text(note, lang) for _, note in members}) > 1:
            span = fy_span(fys, lang)  # several FYs, or one FY's figures said twice
            one = _merged([note for _, note in members], [fy for fy, _ in members])
            said = _with_span(_shape(one, lang), span, lang)
        else:
            said = text(members[0][1], lang)
        if len(members) > max(len(fys), 1):
            said = text(Msg("notes.times", note=said, count=len(members)), lang)
        first = members[0][1]
        lines.append(Note(said, tuple(fys), len(members), _kind(first), _project(first)))
    return sorted(lines, key=lambda line: _order(line.fys[0] if line.fys else None))


def named(note: str, titles: Mapping[str, Mapping[str, str]]) -> str:
    """`note` naming each project and agreement by its title, with its key beside it for an
    auditor (`notes.named`): `titles` by the parameter that names one (`project`,
    `agreement`), then its key; a name without a title stays its key."""
    if not isinstance(note, Msg) or not titles:
        return note
    params: dict[str, object] = {}
    for name, value in note.params.items():
        title = titles.get(name, {}).get(value) if isinstance(value, str) else None
        if isinstance(value, Msg):
            params[name] = named(value, titles)
        elif title and title != value:
            params[name] = Msg("notes.named", title=title, key=value)
        else:
            params[name] = value
    return Msg(note.key, **params)


def _shape(note: str, lang: Lang) -> str:
    """The note in `lang` with its FY (wherever a message inside it names the same FY) left
    open: two notes of the same shape say the same thing of different FYs."""
    fy = fy_of(note)
    if fy is None or not isinstance(note, Msg):
        return text(note, lang)
    return text(_open(note, fy), lang)


def _open(message: Msg, fy: int) -> Msg:
    if message.key in _MERGED:
        return message  # its FYs are its own (`_merged`)
    figures = _PER_FY.get(message.key, ())
    params = {
        name: _FY if name == "fy" and value == fy else _FIGURE if name in figures
        else _open(value, fy) if isinstance(value, Msg) else value
        for name, value in message.params.items()
    }  # fmt: skip
    return Msg(message.key, **params)


def _stale(notes: Sequence[Msg], fys: Sequence[int | None]) -> Msg:
    """Stale-factor notes of several FYs (`warn.stale`) as one: the rows summed, and each FY's
    rows and the year its factor stood in for, oldest FY first."""
    said = {(p["fy"], p["rows"], p["back"], p["wanted"]): p for p in (n.params for n in notes)}
    each = [  # a note repeated: once
        Msg("warn.stale.fy", fy=fy, rows=rows, back=back, wanted=wanted)
        for fy, rows, back, wanted in sorted(said, key=_by_fy)
    ]
    first = notes[0].params
    rows = sum(int(str(p["rows"])) for p in said.values())
    return Msg("warn.stale.fys", rows=rows, factor=first["factor"], column=first["column"],
               each=_each(each))  # fmt: skip


def _fallback(notes: Sequence[Msg], fys: Sequence[int | None]) -> Msg:
    """Fallback notes of several FYs (`warn.fallback`, its FY the note's around it) as one: the
    rows summed, and each FY's rows, oldest FY first."""
    said = sorted({(fy, note.params["rows"]) for fy, note in zip(fys, notes, strict=True)},
                  key=_by_fy)  # fmt: skip
    first = notes[0].params
    rows = sum(int(str(count)) for _, count in said)
    each = [Msg("warn.fallback.fy", fy=fy, rows=count) for fy, count in said]
    return Msg("warn.fallback.fys", rows=rows, column=first["column"], rule=first["rule"],
               each=_each(each))  # fmt: skip


def _unverified(notes: Sequence[Msg], fys: Sequence[int | None]) -> Msg:
    """Unverified-value notes of several FYs (`warn.unverified`, its FY the note's around it)
    as one: the rows summed, and each FY's, oldest FY first."""
    said = sorted({(fy, note.params["count"], note.params["total"])
                   for fy, note in zip(fys, notes, strict=True)}, key=_by_fy)  # fmt: skip
    count = sum(int(str(c)) for _, c, _ in said)
    total = sum(int(str(t)) for _, _, t in said)
    each = [Msg("warn.unverified.fy", fy=fy, count=c, total=t) for fy, c, t in said]
    return Msg("warn.unverified.fys", count=count, total=total, each=_each(each))


def _by_fy(figures: tuple[object, ...]) -> tuple[str, ...]:
    """FY, then rows, in numeric order (a figure as text, padded)."""
    return tuple(str(figure).zfill(12) for figure in figures[:2])


def _each(items: Sequence[Msg]) -> Msg:
    joined = items[-1]
    for earlier in reversed(items[:-1]):
        joined = Msg("warn.stale.and", first=earlier, rest=joined)
    return joined


# A note whose figures are its FY's: the parameters that differ from FY to FY, and how its
# notes of several FYs are said as one (with each FY's figures: none is summed away unsaid).
_PER_FY: dict[str, tuple[str, ...]] = {
    "warn.stale": ("rows", "back", "wanted"),
    "warn.fallback": ("rows",),
    "warn.unverified": ("count", "total"),
}
_MERGE: dict[str, Callable[[Sequence[Msg], Sequence[int | None]], Msg]] = {
    "warn.stale": _stale,
    "warn.fallback": _fallback,
    "warn.unverified": _unverified,
}
_MERGED = frozenset({"warn.stale.fys", "warn.fallback.fys", "warn.unverified.fys"})


def _merged(notes: Sequence[str], fys: Sequence[int | None]) -> str:
    """Notes of one shape (`_shape`) as one note: the first, with each message inside whose
    figures are its FY's (`_PER_FY`) said for all the notes' FYs (`fys`, the notes' own)."""
    first = notes[0]
    if not isinstance(first, Msg) or not all(
        isinstance(note, Msg) and note.key == first.key for note in notes
    ):
        return first
    messages = [note for note in notes if isinstance(note, Msg)]
    if first.key in _MERGE:
        return _MERGE[first.key](messages, fys)
    params = dict(first.params)
    for name, value in first.params.items():
        inner = [(fy, n.params.get(name)) for fy, n in zip(fys, messages, strict=True)]
        if isinstance(value, Msg):
            kept = [(fy, m) for fy, m in inner if isinstance(m, Msg)]
            params[name] = _merged([m for _, m in kept], [fy for fy, _ in kept])
    return Msg(first.key, **params)


def _with_span(shape: str, span: str, lang: Lang) -> str:
    # The catalogue writes an FY as FY2024 or 2024年度: either becomes the span, which names
    # its FYs the same way (FY2015–FY2018, 2015年度～2018年度).
    if _FY not in shape:
        return text(Msg("notes.fys", fys=span, note=shape), lang)
    return shape.replace(f"FY{_FY}", span).replace(f"{_FY}年度", span).replace(_FY, span)


def fy_span(fys: Sequence[int], lang: Lang) -> str:
    """FYs as the report names them, runs of consecutive FYs as one span, oldest first:
    FY2015–FY2018, FY2020 (2015年度～2018年度、2020年度)."""
    years = sorted(set(fys))
    runs: list[list[int]] = [[years[0]]] if years else []
    for before, year in pairwise(years):
        if year == before + 1:
            runs[-1].append(year)
        else:
            runs.append([year])
    said = [_run(run[0], run[-1], lang) for run in runs]
    out = said[-1] if said else ""
    for earlier in reversed(said[:-1]):
        out = text(Msg("notes.and", first=earlier, rest=out), lang)
    return out


def _run(first: int, last: int, lang: Lang) -> str:
    if first == last:
        return fy_label(first, lang)
    return text(Msg("notes.span", first=fy_label(first, lang), last=fy_label(last, lang)), lang)
