"""The HTTP boundary's limits: a request body larger than `MAX_BODY_BYTES` is refused with 413
before it is read whole (whether it announces its length or streams it), and a malformed
request is answered 422 in the API's own shape, without echoing what was sent (it may hold
what no encoder can write, or be large)."""

from __future__ import annotations

import html
import json
from typing import Any, Final

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from offset.api.errors import japanese
from offset.api.labels import LABELS
from offset.common.messages import spaced

MAX_BODY_BYTES: Final = 65_536  # an operation is a few hundred bytes; a memo at most 1,000 chars
TOO_LARGE = {
    "status": "too_large",
    "message": f"the request body is over {MAX_BODY_BYTES:,} bytes",
    "message_ja": f"リクエストの本文が{MAX_BODY_BYTES:,}バイトを超えています",
}


class BodyLimit:
    """Pure ASGI middleware: reads a request's body up to the limit before the app sees it
    (a body is at most 64 KiB, so holding it costs nothing), and refuses one that is larger."""

    def __init__(self, app: ASGIApp, limit: int = MAX_BODY_BYTES) -> None:
        self.app, self.limit = app, limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        messages = await read_body(scope, receive, self.limit)
        if messages is None:
            await refuse(send)
            return
        await self.app(scope, replay(messages, receive), send)


async def read_body(
    scope: Scope, receive: Receive, limit: int = MAX_BODY_BYTES
) -> list[Message] | None:
    """A request's messages up to the end of its body, or None when the body is larger than
    `limit` (announced or streamed: nothing past the limit is read)."""
    declared = dict(scope.get("headers") or []).get(b"content-length")
    if declared is not None and (not declared.isdigit() or int(declared) > limit):
        return None
    messages: list[Message] = []
    size = 0
    while True:
        message = await receive()
        messages.append(message)
        if message["type"] != "http.request":
            return messages
        size += len(message.get("body", b""))
        if size > limit:
            return None
        if not message.get("more_body", False):
            return messages


def replay(messages: list[Message], receive: Receive) -> Receive:
    """`receive` that gives `messages` again first (the app reads the body as it was sent)."""
    waiting = list(messages)

    async def replayed() -> Message:
        return waiting.pop(0) if waiting else await receive()

    return replayed


async def refuse(send: Send) -> None:
    """413 `too_large`, in the API's shape."""
    body = json.dumps(TOO_LARGE).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": 413, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def _place(error: dict[str, Any]) -> str:
    """Where a problem is, as plain ASCII (a key a caller sent is escaped, not echoed)."""
    return ".".join(
        str(p) if str(p).isascii() and str(p).isprintable() else ascii(p) for p in error["loc"]
    )


def invalid_request(request: Request, error: Exception) -> Response:
    """422 `invalid_request` in the API's shape; on the dashboard, 400 in words."""
    assert isinstance(error, RequestValidationError)
    if not request.url.path.startswith("/api/"):
        return HTMLResponse(in_words("bad_request", 400), status_code=400)
    problems = [
        {"where": _place(e), "why": str(e["msg"]).encode("ascii", "replace").decode()}
        for e in error.errors()[:20]
    ]
    words = "; ".join(f"{p['where']}: {p['why']}" for p in problems)
    places = "、".join(dict.fromkeys(p["where"] for p in problems))
    return JSONResponse(
        {"status": "invalid_request", "message": words,
         "message_ja": japanese("invalid_request") + spaced("(項目{places})", {"places": places})},
        status_code=422,
    )  # fmt: skip


def in_words(label: str, status: int) -> str:
    """A refusal of the dashboard as a page, in both languages (the page that sent the
    request is not known here)."""
    words = " / ".join(html.escape(LABELS[lang][label]) for lang in ("ja", "en"))
    return f"<!doctype html><meta charset='utf-8'><title>{status}</title><p>{words}</p>"
