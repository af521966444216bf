"""The operations a ledger accepts, parsed and checked for shape (not for rules) by pydantic.

One JSON object per operation, as `offset ledger apply` reads them; `op` names the kind. Unknown
fields are refused, so a typo is an `invalid_operation`, never silently ignored. Every name and
text field follows `names.py`; quantities are plain integers (bounded by the ledger's rules,
`quantity_too_large`), never floats.

Types are strict: a number is a JSON number and a text a JSON string, never converted (`"5"` or
`true` as a quantity, `5` as a memo, `0` as a date are `invalid_operation`); a date is the text
`YYYY-MM-DD` (or a `datetime.date` from Python). A quantity past `MAX_QUANTITY` is
`quantity_too_large`, whatever else the ledger holds.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import re
from json.encoder import encode_basestring
from typing import Annotated, Any, Final, Literal, get_args

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    TypeAdapter,
    ValidationError,
)
from pydantic_core import PydanticCustomError

from offset.ledger import names
from offset.ledger.codes import Rejected

PartyKind = Literal["municipality", "company", "registry", "prefecture", "unspecified"]
AccountKind = Literal["issuance", "holding", "buffer", "retirement", "cancellation", "pending"]
#: The most credits one operation can name: what one class may ever mint
#: (`planning.MAX_CLASS_SERIALS`, tested equal), so a larger quantity can never be right.
MAX_QUANTITY: Final = 10**15
TOO_LARGE: Final = "quantity_too_large"


def _bounded(value: int) -> int:
    if value > MAX_QUANTITY:
        raise PydanticCustomError(TOO_LARGE, f"more than {MAX_QUANTITY:,} credits")
    return value


_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _day(value: object) -> object:
    """A date as JSON writes one, `YYYY-MM-DD`; pydantic alone would also read `0` as 1970-01-01
    and a date-time as its day."""
    if isinstance(value, str) and _DAY.fullmatch(value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            raise ValueError("not a calendar date") from None
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    raise ValueError("must be a date as text, YYYY-MM-DD")


Quantity = Annotated[int, Field(gt=0, strict=True), AfterValidator(_bounded)]  # whole t-CO2e
Buffer = Annotated[int, Field(ge=0, strict=True), AfterValidator(_bounded)]
Day = Annotated[dt.date, BeforeValidator(_day)]
Vintage = Annotated[int, Field(ge=1990, le=2100, strict=True)]
SOURCE_MAX_BYTES = 65_536  # an issuance's provenance, as canonical JSON
SOURCE_MAX_DEPTH = 8


def _source(value: dict[str, Any]) -> dict[str, Any]:
    def walk(item: object, depth: int) -> None:
        if depth > SOURCE_MAX_DEPTH:
            raise ValueError(f"nested deeper than {SOURCE_MAX_DEPTH} levels")
        if isinstance(item, str):
            problem = names.text_problem(item, SOURCE_MAX_BYTES)
            if problem:
                raise ValueError(problem)
        elif isinstance(item, float) and not math.isfinite(item):
            # JSON has no Infinity or NaN: a parser reads them as an error, or as null
            raise ValueError("holds a number that is not finite (Infinity or NaN)")
        elif isinstance(item, dict):
            for key, inner in item.items():
                walk(key, depth + 1)
                walk(inner, depth + 1)
        elif isinstance(item, list):
            for inner in item:
                walk(inner, depth + 1)

    walk(value, 0)
    if len(canonical_json(value).encode()) > SOURCE_MAX_BYTES:
        raise ValueError(f"longer than {SOURCE_MAX_BYTES} bytes as JSON")
    return value


def _text(limit: int, least: int = 0) -> Any:
    return Field(min_length=least, max_length=limit, pattern=names.TEXT_PATTERN)


def _name(what: str) -> Any:
    return Field(pattern=f"^{names.PATTERNS[what]}$")


# Patterns are checked by pydantic-core, in Rust: these fields are on every operation.
Text = Annotated[str, _text(names.TEXT_MAX, 1)]
OptionalText = Annotated[str, _text(names.TEXT_MAX)]
Memo = Annotated[str, _text(names.MEMO_MAX)]
ClaimPeriod = Annotated[str, _text(names.CLAIM_PERIOD_MAX, 1)]
Name = Annotated[str, _text(names.TEXT_MAX, 1)]
PartyId = Annotated[str, _name("party id")]
AccountId = Annotated[str, _name("account id")]
Project = Annotated[str, _name("project name")]
TxId = Annotated[str, _name("transaction id")]
_PATTERN_WORDS = {f"^{p}$": f"not a valid {what}" for what, p in names.PATTERNS.items()} | {
    names.TEXT_PATTERN: "holds a character that is not allowed (a control character, a line or"
    " paragraph separator, a bidirectional mark or a byte-order mark)"
}
JisCode = Annotated[str, Field(pattern=r"^[0-9]{5,6}$")]
PurposeCode = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,39}$")]  # `uses.py` knows them
#: Serial numbers as printed, inclusive: "0-29", or "7" for one credit.
SerialRange = Annotated[str, Field(pattern=r"^[0-9]{1,16}(-[0-9]{1,16})?$")]
MAX_SERIAL_RANGES = 1_000
SerialRanges = Annotated[
    tuple[SerialRange, ...],
    # a JSON array (strict types take a tuple only from Python)
    BeforeValidator(lambda value: tuple(value) if isinstance(value, list) else value),
    Field(min_length=1, max_length=MAX_SERIAL_RANGES),
]
Source = Annotated[dict[str, Any], AfterValidator(_source)]


class _Op(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True, strict=True)


class OpenParty(_Op):
    op: Literal["open_party"]
    party: PartyId
    kind: PartyKind = "unspecified"
    name: OptionalText = ""
    jis_code: JisCode | None = None
    prefecture: Name | None = None


class OpenAccount(_Op):
    op: Literal["open_account"]
    account: Name  # checked by the ledger's naming rule, which has codes of its own
    party: PartyId
    kind: AccountKind


class AccountStatus(_Op):
    """Suspend, close or reopen an account (accounts are never deleted)."""

    op: Literal["account_status"]
    account: AccountId
    status: Literal["open", "suspended", "closed"]


class Describe(_Op):
    """A project's or an agreement's title (and a project's creating place), as outputs print
    it: chained like a party's name, so that `verify` covers what a certificate prints."""

    op: Literal["describe"]
    subject: Literal["project", "agreement"]
    name: Name  # a credit class's `project`, or what transactions name as their `agreement`
    title: OptionalText = ""
    place_code: Annotated[str, Field(pattern=r"^([0-9]{5,6})?$")] = ""
    place_name: OptionalText = ""


class _Tx(_Op):
    id: TxId
    effective_date: Day | None = None
    memo: Memo = ""
    agreement: TxId | None = None


class Issue(_Tx):
    op: Literal["issue"]
    to: AccountId
    instrument: Project
    project: Project
    vintage: Vintage
    quantity: Quantity
    buffer: Buffer = 0
    buffer_account: AccountId | None = None
    methodology: Name | None = None
    source: Source | None = None  # provenance: manifest, input hashes, factor tables


class Transfer(_Tx):
    op: Literal["transfer"]
    from_: Annotated[AccountId, Field(alias="from")]
    to: AccountId
    project: Project
    vintage: Vintage
    quantity: Quantity
    serials: SerialRanges | None = None  # the holder's choice; None: the lowest it holds


class Retire(_Tx):
    op: Literal["retire"]
    from_: Annotated[AccountId, Field(alias="from")]
    project: Project
    vintage: Vintage
    quantity: Quantity
    beneficiary: Text  # クレジット利用者名
    reason: Text  # 目的詳細
    claim_period: ClaimPeriod | None = None
    # The use (`uses.py`): J-Credit's 用途, what is offset and where, the FY it is claimed for.
    purpose: PurposeCode | None = None
    offset_target: Text | None = None
    offset_place: JisCode | None = None
    claim_fy: Vintage | None = None
    override: Text | None = None  # the registry's reason to record a use rule overridden
    serials: SerialRanges | None = None  # the holder's choice; None: the lowest it holds


class Cancel(_Tx):
    op: Literal["cancel"]
    from_: Annotated[AccountId, Field(alias="from")]
    project: Project
    vintage: Vintage
    quantity: Quantity
    reason: Text


class Reverse(_Tx):
    op: Literal["reverse"]
    of: TxId
    quantity: Quantity | None = None  # None: all that is left to reverse


class Reserve(_Tx):
    op: Literal["reserve"]
    from_: Annotated[AccountId, Field(alias="from")]
    to: AccountId
    project: Project
    vintage: Vintage
    quantity: Quantity


class Post(_Tx):
    op: Literal["post"]
    reservation: TxId
    quantity: Quantity | None = None  # None: the whole reservation


class Void(_Tx):
    op: Literal["void"]
    reservation: TxId


#: The one list of operations: a credit transaction is chained with an id and moves credits;
#: the others change reference data. A new operation is a model above and a line here (then its
#: planner: `planning.PLANNERS`; see docs/architecture.md, "Adding an operation").
TxOperation = Issue | Transfer | Retire | Cancel | Reverse | Reserve | Post | Void
Operation = OpenParty | OpenAccount | AccountStatus | Describe | TxOperation
OPERATION_TYPES: tuple[type[_Op], ...] = get_args(Operation)
TX_TYPES: tuple[type[_Tx], ...] = get_args(TxOperation)
_ADAPTER: TypeAdapter[Operation] = TypeAdapter(Annotated[Operation, Field(discriminator="op")])


class RetireTotal(_Tx):
    """A total quantity of a project's credits to retire, whatever their vintages: oldest
    vintage first (`allocation.py`), recorded as one retirement per vintage, all or none. A
    `retire` line without a vintage."""

    op: Literal["retire"]
    from_: Annotated[AccountId, Field(alias="from")]
    project: Project
    quantity: Quantity
    beneficiary: Text
    reason: Text
    claim_period: ClaimPeriod | None = None
    purpose: PurposeCode | None = None
    offset_target: Text | None = None
    offset_place: JisCode | None = None
    claim_fy: Vintage | None = None
    override: Text | None = None


class TransferTotal(_Tx):
    """A total quantity of a project's credits to transfer, oldest vintage first: a `transfer`
    line without a vintage."""

    op: Literal["transfer"]
    from_: Annotated[AccountId, Field(alias="from")]
    to: AccountId
    project: Project
    quantity: Quantity


#: Requests by total: not operations the ledger records, but the ones it records for them
#: (`allocation.parts`); told from a retire or transfer by the vintage they do not name.
Total = RetireTotal | TransferTotal
TOTALS: dict[str, type[RetireTotal] | type[TransferTotal]] = {
    "retire": RetireTotal,
    "transfer": TransferTotal,
}
TOTAL_TYPES = (RetireTotal, TransferTotal)
REQUEST_TYPES: tuple[type[_Op], ...] = (*OPERATION_TYPES, *TOTAL_TYPES)

#: Fields added after operations were first recorded: left out of the canonical text when None,
#: so that an operation sent again as it was first sent keeps its content hash.
OMITTED_WHEN_NONE = frozenset(
    {"purpose", "offset_target", "offset_place", "claim_fy", "override", "serials"}
)
#: Each operation's fields as JSON names them, sorted as canonical JSON sorts its keys.
_FIELDS: dict[type[Any], tuple[tuple[str, str], ...]] = {
    kind: tuple(sorted((field.alias or name, name) for name, field in kind.model_fields.items()))
    for kind in OPERATION_TYPES
}


def _location(error: Any) -> str:
    return ".".join(ascii(p) if not str(p).isascii() else str(p) for p in error["loc"]) or "line"


def _words(error: Any) -> str:
    if error["type"] == "string_pattern_mismatch":
        return _PATTERN_WORDS.get(error["ctx"]["pattern"], str(error["msg"]))
    if error["type"] == "string_unicode":
        return "holds a lone surrogate (not valid Unicode)"
    return str(error["msg"])


def parse(data: object) -> Operation:
    """An operation from a JSON value; Rejected('invalid_operation') says what is wrong."""
    try:
        return _ADAPTER.validate_python(data)
    except ValidationError as e:
        raise _refused(e) from e


def parse_request(data: object) -> Operation | Total:
    """An operation, or a request by total (a retire or transfer that names no vintage)."""
    if isinstance(data, dict) and data.get("op") in TOTALS and "vintage" not in data:
        try:
            return TOTALS[data["op"]].model_validate(data)
        except ValidationError as e:
            raise _refused(e) from e
    return parse(data)


def _refused(e: ValidationError) -> Rejected:
    errors = e.errors()
    # Messages never echo the input: it may hold what no encoder can write.
    problems = "; ".join(f"{_location(err)}: {_words(err)}" for err in errors)
    # Out of range only when that is all that is wrong: a malformed field comes first.
    code = TOO_LARGE if all(err["type"] == TOO_LARGE for err in errors) else "invalid_operation"
    return Rejected(code, problems.encode("ascii", "replace").decode())


def canonical_json(value: object) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def canonical(op: Operation) -> str:
    """The operation's content as canonical JSON (what idempotency and the chain compare):
    `canonical_json(dump(op))`, written out field by field
    because every operation the ledger records goes through it (tested equal)."""
    return (
        "{"
        + ",".join(
            [
                f'"{key}":{_json(value)}'
                for key, name in _FIELDS[type(op)]
                if (value := getattr(op, name)) is not None or key not in OMITTED_WHEN_NONE
            ]
        )
        + "}"
    )


def dump(op: Operation) -> dict[str, Any]:
    """The operation as the JSON value its canonical text writes out."""
    value = op.model_dump(mode="json", by_alias=True)
    return {k: v for k, v in value.items() if v is not None or k not in OMITTED_WHEN_NONE}


def _json(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, str):
        return encode_basestring(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, dt.date):
        return f'"{value.isoformat()}"'
    return canonical_json(value)


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()
