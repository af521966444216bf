"""A sheet as an office keeps it -> a table: the header row found, the rows that are not data
dropped, and every drop said.

- The header is the row (among the first ``SEARCH_ROWS``) where most cells name an input
  column; rows above it (a title, a 作成日 line) are skipped.
- A two-row header (システム概要 merged over 太陽電池容量(kW) / メーカー) is flattened: a
  merged upper cell covers the columns to its right until the next upper cell, and each column
  is named by its lower cell where that names a column, else by upper and lower together
  (改修前 over UA値 -> 改修前UA値). The pair is used when it names more columns than one row.
- Blank rows and total rows (合計, 計, 小計, 総計 in one of the first columns, or a label ending
  in one: 松本市 小計, 12林班 計) are dropped.
- In a CSV file, a row with more fields than its header is a problem of that row (a comma
  left unquoted inside a value shifts every cell after it); an Excel sheet's cells beyond the
  header are an unnamed column, `(G)`.

Rows keep the numbers the sheet shows: the frame's index is the sheet row minus 2.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from offset.common.messages import Msg
from offset.common.problems import Problem
from offset.common.rows import spans
from offset.common.sheets import Grid, refuse
from offset.intake.japanese import distinct, folded, header_key, nfkc

SEARCH_ROWS = 30
TOTAL_LABELS = frozenset({"合計", "計", "小計", "総計", "累計", "total", "subtotal", "grandtotal"})
_LABEL_HINT = r"(?i)計|total|ｔｏｔａｌ"
# a label that ends a (sub)total: 松本市 小計, 12林班 計, 12林班計, (計)
_TOTAL_TAIL = re.compile(r"(?:小計|合計|総計|累計|中計)$|(?:^|[\s)\]】』」])計$|^[0-9A-Za-z]\S*計$")
_ENGLISH_TOTAL = re.compile(r"(?i)(?:^|[\s\-:])(?:sub\s*)?total$")
TOTAL_LABEL_COLUMNS = 4  # a total row says so in one of its first cells
INDEX_OFFSET = 2  # sheet row = index + 2 (the header of a plain file is row 1)


@dataclass(frozen=True)
class Table:
    """Data rows under their headers; index + 2 is the row the sheet shows."""

    frame: pd.DataFrame
    file: str
    sheet: str | None
    notices: tuple[Msg, ...]
    problems: tuple[Problem, ...]
    positions: tuple[int, ...] = ()  # each column's place in the sheet (0: column A)
    # (sheet row, header) of the cells that are formulas with no saved value (read as blank)
    uncomputed: frozenset[tuple[int, str]] = frozenset()


def lay_out(grid: Grid, known: Callable[[str], bool]) -> Table:
    cells = grid.cells
    if cells.shape[0] == 0 or cells.shape[1] == 0:
        raise refuse(grid.file, Msg("file.empty"), grid.sheet)
    texts = [[_text(v) for v in row] for row in cells.head(SEARCH_ROWS).itertuples(index=False)]
    header_rows, names = _header(texts, known)
    start = header_rows[-1] + 1
    body = cells.iloc[start:]
    extra: tuple[Problem, ...] = ()
    if grid.sheet is None:  # a CSV file: its header says how many fields a row has
        width = max((j + 1 for j, name in enumerate(names) if name), default=len(names))
        extra = _extra_fields(grid, body, width)
        names = names[:width]
    # one pass over the cells, not one per column: a sheet may claim 16,384 of them
    filled: npt.NDArray[np.bool_] = np.asarray(body.notna().to_numpy().any(axis=0), dtype=bool)
    keep = [j for j, name in enumerate(names) if name or filled[j]]
    names = [names[j] or f"({_letters(j + 1)})" for j in keep]
    frame = body.iloc[:, keep].set_axis(names, axis=1)
    frame.index = body.index - (INDEX_OFFSET - 1)
    blank = frame.isna().to_numpy().all(axis=1) if len(frame) else np.zeros(0, dtype=bool)
    total, label = _totals(frame)
    total &= ~blank
    notices = list(grid.notices)
    columns = ", ".join(n for n in names if known(n))
    two = Msg("notice.two_rows") if len(header_rows) == 2 else ""
    notices.append(Msg("notice.header", row=header_rows[-1] + 1, two=two, columns=columns or "-"))
    title = [r + 1 for r in range(header_rows[0]) if any(texts[r])]
    if title:
        notices.append(Msg("notice.skipped", rows=spans(title), why=Msg("notice.title")))
    rows = frame.index.to_numpy() + INDEX_OFFSET
    if blank.any():
        notices.append(Msg("notice.skipped", rows=spans(rows[blank]), why=Msg("notice.blank")))
    for value in dict.fromkeys(label[total]):
        at = rows[total & (label == value)]
        notices.append(Msg("notice.skipped", rows=spans(at), why=Msg("notice.total", label=value)))
    problems = _duplicates(grid, names, keep) + extra
    kept = frame[~(blank | total)]
    header_of = dict(zip(keep, names, strict=True))
    uncomputed = frozenset(
        (row, header_of[column - 1]) for row, column in grid.uncomputed if column - 1 in header_of
    )  # a few cells of a file a script wrote, not one per row
    return Table(kept, grid.file, grid.sheet, tuple(notices), problems, tuple(keep), uncomputed)


def _extra_fields(grid: Grid, body: pd.DataFrame, width: int) -> tuple[Problem, ...]:
    """A problem for each row of a CSV with values past the header's `width` fields."""
    beyond = body.iloc[:, width:].notna().to_numpy()
    if beyond.size == 0 or not beyond.any():
        return ()
    bad = np.flatnonzero(beyond.any(axis=1))
    # fields in a row: up to its last value past the header
    last = beyond.shape[1] - np.argmax(beyond[bad, ::-1], axis=1)
    rows = body.index.to_numpy()[bad] + 1  # the grid's row i is the file's row i + 1
    return tuple(
        Problem(grid.file, int(row), None, Msg("row.extra_fields", fields=int(width + n),
                                                header=width))
        for row, n in zip(rows, last, strict=True)
    )  # fmt: skip


def _text(value: object) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return ""
    return str(value).strip()


def _header(texts: list[list[str]], known: Callable[[str], bool]) -> tuple[list[int], list[str]]:
    scores = [sum(1 for t in row if t and known(t)) for row in texts]
    if max(scores, default=0) == 0:
        first = next((r for r, row in enumerate(texts) if any(row)), 0)
        return [first], texts[first]
    best = int(np.argmax(scores))
    choice: tuple[int, list[int], list[str]] = (scores[best], [best], texts[best])
    for upper in (best - 1, best):
        if upper >= 0 and upper + 1 < len(texts):
            names = _flatten(texts[upper], texts[upper + 1], known)
            score = sum(1 for n in names if n and known(n))
            if score > choice[0]:
                choice = (score, [upper, upper + 1], names)
    return choice[1], choice[2]


def _flatten(upper: Sequence[str], lower: Sequence[str], known: Callable[[str], bool]) -> list[str]:
    filled, carry = [], ""
    for top, bottom in zip(upper, lower, strict=True):
        carry = top or (carry if bottom else "")
        filled.append(carry)
    names = []
    for top, bottom in zip(filled, lower, strict=True):
        if not bottom or not top:
            names.append(bottom or top)
        elif known(bottom):
            names.append(bottom)
        elif known(top + bottom):
            names.append(top + bottom)
        else:
            names.append(f"{top}/{bottom}")
    return names


def _totals(frame: pd.DataFrame) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.object_]]:
    """Rows labelled as totals in one of their first cells, and the label each shows."""
    total = np.zeros(len(frame), dtype=bool)
    label = np.full(len(frame), "", dtype=object)
    for position in range(min(TOTAL_LABEL_COLUMNS, frame.shape[1])):
        column = frame.iloc[:, position]
        # only cells that could be a label are folded (a column of ids has a value per row)
        maybe = _maybe_label(column.astype("string"))
        if not maybe.any():
            continue
        codes, uniques = distinct(column.where(maybe))
        flags = np.array([isinstance(u, str) and is_total(u) for u in uniques], dtype=bool)
        hit = (codes >= 0) & np.append(flags, False)[codes]
        fresh = hit & ~total
        label[fresh] = np.asarray(uniques, dtype=object)[codes[fresh]]
        total |= hit
    return total, label


def _maybe_label(text: pd.Series) -> npt.NDArray[np.bool_]:
    """The cells `_LABEL_HINT` finds. An Arrow column of ASCII text (identifiers, codes,
    numbers: most columns) holds no 計 nor ｔｏｔａｌ, and there `(?i)total` is `total` in
    the ASCII lower case: Arrow's plainest kernels, about a third of the regex's time."""
    if isinstance(text.dtype, pd.StringDtype) and text.dtype.storage == "pyarrow":
        arrow = pa.chunked_array(text.array.__arrow_array__())
        if pc.all(pc.string_is_ascii(arrow)).as_py() is not False:
            found = pc.fill_null(pc.match_substring(pc.ascii_lower(arrow), "total"), False)
            ascii_hit: npt.NDArray[np.bool_] = np.asarray(
                found.to_numpy(zero_copy_only=False), dtype=bool
            )
            return ascii_hit
    hit: npt.NDArray[np.bool_] = text.str.contains(_LABEL_HINT, regex=True).to_numpy(
        dtype=bool, na_value=False
    )
    return hit


def is_total(label: str) -> bool:
    """A total or subtotal label: 合計, 計, Total, or a label ending in 小計/合計/総計/累計/中計,
    or in 計 after a space or a numbered label (12林班 計, 松本市 小計, 12林班計)."""
    plain = nfkc(label)
    return (
        folded(plain) in TOTAL_LABELS
        or _TOTAL_TAIL.search(plain) is not None
        or _ENGLISH_TOTAL.search(plain) is not None
    )


def _duplicates(grid: Grid, names: list[str], keep: list[int]) -> tuple[Problem, ...]:
    seen: dict[str, list[int]] = {}
    for name, j in zip(names, keep, strict=True):
        seen.setdefault(header_key(name), []).append(j)
    return tuple(
        Problem(
            grid.file,
            None,
            names[keep.index(positions[0])],
            Msg(
                "header.duplicate",
                header=names[keep.index(positions[0])],
                letters=", ".join(_letters(j + 1) for j in positions),
            ),
            sheet=grid.sheet,
        )
        for positions in seen.values()
        if len(positions) > 1
    )


def _letters(column: int) -> str:
    """A spreadsheet column's letters (1: A); openpyxl only when a column needs naming."""
    from openpyxl.utils import get_column_letter

    letters: str = get_column_letter(column)
    return letters
