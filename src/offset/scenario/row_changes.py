"""Which rows caused a restatement: added, removed, and changed with the fields that changed.

A re-run's results for an FY are compared with the previous run's results file, row by row
identity (the method's identifier: 番号, 案件番号 + 改修種別, 林小班; else the sheet row), on the
input fields both files hold. A row whose figure moved only because a factor did is not listed:
the restatement's reason names the factor tables that changed.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence

import numpy as np
import numpy.typing as npt
import pandas as pd

MAX_LISTED = 10  # rows named per kind of change; the rest are counted
ROW, SHEET = "row", "sheet"
FIGURE = "creditable_tco2e"  # what a row adds to its FY


def describe(
    before: pd.DataFrame, now: pd.DataFrame, keys: Sequence[str], fields: Sequence[str]
) -> str:
    """The rows added, removed and changed between two results files of one (project, FY),
    each named by its row and identifier; "" when no row changed. `keys` identify a row
    (empty: its sheet row); `fields` are the input columns compared."""
    keys = [k for k in keys if k in before and k in now] or [
        c for c in (SHEET, ROW) if c in before and c in now
    ]
    if not keys:
        return ""
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
    changes = [
        f"{_where(new, key, keys)}: "
        + ", ".join(
            f"{f} {_shown(old.at[key, f])} -> {_shown(new.at[key, f])}"
            for f in compared
            if differs.at[key, f]
        )
        for key in rows[:MAX_LISTED]
    ]
    parts = []
    if len(added):
        named = [_where(new, k, keys) for k in added[:MAX_LISTED]]
        parts.append("rows added: " + _listed(named, len(added)))
    if len(removed):
        named = [_where(old, k, keys) for k in removed[:MAX_LISTED]]
        parts.append("rows removed: " + _listed(named, len(removed)))
    if len(rows):
        parts.append("rows changed: " + _listed(changes, len(rows)))
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


def _where(frame: pd.DataFrame, key: Hashable, keys: list[str]) -> str:
    """A row as a reader finds it: `row 7 (番号 太補01-0001)`, `row R6!7 (...)` with a sheet."""
    at = frame.index.get_loc(key)
    assert isinstance(at, int)
    row = frame.iloc[at]
    place = str(row[ROW]) if ROW in frame else "?"
    if SHEET in frame and str(row[SHEET]):
        place = f"{row[SHEET]}!{place}"
    identity = [k for k in keys if k not in (ROW, SHEET)]
    if not identity:
        return f"row {place}"
    values = key if isinstance(key, tuple) else (key,)
    named = ", ".join(f"{k} {v}" for k, v in zip(identity, values, strict=True))
    return f"row {place} ({named})"


def _listed(named: list[str], count: int) -> str:
    """The first rows named, the rest counted."""
    shown = ", ".join(named)
    return shown + (f" and {count - len(named)} more" if count > len(named) else "")


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


def _shown(value: object) -> str:
    if _blank(value):
        return "(blank)"
    try:
        number = float(str(value))
    except ValueError:
        return str(value)
    return f"{number:,.0f}" if number.is_integer() else f"{number:,.6g}"
