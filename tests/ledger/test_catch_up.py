"""Two writers on one database (two `Ledger`s, as two server processes have): when one finds
the head moved by the other, it forgets only what the other's entries changed
(`catch_up.py`), and what it still knows stays true.

The state machine (`test_state_machine.py`) runs here with its operations sent by the two
writers in turn, so that nearly every write catches up on the other's: every answer must be
the model's, and balances, conservation, `verify` and the replay must hold as with one writer.
"""

from __future__ import annotations

import functools
import itertools
import shutil
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from offset.ledger import Ledger, catch_up
from offset.ledger.store import Store
from tests.ledger import test_state_machine
from tests.ledger.conftest import holdings, pg_schema, pg_schema_from
from tests.ledger.test_state_machine import LedgerMachine

CLASS = {"project": "forest", "vintage": 2024}


def _transfer(tx: str, source: str, destination: str, quantity: int) -> dict[str, Any]:
    return {"op": "transfer", "id": tx, "from": source, "to": destination, "quantity": quantity}


@pytest.fixture
def two(db_url: str) -> Iterator[tuple[Ledger, Ledger]]:
    """Two writers; a and c hold 50 credits each, b nothing, and `first` knows all three."""
    first = Ledger.open(db_url)
    opened = [
        {"op": "open_account", "account": f"{p}/holding", "party": p, "kind": "holding"}
        for p in "abc"
    ]
    issued = [
        {"op": "issue", "id": f"i-{p}", "to": f"{p}/holding", "instrument": "J-Credit"}
        | {"quantity": 50, **CLASS}
        for p in "ac"
    ]
    assert {r.status for r in first.apply([*opened, *issued])} == {"ok"}
    second = Ledger.open(db_url, migrate=False)
    yield first, second
    first.engine.dispose()
    second.engine.dispose()


@pytest.fixture
def loads(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """How many values of each kind the writers read one at a time (what they did not know)."""
    counted: Counter[str] = Counter()
    for name in ("account", "party", "balance", "blocks", "credit_class", "next_serial"):
        original = getattr(Store, name)

        def spy(self: Store, key: Any, name: str = name, original: Any = original) -> Any:
            counted[name] += 1
            return original(self, key)

        monkeypatch.setattr(Store, name, spy)
    return counted


def _ok(book: Ledger, *ops: dict[str, Any]) -> None:
    assert [r.status for r in book.apply(list(ops))] == ["ok"] * len(ops)


def test_what_the_other_writer_did_not_touch_is_not_read_again(
    two: tuple[Ledger, Ledger], loads: Counter[str]
) -> None:
    first, second = two
    _ok(first, {**_transfer("t1", "a/holding", "b/holding", 1), **CLASS})
    _ok(second, {**_transfer("t2", "c/holding", "b/holding", 2), **CLASS})
    loads.clear()
    _ok(first, {**_transfer("t3", "a/holding", "b/holding", 1), **CLASS})
    # The other's entry moved b's balance (read with the catch-up) and b's serials (read
    # again); a's balance and serials, the accounts and the class were kept.
    assert loads == Counter({"blocks": 1}), loads
    assert holdings(first)["b/holding"] == 4
    assert first.verify() == []


def test_what_the_other_writer_changed_is_read_as_it_stands(two: tuple[Ledger, Ledger]) -> None:
    first, second = two
    _ok(first, {**_transfer("t1", "a/holding", "b/holding", 10), **CLASS})
    # The other writer takes 35 of a's remaining 40 and suspends b; `first` knew both.
    _ok(second, {**_transfer("t2", "a/holding", "c/holding", 35), **CLASS})
    _ok(second, {"op": "account_status", "account": "b/holding", "status": "suspended"})
    [too_much] = first.apply([{**_transfer("t3", "a/holding", "c/holding", 6), **CLASS}])
    assert too_much.status == "insufficient_balance"
    [to_b] = first.apply([{**_transfer("t4", "a/holding", "b/holding", 1), **CLASS}])
    assert to_b.status == "account_closed"
    _ok(first, {**_transfer("t5", "a/holding", "c/holding", 5), **CLASS})
    # The other mints serials of a class `first` minted: `first`'s next ones follow them.
    more = {"op": "issue", "id": "i-c2", "to": "c/holding", "instrument": "J-Credit"}
    _ok(second, {**more, "quantity": 4, **CLASS})
    _ok(first, {**more, "id": "i-a2", "to": "a/holding", "quantity": 5, **CLASS})
    # A class the other created after `first` found it missing, in an account it opened.
    fresh = {**CLASS, "vintage": 2025}
    [early] = first.apply([{**_transfer("t6", "c/holding", "a/holding", 1), **fresh}])
    assert early.status == "unknown_class"
    issue = {"op": "issue", "id": "i-d", "to": "d/holding", "instrument": "J-Credit"}
    _ok(second, {"op": "open_account", "account": "d/holding", "party": "d", "kind": "holding"})
    _ok(second, {**issue, "quantity": 9, **fresh})
    _ok(first, {**_transfer("t7", "d/holding", "a/holding", 4), **fresh})
    # The other's issuance minted serials of the class: `first`'s next ones follow them.
    _ok(first, {**issue, "id": "i-d2", "quantity": 3, **fresh})
    # An id the other recorded, which `first` had looked up as new, is answered as recorded.
    shared = {**_transfer("shared", "c/holding", "a/holding", 1), **CLASS}
    [missing] = first.apply([{**shared, "from": "b/holding"}])
    assert missing.status == "account_closed"
    [by_second] = second.apply([shared])
    [again] = first.apply([shared])
    assert (by_second.status, again.status, again.seq) == ("ok", "exists", by_second.seq)
    assert first.verify() == []
    held = {(r.account, r.vintage): r.quantity for r in first.balances()}
    assert {k: v for k, v in held.items() if not k[0].startswith("issuance")} == {
        ("a/holding", 2024): 50 - 10 - 35 - 5 + 5 + 1,
        ("a/holding", 2025): 4,
        ("b/holding", 2024): 10,
        ("c/holding", 2024): 50 + 35 + 5 + 4 - 1,
        ("d/holding", 2025): 9 - 4 + 3,
    }


def test_more_than_the_catch_up_reads_is_read_again(
    two: tuple[Ledger, Ledger], loads: Counter[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    first, second = two
    monkeypatch.setattr(catch_up, "MAX_ENTRIES", 2)
    _ok(first, {**_transfer("t1", "a/holding", "b/holding", 1), **CLASS})
    for n in range(3):
        _ok(second, {**_transfer(f"s{n}", "a/holding", "c/holding", 10), **CLASS})
    loads.clear()
    [result] = first.apply([{**_transfer("t2", "a/holding", "b/holding", 20), **CLASS}])
    assert result.status == "insufficient_balance"  # 19 left: `first` read a's balance again
    assert loads["balance"] >= 1, loads
    assert loads["account"] >= 1, loads
    assert first.verify() == []


class TwoWriters(LedgerMachine):
    """`LedgerMachine` with its writes sent by two writers in turn."""

    def __init__(self) -> None:
        self._books: list[Ledger] = []
        self._turn = itertools.count()
        super().__init__()
        self._books.append(Ledger.open(self.url, migrate=False))

    @property
    def book(self) -> Ledger:
        return self._books[next(self._turn) % len(self._books)]

    @book.setter
    def book(self, value: Ledger) -> None:
        self._books.append(value)

    def teardown(self) -> None:
        self._books[1].engine.dispose()
        self._books[1:] = []
        super().teardown()


def test_state_machine_with_two_writers_sqlite(tmp_path: Path, new_sqlite_ledger: Path) -> None:
    counter = itertools.count()

    def sqlite() -> Iterator[str]:  # a copy of a new ledger, as the one-writer machine's
        copy = tmp_path / f"{next(counter)}.db"
        shutil.copy(new_sqlite_ledger, copy)
        yield f"sqlite:///{copy}"

    test_state_machine._run(sqlite, 15, TwoWriters)


def test_state_machine_with_two_writers_postgresql(new_postgresql_ledger: str | None) -> None:
    script = new_postgresql_ledger
    new = pg_schema if script is None else functools.partial(pg_schema_from, script)
    test_state_machine._run(new, 8, TwoWriters)
