"""The ledger against a plain-Python model, step by step (hypothesis RuleBasedStateMachine).

After every step: each transaction balances; the total per class over all accounts is zero;
issued = held + pending + retired + cancelled + buffer; stored balances equal the model's and
the blocks; no overlap; no negative balance; `verify` finds nothing. At the end: replaying the log
into an empty database reproduces the balances and the hash chain.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import text

from offset.ledger import Ledger
from tests.ledger.conftest import pg_schema

HOLDERS = ["ina/holding", "shinjuku/holding", "minato/holding"]
CLASSES = [
    ("J-Credit", "ina-forest", 2024),
    ("J-Credit", "ina-forest", 2025),
    ("prefectural-certificate", "nagano-cert", 2024),
]
quantities = st.integers(min_value=1, max_value=15)


NEW_DATABASE: list[Callable[[], Iterator[str]]] = []  # set by the test that runs the machine


class LedgerMachine(RuleBasedStateMachine):
    transactions = Bundle("transactions")
    reservations = Bundle("reservations")

    def __init__(self) -> None:
        super().__init__()
        # Each example gets a fresh database: the history tables refuse DELETE, by design.
        self.database = NEW_DATABASE[0]()
        self.url = next(self.database)
        self.book = Ledger.open(self.url)
        self.ids = (f"x{uuid.uuid4().hex[:6]}-{i}" for i in itertools.count())
        self.model: Counter[tuple[str, tuple[str, int]]] = (
            Counter()
        )  # (account, (project, vintage))
        self.ops: dict[str, dict[str, Any]] = {}  # id -> the operation that was accepted
        self.reversed: Counter[str] = Counter()
        self.resolved: set[str] = set()
        self.day = dt.date(2025, 4, 1)

    @initialize()
    def open_accounts(self) -> None:
        for account in HOLDERS:
            party = account.split("/")[0]
            assert (
                self._apply(
                    {"op": "open_account", "account": account, "party": party, "kind": "holding"}
                )
                == "ok"
            )
        for index, cls in enumerate(CLASSES):  # every class exists from the start
            self.issue(HOLDERS[index % 2], cls, 60, 3)

    def _apply(self, op: dict[str, Any]) -> str:
        [result] = self.book.apply([op], today=self.day)
        event(f"{op.get('op')}: {result.status}")  # --hypothesis-show-statistics lists coverage
        return result.status

    def _move(self, source: str, destination: str, credit: tuple[str, int], quantity: int) -> None:
        self.model[(source, credit)] -= quantity
        self.model[(destination, credit)] += quantity

    def _holds(self, account: str, credit: tuple[str, int]) -> int:
        return self.model[(account, credit)]

    @rule(
        target=transactions,
        to=st.sampled_from(HOLDERS),
        cls=st.sampled_from(CLASSES),
        quantity=st.integers(1, 40),
        buffer=st.integers(0, 5),
    )
    def issue(self, to: str, cls: tuple[str, str, int], quantity: int, buffer: int) -> str:
        instrument, project, vintage = cls
        tx = next(self.ids)
        op = {
            "op": "issue",
            "id": tx,
            "to": to,
            "instrument": instrument,
            "project": project,
            "vintage": vintage,
            "quantity": quantity,
            "buffer": buffer,
        }
        status = self._apply(op)
        if buffer > quantity:
            assert status == "invalid_operation"
            return tx
        assert status == "ok", status
        credit = (project, vintage)
        self._move(f"issuance:{project}", to, credit, quantity - buffer)
        if buffer:  # the buffer account is opened by the first issuance that withholds
            self._move(f"issuance:{project}", f"buffer:{instrument}", credit, buffer)
        self.ops[tx] = op
        return tx

    def _expect_move(
        self, op: dict[str, Any], source: str, destination: str, transferable: bool
    ) -> str:
        credit = (op["project"], op["vintage"])
        status = self._apply(op)
        issued = any((op["project"], op["vintage"]) == (c[1], c[2]) for c in CLASSES) and any(
            k[1] == credit for k in self.model
        )
        if not issued:
            assert status == "unknown_class", status
        elif not transferable:
            assert status == "non_transferable", status
        elif self._holds(source, credit) < op["quantity"]:
            assert status == "insufficient_balance", status
        else:
            assert status == "ok", status
            self._move(source, destination, credit, op["quantity"])
            self.ops[op["id"]] = op
        return status

    @rule(
        target=transactions,
        pair=st.permutations(HOLDERS),
        cls=st.sampled_from(CLASSES),
        quantity=quantities,
    )
    def transfer(self, pair: list[str], cls: tuple[str, str, int], quantity: int) -> str:
        op = {
            "op": "transfer",
            "id": next(self.ids),
            "from": pair[0],
            "to": pair[1],
            "project": cls[1],
            "vintage": cls[2],
            "quantity": quantity,
        }
        self._expect_move(op, pair[0], pair[1], cls[0] != "prefectural-certificate")
        return str(op["id"])

    @rule(source=st.sampled_from(HOLDERS), cls=st.sampled_from(CLASSES), quantity=quantities)
    def retire(self, source: str, cls: tuple[str, str, int], quantity: int) -> None:
        party = source.split("/")[0]
        op = {
            "op": "retire",
            "id": next(self.ids),
            "from": source,
            "project": cls[1],
            "vintage": cls[2],
            "quantity": quantity,
            "beneficiary": party,
            "reason": "offset",
        }
        self._expect_move(op, source, f"{party}/retirement", True)

    @rule(
        source=st.sampled_from([*HOLDERS, "buffer:J-Credit"]),
        cls=st.sampled_from(CLASSES),
        quantity=quantities,
    )
    def cancel(self, source: str, cls: tuple[str, str, int], quantity: int) -> None:
        op = {
            "op": "cancel",
            "id": next(self.ids),
            "from": source,
            "project": cls[1],
            "vintage": cls[2],
            "quantity": quantity,
            "reason": "reversal event",
        }
        if source.startswith("buffer:") and not any(k[0] == source for k in self.model):
            assert self._apply(op) in ("unknown_account", "unknown_class")
            return
        self._expect_move(op, source, "cancellation:reversal-event", True)

    @rule(
        target=reservations,
        pair=st.permutations(HOLDERS),
        cls=st.sampled_from(CLASSES[:2]),
        quantity=quantities,
    )
    def reserve(self, pair: list[str], cls: tuple[str, str, int], quantity: int) -> str:
        pending = f"{pair[0].split('/')[0]}/pending"
        op = {
            "op": "reserve",
            "id": next(self.ids),
            "from": pair[0],
            "to": pair[1],
            "project": cls[1],
            "vintage": cls[2],
            "quantity": quantity,
        }
        self._expect_move(op, pair[0], pending, True)
        return str(op["id"])

    @rule(reservation=reservations, part=st.integers(0, 45), void=st.booleans())
    def resolve(self, reservation: str, part: int, void: bool) -> None:
        op: dict[str, Any] = {
            "op": "void" if void else "post",
            "id": next(self.ids),
            "reservation": reservation,
        }
        if not void:
            op["quantity"] = part or None
            op = {k: v for k, v in op.items() if v is not None}
        status = self._apply(op)
        original = self.ops.get(reservation)
        if original is None:
            assert status == "unknown_transaction", status
            return
        if reservation in self.resolved:
            assert status == "reservation_resolved", status
            return
        posted = 0 if void else (part or original["quantity"])
        if posted > original["quantity"]:
            assert status == "exceeds_reservation", status
            return
        assert status == "ok", status
        credit = (original["project"], original["vintage"])
        pending = f"{original['from'].split('/')[0]}/pending"
        self._move(pending, original["to"], credit, posted)
        self._move(pending, original["from"], credit, original["quantity"] - posted)
        self.resolved.add(reservation)

    @rule(of=transactions, quantity=st.one_of(st.none(), quantities))
    def reverse(self, of: str, quantity: int | None) -> None:
        op: dict[str, Any] = {"op": "reverse", "id": next(self.ids), "of": of}
        if quantity is not None:
            op["quantity"] = quantity
        status = self._apply(op)
        original = self.ops.get(of)
        if original is None:
            assert status == "unknown_transaction", status
            return
        if original["op"] in ("retire", "cancel"):
            assert status == "retired_credits", status
            return
        if original["op"] not in ("issue", "transfer"):
            assert status == "not_reversible", status
            return
        total = original["quantity"] - original.get("buffer", 0)
        remaining = total - self.reversed[of]
        asked = remaining if quantity is None else quantity
        source = original["to"]
        destination = (
            original["from"] if original["op"] == "transfer" else f"issuance:{original['project']}"
        )
        credit = (original["project"], original["vintage"])
        if remaining <= 0:
            assert status == "already_reversed", status
        elif asked > remaining:
            assert status == "exceeds_original", status
        elif self._holds(source, credit) < asked:
            assert status == "insufficient_balance", status
        else:
            assert status == "ok", status
            self._move(source, destination, credit, asked)
            self.reversed[of] += asked

    @rule(tx=transactions)
    def replay(self, tx: str) -> None:
        if tx in self.ops:
            assert self._apply(self.ops[tx]) == "exists"
            changed = dict(self.ops[tx], memo="changed")
            assert self._apply(changed) == "id_reused"

    @rule(
        bad=st.sampled_from(
            [
                {"op": "transfer"},
                {"op": "nope", "id": "z"},
                {
                    "op": "issue",
                    "id": "q",
                    "to": "ina/holding",
                    "instrument": "J-Credit",
                    "project": "p",
                    "vintage": 2024,
                    "quantity": -3,
                },
            ]
        )
    )
    def invalid(self, bad: dict[str, Any]) -> None:
        assert self._apply(bad) == "invalid_operation"

    @rule()
    def next_day(self) -> None:
        self.day += dt.timedelta(days=1)

    @invariant()
    def balances_match_the_model(self) -> None:
        stored = {
            (r["account"], (r["project"], r["vintage"])): r["quantity"]
            for r in self.book.balances()
        }
        expected = {k: v for k, v in self.model.items() if v != 0}
        assert stored == expected

    @invariant()
    def conservation(self) -> None:
        per_class: Counter[tuple[str, int]] = Counter()
        for (account, credit), quantity in self.model.items():
            per_class[credit] += quantity
            if not account.startswith("issuance:"):
                assert quantity >= 0
        assert all(v == 0 for v in per_class.values())

    @invariant()
    def verifies(self) -> None:
        assert self.book.verify() == []

    def teardown(self) -> None:
        try:
            replay_matches(self.book, self.url)
        finally:
            self.book.engine.dispose()
            next(self.database, None)  # drop the PostgreSQL schema


def replay_matches(book: Ledger, url: str) -> None:
    """Replaying the stored operations into an empty ledger, in atomic batches, gives the same
    balances and chain head as applying them one by one did."""
    with book.engine.connect() as conn:
        accounts = conn.execute(text("SELECT id, party_id, kind FROM accounts ORDER BY id")).all()
        log = conn.execute(
            text("SELECT operation, effective_date FROM transactions ORDER BY seq")
        ).all()
        head = conn.execute(text("SELECT seq, hash FROM ledger_head")).one()
    if url.startswith("sqlite"):
        target = url.replace(".db", f"-replay-{uuid.uuid4().hex[:6]}.db")
        copy = Ledger.open(target)
        schemas = None
    else:
        schemas = pg_schema()
        copy = Ledger.open(next(schemas))
    try:
        copy.apply(
            [
                {"op": "open_account", "account": a, "party": p, "kind": k}
                for a, p, k in accounts
                if k == "holding" or k == "buffer"
            ]
        )
        # One atomic batch per day: issues, moves, reservations resolved and reversals of
        # transactions recorded earlier in the same batch, as one database transaction.
        for day, batch in itertools.groupby(log, key=lambda row: row[1]):
            today = day if isinstance(day, dt.date) else dt.date.fromisoformat(day)
            operations = [json.loads(operation) for operation, _ in batch]
            results = copy.apply(operations, atomic=True, today=today)
            assert [r.status for r in results] == ["ok"] * len(operations), results
        assert copy.verify() == []
        assert copy.balances() == book.balances()
        with copy.engine.connect() as conn:
            assert tuple(conn.execute(text("SELECT seq, hash FROM ledger_head")).one()) == tuple(
                head
            )
    finally:
        copy.engine.dispose()
        if schemas is not None:
            next(schemas, None)


def _run(new_database: Callable[[], Iterator[str]], examples: int) -> None:
    NEW_DATABASE[:] = [new_database]
    config = settings(
        max_examples=examples,
        stateful_step_count=30,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    run_state_machine_as_test(LedgerMachine, settings=config)


def test_ledger_state_machine_sqlite(tmp_path: Path) -> None:
    def sqlite() -> Iterator[str]:
        yield f"sqlite:///{tmp_path / uuid.uuid4().hex[:8]}.db"

    _run(sqlite, examples=60)


def test_ledger_state_machine_postgresql() -> None:
    _run(pg_schema, examples=15)
