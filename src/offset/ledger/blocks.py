"""Serial blocks: half-open ranges [start, stop) of one credit class, as pure functions."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
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
