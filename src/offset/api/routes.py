"""The JSON API (`/api/v1`): reads scoped to the caller, writes through the ledger's one path.

The routes authenticate, call and render: what a caller may see is the library's
(`offset.ledger.visibility`, `offset.scenario.run_records`), rendered by `views` into the
`answers` models. Status codes (`errors`): 401 without a live key; 404 for anything that is not
the caller's (the same as for what does not exist); 403 for an action the caller's kind may not
take (issuance is the registry's); 409 for a ledger rule (the body carries the ledger's result
code); 422 for a malformed request.

Request bodies are typed strictly: a number is a JSON number and a text a JSON string, never
converted (`"quantity": "5"` or `true` is 422 `invalid_request`); a quantity past the ledger's
bounds is its `quantity_too_large` (409), however many digits it has (`json_body`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from typing import Annotated, Any, Literal, TypeVar

from fastapi import APIRouter, Depends, Header, Path, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, ConfigDict, Field

from offset.api import views
from offset.api.answers import (
    AccountOut,
    AgreementOut,
    BalanceOut,
    OperationOut,
    OriginOut,
    PartOut,
    PartyOut,
    ReductionOut,
    RetirementOut,
    SerialOut,
    StatementOut,
)
from offset.api.errors import ERROR_REF, ERRORS, WRITE_ERRORS, ApiError, ErrorBody
from offset.api.json_body import LedgerJsonRoute
from offset.api.keys import Caller, authenticate
from offset.documents.certificate import certificate_page
from offset.ledger import Ledger, visibility
from offset.ledger import operations as ops
from offset.ledger.codes import HISTORY_ALTERED
from offset.ledger.names import PATTERNS, TEXT_PATTERN
from offset.ledger.proof import Unverified
from offset.ledger.titles import titles_on
from offset.ledger.writer import Result
from offset.scenario import run_records

T = TypeVar("T")
bearer = HTTPBearer(auto_error=False, description="An API key: `offset party key create PARTY`")
# A key holds no `:`, and no party id does: `PARTY:KEY` ids of two parties never meet.
KEY_PATTERN = r"^[A-Za-z0-9._-]+$"
KEY_MAX = 100
IdempotencyKey = Annotated[
    str,
    Header(
        alias="Idempotency-Key",
        min_length=1,
        max_length=KEY_MAX,
        pattern=KEY_PATTERN,
        description="Your id for this request (letters, digits, `.`, `_`, `-`; at most 100): a"
        " retry with the same key and body changes nothing",
    ),
]
# No upper bound here: the ledger answers a quantity past its bounds `quantity_too_large`.
Positive = Annotated[int, Field(gt=0)]
Vintage = Annotated[int, Field(ge=1990, le=2100)]
# The ledger's own name and text rules (`offset.ledger.names`), with their limits.
Text = ops.Text
Account = Annotated[str, Field(max_length=200, pattern=f"^{PATTERNS['account id']}$")]
Project = Annotated[str, Field(max_length=100, pattern=f"^{PATTERNS['project name']}$")]
PathText = Annotated[str, Path(max_length=200, pattern=TEXT_PATTERN)]


def ledger(request: Request) -> Ledger:
    book: Ledger = request.app.state.ledger
    return book


async def _ledger(request: Request) -> Ledger:
    """`ledger` as a dependency: async, so that FastAPI runs it on the event loop instead of
    sending a thread to fetch an attribute."""
    return ledger(request)


def caller(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Caller:
    if credentials is None:
        raise ApiError(401, "unauthorized", "send Authorization: Bearer <API key>")
    found = authenticate(ledger(request).engine, credentials.credentials)
    if found is None:
        raise ApiError(401, "unauthorized", "unknown or revoked key")
    return found


Book = Annotated[Ledger, Depends(_ledger)]
Me = Annotated[Caller, Depends(caller)]
router = APIRouter(prefix="/api/v1", responses=ERRORS, route_class=LedgerJsonRoute)
UNVERIFIED: dict[str, Any] = {
    "model": ErrorBody,
    "description": "the retirement's ledger entry does not verify (`unverified`): not printed",
}


# --- reads -------------------------------------------------------------------------------------


@router.get("/me", response_model=PartyOut)
def me(book: Book, who: Me) -> dict[str, Any]:
    """The calling party."""
    return dataclasses.asdict(visibility.party(book, who))


@router.get("/accounts", response_model=list[AccountOut])
def list_accounts(book: Book, who: Me) -> list[dict[str, Any]]:
    return [
        {"account": a.id, "party": a.party, "kind": a.kind, "status": a.status}
        for a in visibility.accounts(book, who)
    ]


@router.get("/balances", response_model=list[BalanceOut])
def balances(
    book: Book,
    who: Me,
    as_of: Annotated[dt.date | None, Query(description="end of this day")] = None,
) -> list[dict[str, Any]]:
    """Non-zero balances of your accounts, now or as of a date."""
    return _titled(book, [dataclasses.asdict(b) for b in visibility.balances(book, who, as_of)])


@router.get("/accounts/{account:path}/statement", response_model=list[StatementOut])
def statement(
    book: Book,
    who: Me,
    account: Annotated[str, Path(max_length=200, pattern=f"^{PATTERNS['account id']}$")],
    start: Annotated[dt.date | None, Query(alias="from")] = None,
    end: Annotated[dt.date | None, Query(alias="to")] = None,
) -> list[dict[str, Any]]:
    lines = _visible(lambda: visibility.statement(book, who, account, start, end))
    return _titled(book, [dataclasses.asdict(line) for line in lines])


@router.get("/retirements", response_model=list[RetirementOut])
def retirements(book: Book, who: Me) -> list[dict[str, Any]]:
    """Retirements from your accounts, and those made on your behalf under your agreements."""
    return _titled(book, [views.retirement(r) for r in visibility.retirements(book, who)])


@router.get(
    "/retirements/{tx_id}/certificate",
    response_class=HTMLResponse,
    responses={
        200: {"content": {"text/html": {}}, "description": "a printable certificate"},
        # The errors stay JSON; without this they would be documented as text/html.
        **{
            code: {**spec, "content": {"application/json": {"schema": ERROR_REF}}}
            for code, spec in {**ERRORS, 409: UNVERIFIED}.items()
        },
    },
)
def certificate(
    request: Request,
    book: Book,
    who: Me,
    tx_id: Annotated[str, Path(max_length=200, pattern=TEXT_PATTERN)],
    version: Annotated[Literal["ja", "en"], Query(description="ja, or en for English")] = "ja",
) -> HTMLResponse:
    """The カーボン・オフセット証明書 (the account the credits came from only to its party)."""
    found = _visible(lambda: visibility.retirement(book, who, tx_id))
    base = str(request.base_url).rstrip("/")
    shown = visibility.sees_source(who, found)
    try:
        return HTMLResponse(certificate_page(book, found.id, version, base, source_shown=shown))
    except Unverified as e:  # a ledger edited by hand: the certificate is not printed
        raise ApiError(409, "unverified", str(e.message)) from e


@router.get("/origins", response_model=list[OriginOut])
def origins(book: Book, who: Me) -> list[dict[str, Any]]:
    """Where your credits come from: per holding, its serial ranges, methodology and issuances
    (the issuing party, the method, the input data's SHA-256), as a public registry shows them."""
    return _titled(book, [views.origin(o) for o in visibility.origins(book, who)])


@router.get("/agreements", response_model=list[AgreementOut])
def agreements(book: Book, who: Me) -> list[dict[str, Any]]:
    """Your agreements, with what each delivered per FY."""
    seen = run_records.agreements(book.engine, who)
    found = titles_on(book.engine, {p for a in seen for p in a.projects})
    return [views.agreement(a, found) for a in seen]


@router.get("/reductions", response_model=list[ReductionOut])
def reductions(
    book: Book, who: Me, fy: Annotated[int | None, Query(ge=1990, le=2100)] = None
) -> list[dict[str, Any]]:
    """Computed reductions (t-CO2e) of your municipality or your projects, per FY and method."""
    return _titled(book, [views.reduction(r) for r in run_records.reductions(book.engine, who, fy)])


@router.get("/serials/{project}/{vintage}/{serial}", response_model=SerialOut)
def serial(
    book: Book,
    who: Me,
    project: Annotated[str, Path(max_length=100, pattern=f"^{PATTERNS['project name']}$")],
    vintage: Annotated[int, Path(ge=1990, le=2100)],
    serial: Annotated[int, Path(ge=0, le=10**15)],
) -> dict[str, Any]:
    """The history of one credit that passed through your accounts, back to its input data."""
    found = views.serial(_visible(lambda: visibility.serial(book, who, project, vintage, serial)))
    return _titled(book, [found])[0]


def _titled(book: Ledger, found_rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each row with its project's title and creating place (`answers.TITLED`)."""
    found = titles_on(book.engine, {row["project"] for row in found_rows})
    return [views.titled(row, found) for row in found_rows]


def _visible(read: Callable[[], T]) -> T:
    try:
        return read()
    except visibility.NotVisible as e:
        raise ApiError(404, "not_found", "no such resource among yours") from e


# --- writes ------------------------------------------------------------------------------------


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


BY_TOTAL = (
    "; omitted: the quantity is taken from every vintage you hold of the project, oldest first"
    " (one transaction per vintage, all or none)"
)


class TransferIn(_In):
    from_: Annotated[Account, Field(alias="from")]
    to: Account
    project: Project
    vintage: Vintage | None = Field(default=None, description="the credits' vintage" + BY_TOTAL)
    quantity: Positive
    memo: ops.Memo = Field(default="", description="at most 1,000 characters")
    serials: ops.SerialRanges | None = Field(
        default=None,
        description='the serial numbers to move, inclusive ("0-29"); default:'
        " the lowest held. They must add up to the quantity",
    )


class RetireIn(_In):
    from_: Annotated[Account, Field(alias="from")]
    project: Project
    vintage: Vintage | None = Field(default=None, description="the credits' vintage" + BY_TOTAL)
    quantity: Positive
    reason: Text = Field(description="目的詳細: what the credits are used for; at most 200")
    beneficiary: Text | None = Field(
        default=None, description="クレジット利用者名; default: your party's name"
    )
    claim_period: ops.ClaimPeriod | None = Field(
        default=None, description="what the retirement offsets, e.g. 2024年度; at most 100"
    )
    purpose: ops.PurposeCode | None = Field(
        default=None,
        description="J-Credit's 用途 (README: Retirement purposes): ghg_act, energy_saving_act,"
        " carbon_offset, cdp, sbt, re100, shift_asset, keidanren_cn or other; the credits'"
        " type must be allowed for it",
    )
    offset_target: Text | None = Field(
        default=None, description="オフセット対象: the activity, product or event offset"
    )
    offset_place: ops.JisCode | None = Field(
        default=None,
        description="the offset target's municipality (JIS code); it may not be where the"
        " credits were created",
    )
    claim_fy: Vintage | None = Field(
        default=None,
        description="the FY the retirement is claimed for (ghg_act: required; retired within"
        " it or by 30 June after it)",
    )
    override: Text | None = Field(
        default=None,
        description="the registry's key only: the reason a use rule is overridden, recorded on"
        " the entry (another party's key: not_permitted)",
    )
    serials: ops.SerialRanges | None = Field(
        default=None,
        description='the serial numbers to retire, inclusive ("0-29"); default:'
        " the lowest held. They must add up to the quantity",
    )
    agreement: (
        Annotated[str, Field(max_length=200, pattern=f"^{PATTERNS['transaction id']}$")] | None
    ) = Field(default=None, description="one of your agreements this retirement counts against")


class ReserveIn(_In):
    from_: Annotated[Account, Field(alias="from")]
    to: Account
    project: Project
    vintage: Vintage
    quantity: Positive


class PostIn(_In):
    quantity: Positive | None = Field(default=None, description="default: the whole reservation")


class IssueIn(_In):
    to: Account
    instrument: Project
    project: Project
    vintage: Vintage
    quantity: Positive
    buffer: Annotated[int, Field(ge=0)] = 0
    methodology: Text | None = None


STATUS = {"ok": 201, "exists": 200}
NOT_FOUND_CODES = {"unknown_account", "unknown_class", "unknown_transaction", "unknown_party"}
# The ledger's own state refuses every write, whatever was sent: not the caller's conflict.
UNAVAILABLE_CODES = {HISTORY_ALTERED}


def _apply(book: Ledger, who: Caller, op: dict[str, Any]) -> JSONResponse:
    """One operation on the caller's behalf (the ledger checks, in the write itself, that the
    credits come from the caller's accounts, and masks what concerns other parties': a
    refusal about another party's account reads as about an account that does not exist)."""
    (result,) = book.apply([op], party=None if who.is_registry else who.party)
    return _answer(result)


def _answer(result: Result) -> JSONResponse:
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
REGISTRY_RESPONSES: dict[int | str, dict[str, Any]] = {
    **WRITE_ERRORS,
    **CREATED,
    403: {"model": ErrorBody, "description": "registry only"},
}


@router.post("/transfers", status_code=201, responses={**WRITE_ERRORS, **CREATED})
def transfer(book: Book, who: Me, body: TransferIn, key: IdempotencyKey) -> JSONResponse:
    """Move credits from one of your holding accounts to another holding account."""
    fields = body.model_dump(by_alias=True, exclude_none=True)
    op = {"op": "transfer", "id": _tx_id(who, key), **fields}
    return _apply(book, who, op)


@router.post("/retirements", status_code=201, responses={**WRITE_ERRORS, **CREATED})
def retire(book: Book, who: Me, body: RetireIn, key: IdempotencyKey) -> JSONResponse:
    """Retire credits from one of your holding accounts (they never move again)."""
    fields = body.model_dump(by_alias=True, exclude_none=True)
    fields["beneficiary"] = body.beneficiary or who.name
    named = run_records.agreement_names(book.engine, who)
    if body.agreement is not None and body.agreement not in named:
        raise ApiError(404, "not_found", "no such agreement among yours")
    return _apply(book, who, {"op": "retire", "id": _tx_id(who, key), **fields})


@router.post("/reservations", status_code=201, responses={**WRITE_ERRORS, **CREATED})
def reserve(book: Book, who: Me, body: ReserveIn, key: IdempotencyKey) -> JSONResponse:
    """Reserve credits for a later transfer (post) or release (void)."""
    op = {"op": "reserve", "id": _tx_id(who, key), **body.model_dump(by_alias=True)}
    return _apply(book, who, op)


@router.post(
    "/reservations/{reservation}/post", status_code=201, responses={**WRITE_ERRORS, **CREATED}
)
def post(
    book: Book,
    who: Me,
    reservation: Annotated[
        str, Path(max_length=KEY_MAX, pattern=KEY_PATTERN, description="its Idempotency-Key")
    ],
    body: PostIn,
    key: IdempotencyKey,
) -> JSONResponse:
    """Complete one of your reservations (at most the reserved quantity; the rest returns)."""
    op = {
        "op": "post",
        "id": _tx_id(who, key),
        "reservation": _tx_id(who, reservation),
        "quantity": body.quantity,
    }
    return _apply(book, who, op)


@router.post(
    "/reservations/{reservation}/void", status_code=201, responses={**WRITE_ERRORS, **CREATED}
)
def void(
    book: Book,
    who: Me,
    reservation: Annotated[
        str, Path(max_length=KEY_MAX, pattern=KEY_PATTERN, description="its Idempotency-Key")
    ],
    key: IdempotencyKey,
) -> JSONResponse:
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


class PartyIn(_In):
    party: ops.PartyId
    kind: Literal["municipality", "company", "prefecture", "registry"]
    name: Text
    jis_code: Annotated[str, Field(pattern=r"^[0-9]{5,6}$")] | None = None
    prefecture: Text | None = None


class AccountIn(_In):
    account: Account = Field(description="PARTY/LABEL, in the party's own namespace")
    party: ops.PartyId
    kind: Literal["holding", "buffer"]


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
