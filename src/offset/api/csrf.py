"""CSRF protection of the dashboard's forms: a signed token bound to the browser and its session.

Every page with a form carries a token in the hidden field `csrftoken`: an itsdangerous
signature of a digest of two cookies, `offset_csrf` (a random value this middleware gives each
browser; HttpOnly, SameSite=Strict) and the session cookie (the signed-in key, or none). Every
request outside `/api/` that is not GET, HEAD or OPTIONS, sign-in and sign-out included, must
carry the token of its own two cookies, else 403 before the app reads it: a token drawn in
another browser, before signing in, or for another party's session is refused, and no header
(`Authorization: Bearer` included) skips the check.

The dashboard's forms are `application/x-www-form-urlencoded` in UTF-8, as a browser sends them:
any other body (multipart, a malformed Content-Type, bytes that are not UTF-8) is answered 400
in words and never reaches the app, so what is stored is what was typed, never U+FFFD.

The JSON API is left alone: it authenticates by `Authorization: Bearer`, which a browser never
sends on another site's behalf, and never by cookie.

The token is signed with `OFFSET_SECRET` when set. Without it each process draws its own secret,
so a form drawn by one `offset serve` process and sent to another is refused as expired: set
`OFFSET_SECRET` to the same value when several processes serve one dashboard.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
from typing import Any, Final
from urllib.parse import parse_qsl

from itsdangerous import BadData, URLSafeSerializer
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from offset.api.limits import in_words

SECRET_VARIABLE: Final = "OFFSET_SECRET"
API_PREFIX: Final = "/api/"
FIELD: Final = "csrftoken"  # the hidden field, and the scope key of the token maker
BROWSER_COOKIE: Final = "offset_csrf"
SESSION_COOKIE: Final = "offset_key"  # the signed-in API key (`offset.api.dashboard`)
FORM_TYPE: Final = "application/x-www-form-urlencoded"
SAFE_METHODS: Final = frozenset({"GET", "HEAD", "OPTIONS"})
MAX_FIELDS: Final = 100  # the largest form has a dozen
_BROWSER = re.compile(r"[A-Za-z0-9_-]{43}")  # secrets.token_urlsafe(32)


def token(scope: Scope) -> str:
    """The token a page puts in its forms (the middleware sets its cookie on that response)."""
    made: str = scope[FIELD]()
    return made


def _binding(browser: str, session: str) -> str:
    """What a token is bound to: this browser and its session (a digest: no key in a page)."""
    return hashlib.sha256(f"{browser}\n{session}".encode()).hexdigest()


def form_fields(scope: Scope, body: bytes) -> dict[str, str] | None:
    """A form body's fields, or None when it is not a URL-encoded UTF-8 form."""
    if not body:
        return {}
    kind, _, params = (Request(scope).headers.get("content-type") or "").partition(";")
    charset = params.strip().lower().removeprefix("charset=").strip('"')
    if kind.strip().lower() != FORM_TYPE or charset not in ("", "utf-8"):
        return None
    try:
        pairs = parse_qsl(
            body.decode("utf-8"),
            keep_blank_values=True,
            encoding="utf-8",
            errors="strict",
            max_num_fields=MAX_FIELDS,
        )
    except ValueError:  # UnicodeDecodeError included, and too many fields
        return None
    return dict(pairs)


class Protect:
    """Pure ASGI middleware: the check above, and the browser cookie for pages that need one."""

    def __init__(self, app: ASGIApp, secret: str | None = None) -> None:
        self.app = app
        secret = secret or os.environ.get(SECRET_VARIABLE) or secrets.token_hex(32)
        self.signer = URLSafeSerializer(secret, salt="offset.dashboard.form")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or str(scope.get("path", "")).startswith(API_PREFIX):
            await self.app(scope, receive, send)
            return
        cookies = Request(scope).cookies
        browser = cookies.get(BROWSER_COOKIE, "")
        fresh = _BROWSER.fullmatch(browser) is None
        if fresh:
            browser = secrets.token_urlsafe(32)
        binding = _binding(browser, cookies.get(SESSION_COOKIE, ""))
        if scope["method"] not in SAFE_METHODS:
            body = await _body(receive)
            fields = form_fields(scope, body)
            if fields is None:
                await _answer(send, 400, "bad_form")
                return
            if fresh or not self._valid(fields.get(FIELD, ""), binding):
                await _answer(send, 403, "expired")
                return
            receive = _replay(body, receive)
        scope[FIELD] = lambda: self.signer.dumps(binding)
        await self.app(scope, receive, _with_cookie(send, browser) if fresh else send)

    def _valid(self, sent: str, binding: str) -> bool:
        try:
            signed = self.signer.loads(sent)
        except BadData:
            return False
        return isinstance(signed, str) and hmac.compare_digest(signed, binding)


async def _body(receive: Receive) -> bytes:
    """The whole body (`limits.BodyLimit`, in front, has read it already: at most 64 KiB)."""
    parts = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        parts.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    return b"".join(parts)


def _replay(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if sent:
            return await receive()
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return replay


def _with_cookie(send: Send, browser: str) -> Send:
    cookie = f"{BROWSER_COOKIE}={browser}; HttpOnly; Path=/; SameSite=Strict".encode()

    async def sending(message: Message) -> None:
        if message["type"] == "http.response.start":
            message = {**message, "headers": [*message.get("headers", []), (b"set-cookie", cookie)]}
        await send(message)

    return sending


async def _answer(send: Send, status: int, label: str) -> None:
    body = in_words(label, status).encode()
    headers = [
        (b"content-type", b"text/html; charset=utf-8"),
        (b"content-length", str(len(body)).encode()),
    ]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def protect(app: ASGIApp, /, **_: Any) -> ASGIApp:
    """`app` behind the check; a Starlette middleware factory (`add_middleware(protect)`)."""
    return Protect(app)
