"""Reading the ledger: balances (now or as of a date), statements, serial history, certificates."""

from __future__ import annotations

import datetime as dt
import html
import json
from typing import Any

from sqlalchemy import Connection, text

from offset.ledger.codes import Rejected


def _rows(conn: Connection, sql: str, **params: Any) -> list[dict[str, Any]]:
    return [dict(r._mapping) for r in conn.execute(text(sql), params)]


def balances(
    conn: Connection, as_of: dt.date | None = None, account: str | None = None
) -> list[dict[str, Any]]:
    """Non-zero balances: `{"account", "project", "vintage", "quantity"}` per account and class.

    As of a date: the `balance_after` of each account's last posting effective on or before it
    (effective dates never decrease in commit order, so that is one indexed lookup each).
    """
    where = "WHERE b.account_id = :account" if account else ""
    if as_of is None:
        rows = _rows(
            conn,
            "SELECT b.account_id AS account, c.project, c.vintage, b.quantity FROM balances b"
            f" JOIN credit_classes c ON c.id = b.class_id {where} ORDER BY 1, 2, 3",
            account=account,
        )
        return [r for r in rows if r["quantity"] != 0]
    cutoff = conn.execute(
        text("SELECT MAX(seq) FROM transactions WHERE effective_date <= :d"), {"d": as_of}
    ).scalar()
    if cutoff is None:
        return []
    out = []
    for key in _rows(
        conn,
        f"SELECT b.account_id, b.class_id FROM balances b {where} ORDER BY 1, 2",
        account=account,
    ):
        row = conn.execute(
            text(
                "SELECT p.balance_after, c.project, c.vintage FROM postings p JOIN credit_classes c ON c.id = p.class_id"
                " WHERE p.account_id = :a AND p.class_id = :c AND p.tx_seq <= :s ORDER BY p.tx_seq DESC LIMIT 1"
            ),
            {"a": key["account_id"], "c": key["class_id"], "s": cutoff},
        ).first()
        if row is not None and row[0] != 0:
            out.append(
                {
                    "account": key["account_id"],
                    "project": row[1],
                    "vintage": row[2],
                    "quantity": int(row[0]),
                }
            )
    return sorted(out, key=lambda r: (r["account"], r["project"], r["vintage"]))


def accounts(conn: Connection) -> list[dict[str, Any]]:
    """Every account: `{"account", "party", "kind", "status"}`."""
    return _rows(
        conn,
        "SELECT id AS account, party_id AS party, kind, status FROM accounts ORDER BY id",
    )


def agreement_transactions(conn: Connection, agreement: str) -> list[dict[str, Any]]:
    """Transactions that name an agreement, with their class: what the agreement delivered."""
    return _rows(
        conn,
        "SELECT t.id, t.kind, t.effective_date, c.project, c.vintage, t.quantity FROM transactions t"
        " JOIN credit_classes c ON c.id = t.class_id WHERE t.agreement = :a ORDER BY t.seq",
        a=agreement,
    )


def statement(
    conn: Connection, account: str, start: dt.date | None = None, end: dt.date | None = None
) -> list[dict[str, Any]]:
    """The account's postings in commit order, with their transaction and running balance."""
    if conn.execute(text("SELECT 1 FROM accounts WHERE id = :a"), {"a": account}).first() is None:
        raise Rejected("unknown_account", account)
    conditions = ["p.account_id = :a"]
    if start is not None:
        conditions.append("t.effective_date >= :start")
    if end is not None:
        conditions.append("t.effective_date <= :end")
    return _rows(
        conn,
        "SELECT t.seq, t.id, t.kind, t.effective_date, t.fiscal_year, c.project, c.vintage, p.amount,"
        " p.balance_after, t.memo, t.agreement FROM postings p JOIN transactions t ON t.seq = p.tx_seq"
        f" JOIN credit_classes c ON c.id = p.class_id WHERE {' AND '.join(conditions)} ORDER BY t.seq",
        a=account,
        start=start,
        end=end,
    )


def serial_history(conn: Connection, project: str, vintage: int, serial: int) -> dict[str, Any]:
    """Everything that happened to one credit, and where it came from (the issuance's source)."""
    credit = conn.execute(
        text(
            "SELECT id, instrument, next_serial FROM credit_classes WHERE project = :p AND vintage = :v"
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
    events = _rows(
        conn,
        "SELECT t.seq, t.id, t.kind, t.effective_date, e.from_account, e.to_account, e.start, e.stop, t.operation"
        " FROM block_events e JOIN transactions t ON t.seq = e.tx_seq"
        " WHERE e.class_id = :c AND e.start <= :s AND :s < e.stop ORDER BY t.seq",
        c=credit[0],
        s=serial,
    )
    holder = conn.execute(
        text("SELECT account_id FROM blocks WHERE class_id = :c AND start <= :s AND :s < stop"),
        {"c": credit[0], "s": serial},
    ).scalar()
    for event in events:
        operation = json.loads(event.pop("operation"))
        if event["kind"] == "issue":
            event["source"] = operation.get("source")
            event["methodology"] = operation.get("methodology")
        if event["kind"] == "retire":
            event["beneficiary"] = operation.get("beneficiary")
            event["reason"] = operation.get("reason")
    return {
        "project": project,
        "vintage": vintage,
        "serial": serial,
        "instrument": credit[1],
        "holder": holder,
        "events": events,
    }


def certificate(conn: Connection, tx_id: str) -> str:
    """A retirement certificate as a self-contained HTML page."""
    row = conn.execute(
        text(
            "SELECT t.seq, t.kind, t.effective_date, t.fiscal_year, t.quantity, t.operation, t.hash, c.instrument,"
            " c.project, c.vintage, c.id FROM transactions t JOIN credit_classes c ON c.id = t.class_id WHERE t.id = :id"
        ),
        {"id": tx_id},
    ).first()
    if row is None:
        raise Rejected("unknown_transaction", tx_id)
    if row[1] != "retire":
        raise Rejected("wrong_account_kind", f"{tx_id} is a {row[1]}, not a retirement")
    operation = json.loads(row[5])
    ranges = conn.execute(
        text("SELECT start, stop FROM block_events WHERE tx_seq = :s ORDER BY start"), {"s": row[0]}
    ).all()
    serials = ", ".join(f"{a}-{b - 1}" for a, b in ranges)
    e = html.escape
    fields = [
        ("Certificate / 無効化証明", tx_id),
        ("Beneficiary / 受益者", operation["beneficiary"]),
        ("Reason / 理由", operation["reason"]),
        ("Claim period / 対象期間", operation.get("claim_period") or f"FY{row[3]}"),
        ("Quantity / 数量", f"{int(row[4]):,} t-CO2e"),
        ("Instrument / 種類", row[7]),
        ("Project / プロジェクト", row[8]),
        ("Vintage / ヴィンテージ", f"FY{row[9]}"),
        ("Serial numbers / シリアル番号", serials),
        ("Retired on / 無効化日", str(row[2])),
        ("Retired from / 口座", operation["from"]),
        ("Ledger hash / 台帳ハッシュ", row[6]),
    ]
    body = "\n".join(f"<tr><th>{e(k)}</th><td>{e(str(v))}</td></tr>" for k, v in fields)
    return (
        "<!doctype html><html lang='ja'><head><meta charset='utf-8'>"
        f"<title>Retirement certificate {e(tx_id)}</title>"
        "<style>body{font-family:sans-serif;max-width:46em;margin:2em auto}"
        "table{border-collapse:collapse;width:100%}th,td{border:1px solid #999;padding:.4em;text-align:left}"
        "th{width:40%;background:#f3f3f3}@media print{body{margin:0}}</style></head><body>"
        "<h1>Retirement certificate / カーボン・オフセット無効化証明書</h1>"
        f"<table>{body}</table>"
        "<p>Issued by offset from its append-only ledger; the hash links this retirement to every earlier transaction.</p>"
        "</body></html>"
    )
