"""The municipality and prefecture of every row: resolved to one code, filled from the constants of
a file or project, and checked against them.

- Each distinct (municipality, prefecture) pair of a file is resolved once
  (`municipalities.Municipalities.resolve`): `municipality` becomes the 6-digit 団体コード and
  `municipality_name` the official name, so that 202029, 松本市, 松本 and Matsumoto are one
  municipality, named once. A value the list does not know is kept as written (a notice says so).
- Constants (`offset calc --municipality 202029 --prefecture nagano`, a scenario project's
  `municipality`, or its owner's `jis_code`) fill a column the file lacks and its blank cells;
  when binding, a column that is there must agree with them, row by row.
- A row without a prefecture takes it from its municipality's code (the first two digits).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from offset.common.messages import Msg
from offset.common.problems import Problem
from offset.common.rows import spans
from offset.intake.municipalities import UNLISTED, Municipalities, Place
from offset.intake.sheetrows import FIRST_DATA_ROW
from offset.intake.values import Vocabulary

MAX_KEPT_SHOWN = 10  # values kept as written, named in the notice; the rest are counted
Listed = Callable[[npt.NDArray[np.bool_], str, Callable[[int], str]], list[Problem]]


@dataclass(frozen=True)
class Constants:
    """What holds for every row of a file: its municipality and prefecture, and where that was
    said (`where`: `--municipality`, `projects.pv.municipality`, ...). When `binding`, a column
    the file has must agree; else the constants only fill what is missing (an owner's code)."""

    municipality: str | None = None
    prefecture: str | None = None
    where: str = "--municipality"
    prefecture_where: str = "--prefecture"
    binding: bool = True
    pooled: bool = False  # other towns' rows are the project's on purpose: no notice

    @property
    def given(self) -> bool:
        return self.municipality is not None or self.prefecture is not None


@dataclass(frozen=True)
class Settled:
    """The columns settled, and what was found on the way."""

    columns: dict[str, pd.Series]
    problems: list[Problem]
    notices: list[Msg]
    # rows left without a prefecture, where the method needs one (None: it does not)
    no_prefecture: npt.NDArray[np.bool_] | None = None


def settle(
    out: Mapping[str, object],
    index: pd.Index,
    file: str,
    listed: Listed,
    headers: Mapping[str, str],
    table: Municipalities,
    prefectures: Vocabulary | None,
    constants: Constants,
    prefecture_required: bool,
    unreadable_prefecture: npt.NDArray[np.bool_] | None = None,
) -> Settled:
    """`municipality`, `municipality_name` and `prefecture` for every row of `out`; rows whose
    prefecture cell was refused (`unreadable_prefecture`) get no second problem for it."""
    n = len(index)
    problems: list[Problem] = []
    notices: list[Msg] = []
    codes = dict(prefectures.codes) if prefectures is not None else {}
    by_code = {code: key for key, code in codes.items()}

    fixed_prefecture: str | None = None
    if constants.prefecture is not None:
        fixed_prefecture = prefectures.resolve(constants.prefecture) if prefectures else None
        if fixed_prefecture is None:
            message = Msg("constant.unknown_prefecture", value=constants.prefecture)
            problems.append(Problem(file, None, None, message, key=constants.prefecture_where))
    fixed_place: Place | None = None
    if constants.municipality is not None:
        found = table.resolve(constants.municipality, codes.get(fixed_prefecture or ""))
        fixed_place = found.place
        if fixed_place is None:
            message = found.message or Msg(
                "constant.unknown_municipality", value=constants.municipality, edition=table.edition
            )
            problems.append(Problem(file, None, None, message, key=constants.where))
        elif fixed_prefecture is None and fixed_place.prefecture_code in by_code:
            fixed_prefecture = by_code[fixed_place.prefecture_code]

    prefecture = _categorical(out.get("prefecture"), n, index)
    if fixed_prefecture is not None and constants.binding:
        if "prefecture" in out:
            given = prefecture.notna().to_numpy() & (prefecture != fixed_prefecture).to_numpy()
            header = headers.get("prefecture", "prefecture")
            values = prefecture.astype(object).to_numpy()
            where = _shown(prefectures, fixed_prefecture)
            problems += listed(given, header, lambda i: Msg(
                "value.prefecture_disagrees", value=_shown(prefectures, values[i]),
                fixed=where, where=constants.prefecture_where,
            ))  # fmt: skip
        prefecture = _fill(prefecture, fixed_prefecture)
        if "prefecture" not in out:
            notices.append(Msg("notice.constant", column=Msg("what.prefecture"),
                               value=_shown(prefectures, fixed_prefecture),
                               where=constants.prefecture_where))  # fmt: skip

    columns: dict[str, pd.Series] = {}
    municipality = out.get("municipality")
    if isinstance(municipality, pd.Series):
        pairs = _resolve(municipality, _prefecture_codes(prefecture, codes), table)
        header = headers.get("municipality", "municipality")
        refused = pairs.rows([m is not None for m in pairs.messages])
        said = refused if unreadable_prefecture is None else refused & ~unreadable_prefecture
        problems += listed(said, header, lambda i: _message(pairs, i))
        if fixed_place is not None:
            if constants.binding:
                other = pairs.rows([p is not None and p.code != fixed_place.code
                                    for p in pairs.places])  # fmt: skip

                def disagrees(i: int, fixed: Place = fixed_place) -> str:
                    found = pairs.places[pairs.inverse[i]]
                    assert found is not None
                    return Msg("value.municipality_disagrees",
                               value=pairs.written[pairs.inverse[i]], found=found.shown,
                               fixed=fixed.shown, where=constants.where)  # fmt: skip

                problems += listed(other, header, disagrees)
            elif not constants.pooled:
                notices += _other_towns(pairs, fixed_place, index, constants.where)
            pairs = pairs.filled(fixed_place)
        if pairs.kept:
            shown = ", ".join(pairs.kept[:MAX_KEPT_SHOWN])
            if len(pairs.kept) > MAX_KEPT_SHOWN:
                shown += f" (+{len(pairs.kept) - MAX_KEPT_SHOWN})"
            notices.append(
                Msg("notice.municipality_as_written", edition=table.edition, values=shown)
            )
        columns["municipality"] = pairs.column(lambda p, w: p.code if p else w, index)
        columns["municipality_name"] = pairs.column(lambda p, w: p.name if p else w, index)
    elif fixed_place is not None:
        columns["municipality"] = _constant(fixed_place.code, n, index)
        columns["municipality_name"] = _constant(fixed_place.name, n, index)
        notices.append(Msg("notice.constant", column=Msg("what.municipality"),
                           value=fixed_place.shown, where=constants.where))  # fmt: skip

    if "municipality" in columns and by_code:
        prefecture = _from_codes(prefecture, columns["municipality"], by_code)
    if fixed_prefecture is not None and not constants.binding and prefecture.isna().any():
        prefecture = _fill(prefecture, fixed_prefecture)  # a default: what nothing else gave
    no_prefecture = None
    if "prefecture" in out or fixed_prefecture is not None or prefecture.notna().any():
        columns["prefecture"] = prefecture
    if prefecture_required:  # rows whose prefecture is blank and not known from their code
        no_prefecture = prefecture.isna().to_numpy().copy()
        if unreadable_prefecture is not None:
            no_prefecture &= ~unreadable_prefecture  # already refused as written
    return Settled(columns, problems, notices, no_prefecture)


def _other_towns(pairs: Pairs, owner: Place, index: pd.Index, where: str) -> list[Msg]:
    """A notice naming the rows of other municipalities than the owner's (a default, not
    binding): their reductions are credited to the owner, which a user should know (a file of
    several towns takes each town's rows with `rows = { municipality = ... }`)."""
    other = [p for p in pairs.places if p is not None and p.code != owner.code]
    if not other:
        return []
    hit = pairs.rows([p is not None and p.code != owner.code for p in pairs.places])
    rows = np.asarray(index, dtype=np.int64)[hit] + FIRST_DATA_ROW
    towns = list(dict.fromkeys(p.shown for p in other))
    named = ", ".join(towns[:MAX_KEPT_SHOWN])
    if len(towns) > MAX_KEPT_SHOWN:
        named += f" (+{len(towns) - MAX_KEPT_SHOWN})"
    return [Msg("notice.other_municipality", rows=_some(rows), towns=named,
                owner=owner.shown, where=where)]  # fmt: skip


MAX_SPANS_SHOWN = 10  # row ranges a notice names; a pooled area's file may have thousands


def _some(rows: npt.NDArray[np.int64]) -> str:
    """The rows as ranges, the first few named and the rest counted: "3-5, 9 (+120 rows)"."""
    breaks = np.flatnonzero(np.diff(rows) != 1)
    if len(breaks) < MAX_SPANS_SHOWN:
        return spans(rows)
    shown = rows[: breaks[MAX_SPANS_SHOWN - 1] + 1]
    return f"{spans(shown)} (+{len(rows) - len(shown)})"


def _message(pairs: Pairs, i: int) -> str:
    """The message of row position `i`'s pair, as a Msg (rendered in the reader's language)."""
    message = pairs.messages[int(pairs.inverse[i])]
    assert message is not None
    return message


def _shown(prefectures: Vocabulary | None, key: object) -> str:
    if prefectures is None:
        return str(key)
    return prefectures.names.get(str(key), str(key))


def _categorical(series: object, n: int, index: pd.Index) -> pd.Series:
    if isinstance(series, pd.Series):
        return (
            series if isinstance(series.dtype, pd.CategoricalDtype) else series.astype("category")
        )
    empty = pd.Categorical.from_codes(np.full(n, -1), categories=pd.Index([], dtype=object))
    return pd.Series(empty, index=index)


def _fill(series: pd.Series, value: str) -> pd.Series:
    if value not in series.cat.categories:
        series = series.cat.add_categories([value])
    return series.fillna(value)


def _constant(value: str, n: int, index: pd.Index) -> pd.Series:
    single = pd.Categorical.from_codes(np.zeros(n, dtype=np.int8), categories=pd.Index([value]))
    return pd.Series(single, index=index)


def _prefecture_codes(prefecture: pd.Series, codes: Mapping[str, str]) -> npt.NDArray[np.object_]:
    """The JIS code of each row's prefecture ("" when it has none), gathered per category."""
    per_category = np.array([codes.get(str(c), "") for c in prefecture.cat.categories] + [""],
                            dtype=object)  # fmt: skip
    found: npt.NDArray[np.object_] = per_category[prefecture.cat.codes.to_numpy()]
    return found


@dataclass(frozen=True)
class Pairs:
    """The distinct (municipality, prefecture) pairs of a column, each resolved once, and which
    pair each row is (`inverse`): per-pair results are gathered to rows, never computed per row."""

    inverse: npt.NDArray[np.intp]
    written: list[str | None]  # the value as written (None: blank)
    places: list[Place | None]
    messages: list[Msg | None]
    kept: list[str]  # distinct values kept as written

    def rows(self, per_pair: list[bool]) -> npt.NDArray[np.bool_]:
        """A per-pair flag for every row."""
        flags: npt.NDArray[np.bool_] = np.asarray(per_pair, dtype=bool)[self.inverse]
        return flags

    def filled(self, place: Place) -> Pairs:
        """Blank cells (not refused ones) as `place`."""
        places = [place if w is None else p for p, w in zip(self.places, self.written,
                                                            strict=True)]  # fmt: skip
        return Pairs(self.inverse, self.written, places, self.messages, self.kept)

    def column(
        self, value: Callable[[Place | None, str | None], str | None], index: pd.Index
    ) -> pd.Series:
        """A categorical of `value(place, written)` per pair, gathered to rows."""
        per_pair = [value(p, w) for p, w in zip(self.places, self.written, strict=True)]
        codes, categories = pd.factorize(  # sorted: the groups never depend on row order
            pd.Index(per_pair, dtype=object), sort=True, use_na_sentinel=True
        )
        rows = np.append(codes, -1)[self.inverse]
        return pd.Series(pd.Categorical.from_codes(rows, categories=categories), index=index)


def _resolve(
    municipality: pd.Series, row_codes: npt.NDArray[np.object_], table: Municipalities
) -> Pairs:
    categories = list(municipality.cat.categories)
    codes = municipality.cat.codes.to_numpy().astype(np.int64)
    prefecture_ids, prefecture_codes = pd.factorize(row_codes)
    keys = codes * (len(prefecture_codes) + 1) + prefecture_ids
    first, inverse = unique_rows(keys)
    written: list[str | None] = []
    places: list[Place | None] = []
    messages: list[Msg | None] = []
    kept: list[str] = []
    for row in first:  # one representative row per pair
        code = int(codes[row])
        if code < 0:
            written.append(None)
            places.append(None)
            messages.append(None)
            continue
        found = table.resolve(categories[code], row_codes[row] or None)
        written.append(str(categories[code]))
        places.append(found.place)
        messages.append(found.message)
        unlisted = found.place is not None and found.place.kind == UNLISTED
        if (found.place is None and found.message is None) or unlisted:
            kept.append(str(categories[code]))
    return Pairs(
        inverse.reshape(-1),
        written,
        places,
        messages,
        list(dict.fromkeys(kept)),
    )


def unique_rows(
    keys: npt.NDArray[np.int64],
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """`np.unique(keys, return_index=True, return_inverse=True)[1:]` by one hash pass over the
    rows (`pd.factorize`) and a sort of the few distinct keys only, not of every row's."""
    codes, uniques = pd.factorize(keys)
    codes = np.asarray(codes, dtype=np.int64)
    opens = np.r_[True, codes[1:] > np.maximum.accumulate(codes)[:-1]] if len(codes) else codes
    firsts = np.flatnonzero(opens)  # factorize numbers keys as they first appear
    order = np.argsort(np.asarray(uniques), kind="stable")
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order))
    first: npt.NDArray[np.int64] = firsts[order]
    inverse: npt.NDArray[np.int64] = rank[codes]
    return first, inverse


def _from_codes(
    prefecture: pd.Series, municipality: pd.Series, by_code: Mapping[str, str]
) -> pd.Series:
    """Blank prefectures taken from the municipality's code, per category."""
    missing = prefecture.isna().to_numpy()
    if not missing.any():
        return prefecture
    keys = [by_code.get(str(c)[:2]) if str(c).isdigit() and len(str(c)) == 6 else None
            for c in municipality.cat.categories] + [None]  # fmt: skip
    derived = np.array(keys, dtype=object)[municipality.cat.codes.to_numpy()]
    fill = missing & (derived != None)  # noqa: E711  (an object array: elementwise)
    if not fill.any():
        return prefecture
    values = prefecture.astype(object).to_numpy().copy()
    values[fill] = derived[fill]
    return pd.Series(pd.Categorical(values), index=prefecture.index)
