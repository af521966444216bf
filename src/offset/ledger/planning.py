"""Planning: one function per operation, checking its rules before anything is written.

A plan says what the transaction will record (its kind, class and quantity, and the moves of
credits between accounts); the writer records it. Every rejection is a `Rejected` with its code.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from offset.ledger import operations as ops
from offset.ledger.codes import Rejected
from offset.ledger.context import FINAL_KINDS, REGISTRY, ClassRow, Context

MOVABLE_FROM = {"holding", "buffer"}
REVERSIBLE = {"issue", "transfer"}


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
