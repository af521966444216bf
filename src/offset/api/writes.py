"""The JSON API's writes (`/api/v1`): each through the ledger's one path (`Ledger.apply` on the
caller's behalf, with a `PARTY:KEY` id), answered 201 when recorded and 200 when an
`Idempotency-Key` sent before already recorded it; a ledger rule's refusal is 409 (404 for what
the caller may not name, 503 when the ledger's own state refuses every write) with its result
code. The lean path (`lean`) calls these same functions for the busiest writes.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path
from fastapi.responses import JSONResponse

from offset.api.answers import OperationOut, PartOut
from offset.api.bodies import (
    AccountIn,
    IdempotencyKey,
    IssueIn,
    PartyIn,
    PostIn,
    ReserveIn,
    RetireIn,
    TransferIn,
)
from offset.api.errors import ERRORS, WRITE_ERRORS, ApiError, ErrorBody
from offset.api.json_body import LedgerJsonRoute
from offset.api.keys import Caller
from offset.api.routes import KEY_MAX, KEY_PATTERN, Book, Me
from offset.ledger import Ledger
from offset.ledger.codes import HISTORY_ALTERED, WRITER_UNAVAILABLE
from offset.ledger.writer import Result
from offset.scenario import run_records

router = APIRouter(prefix="/api/v1", responses=ERRORS, route_class=LedgerJsonRoute)
Reservation = Annotated[
    str, Path(max_length=KEY_MAX, pattern=KEY_PATTERN, description="its Idempotency-Key")
]


STATUS = {"ok": 201, "exists": 200}
NOT_FOUND_CODES = {"unknown_account", "unknown_class", "unknown_transaction", "unknown_party"}
# The ledger's own state refuses every write, whatever was sent, or the server's writing
# process did not answer (`--workers N`): not the caller's conflict.
UNAVAILABLE_CODES = {HISTORY_ALTERED, WRITER_UNAVAILABLE}


def _apply(book: Ledger, who: Caller, op: dict[str, Any]) -> JSONResponse:
    """One operation on the caller's behalf (the ledger checks, in the write itself, that the
    credits come from the caller's accounts, and masks what concerns other parties': a
    refusal about another party's account reads as about an account that does not exist)."""
    (result,) = book.apply([op], party=on_behalf(who))
    return answer(result)


def on_behalf(who: Caller) -> str | None:
    """The party a write is applied on behalf of: none for the registry (`planning.When`)."""
    return None if who.is_registry else who.party


def answer(result: Result) -> JSONResponse:
    """A write's answer: 201 recorded, 200 recorded before; a refusal raises its `ApiError`."""
    if result.status in STATUS:
        parts = [PartOut.model_validate(part.to_json()) for part in result.parts]
        body = OperationOut(
            id=result.id, status=result.status, seq=result.seq, parts=parts
        ).model_dump(exclude={"parts"} if not parts else None)
        return JSONResponse(body, status_code=STATUS[result.status])
    code = 404 if result.status in NOT_FOUND_CODES else 409
    code = 503 if result.status in UNAVAILABLE_CODES else code
    raise ApiError(code, result.status, result.message)


def _tx_id(who: Caller, key: str) -> str:
    """`PARTY:KEY`: neither part can hold a `:`, so ids of two parties never collide."""
    return f"{who.party}:{key}"


CREATED: dict[int | str, dict[str, Any]] = {
    201: {"model": OperationOut, "description": "recorded"},
    200: {"model": OperationOut, "description": "a retry: recorded before, nothing changed"},
}
WRITE: dict[str, Any] = {"status_code": 201, "responses": {**WRITE_ERRORS, **CREATED}}
REGISTRY_RESPONSES: dict[int | str, dict[str, Any]] = {
    **WRITE_ERRORS,
    **CREATED,
    403: {"model": ErrorBody, "description": "registry only"},
}


@router.post("/transfers", **WRITE)
def transfer(book: Book, who: Me, body: TransferIn, key: IdempotencyKey) -> JSONResponse:
    """Move credits from one of your holding accounts to another holding account."""
    return _apply(book, who, transfer_op(who, body, key))


def transfer_op(who: Caller, body: TransferIn, key: str) -> dict[str, Any]:
    fields = body.model_dump(by_alias=True, exclude_none=True)
    return {"op": "transfer", "id": _tx_id(who, key), **fields}


@router.post("/retirements", **WRITE)
def retire(book: Book, who: Me, body: RetireIn, key: IdempotencyKey) -> JSONResponse:
    """Retire credits from one of your holding accounts (they never move again)."""
    if body.agreement is not None and body.agreement not in run_records.agreement_names(
        book.engine, who
    ):  # read only when one is named: the busiest write does not wait for it
        raise ApiError(404, "not_found", "no such agreement among yours")
    return _apply(book, who, retire_op(who, body, key))


def retire_op(who: Caller, body: RetireIn, key: str) -> dict[str, Any]:
    fields = body.model_dump(by_alias=True, exclude_none=True)
    fields["beneficiary"] = body.beneficiary or who.name
    return {"op": "retire", "id": _tx_id(who, key), **fields}


@router.post("/reservations", **WRITE)
def reserve(book: Book, who: Me, body: ReserveIn, key: IdempotencyKey) -> JSONResponse:
    """Reserve credits for a later transfer (post) or release (void)."""
    return _apply(book, who, reserve_op(who, body, key))


def reserve_op(who: Caller, body: ReserveIn, key: str) -> dict[str, Any]:
    return {"op": "reserve", "id": _tx_id(who, key), **body.model_dump(by_alias=True)}


@router.post("/reservations/{reservation}/post", **WRITE)
def post(
    book: Book, who: Me, reservation: Reservation, body: PostIn, key: IdempotencyKey
) -> JSONResponse:
    """Complete one of your reservations (at most the reserved quantity; the rest returns)."""
    op = {
        "op": "post",
        "id": _tx_id(who, key),
        "reservation": _tx_id(who, reservation),
        "quantity": body.quantity,
    }
    return _apply(book, who, op)


@router.post("/reservations/{reservation}/void", **WRITE)
def void(book: Book, who: Me, reservation: Reservation, key: IdempotencyKey) -> JSONResponse:
    """Release one of your reservations: everything returns to its account."""
    op = {"op": "void", "id": _tx_id(who, key), "reservation": _tx_id(who, reservation)}
    return _apply(book, who, op)


@router.post(
    "/issuances",
    status_code=201,
    responses=REGISTRY_RESPONSES,
)
def issue(book: Book, who: Me, body: IssueIn, key: IdempotencyKey) -> JSONResponse:
    """Issue credits (the registry's key only)."""
    _registry_only(who)
    op = {"op": "issue", "id": _tx_id(who, key), **body.model_dump()}
    return _apply(book, who, op)


@router.post("/parties", status_code=201, responses=REGISTRY_RESPONSES)
def open_party(book: Book, who: Me, body: PartyIn) -> JSONResponse:
    """Register a party (the registry's key only; the same body again answers `exists`)."""
    _registry_only(who)
    return _apply(book, who, {"op": "open_party", **body.model_dump()})


@router.post("/accounts", status_code=201, responses=REGISTRY_RESPONSES)
def open_account(book: Book, who: Me, body: AccountIn) -> JSONResponse:
    """Open an account for a party (the registry's key only)."""
    _registry_only(who)
    return _apply(book, who, {"op": "open_account", **body.model_dump()})


def _registry_only(who: Caller) -> None:
    if not who.is_registry:
        raise ApiError(403, "forbidden", "only the registry's key may do this")
