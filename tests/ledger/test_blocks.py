"""Serial blocks: the in-place take and place the journal uses agree with the plain functions."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from offset.ledger.blocks import Block, merge, place, place_into, take, take_from, total


@st.composite
def holdings(draw: st.DrawFn) -> list[Block]:
    """Sorted, merged blocks with gaps between them (what an account holds)."""
    starts = draw(st.lists(st.integers(0, 10_000), min_size=1, max_size=30, unique=True))
    blocks: list[Block] = []
    for start in sorted(starts):
        if blocks and start <= blocks[-1].stop:
            continue
        blocks.append(Block(start, start + draw(st.integers(1, 50))))
    return merge(blocks)


def test_hand_checked() -> None:
    held = [Block(0, 10), Block(20, 25), Block(40, 100)]
    taken = take_from(held, 12)  # all of [0, 10) and [20, 22)
    assert taken == [Block(0, 10), Block(20, 22)]
    assert held == [Block(22, 25), Block(40, 100)]
    place_into(held, [Block(25, 40)])  # fills the gap: one block
    assert held == [Block(22, 100)]
    place_into(held, [Block(0, 10), Block(10, 22)])
    assert held == [Block(0, 100)]


@given(holdings(), st.data())
def test_take_from_is_take_in_place(held: list[Block], data: st.DataObject) -> None:
    quantity = data.draw(st.integers(1, total(held)))
    expected_taken, expected_rest = take(held, quantity)
    taken = take_from(held, quantity)
    assert (taken, held) == (expected_taken, expected_rest)
    assert total(taken) == quantity


@given(holdings(), st.data())
def test_place_into_is_merge(held: list[Block], data: st.DataObject) -> None:
    """Placing what another account took back (serials the holder does not hold) gives the
    merged union, whatever touches what."""
    other = data.draw(holdings())
    free = [b for b in other if all(b.stop <= h.start or h.stop <= b.start for h in held)]
    expected = merge([*held, *free])
    assert place(held, free) == expected
    place_into(held, merge(free))
    assert held == expected


@given(holdings(), st.data())
def test_the_changes_reported_are_the_difference(held: list[Block], data: st.DataObject) -> None:
    """What the store writes (removed, then added) turns the blocks read into the blocks left,
    through a take and a place."""

    def replay(blocks: list[Block], changes: list[tuple[Block, int]]) -> set[Block]:
        now = set(blocks)
        for block, delta in changes:
            (now.add if delta > 0 else now.remove)(block)
        return now

    before = list(held)
    taken_by: list[tuple[Block, int]] = []
    taken = take_from(
        held, data.draw(st.integers(1, total(held))), lambda b, d: taken_by.append((b, d))
    )
    assert replay(before, taken_by) == set(held)
    back = list(held)
    placed_by: list[tuple[Block, int]] = []
    place_into(
        held, [b for piece in taken for b in _halves(piece)], lambda b, d: placed_by.append((b, d))
    )
    assert replay(back, placed_by) == set(held)
    assert held == before  # what was taken, put back in pieces, merges into what was there


def _halves(block: Block) -> list[Block]:
    """A block as two adjacent pieces (when it has two serials or more): placing them makes a
    block, then merges it away, within one place."""
    if block.size < 2:
        return [block]
    middle = block.start + block.size // 2
    return [Block(block.start, middle), Block(middle, block.stop)]
