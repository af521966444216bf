"""The lean path: the JSON API's busiest requests (a transfer, a retirement, a reservation, the
balances) served by a plain ASGI function in front of every middleware of the app, Starlette's
and FastAPI's own included, so that they skip the dashboard's CSRF check, the error and body
limit wrappers, Starlette's routing, FastAPI's dependency solving and its second thread hop.

It answers a request only when it is sure to answer as the FastAPI route does: one
`Authorization: Bearer`, a valid `Idempotency-Key`, and a body sent as `application/json` that
reads as `json_body` reads it and validates with the route's own model (`bodies`); a read with
no query string. A write that reads nothing first (a transfer, a reservation, a retirement that
names no agreement) is gathered with the others that arrived meanwhile by one thread
(`batches`): their keys checked in one statement, their operations (the route's own,
`writes.transfer_op` ...) handed to the group commit together, each answered by the route's own
`writes.answer`. Otherwise the key check, the route's own function (`writes`, `routes`) and its
answer run in one thread hop (a plain executor's: 22 to 30 us of CPU where AnyIO's takes 56 to
76).
Anything else (no key, a malformed or oversized field, another Content-Type, a query string)
goes on to the FastAPI app with its body as sent, so every refusal is the one the framework
gives, word for word; a body over the limit is 413 here, as `limits.BodyLimit` answers it. A key
is checked against the database on every request, as on the framework's path (a revoked key
stops at once).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from typing import Any, Final

from fastapi.responses import Response
from pydantic import BaseModel, TypeAdapter
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from offset.api import bodies, limits, routes, writes
from offset.api.answers import BalanceOut
from offset.api.batches import Batches
from offset.api.errors import ApiError, error_response
from offset.api.keys import Caller, authenticate, authenticate_all
from offset.ledger import Ledger, lines
from offset.ledger.writer import Submission

# The threads that wait on the database for the lean path (a write waits for its group commit;
# as many at once as AnyIO's default limiter lets FastAPI's sync routes run).
THREADS: Final = 40

# The threads that gather writes (`batches`): while one waits for its batch's commit, the other
# checks the keys of what arrived meanwhile and queues behind it in the group commit's line (one
# made a serial chain, slower on a busy machine; four split the batches: benchmarks/README.md).
GATHERERS: Final = 2

JSON_TYPES: Final = frozenset({b"application/json", b"application/json; charset=utf-8"})
BALANCES: Final = TypeAdapter(list[BalanceOut])
Serve = Callable[[Ledger, Caller, Any, str], Response]
Operation = Callable[[Caller, Any, str], dict[str, Any]]


@dataclass(frozen=True)
class Route:
    body: type[BaseModel] | None  # None: a read, which takes no body and no Idempotency-Key
    serve: Serve
    op: Operation | None = None  # a write that may be gathered with others (`_write_together`)


@dataclass(frozen=True)
class Written:
    """A gathered call's key check and write, done with its batch's (`_write_together`)."""

    who: Caller | None
    submission: Submission | None  # None when the key was refused (nothing was written)


@dataclass(frozen=True)
class Call:
    route: Route
    key: str  # the API key
    body: BaseModel | None
    idempotency_key: str
    written: Written | None = None

    @property
    def gathered(self) -> bool:
        """Written with others (`batches`): a write that reads nothing before it (a retirement
        that names an agreement reads the caller's agreements first: a thread of its own)."""
        return self.route.op is not None and getattr(self.body, "agreement", None) is None


def _balances(book: Ledger, who: Caller, _: None, __: str) -> Response:
    """`GET /api/v1/balances` as FastAPI answers it: through its response model, to JSON."""
    found = BALANCES.validate_python(routes.balances(book, who), from_attributes=True)
    return Response(BALANCES.dump_json(found, by_alias=True), media_type="application/json")


ROUTES: Final[dict[tuple[str, str], Route]] = {
    ("POST", "/api/v1/transfers"): Route(bodies.TransferIn, writes.transfer, writes.transfer_op),
    ("POST", "/api/v1/retirements"): Route(bodies.RetireIn, writes.retire, writes.retire_op),
    ("POST", "/api/v1/reservations"): Route(bodies.ReserveIn, writes.reserve, writes.reserve_op),
    ("GET", "/api/v1/balances"): Route(None, _balances),
}


class Lean:
    """Pure ASGI middleware, outside the others: `ROUTES` answered here when it can (above)."""

    def __init__(self, app: ASGIApp, book: Ledger) -> None:
        self.app, self.book = app, book
        self.threads = ThreadPoolExecutor(THREADS, thread_name_prefix="offset-lean")
        self.writes: Batches[Call, Response] = Batches(
            lambda calls: _write_together(book, calls), "offset-lean-writes", GATHERERS
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        route = ROUTES.get((scope.get("method", ""), scope.get("path", "")))
        if route is None or scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        messages = await limits.read_body(scope, receive)
        if messages is None:
            await limits.refuse(send)
            return
        call = _call(route, scope, messages)
        if call is None:  # the framework answers, from the body as sent
            await self.app(scope, limits.replay(messages, receive), send)
            return
        if call.gathered:
            response = await self.writes(call)
        else:
            loop = asyncio.get_running_loop()
            response = await loop.run_in_executor(self.threads, _serve, self.book, call)
        await response(scope, receive, send)


def _call(route: Route, scope: Scope, messages: list[Message]) -> Call | None:
    """The request as the route takes it, or None when the framework has to answer it."""
    if messages[-1]["type"] != "http.request":  # the client went away
        return None
    headers = _headers(scope)
    key = _bearer(headers.get(b"authorization"))
    if key is None:
        return None
    if route.body is None:
        return None if scope.get("query_string") else Call(route, key, None, "")
    idempotency_key = headers.get(b"idempotency-key", b"").decode("latin-1")
    if not bodies.valid_key(idempotency_key):
        return None
    if headers.get(b"content-type", b"").lower() not in JSON_TYPES:
        return None
    raw = b"".join(m.get("body", b"") for m in messages)
    try:
        body = route.body.model_validate(lines.loads(raw))
    except (ValueError, RecursionError):  # malformed JSON, or a ValidationError
        return None
    return Call(route, key, body, idempotency_key)


WANTED: Final = frozenset({b"authorization", b"idempotency-key", b"content-type"})


def _headers(scope: Scope) -> dict[bytes, bytes]:
    """The headers the lean path reads; of one sent twice, the first (as Starlette's `get`)."""
    found: dict[bytes, bytes] = {}
    for name, value in scope["headers"]:
        if name in WANTED and name not in found:
            found[name] = value
    return found


def _bearer(value: bytes | None) -> str | None:
    """The key of `Authorization: Bearer KEY`, as FastAPI's `HTTPBearer` reads it."""
    if value is None:
        return None
    scheme, _, key = value.decode("latin-1").partition(" ")
    key = key.strip()
    return key if scheme.lower() == "bearer" and key else None


def _serve(book: Ledger, call: Call) -> Response:
    """The key check and the route's function (in a worker thread: both wait on the database),
    or, for a call written with others, the answer to what its batch checked and wrote."""
    done = call.written
    who = authenticate(book.engine, call.key) if done is None else done.who
    try:
        if who is None:
            raise ApiError(401, "unauthorized", "unknown or revoked key")
        if done is None:
            return call.route.serve(book, who, call.body, call.idempotency_key)
        assert done.submission is not None
        if done.submission.error is not None:
            raise done.submission.error  # as `Writer.apply` raises it
        assert done.submission.results is not None
        (result,) = done.submission.results
        return writes.answer(result)
    except ApiError as e:
        return error_response(e)


def _write_together(book: Ledger, calls: list[Call]) -> list[Response | Exception]:
    """Gathered writes (`batches`): their keys checked in one statement (every request still
    checked against the database), their operations handed to the group commit together, then
    each answered by `_serve` as a call on its own would be."""
    callers = authenticate_all(book.engine, [call.key for call in calls])
    written: list[Written] = []
    for call, who in zip(calls, callers, strict=True):
        submission = None
        if who is not None:
            assert call.route.op is not None
            op = call.route.op(who, call.body, call.idempotency_key)
            submission = Submission([op], False, None, writes.on_behalf(who))
        written.append(Written(who, submission))
    book.submit_together([w.submission for w in written if w.submission is not None])
    answers: list[Response | Exception] = []
    for call, w in zip(calls, written, strict=True):
        try:
            answers.append(_serve(book, replace(call, written=w)))
        except Exception as broken:  # this call's alone (its write failed): a 500, as before
            answers.append(broken)
    return answers
