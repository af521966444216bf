"""Exports: Beancount (to check the books with another engine) and an offsets-db style CSV."""

from __future__ import annotations

import csv
import io
import json
import re

from sqlalchemy import Connection, text

OPEN_DATE = "1990-01-01"


def beancount_account(account_id: str, kind: str) -> str:
    """A Beancount account name: issuance accounts under Equity, every other under Assets."""
    root = "Equity" if kind == "issuance" else "Assets"
    parts = [p for p in re.split(r"[/:]", account_id) if p]
    cleaned = []
    for part in parts:
        part = re.sub(r"[^A-Za-z0-9-]", "-", part).strip("-") or "X"
        cleaned.append(part[0].upper() + part[1:] if part[0].isalpha() else "X" + part)
    return ":".join([root, *cleaned])


def commodity(class_id: int) -> str:
    return f"CR{class_id}"


def beancount(conn: Connection) -> str:
    """The whole ledger as a Beancount file: one commodity per credit class."""
    kinds: dict[str, str] = {
        str(a): str(k) for a, k in conn.execute(text("SELECT id, kind FROM accounts"))
    }
    names = {a: beancount_account(a, k) for a, k in kinds.items()}
    assert len(set(names.values())) == len(names), "two accounts map to one Beancount name"
    lines = ['option "title" "offset ledger"', ""]
    for class_id, instrument, project, vintage in conn.execute(
        text("SELECT id, instrument, project, vintage FROM credit_classes ORDER BY id")
    ):
        lines += [
            f"{OPEN_DATE} commodity {commodity(class_id)}",
            f'  project: "{project}"',
            f'  vintage: "{vintage}"',
            f'  instrument: "{instrument}"',
        ]
    lines += [f"{OPEN_DATE} open {name}" for name in sorted(names.values())]
    postings: dict[int, list[tuple[str, int, int]]] = {}
    for seq, account, class_id, amount in conn.execute(
        text("SELECT tx_seq, account_id, class_id, amount FROM postings ORDER BY tx_seq, id")
    ):
        postings.setdefault(int(seq), []).append((account, int(class_id), int(amount)))
    for seq, tx_id, kind, effective, memo in conn.execute(
        text("SELECT seq, id, kind, effective_date, memo FROM transactions ORDER BY seq")
    ):
        narration = json.dumps(
            f"{kind} {tx_id}" + (f": {memo}" if memo else ""), ensure_ascii=False
        )
        lines += ["", f"{effective} * {narration}", f'  id: "{tx_id}"']
        lines += [
            f"  {names[a]}  {amount} {commodity(c)}" for a, c, amount in postings.get(int(seq), [])
        ]
    return "\n".join(lines) + "\n"


OFFSETS_DB_COLUMNS = (
    "project_id",
    "vintage",
    "quantity",
    "transaction_date",
    "transaction_type",
    "retirement_account",
    "retirement_beneficiary",
    "retirement_reason",
    "retirement_note",
)
_TYPES = {"issue": "issuance", "retire": "retirement", "cancel": "cancellation"}


def offsets_db(conn: Connection) -> str:
    """Issuances, retirements and cancellations as offsets-db style credit rows (CSV)."""
    out = io.StringIO()
    writer = csv.DictWriter(out, OFFSETS_DB_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for kind, effective, quantity, operation, project, vintage in conn.execute(
        text(
            "SELECT t.kind, t.effective_date, t.quantity, t.operation, c.project, c.vintage FROM transactions t"
            " JOIN credit_classes c ON c.id = t.class_id WHERE t.kind IN ('issue', 'retire', 'cancel') ORDER BY t.seq"
        )
    ):
        op = json.loads(operation)
        writer.writerow(
            {
                "project_id": project,
                "vintage": vintage,
                "quantity": quantity,
                "transaction_date": str(effective),
                "transaction_type": _TYPES[kind],
                "retirement_account": op.get("from", "") if kind == "retire" else "",
                "retirement_beneficiary": op.get("beneficiary", ""),
                "retirement_reason": op.get("reason", ""),
                "retirement_note": op.get("claim_period") or op.get("memo", ""),
            }
        )
    return out.getvalue()


EXPORTS = {"beancount": beancount, "offsets-db": offsets_db}
