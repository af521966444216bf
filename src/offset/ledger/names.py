"""What the ledger accepts as a name, and as text: the one home of both rules.

Names are identifiers that other systems read (Beancount account names, CSV cells, URLs, API
transaction ids), so they are drawn from a small alphabet:

- a party: lower case letters, digits and `-`, `_`, `.` inside (`matsumoto`, `kiso-logistics`);
- an account a caller opens: `PARTY/LABEL`, where PARTY is the account's own party, so that no
  account can be named to look like another party's;
- the ledger's own accounts live in a namespace no caller can open: `issuance:PROJECT`,
  `buffer:INSTRUMENT`, `cancellation:REASON`, and per party `PARTY/retirement`, `PARTY/pending`;
- a project or instrument: letters, digits and `-`, `_`, `.` inside;
- a transaction id: letters, digits and `.`, `_`, `-`, `:`, `@`, `/`, `+`, `=`, starting with
  a letter or digit (never with a spreadsheet formula's first character).

Free text (names of parties, memos, beneficiaries, reasons, claim periods) may hold any
character except those that change how another reader splits or shows it: control characters
(tabs and newlines included), line and paragraph separators, bidirectional overrides, byte-order
marks, non-characters and lone surrogates (which no encoder can write).
"""

from __future__ import annotations

import re
from typing import Final

# The patterns as text, for pydantic (which checks them in Rust), and compiled, for the rest.
_IDENT = r"[a-z0-9](?:[a-z0-9_.-]{0,62}[a-z0-9])?"
_PROJECT = r"[A-Za-z0-9](?:[A-Za-z0-9_.-]{0,98}[A-Za-z0-9])?"
_SYSTEM = rf"(?:issuance:{_PROJECT}|buffer:{_PROJECT}|cancellation:[a-z0-9](?:[a-z0-9-]{{0,98}}[a-z0-9])?)"
PATTERNS: Final = {
    "party id": _IDENT,
    "project name": _PROJECT,
    "transaction id": r"[A-Za-z0-9][A-Za-z0-9_.:@/+=-]{0,199}",
    "account id": rf"(?:{_IDENT}/{_IDENT}|{_SYSTEM})",
}
PARTY: Final = re.compile(_IDENT)
LABEL: Final = re.compile(_IDENT)
PROJECT: Final = re.compile(_PROJECT)
TX_ID: Final = re.compile(PATTERNS["transaction id"])
ACCOUNT: Final = re.compile(rf"({_IDENT})/({_IDENT})")
SYSTEM_ACCOUNT: Final = re.compile(_SYSTEM)

REGISTRY: Final = "registry"  # the party that owns issuance, buffer and cancellation accounts
SYSTEM_LABELS: Final = frozenset({"retirement", "pending"})  # PARTY/retirement, PARTY/pending
#: Party ids no caller may register (the registry itself may only be described).
RESERVED_PARTIES: Final = frozenset(
    {REGISTRY, "issuance", "buffer", "cancellation", "retirement", "pending", "system", "offset"}
)

# Characters refused in stored text: C0 and C1 controls (tab, newline and NEL included), line
# and paragraph separators, bidirectional marks and overrides, the byte-order mark, the two
# non-characters of the BMP, and lone surrogates.
_FORBIDDEN_CLASS = (
    r"\x00-\x1f\x7f-\x9f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff\ufffe\uffff"
)
_FORBIDDEN = re.compile(f"[{_FORBIDDEN_CLASS}\ud800-\udfff]")
TEXT_PATTERN: Final = f"^[^{_FORBIDDEN_CLASS}]*$"  # lone surrogates pydantic refuses itself
TEXT_MAX: Final = 200  # party names, beneficiaries, reasons, methodologies
MEMO_MAX: Final = 1_000
CLAIM_PERIOD_MAX: Final = 100


def text_problem(value: str, limit: int = TEXT_MAX) -> str | None:
    """Why `value` cannot be stored as text, or None."""
    if len(value) > limit:
        return f"longer than {limit} characters"
    bad = _FORBIDDEN.search(value)
    if bad is not None:
        return f"character U+{ord(bad.group()):04X} at position {bad.start()} is not allowed"
    return None


def slug(text: str) -> str:
    """A cancellation reason as the last part of its account id."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:100].strip("-") or "unspecified"


def issuance_account(project: str) -> str:
    return f"issuance:{project}"


def buffer_account(instrument: str) -> str:
    return f"buffer:{instrument}"


def cancellation_account(reason: str) -> str:
    return f"cancellation:{slug(reason)}"


def retirement_account(party: str) -> str:
    return f"{party}/retirement"


def pending_account(party: str) -> str:
    return f"{party}/pending"


def openable_problem(account: str, party: str, kind: str) -> tuple[str, str] | None:
    """(code, why) when a caller may not open `account` for `party` as `kind`, else None.

    A caller opens holding accounts in its own namespace (and the registry opens buffer
    accounts); the ledger opens every other kind itself, under names no caller can take."""
    if kind not in ("holding", "buffer"):
        return "reserved_name", f"{kind} accounts are opened by the ledger itself"
    if party in RESERVED_PARTIES and party != REGISTRY:
        return "reserved_name", f"{party} is a name of the ledger's own"
    if kind == "buffer" and party != REGISTRY:
        return "reserved_name", "buffer accounts belong to the registry"
    if SYSTEM_ACCOUNT.fullmatch(account):
        return "reserved_name", f"{account} is in the ledger's own namespace"
    match = ACCOUNT.fullmatch(account)
    if match is None:
        return "invalid_operation", f"{account!a} is not PARTY/LABEL (lower case, digits, - _ .)"
    if match.group(1) != party:
        return "reserved_name", f"{account} is in the namespace of party {match.group(1)}"
    if match.group(2) in SYSTEM_LABELS:
        return "reserved_name", f"{account} is an account the ledger opens itself"
    return None
