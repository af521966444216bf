"""The books' checks (3 to 6): the derived tables against what the chain pass found. No
credit ever left a retirement or cancellation account; stored balances are their postings and
sum to zero per class, none negative outside issuance; serial blocks are what the block events
left each account, never overlap, and cover the serials minted in order; the head is the last
entry.
"""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import Connection

from offset.ledger.planning import FINAL_KINDS
from offset.ledger.verify import tables as reference
from offset.ledger.verify.ranges import MAX_ORPHANS, ChainPart, Key, _add_steps
from offset.ledger.verify.report import Discrepancy
from offset.ledger.verify.tables import Tables, _replay


def _books(conn: Connection, part: ChainPart, tables: Tables) -> list[Discrepancy]:
    """Checks 3 to 6: the derived tables against what the chain pass found, each problem a
    record named for its check."""
    replay = _replay(part.references)
    kinds = {account: values[1] for account, values in replay.accounts.items()}
    found = (
        ("reference", reference._reference_problems(replay, tables)),
        ("finality", _finality_problems(part, kinds)),
        ("stored_balance", _stored_balance_problems(part, tables)),
        ("balance_rule", _balance_rule_problems(tables, kinds)),
        ("coverage", _coverage_problems(part, tables)),
        ("minting", _minting_problems(part, tables)),
        ("layout", _layout_problems(tables)),
        ("held", _held_problems(tables, kinds)),
        ("pending", _pending_problems(part, tables, kinds)),
        ("head", _head_problems(part, tables)),
    )
    return [Discrepancy(check, words) for check, problems in found for words in problems]


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


def _pending_problems(part: ChainPart, tables: Tables, kinds: dict[str, str]) -> list[str]:
    """Each pending account holds exactly its open reservations, and a post or void resolves a
    reservation that was open (once)."""
    problems = [
        f"transaction seq {seq}: resolves {reservation}, which is not an open reservation"
        for seq, reservation in sorted(part.resolved)
    ]
    expected: dict[Key, int] = defaultdict(int)
    for reservation, (account, class_id, quantity) in sorted(part.reserved.items()):
        if kinds.get(account) != "pending":
            problems.append(f"reservation {reservation}: its credits are in no pending account")
        expected[(account, class_id)] += quantity
    pending = {key for key in tables.balances if kinds.get(key[0]) == "pending"}
    for key in sorted(pending | {k for k in expected if kinds.get(k[0]) == "pending"}):
        held = tables.balances.get(key, (0, 0))[0]
        if held != expected.get(key, 0):
            problems.append(
                f"pending {key[0]} class {key[1]}: holds {held}, its open reservations"
                f" {expected.get(key, 0)}"
            )
    return problems
