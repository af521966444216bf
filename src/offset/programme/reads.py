"""A programme as a party may see it: its operator and the registry see everything (members with
their names, periods, the report's figures); any other party sees nothing, the same answer as for
a programme that does not exist (`NotVisible`). Credit figures are read from the ledger."""

from __future__ import annotations

from typing import Any

import numpy as np

from offset.ledger.ledger import Ledger
from offset.ledger.visibility import NotVisible, Viewer
from offset.programme.run import Run
from offset.scenario.issuance import tonnes


def check_visible(run: Run, viewer: Viewer) -> None:
    if not (viewer.is_registry or viewer.party == run.programme.header.operator):
        raise NotVisible(run.programme.name)


def check_period(run: Run, viewer: Viewer, period: str) -> None:
    """The viewer's programme, and a period of it (else NotVisible, as for what is not there)."""
    check_visible(run, viewer)
    if period not in {p.name for p in run.programme.periods}:
        raise NotVisible(period)


def summary(run: Run, viewer: Viewer) -> dict[str, Any]:
    check_visible(run, viewer)
    header = run.programme.header
    return {
        "name": header.name,
        "title": header.title,
        "operator": header.operator,
        "registration": header.registration,
        "methodology": header.methodology,
        "crediting_period": [d.isoformat() for d in header.crediting_period],
        "members": len(run.members.frame),
        "counted": int(run.refusals.counts.sum()),
        "periods": [p.name for p in run.programme.periods],
    }


def members(run: Run, viewer: Viewer) -> list[dict[str, Any]]:
    """Every member of the consent list: its activity, dates, whether it counts, and why not."""
    check_visible(run, viewer)
    frame = run.members.frame
    why = run.refusals.frame.groupby("member_id")["why"].agg(lambda w: [str(x) for x in w])
    return [
        {
            "member_id": m, "name": name, "area": area, "address": address,
            "activity_id": activity, "consented": _day(consented), "joined": _day(joined),
            "left": _day(left), "counts": bool(counts), "refused": why.get(m, []), "row": int(row),
        }
        for m, name, area, address, activity, consented, joined, left, counts, row in zip(
            frame["member_id"], frame["name"], frame["area"], frame["address"],
            frame["activity_id"], frame["consented"].to_numpy(), frame["joined"].to_numpy(),
            frame["left"].to_numpy(),
            run.refusals.counts, frame["row"], strict=True,
        )
    ]  # fmt: skip


def periods(run: Run, book: Ledger, viewer: Viewer) -> list[dict[str, Any]]:
    """Each monitoring period: monitored and verified tonnes (computed), the whole credits that
    follow, and the credits the ledger holds as issued for it."""
    check_visible(run, viewer)
    programme = run.programme
    issued = book.quantities(programme.issue_id(p.name) for p in programme.periods)
    out = []
    for monitoring, verified in zip(run.monitorings, run.verified, strict=True):
        period = monitoring.period
        found = period.verification
        out.append({
            "name": period.name, "start": period.start.isoformat(), "end": period.end.isoformat(),
            "members": int(monitoring.lines["member_id"].nunique()),
            "monitored_tco2e": tonnes(monitoring.total_g),
            "verified_tco2e": None if verified.verified_g is None else tonnes(verified.verified_g),
            "credits": verified.quantity, "carried_tco2e": tonnes(verified.carried_out_g),
            "verifier": found.body if found else None,
            "verified_on": found.date.isoformat() if found else None,
            "finding": found.finding if found else None,
            "issued": issued.get(programme.issue_id(period.name)),
            "report_sha256": verified.report_sha256,
        })  # fmt: skip
    return out


def report(run: Run, book: Ledger, viewer: Viewer, period: str) -> dict[str, Any]:
    """A period's report figures: per member and FY, days x daily reduction, with their rows."""
    check_period(run, viewer, period)
    (found,) = [p for p in periods(run, book, viewer) if p["name"] == period]
    lines = run.monitoring(period).lines
    return found | {
        "lines": [
            {"member_id": m, "activity_id": a, "fy": int(fy), "days": int(d),
             "daily_kg": float(k), "reduction_tco2e": tonnes(int(g)), "row": int(r),
             "activity_row": int(ar)}
            for m, a, fy, d, k, g, r, ar in zip(
                lines["member_id"], lines["activity_id"], lines["fy"], lines["days"],
                lines["daily_kg"], lines["reduction_g"], lines["row"], lines["activity_row"],
                strict=True,
            )
        ],
    }  # fmt: skip


def _day(value: np.datetime64) -> str | None:
    return None if np.isnat(value) else str(value.astype("datetime64[D]"))
