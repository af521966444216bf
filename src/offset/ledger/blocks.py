"""Serial blocks: half-open ranges [start, stop) of one credit class, as pure functions."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Iterable, Sequence
from itertools import pairwise
from typing import NamedTuple


class Block(NamedTuple):
    start: int
    stop: int

    @property
    def size(self) -> int:
        return self.stop - self.start


def take(blocks: Sequence[Block], quantity: int) -> tuple[list[Block], list[Block]]:
    """Split off `quantity` serials from the lowest blocks: (taken, rest). Blocks sorted by start."""
    assert quantity > 0
    taken: list[Block] = []
    needed = quantity
    for whole, block in enumerate(blocks):
        if block.size < needed:
            taken.append(block)
            needed -= block.size
        elif block.size == needed:
            return [*taken, block], list(blocks[whole + 1 :])
        else:  # split: the lower part is taken, the rest stays
            rest = Block(block.start + needed, block.stop)
            return [*taken, Block(block.start, rest.start)], [rest, *blocks[whole + 1 :]]
    raise AssertionError("caller checks the balance first")


def merge(blocks: Iterable[Block]) -> list[Block]:
    """Sorted blocks with adjacent ones joined; overlapping blocks are a bug."""
    out: list[Block] = []
    for block in sorted(blocks):
        if out and out[-1].stop == block.start:
            out[-1] = Block(out[-1].start, block.stop)
        else:
            assert not out or out[-1].stop < block.start, f"overlap at {block}"
            out.append(block)
    return out


def total(blocks: Iterable[Block]) -> int:
    return sum(b.size for b in blocks)


#: Told of each block an in-place take or place removes from a holding (-1) or adds to it (+1),
#: in order, so that the store can write the net effect without comparing whole holdings.
Note = Callable[[Block, int], None]


def _ignore(block: Block, delta: int) -> None:
    pass


def take_from(blocks: list[Block], quantity: int, note: Note = _ignore) -> list[Block]:
    """`take`, in place: remove the lowest `quantity` serials from `blocks` and return them."""
    assert quantity > 0
    needed = quantity
    for at, block in enumerate(blocks):
        size = block.stop - block.start
        if size < needed:
            needed -= size
            continue
        taken = blocks[: at + 1]
        for whole in taken:
            note(whole, -1)
        if size > needed:  # split: the lower part is taken, the rest stays
            taken[-1] = Block(block.start, block.start + needed)
            blocks[at] = rest = Block(block.start + needed, block.stop)
            del blocks[:at]
            note(rest, 1)
        else:
            del blocks[: at + 1]
        return taken
    raise AssertionError("caller checks the balance first")


def place_into(blocks: list[Block], pieces: Iterable[Block], note: Note = _ignore) -> None:
    """Add `pieces` (sorted, not overlapping) to `blocks` in place, each merged with the blocks
    it touches. Overlap is a bug (asserted; the database refuses it too)."""
    for piece in pieces:
        start, stop = piece
        at = bisect_left(blocks, piece)
        if at and blocks[at - 1].stop >= start:
            assert blocks[at - 1].stop == start, f"overlap at {piece}"
            at -= 1
            before = blocks.pop(at)
            note(before, -1)
            start = before.start
        if at < len(blocks) and blocks[at].start <= stop:
            assert blocks[at].start == stop, f"overlap at {piece}"
            after = blocks.pop(at)
            note(after, -1)
            stop = after.stop
        joined = piece if (start, stop) == piece else Block(start, stop)
        blocks.insert(at, joined)
        note(joined, 1)


def place(blocks: Sequence[Block], pieces: Iterable[Block]) -> list[Block]:
    """`blocks` with `pieces` added, each merged with the blocks it touches (a new list)."""
    out = list(blocks)
    place_into(out, merge(pieces))
    return out


def from_text(ranges: Iterable[str]) -> list[Block] | None:
    """Serial ranges as printed, inclusive ("0-29", "7"), as sorted blocks; None when a range
    runs backwards or two overlap (adjacent ones are joined)."""
    out = []
    for text in ranges:
        first, _, last = text.partition("-")
        start, stop = int(first), int(last or first) + 1
        if stop <= start:
            return None
        out.append(Block(start, stop))
    out.sort()
    if any(a.stop > b.start for a, b in pairwise(out)):
        return None
    return merge(out)


def as_text(blocks: Iterable[Block]) -> list[str]:
    """Blocks as printed: inclusive ranges, "0-29" (one serial: "7-7")."""
    return [f"{b.start}-{b.stop - 1}" for b in blocks]


def holds(blocks: Sequence[Block], chosen: Iterable[Block]) -> bool:
    """Whether `blocks` (sorted, merged) hold every serial of `chosen`."""
    for piece in chosen:
        at = bisect_left(blocks, Block(piece.start + 1, 0)) - 1
        if at < 0 or not (blocks[at].start <= piece.start and piece.stop <= blocks[at].stop):
            return False
    return True


def take_chosen(blocks: list[Block], chosen: Sequence[Block], note: Note = _ignore) -> list[Block]:
    """Remove the `chosen` serials (held: see `holds`) from `blocks` in place and return them."""
    for piece in chosen:
        at = bisect_left(blocks, Block(piece.start + 1, 0)) - 1
        whole = blocks[at]
        assert whole.start <= piece.start, "the caller checks `holds`"
        assert piece.stop <= whole.stop, "the caller checks `holds`"
        note(whole, -1)
        parts = (Block(whole.start, piece.start), Block(piece.stop, whole.stop))
        rest = [b for b in parts if b.size]
        blocks[at : at + 1] = rest
        for part in rest:
            note(part, 1)
    return list(chosen)
