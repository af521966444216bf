"""The FastAPI application: the JSON API under /api/v1 and the dashboard under /."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.telemetry import TelemetryConfig
from fastapi_offline import FastAPIOffline
from starlette.exceptions import HTTPException as StarletteHTTPException

from offset import __version__
from offset.api import actions, check, csrf, dashboard, lean, limits, programmes, routes, writes
from offset.api.errors import ApiError, error_response
from offset.ledger import Ledger

NO_TELEMETRY: TelemetryConfig = {"tracing": False, "metrics": False, "logs": False}


def create_app(
    book: Ledger, programme_files: Sequence[Path] = (), *, lean_path: bool = True
) -> FastAPI:
    """The app on `book`; `programme_files` are the programme-type projects it serves.
    `lean_path=False` serves every request through the framework (tests compare the two)."""
    # FastAPIOffline: /docs and /redoc load Swagger UI and ReDoc from the package, not a CDN, so
    # they work offline and on closed networks (LGWAN) like the dashboard.
    app = FastAPIOffline(
        title="offset",
        version=__version__,
        description=(
            "Carbon-offset credits of one party: balances, statements, retirements and their"
            " certificates, agreements, reductions, serial histories; transfers, retirements and"
            " reservations. Authenticate with `Authorization: Bearer <API key>`. Anything that is"
            " not yours answers 404, exactly as what does not exist. A request body is at most"
            " 64 KiB (413 `too_large`); a malformed request is 422 `invalid_request`."
        ),
        # FastAPI's native OpenTelemetry asks the global providers on every request whether to
        # trace it (12 % of a busy server's CPU); offset configures none.
        telemetry=NO_TELEMETRY,
    )
    app.state.ledger = book
    app.state.programmes = programmes.Programmes(programme_files)

    @app.exception_handler(ApiError)
    def api_error(_: Request, error: ApiError) -> JSONResponse:
        return error_response(error)

    @app.exception_handler(StarletteHTTPException)
    def http_error(request: Request, error: StarletteHTTPException) -> Response:
        # Routing errors (no such path, method) in the API's own error shape.
        status = "not_found" if error.status_code == 404 else f"http_{error.status_code}"
        return error_response(ApiError(error.status_code, status, str(error.detail)))

    app.add_exception_handler(RequestValidationError, limits.invalid_request)
    app.add_exception_handler(dashboard.SignInRequired, dashboard.sign_in_redirect)
    app.add_exception_handler(actions.NotRegistry, actions.refuse_not_registry)
    # The last added runs first: the body limit before the CSRF check reads a form.
    app.add_middleware(csrf.protect)
    app.add_middleware(limits.BodyLimit)
    if lean_path:  # outside every middleware, the framework's own too (`lean`)
        framework = app.build_middleware_stack
        app.build_middleware_stack = lambda: lean.Lean(framework(), book)  # type: ignore[method-assign]
    app.include_router(routes.router)
    app.include_router(writes.router)
    app.include_router(programmes.router)
    app.include_router(dashboard.router)
    app.include_router(actions.router)
    app.include_router(check.router)
    return app
