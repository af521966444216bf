"""Which rows caused a restatement: added, removed, and changed with the fields that changed.

A re-run's results for an FY are compared with the previous run's results file, row by row
identity (the method's identifier: 番号, 案件番号 + 改修種別, 林小班; else the sheet row), on the
input fields both files hold. A row whose figure moved only because a factor did is not listed:
the restatement's reason names the factor tables that changed.

What changed is data (`describe`: plain JSON, flat enough for an issuance's source), kept with
the restatement in the ledger, and said in the reader's language when it is read (`message`,
the catalogue's `changes.` keys; a column by its Japanese header in Japanese).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Hashable, Mapping, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from offset.common.messages import Msg

MAX_LISTED = 10  # rows named per kind of change; the rest are counted
ROW, SHEET = "row", "sheet"
FIGURE = "creditable_tco2e"  # what a row adds to its FY
KINDS = ("added", "removed", "changed")

#: What `describe` returns: per kind, the rows listed (each `{"row", "sheet", "keys": [column,
#: value, ...], "fields": [column, before, after, ...]}`) and how many were not; "ja" holds the
#: columns' Japanese headers.
Changes = dict[str, Any]


def describe(
    before: pd.DataFrame,
    now: pd.DataFrame,
    keys: Sequence[str],
    fields: Sequence[str],
    japanese: Mapping[str, str] | None = None,
    figures: Collection[str] = (),
) -> Changes | None:
    """The rows added, removed and changed between two results files of one (project, FY),
    each named by its row and identifier; None when no row changed. `keys` identify a row
    (empty: its sheet row); `fields` are the input columns compared, `japanese` their Japanese
    headers, `figures` those shown as figures (5,000); the others (a code, a name, a year, a
    date) as the file has them."""
    keys = [k for k in keys if k in before and k in now] or [
        c for c in (SHEET, ROW) if c in before and c in now
    ]
    if not keys:
        return None
    old, new = _keyed(before, keys), _keyed(now, keys)
    # a row added or removed with no figure in this FY (a system not in service yet) caused
    # nothing: naming it would bury the row that did
    added = _counted(new, new.index.difference(old.index))
    removed = _counted(old, old.index.difference(new.index))
    both = new.index.intersection(old.index)
    compared = [f for f in fields if f in old and f in new and f not in keys]
    differs = pd.DataFrame(
        {f: ~_equal(old.loc[both, f], new.loc[both, f]) for f in compared}, index=both
    )
    rows = differs.index[differs.any(axis=1)] if compared else both[:0]
    found = {
        "added": [_where(new, k, keys) for k in added[:MAX_LISTED]],
        "removed": [_where(old, k, keys) for k in removed[:MAX_LISTED]],
        "changed": [
            _where(new, key, keys)
            | {
                "fields": [
                    text
                    for f in compared
                    if differs.at[key, f]
                    for text in (
                        f,
                        _shown(old.at[key, f], f in figures),
                        _shown(new.at[key, f], f in figures),
                    )
                ]
            }
            for key in rows[:MAX_LISTED]
        ],
    }
    counts = {"added": len(added), "removed": len(removed), "changed": len(rows)}
    if not any(counts.values()):
        return None
    named = {c for item in (*found["added"], *found["removed"], *found["changed"])
             for c in (*item["keys"][::2], *item.get("fields", [])[::3])}  # fmt: skip
    more = {f"{kind}_more": counts[kind] - len(found[kind]) for kind in KINDS}
    ja = {c: (japanese or {})[c] for c in sorted(named) if c in (japanese or {})}
    return found | more | {"ja": ja}


def message(changes: Changes) -> Msg:
    """What `describe` found, as a catalogued message (read in either language)."""
    ja: Mapping[str, str] = changes.get("ja") or {}
    parts = []
    for kind in KINDS:
        listed = [_row(item, ja) for item in changes.get(kind) or []]
        if listed:
            more = int(changes.get(f"{kind}_more") or 0)
            shown = _joined(listed, "changes.list")
            if more:
                shown = Msg("changes.more", listed=shown, count=more)
            parts.append(Msg(f"changes.{kind}", rows=shown))
    return _joined(parts, "changes.parts")


# The text an offset before rows were data stored (`restate.rows`): "rows added: row 4
# (system_id c, fy 2015), row R6!5 and 3 more; rows changed: row 2: capacity_kw 70 -> 7".
_PARTS = re.compile(r"; (?=rows (?:added|removed|changed): )")
_PART = re.compile(r"rows (added|removed|changed): (.*?)(?: and (\d+) more)?")
_NEXT_ROW = re.compile(r", (?=row )")
_ROW = re.compile(r"row (\S+?)(?: \(([^()]*)\))?(?:: (.*))?")
_NEXT_FIELD = re.compile(r", (?=\S+ [^,]*? -> )")
_FIELD = re.compile(r"(\S+) (.*?) -> (.*)")
_BLANK = "(blank)"
_SEPARATORS = (", ", " -> ", "; ", "(", ")", ": ")


def from_english(said: str) -> Changes | None:
    """The rows an earlier offset stored as English text, as `describe`'s data (so that they
    are said in the reader's language), or None unless that data says the text again exactly:
    a value holding `, `, ` -> ` or `; ` could be read two ways, and then the text stays as
    stored."""
    found: Changes = {kind: [] for kind in KINDS} | {f"{k}_more": 0 for k in KINDS} | {"ja": {}}
    try:
        for part in _PARTS.split(said):
            kind, listed, more = _whole(_PART, part).groups()
            found[kind] = [_english_row(item, kind) for item in _NEXT_ROW.split(listed)]
            found[f"{kind}_more"] = int(more or 0)
    except ValueError:
        return None
    values = [v for kind in KINDS for item in found[kind]
              for v in (*item["keys"], *item.get("fields", [])) if v is not None]  # fmt: skip
    if any(separator in value for value in values for separator in _SEPARATORS):
        return None  # the text could be read another way: not guessed at
    return found if _english(found) == said else None


def _whole(pattern: re.Pattern[str], text: str) -> re.Match[str]:
    matched = pattern.fullmatch(text)
    if matched is None:
        raise ValueError(text)
    return matched


def _english_row(item: str, kind: str) -> dict[str, Any]:
    place, named, fields = _whole(_ROW, item).groups()
    if (fields is not None) != (kind == "changed"):
        raise ValueError(item)
    sheet, _, row = place.rpartition("!")
    out: dict[str, Any] = {"row": row} | ({"sheet": sheet} if sheet else {})
    pairs = [pair.split(" ", 1) for pair in named.split(", ")] if named else []
    if any(len(pair) != 2 for pair in pairs):
        raise ValueError(item)
    out["keys"] = [text for pair in pairs for text in pair]
    if fields is not None:
        changed = [_whole(_FIELD, field).groups() for field in _NEXT_FIELD.split(fields)]
        out["fields"] = [None if t == _BLANK else t for field in changed for t in field]
    return out


def _english(changes: Changes) -> str:
    """The text an earlier offset wrote for `changes` (`from_english` reads it back)."""
    parts = []
    for kind in KINDS:
        rows = []
        for item in changes[kind]:
            place = f"{item['sheet']}!{item['row']}" if item.get("sheet") else item["row"]
            keys = item["keys"]
            named = ", ".join(f"{k} {v}" for k, v in zip(keys[::2], keys[1::2], strict=True))
            said = f"row {place}" + (f" ({named})" if named else "")
            if kind == "changed":
                fields = item["fields"]
                said += ": " + ", ".join(
                    f"{c} {b or _BLANK} -> {a or _BLANK}"
                    for c, b, a in zip(fields[::3], fields[1::3], fields[2::3], strict=True)
                )
            rows.append(said)
        if rows:
            more = changes[f"{kind}_more"]
            parts.append(f"rows {kind}: " + ", ".join(rows) + (f" and {more} more" if more else ""))
    return "; ".join(parts)


def _counted(frame: pd.DataFrame, keys: pd.Index) -> pd.Index:
    """The rows of `keys` whose figure is not zero (all of them when the file has no figure)."""
    if FIGURE not in frame:
        return keys
    figure = pd.to_numeric(frame.loc[keys, FIGURE], errors="coerce").to_numpy()
    counted: pd.Index = keys[figure != 0]
    return counted


def _keyed(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """The frame indexed by its rows' identity (first row of a repeated identity kept)."""
    index = (
        pd.MultiIndex.from_frame(frame[keys].astype(str))
        if len(keys) > 1
        else pd.Index(frame[keys[0]].astype(str))
    )
    keyed = frame.set_axis(index, axis=0)
    return keyed[~keyed.index.duplicated()]


def _where(frame: pd.DataFrame, key: Hashable, keys: list[str]) -> dict[str, Any]:
    """A row as a reader finds it: its sheet row (and sheet), and its identifier's values."""
    at = frame.index.get_loc(key)
    assert isinstance(at, int)
    row = frame.iloc[at]
    where: dict[str, Any] = {"row": str(row[ROW]) if ROW in frame else "?"}
    if SHEET in frame and str(row[SHEET]):
        where["sheet"] = str(row[SHEET])
    identity = [k for k in keys if k not in (ROW, SHEET)]
    values = key if isinstance(key, tuple) else (key,)
    pairs = zip(identity, values if identity else (), strict=True)
    return where | {"keys": [str(text) for pair in pairs for text in pair]}


def _row(item: Mapping[str, Any], ja: Mapping[str, str]) -> Msg:
    """One row listed: `row 7 (番号 太補01-0001): 容量 5 -> 6` (its fields if it changed)."""
    place = Msg("changes.row", row=item["row"])
    if item.get("sheet"):
        place = Msg("changes.sheet_row", sheet=item["sheet"], row=item["row"])
    keys = list(item.get("keys") or [])
    if keys:
        named = [
            Msg("changes.key", column=c, column_ja=ja.get(c, c), value=v)
            for c, v in zip(keys[::2], keys[1::2], strict=True)
        ]
        place = Msg("changes.named", place=place, named=_joined(named, "changes.list"))
    fields = list(item.get("fields") or [])
    if not fields:
        return place
    changed = [
        Msg("changes.field", column=c, column_ja=ja.get(c, c), before=_blank_shown(b),
            after=_blank_shown(a))
        for c, b, a in zip(fields[::3], fields[1::3], fields[2::3], strict=True)
    ]  # fmt: skip
    return Msg("changes.change", where=place, fields=_joined(changed, "changes.list"))


def _joined(items: Sequence[Msg], key: str) -> Msg:
    """Messages as one (`key`: `{first}, {rest}` in its language's punctuation)."""
    assert items
    joined = items[-1]
    for item in reversed(items[:-1]):
        joined = Msg(key, first=item, rest=joined)
    return joined


def _blank_shown(value: str | None) -> str | Msg:
    return Msg("changes.blank") if value is None else value


def _equal(a: pd.Series, b: pd.Series) -> npt.NDArray[np.bool_]:
    """Elementwise: both blank, the same number (to 1e-9), or the same text."""
    x, y = pd.to_numeric(a, errors="coerce"), pd.to_numeric(b, errors="coerce")
    numbers = x.notna().to_numpy() & y.notna().to_numpy()
    close = np.isclose(x.to_numpy(dtype=float), y.to_numpy(dtype=float), rtol=1e-12, atol=1e-9)
    blank = a.isna().to_numpy() & b.isna().to_numpy()
    text = a.astype(str).to_numpy() == b.astype(str).to_numpy()
    equal: npt.NDArray[np.bool_] = np.where(numbers, close, blank | text)
    return equal


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, float) and np.isnan(value)) or value == ""


def _shown(value: object, figure: bool) -> str | None:
    """A cell as listed (None: blank): a figure with separators, anything else as written."""
    if _blank(value):
        return None
    if not figure:
        return str(value)
    try:
        number = float(str(value))
    except ValueError:
        return str(value)
    return f"{number:,.0f}" if number.is_integer() else f"{number:,.6g}"
