"""The ledger's one write path.

Each operation is checked in code first (a stable result code per rejection), then recorded in
one database transaction: postings with `balance_after`, the stored balances, the serial blocks
and their history, and the transaction header, whose hash chains to the previous one. Writers
are serialised (SQLite: BEGIN IMMEDIATE; PostgreSQL: the chain-head row is locked first, then
balance rows in key order), so hashes follow commit order.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, Engine

from offset.fiscal import fiscal_year
from offset.ledger import operations as ops
from offset.ledger.blocks import Block, merge, take
from offset.ledger.chain import chain_hash
from offset.ledger.codes import EXISTS, OK, Rejected
from offset.ledger.database import is_sqlite

REGISTRY = "registry"  # the party that owns issuance, buffer and cancellation accounts
MOVABLE_FROM = {"holding", "buffer"}
FINAL_KINDS = {"retirement", "cancellation"}
REVERSIBLE = {"issue", "transfer"}


@dataclass(frozen=True)
class Result:
    """What happened to one operation: `status` is `ok`, `exists` or a rejection code."""

    id: str
    status: str
    message: str = ""
    seq: int | None = None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id, "status": self.status}
        if self.message:
            out["message"] = self.message
        if self.seq is not None:
            out["seq"] = self.seq
        return out


@dataclass(frozen=True)
class Move:
    """`quantity` credits of one class from one account to another."""

    source: str
    destination: str
    class_id: int
    quantity: int


@dataclass
class Plan:
    """A transaction ready to record: its header fields and its moves."""

    op: ops.TxOperation
    kind: str
    class_id: int
    quantity: int
    moves: list[Move] = field(default_factory=list)
    reverses: str | None = None
    resolves: str | None = None


@dataclass(frozen=True)
class AccountRow:
    id: str
    party_id: str
    kind: str
    status: str


@dataclass(frozen=True)
class ClassRow:
    id: int
    instrument: str
    project: str
    vintage: int
    methodology: str | None
    transferable: bool


_PYFORMAT: dict[str, str] = {}


def _pyformat(statement: str) -> str:
    """`:name` parameters as psycopg's `%(name)s` (sqlite3 takes `:name` as it is)."""
    if statement not in _PYFORMAT:
        _PYFORMAT[statement] = re.sub(r"(?<![:\w]):(\w+)", r"%(\1)s", statement.replace("%", "%%"))
    return _PYFORMAT[statement]


class Context:
    """One database transaction's view: lookups and the auto-opened system accounts."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.sqlite = conn.dialect.name == "sqlite"
        # The write path runs many small statements: they go straight to the DB-API cursor of
        # this same connection (inside SQLAlchemy's transaction), without per-statement
        # compilation, which was most of the time per operation.
        self.cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
        # Rows read in this database transaction (which holds the write lock): accounts and
        # classes are looked up once, not once per posting.
        self.accounts: dict[str, AccountRow] = {}
        self.classes: dict[tuple[str, int], ClassRow] = {}

    def _text(self, sql: str) -> str:
        return sql if self.sqlite else _pyformat(sql)

    def one(self, sql: str, **params: Any) -> Any:
        self.cursor.execute(self._text(sql), params)
        return self.cursor.fetchone()

    def all(self, sql: str, **params: Any) -> list[Any]:
        self.cursor.execute(self._text(sql), params)
        return list(self.cursor.fetchall())

    def run(self, sql: str, **params: Any) -> None:
        self.cursor.execute(self._text(sql), params)

    def many(self, sql: str, rows: list[dict[str, Any]]) -> None:
        if rows:
            self.cursor.executemany(self._text(sql), rows)

    def account(self, account_id: str) -> AccountRow:
        if account_id not in self.accounts:
            row = self.one(
                "SELECT id, party_id, kind, status FROM accounts WHERE id = :id", id=account_id
            )
            if row is None:
                raise Rejected("unknown_account", account_id)
            self.accounts[account_id] = AccountRow(*row)
        return self.accounts[account_id]

    def usable(self, account_id: str, kinds: set[str]) -> AccountRow:
        account = self.account(account_id)
        if account.status != "open":
            raise Rejected("account_closed", f"{account_id} is {account.status}")
        if account.kind in FINAL_KINDS - kinds:
            raise Rejected("retired_credits", account_id)
        if account.kind not in kinds:
            raise Rejected("wrong_account_kind", f"{account_id} is a {account.kind} account")
        return account

    def ensure_party(self, party: str, kind: str = "unspecified") -> None:
        if self.one("SELECT 1 FROM parties WHERE id = :id", id=party) is None:
            self.run(
                "INSERT INTO parties (id, kind, name) VALUES (:id, :kind, '')", id=party, kind=kind
            )

    def system_account(self, account_id: str, party: str, kind: str) -> str:
        """An account the ledger opens itself (issuance, buffer, retirement, cancellation, pending)."""
        if self.one("SELECT 1 FROM accounts WHERE id = :id", id=account_id) is None:
            self.ensure_party(party, "registry" if party == REGISTRY else "unspecified")
            self.run(
                "INSERT INTO accounts (id, party_id, kind, status) VALUES (:id, :party, :kind, 'open')",
                id=account_id,
                party=party,
                kind=kind,
            )
        return account_id

    def credit_class(self, project: str, vintage: int) -> ClassRow:
        if (project, vintage) in self.classes:
            return self.classes[(project, vintage)]
        row = self.one(
            "SELECT c.id, c.instrument, c.project, c.vintage, c.methodology, i.transferable"
            " FROM credit_classes c JOIN instruments i ON i.name = c.instrument"
            " WHERE c.project = :p AND c.vintage = :v",
            p=project,
            v=vintage,
        )
        if row is None:
            raise Rejected("unknown_class", f"{project} {vintage}")
        self.classes[(project, vintage)] = ClassRow(
            row[0], row[1], row[2], row[3], row[4], bool(row[5])
        )
        return self.classes[(project, vintage)]

    def balance(self, account_id: str, class_id: int) -> int:
        row = self.one(
            "SELECT quantity FROM balances WHERE account_id = :a AND class_id = :c",
            a=account_id,
            c=class_id,
        )
        return 0 if row is None else int(row[0])

    def require(self, account_id: str, class_id: int, quantity: int) -> None:
        held = self.balance(account_id, class_id)
        if held < quantity:
            raise Rejected("insufficient_balance", f"{account_id} holds {held}, needs {quantity}")

    def transaction(self, tx_id: str) -> Any:
        return self.one(
            "SELECT seq, kind, class_id, quantity, operation FROM transactions WHERE id = :id",
            id=tx_id,
        )


# --- planning: one function per operation, checking its rules -------------------------------


def _issue(ctx: Context, op: ops.Issue) -> Plan:
    holder = ctx.usable(op.to, {"holding"})
    instrument = ctx.one("SELECT transferable FROM instruments WHERE name = :n", n=op.instrument)
    if instrument is None:
        raise Rejected("unknown_instrument", op.instrument)
    if op.buffer > op.quantity:
        raise Rejected("invalid_operation", "buffer is larger than the quantity")
    existing = ctx.one(
        "SELECT id, instrument, methodology FROM credit_classes WHERE project = :p AND vintage = :v",
        p=op.project,
        v=op.vintage,
    )
    if existing is None:
        ctx.run(
            "INSERT INTO credit_classes (instrument, project, vintage, methodology, next_serial)"
            " VALUES (:i, :p, :v, :m, 0)",
            i=op.instrument,
            p=op.project,
            v=op.vintage,
            m=op.methodology,
        )
        existing = ctx.one(
            "SELECT id, instrument, methodology FROM credit_classes WHERE project = :p AND vintage = :v",
            p=op.project,
            v=op.vintage,
        )
    class_id, instrument_name, methodology = existing
    # A later issuance may omit the methodology, but may not name another one.
    other_methodology = bool(op.methodology and methodology and op.methodology != methodology)
    if instrument_name != op.instrument or other_methodology:
        raise Rejected(
            "class_mismatch", f"{op.project} {op.vintage} is {instrument_name} {methodology or ''}"
        )
    issuance = ctx.system_account(f"issuance:{op.project}", REGISTRY, "issuance")
    plan = Plan(op, "issue", class_id, op.quantity)
    if op.quantity > op.buffer:
        plan.moves.append(Move(issuance, holder.id, class_id, op.quantity - op.buffer))
    if op.buffer:
        buffer = op.buffer_account or f"buffer:{op.instrument}"
        if op.buffer_account is None:
            ctx.system_account(buffer, REGISTRY, "buffer")
        else:
            ctx.usable(buffer, {"buffer"})
        plan.moves.append(Move(issuance, buffer, class_id, op.buffer))
    return plan


def _transferable(credit: ClassRow) -> None:
    if not credit.transferable:
        raise Rejected(
            "non_transferable", f"{credit.instrument} ({credit.project} {credit.vintage})"
        )


def _transfer(ctx: Context, op: ops.Transfer) -> Plan:
    if op.from_ == op.to:
        raise Rejected("same_account", op.to)
    source = ctx.usable(op.from_, MOVABLE_FROM)
    destination = ctx.usable(op.to, {"holding", "buffer"})
    credit = ctx.credit_class(op.project, op.vintage)
    _transferable(credit)
    ctx.require(source.id, credit.id, op.quantity)
    return Plan(
        op,
        "transfer",
        credit.id,
        op.quantity,
        [Move(source.id, destination.id, credit.id, op.quantity)],
    )


def _retire(ctx: Context, op: ops.Retire) -> Plan:
    source = ctx.usable(op.from_, {"holding"})
    credit = ctx.credit_class(op.project, op.vintage)
    ctx.require(source.id, credit.id, op.quantity)
    retirement = ctx.system_account(f"{source.party_id}/retirement", source.party_id, "retirement")
    return Plan(
        op, "retire", credit.id, op.quantity, [Move(source.id, retirement, credit.id, op.quantity)]
    )


def _cancel(ctx: Context, op: ops.Cancel) -> Plan:
    source = ctx.usable(op.from_, MOVABLE_FROM)
    credit = ctx.credit_class(op.project, op.vintage)
    ctx.require(source.id, credit.id, op.quantity)
    cancellation = ctx.system_account(
        f"cancellation:{ops.slug(op.reason)}", REGISTRY, "cancellation"
    )
    return Plan(
        op,
        "cancel",
        credit.id,
        op.quantity,
        [Move(source.id, cancellation, credit.id, op.quantity)],
    )


def _reserve(ctx: Context, op: ops.Reserve) -> Plan:
    if op.from_ == op.to:
        raise Rejected("same_account", op.to)
    source = ctx.usable(op.from_, {"holding"})
    ctx.usable(op.to, {"holding"})
    credit = ctx.credit_class(op.project, op.vintage)
    _transferable(credit)
    ctx.require(source.id, credit.id, op.quantity)
    pending = ctx.system_account(f"{source.party_id}/pending", source.party_id, "pending")
    return Plan(
        op, "reserve", credit.id, op.quantity, [Move(source.id, pending, credit.id, op.quantity)]
    )


def _reservation(ctx: Context, reservation_id: str) -> tuple[ops.Reserve, int, str]:
    row = ctx.transaction(reservation_id)
    if row is None:
        raise Rejected("unknown_transaction", reservation_id)
    if row[1] != "reserve":
        raise Rejected("not_a_reservation", f"{reservation_id} is a {row[1]}")
    if ctx.one("SELECT 1 FROM transactions WHERE resolves = :r", r=reservation_id) is not None:
        raise Rejected("reservation_resolved", reservation_id)
    reserve = ops.parse(json.loads(row[4]))
    assert isinstance(reserve, ops.Reserve)
    source = ctx.account(reserve.from_)
    return reserve, int(row[2]), f"{source.party_id}/pending"


def _post(ctx: Context, op: ops.Post) -> Plan:
    reserve, class_id, pending = _reservation(ctx, op.reservation)
    quantity = reserve.quantity if op.quantity is None else op.quantity
    if quantity > reserve.quantity:
        raise Rejected("exceeds_reservation", f"reserved {reserve.quantity}, posting {quantity}")
    destination = ctx.usable(reserve.to, {"holding"})
    plan = Plan(op, "post", class_id, quantity, resolves=op.reservation)
    plan.moves.append(Move(pending, destination.id, class_id, quantity))
    if reserve.quantity > quantity:  # the rest returns to the source
        plan.moves.append(Move(pending, reserve.from_, class_id, reserve.quantity - quantity))
    return plan


def _void(ctx: Context, op: ops.Void) -> Plan:
    reserve, class_id, pending = _reservation(ctx, op.reservation)
    plan = Plan(op, "void", class_id, reserve.quantity, resolves=op.reservation)
    plan.moves.append(Move(pending, reserve.from_, class_id, reserve.quantity))
    return plan


def _reverse(ctx: Context, op: ops.Reverse) -> Plan:
    row = ctx.transaction(op.of)
    if row is None:
        raise Rejected("unknown_transaction", op.of)
    kind = row[1]
    if kind in ("retire", "cancel"):
        raise Rejected("retired_credits", f"{op.of} is a {kind}")
    if kind not in REVERSIBLE:
        raise Rejected("not_reversible", f"{op.of} is a {kind}")
    original = ops.parse(json.loads(row[4]))
    class_id = int(row[2])
    if isinstance(original, ops.Issue):
        reversible = original.quantity - original.buffer  # the holder's part; buffers stay
        source, destination = original.to, f"issuance:{original.project}"
    else:
        assert isinstance(original, ops.Transfer)
        reversible, source, destination = original.quantity, original.to, original.from_
    done = ctx.one(
        "SELECT COALESCE(SUM(quantity), 0) FROM transactions WHERE reverses = :of", of=op.of
    )[0]
    remaining = reversible - int(done)
    if remaining <= 0:
        raise Rejected("already_reversed", op.of)
    quantity = remaining if op.quantity is None else op.quantity
    if quantity > remaining:
        raise Rejected("exceeds_original", f"{remaining} left to reverse, asked {quantity}")
    held = ctx.account(source)
    if held.kind in FINAL_KINDS:
        raise Rejected("retired_credits", source)
    ctx.require(source, class_id, quantity)
    return Plan(
        op,
        "reverse",
        class_id,
        quantity,
        [Move(source, destination, class_id, quantity)],
        reverses=op.of,
    )


PLANNERS: dict[type, Callable[[Context, Any], Plan]] = {
    ops.Issue: _issue,
    ops.Transfer: _transfer,
    ops.Retire: _retire,
    ops.Cancel: _cancel,
    ops.Reserve: _reserve,
    ops.Post: _post,
    ops.Void: _void,
    ops.Reverse: _reverse,
}


# --- recording: postings, balances, blocks, chain ------------------------------------------


def _lock_head(ctx: Context) -> tuple[int, str, dt.date | None]:
    lock = "" if ctx.sqlite else " FOR UPDATE"
    seq, head_hash, effective = ctx.one(
        f"SELECT seq, hash, effective_date FROM ledger_head WHERE id = 1{lock}"
    )
    if isinstance(effective, str):  # SQLite returns dates as text through raw SQL
        effective = dt.date.fromisoformat(effective)
    return int(seq), str(head_hash), effective


def _blocks_of(ctx: Context, account: str, class_id: int, quantity: int) -> list[tuple[int, Block]]:
    """The account's lowest blocks of the class, just enough of them to cover `quantity`."""
    limit = 16
    while True:
        rows = ctx.all(
            "SELECT id, start, stop FROM blocks WHERE account_id = :a AND class_id = :c ORDER BY start LIMIT :k",
            a=account,
            c=class_id,
            k=limit,
        )
        blocks = [(int(r[0]), Block(int(r[1]), int(r[2]))) for r in rows]
        if len(rows) < limit or sum(b.size for _, b in blocks) >= quantity:
            return blocks
        limit *= 4


def _place(ctx: Context, account: str, class_id: int, pieces: list[Block]) -> None:
    """Give `pieces` to `account`, merged with the account's blocks that touch them.

    One indexed query finds every touching block (by start or by stop), the merge happens here,
    and the changes go back in two batched statements: a move costs the same few round trips
    however many pieces it has.
    """
    pieces = merge(pieces)
    starts = {f"s{i}": p.stop for i, p in enumerate(pieces)}
    stops = {f"e{i}": p.start for i, p in enumerate(pieces)}
    touching = ctx.all(
        "SELECT id, start, stop FROM blocks WHERE account_id = :a AND class_id = :c"
        f" AND (start IN ({', '.join(':' + k for k in starts)}) OR stop IN ({', '.join(':' + k for k in stops)}))",
        a=account,
        c=class_id,
        **starts,
        **stops,
    )
    merged = merge([*pieces, *(Block(int(r[1]), int(r[2])) for r in touching)])
    ctx.many("DELETE FROM blocks WHERE id = :id", [{"id": r[0]} for r in touching])
    ctx.many(
        "INSERT INTO blocks (class_id, start, stop, account_id) VALUES (:c, :s, :e, :a)",
        [{"c": class_id, "s": b.start, "e": b.stop, "a": account} for b in merged],
    )


def _move_blocks(ctx: Context, seq: int, move: Move, mints: bool) -> None:
    if mints:  # an issuance creates the next serials of its class
        (start,) = ctx.one("SELECT next_serial FROM credit_classes WHERE id = :c", c=move.class_id)
        pieces = [Block(int(start), int(start) + move.quantity)]
        ctx.run(
            "UPDATE credit_classes SET next_serial = :n WHERE id = :c",
            n=int(start) + move.quantity,
            c=move.class_id,
        )
    else:
        held = _blocks_of(ctx, move.source, move.class_id, move.quantity)
        pieces, _ = take([b for _, b in held], move.quantity)
        ctx.many(
            "DELETE FROM blocks WHERE id = :id",
            [{"id": block_id} for block_id, _ in held[: len(pieces)]],
        )
        last_taken, last_held = pieces[-1], held[len(pieces) - 1][1]
        if last_taken.stop < last_held.stop:  # the last block was split: its rest stays
            ctx.run(
                "INSERT INTO blocks (class_id, start, stop, account_id) VALUES (:c, :s, :e, :a)",
                c=move.class_id,
                s=last_taken.stop,
                e=last_held.stop,
                a=move.source,
            )
    _place(ctx, move.destination, move.class_id, pieces)
    ctx.many(
        "INSERT INTO block_events (tx_seq, class_id, start, stop, from_account, to_account) VALUES (:t, :c, :s, :e, :f, :d)",
        [
            {
                "t": seq,
                "c": move.class_id,
                "s": p.start,
                "e": p.stop,
                "f": move.source,
                "d": move.destination,
            }
            for p in pieces
        ],
    )


def _record(
    ctx: Context, plan: Plan, seq: int, prev_hash: str, effective: dt.date, recorded: dt.datetime
) -> str:
    net: dict[tuple[str, int], int] = defaultdict(int)
    for move in plan.moves:
        net[(move.source, move.class_id)] -= move.quantity
        net[(move.destination, move.class_id)] += move.quantity
    keys = sorted(k for k, v in net.items() if v != 0)
    postings: list[tuple[str, int, int]] = []
    rows: list[dict[str, Any]] = []
    for account, class_id in keys:  # a fixed order: no deadlock between writers
        amount = net[(account, class_id)]
        # One statement updates the stored balance and (PostgreSQL) locks its row.
        after = ctx.one(
            "UPDATE balances SET quantity = quantity + :n, version = version + 1"
            " WHERE account_id = :a AND class_id = :c RETURNING quantity",
            n=amount,
            a=account,
            c=class_id,
        )
        if after is None:
            ctx.run(
                "INSERT INTO balances (account_id, class_id, quantity, may_go_negative, version) VALUES (:a, :c, :n, :neg, 1)",
                a=account,
                c=class_id,
                n=amount,
                neg=ctx.account(account).kind == "issuance",
            )
            after = (amount,)
        rows.append({"t": seq, "a": account, "c": class_id, "n": amount, "b": int(after[0])})
        postings.append((account, class_id, amount))
    ctx.many(
        "INSERT INTO postings (tx_seq, account_id, class_id, amount, balance_after) VALUES (:t, :a, :c, :n, :b)",
        rows,
    )
    for move in plan.moves:
        _move_blocks(ctx, seq, move, plan.kind == "issue")
    content = ops.canonical(plan.op)
    tx_hash = chain_hash(prev_hash, seq, plan.op.id, plan.kind, effective, content, postings)
    ctx.run(
        "INSERT INTO transactions (seq, id, kind, effective_date, fiscal_year, recorded_at, memo, agreement, reverses, resolves,"
        " class_id, quantity, content_hash, operation, prev_hash, hash)"
        " VALUES (:seq, :id, :kind, :eff, :fy, :rec, :memo, :agr, :rev, :res, :cls, :q, :ch, :op, :prev, :hash)",
        seq=seq,
        id=plan.op.id,
        kind=plan.kind,
        eff=effective,
        fy=fiscal_year(effective),
        rec=recorded,
        memo=plan.op.memo,
        agr=plan.op.agreement,
        rev=plan.reverses,
        res=plan.resolves,
        cls=plan.class_id,
        q=plan.quantity,
        ch=ops.content_hash(plan.op),
        op=content,
        prev=prev_hash,
        hash=tx_hash,
    )
    ctx.run(
        "UPDATE ledger_head SET seq = :s, hash = :h, effective_date = :e WHERE id = 1",
        s=seq,
        h=tx_hash,
        e=effective,
    )
    return tx_hash


# --- applying operations --------------------------------------------------------------------


def _open_party(ctx: Context, op: ops.OpenParty) -> str:
    details = {"id": op.party, "k": op.kind, "n": op.name, "j": op.jis_code, "p": op.prefecture}
    row = ctx.one(
        "SELECT kind, name, jis_code, prefecture FROM parties WHERE id = :id", id=op.party
    )
    if row is None:
        ctx.run(
            "INSERT INTO parties (id, kind, name, jis_code, prefecture) VALUES (:id, :k, :n, :j, :p)",
            **details,
        )
        return OK
    if tuple(row) == (op.kind, op.name, op.jis_code, op.prefecture):
        return EXISTS
    if row[0] == "unspecified":  # created on first use by open_account: now described
        ctx.run(
            "UPDATE parties SET kind = :k, name = :n, jis_code = :j, prefecture = :p WHERE id = :id",
            **details,
        )
        return OK
    raise Rejected("id_reused", f"party {op.party} exists with other details")


def _open_account(ctx: Context, op: ops.OpenAccount) -> str:
    row = ctx.one("SELECT party_id, kind FROM accounts WHERE id = :id", id=op.account)
    if row is not None:
        if tuple(row) == (op.party, op.kind):
            return EXISTS
        raise Rejected("account_exists", f"{op.account} belongs to {row[0]} as {row[1]}")
    ctx.ensure_party(op.party)
    ctx.run(
        "INSERT INTO accounts (id, party_id, kind, status) VALUES (:id, :p, :k, 'open')",
        id=op.account,
        p=op.party,
        k=op.kind,
    )
    return OK


def _account_status(ctx: Context, op: ops.AccountStatus) -> str:
    account = ctx.account(op.account)
    if account.status == op.status:
        return EXISTS
    ctx.run("UPDATE accounts SET status = :s WHERE id = :id", s=op.status, id=op.account)
    ctx.accounts.pop(op.account, None)
    return OK


def _apply(ctx: Context, op: ops.Operation, today: dt.date, recorded: dt.datetime) -> Result:
    if isinstance(op, ops.AccountStatus):
        return Result(op.account, _account_status(ctx, op))
    if isinstance(op, ops.OpenParty):
        return Result(op.party, _open_party(ctx, op))
    if isinstance(op, ops.OpenAccount):
        return Result(op.account, _open_account(ctx, op))
    seq, head_hash, head_effective = _lock_head(ctx)
    existing = ctx.one("SELECT content_hash, seq FROM transactions WHERE id = :id", id=op.id)
    if existing is not None:
        if existing[0] == ops.content_hash(op):
            return Result(op.id, EXISTS, seq=int(existing[1]))
        raise Rejected("id_reused", op.id)
    effective = op.effective_date or today
    if head_effective is not None and effective < head_effective:
        raise Rejected("backdated", f"{effective} is before {head_effective}")
    plan = PLANNERS[type(op)](ctx, op)
    _record(ctx, plan, seq + 1, head_hash, effective, recorded)
    return Result(op.id, OK, seq=seq + 1)


def _label(item: object) -> str:
    """The id a result reports: the operation's id, account or party, as far as it can be read."""
    data = item.model_dump(by_alias=True) if isinstance(item, ops.OPERATION_TYPES) else item
    if isinstance(data, dict):
        for key in ("id", "account", "party"):
            if isinstance(data.get(key), str):
                return str(data[key])
    return ""


def _parsed(item: object) -> ops.Operation:
    return item if isinstance(item, ops.OPERATION_TYPES) else ops.parse(item)


class Writer:
    """Applies operations to one database: the only way the ledger changes."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.sqlite = is_sqlite(engine)

    def apply(
        self, operations: Iterable[object], *, atomic: bool = False, today: dt.date | None = None
    ) -> list[Result]:
        """Apply operations (parsed models or JSON-like dicts), returning one result each.

        Independent (default): each operation commits or is rejected on its own. Atomic: all are
        applied, or none (the rejected one gets its code, every other `linked_failed`).
        """
        items = list(operations)
        day = today or dt.date.today()
        if atomic:
            return self._atomic(items, day)
        return [self._one(item, day) for item in items]

    def _one(self, item: object, today: dt.date) -> Result:
        try:
            op = _parsed(item)
            with self.engine.begin() as conn:
                return _apply(Context(conn), op, today, dt.datetime.now(dt.UTC))
        except Rejected as e:
            return Result(_label(item), e.code, str(e))

    def _atomic(self, items: list[object], today: dt.date) -> list[Result]:
        results: list[Result] = []
        try:
            with self.engine.begin() as conn:
                ctx = Context(conn)
                recorded = dt.datetime.now(dt.UTC)
                for item in items:
                    try:
                        results.append(_apply(ctx, _parsed(item), today, recorded))
                    except Rejected as e:
                        results.append(Result(_label(item), e.code, str(e)))
                        raise
        except Rejected:
            failed = len(results) - 1
            return [
                results[i] if i == failed else Result(_label(item), "linked_failed")
                for i, item in enumerate(items)
            ]
        return results
