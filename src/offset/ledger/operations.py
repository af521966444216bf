"""The operations a ledger accepts, parsed and checked for shape (not for rules) by pydantic.

One JSON object per operation, as `offset ledger apply` reads them; `op` names the kind. Unknown
fields are refused, so a typo is an `invalid_operation`, never silently ignored.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError, field_validator

from offset.ledger.codes import Rejected

PartyKind = Literal["municipality", "company", "registry", "prefecture", "unspecified"]
AccountKind = Literal["issuance", "holding", "buffer", "retirement", "cancellation", "pending"]
Quantity = Annotated[int, Field(gt=0, le=10**15, strict=True)]  # credits: whole t-CO2e only
Vintage = Annotated[int, Field(ge=1990, le=2100)]
Name = Annotated[str, Field(min_length=1, max_length=200)]


class _Op(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    @field_validator("*", mode="after")
    @classmethod
    def _no_nul(cls, value: object) -> object:
        # PostgreSQL text cannot hold NUL; refuse it on every database alike.
        if isinstance(value, str) and "\x00" in value:
            raise ValueError("NUL characters are not allowed")
        return value


class OpenParty(_Op):
    op: Literal["open_party"]
    party: Name
    kind: PartyKind = "unspecified"
    name: str = ""
    jis_code: str | None = None
    prefecture: str | None = None


class OpenAccount(_Op):
    op: Literal["open_account"]
    account: Name
    party: Name
    kind: AccountKind


class AccountStatus(_Op):
    """Suspend, close or reopen an account (accounts are never deleted)."""

    op: Literal["account_status"]
    account: Name
    status: Literal["open", "suspended", "closed"]


class _Tx(_Op):
    id: Name
    effective_date: dt.date | None = None
    memo: str = ""
    agreement: str | None = None


class Issue(_Tx):
    op: Literal["issue"]
    to: Name
    instrument: Name
    project: Name
    vintage: Vintage
    quantity: Quantity
    buffer: Annotated[int, Field(ge=0, strict=True)] = 0
    buffer_account: str | None = None
    methodology: str | None = None
    source: dict[str, Any] | None = None  # provenance: manifest, input hashes, factor tables


class Transfer(_Tx):
    op: Literal["transfer"]
    from_: Annotated[Name, Field(alias="from")]
    to: Name
    project: Name
    vintage: Vintage
    quantity: Quantity


class Retire(_Tx):
    op: Literal["retire"]
    from_: Annotated[Name, Field(alias="from")]
    project: Name
    vintage: Vintage
    quantity: Quantity
    beneficiary: Name
    reason: Name
    claim_period: str | None = None


class Cancel(_Tx):
    op: Literal["cancel"]
    from_: Annotated[Name, Field(alias="from")]
    project: Name
    vintage: Vintage
    quantity: Quantity
    reason: Name


class Reverse(_Tx):
    op: Literal["reverse"]
    of: Name
    quantity: Quantity | None = None  # None: all that is left to reverse


class Reserve(_Tx):
    op: Literal["reserve"]
    from_: Annotated[Name, Field(alias="from")]
    to: Name
    project: Name
    vintage: Vintage
    quantity: Quantity


class Post(_Tx):
    op: Literal["post"]
    reservation: Name
    quantity: Quantity | None = None  # None: the whole reservation


class Void(_Tx):
    op: Literal["void"]
    reservation: Name


Operation = (
    OpenParty
    | OpenAccount
    | AccountStatus
    | Issue
    | Transfer
    | Retire
    | Cancel
    | Reverse
    | Reserve
    | Post
    | Void
)
OPERATION_TYPES = (
    OpenParty,
    OpenAccount,
    AccountStatus,
    Issue,
    Transfer,
    Retire,
    Cancel,
    Reverse,
    Reserve,
    Post,
    Void,
)
TxOperation = Issue | Transfer | Retire | Cancel | Reverse | Reserve | Post | Void
_ADAPTER: TypeAdapter[Operation] = TypeAdapter(Annotated[Operation, Field(discriminator="op")])


def parse(data: object) -> Operation:
    """An operation from a JSON value; Rejected('invalid_operation') says what is wrong."""
    try:
        return _ADAPTER.validate_python(data)
    except ValidationError as e:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc']) or 'line'}: {err['msg']}" for err in e.errors()
        )
        raise Rejected("invalid_operation", problems) from e


def canonical(op: Operation) -> str:
    """The operation's content as canonical JSON (what idempotency and the chain compare)."""
    return json.dumps(
        op.model_dump(mode="json", by_alias=True),
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    )


def content_hash(op: Operation) -> str:
    return hashlib.sha256(canonical(op).encode()).hexdigest()


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "unspecified"
