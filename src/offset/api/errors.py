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

#: The words in Japanese of the statuses the API answers itself (a ledger result code's are
#: `codes.JAPANESE`): every refusal carries `message_ja`, which a municipality's system shows.
API_JAPANESE: dict[str, str] = {
    "unauthorized": "APIキーがないか、無効です(失効したか、登録されていません)",
    "not_found": "該当するものはありません(あなたのものではありません)",
    "forbidden": "この操作はレジストリのキーだけが行えます",
    "invalid_request": "リクエストの形式が正しくありません",
    "unverified": "台帳の記録を検証できないため、発行していません",
    "http_405": "このパスではこのメソッドは使えません",
}


def japanese(status: str) -> str:
    """A status's words in Japanese: a ledger result code's, or the API's own."""
    return JAPANESE.get(status) or API_JAPANESE.get(status, "")


class ApiError(Exception):
    def __init__(
        self, status_code: int, status: str, message: str = "", message_ja: str = ""
    ) -> None:
        self.status_code, self.status, self.message = status_code, status, message
        self.message_ja = message_ja  # more than the status's words (`japanese`), when known
        super().__init__(f"{status}: {message}")


class ErrorBody(BaseModel):
    status: str = Field(description="a ledger result code, or unauthorized / not_found / forbidden")
    message: str = ""
    message_ja: str = Field(default="", description="the refusal's words in Japanese")


def error_response(error: ApiError) -> JSONResponse:
    headers = {"WWW-Authenticate": "Bearer"} if error.status_code == 401 else None
    words = error.message_ja or japanese(error.status)
    body = ErrorBody(status=error.status, message=error.message, message_ja=words).model_dump()
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
