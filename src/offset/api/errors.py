"""How the JSON API says no: the error body every refusal carries (a result code and a
message), the exception the routes raise, and the error responses the schema documents.

Status codes: 401 without a live key; 404 for anything that is not the caller's (the same as
for what does not exist); 403 for an action the caller's kind may not take; 409 for a ledger
rule (the body carries the ledger's result code); 422 for a malformed request.
"""

from __future__ import annotations

from typing import Any

from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from offset.ledger.codes import JAPANESE


class ApiError(Exception):
    def __init__(self, status_code: int, status: str, message: str = "") -> None:
        self.status_code, self.status, self.message = status_code, status, message
        super().__init__(f"{status}: {message}")


class ErrorBody(BaseModel):
    status: str = Field(description="a ledger result code, or unauthorized / not_found / forbidden")
    message: str = ""
    message_ja: str = Field(default="", description="a ledger result code's words in Japanese")


def error_response(error: ApiError) -> JSONResponse:
    headers = {"WWW-Authenticate": "Bearer"} if error.status_code == 401 else None
    japanese = JAPANESE.get(error.status, "")
    body = ErrorBody(status=error.status, message=error.message, message_ja=japanese).model_dump()
    return JSONResponse(body, status_code=error.status_code, headers=headers)


ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorBody, "description": "no key, or a revoked or unknown one"},
    404: {"model": ErrorBody, "description": "not found, or not yours"},
    422: {"model": ErrorBody, "description": "a malformed request (`invalid_request`)"},
}
WRITE_ERRORS: dict[int | str, dict[str, Any]] = {
    **ERRORS,
    400: {"model": ErrorBody, "description": "the body is not JSON"},
    409: {"model": ErrorBody, "description": "refused by a ledger rule (see `status`)"},
    413: {"model": ErrorBody, "description": "the body is over 64 KiB (`too_large`)"},
}


ERROR_REF = {"$ref": "#/components/schemas/ErrorBody"}
