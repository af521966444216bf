"""From a verifier's finding to the credits issued to the operator, one issuance per period.

Credits follow verification, not computation: a period with no verification, or a rejected one,
issues nothing. An accepted period's verified quantity is its monitored total; an adjusted one's
is the total with the verifier's figure in place of each adjusted member's. Whole credits are
issued and the fraction is carried to the next verified period, in grams (integers). The issuance
names the verifier, the verification date and the report's SHA-256 in its provenance, so the
ledger's history records what was verified and by whom. A period issues once: its transaction id
is the programme's and the period's (`Programme.issue_id`).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from offset.common import fiscal
from offset.programme.model import Programme
from offset.programme.monitoring import Monitoring
from offset.scenario.issuance import GRAMS_PER_CREDIT, to_grams, tonnes


@dataclass(frozen=True)
class Verified:
    """A period's verified figure and the whole credits that follow."""

    period: str
    monitored_g: int
    verified_g: int | None  # None: not verified (or rejected): nothing issued
    carried_in_g: int
    quantity: int
    carried_out_g: int
    report_sha256: str


def report_hash(monitoring: Monitoring) -> str:
    """The SHA-256 of the report's figures: each member's lines and the total, as canonical JSON
    (the workbook's bytes carry timestamps; its figures do not)."""
    lines = monitoring.lines[["member_id", "activity_id", "fy", "days", "reduction_g"]]
    body = {
        "period": monitoring.period.name,
        "start": monitoring.period.start.isoformat(),
        "end": monitoring.period.end.isoformat(),
        "total_g": monitoring.total_g,
        "lines": json.loads(lines.to_json(orient="values")),
    }
    text = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def verified_grams(monitoring: Monitoring) -> int | None:
    """The period's verified quantity in grams, or None when nothing is verified."""
    found = monitoring.period.verification
    if found is None or found.finding == "rejected":
        return None
    total = monitoring.total_g
    per_member = monitoring.by_member()["reduction_g"]
    for adjustment in found.adjustments:
        before = int(per_member.get(adjustment.member, 0))
        total += to_grams(adjustment.tco2e) - before
    return total


def settle(monitorings: list[Monitoring]) -> list[Verified]:
    """Each period's whole credits, in the order of the periods, carrying fractions forward."""
    carried = 0
    out: list[Verified] = []
    for monitoring in sorted(monitorings, key=lambda m: m.period.start):
        verified = verified_grams(monitoring)
        quantity, carried_out = 0, carried
        if verified is not None:
            quantity, carried_out = divmod(verified + carried, GRAMS_PER_CREDIT)
        out.append(
            Verified(
                monitoring.period.name,
                monitoring.total_g,
                verified,
                carried,
                quantity,
                carried_out,
                report_hash(monitoring),
            )
        )
        carried = carried_out
    return out


def setup_operations(programme: Programme) -> list[dict[str, Any]]:
    """The operator and its holding account (both idempotent)."""
    operator = programme.content.operator
    return [
        {
            "op": "open_party",
            "party": programme.header.operator,
            "kind": operator.kind,
            "name": operator.name,
            "jis_code": operator.jis_code,
            "prefecture": operator.prefecture,
        },
        {
            "op": "open_account",
            "account": programme.holding(),
            "party": programme.header.operator,
            "kind": "holding",
        },
    ]


def issue_operation(
    programme: Programme, monitoring: Monitoring, verified: Verified
) -> dict[str, Any]:
    """The period's issuance to the operator's holding account, with its verification (its
    quantity 0 where nothing is verified: what a restatement brings an issued period to)."""
    header, period = programme.header, monitoring.period
    found = period.verification  # None or rejected: a restatement down to nothing
    verified_g = verified.verified_g
    return {
        "op": "issue",
        "id": programme.issue_id(period.name),
        "to": programme.holding(),
        "instrument": header.instrument,
        "project": header.name,
        "vintage": fiscal.fiscal_year(period.end),
        "quantity": verified.quantity if verified_g is not None else 0,
        "methodology": header.methodology,
        "memo": f"{header.registration} {period.name} {found.body if found else ''}".strip(),
        "source": {
            "programme": header.name,
            "registration": header.registration,
            "period": period.name,
            "period_start": period.start.isoformat(),
            "period_end": period.end.isoformat(),
            "verifier": found.body if found else None,
            "verified_on": found.date.isoformat() if found else None,
            "finding": found.finding if found else None,
            "report_sha256": verified.report_sha256,
            "monitored_tco2e": tonnes(verified.monitored_g),
            "verified_tco2e": None if verified_g is None else tonnes(verified_g),
            "carried_in_tco2e": tonnes(verified.carried_in_g),
            "carried_out_tco2e": tonnes(verified.carried_out_g),
            "members": int(monitoring.lines["member_id"].nunique()),
        },
    }
