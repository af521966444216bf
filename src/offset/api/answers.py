"""What the JSON API answers: the response models its OpenAPI schema documents. The reads
they carry are the library's (`offset.ledger.visibility`, `offset.scenario.run_records`),
rendered by `views`.
"""

from __future__ import annotations

import typing
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, Field, create_model

from offset.api.derived import derived
from offset.ledger import rows, visibility
from offset.scenario.settlement import Fulfilment


class SerialRange(BaseModel):
    start: int
    stop: int = Field(description="the first serial after the range")
    first: int = Field(description="the range's first serial")
    last: int = Field(description="its last serial (inclusive)")
    range: str = Field(description="as every output prints it, inclusive: 0-29")


# What outputs print for a project (`ledger.titles`), beside its key in every answer that
# carries one, as the dashboard's downloads have them (`views.titled` fills them).
TITLED: dict[str, tuple[Any, Any]] = {
    "project_title": (
        str,
        Field(description="プロジェクト名: the title its scenario's run stored, else the key"),
    ),
    "creating_place": (
        str,
        Field(description="創出場所: the municipality its credits are created in ('' if unknown)"),
    ),
}


# The ledger's records as the API answers them: derived from `rows.py` (and the visibility
# reads' own records), so that a field added there is answered here too (`derived.py`).
if TYPE_CHECKING:
    PartyOut = BaseModel
    AccountOut = BaseModel
    BalanceOut = BaseModel
    StatementOut = BaseModel
    PeriodBalanceOut = BaseModel
    RetirementOut = BaseModel
    SerialEvent = BaseModel
    SerialOut = BaseModel
    IssuanceOut = BaseModel
    OriginOut = BaseModel
else:
    PartyOut = derived("PartyOut", rows.PartyRow)
    AccountOut = derived("AccountOut", rows.AccountRow, rename={"id": "account"})
    BalanceOut = derived("BalanceOut", rows.BalanceLine, add=TITLED)
    StatementOut = derived(
        "StatementOut",
        rows.StatementLine,
        describe={"purpose": "a retirement's 用途 (J-Credit's code; README: Retirement purposes)"},
        add=TITLED,
    )
    PeriodBalanceOut = derived(
        "PeriodBalanceOut",
        rows.PeriodBalance,
        describe={
            "opening": "held before the period",
            "credited": "came in within it",
            "debited": "went out within it",
            "closing": "held at its end: opening + credited - debited",
            "seqs": "the ledger entries the opening and closing balances are read from",
        },
        add=TITLED,
    )
    RetirementOut = derived(
        "RetirementOut",
        rows.Retirement,
        replace={"serials": list[SerialRange]},
        describe={
            "from_account": "yours, or (another party)",
            "party": "the party that retired them",
            "beneficiary": "クレジット利用者名",
            "reason": "目的詳細",
            "purpose": "J-Credit's 用途 (its code)",
            "offset_target": "オフセット対象",
            "offset_place": "its municipality's JIS code",
            "rule_override": "the registry's recorded reason for overriding a use rule",
            "hash": "the ledger entry's hash (offset ledger verify checks it)",
        },
        add={
            "retired_by": (str, Field(description="the name of the party that retired them")),
            **TITLED,
        },
    )
    SerialEvent = derived(
        "SerialEvent",
        rows.SerialEvent,
        describe={"from_account": "none: minted by the issuance"},
    )
    SerialOut = derived(
        "SerialOut", rows.SerialHistory, replace={"events": list[SerialEvent]}, add=TITLED
    )
    IssuanceOut = derived(
        "IssuanceOut",
        visibility.Issued,
        describe={
            "issuer": "the name of the party the credits were issued to",
            "data_sha256": "of the input data file",
        },
    )
    OriginOut = derived(
        "OriginOut",
        visibility.Origin,
        replace={"serials": list[SerialRange], "issuances": list[IssuanceOut]},
        add=TITLED,
    )


# The fulfilment record's fields but its agreement: derived from the one declaration.
if TYPE_CHECKING:
    FulfilmentOut = BaseModel
else:
    FulfilmentOut = create_model(
        "FulfilmentOut",
        **{
            name: (kind, ...)
            for name, kind in typing.get_type_hints(Fulfilment).items()
            if name != "agreement"
        },
    )


class LedgerYearOut(BaseModel):
    fy: int = Field(description="the credits' vintage")
    committed: int = Field(description="what the agreement's plan commits for the FY")
    delivered: int = Field(description="the provider's transfers and on-behalf retirements")
    retired: int = Field(description="retirements naming the agreement, by any of its parties")


class AgreementOut(BaseModel):
    name: str
    scenario: str
    title: str
    provider: str
    beneficiary: str
    others: list[str]
    projects: list[str]
    project_titles: list[str] = Field(description="each project's title, else its key")
    first_fy: int
    last_fy: int
    volume: str
    delivery: str
    price_jpy_per_t: int | None = None
    fulfilment: list[FulfilmentOut]
    ledger: list[LedgerYearOut] = Field(
        description="from the ledger's transactions that name the agreement"
    )


class ReductionOut(BaseModel):
    scenario: str
    project: str
    fy: int
    municipality: str
    owner: str
    method: str
    rows: int
    reduction_tco2e: float
    creditable_tco2e: float
    project_title: str = TITLED["project_title"][1]
    creating_place: str = TITLED["creating_place"][1]


class PartOut(BaseModel):
    id: str
    status: str
    seq: int | None = None
    vintage: int
    quantity: int


class OperationOut(BaseModel):
    id: str = Field(
        description="the transaction id (PARTY:Idempotency-Key), or the party or account opened"
    )
    status: str = Field(description="ok, or exists for a retry of the same request")
    seq: int | None = None
    parts: list[PartOut] = Field(
        default=[],
        description="a request that names no vintage: the retirement or transfer recorded for"
        " each vintage it took, oldest first (the first has the request's id, the next ones"
        " ID.2, ID.3, ...)",
    )


class ProgrammeOut(BaseModel):
    name: str
    title: str
    operator: str
    registration: str = Field(description="登録番号")
    methodology: str
    crediting_period: list[str]
    members: int = Field(description="members in the consent list")
    counted: int = Field(description="of them, those the registry's checks let count")
    periods: list[str]


class ProgrammeMemberOut(BaseModel):
    member_id: str
    name: str
    area: str
    address: str
    activity_id: str = Field(description="its row's id in the subsidy list")
    consented: str | None
    joined: str | None
    left: str | None = Field(description="the first day out (null: still a member)")
    counts: bool
    refused: list[str] = Field(description="why the registry's checks leave it out")
    row: int = Field(description="its row in the consent list")


class ProgrammePeriodOut(BaseModel):
    name: str
    start: str
    end: str
    members: int
    monitored_tco2e: str = Field(description="computed (a plan figure), exact decimal")
    verified_tco2e: str | None = Field(description="after the verifier's finding")
    credits: int = Field(description="whole credits the verified figure gives")
    carried_tco2e: str = Field(description="the fraction carried to the next period")
    verifier: str | None
    verified_on: str | None
    finding: str | None
    issued: int | None = Field(description="credits the ledger holds as issued for the period")
    report_sha256: str


class ProgrammeLineOut(BaseModel):
    member_id: str
    activity_id: str
    fy: int
    days: int
    daily_kg: float
    reduction_tco2e: str
    row: int
    activity_row: int


class ProgrammeReportOut(ProgrammePeriodOut):
    lines: list[ProgrammeLineOut]
