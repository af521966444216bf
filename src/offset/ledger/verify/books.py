"""The books' checks (3 to 6): the derived tables against what the chain pass found. No
credit ever left a retirement or cancellation account; stored balances are their postings and
sum to zero per class, none negative outside issuance; serial blocks are what the block events
left each account, never overlap, and cover the serials minted in order; the head is the last
entry.
"""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import Connection

from offset.common.messages import Msg
from offset.ledger.planning import FINAL_KINDS
from offset.ledger.verify import tables as reference
from offset.ledger.verify.ranges import MAX_ORPHANS, ChainPart, Key, _add_steps
from offset.ledger.verify.report import Discrepancy
from offset.ledger.verify.tables import Tables, replayed


def _books(conn: Connection, part: ChainPart, tables: Tables) -> list[Discrepancy]:
    """Checks 3 to 6: the derived tables against what the chain pass found, each problem a
    record named for its check."""
    replay = replayed(part.references)
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
        Msg("verify.finality", class_id=class_id, account=account, kind=kinds[account])
        for account, class_id in sorted(part.sent)
        if kinds.get(account) in FINAL_KINDS
    ]


def _head_problems(part: ChainPart, tables: Tables) -> list[str]:
    seq, head_hash, effective = tables.head
    if (seq, head_hash, effective) != (part.expected_seq - 1, part.last_hash, part.last_effective):
        return [Msg("verify.head", seq=seq, last=part.expected_seq - 1)]
    return []


def _stored_balance_problems(part: ChainPart, tables: Tables) -> list[str]:
    """Each stored balance is the sum of its postings, its last `balance_after`, and its
    version their count."""
    problems: list[str] = []
    for key in sorted(set(tables.balances) | set(part.sums)):
        value, version = tables.balances.get(key, (0, 0))
        total, count = part.sums.get(key, 0), part.counts.get(key, 0)
        where = Msg("verify.balance", account=key[0], class_id=key[1])
        if value != total:
            problems.append(Msg("verify.stored_sum", where=where, value=value, total=total))
        if (last := part.closing.get(key, 0)) != value:
            problems.append(Msg("verify.stored_last", where=where, value=value, last=last))
        if version != count:
            problems.append(Msg("verify.stored_version", where=where, version=version, count=count))
    return problems


def _balance_rule_problems(tables: Tables, kinds: dict[str, str]) -> list[str]:
    """Each class sums to zero over all accounts; no balance outside issuance is negative."""
    problems: list[str] = []
    per_class: dict[int, int] = defaultdict(int)
    for (account, class_id), (value, _) in sorted(tables.balances.items()):
        per_class[class_id] += value
        if value < 0 and kinds.get(account) != "issuance":
            problems.append(Msg("verify.negative", account=account, class_id=class_id, value=value))
    problems += [
        Msg("verify.class_sum", class_id=class_id, total=total)
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
        Msg("verify.coverage", account=account, class_id=class_id, point=point)
        for (account, class_id), point in left[:MAX_ORPHANS]
    ]


def _minting_problems(part: ChainPart, tables: Tables) -> list[str]:
    """The issuances of a class minted its serials in order, up to its next serial."""
    problems: list[str] = []
    minted: dict[int, list[tuple[int, int, int]]] = defaultdict(list)
    for class_id, start, stop, seq in part.minted:
        minted[class_id].append((seq, start, stop))
    for class_id, values in sorted(tables.classes.items()):
        cursor = 0
        for _, start, stop in sorted(minted.get(class_id, [])):
            if start != cursor:
                problems.append(
                    Msg("verify.minted_after", class_id=class_id, start=start, stop=stop,
                        cursor=cursor)
                )  # fmt: skip
            cursor = stop
        if cursor != values[4]:
            problems.append(
                Msg("verify.next_serial", class_id=class_id, cursor=cursor, next=values[4])
            )
    return problems


def _layout_problems(tables: Tables) -> list[str]:
    """Blocks never overlap, and cover exactly the serials issued of their class."""
    problems: list[str] = []
    by_class: dict[int, list[tuple[int, int, str]]] = defaultdict(list)
    for class_id, start, stop, account in tables.blocks:
        by_class[class_id].append((start, stop, account))
    for class_id, values in sorted(tables.classes.items()):
        cursor = 0
        for start, stop, account in by_class.get(class_id, []):
            if start < cursor:
                problems.append(
                    Msg("verify.overlap", class_id=class_id, start=start, stop=stop,
                        account=account, cursor=cursor)
                )  # fmt: skip
            elif start > cursor:
                problems.append(Msg("verify.unheld", class_id=class_id, cursor=cursor, start=start))
            cursor = max(cursor, stop)
        if cursor != values[4]:
            problems.append(
                Msg("verify.blocks_end", class_id=class_id, cursor=cursor, issued=values[4])
            )
    return problems


def _held_problems(tables: Tables, kinds: dict[str, str]) -> list[str]:
    """Each account's blocks hold its balance (an issuance account: the serials it took back)."""
    problems: list[str] = []
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
                Msg("verify.held", account=account, class_id=class_id,
                    held=held.get((account, class_id), 0), expected=expected)
            )  # fmt: skip
    return problems


def _pending_problems(part: ChainPart, tables: Tables, kinds: dict[str, str]) -> list[str]:
    """Each pending account holds exactly its open reservations, and a post or void resolves a
    reservation that was open (once)."""
    problems: list[str] = [
        Msg("verify.resolves", seq=seq, reservation=reservation)
        for seq, reservation in sorted(part.resolved)
    ]
    expected: dict[Key, int] = defaultdict(int)
    for reservation, (account, class_id, quantity) in sorted(part.reserved.items()):
        if kinds.get(account) != "pending":
            problems.append(Msg("verify.reservation_nowhere", reservation=reservation))
        expected[(account, class_id)] += quantity
    pending = {key for key in tables.balances if kinds.get(key[0]) == "pending"}
    for key in sorted(pending | {k for k in expected if kinds.get(k[0]) == "pending"}):
        held = tables.balances.get(key, (0, 0))[0]
        if held != expected.get(key, 0):
            problems.append(
                Msg("verify.pending", account=key[0], class_id=key[1], held=held,
                    expected=expected.get(key, 0))
            )  # fmt: skip
    return problems
