"""How the JSON API reads a request body: as `offset ledger apply` reads a line
(`offset.ledger.lines.loads`), so that the same input gets the same answer on both paths.

A number of more than 30 digits reads as 10**30 (Python's own reader gives up at 4,300 digits,
which FastAPI answered 400 "error parsing the body"), so a 5,000-digit quantity is the ledger's
`quantity_too_large`; NaN, Infinity and nesting too deep for the reader are malformed JSON,
422 `invalid_request`, as any other.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request, Response
from fastapi.routing import APIRoute

from offset.ledger import lines


class LedgerJsonRequest(Request):
    async def json(self) -> Any:
        if not hasattr(self, "_json"):
            body = await self.body()
            try:
                self._json = lines.loads(body)
            except json.JSONDecodeError:
                raise
            except (ValueError, RecursionError) as e:
                # FastAPI answers a JSONDecodeError as a validation error (422), anything else 400
                raise json.JSONDecodeError(type(e).__name__, body.decode("latin-1"), 0) from e
        return self._json


class LedgerJsonRoute(APIRoute):
    """An API route whose body is read by `LedgerJsonRequest` (FastAPI's custom route class)."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def read_as_ledger(request: Request) -> Response:
            return await handler(LedgerJsonRequest(request.scope, request.receive))

        return read_as_ledger
