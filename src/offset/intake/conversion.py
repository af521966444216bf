"""One table's cells -> the contract's columns, typed, in canonical units, every problem listed.

Each column the contract names is matched to the user's header (`headers`) and converted to its
type and unit (`values`, `dates`); the municipality and prefecture of every row are settled
(`localities`); the FY a sheet's name gives fills the rows' `fy`; rows that repeat an identifier
are found (`identity`). Every problem (file, row, column as the user wrote it, why) is returned,
not raised, so that a caller adds what the method finds in the same pass.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pandas as pd

from offset.common.messages import Msg
from offset.common.problems import Problem
from offset.common.rows import spans
from offset.intake import values
from offset.intake.columns import Column, Contract
from offset.intake.dates import latest_plausible, month_only
from offset.intake.headers import Match, Matcher
from offset.intake.identity import Duplicates, Repeats, repeats
from offset.intake.japanese import distinct, folded, gather
from offset.intake.listing import FIRST_DATA_ROW, listed_problems
from offset.intake.localities import Constants, settle
from offset.intake.municipalities import Municipalities, shipped
from offset.intake.prepared import Prepared
from offset.intake.unread import unread
from offset.intake.unread import where as unread_where
from offset.intake.values import Vocabulary
from offset.intake.vocabulary import USER, chained, own_values

Vocabularies = Mapping[str, Vocabulary]  # vocabulary name -> the values it may hold


def check(
    raw: pd.DataFrame,
    contract: Contract,
    file: str,
    *,
    matcher: Matcher | None = None,
    vocabularies: Vocabularies | None = None,
    municipalities: Municipalities | None = None,
    constants: Constants | None = None,
    sheet_fy: int | None = None,
    fy: int | None = None,
    sheet: str | None = None,
    duplicates: Duplicates | None = None,
    positions: Sequence[int] = (),
) -> tuple[Prepared, list[Problem]]:
    """The contract's columns of `raw`, typed, and every problem found (not raised);
    `municipalities` (default: the shipped list) names each row's municipality, `constants`
    fill and bind the municipality and prefecture of every row, `sheet_fy` is the FY the
    sheet's name gives its rows, `fy` the FY computed (a date too far after it or today is
    refused: `latest_plausible`); rows that repeat an identifier are handled as `duplicates`
    says (None: not looked for: a frame built in code may hold variants of one thing on
    purpose; `load` looks for them in a file, over all its sheets at once). The notices name
    the columns no header of the method names (`unread`), a frame's as a file's."""
    matcher = matcher or Matcher(contract, {})
    latest = latest_plausible(sheet_fy if fy is None else fy)
    problems: list[Problem] = []
    # the columns no header of the method names, told of as a file's are (`positions`: each
    # column's place in its sheet; none for a frame)
    notices: list[Msg] = list(
        unread([str(h) for h in raw.columns], matcher, unread_where(file, sheet), positions)
    )
    if raw.columns.duplicated().any():  # reported by the layout; the first of each is checked
        raw = raw.loc[:, ~raw.columns.duplicated()]
    found: dict[str, list[Match]] = {}
    for header in raw.columns:
        match = matcher.match(str(header))
        if isinstance(match, Msg):
            problems.append(Problem(file, None, str(header), match))
        elif match is not None:
            found.setdefault(match.column.name, []).append(Match(match.column, match.unit, header))
    raw = _split_pairs(raw, contract, found)
    rows = np.asarray(raw.index, dtype=np.int64) + FIRST_DATA_ROW
    out: dict[str, object] = {}
    headers: dict[str, str] = {}
    named_twice = _code_and_name(found)
    for column in contract.columns:
        matches = found.get(column.name, [])
        if len(matches) > 1 and column.name not in named_twice:
            names = ", ".join(str(m.header) for m in matches)
            problems.append(
                Problem(file, None, str(matches[1].header), Msg("header.one_of", names=names))
            )
        if not matches:
            if column.required and not _settled_later(column.name, found, constants):
                problems.append(_missing(file, column, raw.columns))
            continue
        match = matches[0]
        header = str(match.header)
        headers[column.name] = header

        def listed(
            mask: npt.NDArray[np.bool_], message: Callable[[int], str], header: str = header
        ) -> list[Problem]:
            return listed_problems(file, rows, mask, header, message)

        vocabulary = _vocabulary(column, vocabularies)
        if _settled_later(column.name, found, constants):  # a blank cell may be filled
            column = dataclasses.replace(column, required=False)
        converted, column_problems = _convert(
            raw[match.header], column, match.unit, listed, vocabulary, latest
        )
        problems += column_problems
        out[column.name] = converted
        if column.kind == "date":
            notices += _month_only(raw[match.header], header, rows)
    if "municipality" in contract or "prefecture" in contract:
        unreadable = None
        prefecture = out.get("prefecture")
        if "prefecture" in headers and isinstance(prefecture, pd.Series):
            written = ~values.empty(raw[found["prefecture"][0].header])
            unreadable = written & prefecture.isna().to_numpy()
        settled = settle(
            out,
            raw.index,
            file,
            lambda mask, header, message: listed_problems(file, rows, mask, header, message),
            headers,
            municipalities or shipped(),
            (vocabularies or {}).get("prefecture"),
            constants or Constants(),
            "prefecture" in contract and contract["prefecture"].required,
            unreadable,
        )
        out.update(settled.columns)
        problems += settled.problems
        notices += settled.notices
        if "municipality" in named_twice:
            name_header = named_twice["municipality"]
            problems += _name_beside_code(
                raw[name_header],
                out,
                name_header,
                municipalities or shipped(),
                listed_problems,
                file,
                rows,
            )
            notices.append(
                Msg("notice.code_and_name", code=headers["municipality"], name=name_header)
            )
        reported = "prefecture" not in headers and not _settled_later(
            "prefecture", found, constants
        )
        if settled.no_prefecture is not None and settled.no_prefecture.any() and not reported:
            if "prefecture" not in headers and settled.no_prefecture.all():
                problems.append(_missing(file, contract["prefecture"], raw.columns))
            else:
                key = "value.required" if "prefecture" in headers else "value.no_prefecture"
                named = headers.get("prefecture", contract["prefecture"].shown)
                problems += listed_problems(
                    file, rows, settled.no_prefecture, named, values.always(Msg(key))
                )
    if sheet_fy is not None and "fy" in contract:
        problems += _sheet_fy(out, headers, sheet_fy, sheet, file, rows, len(raw))
    used = {m.header for ms in found.values() for m in ms[:1]}
    extra = {c: raw[c] for c in raw.columns if c not in used and c not in out}
    frame = pd.DataFrame({**out, **extra}, index=raw.index, copy=False)  # no consolidation copy
    unnamed = {c.name: c.shown for c in contract.columns if c.name not in headers}
    prepared = Prepared(frame, file, headers=headers, notices=tuple(notices), unnamed=unnamed)
    if duplicates is None:
        return prepared, problems
    prepared, found_repeats = repeated_rows(prepared, contract, duplicates)
    return prepared, [*problems, *found_repeats]


def repeated_rows(
    prepared: Prepared, contract: Contract, duplicates: Duplicates
) -> tuple[Prepared, list[Problem]]:
    """Rows that repeat an identifier, or one thing under two (`identity`): refused naming both
    rows, or with `first` dropped (a notice lists them), or with `keep` left as they are. Rows
    equal in all but their identifier (a row pasted under a new number?) get a notice naming
    both rows, and are refused under `strict`."""
    if duplicates == "keep" or not contract.identity.keys:
        return prepared, []
    frame = prepared.frame
    read = [c for c in frame.columns if c in prepared.headers or c not in contract]
    found = repeats(frame, contract.identity, prepared.headers, read)
    rows = np.asarray(frame.index, dtype=np.int64) + FIRST_DATA_ROW

    def message(i: int) -> str:
        return found.message(i, lambda j: prepared.shown(int(rows[j])))

    column = found.keys[0] if found.keys else None
    refused = found.mask | found.look_alike if duplicates == "strict" else found.mask
    if found.look_alike.any() and duplicates != "strict":
        prepared = replace(prepared, notices=(*prepared.notices, _look_alike(prepared, found)))
    if not refused.any():
        return prepared, []
    if duplicates == "first":
        notice = Msg("notice.repeats_dropped", rows=prepared.rows(frame.index[found.mask]))
        kept = replace(prepared, frame=frame[~found.mask],
                       notices=(*prepared.notices, notice))  # fmt: skip
        return kept, []
    return prepared, listed_problems(prepared.file, rows, refused, column, message)


MAX_PAIRS_SHOWN = 10  # look-alike row pairs a notice names; the rest are counted


def _look_alike(prepared: Prepared, found: Repeats) -> Msg:
    """One notice naming the look-alike rows beside the rows they equal (a few; the rest
    counted), whatever their number."""
    rows = np.asarray(prepared.frame.index, dtype=np.int64) + FIRST_DATA_ROW
    alike = np.flatnonzero(found.look_alike)
    more = len(alike) - MAX_PAIRS_SHOWN
    pairs: Msg | str = Msg("rows.pairs_more", count=more) if more > 0 else ""
    for n, i in reversed(list(enumerate(alike[:MAX_PAIRS_SHOWN]))):  # each pair in its words
        first, second = prepared.shown(int(rows[found.first[i]])), prepared.shown(int(rows[i]))
        pairs = Msg("rows.pair" if n == 0 else "rows.pair_next", first=first, second=second,
                    rest=pairs)  # fmt: skip
    name = Path(prepared.file).name
    sheet = prepared.sheet if len(prepared.sheets) <= 1 else None
    where = name if sheet is None else Msg("notice.in_sheet", file=name, sheet=sheet)
    ids = ", ".join(prepared.headers.get(c, c) for c in found.keys)
    return Msg("notice.look_alike", where=where, pairs=pairs, ids=ids)


def _sheet_fy(
    out: dict[str, object],
    headers: dict[str, str],
    fy: int,
    sheet: str | None,
    file: str,
    rows: npt.NDArray[np.int64],
    n: int,
) -> list[Problem]:
    """The sheet's FY for every row: rows without their own take it, rows with another refused."""
    own = out.get("fy")
    if not isinstance(own, np.ndarray):
        out["fy"] = np.full(n, float(fy))
        headers.setdefault("fy", "fy")
        return []
    other = ~np.isnan(own) & (own != fy)
    out["fy"] = np.where(np.isnan(own), float(fy), own)
    return listed_problems(file, rows, other, headers.get("fy", "fy"), lambda i: Msg(
        "value.fy_of_sheet", fy=int(own[i]), sheet=sheet or "", sheet_fy=fy))  # fmt: skip


def _settled_later(column: str, found: Mapping[str, object], constants: Constants | None) -> bool:
    """A municipality or prefecture the file lacks may come from the constants, and a
    prefecture from the municipality's code (`localities.settle` says which rows have none)."""
    given = constants or Constants()
    if column == "municipality":
        return given.municipality is not None
    if column == "prefecture":
        return given.given or "municipality" in found
    return False


# what joins two species in one cell: スギ・ヒノキ, スギ/ヒノキ, スギ＋ヒノキ, スギ、ヒノキ
_PAIR = r"\s*[・/／+＋、,]\s*"
_PAIR_AT = re.compile(_PAIR)


def _split_pairs(
    raw: pd.DataFrame, contract: Contract, found: dict[str, list[Match]]
) -> pd.DataFrame:
    """A cell that names two values (a mixed stand's スギ・ヒノキ) split: the first stays, the
    second goes to the column the contract names (`Column.second_into`), unless the file has
    that column itself."""
    for column in contract.columns:
        target = column.second_into
        if target is None or column.name not in found or target in found:
            continue
        header = found[column.name][0].header
        _, uniques = distinct(raw[header])  # a stand list names few species: looked at once
        if not any(_PAIR_AT.search(str(u)) for u in uniques):
            continue
        text = raw[header].astype("string")
        parts = text.str.split(_PAIR, n=1, regex=True, expand=True)
        if parts.shape[1] < 2 or parts[1].isna().all():
            continue
        second = f"{header} (2)"
        raw = raw.assign(**{str(header): parts[0].where(parts[1].notna(), raw[header]),
                            second: parts[1]})  # fmt: skip
        found[target] = [Match(contract[target], contract[target].unit, second)]
    return raw


def _month_only(series: pd.Series, header: str, rows: npt.NDArray[np.int64]) -> list[Msg]:
    """A notice naming the rows whose date names only a month (R6.9), read as its 1st."""
    codes, uniques = distinct(series)
    flags = np.array([month_only(u) for u in uniques], dtype=bool)
    hit = (codes >= 0) & np.append(flags, False)[codes]
    if not hit.any():
        return []
    return [Msg("notice.month_only", column=header, rows=spans(rows[hit]))]


_CODE_WORDS = ("コード", "code", "団体")


def _code_and_name(found: dict[str, list[Match]]) -> dict[str, str]:
    """Columns an office names twice, by code and by name (市町村コード beside 市町村名): the
    code is read (put first in `found`), and the other header is returned to be compared."""
    twice: dict[str, str] = {}
    for name in ("municipality", "prefecture"):
        matches = found.get(name, [])
        if len(matches) != 2:
            continue
        coded = [any(w in folded(str(m.header)) for w in map(folded, _CODE_WORDS)) for m in matches]
        if sum(coded) != 1:
            continue
        code, other = (matches[0], matches[1]) if coded[0] else (matches[1], matches[0])
        found[name] = [code, other]
        twice[name] = str(other.header)
    return twice


def _name_beside_code(
    written: pd.Series,
    out: Mapping[str, object],
    header: str,
    table: Municipalities,
    listed: Callable[..., list[Problem]],
    file: str,
    rows: npt.NDArray[np.int64],
) -> list[Problem]:
    """Rows whose municipality name is not the municipality their code names (read per
    distinct pair of code and name)."""
    codes = out.get("municipality")
    if not isinstance(codes, pd.Series):
        return []
    pairs = pd.DataFrame({"code": codes.astype(object), "name": written.astype(object)})
    blank = values.empty(written) | codes.isna().to_numpy()
    keys, uniques = distinct(pairs["code"].astype(str) + "\t" + pairs["name"].astype(str))
    wrong = np.zeros(len(uniques), dtype=bool)
    shown = np.full(len(uniques), "", dtype=object)
    for i, key in enumerate(uniques):
        code, name = str(key).split("\t", 1)
        found = table.resolve(name)
        if found.place is not None and found.place.code != code:
            wrong[i] = True
            shown[i] = found.place.shown
    mask = (keys >= 0) & np.append(wrong, False)[keys] & ~blank
    at = gather(shown, keys, "")
    code_at = pairs["code"].to_numpy()
    return listed(
        file,
        rows,
        mask,
        header,
        lambda i: Msg("value.name_not_code", name=written.iloc[i], place=at[i], code=code_at[i]),
    )


def _missing(file: str, column: Column, present: pd.Index) -> Problem:
    names = " / ".join([*column.names, *column.japanese[:3]])
    found = ", ".join(str(c) for c in present) or "-"
    key = "header.missing_municipality" if column.name == "municipality" else "header.missing"
    return Problem(file, None, column.shown, Msg(key, names=names, found=found))


def _vocabulary(column: Column, vocabularies: Vocabularies | None) -> Vocabulary | None:
    """What the column's values are read with, when the caller reads with vocabularies: its own
    values' words, else the factor tables' vocabulary it names."""
    if vocabularies is None:
        return None
    if column.values is not None:
        base: Vocabulary | None = own_values(column.values, column.keywords)
    else:
        base = vocabularies.get(column.vocabulary or column.name)
    user = vocabularies.get(USER + column.name)
    return chained(user, base) if user is not None and base is not None else base


def _convert(
    series: pd.Series,
    column: Column,
    unit: str | None,
    listed: values.Listed,
    vocabulary: Vocabulary | None,
    latest: dt.date,
) -> tuple[object, list[Problem]]:
    if column.kind in ("number", "integer"):
        if vocabulary is not None:  # labels (地位 上/中/下) first, then numbers
            series = _labels(series, vocabulary)
        return values.numbers(series, column, unit, listed)
    if column.kind == "year":
        return values.years(series, column, listed)
    if column.kind == "date":
        return values.dates(series, column, listed, latest)
    if column.kind == "boolean":
        return values.booleans(series, column, listed)
    if column.kind == "category":
        categorical = values.categories(series)  # blanks become missing
        blank = categorical.isna().to_numpy()
        problems = listed(blank, lambda i: Msg("value.required")) if column.required else []
        if vocabulary is not None:
            categorical, unknown = values.resolved(categorical, vocabulary, listed)
            problems += unknown
        return categorical, problems
    cleaned = series.astype("string").str.strip()
    cleaned = cleaned.mask(cleaned == "")  # blanks become missing
    blank = cleaned.isna().to_numpy()
    problems = listed(blank, lambda i: Msg("value.required")) if column.required else []
    return cleaned.astype(object), problems


def _labels(series: pd.Series, vocabulary: Vocabulary) -> pd.Series:
    codes, uniques = distinct(series)
    mapped = np.array([vocabulary.resolve(u) or u for u in uniques], dtype=object)
    return pd.Series(gather(mapped, codes, None), index=series.index, dtype=object)
