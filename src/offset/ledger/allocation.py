"""Choosing credits by total: a request to retire or transfer a quantity of a project's
credits, whatever their vintages, becomes one retirement or transfer per vintage, oldest
vintage first (J-Credit holders pick credits by total quantity; the oldest are the first a
window like 温対法's closes on).

`parts` reads the books (as a planner does: never the store) and returns the operations the
ledger records for the request; each is planned and journalled as any other (so every rule of
a retirement or transfer holds for each, and the journal asserts them where the postings are
made), and `batch` records them all or none. The first part takes the request's id, the next
ones `ID.2`, `ID.3`, ...: a request sent again finds its first part recorded and is split as
it was then (not as the books stand now), so it answers as it first did (`exists`), or
`id_reused` if it is not the same request.
"""

from __future__ import annotations

from typing import Any

from offset.ledger import operations as ops
from offset.ledger.books import Books
from offset.ledger.codes import Rejected

RECORDED: dict[type[ops.Total], type[ops.Retire] | type[ops.Transfer]] = {
    ops.RetireTotal: ops.Retire,
    ops.TransferTotal: ops.Transfer,
}


def part_id(request_id: str, number: int) -> str:
    """The id of a request's `number`th part (from 1)."""
    return request_id if number == 1 else f"{request_id}.{number}"


def split(books: Books, account: str, project: str, quantity: int) -> list[tuple[int, int]]:
    """(vintage, quantity) to take from `account`, oldest vintage first, adding up to
    `quantity`; Rejected (`insufficient_balance`) if the account holds less of the project,
    `unknown_class` if the project has no credits at all."""
    vintages = books.project_vintages(project)
    if not vintages:
        raise Rejected("unknown_class", f"{project}: no vintage issued")
    parts: list[tuple[int, int]] = []
    left = quantity
    for vintage in vintages:
        if not left:
            break
        credit = books.credit_class(project, vintage)
        assert credit is not None, f"{project} {vintage}: a vintage without its class"
        taken = min(books.balance(account, credit.id), left)
        if taken > 0:
            parts.append((vintage, taken))
            left -= taken
    if left:
        raise Rejected(
            "insufficient_balance",
            f"{account} holds {quantity - left} of {project} over all vintages, needs {quantity}",
            subject=account,
        )
    return parts


def recorded(books: Books, request_id: str) -> list[tuple[int, int]]:
    """How a request sent before was split: its parts' (vintage, quantity), as recorded."""
    found: list[tuple[int, int]] = []
    while (record := books.transaction(part_id(request_id, len(found) + 1))) is not None:
        found.append((record.vintage, record.quantity))
    return found


def parts(books: Books, request: ops.Total) -> list[ops.Retire | ops.Transfer]:
    """The retirements or transfers the ledger records for `request`."""
    split_as = recorded(books, request.id)
    if split_as and sum(q for _, q in split_as) != request.quantity:
        raise Rejected("id_reused", request.id, subject=request.id)
    if not split_as:
        split_as = split(books, request.from_, request.project, request.quantity)
    fields: dict[str, Any] = {
        k: v for k, v in request.model_dump(by_alias=True).items() if v is not None
    }
    kind = RECORDED[type(request)]
    out: list[ops.Retire | ops.Transfer] = []
    for number, (vintage, quantity) in enumerate(split_as, 1):
        part = fields | {
            "id": part_id(request.id, number),
            "vintage": vintage,
            "quantity": quantity,
        }
        try:
            out.append(kind.model_validate(part))
        except ValueError as e:  # an id too long to number its parts
            raise Rejected("invalid_operation", f"id: too long for {len(split_as)} parts") from e
    return out
