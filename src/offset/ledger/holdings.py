"""The serial blocks one account holds of one class, kept in memory while a database
transaction writes, with the difference to what the database held when they were read.

A batch of moves then costs one read of each account's blocks and, at the end, one batched
delete and one batched insert of the blocks that changed, however often they changed between.
"""

from __future__ import annotations

from bisect import bisect_left

from offset.ledger.blocks import Block, merge, take


class Holdings:
    def __init__(self, blocks: list[Block]) -> None:
        self.blocks = blocks  # sorted by start, adjacent ones merged (as the database holds them)
        self.added: set[Block] = set()  # in `blocks`, not in the database
        self.removed: set[Block] = set()  # in the database, not in `blocks`
        self.changed = False  # since they were read (`saved` does not reset it)

    def _drop(self, block: Block) -> None:
        self.changed = True
        if block in self.added:
            self.added.discard(block)
        else:
            self.removed.add(block)

    def _add(self, block: Block) -> None:
        self.changed = True
        if block in self.removed:
            self.removed.discard(block)
        else:
            self.added.add(block)

    def take(self, quantity: int) -> list[Block]:
        """Remove and return the lowest `quantity` serials (the caller checked the balance)."""
        taken, rest = take(self.blocks, quantity)
        for block in self.blocks[: len(taken)]:
            self._drop(block)
        if taken[-1] != self.blocks[len(taken) - 1]:  # the last block was split: its rest stays
            self._add(rest[0])
        self.blocks = rest
        return taken

    def place(self, pieces: list[Block]) -> None:
        """Add `pieces`, each merged with the blocks it touches. Overlap is a bug (asserted; the
        database refuses it too)."""
        blocks = self.blocks
        for piece in merge(pieces):
            start, stop = piece
            at = bisect_left(blocks, piece)
            if at and blocks[at - 1].stop >= start:
                assert blocks[at - 1].stop == start, f"overlap at {piece}"
                at -= 1
                start = blocks[at].start
                self._drop(blocks.pop(at))
            if at < len(blocks) and blocks[at].start <= stop:
                assert blocks[at].start == stop, f"overlap at {piece}"
                stop = blocks[at].stop
                self._drop(blocks.pop(at))
            joined = Block(start, stop)
            blocks.insert(at, joined)
            self._add(joined)

    def saved(self) -> None:
        """The database now holds `blocks`."""
        self.added.clear()
        self.removed.clear()
