"""`verify`: recompute everything from the chained history and name every difference.

The history (`transactions`, `postings`, `block_events`) is the ledger; every other table is
derived from it and recomputed here:

1. the chain: every entry's hash recomputes from its header (every column), its postings (with
   `balance_after`) and its block events, and links to the previous one, with no gap in
   sequence; effective dates never decrease; each header agrees with the operation it records
   (what the caller sent: ids, accounts, quantities, beneficiary, reason, claim period, memo,
   agreement, a retirement's purpose, offset target and place, claim FY and override) and with its content hash and fiscal year;
2. each transaction's postings sum to zero per class, its block events move exactly what its
   postings move, and each posting's `balance_after` is the account's running balance;
3. the reference tables (parties, accounts, instruments, credit classes) equal the replay of
   the reference entries, and no credits ever left a retirement or cancellation account;
4. the stored balances (and their posting counts) equal the postings; the balances of each class
   sum to zero over all accounts (issued = held + pending + retired + cancelled + buffer); none
   is negative outside issuance accounts;
5. the serial blocks equal the net effect of the block events, account by account (the
   coverage that the events leave each account equals the blocks it holds), never overlap, and
   cover exactly the serials minted, which the issuances minted in order;
6. the chain head is the last entry;
7. the database's guards (`guards.py`) are all in place, with their definitions, and enabled;
8. each signed checkpoint given matches the history at its sequence number (`checkpoint.py`).

The chain pass (1, 2 and the raw material of 3 to 5) streams the history once, in ranges of
sequence numbers that worker processes may check apart; the rest reads the small derived tables.
"""

from __future__ import annotations

import datetime as dt
import gc
import hashlib
import json
import math
import multiprocessing
import os
import re
import threading
from collections import defaultdict
from collections.abc import Generator, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from itertools import groupby
from operator import itemgetter
from typing import Any

from sqlalchemy import Connection, text

from offset.common.fiscal import fiscal_year
from offset.ledger import guards
from offset.ledger.chain import body, day_text, link
from offset.ledger.database import connect, read_only
from offset.ledger.rows import HEADER_COLUMNS

MAX_ORPHANS = 20  # postings or events without a transaction: the first few are named
# Entries from which workers start by default: below, starting them costs about what they
# save. Forked from the caller they start at once; a forkserver first imports the ledger.
PARALLEL_FROM = {"fork": 100_000, "forkserver": 300_000}
MAX_WORKERS = 8
SNAPSHOT_ID = re.compile(r"[0-9A-Fa-f-]+")  # as pg_export_snapshot() writes them
REFERENCE_KINDS = frozenset({"genesis", "party", "account", "account_status", "class"})
BALANCE_AFTER_RANK = 5  # the place of `_balance_after_problems` among each entry's checks
FINAL_KINDS = frozenset({"retirement", "cancellation"})
_NO_GROUP: tuple[Any, Iterator[Any]] = (None, iter(()))  # past the last row
_COL = {name: i for i, name in enumerate(HEADER_COLUMNS)}
Key = tuple[str, int]


@dataclass(frozen=True)
class Verification:
    """What `verify` found, and what it checked. `state` is what it knows of the history up to
    the head it checked (`states.py`), and `since` the sequence number it began after (0: the
    first entry)."""

    problems: list[str]
    entries: int
    postings: int
    head_seq: int
    head_hash: str
    state: ChainPart | None = None
    since: int = 0

    def summary(self) -> str:
        return (
            f"{self.entries:,} entries, {self.postings:,} postings,"
            f" head seq {self.head_seq} hash {self.head_hash or '-'}"
        )


def verify(
    conn: Connection,
    url: str | None = None,
    workers: int | None = 1,
    checkpoints: tuple[Any, ...] = (),
    since: ChainPart | None = None,
) -> Verification:
    """Every discrepancy found, in words (none: the books verify). `url` and `workers` (None:
    as many as there are CPUs, up to 8, for large ledgers): see `_chain`. `conn` must not have
    begun a transaction; `checkpoints` are loaded `checkpoint.Checkpoint`s.

    Writers go on meanwhile, and every check still reads one committed state. This process
    reads one snapshot (`read_only`: a WAL snapshot on SQLite, REPEATABLE READ on PostgreSQL).
    Worker processes check the entries up to the last one committed before they start, which no
    later commit changes (history is append-only); this process checks the entries after it, in
    its snapshot. On PostgreSQL the workers also read this process's snapshot, exported as
    `pg_dump -j` does.

    With `since` (the state kept at a checkpoint, `states.py`), the chain is checked from the
    entry after it on, and joined to that state: the books' checks then see the whole history,
    though only what came after was read."""
    read_only(conn)
    last = int(conn.execute(text("SELECT COALESCE(MAX(seq), 0) FROM transactions")).scalar_one())
    conn.rollback()  # no SQLite lock held while workers fork: they must not inherit one
    chain = _chain(conn, url, workers, last, since)
    next(chain)  # worker processes (if any) start on the chain now
    try:
        tables = _tables(conn)
        part = next(chain)
        problems = [words for _, _, words in part.problems]
        problems += _books(conn, part, tables) + _guards(conn)
        problems += _checkpoints(conn, checkpoints)
        head_seq, head_hash = tables.head[:2]
        begun = 0 if since is None else since.expected_seq - 1
        return Verification(
            problems, part.entries, part.posting_count, head_seq, head_hash, part, begun
        )
    finally:
        chain.close()


# --- the chain pass -----------------------------------------------------------------------


@dataclass
class ChainPart:
    """What one range of sequence numbers holds, checked: its problems, and what the checks
    of the whole ledger need from it."""

    problems: list[tuple[int, int, str]] = field(default_factory=list)  # (seq, check, words)
    expected_seq: int = 1  # the sequence number the next entry must have
    last_hash: str = ""  # the stored hash of the last entry seen
    last_effective: str = ""  # and its effective date (ISO)
    orphans: list[int] = field(default_factory=list)  # seqs of rows with no entry
    entries: int = 0
    posting_count: int = 0
    opening: dict[Key, tuple[int, int, int]] = field(default_factory=dict)  # seq, amount, after
    closing: dict[Key, int] = field(default_factory=dict)  # balance_after of its last posting
    counts: dict[Key, int] = field(default_factory=dict)  # postings
    sums: dict[Key, int] = field(default_factory=dict)  # of amounts
    coverage: dict[Key, dict[int, int]] = field(default_factory=dict)  # see `_cover`
    minted: list[tuple[int, int, int, int]] = field(default_factory=list)  # class, start, stop, seq
    sent: set[Key] = field(default_factory=set)  # (account, class) that credits left
    references: list[tuple[int, str, str]] = field(default_factory=list)  # seq, kind, operation


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
    heads, posts, moves = connection.cursor(), connection.cursor(), connection.cursor()
    if lo is not None:  # start from the last entry before the range, as one pass would
        heads.execute(
            "SELECT seq, hash, effective_date FROM transactions"
            f" WHERE seq < {lo} ORDER BY seq DESC LIMIT 1"
        )
        before = heads.fetchone()
        if before is not None:
            previous, part.expected_seq = before[1], before[0] + 1
            effective_before = day_text(before[2])
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
    for row in heads:
        seq = row[0]
        own_postings = postings.take(seq)
        own_postings.sort()  # the database may hand them out in any order within their entry
        own_events = events.take(seq)
        part.entries += 1
        where = _where(row)
        effective = day_text(row[_COL["effective_date"]])
        # Each check's problems are tagged with the entry and the check's place, so that the
        # report reads the same whether the chain was checked in one range or several.
        for rank, problems in enumerate(
            (
                _sequence_problems(part, seq),
                _link_problems(row, previous, own_postings, own_events, where),
                _date_problems(effective, effective_before, where),
                _header_problems(row, where),
                _unbalanced(seq, own_postings),
                _balance_after_problems(part, seq, own_postings),
                _flow(row, where, own_postings, own_events),
            )
        ):
            part.problems += [(seq, rank, problem) for problem in problems]
        part.expected_seq = seq + 1
        effective_before = effective
        _accumulate(part, seq, own_postings)
        _cover(part, row, own_events)
        if row[_COL["kind"]] in REFERENCE_KINDS:
            part.references.append((seq, row[_COL["kind"]], row[_COL["operation"]]))
        previous = row[_COL["hash"]]
    postings.drain()
    events.drain()
    part.last_hash, part.last_effective = previous, effective_before
    for cursor in (heads, posts, moves):
        cursor.close()
    return part


class _Stream:
    """Rows of a history table, read in sequence order beside the headers: the rows of one
    entry at a time; rows of no entry are orphans."""

    def __init__(self, cursor: Any, part: ChainPart) -> None:
        self.groups = groupby(cursor, itemgetter(0))
        self.seq, self.group = next(self.groups, _NO_GROUP)
        self.part = part

    def take(self, seq: int) -> list[tuple[Any, ...]]:
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


def _sequence_problems(part: ChainPart, seq: int) -> list[str]:
    if seq != part.expected_seq:
        return [f"sequence gap: expected {part.expected_seq}, found {seq}"]
    return []


def _link_problems(
    row: tuple[Any, ...], previous: str, postings: list[Any], events: list[Any], where: str
) -> list[str]:
    """The entry links to the previous one, and its hash recomputes from all it holds."""
    problems = []
    if row[_COL["prev_hash"]] != previous:
        problems.append(f"{where}: prev_hash does not match the previous hash")
    if link(previous, body(row, postings, events)) != row[_COL["hash"]]:
        problems.append(
            f"{where}: hash does not recompute (altered header, postings or block events)"
        )
    return problems


def _date_problems(effective: str, before: str, where: str) -> list[str]:
    if effective < before:
        return [f"{where}: effective {effective} is before {before}"]
    return []


def _where(row: tuple[Any, ...]) -> str:
    tx_id = row[_COL["id"]]
    name = f"transaction {tx_id}" if tx_id is not None else f"{row[_COL['kind']]} entry"
    return f"{name} (seq {row[0]})"


# Header columns that an operation gives verbatim (None where it has no such field), by the
# operation's field name.
_VERBATIM = {
    "id": "id",
    "agreement": "agreement",
    "beneficiary": "beneficiary",
    "reason": "reason",
    "claim_period": "claim_period",
    "purpose": "purpose",  # a retirement's use (revision 0006)
    "offset_target": "offset_target",
    "offset_place": "offset_place",
    "claim_fy": "claim_fy",
    "override": "rule_override",
    "of": "reverses",
    "reservation": "resolves",
}
_FROM_TO = {  # kinds whose `from` / `to` fields are the header's accounts
    "transfer": ("from_account", "to_account"),
    "reserve": ("from_account", "to_account"),
    "retire": ("from_account", None),
    "cancel": ("from_account", None),
    "issue": (None, "to_account"),
}


def _header_problems(row: tuple[Any, ...], where: str) -> list[str]:
    """The header agrees with the operation it records (which the hash pins as the caller sent
    it), with its content hash and with its fiscal year."""
    problems = []
    operation = row[_COL["operation"]]
    if hashlib.sha256(operation.encode()).hexdigest() != row[_COL["content_hash"]]:
        problems.append(f"{where}: content_hash is not the operation's hash")
    effective = row[_COL["effective_date"]]
    day = dt.date.fromisoformat(effective) if isinstance(effective, str) else effective
    if row[_COL["fiscal_year"]] != fiscal_year(day):
        problems.append(f"{where}: fiscal_year is not the FY of {day_text(effective)}")
    try:
        op = json.loads(operation)
    except ValueError:
        return [*problems, f"{where}: the operation is not JSON"]
    kind = row[_COL["kind"]]
    if op.get("op") != kind:
        return [*problems, f"{where}: the operation is a {op.get('op')!r}, the header a {kind!r}"]
    if kind in REFERENCE_KINDS:
        return problems
    differ = [c for name, c in _VERBATIM.items() if op.get(name) != row[_COL[c]]]
    if op.get("memo", "") != row[_COL["memo"]]:
        differ.append("memo")
    given = op.get("effective_date")
    if given is not None and given != day_text(effective):
        differ.append("effective_date")
    if op.get("quantity") is not None and op["quantity"] != row[_COL["quantity"]]:
        differ.append("quantity")
    source, destination = _FROM_TO.get(kind, (None, None))
    if source and op.get("from") != row[_COL[source]]:
        differ.append(source)
    if destination and op.get("to") != row[_COL[destination]]:
        differ.append(destination)
    if kind == "issue":
        if op.get("buffer", 0) != row[_COL["buffer"]]:
            differ.append("buffer")
        stored = row[_COL["source"]]
        if (None if stored is None else json.loads(stored)) != op.get("source"):
            differ.append("source")
    if differ:
        problems.append(f"{where}: {', '.join(sorted(set(differ)))} differ from its operation")
    return problems


def _unbalanced(seq: int, postings: list[tuple[Any, ...]]) -> list[str]:
    """Each transaction's postings sum to zero per class."""
    if len(postings) == 2 and postings[0][2] == postings[1][2]:  # most transactions: one move
        total = postings[0][3] + postings[1][3]
        return [] if total == 0 else [_unbalanced_class(seq, postings[0][2], total)]
    sums: dict[int, int] = defaultdict(int)
    for _, _, class_id, amount, _ in postings:
        sums[class_id] += amount
    return [_unbalanced_class(seq, c, total) for c, total in sorted(sums.items()) if total]


def _unbalanced_class(seq: int, class_id: int, total: int) -> str:
    return f"transaction seq {seq}: postings of class {class_id} sum to {total}, not 0"


def _balance_after_problems(part: ChainPart, seq: int, postings: list[Any]) -> list[str]:
    """Each `balance_after` is the one before plus the amount (the range's first posting of an
    account and class opens it: `join` checks those where the ranges meet)."""
    problems = []
    for _, account, class_id, amount, after in postings:
        before = part.closing.get((account, class_id))
        if before is not None and before + amount != after:
            problems.append(_balance_after(account, class_id, seq, after, before + amount))
    return problems


def _balance_after(account: str, class_id: int, seq: int, after: int, expected: int) -> str:
    return f"posting of {account} class {class_id} (seq {seq}): balance_after {after}, expected {expected}"


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


def _flow(
    row: tuple[Any, ...],
    where: str,
    postings: list[tuple[Any, ...]],
    events: list[tuple[Any, ...]],
) -> list[str]:
    """The serials an entry's events move, account by account, are what its postings move; a
    minted event (no source) is the issuance account's."""
    if not events and not postings:
        return []
    moved: dict[Key, int] = defaultdict(int)
    mints = row[_COL["from_account"]] if row[_COL["kind"]] == "issue" else None
    for _, class_id, start, stop, source, destination in events:
        size = stop - start
        moved[(destination, class_id)] += size
        giver = source if source is not None else mints
        if giver is None:
            return [f"{where}: serials minted outside an issuance"]
        moved[(giver, class_id)] -= size
    posted = {(a, c): n for _, a, c, n, _ in postings}
    if {k: v for k, v in moved.items() if v} != posted:
        return [f"{where}: block events do not move what the postings move"]
    return []


def _cover(part: ChainPart, row: tuple[Any, ...], events: list[tuple[Any, ...]]) -> None:
    """What the events leave each account, as the steps of its coverage function: +1 where a
    received range starts, -1 where it stops, the other way round for a sent one. Summed over
    the history, the steps that remain are exactly the edges of the blocks each account holds."""
    cover = part.coverage  # (account, class) -> {serial: step}; a step that sums to 0 goes
    for _, class_id, start, stop, source, destination in events:
        for account, sign in ((destination, 1), (source, -1)):
            if account is None:  # minted: the serials begin here
                part.minted.append((class_id, start, stop, row[0]))
                continue
            steps = cover.get((account, class_id))
            if steps is None:
                steps = cover[(account, class_id)] = {}
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


def _check_links_of(url: str, lo: int | None, hi: int | None, snapshot: str | None) -> ChainPart:
    """`check_links` in a worker process, on its own connection (PostgreSQL: in the caller's
    exported `snapshot`)."""
    engine = connect(url)
    try:
        with engine.connect() as conn:
            if snapshot is not None:
                if not SNAPSHOT_ID.fullmatch(snapshot):  # inlined below: SET takes no parameter
                    raise ValueError(f"not a snapshot id: {snapshot!r}")
                read_only(conn).execute(text(f"SET TRANSACTION SNAPSHOT '{snapshot}'"))
            return check_links(conn.connection.driver_connection, lo, hi)
    finally:
        engine.dispose()


def _runs_alone() -> bool:
    return threading.active_count() == 1


def _process_context() -> multiprocessing.context.BaseContext:
    """`fork` where only this thread runs (the CLI): the workers start at once with the ledger
    already imported. Elsewhere (a server's threads may hold locks a fork would copy)
    `forkserver`, preloaded with the ledger so that each worker need not import it again (about
    half a second); the server itself starts once per process, at the first parallel verify."""
    if _runs_alone() and "fork" in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("fork")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["offset.ledger.verify"])  # effective when the server starts
    return context


def _export_snapshot(conn: Connection) -> str | None:
    """PostgreSQL: begin this process's snapshot and name it for the workers. SQLite cannot
    share one; there it begins at the next statement."""
    if conn.dialect.name != "postgresql":
        return None
    return str(conn.execute(text("SELECT pg_export_snapshot()")).scalar_one())


def _chain(
    conn: Connection, url: str | None, workers: int | None, last: int, since: ChainPart | None
) -> Generator[Any]:
    """Check the whole chain; the joined `ChainPart` comes at the second `next`. The rows come
    through the raw DB-API cursor: this is the one place that reads all history, and
    SQLAlchemy's row objects would triple its cost. With `workers` > 1 (and a URL other processes
    can open), the entries up to `last` are checked in ranges of sequence numbers in that many
    processes, started at the first `next` so that they run while this process reads the
    derived tables; this process then checks the entries after `last` (committed meanwhile)."""
    context = _process_context()
    first = 1 if since is None else since.expected_seq  # the first entry to read
    seed = [] if since is None else [since]
    if workers is None:
        large = last - first + 1 >= PARALLEL_FROM[context.get_start_method()]
        workers = min(os.cpu_count() or 1, MAX_WORKERS) if large else 1
    if workers > 1 and url is not None and last >= first:
        snapshot = _export_snapshot(conn)
        span = last - first + 1
        cuts = [first + span * k // workers for k in range(1, workers)]
        with ProcessPoolExecutor(workers, mp_context=context) as pool:
            # Forked workers start at the first submit. Frozen, this process's objects are
            # never collected in them: an unreachable connection finalised there would close
            # this process's socket to the server.
            gc.freeze()
            try:
                futures = [
                    pool.submit(_check_links_of, url, lo, hi, snapshot)
                    for lo, hi in zip([first, *cuts], [*cuts, last + 1], strict=True)
                ]
            finally:
                gc.unfreeze()
            yield None
            after = check_links(conn.connection.driver_connection, last + 1)
            parts = [*(future.result() for future in futures), after]
    else:
        yield None
        parts = [check_links(conn.connection.driver_connection, first)]
    yield join([*seed, *parts])


def _add_steps(steps: dict[int, int], more: Iterable[tuple[int, int]]) -> None:
    for point, step in more:
        value = steps.get(point, 0) + step
        if value:
            steps[point] = value
        else:
            steps.pop(point, None)


def _opening_problems(whole: ChainPart, part: ChainPart) -> list[tuple[int, int, str]]:
    """Where a range begins, each account's first `balance_after` continues the last one
    before it (zero for the first range): the same check, and words, as within a range."""
    problems = []
    for (account, class_id), (seq, amount, after) in part.opening.items():
        expected = whole.closing.get((account, class_id), 0) + amount
        if expected != after:
            problems.append(
                (seq, BALANCE_AFTER_RANK, _balance_after(account, class_id, seq, after, expected))
            )
    return problems


def join(parts: list[ChainPart]) -> ChainPart:
    """The parts of consecutive ranges as one: their problems, and the running balances joined
    where one range ends and the next begins."""
    whole = ChainPart()
    for part in parts:
        whole.problems += part.problems
        whole.orphans += part.orphans
        whole.entries += part.entries
        whole.posting_count += part.posting_count
        whole.problems += _opening_problems(whole, part)
        whole.closing.update(part.closing)
        for key, count in part.counts.items():
            whole.counts[key] = whole.counts.get(key, 0) + count
            whole.sums[key] = whole.sums.get(key, 0) + part.sums[key]
        for key, steps in part.coverage.items():
            _add_steps(whole.coverage.setdefault(key, {}), steps.items())
        whole.minted += part.minted
        whole.sent |= part.sent
        whole.references += part.references
        whole.expected_seq, whole.last_hash = part.expected_seq, part.last_hash
        whole.last_effective = part.last_effective or whole.last_effective
    whole.problems.sort(key=lambda problem: problem[:2])
    whole.problems += [(0, 0, problem) for problem in _orphan_problems(whole.orphans)]
    return whole


def _orphan_problems(orphans: list[int]) -> list[str]:
    return [
        f"postings or block events of seq {seq} belong to no entry"
        for seq in sorted(set(orphans))[:MAX_ORPHANS]
    ]


# --- the derived tables ---------------------------------------------------------------------


@dataclass(frozen=True)
class Tables:
    """The derived tables, read in this process's snapshot."""

    head: tuple[int, str, str]  # seq, hash, effective date (ISO, or "")
    parties: dict[str, tuple[Any, ...]]
    accounts: dict[str, tuple[Any, ...]]
    instruments: dict[str, bool]
    classes: dict[int, tuple[Any, ...]]
    balances: dict[Key, tuple[int, int]]  # quantity, version
    blocks: list[tuple[int, int, int, str]]  # class, start, stop, account, by class and start


def _tables(conn: Connection) -> Tables:
    q = conn.execute
    seq, head_hash, effective = q(
        text("SELECT seq, hash, effective_date FROM ledger_head WHERE id = 1")
    ).one()
    return Tables(
        head=(int(seq), str(head_hash), day_text(effective) if effective else ""),
        parties={
            r[0]: tuple(r[1:])
            for r in q(text("SELECT id, kind, name, jis_code, prefecture FROM parties"))
        },
        accounts={
            r[0]: tuple(r[1:]) for r in q(text("SELECT id, party_id, kind, status FROM accounts"))
        },
        instruments={
            r[0]: bool(r[1]) for r in q(text("SELECT name, transferable FROM instruments"))
        },
        classes={
            int(r[0]): (r[1], r[2], int(r[3]), r[4], int(r[5]))
            for r in q(
                text(
                    "SELECT id, instrument, project, vintage, methodology, next_serial"
                    " FROM credit_classes"
                )
            )
        },
        balances={
            (r[0], int(r[1])): (int(r[2]), int(r[3]))
            for r in q(text("SELECT account_id, class_id, quantity, version FROM balances"))
        },
        blocks=[
            (int(c), int(s), int(e), a)
            for c, s, e, a in q(
                text(
                    "SELECT class_id, start, stop, account_id FROM blocks ORDER BY class_id, start"
                )
            )
        ],
    )


def _books(conn: Connection, part: ChainPart, tables: Tables) -> list[str]:
    """Checks 3 to 6: the derived tables against what the chain pass found."""
    replay = _replay(part.references)
    kinds = {account: values[1] for account, values in replay.accounts.items()}
    return (
        _reference_problems(replay, tables)
        + _finality_problems(part, kinds)
        + _stored_balance_problems(part, tables)
        + _balance_rule_problems(tables, kinds)
        + _coverage_problems(part, tables)
        + _minting_problems(part, tables)
        + _layout_problems(tables)
        + _held_problems(tables, kinds)
        + _head_problems(part, tables)
    )


def _reference_problems(replay: Replay, tables: Tables) -> list[str]:
    """The reference tables are what the reference entries left."""
    classes = {c: v[:4] for c, v in tables.classes.items()}
    return (
        replay.problems
        + _compare("party", replay.parties, tables.parties)
        + _compare("account", replay.accounts, tables.accounts)
        + _compare("instrument", replay.instruments, tables.instruments)
        + _compare("credit class", replay.classes, classes)
    )


def _finality_problems(part: ChainPart, kinds: dict[str, str]) -> list[str]:
    """No credits ever left a retirement or cancellation account (by its recorded kind)."""
    return [
        f"credits of class {class_id} left {account}, a {kinds[account]} account"
        for account, class_id in sorted(part.sent)
        if kinds.get(account) in FINAL_KINDS
    ]


def _head_problems(part: ChainPart, tables: Tables) -> list[str]:
    seq, head_hash, effective = tables.head
    if (seq, head_hash, effective) != (part.expected_seq - 1, part.last_hash, part.last_effective):
        return [
            f"ledger head (seq {seq}) does not match the last entry (seq {part.expected_seq - 1})"
        ]
    return []


@dataclass
class Replay:
    parties: dict[str, tuple[Any, ...]] = field(default_factory=dict)
    accounts: dict[str, tuple[Any, ...]] = field(default_factory=dict)
    instruments: dict[str, bool] = field(default_factory=dict)
    classes: dict[int, tuple[Any, ...]] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)


def _replay(references: list[tuple[int, str, str]]) -> Replay:
    """The reference tables as the reference entries leave them."""
    out = Replay()
    for seq, kind, operation in references:
        try:
            change = json.loads(operation)
            if kind == "genesis":
                out.instruments.update(change["instruments"])
            elif kind == "party":
                out.parties[change["party"]] = (
                    change["kind"],
                    change["name"],
                    change["jis_code"],
                    change["prefecture"],
                )
            elif kind == "account":
                if change["account"] in out.accounts:
                    out.problems.append(
                        f"account entry (seq {seq}): {change['account']} opened twice"
                    )
                out.accounts[change["account"]] = (
                    change["party"],
                    change["kind"],
                    change["status"],
                )
            elif kind == "account_status":
                party, account_kind, _ = out.accounts[change["account"]]
                out.accounts[change["account"]] = (party, account_kind, change["status"])
            else:
                out.classes[int(change["class_id"])] = (
                    change["instrument"],
                    change["project"],
                    int(change["vintage"]),
                    change["methodology"],
                )
        except (ValueError, KeyError, TypeError):
            out.problems.append(f"{kind} entry (seq {seq}): not a valid reference change")
    return out


def _compare(what: str, expected: dict[Any, Any], stored: dict[Any, Any]) -> list[str]:
    problems = []
    for key in sorted(set(expected) | set(stored), key=str):
        if key not in stored:
            problems.append(f"{what} {key}: in the history, missing from its table")
        elif key not in expected:
            problems.append(f"{what} {key}: in its table, never recorded in the history")
        elif stored[key] != expected[key]:
            problems.append(
                f"{what} {key}: the table holds {stored[key]}, the history {expected[key]}"
            )
    return problems


def _stored_balance_problems(part: ChainPart, tables: Tables) -> list[str]:
    """Each stored balance is the sum of its postings, its last `balance_after`, and its
    version their count."""
    problems = []
    for key in sorted(set(tables.balances) | set(part.sums)):
        value, version = tables.balances.get(key, (0, 0))
        total, count = part.sums.get(key, 0), part.counts.get(key, 0)
        where = f"balance {key[0]} class {key[1]}"
        if value != total:
            problems.append(f"{where}: stored {value}, postings sum to {total}")
        if part.closing.get(key, 0) != value:
            problems.append(
                f"{where}: stored {value}, last balance_after {part.closing.get(key, 0)}"
            )
        if version != count:
            problems.append(f"{where}: version {version}, {count} postings")
    return problems


def _balance_rule_problems(tables: Tables, kinds: dict[str, str]) -> list[str]:
    """Each class sums to zero over all accounts; no balance outside issuance is negative."""
    problems = []
    per_class: dict[int, int] = defaultdict(int)
    for (account, class_id), (value, _) in sorted(tables.balances.items()):
        per_class[class_id] += value
        if value < 0 and kinds.get(account) != "issuance":
            problems.append(f"balance {account} class {class_id} is negative: {value}")
    problems += [
        f"class {class_id}: balances sum to {total}, not 0 (credits created or lost)"
        for class_id, total in sorted(per_class.items())
        if total
    ]
    return problems


def _coverage_problems(part: ChainPart, tables: Tables) -> list[str]:
    """Each account's blocks are exactly what the block events left it: the edges of its
    blocks cancel the steps of its coverage (`_cover`), and none is left over."""
    edges = {key: dict(steps) for key, steps in part.coverage.items() if steps}
    for class_id, start, stop, account in tables.blocks:
        _add_steps(edges.setdefault((account, class_id), {}), ((start, -1), (stop, 1)))
    left = sorted((key, point) for key, steps in edges.items() for point in steps)
    return [
        f"blocks of {account} class {class_id} differ from what the block events left it"
        f" (at serial {point})"
        for (account, class_id), point in left[:MAX_ORPHANS]
    ]


def _minting_problems(part: ChainPart, tables: Tables) -> list[str]:
    """The issuances of a class minted its serials in order, up to its next serial."""
    problems = []
    minted: dict[int, list[tuple[int, int, int]]] = defaultdict(list)
    for class_id, start, stop, seq in part.minted:
        minted[class_id].append((seq, start, stop))
    for class_id, values in sorted(tables.classes.items()):
        cursor = 0
        for _, start, stop in sorted(minted.get(class_id, [])):
            if start != cursor:
                problems.append(f"class {class_id}: minted [{start}, {stop}) after {cursor}")
            cursor = stop
        if cursor != values[4]:
            problems.append(
                f"class {class_id}: {cursor} serials minted, but next_serial is {values[4]}"
            )
    return problems


def _layout_problems(tables: Tables) -> list[str]:
    """Blocks never overlap, and cover exactly the serials issued of their class."""
    problems = []
    by_class: dict[int, list[tuple[int, int, str]]] = defaultdict(list)
    for class_id, start, stop, account in tables.blocks:
        by_class[class_id].append((start, stop, account))
    for class_id, values in sorted(tables.classes.items()):
        cursor = 0
        for start, stop, account in by_class.get(class_id, []):
            if start < cursor:
                problems.append(
                    f"class {class_id}: block [{start}, {stop}) of {account} overlaps serials before {cursor}"
                )
            elif start > cursor:
                problems.append(
                    f"class {class_id}: serials [{cursor}, {start}) are held by no account"
                )
            cursor = max(cursor, stop)
        if cursor != values[4]:
            problems.append(
                f"class {class_id}: blocks end at {cursor}, but {values[4]} serials were issued"
            )
    return problems


def _held_problems(tables: Tables, kinds: dict[str, str]) -> list[str]:
    """Each account's blocks hold its balance (an issuance account: the serials it took back)."""
    problems = []
    held: dict[Key, int] = defaultdict(int)
    for class_id, start, stop, account in tables.blocks:
        held[(account, class_id)] += stop - start
    for (account, class_id), (value, _) in sorted(tables.balances.items()):
        if class_id not in tables.classes:
            continue
        expected = (
            value if kinds.get(account) != "issuance" else tables.classes[class_id][4] + value
        )
        if held.get((account, class_id), 0) != expected:
            problems.append(
                f"blocks of {account} class {class_id} hold {held.get((account, class_id), 0)} serials, expected {expected}"
            )
    return problems


# --- the guards -----------------------------------------------------------------------------

_PG_TRIGGERS = """
SELECT t.tgname, c.relname, t.tgenabled, p.proname, p.prosrc
FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_proc p ON p.oid = t.tgfoid
WHERE NOT t.tgisinternal AND c.relnamespace = current_schema()::regnamespace
"""
_PG_CONSTRAINTS = """
SELECT con.conname, pg_get_constraintdef(con.oid), con.convalidated
FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid
WHERE c.relnamespace = current_schema()::regnamespace AND con.contype IN ('c', 'x')
"""


#: Every check, by name: the tamper suite disables each in turn and finds what it misses.
CHECKS = (
    "_sequence_problems",
    "_link_problems",
    "_date_problems",
    "_header_problems",
    "_unbalanced",
    "_balance_after_problems",
    "_opening_problems",
    "_orphan_problems",
    "_flow",
    "_reference_problems",
    "_finality_problems",
    "_stored_balance_problems",
    "_balance_rule_problems",
    "_coverage_problems",
    "_minting_problems",
    "_layout_problems",
    "_held_problems",
    "_head_problems",
    "_guards",
    "_checkpoints",
)


def _guards(conn: Connection) -> list[str]:
    """Check 7: each guard of `guards.py` is in place, as defined there, and enabled."""
    return _sqlite_guards(conn) if conn.dialect.name == "sqlite" else _postgresql_guards(conn)


def _missing(name: str) -> str:
    return f"guard missing: {name} (the database no longer refuses what it guarded against)"


def _sqlite_guards(conn: Connection) -> list[str]:
    problems = []
    installed = {
        str(name): guards.normal(str(sql))
        for name, sql in conn.execute(
            text("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")
        )
    }
    for name, definition in sorted(guards.sqlite_triggers().items()):
        if name not in installed:
            problems.append(_missing(name))
        elif installed[name] != definition:
            problems.append(f"guard changed: {name} is not the trigger the ledger installed")
    tables = {
        str(name): guards.normal(str(sql))
        for name, sql in conn.execute(
            text("SELECT name, sql FROM sqlite_master WHERE type = 'table'")
        )
    }
    for table, (name, check) in sorted(guards.CHECKS.items()):
        if f"CONSTRAINT {name} CHECK ({check})" not in tables.get(table, ""):
            problems.append(_missing(name))
    return problems


def _postgresql_guards(conn: Connection) -> list[str]:
    problems = []
    triggers = {str(r[0]): r for r in conn.execute(text(_PG_TRIGGERS))}
    functions = guards.postgresql_functions()
    for name, function in sorted(guards.postgresql_triggers().items()):
        trigger = triggers.get(name)
        if trigger is None:
            problems.append(_missing(name))
            continue
        _, _, enabled, proname, source = trigger
        if enabled == "D":
            problems.append(f"guard disabled: {name} (ALTER TABLE ... DISABLE TRIGGER)")
        if proname != function or guards.normal(str(source)) != functions[function]:
            problems.append(f"guard changed: {name} no longer runs the ledger's {function}()")
    constraints = {str(r[0]): (str(r[1]), bool(r[2])) for r in conn.execute(text(_PG_CONSTRAINTS))}
    expected = {name: f"CHECK {check}" for name, check in guards.CHECKS.values()}
    expected["blocks_no_overlap"] = guards.EXCLUSION
    for name, definition in sorted(expected.items()):
        found = constraints.get(name)
        if found is None:
            problems.append(_missing(name))
        elif not found[1] or _bare(found[0]) != _bare(definition):
            problems.append(f"guard changed: {name} is not the constraint the ledger installed")
    return problems


def _bare(sql: str) -> str:
    """A constraint's definition without the parentheses PostgreSQL adds when it prints it."""
    return guards.normal(sql.replace("(", " ").replace(")", " "))


def _checkpoints(conn: Connection, checkpoints: tuple[Any, ...]) -> list[str]:
    """Check 8: see `checkpoint.check`."""
    if not checkpoints:
        return []
    from offset.ledger.checkpoint import check

    return [problem for found in checkpoints for problem in check(conn, found)]
