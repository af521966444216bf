"""CSRF protection of the dashboard's forms: asgi-csrf's signed double-submit cookie.

Every page with a form carries the token of the `csrftoken` cookie in a hidden field; a POST
with cookies whose field does not match is refused with 403 before the app sees it. The JSON
API is left alone: it authenticates by `Authorization: Bearer`, which a browser never sends on
another site's behalf, and never by cookie.

The token is signed with `OFFSET_SECRET` when set. Without it each process draws its own secret,
so a form drawn by one `offset serve` process and sent to another is refused as expired: set
`OFFSET_SECRET` to the same value when several processes serve one dashboard.
"""

from __future__ import annotations

import html
import os
from typing import Any

from asgi_csrf import asgi_csrf
from starlette.types import ASGIApp, Scope, Send

from offset.api.labels import LABELS

SECRET_VARIABLE = "OFFSET_SECRET"
API_PREFIX = "/api/"


def token(scope: Scope) -> str:
    """The token a page puts in its forms (asgi-csrf sets its cookie on that response)."""
    made: str = scope["csrftoken"]()
    return made


def _api(scope: Scope) -> bool:
    return str(scope.get("path", "")).startswith(API_PREFIX)


async def _refused(scope: Scope, send: Send, _reason: Any) -> None:
    # Both languages: the page that sent the form is not known here.
    words = " / ".join(html.escape(LABELS[lang]["expired"]) for lang in ("ja", "en"))
    body = f"<!doctype html><meta charset='utf-8'><title>403</title><p>{words}</p>".encode()
    headers = [(b"content-type", b"text/html; charset=utf-8")]
    await send({"type": "http.response.start", "status": 403, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def protect(app: ASGIApp, /, **_: Any) -> ASGIApp:
    """`app` behind the check; a Starlette middleware factory (`add_middleware(protect)`)."""
    protected: ASGIApp = asgi_csrf(
        app,
        signing_secret=os.environ.get(SECRET_VARIABLE) or None,
        skip_if_scope=_api,
        cookie_samesite="Strict",
        send_csrf_failed=_refused,
        always_protect={"/signin"},
    )
    return protected
