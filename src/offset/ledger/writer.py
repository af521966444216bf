"""The ledger's one write path.

Each operation is checked in code first (a stable result code per rejection, `planning.py`),
then recorded in one database transaction: postings with `balance_after`, the stored balances,
the serial blocks and their history, and the transaction header, whose hash chains to the
previous one. Writers are serialised (SQLite: BEGIN IMMEDIATE; PostgreSQL: the chain-head row is
locked before anything is read), so hashes follow commit order. The state a transaction changes
is kept in memory and written in batched statements (`context.py`): an atomic batch of a
thousand transfers costs a few dozen statements, not a dozen per transfer.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import threading
from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine

from offset.fiscal import fiscal_year
from offset.ledger import operations as ops
from offset.ledger.chain import chain_hash
from offset.ledger.codes import EXISTS, OK, Rejected
from offset.ledger.context import BlockCache, Context, Head
from offset.ledger.database import is_sqlite
from offset.ledger.planning import PLANNERS, Plan


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


def _record(
    ctx: Context,
    plan: Plan,
    content: str,
    content_hash: str,
    effective: dt.date,
    recorded: dt.datetime,
) -> None:
    """Postings (net per account and class, in key order), serial blocks and their history, the
    header and the chain head: all in `ctx`, written by its next flush."""
    head = ctx.lock_head()
    seq = head.seq + 1
    net: dict[tuple[str, int], int] = defaultdict(int)
    for move in plan.moves:
        net[(move.source, move.class_id)] -= move.quantity
        net[(move.destination, move.class_id)] += move.quantity
    postings = sorted((a, c, n) for (a, c), n in net.items() if n != 0)
    for account, class_id, amount in postings:
        ctx.post(seq, account, class_id, amount)
    for move in plan.moves:
        if plan.kind == "issue":  # an issuance creates the next serials of its class
            pieces = [ctx.mint(move.class_id, move.quantity)]
        else:
            pieces = ctx.holdings_of(move.source, move.class_id).take(move.quantity)
        ctx.holdings_of(move.destination, move.class_id).place(pieces)
        ctx.events.extend(
            (seq, move.class_id, p.start, p.stop, move.source, move.destination) for p in pieces
        )
    tx_hash = chain_hash(head.hash, seq, plan.op.id, plan.kind, effective, content, postings)
    ctx.headers.append(
        (
            seq,
            plan.op.id,
            plan.kind,
            effective,
            fiscal_year(effective),
            recorded,
            plan.op.memo,
            plan.op.agreement,
            plan.reverses,
            plan.resolves,
            plan.class_id,
            plan.quantity,
            content_hash,
            content,
            head.hash,
            tx_hash,
        )
    )
    ctx.advance(Head(seq, tx_hash, effective), plan.op.id, content_hash)


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
    head = ctx.lock_head()
    content = ops.canonical(op)
    content_hash = hashlib.sha256(content.encode()).hexdigest()
    existing = ctx.recorded(op.id)
    if existing is not None:
        if existing[0] == content_hash:
            return Result(op.id, EXISTS, seq=existing[1])
        raise Rejected("id_reused", op.id)
    effective = op.effective_date or today
    if head.effective is not None and effective < head.effective:
        raise Rejected("backdated", f"{effective} is before {head.effective}")
    plan = PLANNERS[type(op)](ctx, op)
    _record(ctx, plan, content, content_hash, effective, recorded)
    return Result(op.id, OK, seq=head.seq + 1)


def _label(item: object) -> str:
    """The id a result reports: the operation's id, account or party, as far as it can be read."""
    data = item.model_dump(by_alias=True) if isinstance(item, ops.OPERATION_TYPES) else item
    if isinstance(data, dict):
        for key in ("id", "account", "party"):
            if isinstance(data.get(key), str):
                return str(data[key])
    return ""


def _raw_id(item: object) -> str | None:
    """The transaction id an unparsed item names, to look up in advance (parsing checks it)."""
    tx_id = getattr(item, "id", None) if isinstance(item, ops.OPERATION_TYPES) else None
    if isinstance(item, dict):
        tx_id = item.get("id")
    return tx_id if isinstance(tx_id, str) and "\x00" not in tx_id else None


def _parsed(item: object) -> ops.Operation:
    return item if isinstance(item, ops.OPERATION_TYPES) else ops.parse(item)


class Writer:
    """Applies operations to one database: the only way the ledger changes."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.sqlite = is_sqlite(engine)
        self.block_cache: BlockCache = {}
        self._cache_lock = threading.Lock()  # the API applies from several threads

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

    @contextmanager
    def _context(self) -> Iterator[Context]:
        """One database transaction; what the context holds is written before it commits."""
        with self.engine.begin() as conn:
            ctx = Context(conn, self.block_cache)
            yield ctx
            ctx.flush()
        with self._cache_lock:
            ctx.committed()

    def _one(self, item: object, today: dt.date) -> Result:
        try:
            op = _parsed(item)
            with self._context() as ctx:
                return _apply(ctx, op, today, dt.datetime.now(dt.UTC))
        except Rejected as e:
            return Result(_label(item), e.code, str(e))

    def _atomic(self, items: list[object], today: dt.date) -> list[Result]:
        results: list[Result] = []
        try:
            with self._context() as ctx:
                ctx.look_up_ids([i for i in map(_raw_id, items) if i is not None])
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
