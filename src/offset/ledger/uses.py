"""What a retirement may be used for: J-Credit's purposes (用途), which credit types may serve
each, the 温対法 window, and the place of the offset.

The purposes and the use matrix are shipped tables, each row with its source and confidence:
`retirement_purposes.csv` (code, Japanese and English names, the claim window a purpose has),
`retirement_uses.csv` (purpose x credit type: allowed or not) and `credit_types.csv` (a
methodology code, or its prefix such as `FO-`, to the credit type: renewable electricity,
renewable heat, energy saving, forest, industrial processes / agriculture / waste).

The rules, each a result code (`codes.py`), checked in this order by `refusal`:

1. the purpose is one the table lists (`unknown_purpose`);
2. the credits' type may serve it (`purpose_not_allowed`): RE100 takes renewable electricity
   only; CDP and SBT renewable electricity or heat; forest credits none of the three. Credits
   whose methodology is unknown may serve only a purpose every type may serve;
3. a purpose with a claim window (温対法): the claim FY is stated (`claim_fy_required`), the
   credits' vintage is not after it (`vintage_after_claim`), and the retirement falls within
   that FY or by 30 June after it, when it may count for either year (`claim_outside_window`);
4. for a carbon offset, the place of the offset target differs from where the credits were
   created, when both are known (`same_place`; JIS municipality codes, compared without their
   check digit). Source: J-クレジット制度事務局, 「クレジット管理用口座」無効化手続きの注意点
   (http://krutar.com/application/account/support/, read through a stored copy): 無効化目的の
   対象場所と、カーボン・オフセットで使用するクレジットの創出場所が異なっている必要があります
   (it cites 環境省「我が国におけるカーボン・オフセットのあり方について(指針)第3版」 p. 2,
   (1) 定義, not read here). `secondary`: the page says it of carbon offsetting only, so the
   other purposes are not held to it.

Rules 2 to 4 yield to an override the registry records (`Retire.override`, its reason), for a
scheme that allows what J-Credit's tables do not.
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass
from functools import cache
from typing import Final

from offset.common.fiscal import fiscal_year
from offset.common.shipped import shipped_directory
from offset.ledger.codes import Rejected

#: The purposes the place rule (4) holds for: carbon offsetting, as the secretariat states it.
PLACE_RULE_PURPOSES: Final = frozenset({"carbon_offset"})
WINDOW_END: Final = (6, 30)  # 温対法: retired by 30 June after the claim FY counts for either year
PURPOSES_FILE: Final = "retirement_purposes.csv"
USES_FILE: Final = "retirement_uses.csv"
CREDIT_TYPES_FILE: Final = "credit_types.csv"


@dataclass(frozen=True)
class Source:
    source: str
    publisher: str
    url: str
    confidence: str  # confirmed, secondary, derived, unverified
    note: str


@dataclass(frozen=True)
class Purpose:
    code: str
    name_ja: str
    name_en: str
    window: str  # "june_30" (温対法), or "" for none
    source: Source

    def name(self, language: str) -> str:
        return self.name_ja if language == "ja" else self.name_en


@dataclass(frozen=True)
class CreditType:
    methodology: str  # a methodology code, or a prefix ending in "-"
    code: str
    name_ja: str
    name_en: str
    source: Source

    def name(self, language: str) -> str:
        return self.name_ja if language == "ja" else self.name_en


@dataclass(frozen=True)
class Use:
    purpose: str
    credit_type: str
    allowed: bool
    source: Source


def _rows(name: str) -> list[dict[str, str]]:
    with (shipped_directory() / name).open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _source(row: dict[str, str]) -> Source:
    return Source(row["source"], row["publisher"], row["url"], row["confidence"], row["note"])


@cache
def purposes() -> dict[str, Purpose]:
    """J-Credit's purposes, in the table's order."""
    return {
        r["purpose"]: Purpose(r["purpose"], r["name_ja"], r["name_en"], r["window"], _source(r))
        for r in _rows(PURPOSES_FILE)
    }


@cache
def uses() -> dict[tuple[str, str], Use]:
    """(purpose, credit type) -> whether credits of that type may serve the purpose."""
    found = {}
    for r in _rows(USES_FILE):
        assert r["allowed"] in ("yes", "no"), r
        use = Use(r["purpose"], r["credit_type"], r["allowed"] == "yes", _source(r))
        found[(use.purpose, use.credit_type)] = use
    return found


@cache
def credit_types() -> tuple[CreditType, ...]:
    """The methodology -> credit type rows, exact codes before prefixes, longer prefixes first."""
    rows = [
        CreditType(r["methodology"], r["credit_type"], r["name_ja"], r["name_en"], _source(r))
        for r in _rows(CREDIT_TYPES_FILE)
    ]
    return tuple(sorted(rows, key=lambda t: (t.methodology.endswith("-"), -len(t.methodology))))


def credit_type(methodology: str | None) -> CreditType | None:
    """The credit type of a methodology (`EN-R-002` -> renewable electricity), None if unknown."""
    if not methodology:
        return None
    code = methodology.strip().upper()
    for row in credit_types():
        if code == row.methodology or (
            row.methodology.endswith("-") and code.startswith(row.methodology)
        ):
            return row
    return None


def allowed_types(purpose: str) -> list[str]:
    """The credit types that may serve `purpose`, in the table's order."""
    return [u.credit_type for u in uses().values() if u.purpose == purpose and u.allowed]


def window(claim_fy: int) -> tuple[dt.date, dt.date]:
    """The days a retirement may be made on to count for `claim_fy` under 温対法: from the FY's
    first day to 30 June after it (retirements from 1 April to 30 June may count for either
    year)."""
    return dt.date(claim_fy, 4, 1), dt.date(claim_fy + 1, *WINDOW_END)


def claim_years(retired_on: dt.date) -> tuple[int, ...]:
    """The FYs a retirement made on `retired_on` may count for under 温対法 (newest first)."""
    fy = fiscal_year(retired_on)
    within_june = (retired_on.month, retired_on.day) <= WINDOW_END and retired_on.month >= 4
    return (fy, fy - 1) if within_june else (fy,)


def same_place(offset_place: str | None, origin_place: str | None) -> bool:
    """Both places known and the same municipality (JIS codes without their check digit)."""
    if not offset_place or not origin_place:
        return False
    return offset_place[:5] == origin_place[:5]


@dataclass(frozen=True)
class Claim:
    """What a retirement states of its use, and what the ledger knows of its credits."""

    purpose: str
    methodology: str | None
    vintage: int
    retired_on: dt.date
    claim_fy: int | None = None
    offset_place: str | None = None
    origin_place: str | None = None


def refusal(claim: Claim) -> Rejected | None:
    """The first use rule the claim breaks (see the module's docstring), or None."""
    purpose = purposes().get(claim.purpose)
    if purpose is None:
        return Rejected("unknown_purpose", claim.purpose)
    return (
        _type_refusal(purpose, claim)
        or _window_refusal(purpose, claim)
        or _place_refusal(purpose, claim)
    )


def _type_refusal(purpose: Purpose, claim: Claim) -> Rejected | None:
    kind = credit_type(claim.methodology)
    rows = [u for u in uses().values() if u.purpose == purpose.code]
    if not rows:  # a purpose the matrix does not restrict (`other`)
        return None
    if kind is None:
        if all(u.allowed for u in rows):
            return None
        return Rejected(
            "purpose_not_allowed",
            f"{purpose.code}: the credits' methodology ({claim.methodology or 'none'}) has no"
            f" known credit type; {purpose.code} takes {', '.join(allowed_types(purpose.code))}",
        )
    use = uses().get((purpose.code, kind.code))
    if use is None or use.allowed:
        return None
    return Rejected(
        "purpose_not_allowed",
        f"{purpose.code} does not take {kind.code} credits ({claim.methodology});"
        f" source: {use.source.url or use.source.source}",
    )


def _window_refusal(purpose: Purpose, claim: Claim) -> Rejected | None:
    if purpose.window != "june_30":
        return None
    if claim.claim_fy is None:
        return Rejected("claim_fy_required", purpose.code)
    if claim.vintage > claim.claim_fy:
        return Rejected(
            "vintage_after_claim", f"vintage FY{claim.vintage}, claim FY{claim.claim_fy}"
        )
    first, last = window(claim.claim_fy)
    if not first <= claim.retired_on <= last:
        return Rejected(
            "claim_outside_window",
            f"retired on {claim.retired_on}; FY{claim.claim_fy} takes {first} to {last}",
        )
    return None


def _place_refusal(purpose: Purpose, claim: Claim) -> Rejected | None:
    if purpose.code in PLACE_RULE_PURPOSES and same_place(claim.offset_place, claim.origin_place):
        return Rejected("same_place", f"{claim.offset_place} is where the credits were created")
    return None
