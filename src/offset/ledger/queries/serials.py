"""One serial's history: every block event that moved it, from its issuance on."""

from __future__ import annotations

import json

from sqlalchemy import Connection, text

from offset.ledger.codes import Rejected
from offset.ledger.queries.sql_values import as_date
from offset.ledger.rows import SerialEvent, SerialHistory


def serial_history(conn: Connection, project: str, vintage: int, serial: int) -> SerialHistory:
    """Everything that happened to one credit, and where it came from (the issuance's source)."""
    credit = conn.execute(
        text(
            "SELECT id, instrument, next_serial, methodology FROM credit_classes"
            " WHERE project = :p AND vintage = :v"
        ),
        {"p": project, "v": vintage},
    ).first()
    if credit is None:
        raise Rejected("unknown_class", f"{project} {vintage}")
    if not 0 <= serial < int(credit[2]):
        raise Rejected(
            "unknown_class",
            f"serial {serial} was never issued ({project} {vintage} has 0..{int(credit[2]) - 1})",
        )
    rows = conn.execute(
        text(
            "SELECT t.seq, t.id, t.kind, t.effective_date, e.from_account, e.to_account, e.start,"
            " e.stop, t.source, t.beneficiary, t.reason, t.claim_period"
            " FROM block_events e JOIN transactions t ON t.seq = e.tx_seq"
            " WHERE e.class_id = :c AND e.start <= :s AND :s < e.stop ORDER BY t.seq"
        ),
        {"c": credit[0], "s": serial},
    )
    events = tuple(
        SerialEvent(
            seq=int(seq),
            id=tx_id,
            kind=kind,
            effective_date=as_date(day),
            from_account=source,
            to_account=destination,
            start=int(start),
            stop=int(stop),
            source=json.loads(provenance) if provenance else None,
            methodology=credit[3] if kind == "issue" else None,
            beneficiary=beneficiary,
            reason=reason,
            claim_period=claim_period,
        )
        for (
            seq,
            tx_id,
            kind,
            day,
            source,
            destination,
            start,
            stop,
            provenance,
            beneficiary,
            reason,
            claim_period,
        ) in rows
    )
    holder = conn.execute(
        text("SELECT account_id FROM blocks WHERE class_id = :c AND start <= :s AND :s < stop"),
        {"c": credit[0], "s": serial},
    ).scalar()
    return SerialHistory(project, vintage, serial, credit[1], holder, events)
