"""Each real thing counted once: rows that repeat an identifier, or one system under two.

A method's contract names its identifier (`columns.Identity`): 番号 for a PV system, 案件番号 and
改修種別 for a renovation measure, 林小班 or 林班 + 小班 + 枝番 for a stand. Within one input,

- two rows with the same identifier and FY (a row without its own FY counts for every FY) are
  one thing entered twice;
- two rows with different identifiers whose `same` columns are all equal (address, owner,
  capacity, date: those the file has, and only when it has an address or an owner) are one
  thing under two identifiers.

Either is refused naming both rows, unless the project says otherwise (`Duplicates`): `first`
counts the first row and drops the repeats (a notice lists them), `keep` counts every row.

A third kind is only suspected: two rows with different identifiers equal in every other column
the file has (its blank columns aside) are a row pasted under a new number, or two households'
identical systems where the file records no address. A notice names both rows; `strict` refuses
them (a genuine twin is told apart by a column that differs: an address, an owner, a note).
Identifiers compare after folding (width, case, spaces, katakana): `太補０１－０００１` is
`太補01-0001`. All of it is vectorised: distinct values are folded once, rows grouped by code.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal, get_args

import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from offset.common.arrow_text import holds_any
from offset.common.messages import Msg
from offset.intake.columns import Identity
from offset.intake.japanese import distinct, folded

Duplicates = Literal["refuse", "first", "keep", "strict"]
DUPLICATES: tuple[str, ...] = get_args(Duplicates)
MAX_VALUE_SHOWN = 40  # characters of an identifier shown in a message


REPEAT, SAME_THING, LOOK_ALIKE = 1, 2, 3


@dataclass(frozen=True)
class Repeats:
    """Rows that repeat an earlier row (`kind` > 0), and which row each repeats (`first`)."""

    frame: pd.DataFrame
    keys: tuple[str, ...]
    compared: tuple[str, ...]
    headers: Mapping[str, str]
    kind: npt.NDArray[np.int8]
    first: npt.NDArray[np.int64]

    @property
    def mask(self) -> npt.NDArray[np.bool_]:
        """The rows that are surely repeats (a look-alike is only suspected)."""
        found: npt.NDArray[np.bool_] = (self.kind > 0) & (self.kind != LOOK_ALIKE)
        return found

    @property
    def look_alike(self) -> npt.NDArray[np.bool_]:
        """The rows equal to an earlier row in every column but the identifier."""
        found: npt.NDArray[np.bool_] = self.kind == LOOK_ALIKE
        return found

    def message(self, i: int, shown_row: Callable[[int], str]) -> Msg:
        """Why row position `i` is a repeat, naming the row it repeats (`shown_row`)."""
        j = int(self.first[i])
        labels = ", ".join(self.headers.get(c, c) for c in self.keys)
        if self.kind[i] == LOOK_ALIKE:
            return Msg("row.look_alike", row=shown_row(j), ids=labels, mine=self._value(i),
                       theirs=self._value(j))  # fmt: skip
        if self.kind[i] == REPEAT:
            return Msg(
                "row.repeats",
                row=shown_row(j),
                what=labels,
                value=self._value(i),
                fy=_fy_text(_fiscal_years(self.frame)[i]),
            )
        return Msg(
            "row.same_thing",
            row=shown_row(j),
            ids=labels,
            mine=self._value(i),
            theirs=self._value(j),
            compared=", ".join(self.headers.get(c, c) for c in self.compared),
        )

    def _value(self, i: int) -> str:
        return " + ".join(_short(self.frame[c].iloc[i]) for c in self.keys)


def key_columns(frame: pd.DataFrame, identity: Identity) -> tuple[str, ...]:
    """The identifier columns the frame has: the first alternative it has any of."""
    for key in identity.keys:
        present = tuple(c for c in key if c in frame)
        if present:
            return present
    return ()


def repeats(
    frame: pd.DataFrame,
    identity: Identity,
    headers: Mapping[str, str],
    read: Sequence[str] = (),
) -> Repeats:
    """The rows of `frame` that repeat an earlier one (its identifier, or the same thing under
    another identifier), and those equal to an earlier one in every column of `read` (the
    columns the file has) but the identifier; `headers` name the columns as the user wrote
    them."""
    n = len(frame)
    kind = np.zeros(n, dtype=np.int8)
    first = np.full(n, -1, dtype=np.int64)
    fy = _fiscal_years(frame)
    keys = key_columns(frame, identity)
    compared: tuple[str, ...] = ()
    if keys:
        ids = _codes(frame, keys)
        found = _first_of_group(ids, fy)
        kind[found >= 0] = REPEAT
        first = found
        if any(c in frame for c in identity.telling):
            compared = tuple(c for c in identity.same if c in frame)
            same = _first_of_group(_codes(frame, compared), fy)
            other = np.flatnonzero((same >= 0) & (kind == 0))
            # the same thing under two identifiers (rows with one identifier are caught above)
            differ = other[(ids[other] != ids[same[other]]).any(axis=1)]
            kind[differ] = SAME_THING
            first[differ] = same[differ]
        alike = _look_alikes(frame, [c for c in read if c in frame and c not in keys])
        pasted = np.flatnonzero((alike >= 0) & (kind == 0))
        pasted = pasted[(ids[pasted] != ids[alike[pasted]]).any(axis=1)]
        kind[pasted] = LOOK_ALIKE
        first[pasted] = alike[pasted]
    return Repeats(frame, keys, compared, headers, kind, first)


def _look_alikes(frame: pd.DataFrame, columns: Sequence[str]) -> npt.NDArray[np.int64]:
    """For each row, the first row equal to it in every one of `columns` that is not blank
    throughout (a blank cell equals a blank cell); -1 when none, or no column is left. The
    columns are combined one at a time into one code per row (no matrix of every column's
    codes: at 1M rows its copies cost more in page faults than in arithmetic)."""
    group: npt.NDArray[np.int64] | None = None
    for column in columns:
        codes = _column_codes(frame[column])
        filled = codes >= 0
        if not filled.any():
            continue
        codes = np.where(filled, codes, codes.max() + 1)  # blank: a value of its own
        group = codes if group is None else _appended(group, codes)
    if group is None:
        return np.full(len(frame), -1, dtype=np.int64)
    return _first_of_group(group.reshape(-1, 1), np.full(len(frame), np.nan))


def _fiscal_years(frame: pd.DataFrame) -> npt.NDArray[np.float64]:
    if "fy" not in frame:
        return np.full(len(frame), np.nan)
    values: npt.NDArray[np.float64] = frame["fy"].to_numpy(dtype=np.float64, na_value=np.nan)
    return values


def _codes(frame: pd.DataFrame, columns: Sequence[str]) -> npt.NDArray[np.int64]:
    """One integer code per row and column, equal for equal values after folding; -1 blank."""
    out = np.empty((len(frame), len(columns)), dtype=np.int64)
    for k, column in enumerate(columns):
        out[:, k] = _column_codes(frame[column])
    return out


def _column_codes(series: pd.Series) -> npt.NDArray[np.int64]:
    """Text is folded in Arrow (NFKC, lower case, no spaces: 太補０１－０００１ is 太補01-0001),
    never per row in Python; a categorical per category; anything else as it is."""
    if isinstance(series.dtype, pd.CategoricalDtype):
        codes, uniques = distinct(series)
        return _merged(codes, uniques)
    if pd.api.types.infer_dtype(series, skipna=True) in ("string", "empty"):
        try:
            text = pa.array(series, type=pa.string(), from_pandas=True)  # NaN: null
        except (UnicodeEncodeError, pa.ArrowException):  # a lone surrogate: no UTF-8 for Arrow
            return _codes_per_value(series.to_numpy(dtype=object))
        encoded = pc.dictionary_encode(_folded_text(text))
        found: npt.NDArray[np.int64] = (
            pc.fill_null(encoded.indices, -1).to_numpy(zero_copy_only=False).astype(np.int64)
        )
        empty = pc.index(encoded.dictionary, "").as_py()  # a cell of spaces only: blank
        if empty >= 0:
            found[found == empty] = -1
        return found
    values = series.to_numpy()
    if np.issubdtype(values.dtype, np.floating):
        values = np.where(np.isnan(values), np.nan, values + 0.0)  # -0.0 is 0.0
    found, _ = pd.factorize(values, use_na_sentinel=True)
    return np.asarray(found, dtype=np.int64)


def _folded_text(text: pa.Array) -> pa.Array:
    """NFKC, lower case, no white space. ASCII text (most identifiers) is its own NFKC and
    lowers as ASCII; the white-space pattern runs only where a cell has white space."""
    if pc.all(pc.string_is_ascii(text)).as_py() is not False:
        lowered = pc.ascii_lower(text)
        if not holds_any(text, "".join(_ASCII_SPACES)):
            return lowered
    else:
        lowered = pc.utf8_lower(pc.utf8_normalize(text, "NFKC"))
    return pc.replace_substring_regex(lowered, pattern=r"\s+", replacement="")


# what RE2's \s matches in ASCII text
_ASCII_SPACES = (" ", "\t", "\n", "\f", "\r")


def _codes_per_value(values: npt.NDArray[np.object_]) -> npt.NDArray[np.int64]:
    """Codes folded per distinct value in Python: for text Arrow cannot hold."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    return _merged(np.asarray(codes, dtype=np.int64), pd.Index(uniques, dtype=object))


def _merged(codes: npt.NDArray[np.int64], uniques: pd.Index) -> npt.NDArray[np.int64]:
    """Codes of distinct values made equal where the values fold to one."""
    spelled = pd.Index([_folded(u) for u in uniques], dtype=object)
    merged, _ = pd.factorize(spelled)
    out: npt.NDArray[np.int64] = np.append(merged, -1)[codes].astype(np.int64)
    return out


def _folded(value: object) -> object:
    if isinstance(value, str):
        return folded(value)
    if isinstance(value, float | np.floating) and float(value).is_integer():
        return int(value)  # 1 and 1.0 are one identifier
    return value


def _first_of_group(
    codes: npt.NDArray[np.int64], fy: npt.NDArray[np.float64]
) -> npt.NDArray[np.int64]:
    """For each row, the position of the first row with the same codes whose FY overlaps (a row
    without an FY overlaps every FY); -1 for the first of a group and for rows with a blank."""
    n = len(codes)
    first = np.full(n, -1, dtype=np.int64)
    complete = (codes >= 0).all(axis=1) if codes.shape[1] else np.zeros(n, dtype=bool)
    if not complete.any():
        return first
    if complete.all():  # no copy of the codes (a file's rows are mostly complete)
        positions, group = np.arange(n), _combined(codes)
    else:
        positions = np.flatnonzero(complete)
        group = _combined(codes[positions])
    # the same FY: the first row of (group, FY); a group with a row without an FY: its first row
    years = fy[positions]
    blank = np.isnan(years)
    by_group = _first_positions(group, positions)
    if blank.all():  # no row has an FY of its own (a file without an FY column): one pass
        earliest = by_group
    else:
        year_codes = np.where(blank, -1, np.nan_to_num(years, nan=-1.0)).astype(np.int64)
        pair = pd.factorize(group * (int(year_codes.max()) + 2) + (year_codes + 1))[0]
        by_fy = _first_positions(np.asarray(pair, dtype=np.int64), positions)
        group_has_blank = np.bincount(group, weights=blank).astype(bool)[group]
        earliest = np.where(group_has_blank, by_group, by_fy)
    found = earliest.astype(np.int64)
    first[positions] = np.where(found != positions, found, -1)
    return first


_COMBINED_MAX = 1 << 62  # a combined code stays below this: no int64 overflow


def _combined(codes: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """One integer per row for its combination of (non-negative) codes, numbered in the order
    combinations first appear: one hash pass over the rows for most files, where renumbering
    after every column took one per column."""
    group = codes[:, 0]
    for k in range(1, codes.shape[1]):
        group = _appended(group, codes[:, k])
    if _numbered_as_they_appear(group):  # an identifier's dictionary codes: already so
        return np.asarray(group, dtype=np.int64)
    return np.asarray(pd.factorize(group)[0], dtype=np.int64)


def _numbered_as_they_appear(group: npt.NDArray[np.int64]) -> bool:
    """Whether `group` numbers its values as they first appear (0 first, each new one one
    above the highest so far), as factorising it would: one pass, not a hash of every row."""
    if len(group) == 0:
        return True
    highest = np.maximum.accumulate(group)
    return bool(group[0] == 0 and (group[1:] <= highest[:-1] + 1).all())


def _appended(group: npt.NDArray[np.int64], codes: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """`codes` (non-negative) as one more digit of `group`'s numbers (mixed radix), `group`
    renumbered (factorised) first only when the digit could overflow int64."""
    width = int(codes.max()) + 1
    if (int(group.max()) + 1) * width >= _COMBINED_MAX:
        group = np.asarray(pd.factorize(group)[0], dtype=np.int64)
    combined: npt.NDArray[np.int64] = group * width + codes
    return combined


def _first_positions(
    group: npt.NDArray[np.int64], positions: npt.NDArray[np.int64]
) -> npt.NDArray[np.int64]:
    """For each row, the first position of its group; `group` numbers the groups in the order
    they first appear (as `pd.factorize` does): a row is its group's first when its number is
    above every number before it."""
    seen = np.maximum.accumulate(group)
    first = np.r_[True, group[1:] > seen[:-1]] if len(group) else np.zeros(0, dtype=bool)
    first_of_group = positions[first]  # the k-th first row opens group k
    found: npt.NDArray[np.int64] = first_of_group[group]
    return found


def _short(value: object) -> str:
    text = str(value)
    return text if len(text) <= MAX_VALUE_SHOWN else text[: MAX_VALUE_SHOWN - 1] + "…"


def _fy_text(fy: float) -> str:
    return "" if np.isnan(fy) else f", FY{int(fy)}"
