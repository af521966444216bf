"""The ledger against a plain-Python model, step by step (hypothesis RuleBasedStateMachine).

The model (`Model`) holds balances per account and class, the accepted operations, reversals,
resolved reservations and closed accounts, and says what each operation must answer. Steps are
single operations, requests by total (a project's credits whatever their vintage, oldest first,
all or none; sent again, they answer as they first did), atomic batches (issues, transfers, reservations posted and voided, reversals,
and repeats of them inside the batch: a batch must see what it recorded itself), attempts to
open the ledger's own names, and accounts closed and reopened around reversals.

After every step: the ledger's balances equal the model's; every class sums to zero and no
balance outside issuance is negative; `verify` finds nothing (asked again only when the step
changed what is stored: `stored_state`). At the end: replaying the history into an empty ledger,
one atomic batch per day, records the same history.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import itertools
import json
import shutil
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from copy import deepcopy
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    MultipleResults,
    RuleBasedStateMachine,
    initialize,
    invariant,
    multiple,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import inspect, text

from offset.ledger import Ledger
from tests.ledger.conftest import history, pg_schema, pg_schema_from, serial_blocks

HOLDERS = ["ina/holding", "shinjuku/holding", "minato/holding"]
PENDING = ["ina/pending", "shinjuku/pending"]  # opened by the ledger at a party's first reserve
CLASSES = [
    ("J-Credit", "ina-forest", 2024),
    ("J-Credit", "ina-forest", 2025),
    ("prefectural-certificate", "nagano-cert", 2024),
    # A later vintage the project's credits may not be transferred in: a transfer by total
    # reaching it is refused at its last part, after the others were planned (all or none).
    ("prefectural-certificate", "ina-forest", 2026),
]
TRANSFERABLE = {"J-Credit": True, "prefectural-certificate": False}
quantities = st.integers(min_value=1, max_value=15)
Credit = tuple[str, int]


@dataclass
class Model:
    """What the ledger must hold, and answer: the rules written as plainly as possible."""

    held: Counter[tuple[str, Credit]] = field(default_factory=Counter)
    instrument: dict[Credit, str] = field(default_factory=dict)
    ops: dict[str, dict[str, Any]] = field(default_factory=dict)  # accepted transactions
    reversed: Counter[str] = field(default_factory=Counter)
    resolved: set[str] = field(default_factory=set)
    status: dict[str, str] = field(default_factory=dict)  # accounts not open
    accounts: set[str] = field(default_factory=set)
    totals: dict[str, dict[str, Any]] = field(default_factory=dict)  # accepted requests by total

    def move(self, source: str, destination: str, credit: Credit, quantity: int) -> None:
        self.held[(source, credit)] -= quantity
        self.held[(destination, credit)] += quantity
        self.accounts |= {source, destination}

    def _usable(self, account: str, kinds: set[str]) -> str | None:
        kind = _kind(account)
        if account not in self.accounts and kind != "holding":
            return "unknown_account"
        if account in self.status:
            return "account_closed"
        if kind in {"retirement", "cancellation"} - kinds:
            return "retired_credits"
        return None if kind in kinds else "wrong_account_kind"

    def step(self, op: dict[str, Any]) -> str:
        """The status `op` must get; the model moves as the ledger must."""
        if op["op"] in ("retire", "transfer") and "vintage" not in op:
            return self._total(op)
        if op.get("id") in self.ops:
            return "exists" if self.ops[op["id"]] == op else "id_reused"
        status = getattr(self, f"_{op['op']}")(op)
        if status == "ok" and "id" in op:
            self.ops[op["id"]] = op
        return str(status)

    def _total(self, op: dict[str, Any]) -> str:
        """A request by total: split over the project's vintages, oldest first, from what the
        account holds; then each part as the operation it is, all or none. Sent again, it is
        split as it was recorded, whatever the account holds now."""
        if op["id"] in self.totals:
            return "exists" if self.totals[op["id"]] == op else "id_reused"
        vintages = sorted(v for (project, v) in self.instrument if project == op["project"])
        if not vintages:
            return "unknown_class"
        left, split = op["quantity"], []
        for vintage in vintages:
            taken = min(max(self.held[(op["from"], (op["project"], vintage))], 0), left)
            if taken:
                split.append((vintage, taken))
                left -= taken
        if left:
            return "insufficient_balance"
        held, accounts = self.held.copy(), set(self.accounts)
        parts: list[dict[str, Any]] = []
        for number, (vintage, quantity) in enumerate(split, 1):
            part_id = op["id"] if number == 1 else f"{op['id']}.{number}"
            part = op | {"id": part_id, "vintage": vintage, "quantity": quantity}
            status = self.step(part)
            if status != "ok":
                self.held, self.accounts = held, accounts
                for earlier in parts:
                    del self.ops[earlier["id"]]
                return status
            parts.append(part)
        self.totals[op["id"]] = op
        return "ok"

    def _open_account(self, op: dict[str, Any]) -> str:
        return "reserved_name"  # the machine only ever tries names no caller may take

    def _account_status(self, op: dict[str, Any]) -> str:
        if self.status.get(op["account"], "open") == op["status"]:
            return "exists"
        if op["status"] == "open":
            del self.status[op["account"]]
        else:
            self.status[op["account"]] = op["status"]
        return "ok"

    def _issue(self, op: dict[str, Any]) -> str:
        problem = self._usable(op["to"], {"holding"})
        if problem:
            return problem
        if op["buffer"] > op["quantity"]:
            return "invalid_operation"
        credit = (op["project"], op["vintage"])
        self.instrument[credit] = op["instrument"]
        self.move(f"issuance:{op['project']}", op["to"], credit, op["quantity"] - op["buffer"])
        if op["buffer"]:
            self.move(
                f"issuance:{op['project']}", f"buffer:{op['instrument']}", credit, op["buffer"]
            )
        return "ok"

    def _movable(self, op: dict[str, Any], kinds: set[str], transferable: bool) -> str | None:
        credit = (op["project"], op["vintage"])
        return (
            self._usable(op["from"], kinds)
            or (None if credit in self.instrument else "unknown_class")
            or (
                None
                if self.held[(op["from"], credit)] >= op["quantity"]
                else "insufficient_balance"
            )
            or (
                None
                if not transferable or TRANSFERABLE[self.instrument[credit]]
                else "non_transferable"
            )
        )

    def _transfer(self, op: dict[str, Any]) -> str:
        if op["from"] == op["to"]:
            return "same_account"
        problem = self._movable(op, {"holding", "buffer"}, True) or self._usable(
            op["to"], {"holding", "buffer"}
        )
        if problem:
            return problem
        self.move(op["from"], op["to"], (op["project"], op["vintage"]), op["quantity"])
        return "ok"

    def _retire(self, op: dict[str, Any]) -> str:
        problem = self._movable(op, {"holding"}, False)
        if problem:
            return problem
        party = op["from"].split("/")[0]
        self.move(op["from"], f"{party}/retirement", (op["project"], op["vintage"]), op["quantity"])
        return "ok"

    def _cancel(self, op: dict[str, Any]) -> str:
        problem = self._movable(op, {"holding", "buffer"}, False)
        if problem:
            return problem
        self.move(
            op["from"],
            "cancellation:reversal-event",
            (op["project"], op["vintage"]),
            op["quantity"],
        )
        return "ok"

    def _reserve(self, op: dict[str, Any]) -> str:
        if op["from"] == op["to"]:
            return "same_account"
        problem = self._movable(op, {"holding"}, True) or self._usable(op["to"], {"holding"})
        if problem:
            return problem
        pending = f"{op['from'].split('/')[0]}/pending"
        self.move(op["from"], pending, (op["project"], op["vintage"]), op["quantity"])
        return "ok"

    def _resolve(self, op: dict[str, Any], posted: int | None) -> str:
        original = self.ops.get(op["reservation"])
        if original is None:
            return "unknown_transaction"
        if original["op"] != "reserve":
            return "not_a_reservation"
        if op["reservation"] in self.resolved:
            return "reservation_resolved"
        delivered = original["quantity"] if posted is None else posted
        if delivered > original["quantity"]:
            return "exceeds_reservation"
        checks = [
            (original["to"], delivered > 0),
            (original["from"], delivered < original["quantity"]),
        ]
        for account, needed in checks:
            problem = needed and self._usable(account, {"holding"})
            if problem:
                return problem
        credit = (original["project"], original["vintage"])
        pending = f"{original['from'].split('/')[0]}/pending"
        self.move(pending, original["to"], credit, delivered)
        self.move(pending, original["from"], credit, original["quantity"] - delivered)
        self.resolved.add(op["reservation"])
        return "ok"

    def _post(self, op: dict[str, Any]) -> str:
        return self._resolve(op, op.get("quantity"))

    def _void(self, op: dict[str, Any]) -> str:
        return self._resolve(op, 0)

    def _reverse(self, op: dict[str, Any]) -> str:
        original = self.ops.get(op["of"])
        if original is None:
            return "unknown_transaction"
        if original["op"] in ("retire", "cancel"):
            return "retired_credits"
        if original["op"] not in ("issue", "transfer"):
            return "not_reversible"
        source = original["to"]
        if original["op"] == "issue":
            destination = f"issuance:{original['project']}"
            problem = self._usable(source, {"holding"})
        else:
            destination = original["from"]
            kinds = {"holding", "buffer"}
            problem = self._usable(source, kinds) or self._usable(destination, kinds)
        if problem:
            return problem
        remaining = original["quantity"] - original.get("buffer", 0) - self.reversed[op["of"]]
        asked = op.get("quantity") or remaining
        credit = (original["project"], original["vintage"])
        if remaining <= 0:
            return "already_reversed"
        if asked > remaining:
            return "exceeds_original"
        if self.held[(source, credit)] < asked:
            return "insufficient_balance"
        self.move(source, destination, credit, asked)
        self.reversed[op["of"]] += asked
        return "ok"


def _kind(account: str) -> str:
    if account.startswith("issuance:"):
        return "issuance"
    if account.startswith("buffer:"):
        return "buffer"
    if account.startswith("cancellation:"):
        return "cancellation"
    return (
        account.split("/")[1] if account.split("/")[1] in ("retirement", "pending") else "holding"
    )


# set by the test that runs the machine: a database holding a new ledger (a copy of one made
# once per process, not migrated again for each example and each replay)
NEW_DATABASE: list[Callable[[], Iterator[str]]] = []
SYSTEM_NAMES = [
    ("shinjuku/retirement", "minato", "holding"),
    ("minato/retirement", "minato", "holding"),
    ("ina/pending", "ina", "holding"),
    ("buffer:J-Credit", "minato", "holding"),
    ("cancellation:reversal-event", "minato", "holding"),
    ("issuance:ina-forest", "minato", "holding"),
    ("minato/vault", "minato", "retirement"),
]


def stored_state(book: Ledger) -> bytes:
    """A digest that changes whenever anything stored in the ledger's database changes.

    SQLite: the database file's bytes and its WAL's (a write that is rolled back may leave
    frames in the WAL: then the digest changes too, and `verify` is asked again). PostgreSQL:
    each table of the schema's row count and the newest `xmin` among its rows (an insert or an
    update gives a row the writing transaction's id, a delete lowers the count; the ledger
    changes no definitions). `verify` reads only what is stored (no clock, no state in the
    process), so on the same stored state it gives the same answer: a step that stored nothing
    (a refusal, a repeat answered `exists`, the next day) need not be verified again."""
    if book.sqlite:
        path = Path(book.engine.url.database or "")
        digest = hashlib.sha256(path.read_bytes())
        wal = path.with_name(path.name + "-wal")
        digest.update(b"|" + (wal.read_bytes() if wal.exists() else b""))
        return digest.digest()
    with book.engine.connect() as conn:  # the tables of the schema on the search path
        each = (
            f"SELECT '{t}', count(*), max(xmin::text::bigint) FROM \"{t}\""
            for t in sorted(inspect(conn).get_table_names())
        )
        return repr(conn.execute(text(" UNION ALL ".join(each))).all()).encode()


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
        self.model = Model(accounts=set(HOLDERS))
        self.day = dt.date(2025, 4, 1)
        self.verified: bytes | None = None  # the `stored_state` `verify` last passed on

    @initialize()
    def open_accounts(self) -> None:
        for account in HOLDERS:
            party = account.split("/")[0]
            op = {"op": "open_account", "account": account, "party": party, "kind": "holding"}
            assert [r.status for r in self.book.apply([op], today=self.day)] == ["ok"]
        for index, cls in enumerate(CLASSES):  # every class exists from the start
            self.issue(HOLDERS[index % 2], cls, 60, 3)

    def _check(self, op: dict[str, Any]) -> str:
        expected = self.model.step(op)
        [result] = self.book.apply([op], today=self.day)
        event(f"{op.get('op')}: {result.status}")  # --hypothesis-show-statistics lists coverage
        assert result.status == expected, (op, result)
        return expected

    def _issue_op(
        self, to: str, cls: tuple[str, str, int], quantity: int, buffer: int
    ) -> dict[str, Any]:
        instrument, project, vintage = cls
        return {
            "op": "issue",
            "id": next(self.ids),
            "to": to,
            "instrument": instrument,
            "project": project,
            "vintage": vintage,
            "quantity": quantity,
            "buffer": buffer,
        }

    @rule(
        target=transactions,
        to=st.sampled_from(HOLDERS),
        cls=st.sampled_from(CLASSES),
        quantity=st.integers(1, 40),
        buffer=st.integers(0, 5),
    )
    def issue(self, to: str, cls: tuple[str, str, int], quantity: int, buffer: int) -> str:
        op = self._issue_op(to, cls, quantity, buffer)
        self._check(op)
        return str(op["id"])

    def _move_op(
        self, kind: str, pair: list[str], cls: tuple[str, str, int], quantity: int
    ) -> dict[str, Any]:
        op = {
            "op": kind,
            "id": next(self.ids),
            "from": pair[0],
            "project": cls[1],
            "vintage": cls[2],
        }
        op["quantity"] = quantity
        if kind in ("transfer", "reserve"):
            op["to"] = pair[1]
        if kind == "retire":
            op |= {"beneficiary": pair[0].split("/")[0], "reason": "offset"}
        if kind == "cancel":
            op["reason"] = "reversal event"
        return op

    @rule(
        target=transactions,
        pair=st.permutations(HOLDERS),
        cls=st.sampled_from(CLASSES),
        quantity=quantities,
    )
    def transfer(self, pair: list[str], cls: tuple[str, str, int], quantity: int) -> str:
        op = self._move_op("transfer", pair, cls, quantity)
        self._check(op)
        return str(op["id"])

    @rule(
        target=transactions,
        source=st.sampled_from([*HOLDERS, *PENDING]),
        destination=st.sampled_from([*HOLDERS, *PENDING]),
        cls=st.sampled_from(CLASSES[:2]),
        quantity=quantities,
    )
    def transfer_with_pending(
        self, source: str, destination: str, cls: tuple[str, str, int], quantity: int
    ) -> str:
        """Pending accounts as sources and destinations: a pending account changes only by its
        own reservations (`wrong_account_kind`, or `unknown_account` before its first)."""
        op = self._move_op("transfer", [source, destination], cls, quantity)
        self._check(op)
        return str(op["id"])

    @rule(
        target=transactions,
        kind=st.sampled_from(["transfer", "retire"]),
        pair=st.permutations([*HOLDERS, "ina/pending"]),
        project=st.sampled_from(["ina-forest", "nagano-cert", "unknown-project"]),
        quantity=st.one_of(quantities, st.integers(40, 200)),  # across vintages, often too much
    )
    def by_total(
        self, kind: str, pair: list[str], project: str, quantity: int
    ) -> MultipleResults[str]:
        """A retirement or transfer of a quantity of a project's credits whatever their vintage:
        the ledger records one part per vintage (the request's id, then ID.2, ...)."""
        op = self._move_op(kind, pair, ("", project, 0), quantity)
        del op["vintage"]
        if self._check(op) != "ok":
            return multiple()
        parts = [
            op["id"],
            *itertools.takewhile(
                lambda i: i in self.model.ops, (f"{op['id']}.{n}" for n in itertools.count(2))
            ),
        ]
        event(f"by total: {len(parts)} parts")
        return multiple(*parts)

    @rule(
        kind=st.sampled_from(["retire", "cancel"]),
        source=st.sampled_from([*HOLDERS, *PENDING, "buffer:J-Credit", "shinjuku/retirement"]),
        cls=st.sampled_from(CLASSES),
        quantity=st.one_of(quantities, st.integers(40, 400)),  # over the balance, often
    )
    def spend(self, kind: str, source: str, cls: tuple[str, str, int], quantity: int) -> None:
        self._check(self._move_op(kind, [source, source], cls, quantity))

    @rule(
        target=reservations,
        pair=st.permutations(HOLDERS),
        cls=st.sampled_from(CLASSES[:2]),
        quantity=quantities,
    )
    def reserve(self, pair: list[str], cls: tuple[str, str, int], quantity: int) -> str:
        op = self._move_op("reserve", pair, cls, quantity)
        self._check(op)
        return str(op["id"])

    @rule(reservation=reservations, part=st.integers(0, 45), void=st.booleans())
    def resolve(self, reservation: str, part: int, void: bool) -> None:
        self._check(self._resolve_op(reservation, part, void))

    def _resolve_op(self, reservation: str, part: int, void: bool) -> dict[str, Any]:
        op: dict[str, Any] = {
            "op": "void" if void else "post",
            "id": next(self.ids),
            "reservation": reservation,
        }
        if not void and part:
            op["quantity"] = part
        return op

    @rule(of=transactions, quantity=st.one_of(st.none(), quantities))
    def reverse(self, of: str, quantity: int | None) -> None:
        self._check(self._reverse_op(of, quantity))

    def _reverse_op(self, of: str, quantity: int | None) -> dict[str, Any]:
        op: dict[str, Any] = {"op": "reverse", "id": next(self.ids), "of": of}
        if quantity is not None:
            op["quantity"] = quantity
        return op

    @rule(account=st.sampled_from(HOLDERS), status=st.sampled_from(["open", "suspended", "closed"]))
    def account_status(self, account: str, status: str) -> None:
        """Accounts closed and reopened: reversals (and everything else) into or out of a closed
        account are refused as `account_closed`."""
        self._check({"op": "account_status", "account": account, "status": status})

    @rule(name=st.sampled_from(SYSTEM_NAMES))
    def take_a_system_name(self, name: tuple[str, str, str]) -> None:
        account, party, kind = name
        self._check({"op": "open_account", "account": account, "party": party, "kind": kind})

    @rule(data=st.data(), size=st.integers(2, 8))
    def atomic_batch(self, data: st.DataObject, size: int) -> None:
        """One atomic batch of moves that read what the batch itself recorded: posts and voids
        of its own reservations, reversals of its own transfers, and repeats of each (the same
        operation again: `exists`; a second resolution or reversal under a new id). The batch
        is drawn against a copy of the model, so that most of it would pass; the first
        rejection undoes it all, and every other operation answers `linked_failed`."""
        model = deepcopy(self.model)
        credit = (CLASSES[0][1], CLASSES[0][2])
        batch: list[dict[str, Any]] = []
        expected: list[str] = []
        for _ in range(size):
            kind = data.draw(
                st.sampled_from(["move", "move", "resolve", "reverse", "repeat", "again"])
            )
            earlier = [op for op in batch if op["op"] in ("post", "void", "reverse")]
            reserved = [op["id"] for op in batch if op["op"] == "reserve"]
            moved = [op["id"] for op in batch if op["op"] == "transfer"]
            if kind == "repeat" and batch:
                op = dict(data.draw(st.sampled_from(batch)))
            elif kind == "again" and earlier:
                op = dict(data.draw(st.sampled_from(earlier)), id=next(self.ids))
            elif kind == "resolve" and reserved:
                op = self._resolve_op(
                    data.draw(st.sampled_from(reserved)),
                    data.draw(st.integers(0, 4)),
                    data.draw(st.booleans()),
                )
            elif kind == "reverse" and moved:
                op = self._reverse_op(
                    data.draw(st.sampled_from(moved)), data.draw(st.none() | st.integers(1, 3))
                )
            else:
                sources = [
                    a for a in HOLDERS if model.held[(a, credit)] > 0 and a not in model.status
                ]
                pair = data.draw(st.permutations(HOLDERS))
                if sources:
                    source = data.draw(st.sampled_from(sources))
                    pair = [source, next(a for a in pair if a != source)]
                kind = data.draw(st.sampled_from(["transfer", "reserve"]))
                quantity = data.draw(st.integers(1, max(1, min(5, model.held[(pair[0], credit)]))))
                op = self._move_op(kind, pair, CLASSES[0], quantity)
            batch.append(op)
            expected.append(model.step(op))
        failed = next((i for i, s in enumerate(expected) if s not in ("ok", "exists")), None)
        results = [r.status for r in self.book.apply(batch, atomic=True, today=self.day)]
        event(f"atomic batch: {'all ok' if failed is None else expected[failed]}")
        if failed is None:
            assert results == expected, (batch, results)
            self.model = model
            return
        linked = [expected[failed] if i == failed else "linked_failed" for i in range(size)]
        assert results == linked, (batch, results, expected)

    @rule(tx=transactions)
    def replay(self, tx: str) -> None:
        if tx in self.model.totals:  # answered as first split, whatever the balances are now
            request = self.model.totals[tx]
            assert self._check(request) == "exists"
            assert self._check(dict(request, quantity=request["quantity"] + 1)) == "id_reused"
        if tx in self.model.ops:
            original = self.model.ops[tx]
            assert self._check(original) == "exists"
            assert self._check(dict(original, memo="changed")) == "id_reused"

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
        [result] = self.book.apply([bad], today=self.day)
        assert result.status == "invalid_operation"

    @rule()
    def next_day(self) -> None:
        self.day += dt.timedelta(days=1)

    @invariant()
    def balances_match_the_model(self) -> None:
        stored = {(r.account, (r.project, r.vintage)): r.quantity for r in self.book.balances()}
        expected = {k: v for k, v in self.model.held.items() if v != 0}
        assert stored == expected

    @invariant()
    def conservation(self) -> None:
        per_class: Counter[Credit] = Counter()
        for (account, credit), quantity in self.model.held.items():
            per_class[credit] += quantity
            if not account.startswith("issuance:"):
                assert quantity >= 0
        assert all(v == 0 for v in per_class.values())

    @invariant()
    def verifies(self) -> None:
        book = self.book  # once: `TwoWriters` takes turns on each use
        state = stored_state(book)
        if state == self.verified:
            event("verify: nothing stored since the last")
            return
        assert book.verify() == []
        self.verified = state

    def teardown(self) -> None:
        try:
            replay_matches(self.book)
        finally:
            self.book.engine.dispose()
            next(self.database, None)  # drop the PostgreSQL schema


def _operation(kind: str, operation: str) -> dict[str, Any] | None:
    """The operation that records a history entry again (None: the ledger makes it itself)."""
    op: dict[str, Any] = json.loads(operation)
    if kind == "account":
        if op["kind"] not in ("holding", "buffer") or op["account"].startswith("buffer:"):
            return None
        return {
            "op": "open_account",
            "account": op["account"],
            "party": op["party"],
            "kind": op["kind"],
        }
    if kind == "party":
        return None  # opened on first use (the machine describes none)
    if kind in ("genesis", "class"):
        return None
    return op


def replay_matches(book: Ledger) -> None:
    """Replaying the history into an empty ledger, one atomic batch per day (operations that read
    what the same batch recorded, as one database transaction), records the same history."""
    with book.engine.connect() as conn:
        log = conn.execute(
            text("SELECT kind, operation, effective_date FROM transactions ORDER BY seq")
        ).all()
    database = NEW_DATABASE[0]()
    copy = Ledger.open(next(database))
    try:
        for day, batch in itertools.groupby(log, key=lambda row: str(row[2])):
            operations = [op for kind, text_, _ in batch if (op := _operation(kind, text_))]
            if operations:
                results = copy.apply(operations, atomic=True, today=dt.date.fromisoformat(day))
                assert [r.status for r in results] == ["ok"] * len(operations), results
        assert copy.verify() == []
        assert copy.balances() == book.balances()
        assert serial_blocks(copy) == serial_blocks(book)
        assert history(copy) == history(book)
    finally:
        copy.engine.dispose()
        next(database, None)  # drop the PostgreSQL schema


def _run(
    new_database: Callable[[], Iterator[str]],
    examples: int,
    machine: type[LedgerMachine] = LedgerMachine,
) -> None:
    NEW_DATABASE[:] = [new_database]
    config = settings(
        max_examples=examples,
        stateful_step_count=30,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    run_state_machine_as_test(machine, settings=config)


def test_ledger_state_machine_sqlite(tmp_path: Path, new_sqlite_ledger: Path) -> None:
    def sqlite() -> Iterator[str]:
        copy = tmp_path / f"{uuid.uuid4().hex[:8]}.db"
        shutil.copy(new_sqlite_ledger, copy)
        yield f"sqlite:///{copy}"

    _run(sqlite, examples=60)


def test_ledger_state_machine_postgresql(new_postgresql_ledger: str | None) -> None:
    script = new_postgresql_ledger
    _run(pg_schema if script is None else functools.partial(pg_schema_from, script), examples=15)
