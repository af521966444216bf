"""A batch of operations applied to the books: each parsed (`operations`), planned against the
books (`planning`: pure, a result code per rejection) and recorded in them (`journal`). This is
the path a new operation takes; how the books reach the database is the writer's
(`writer.py`), and the database is written once, at the end (`store.py`).

Independent operations are rejected on their own (a rejected one changes nothing, so it needs
no rollback); an atomic batch is one savepoint of the books: the first rejection undoes the
whole batch.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, cast

from offset.ledger import allocation, journal, names, planning
from offset.ledger import operations as ops
from offset.ledger.books import Books
from offset.ledger.codes import EXISTS, MESSAGES, OK, Rejected, message
from offset.ledger.lines import Unreadable


@dataclass(frozen=True)
class Result:
    """What happened to one operation: `status` is `ok`, `exists` or a rejection code.
    `subject` names the account or transaction a rejection is about."""

    id: str
    status: str
    message: str = ""
    seq: int | None = None
    subject: str | None = None
    parts: tuple[Result, ...] = ()  # a request by total: the operations recorded for it
    vintage: int | None = None  # a part's: the vintage it took, and how many
    quantity: int | None = None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id, "status": self.status}
        if self.message:
            out["message"] = self.message
        if self.status in MESSAGES:  # a refusal: its words in Japanese too
            out["message_ja"] = message(self.status, "ja")
        if self.seq is not None:
            out["seq"] = self.seq
        if self.parts:
            out["parts"] = [part.to_json() for part in self.parts]
        if self.vintage is not None:
            out["vintage"], out["quantity"] = self.vintage, self.quantity
        return out


def _label(item: object) -> str:
    """The id a result reports: the operation's id, account or party, as far as it can be
    read, and always printable (a raw value with characters no encoder writes is escaped)."""
    if isinstance(item, Unreadable):
        return item.label
    data = item.model_dump(by_alias=True) if isinstance(item, ops.REQUEST_TYPES) else item
    if isinstance(data, dict):
        for key in ("id", "account", "party"):
            value = data.get(key)
            if isinstance(value, str):
                return value if names.text_problem(value) is None else ascii(value[:200])[1:-1]
    return ""


def raw_id(item: object) -> str | None:
    """The transaction id an unparsed item names, to look up in advance (parsing checks it)."""
    tx_id = getattr(item, "id", None) if isinstance(item, ops.REQUEST_TYPES) else None
    if isinstance(item, dict):
        tx_id = item.get("id")
    if isinstance(tx_id, str) and names.TX_ID.fullmatch(tx_id):
        return tx_id
    return None


def _parsed(item: object) -> ops.Operation | ops.Total:
    if isinstance(item, ops.REQUEST_TYPES):
        return cast(ops.Operation | ops.Total, item)
    return ops.parse_request(item)


def _one(books: Books, item: object, when: planning.When) -> Result:
    """Plan and record one operation; a rejection leaves the books as they were."""
    if isinstance(item, Unreadable):
        return Result(item.label, item.code, str(Rejected(item.code, item.message)))
    try:
        op = _parsed(item)
        if isinstance(op, ops.TOTAL_TYPES):
            return _total(books, op, when)
        plan = planning.plan(books, op, when)
        label = op.id if isinstance(op, ops.TX_TYPES) else _label(op)
        if isinstance(plan, planning.Unchanged):
            return Result(label, plan.status, seq=plan.seq)
        return Result(label, OK, seq=journal.record(books, plan, when))
    except Rejected as e:
        e = planning.masked(books, e, when.party)
        return Result(_label(item), e.code, str(e), subject=e.subject)


def refused(items: list[object], why: Rejected) -> list[Result]:
    """Every item refused for one reason that is none of theirs (the ledger's own state)."""
    return [Result(_label(item), why.code, str(why)) for item in items]


def _total(books: Books, request: ops.Total, when: planning.When) -> Result:
    """A request by total: its parts (`allocation`), each planned and recorded as any
    operation, all in one savepoint: the first refusal undoes them all and is the answer."""
    parts = allocation.parts(books, request)
    # What is recorded is what was asked: oldest vintage first, adding up.
    vintages = [part.vintage for part in parts]
    assert vintages == sorted(set(vintages)), f"{request.id}: parts out of vintage order"
    assert sum(part.quantity for part in parts) == request.quantity, f"{request.id}: not the total"
    if len(parts) == 1:  # a refusal changes nothing: no savepoint to keep
        (part,) = parts
        result = _one(books, part, when)
        if result.status not in (OK, EXISTS):
            return result
        done = dataclasses.replace(result, vintage=part.vintage, quantity=part.quantity)
        return dataclasses.replace(result, parts=(done,))
    books.begin()
    results: list[Result] = []
    for part in parts:
        result = _one(books, part, when)
        if result.status not in (OK, EXISTS):
            books.rollback()
            return dataclasses.replace(result, id=request.id)
        results.append(dataclasses.replace(result, vintage=part.vintage, quantity=part.quantity))
    books.release()
    status = OK if any(r.status == OK for r in results) else EXISTS
    return Result(request.id, status, seq=results[-1].seq, parts=tuple(results))


class Failed(Exception):
    """An atomic batch was rejected: the results to answer, and nothing to write."""

    def __init__(self, results: list[Result]) -> None:
        self.results = results


def run(
    books: Books, items: list[object], when: planning.When, atomic: bool, savepoint: bool = True
) -> list[Result]:
    """Every item's result, in order, with the books moved by those that were recorded. A
    rejected atomic batch leaves the books as they were (a savepoint); without `savepoint`, the
    caller throws the books away instead (`Failed`), which spares the undo log."""
    if not atomic:
        return [_one(books, item, when) for item in items]
    if savepoint:
        books.begin()
    results: list[Result] = []
    for item in items:
        result = _one(books, item, when)
        results.append(result)
        if result.status not in (OK, "exists"):
            failed = len(results) - 1
            answer = [
                results[i] if i == failed else Result(_label(other), "linked_failed")
                for i, other in enumerate(items)
            ]
            if not savepoint:
                raise Failed(answer)
            books.rollback()
            return answer
    if savepoint:
        books.release()
    return results
