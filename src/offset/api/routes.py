"""The JSON API (`/api/v1`): its reads, scoped to the caller, and what every route shares (the
ledger, the key check); the writes are `writes`, their bodies `bodies`, and the lean path that
serves the busiest of them without the framework `lean`.

The routes authenticate, call and render: what a caller may see is the library's
(`offset.ledger.visibility`, `offset.scenario.run_records`), rendered by `views` into the
`answers` models. Status codes (`errors`): 401 without a live key; 404 for anything that is not
the caller's (the same as for what does not exist); 403 for an action the caller's kind may not
take (issuance is the registry's); 409 for a ledger rule (the body carries the ledger's result
code); 422 for a malformed request.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Iterable
from typing import Annotated, Any, Literal, TypeVar

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import HTMLResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from offset.api import views
from offset.api.answers import (
    AccountOut,
    AgreementOut,
    BalanceOut,
    OriginOut,
    PartyOut,
    PeriodBalanceOut,
    ReductionOut,
    RetirementOut,
    SerialOut,
    StatementOut,
)
from offset.api.errors import ERROR_REF, ERRORS, ApiError, ErrorBody
from offset.api.json_body import LedgerJsonRoute
from offset.api.keys import Caller, authenticate
from offset.common.messages import text
from offset.documents.certificate import certificate_page
from offset.ledger import Ledger, proof, visibility
from offset.ledger.names import PATTERNS, TEXT_PATTERN
from offset.ledger.proof import Unverified
from offset.ledger.rows import PeriodBalance, StatementLine
from offset.ledger.titles import titles_on
from offset.scenario import run_records

T = TypeVar("T")
bearer = HTTPBearer(auto_error=False, description="An API key: `offset party key create PARTY`")
# A key holds no `:`, and no party id does: `PARTY:KEY` ids of two parties never meet.
KEY_PATTERN = r"^[A-Za-z0-9._-]+$"
KEY_MAX = 100


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
OwnAccount = Annotated[str, Path(max_length=200, pattern=f"^{PATTERNS['account id']}$")]
From = Annotated[dt.date | None, Query(alias="from")]
To = Annotated[dt.date | None, Query(alias="to")]
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


@router.get(
    "/accounts/{account:path}/statement",
    response_model=list[StatementOut],
    responses={
        409: {**UNVERIFIED, "description": "an entry it holds does not verify (`unverified`)"}
    },
)
def statement(
    book: Book, who: Me, account: OwnAccount, start: From = None, end: To = None
) -> list[dict[str, Any]]:
    """Your account's postings with their running balance, once their entries (and their link
    to the chain head) verify: 409 `unverified` if they do not, as the dashboard's."""
    lines = _visible(lambda: visibility.statement(book, who, account, start, end))
    _proved_statement(book, account, lines=lines)
    return _titled(book, [dataclasses.asdict(line) for line in lines])


@router.get(
    "/accounts/{account:path}/balances",
    response_model=list[PeriodBalanceOut],
    responses={409: {**UNVERIFIED, "description": "an entry it is read from does not verify"}},
)
def period_balances(
    book: Book, who: Me, account: OwnAccount, start: From = None, end: To = None
) -> list[dict[str, Any]]:
    """Your account over a period (a statement's): each credit class held before it or at its
    end, moved or not, with its opening balance, what came in and went out, and its closing
    balance, once the entries they are read from verify (409 `unverified` if not)."""
    held = _visible(lambda: visibility.period_balances(book, who, account, start, end))
    _proved_statement(book, account, held=held)
    return _titled(book, [dataclasses.asdict(b) for b in held])


def _proved_statement(
    book: Ledger,
    account: str,
    lines: Iterable[StatementLine] = (),
    held: Iterable[PeriodBalance] = (),
) -> None:
    """A statement's entries verify (`proof.require_statement`), or 409 `unverified`."""
    try:
        proof.require_statement(book.engine, account, lines, held)
    except Unverified as e:  # a ledger edited by hand: not answered
        raise unverified(e) from e


def unverified(e: Unverified) -> ApiError:
    """409 `unverified`, in both languages: what a document's proof found."""
    return ApiError(409, "unverified", str(e.message), text(e.message, "ja"))


@router.get(
    "/retirements",
    response_model=list[RetirementOut],
    responses={409: {**UNVERIFIED, "description": "an entry it lists does not verify"}},
)
def retirements(book: Book, who: Me) -> list[dict[str, Any]]:
    """Retirements from your accounts, and those made on your behalf under your agreements,
    once their entries verify (409 `unverified` if not, as a certificate's)."""
    seen = visibility.retirements(book, who)
    try:
        proof.require_retirements(book.engine, (s.retirement for s in seen))
    except Unverified as e:  # a ledger edited by hand: not answered
        raise unverified(e) from e
    return _titled(book, [views.retirement(r) for r in seen])


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
        raise unverified(e) from e


@router.get("/origins", response_model=list[OriginOut])
def origins(book: Book, who: Me) -> list[dict[str, Any]]:
    """Where your credits come from: per holding, its serial ranges, methodology and issuances
    (the issuing party, the method, the input data's SHA-256), as a public registry shows them."""
    return _titled(book, [views.origin(o) for o in visibility.origins(book, who)])


@router.get(
    "/agreements",
    response_model=list[AgreementOut],
    responses={
        409: {**UNVERIFIED, "description": "an entry its figures are read from does not verify"}
    },
)
def agreements(book: Book, who: Me) -> list[dict[str, Any]]:
    """Your agreements, with what each delivered per FY, once the entries those figures are
    read from verify (409 `unverified` if not)."""
    try:
        seen = run_records.agreements(book.engine, who)
    except Unverified as e:  # a ledger edited by hand: not answered
        raise unverified(e) from e
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
