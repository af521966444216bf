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
import pyarrow as pa
import pyarrow.compute as pc

from offset.ledger.rows import HEADER_COLUMNS
from offset.ledger.verify import entries, headers
from offset.ledger.verify.bodies import bodies, unlinked
from offset.ledger.verify.columns import Columns
from offset.ledger.verify.confirm import confirm
from offset.ledger.verify.entries import REFERENCE_KINDS
from offset.ledger.verify.postings import Accounts, Postings, net
from offset.ledger.verify.ranges import ChainPart, merged

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
    accounts = Accounts(heads, posts, moves)
    ledger = Postings(seqs, posts, accounts)
    found: list[tuple[int, int, str]] = []
    header = entries.ENTRY_CHECKS.index("header")
    for row in _rows(heads.take(np.flatnonzero(headers.suspects(heads)))):
        found += [(row[0], header, p) for p in entries._header_problems(row)]
    suspects = (
        (seqs != expected)
        | _differ(heads.column("prev_hash").combine_chunks(), earlier)
        | unlinked(earlier, bodies(heads, posts, moves), hashes)
        | pc.less(days, days_before).to_numpy(zero_copy_only=False)
        | ledger.unbalanced()
        | ledger.balance_after()
        | _flow(heads, seqs, moves, ledger, accounts)
    )
    found += confirm(
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


def _flow(
    heads: pa.Table, seqs: np.ndarray, moves: pa.Table, ledger: Postings, accounts: Accounts
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
    rows, moved = net(
        [
            np.concatenate([seq, seq, ledger.seq]),
            np.concatenate([accounts.destination, giver, ledger.account]),
            np.concatenate([class_id, class_id, ledger.class_id]),
        ],
        np.concatenate([size, -size, -ledger.amount]),
    )
    off = np.concatenate([seq, seq, ledger.seq])[rows[moved != 0]]
    # a posting of zero, or an account and class posted twice, is beyond the sums: checked alone
    odd = ledger.entries_of((ledger.amount == 0) | ledger.repeated)
    flagged: np.ndarray = np.isin(seqs, off) | np.isin(seqs, seq[giver < 0]) | odd
    return flagged


def _cover(part: ChainPart, seqs: np.ndarray, moves: pa.Table, accounts: Accounts) -> None:
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
    rows, sums = net([account, classes, point], step)
    kept = rows[sums != 0]
    pair = account[kept] * (int(classes.max(initial=0)) + 1) + classes[kept]
    order = np.argsort(pair, kind="stable")
    pair, points, sums = pair[order], point[kept][order], sums[sums != 0][order]
    bounds = np.flatnonzero(np.append(True, pair[1:] != pair[:-1])).tolist()[: len(pair)]
    bounds.append(len(pair))
    for lo, hi in pairwise(bounds):  # one (account, class) at a time
        code, class_id_ = divmod(int(pair[lo]), int(classes.max(initial=0)) + 1)
        name = (accounts.names[code], class_id_)
        part.coverage[name] = merged(part.coverage[name], points[lo:hi], sums[lo:hi])
    sides = (source < 0).astype(int) + (destination < 0).astype(int)
    seq = m("tx_seq").to_numpy()
    for i in np.flatnonzero(sides):
        minted = (int(class_id[i]), int(start[i]), int(stop[i]), int(seq[i]))
        part.minted += [minted] * int(sides[i])


def _reservations(part: ChainPart, heads: pa.Table, ledger: Postings) -> None:
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
