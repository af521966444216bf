"""The in-memory serial blocks of the write path against the plain functions of `blocks.py`, and
the difference it writes back against the database's rows."""

from __future__ import annotations

import itertools
import json
from typing import Any

from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import text

from offset.ledger import Ledger
from offset.ledger.blocks import Block, merge, take, total
from offset.ledger.holdings import Holdings
from tests.ledger.conftest import serial_blocks

CLASS = {"project": "p", "vintage": 2024}


def test_take_splits_the_lowest_block_and_place_merges_neighbours() -> None:
    held = Holdings([Block(0, 10), Block(20, 30)])
    assert held.take(12) == [Block(0, 10), Block(20, 22)]
    assert held.blocks == [Block(22, 30)]
    held.place([Block(30, 35), Block(10, 22)])  # touches on both sides of the block at 22
    assert held.blocks == [Block(10, 35)]
    # The database holds [0, 10) and [20, 30): both go, [10, 35) comes.
    assert held.removed == {Block(0, 10), Block(20, 30)}
    assert held.added == {Block(10, 35)}


def test_taking_whole_blocks_splits_nothing() -> None:
    held = Holdings([Block(0, 10), Block(20, 30)])
    assert held.take(10) == [Block(0, 10)]
    assert held.blocks == [Block(20, 30)]
    assert held.removed == {Block(0, 10)}
    assert held.added == set()


def test_a_block_that_leaves_and_comes_back_unchanged_writes_nothing() -> None:
    held = Holdings([Block(0, 10)])
    held.place(held.take(10))
    assert held.blocks == [Block(0, 10)]
    assert held.added == set()
    assert held.removed == set()


@st.composite
def sets_of_blocks(draw: st.DrawFn) -> tuple[list[Block], list[Block]]:
    """Two disjoint, non-touching sets of blocks of one class: an account's and some others."""
    cuts = sorted(draw(st.sets(st.integers(0, 400), min_size=2, max_size=30)))
    blocks = [Block(a, b) for a, b in itertools.pairwise(cuts)]
    owner = draw(st.lists(st.booleans(), min_size=len(blocks), max_size=len(blocks)))
    mine = merge(b for b, m in zip(blocks, owner, strict=True) if m)
    others = [b for b, m in zip(blocks, owner, strict=True) if not m]
    return mine, others


@given(sets_of_blocks(), st.data())
def test_moves_agree_with_the_plain_functions_and_the_difference_rebuilds_the_rows(
    start: tuple[list[Block], list[Block]], data: st.DataObject
) -> None:
    mine, free = start
    held = Holdings(list(mine))
    expected = list(mine)
    for _ in range(data.draw(st.integers(0, 8))):
        give = data.draw(st.booleans())
        if expected and give:  # give some away
            quantity = data.draw(st.integers(1, total(expected)))
            pieces = held.take(quantity)
            wanted, expected = take(expected, quantity)
            assert pieces == wanted
            free = merge([*free, *pieces])
        elif free:  # receive some of the serials nobody here holds
            pieces = data.draw(st.lists(st.sampled_from(free), min_size=1, unique=True))
            free = [b for b in free if b not in pieces]
            held.place(pieces)
            expected = merge([*expected, *pieces])
        assert held.blocks == expected
    # What the database held, less what was removed, plus what was added, is what is held now.
    rows = (set(mine) - held.removed) | held.added
    assert held.removed <= set(mine)
    assert not held.added & set(mine)
    assert sorted(rows) == held.blocks


def test_a_writer_rereads_blocks_another_writer_changed(db_url: str) -> None:
    """Each writer remembers the blocks it committed; a change by another writer moves the
    balance version, so the remembered blocks are not used again."""
    first = Ledger.open(db_url)
    second = Ledger.open(db_url, migrate=False)
    accounts = ["a/holding", "b/holding", "c/holding"]
    first.apply(
        [{"op": "open_account", "account": a, "party": a[0], "kind": "holding"} for a in accounts]
    )
    first.apply(
        [
            {"op": "issue", "id": f"i-{a}", "to": a, "instrument": "J-Credit"}
            | {"project": "p", "vintage": 2024, "quantity": 100}
            for a in accounts
        ]
    )
    for n in range(12):  # the writers take turns on the same accounts, batched and one by one
        book = (first, second)[n % 2]
        source, destination = accounts[n % 3], accounts[(n + 1) % 3]
        moves = [
            {"op": "transfer", "id": f"t{n}-{k}", "from": source, "to": destination}
            | {"project": "p", "vintage": 2024, "quantity": 3 + k}
            for k in range(3)
        ]
        results = book.apply(moves, atomic=n % 4 < 2)
        assert [r.status for r in results] == ["ok"] * 3
    assert first.verify() == []
    assert first.block_cache
    assert second.block_cache
    # The serials each account holds are those the plain functions give for the same operations.
    with first.engine.connect() as conn:
        operations = [
            json.loads(op)
            for (op,) in conn.execute(text("SELECT operation FROM transactions ORDER BY seq"))
        ]
    assert serial_blocks(first) == _replayed(operations)
    for book in (first, second):
        book.engine.dispose()


def _replayed(operations: list[dict[str, Any]]) -> list[tuple[str, int, int]]:
    held: dict[str, list[Block]] = {}
    minted = 0
    for op in operations:
        if op["op"] == "issue":
            pieces, minted = [Block(minted, minted + op["quantity"])], minted + op["quantity"]
        else:
            pieces, held[op["from"]] = take(held[op["from"]], op["quantity"])
        held[op["to"]] = merge([*held.get(op["to"], []), *pieces])
    return sorted(
        ((a, b.start, b.stop) for a, blocks in held.items() for b in blocks), key=lambda r: r[1]
    )


def test_a_rejected_batch_leaves_no_blocks_behind_in_the_writer(ledger: Ledger) -> None:
    """The blocks a rejected atomic batch moved in memory are forgotten with it."""
    ledger.apply(
        [{"op": "open_account", "account": a, "party": a[0], "kind": "holding"} for a in "ab"]
    )
    ledger.apply(
        [{"op": "issue", "id": "i", "to": "a", "instrument": "J-Credit", **CLASS, "quantity": 50}]
    )
    move = {"op": "transfer", "from": "a", "to": "b", **CLASS}
    failed = ledger.apply(
        [move | {"id": "m1", "quantity": 10}, move | {"id": "m2", "quantity": 100}], atomic=True
    )
    assert [r.status for r in failed] == ["linked_failed", "insufficient_balance"]
    # Another writer moves the balance versions on to what the rejected batch had reached.
    second = Ledger.on(ledger.engine)
    assert [r.status for r in second.apply([move | {"id": "m3", "quantity": 5}])] == ["ok"]
    assert [r.status for r in ledger.apply([move | {"id": "m4", "quantity": 5}])] == ["ok"]
    assert serial_blocks(ledger) == [("b", 0, 10), ("a", 10, 50)]
    assert ledger.verify() == []
