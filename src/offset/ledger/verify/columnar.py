"""The chain pass over columns (`columns.read`): every check of `entries.py` on a whole range at
once, and what the books' checks need (`ranges.ChainPart`) gathered by group operations.

Each check of an entry is first computed over columns, as a mask of the entries it may find a
problem in: the sequence, the links and hashes (`bodies.py`), the dates, the postings' sums per
class, each `balance_after` against the one before, the block events' flow against the
postings. The masks are never narrower than the checks (an entry outside them has no problem
that check could name; a case the columns cannot decide, such as an account posted twice in one
entry, is in them), and each entry in one is then checked again by the function of
`entries.py` itself, on its rows read as the row pass reads them: every problem keeps its words
and its (entry, check) tag, and a check disabled there (the tamper suite) is disabled here too.
The header against its operation (a JSON document an entry) is checked entry by entry.
"""

from __future__ import annotations

from itertools import pairwise
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from offset.ledger.chain import day_text
from offset.ledger.rows import EVENT_COLUMNS, HEADER_COLUMNS, POSTING_COLUMNS
from offset.ledger.verify import entries, headers
from offset.ledger.verify.bodies import bodies, digests
from offset.ledger.verify.columns import Columns
from offset.ledger.verify.entries import REFERENCE_KINDS
from offset.ledger.verify.ranges import ChainPart

#: Beyond this magnitude a sum of 64-bit integers could wrap: such a range goes to the row pass.
SAFE = 2.0**62


def exact(cols: Columns) -> bool:
    """Whether every sum the pass takes fits in 64 bits (amounts, balances and the serials
    moved, summed in magnitude over the range)."""
    p, m = cols.posts.column, cols.moves.column
    sizes = pc.abs(pc.subtract(m("stop"), m("start"))) if len(cols.moves) else pa.array([0])
    totals = [pc.abs(p("amount")), pc.abs(p("balance_after")), sizes]
    return all(float(pc.sum(pc.cast(t, pa.float64())).as_py() or 0) < SAFE for t in totals)


def check(connection: Any, cols: Columns, part: ChainPart, previous: str, before: str) -> None:
    """Check the entries of `cols` into `part` (fresh, or where the range before it left it),
    `previous` and `before` being the stored hash and effective date of the entry before."""
    heads = cols.heads
    seqs = heads.column("seq").to_numpy()
    posts, moves = _own(part, seqs, cols.posts, cols.moves)
    if not len(seqs):
        part.last_hash, part.last_effective = previous, before
        return
    hashes = heads.column("hash").combine_chunks()
    earlier = pa.concat_arrays([pa.array([previous], pa.string()), hashes.slice(0, len(seqs) - 1)])
    days = heads.column("effective_date").combine_chunks()
    days_before = pa.concat_arrays([pa.array([before], pa.string()), days.slice(0, len(seqs) - 1)])
    expected = np.append(part.expected_seq, seqs[:-1] + 1)
    accounts = _Accounts(heads, posts, moves)
    ledger = _Postings(seqs, posts, accounts)
    found: list[tuple[int, int, str]] = []
    header = entries.ENTRY_CHECKS.index("header")
    for row in _rows(heads.take(np.flatnonzero(headers.suspects(heads)))):
        found += [(row[0], header, p) for p in entries._header_problems(row)]
    suspects = (
        (seqs != expected)
        | _differ(heads.column("prev_hash").combine_chunks(), earlier)
        | _differ(pa.array(digests(earlier, bodies(heads, posts, moves)), pa.string()), hashes)
        | pc.less(days, days_before).to_numpy(zero_copy_only=False)
        | ledger.unbalanced()
        | ledger.balance_after()
        | _flow(heads, seqs, moves, ledger, accounts)
    )
    found += _confirm(
        connection, np.flatnonzero(suspects), seqs, expected, earlier, days_before, ledger
    )
    found.sort(key=lambda problem: problem[:2])
    part.problems += found
    part.entries += len(seqs)
    part.event_count += len(moves)
    ledger.accumulate(part)
    _cover(part, seqs, moves, accounts)
    _reservations(part, heads, ledger)
    references = heads.filter(pc.is_in(heads.column("kind"), pa.array(sorted(REFERENCE_KINDS))))
    part.references += zip(
        references.column("seq").to_pylist(),
        references.column("kind").to_pylist(),
        references.column("operation").to_pylist(),
        strict=True,
    )
    part.expected_seq = int(seqs[-1]) + 1
    part.last_hash = hashes[-1].as_py()
    part.last_effective = days[-1].as_py()


def _differ(a: Any, b: Any) -> np.ndarray:
    return np.asarray(pc.fill_null(pc.not_equal(a, b), True).to_numpy(zero_copy_only=False))


def _rows(heads: pa.Table) -> list[tuple[Any, ...]]:
    return list(zip(*(heads.column(name).to_pylist() for name in HEADER_COLUMNS), strict=True))


def _own(
    part: ChainPart, seqs: np.ndarray, posts: pa.Table, moves: pa.Table
) -> tuple[pa.Table, pa.Table]:
    """The postings and events of the entries read; the others' sequence numbers are orphans,
    in the order the row pass meets them (each before the first entry after it, postings
    first)."""
    kept = []
    found: list[tuple[int, int, int]] = []
    for stream, table in enumerate((posts, moves)):
        rows = table.column("tx_seq").to_numpy()
        at = np.searchsorted(seqs, rows)
        own = (
            (at < len(seqs)) & (seqs[np.minimum(at, len(seqs) - 1)] == rows)
            if len(seqs)
            else rows != rows
        )
        strays = np.unique(rows[~own])
        found += [(int(np.searchsorted(seqs, s)), stream, int(s)) for s in strays]
        kept.append(table.filter(pa.array(own)))
    part.orphans += [seq for _, _, seq in sorted(found)]
    return kept[0], kept[1]


class _Accounts:
    """Every account named in the range as a small integer (-1: none), the same in each table."""

    def __init__(self, heads: pa.Table, posts: pa.Table, moves: pa.Table) -> None:
        named = [
            posts.column("account_id"),
            moves.column("from_account"),
            moves.column("to_account"),
            heads.column("from_account"),
        ]
        whole = pa.concat_arrays([pc.cast(c, pa.string()).combine_chunks() for c in named])
        encoded = pc.dictionary_encode(whole)
        self.names: list[str] = encoded.dictionary.to_pylist()
        codes = pc.fill_null(encoded.indices, -1).to_numpy().astype(np.int64)
        ends = np.cumsum([0, *(len(c) for c in named)])
        self.posted, self.source, self.destination, self.issuer = (
            codes[a:b] for a, b in pairwise(ends)
        )


class _Postings:
    """The postings of the range as numpy columns, in the body's order, with each posting's
    balance before it (the last `balance_after` of its account and class in an earlier entry)."""

    def __init__(self, seqs: np.ndarray, posts: pa.Table, accounts: _Accounts) -> None:
        self.table = posts
        self.seq = posts.column("tx_seq").to_numpy()
        self.account = accounts.posted
        self.class_id = posts.column("class_id").to_numpy()
        self.amount = posts.column("amount").to_numpy()
        self.after = posts.column("balance_after").to_numpy()
        key = self.account * (int(self.class_id.max(initial=0)) + 1) + self.class_id
        self.by_key = np.lexsort((self.seq, key))  # stable: the body's order within a key
        k, s = key[self.by_key], self.seq[self.by_key]
        same = np.append(False, k[1:] == k[:-1])
        self.repeated = np.zeros(len(k), bool)  # an account and class posted twice in one entry
        self.repeated[self.by_key] = same & np.append(False, s[1:] == s[:-1])
        self.has_before = np.zeros(len(k), bool)
        self.has_before[self.by_key] = same
        self.before = np.zeros(len(k), np.int64)
        self.before[self.by_key] = np.append(0, self.after[self.by_key][:-1])
        self.seqs = seqs
        self.keys = key

    def rows_of(self, seq: int) -> range:
        """Where the postings of an entry are."""
        return range(*np.searchsorted(self.seq, [seq, seq + 1]).tolist())

    def entries_of(self, rows: np.ndarray) -> np.ndarray:
        """A mask over the entries: those holding any of the posting rows marked."""
        return np.isin(self.seqs, self.seq[rows])

    def unbalanced(self) -> np.ndarray:
        """Entries whose postings may not sum to zero per class."""
        rows, sums = _net([self.seq, self.class_id], self.amount)
        return np.isin(self.seqs, self.seq[rows[sums != 0]])

    def balance_after(self) -> np.ndarray:
        """Entries where a `balance_after` may not be the one before plus the amount."""
        wrong = self.has_before & (self.before + self.amount != self.after)
        return self.entries_of(wrong | self.repeated)

    def accumulate(self, part: ChainPart) -> None:
        """`history._accumulate` of every posting: running balances, sums and counts."""
        frame = pd.DataFrame(
            {"key": self.keys, "seq": self.seq, "amount": self.amount, "after": self.after}
        )
        groups = frame.groupby("key", sort=False)
        first, last = groups.head(1), groups.tail(1)
        totals = groups["amount"].agg(["size", "sum", "min"])
        accounts = self.table.column("account_id").to_pylist()
        names = [(accounts[i], int(self.class_id[i])) for i in first.index]
        for name, seq, amount, after in zip(
            names,
            first["seq"].tolist(),
            first["amount"].tolist(),
            first["after"].tolist(),
            strict=True,
        ):
            if name not in part.closing:
                part.opening[name] = (seq, amount, after)
        names_by_key = dict(zip(first["key"].tolist(), names, strict=True))
        for key, after in zip(last["key"].tolist(), last["after"].tolist(), strict=True):
            part.closing[names_by_key[key]] = after
        for key, (size, total, least) in zip(
            totals.index.tolist(), totals.itertuples(index=False), strict=True
        ):
            name = names_by_key[key]
            part.counts[name] = part.counts.get(name, 0) + int(size)
            part.sums[name] = part.sums.get(name, 0) + int(total)
            if least < 0:
                part.sent.add(name)
        part.posting_count += len(self.seq)


def _flow(
    heads: pa.Table, seqs: np.ndarray, moves: pa.Table, ledger: _Postings, accounts: _Accounts
) -> np.ndarray:
    """Entries whose events may not move what their postings move (`entries._flow`): per entry,
    account and class, the serials received less those given must equal the amount posted; a
    minted event (no source) is the issuance account's, and outside an issuance a problem."""
    m = moves.column
    seq = m("tx_seq").to_numpy()
    entry = np.searchsorted(seqs, seq)
    issues = pc.equal(heads.column("kind"), "issue").to_numpy(zero_copy_only=False)
    mints = np.where(issues, accounts.issuer, -1)[entry]
    giver = np.where(accounts.source >= 0, accounts.source, mints)
    class_id = m("class_id").to_numpy()
    size = m("stop").to_numpy() - m("start").to_numpy()
    rows, net = _net(
        [
            np.concatenate([seq, seq, ledger.seq]),
            np.concatenate([accounts.destination, giver, ledger.account]),
            np.concatenate([class_id, class_id, ledger.class_id]),
        ],
        np.concatenate([size, -size, -ledger.amount]),
    )
    off = np.concatenate([seq, seq, ledger.seq])[rows[net != 0]]
    # a posting of zero, or an account and class posted twice, is beyond the sums: checked alone
    odd = ledger.entries_of((ledger.amount == 0) | ledger.repeated)
    flagged: np.ndarray = np.isin(seqs, off) | np.isin(seqs, seq[giver < 0]) | odd
    return flagged


def _net(keys: list[np.ndarray], values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """`values` summed by their keys (columns of integers): each group's first row, and its sum."""
    code = np.zeros(len(values), np.int64)
    span = 1
    for key in keys:
        if not len(key):
            break
        low, high = int(key.min()), int(key.max())
        if span * (high - low + 1) >= 2**62:  # too wide to combine: number the groups so far
            code, distinct = pd.factorize(code)
            span = max(len(distinct), 1)
        code = code * (high - low + 1) + (key - low)
        span *= high - low + 1
    groups, distinct = pd.factorize(code)
    sums = np.zeros(len(distinct), np.int64)
    np.add.at(sums, groups, values)
    first = np.full(len(distinct), len(values), np.int64)
    np.minimum.at(first, groups, np.arange(len(values), dtype=np.int64))
    return first, sums


def _cover(part: ChainPart, seqs: np.ndarray, moves: pa.Table, accounts: _Accounts) -> None:
    """`history._cover` of every event: each account's coverage steps, and the serials minted."""
    m = moves.column
    class_id, start, stop = (m(c).to_numpy() for c in ("class_id", "start", "stop"))
    source, destination = accounts.source, accounts.destination
    account = np.concatenate([destination, destination, source, source])
    classes = np.tile(class_id, 4)
    point = np.concatenate([start, stop, start, stop])
    step = np.repeat(np.array([1, -1, -1, 1]), len(class_id))
    held = account >= 0
    account, classes, point, step = account[held], classes[held], point[held], step[held]
    for pair in np.unique(account * (int(classes.max(initial=0)) + 1) + classes).tolist():
        code, class_id_ = divmod(pair, int(classes.max(initial=0)) + 1)
        part.coverage.setdefault((accounts.names[code], class_id_), {})
    rows, sums = _net([account, classes, point], step)
    kept = sums != 0
    for code, class_id_, at, value in zip(
        account[rows[kept]].tolist(), classes[rows[kept]].tolist(), point[rows[kept]].tolist(),
        sums[kept].tolist(), strict=True,
    ):  # fmt: skip
        steps = part.coverage[(accounts.names[code], class_id_)]
        value += steps.get(at, 0)
        if value:
            steps[at] = value
        else:
            del steps[at]
    sides = (source < 0).astype(int) + (destination < 0).astype(int)
    seq = m("tx_seq").to_numpy()
    for i in np.flatnonzero(sides):
        minted = (int(class_id[i]), int(start[i]), int(stop[i]), int(seq[i]))
        part.minted += [minted] * int(sides[i])


def _reservations(part: ChainPart, heads: pa.Table, ledger: _Postings) -> None:
    """`history._reservations` of the entries that open or resolve a reservation, in order."""
    kinds = heads.column("kind")
    resolves = heads.column("resolves")
    marked = pc.or_(pc.equal(kinds, "reserve"), pc.is_valid(resolves))
    for i in np.flatnonzero(marked.to_numpy(zero_copy_only=False)):
        seq = int(heads.column("seq")[i].as_py())
        if kinds[i].as_py() == "reserve":
            rows = ledger.rows_of(seq)
            added = [
                (ledger.table.column("account_id")[j].as_py(), int(ledger.class_id[j]),
                 int(ledger.amount[j]))
                for j in rows
                if ledger.amount[j] > 0
            ]  # fmt: skip
            part.reserved[heads.column("id")[i].as_py()] = (
                added[0] if len(added) == 1 else ("", 0, 0)
            )
        else:
            resolved = resolves[i].as_py()
            if part.reserved.pop(resolved, None) is None:
                part.resolved.append((seq, resolved))


def _confirm(
    connection: Any,
    suspects: np.ndarray,
    seqs: np.ndarray,
    expected: np.ndarray,
    earlier: pa.Array,
    days_before: pa.Array,
    ledger: _Postings,
) -> list[tuple[int, int, str]]:
    """The entries a mask holds, checked by `entries.py` on their rows as the row pass reads
    them, with the state the pass would have reached them with."""
    if not len(suspects):
        return []
    wanted = [int(seqs[i]) for i in suspects]
    heads, posts, moves = _read(connection, wanted)
    header = entries.ENTRY_CHECKS.index("header")
    found: list[tuple[int, int, str]] = []
    for i, seq in zip(suspects.tolist(), wanted, strict=True):
        state = ChainPart(expected_seq=int(expected[i]))
        for j in ledger.rows_of(seq):
            if ledger.has_before[j] and not ledger.repeated[j]:  # as it was before the entry
                name = (ledger.table.column("account_id")[j].as_py(), int(ledger.class_id[j]))
                state.closing.setdefault(name, int(ledger.before[j]))
        row = heads[seq]
        own_postings = sorted(posts.get(seq, []))
        own_events = moves.get(seq, [])
        effective = day_text(row[entries._COL["effective_date"]])
        for rank, problems in enumerate(
            (
                entries._sequence_problems(state, seq),
                entries._link_problems(row, earlier[i].as_py(), own_postings, own_events),
                entries._date_problems(row, effective, days_before[i].as_py()),
                [],  # the header: checked for every entry above
                entries._unbalanced(seq, own_postings),
                entries._balance_after_problems(state, seq, own_postings),
                entries._flow(row, own_postings, own_events),
            )
        ):
            if rank != header:
                found += [(seq, rank, problem) for problem in problems]
    return found


def _read(
    connection: Any, seqs: list[int]
) -> tuple[dict[int, tuple[Any, ...]], dict[int, list[Any]], dict[int, list[Any]]]:
    """The rows of these entries through the DB-API cursor, as the row pass reads them."""
    heads: dict[int, tuple[Any, ...]] = {}
    posts: dict[int, list[Any]] = {}
    moves: dict[int, list[Any]] = {}
    cursor = connection.cursor()
    try:
        for at in range(0, len(seqs), 500):
            listed = ", ".join(str(seq) for seq in seqs[at : at + 500])
            cursor.execute(
                f"SELECT {', '.join(HEADER_COLUMNS)} FROM transactions WHERE seq IN ({listed})"
            )
            heads.update((row[0], row) for row in cursor.fetchall())
            for table, columns, into in (
                ("postings", POSTING_COLUMNS, posts),
                ("block_events", EVENT_COLUMNS, moves),
            ):
                cursor.execute(
                    f"SELECT {', '.join(columns)} FROM {table} WHERE tx_seq IN ({listed})"
                    " ORDER BY tx_seq"
                )
                for row in cursor.fetchall():
                    into.setdefault(row[0], []).append(row)
    finally:
        cursor.close()
    return heads, posts, moves
