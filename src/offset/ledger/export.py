"""Exports: Beancount (to check the books with another engine, and to browse them in Fava) and
an offsets-db style CSV.

Both carry what the ledger prints (beneficiary, reason, claim period, agreement, serial ranges,
each transaction's hash) and neither can be injected: every Beancount string is escaped and
every name is mapped to a valid Beancount name (the ledger's own name kept as metadata); every
CSV cell that a spreadsheet would run as a formula is neutralised (`offset.common.cells`).
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections import defaultdict

from sqlalchemy import Connection, text

from offset.common import memos
from offset.common.cells import neutral
from offset.ledger import uses
from offset.ledger.chain import day_text
from offset.ledger.titles import project_titles

OPEN_DATE = "1990-01-01"
ROOTS = {"issuance": "Equity"}  # every other kind under Assets


def quoted(value: object) -> str:
    """A Beancount string literal: backslashes and quotes escaped."""
    return '"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"'


def _component(part: str) -> str:
    cleaned = re.sub(r"[^A-Za-z0-9-]", "-", part).strip("-") or "X"
    return cleaned[0].upper() + cleaned[1:] if cleaned[0].isalpha() else "X" + cleaned


def beancount_account(account_id: str, kind: str) -> str:
    """A Beancount account name: issuance accounts under Equity, every other under Assets."""
    parts = [p for p in re.split(r"[/:]", account_id) if p]
    return ":".join([ROOTS.get(kind, "Assets"), *map(_component, parts)])


def account_names(kinds: dict[str, str]) -> dict[str, str]:
    """Each account's Beancount name; where two ids map to one name, each gets a suffix made
    from its own id, so that the mapping stays one to one."""
    base = {a: beancount_account(a, k) for a, k in kinds.items()}
    seen: dict[str, list[str]] = defaultdict(list)
    for account, name in base.items():
        seen[name].append(account)
    for name, accounts in seen.items():
        if len(accounts) > 1:
            for account in accounts:
                base[account] = f"{name}-H{hashlib.sha256(account.encode()).hexdigest()[:8]}"
    assert len(set(base.values())) == len(base)
    return base


def commodity(class_id: int) -> str:
    return f"CR{class_id}"


def beancount(conn: Connection, upto: int) -> str:
    """The ledger up to entry `upto` (the head verify checked) as a Beancount file: one
    commodity per credit class; a retirement carries its use (J-Credit's 用途, the offset
    target and place, the FY it is claimed for) as metadata."""
    accounts = {
        str(a): (str(k), str(p), str(n or ""))
        for a, k, p, n in conn.execute(
            text(
                "SELECT a.id, a.kind, a.party_id, p.name FROM accounts a"
                " JOIN parties p ON p.id = a.party_id"
            )
        )
    }
    names = account_names({a: k for a, (k, _, _) in accounts.items()})
    classes = list(
        conn.execute(
            text(
                "SELECT id, instrument, project, vintage, methodology FROM credit_classes ORDER BY id"
            )
        )
    )
    titles = project_titles(conn)  # what a project is called, where its run stored it
    purposes = uses.purposes()
    lines = ['option "title" "offset ledger"']
    lines += [f'option "operating_currency" "{commodity(int(c[0]))}"' for c in classes[:1]]
    lines.append("")
    for class_id, instrument, project, vintage, methodology in classes:
        lines += [
            f"{OPEN_DATE} commodity {commodity(int(class_id))}",
            f"  project: {quoted(project)}",
            *([f"  project-title: {quoted(titles[project].title)}"] if project in titles else []),
            f"  vintage: {quoted(vintage)}",
            f"  instrument: {quoted(instrument)}",
        ]
        if methodology:
            lines.append(f"  methodology: {quoted(methodology)}")
    for account in sorted(accounts, key=lambda a: names[a]):
        kind, party, party_name = accounts[account]
        lines += [
            f"{OPEN_DATE} open {names[account]}",
            f"  offset-account: {quoted(account)}",
            f"  kind: {quoted(kind)}",
            f"  party: {quoted(party)}",
        ]
        if party_name:
            lines.append(f"  party-name: {quoted(party_name)}")
    postings: dict[int, list[tuple[str, int, int]]] = defaultdict(list)
    for seq, account, class_id, amount in conn.execute(
        text(
            "SELECT tx_seq, account_id, class_id, amount FROM postings WHERE tx_seq <= :upto"
            " ORDER BY tx_seq, id"
        ),
        {"upto": upto},
    ):
        postings[int(seq)].append((account, int(class_id), int(amount)))
    serials: dict[int, list[str]] = defaultdict(list)
    for seq, start, stop in conn.execute(
        text(
            "SELECT tx_seq, start, stop FROM block_events WHERE tx_seq <= :upto"
            " ORDER BY tx_seq, start"
        ),
        {"upto": upto},
    ):
        serials[int(seq)].append(f"{int(start)}-{int(stop) - 1}")
    for row in conn.execute(
        text(
            "SELECT seq, id, kind, effective_date, memo, hash, agreement, beneficiary, reason,"
            " claim_period, reverses, resolves, purpose, offset_target, offset_place, claim_fy,"
            " rule_override FROM transactions WHERE id IS NOT NULL AND seq <= :upto ORDER BY seq"
        ),
        {"upto": upto},
    ):
        seq, tx_id, kind, effective, memo, tx_hash, *extra = row
        purpose = purposes.get(extra[6] or "")
        # offset's own memos (stored as JSON) read as words; the stored text kept beside them
        said = memos.text(memo, "en") if memo else ""
        narration = f"{kind} {tx_id}" + (f": {said}" if said else "")
        lines += [
            "",
            f"{day_text(effective)} * {quoted(narration)}",
            f"  id: {quoted(tx_id)}",
            f"  seq: {quoted(seq)}",
            f"  hash: {quoted(tx_hash)}",
        ]
        if said != (memo or ""):
            lines.append(f"  memo: {quoted(memo)}")
        for key, value in zip(
            META_KEYS, [*extra, purpose.name_ja if purpose else None], strict=True
        ):
            if value is not None:
                lines.append(f"  {key}: {quoted(value)}")
        if serials.get(int(seq)):
            lines.append(f"  serials: {quoted(', '.join(serials[int(seq)]))}")
        lines += [
            f"  {names[a]}  {amount} {commodity(c)}" for a, c, amount in postings.get(int(seq), [])
        ]
    return "\n".join(lines) + "\n"


# Each entry's optional columns as metadata, in the order `beancount` reads them, and the
# purpose's Japanese name (as a J-Credit retirement form writes it) after them.
META_KEYS = (
    "agreement",
    "beneficiary",
    "reason",
    "claim-period",
    "reverses",
    "resolves",
    "purpose",
    "offset-target",
    "offset-place",
    "claim-fy",
    "rule-override",
    "purpose-name",
)

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


def offsets_db(conn: Connection, upto: int) -> str:
    """Issuances, retirements and cancellations up to entry `upto` (the head verify checked) as
    offsets-db style credit rows (CSV)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(OFFSETS_DB_COLUMNS)
    for (
        kind,
        effective,
        quantity,
        source,
        beneficiary,
        reason,
        period,
        memo,
        project,
        vintage,
    ) in conn.execute(
        text(
            "SELECT t.kind, t.effective_date, t.quantity, t.from_account, t.beneficiary,"
            " t.reason, t.claim_period, t.memo, c.project, c.vintage FROM transactions t"
            " JOIN credit_classes c ON c.id = t.class_id"
            " WHERE t.kind IN ('issue', 'retire', 'cancel') AND t.seq <= :upto ORDER BY t.seq"
        ),
        {"upto": upto},
    ):
        row = [
            project,
            vintage,
            quantity,
            day_text(effective),
            _TYPES[kind],
            source if kind == "retire" else "",
            beneficiary or "",
            reason or "",
            period or (memos.text(memo, "en") if memo else ""),
        ]
        writer.writerow([neutral(v) if isinstance(v, str) else v for v in row])
    return out.getvalue()


EXPORTS = {"beancount": beancount, "offsets-db": offsets_db}
