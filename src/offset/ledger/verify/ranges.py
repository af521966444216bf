"""What one range of the chain holds once checked (`ChainPart`), and consecutive ranges joined
into one: their problems, the running balances where one range ends and the next begins, the
coverage the block events leave. A whole history is one range, or several checked apart by
worker processes (`workers.py`); a verified state kept at a checkpoint is one too (`states.py`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np

from offset.common.messages import Msg
from offset.ledger.verify import entries

MAX_ORPHANS = 20  # postings or events without a transaction: the first few are named

Key = tuple[str, int]


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
    event_count: int = 0
    opening: dict[Key, tuple[int, int, int]] = field(default_factory=dict)  # seq, amount, after
    closing: dict[Key, int] = field(default_factory=dict)  # balance_after of its last posting
    counts: dict[Key, int] = field(default_factory=dict)  # postings
    sums: dict[Key, int] = field(default_factory=dict)  # of amounts
    coverage: dict[Key, dict[int, int]] = field(default_factory=dict)  # see `_cover`
    minted: list[tuple[int, int, int, int]] = field(default_factory=list)  # class, start, stop, seq
    sent: set[Key] = field(default_factory=set)  # (account, class) that credits left
    references: list[tuple[int, str, str]] = field(default_factory=list)  # seq, kind, operation
    # reservations still open: id -> (pending account, class, quantity)
    reserved: dict[str, tuple[str, int, int]] = field(default_factory=dict)
    resolved: list[tuple[int, str]] = field(default_factory=list)  # (seq, id) of none open here


def _add_steps(steps: dict[int, int], more: Iterable[tuple[int, int]]) -> None:
    for point, step in more:
        value = steps.get(point, 0) + step
        if value:
            steps[point] = value
        else:
            steps.pop(point, None)


#: Steps from which two coverages are summed in numpy (`merged`) rather than one by one.
MERGED_FROM = 1_000


def merged(steps: dict[int, int], points: np.ndarray, values: np.ndarray) -> dict[int, int]:
    """`steps` with `values` added at `points`, as `_add_steps` adds them one by one (the
    steps that sum to zero dropped), summed in numpy: a new dict."""
    if steps:
        points = np.concatenate([np.fromiter(steps, np.int64, len(steps)), points])
        values = np.concatenate([np.fromiter(steps.values(), np.int64, len(steps)), values])
    if not len(points):
        return {}
    order = np.argsort(points, kind="stable")
    points, values = points[order], values[order]
    starts = np.flatnonzero(np.append(True, points[1:] != points[:-1]))
    sums = np.add.reduceat(values, starts)
    kept = sums != 0
    return dict(zip(points[starts][kept].tolist(), sums[kept].tolist(), strict=True))


def _opening_problems(whole: ChainPart, part: ChainPart) -> list[tuple[int, int, str]]:
    """Where a range begins, each account's first `balance_after` continues the last one
    before it (zero for the first range): the same check, and words, as within a range."""
    problems = []
    for (account, class_id), (seq, amount, after) in part.opening.items():
        expected = whole.closing.get((account, class_id), 0) + amount
        if expected != after:
            problems.append(
                (
                    seq,
                    entries.BALANCE_AFTER_RANK,
                    entries._balance_after(account, class_id, seq, after, expected),
                )
            )
    return problems


def join(parts: list[ChainPart]) -> ChainPart:
    """The parts of consecutive ranges as one: their problems, and the running balances joined
    where one range ends and the next begins."""
    whole = ChainPart()
    for part in parts:
        extend(whole, part)
    whole.problems.sort(key=lambda problem: problem[:2])
    orphans = _orphan_problems(whole.orphans)
    whole.problems += [(0, entries.ORPHAN_RANK, problem) for problem in orphans]
    return whole


def extend(whole: ChainPart, part: ChainPart, joined: bool = True) -> None:
    """`part`, the range right after `whole`'s, added to it. `joined`: `whole` begins the
    history, so that an account's first posting in `part` opens at zero; otherwise (a range
    read in pieces) the openings `whole` does not reach stay openings, for the caller's join."""
    whole.problems += part.problems
    whole.orphans += part.orphans
    whole.entries += part.entries
    whole.posting_count += part.posting_count
    whole.event_count += part.event_count
    if joined:
        whole.problems += _opening_problems(whole, part)
    else:
        reached = {k: v for k, v in part.opening.items() if k in whole.closing}
        whole.problems += _opening_problems(whole, ChainPart(opening=reached))
        for key, value in part.opening.items():
            if key not in whole.closing:
                whole.opening[key] = value
    whole.closing.update(part.closing)
    for key, count in part.counts.items():
        whole.counts[key] = whole.counts.get(key, 0) + count
        whole.sums[key] = whole.sums.get(key, 0) + part.sums[key]
    for key, steps in part.coverage.items():
        held = whole.coverage.setdefault(key, {})
        if len(steps) + len(held) < MERGED_FROM:
            _add_steps(held, steps.items())
        else:  # the same sums, in numpy
            points = np.fromiter(steps, np.int64, len(steps))
            values = np.fromiter(steps.values(), np.int64, len(steps))
            whole.coverage[key] = merged(held, points, values)
    whole.minted += part.minted
    whole.sent |= part.sent
    whole.references += part.references
    for seq, reservation in part.resolved:  # reservations of earlier ranges
        if whole.reserved.pop(reservation, None) is None:
            whole.resolved.append((seq, reservation))
    whole.reserved.update(part.reserved)
    whole.expected_seq, whole.last_hash = part.expected_seq, part.last_hash
    whole.last_effective = part.last_effective or whole.last_effective


def _orphan_problems(orphans: list[int]) -> list[str]:
    return [Msg("verify.orphan", seq=seq) for seq in sorted(set(orphans))[:MAX_ORPHANS]]
