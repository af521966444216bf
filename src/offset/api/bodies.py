"""The JSON API's write bodies and the `Idempotency-Key` header, typed strictly: a number is a
JSON number and a text a JSON string, never converted (`"quantity": "5"` or `true` is 422
`invalid_request`); a quantity past the ledger's bounds is its `quantity_too_large` (409),
however many digits it has (`json_body`). Both paths to a write validate with these models:
the FastAPI routes (`writes`) and the lean path (`lean`).
"""

from __future__ import annotations

import re
from typing import Annotated, Final, Literal

from fastapi import Header
from pydantic import BaseModel, ConfigDict, Field

from offset.api.routes import KEY_MAX, KEY_PATTERN
from offset.ledger import operations as ops
from offset.ledger.names import PATTERNS

IdempotencyKey = Annotated[
    str,
    Header(
        alias="Idempotency-Key",
        min_length=1,
        max_length=KEY_MAX,
        pattern=KEY_PATTERN,
        description="Your id for this request (letters, digits, `.`, `_`, `-`; at most 100): a"
        " retry with the same key and body changes nothing",
    ),
]
# The same rule for the lean path, which reads the header itself (never looser than the above).
KEY: Final = re.compile(KEY_PATTERN.removeprefix("^").removesuffix("$"))
# No upper bound here: the ledger answers a quantity past its bounds `quantity_too_large`.
Positive = Annotated[int, Field(gt=0)]
Vintage = Annotated[int, Field(ge=1990, le=2100)]
# The ledger's own name and text rules (`offset.ledger.names`), with their limits.
Text = ops.Text
Account = Annotated[str, Field(max_length=200, pattern=f"^{PATTERNS['account id']}$")]
Project = Annotated[str, Field(max_length=100, pattern=f"^{PATTERNS['project name']}$")]


def valid_key(key: str) -> bool:
    """Whether `key` passes the header's rule (`IdempotencyKey`): at most 100 of the letters."""
    return 0 < len(key) <= KEY_MAX and KEY.fullmatch(key) is not None


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


BY_TOTAL = (
    "; omitted: the quantity is taken from every vintage you hold of the project, oldest first"
    " (one transaction per vintage, all or none)"
)


class TransferIn(_In):
    from_: Annotated[Account, Field(alias="from")]
    to: Account
    project: Project
    vintage: Vintage | None = Field(default=None, description="the credits' vintage" + BY_TOTAL)
    quantity: Positive
    memo: ops.Memo = Field(default="", description="at most 1,000 characters")
    serials: ops.SerialRanges | None = Field(
        default=None,
        description='the serial numbers to move, inclusive ("0-29"); default:'
        " the lowest held. They must add up to the quantity",
    )


class RetireIn(_In):
    from_: Annotated[Account, Field(alias="from")]
    project: Project
    vintage: Vintage | None = Field(default=None, description="the credits' vintage" + BY_TOTAL)
    quantity: Positive
    reason: Text = Field(description="目的詳細: what the credits are used for; at most 200")
    beneficiary: Text | None = Field(
        default=None, description="クレジット利用者名; default: your party's name"
    )
    claim_period: ops.ClaimPeriod | None = Field(
        default=None, description="what the retirement offsets, e.g. 2024年度; at most 100"
    )
    purpose: ops.PurposeCode | None = Field(
        default=None,
        description="J-Credit's 用途 (README: Retirement purposes): ghg_act, energy_saving_act,"
        " carbon_offset, cdp, sbt, re100, shift_asset, keidanren_cn or other; the credits'"
        " type must be allowed for it",
    )
    offset_target: Text | None = Field(
        default=None, description="オフセット対象: the activity, product or event offset"
    )
    offset_place: ops.JisCode | None = Field(
        default=None,
        description="the offset target's municipality (JIS code); it may not be where the"
        " credits were created",
    )
    claim_fy: Vintage | None = Field(
        default=None,
        description="the FY the retirement is claimed for (ghg_act: required; retired within"
        " it or by 30 June after it)",
    )
    override: Text | None = Field(
        default=None,
        description="the registry's key only: the reason a use rule is overridden, recorded on"
        " the entry (another party's key: not_permitted)",
    )
    serials: ops.SerialRanges | None = Field(
        default=None,
        description='the serial numbers to retire, inclusive ("0-29"); default:'
        " the lowest held. They must add up to the quantity",
    )
    agreement: (
        Annotated[str, Field(max_length=200, pattern=f"^{PATTERNS['transaction id']}$")] | None
    ) = Field(default=None, description="one of your agreements this retirement counts against")


class ReserveIn(_In):
    from_: Annotated[Account, Field(alias="from")]
    to: Account
    project: Project
    vintage: Vintage
    quantity: Positive


class PostIn(_In):
    quantity: Positive | None = Field(default=None, description="default: the whole reservation")


class IssueIn(_In):
    to: Account
    instrument: Project
    project: Project
    vintage: Vintage
    quantity: Positive
    buffer: Annotated[int, Field(ge=0)] = 0
    methodology: Text | None = None


class PartyIn(_In):
    party: ops.PartyId
    kind: Literal["municipality", "company", "prefecture", "registry"]
    name: Text
    jis_code: Annotated[str, Field(pattern=r"^[0-9]{5,6}$")] | None = None
    prefecture: Text | None = None


class AccountIn(_In):
    account: Account = Field(description="PARTY/LABEL, in the party's own namespace")
    party: ops.PartyId
    kind: Literal["holding", "buffer"]
