"""The chain pass: one streaming read of the history (headers, postings and block events side by
side, all in sequence order) over a range of sequence numbers, each entry checked
(`entries.py`) and what the books' checks need gathered (`ranges.ChainPart`).

It reads through the raw DB-API cursor: this is the one place that reads all history, and
SQLAlchemy's row objects would triple its cost.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from itertools import groupby
from operator import itemgetter
from typing import Any

from offset.ledger.chain import day_text
from offset.ledger.rows import HEADER_COLUMNS
from offset.ledger.verify import ahead, columnar, columns, entries, stored
from offset.ledger.verify.entries import _COL, REFERENCE_KINDS
from offset.ledger.verify.ranges import ChainPart, extend

_NO_GROUP: tuple[Any, Iterator[Any]] = (None, iter(()))  # past the last row

#: Whether ranges are read as columns where the connection allows (`columnar.py`); the row
#: pass below reads the rest, and is the one to compare against.
COLUMNS = True


def _range(column: str, lo: int | None, hi: int | None) -> str:
    bounds = ([f"{column} >= {lo}"] if lo is not None else []) + (
        [f"{column} < {hi}"] if hi is not None else []
    )
    return f" WHERE {' AND '.join(bounds)}" if bounds else ""


def check_links(connection: Any, lo: int | None = None, hi: int | None = None) -> ChainPart:
    """Check every entry with `lo <= seq < hi` (None: unbounded), on a DB-API connection.

    An entry's link depends only on its own rows and the previous entry's stored hash, so
    ranges can be checked apart and give, together, what one pass over everything gives; so
    do the running balances, whose first and last value in each range are kept for the caller
    to join. Headers, postings and events are read side by side, all in sequence order."""
    part = ChainPart()
    previous, effective_before = "", ""
    heads = connection.cursor()
    if lo is not None:  # start from the last entry before the range, as one pass would
        heads.execute(
            "SELECT seq, hash, effective_date FROM transactions"
            f" WHERE seq < {lo} ORDER BY seq DESC LIMIT 1"
        )
        before = heads.fetchone()
        if before is not None:
            # a value of the wrong class there was reported in its own range (`stored.py`)
            previous, part.expected_seq = stored.text_or(before[1], ""), before[0] + 1
            effective_before = stored.text_or(before[2], "")
    heads.close()
    found = columns.pieces(connection, lo, hi) if COLUMNS else None
    if found is None:
        _rows(connection, part, previous, effective_before, lo, hi)
        return part
    reading = ahead.of(connection, found)  # the next piece read while one is checked
    try:
        for start, stop in found:  # one piece of the range after another, each as one range
            cols = columns.read(connection, start, stop, reading)
            if cols is not None and columnar.exact(cols):
                piece = ChainPart(expected_seq=part.expected_seq)
                columnar.check(connection, cols, piece, previous, effective_before)
                extend(part, piece, joined=False)
            else:
                _rows(connection, part, previous, effective_before, start, stop)
            previous, effective_before = part.last_hash, part.last_effective
    finally:
        if reading is not None:
            reading.close()
    part.problems.sort(key=lambda problem: problem[:2])
    return part


def _rows(
    connection: Any, part: ChainPart, previous: str, effective_before: str, lo: int | None,
    hi: int | None,
) -> None:  # fmt: skip
    """The row pass: `lo <= seq < hi`, one entry at a time, continuing `part`."""
    heads, posts, moves = connection.cursor(), connection.cursor(), connection.cursor()
    posts.execute(
        "SELECT tx_seq, account_id, class_id, amount, balance_after FROM postings"
        + _range("tx_seq", lo, hi)
        + " ORDER BY tx_seq"
    )
    moves.execute(
        "SELECT tx_seq, class_id, start, stop, from_account, to_account FROM block_events"
        + _range("tx_seq", lo, hi)
        + " ORDER BY tx_seq"
    )
    heads.execute(
        f"SELECT {', '.join(HEADER_COLUMNS)} FROM transactions"
        + _range("seq", lo, hi)
        + " ORDER BY seq"
    )
    postings = _Stream(posts, part)
    events = _Stream(moves, part)
    # PostgreSQL's columns hold only their type: the storage classes are SQLite's to check
    # (about 5 us an entry of 8 block events; on SQLite the row pass reads ranges of fewer
    # than `columns.COLUMNS_FROM` entries, and the pieces the columnar pass refuses)
    typeless = not type(connection).__module__.startswith("psycopg")
    for row in heads:
        seq = row[0]
        own_postings = postings.take(seq)
        own_events = events.take(seq)
        part.entries += 1
        part.event_count += len(own_events)
        # A value of the wrong storage class (SQLite, edited by hand) would stop the checks:
        # it is the entry's finding, and none of its other checks runs.
        wrong = entries._storage_problems(row, own_postings, own_events) if typeless else ()
        if wrong:
            part.problems += [(seq, entries.STORAGE_RANK, problem) for problem in wrong]
            effective_before = _well_typed(part, row, own_postings, own_events, effective_before)
            previous = stored.text_or(row[_COL["hash"]], "")
            continue
        own_postings.sort()  # the database may hand them out in any order within their entry
        effective = day_text(row[_COL["effective_date"]])
        # Each check's problems are tagged with the entry and the check's place, so that the
        # report reads the same whether the chain was checked in one range or several.
        # The checks are looked up in `entries` each time: the tamper suite disables them there.
        for rank, problems in enumerate(
            (
                entries._sequence_problems(part, seq),
                entries._link_problems(row, previous, own_postings, own_events),
                entries._date_problems(row, effective, effective_before),
                entries._header_problems(row),
                entries._unbalanced(seq, own_postings),
                entries._balance_after_problems(part, seq, own_postings),
                entries._flow(row, own_postings, own_events),
            )
        ):
            if problems:  # almost never: no list built for the entries that have none
                part.problems += [(seq, rank, problem) for problem in problems]
        part.expected_seq = seq + 1
        effective_before = effective
        _accumulate(part, seq, own_postings)
        _cover(part, row, own_events)
        _reservations(part, row, own_postings)
        if row[_COL["kind"]] in REFERENCE_KINDS:
            part.references.append((seq, row[_COL["kind"]], row[_COL["operation"]]))
        previous = row[_COL["hash"]]
    postings.drain()
    events.drain()
    part.last_hash, part.last_effective = previous, effective_before
    for cursor in (heads, posts, moves):
        cursor.close()


def _well_typed(
    part: ChainPart, row: tuple[Any, ...], postings: list[Any], events: list[Any], before: str
) -> str:
    """What the books' checks need of an entry with a value of the wrong storage class, from
    its rows that hold none (so that one such value is not reported again as every balance
    and block it touches); the effective date the next entry is checked against."""
    seq = row[0]
    if not isinstance(seq, int):
        return before
    part.expected_seq = seq + 1
    postings = sorted(p for p in postings if not stored.mistyped("postings", p))
    _accumulate(part, seq, postings)
    _cover(part, row, [e for e in events if not stored.mistyped("block_events", e)])
    wrong = {column for column, _, _ in stored.mistyped("transactions", row)}
    if not wrong & {"id", "kind", "resolves", "operation"}:  # what those two read
        _reservations(part, row, postings)
        if row[_COL["kind"]] in REFERENCE_KINDS:
            part.references.append((seq, row[_COL["kind"]], row[_COL["operation"]]))
    return before if "effective_date" in wrong else day_text(row[_COL["effective_date"]])


class _Stream:
    """Rows of a history table, read in sequence order beside the headers: the rows of one
    entry at a time; rows of no entry are orphans."""

    def __init__(self, cursor: Any, part: ChainPart) -> None:
        self.groups = groupby(cursor, itemgetter(0))
        self.seq, self.group = next(self.groups, _NO_GROUP)
        self.part = part

    def take(self, seq: int) -> list[tuple[Any, ...]]:
        if self.seq != seq:  # rows of no entry before it, or none of its own
            self._skip(seq)
            if self.seq != seq:
                return []
        rows = list(self.group)
        self.seq, self.group = next(self.groups, _NO_GROUP)
        return rows

    def _skip(self, before: float) -> None:
        while self.seq is not None and self.seq < before:
            self.part.orphans.append(self.seq)
            self.seq, self.group = next(self.groups, _NO_GROUP)

    def drain(self) -> None:
        self._skip(math.inf)


def _accumulate(part: ChainPart, seq: int, postings: list[Any]) -> None:
    """What the books' checks need of the postings: running balances, sums and counts."""
    for _, account, class_id, amount, after in postings:
        key = (account, class_id)
        if key not in part.closing:
            part.opening[key] = (seq, amount, after)
        part.closing[key] = after
        part.counts[key] = part.counts.get(key, 0) + 1
        part.sums[key] = part.sums.get(key, 0) + amount
        part.posting_count += 1
        if amount < 0:
            part.sent.add(key)


def _reservations(part: ChainPart, row: tuple[Any, ...], postings: list[Any]) -> None:
    """Which reservations are open: a reserve opens one (its credits go to the one account its
    postings add to), a post or void resolves one."""
    kind = row[_COL["kind"]]
    if kind == "reserve":
        into = [(account, class_id, amount) for _, account, class_id, amount, _ in postings]
        added = [move for move in into if move[2] > 0]
        part.reserved[row[_COL["id"]]] = added[0] if len(added) == 1 else ("", 0, 0)
    elif row[_COL["resolves"]] is not None:
        resolved = row[_COL["resolves"]]
        if part.reserved.pop(resolved, None) is None:
            part.resolved.append((row[0], resolved))


def _cover(part: ChainPart, row: tuple[Any, ...], events: list[tuple[Any, ...]]) -> None:
    """What the events leave each account, as the steps of its coverage function: +1 where a
    received range starts, -1 where it stops, the other way round for a sent one. Summed over
    the history, the steps that remain are exactly the edges of the blocks each account holds."""
    # An entry's events mostly share their class and accounts (a transfer moves pieces from
    # one account to another): their steps are looked up once for all of them.
    last: tuple[Any, ...] = ()
    into: dict[int, int] = {}
    out: dict[int, int] | None = None
    for _, class_id, start, stop, source, destination in events:
        if last != (class_id, source, destination):
            last = (class_id, source, destination)
            sides = _sides(part, class_id, source, destination)
            if len(sides) == 2:
                into, out = sides[0][0], sides[1][0]
            else:  # minted (or, were a row to hold no destination, nothing received)
                out = None
        if out is None:
            part.minted += [(class_id, start, stop, row[0])] * (2 - len(sides))
            _steps(sides, start, stop)
            continue
        # the common case, written out: the destination's steps, then the source's
        value = into.get(start, 0) + 1
        if value:
            into[start] = value
        else:
            del into[start]
        value = into.get(stop, 0) - 1
        if value:
            into[stop] = value
        else:
            del into[stop]
        value = out.get(start, 0) - 1
        if value:
            out[start] = value
        else:
            del out[start]
        value = out.get(stop, 0) + 1
        if value:
            out[stop] = value
        else:
            del out[stop]


def _steps(sides: list[tuple[dict[int, int], int]], start: int, stop: int) -> None:
    """One event's steps on each side it has (`_sides`)."""
    for steps, sign in sides:
        value = steps.get(start, 0) + sign
        if value:
            steps[start] = value
        else:
            del steps[start]
        value = steps.get(stop, 0) - sign
        if value:
            steps[stop] = value
        else:
            del steps[stop]


def _sides(
    part: ChainPart, class_id: int, source: str | None, destination: str | None
) -> list[tuple[dict[int, int], int]]:
    """The coverage steps an event changes, with the sign of the change: the destination's
    (+1) and the source's (-1); a side with no account (minted) has none."""
    cover = part.coverage  # (account, class) -> {serial: step}; a step that sums to 0 goes
    return [
        (cover.setdefault((account, class_id), {}), sign)
        for account, sign in ((destination, 1), (source, -1))
        if account is not None
    ]
