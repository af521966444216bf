"""The ledger's records as typed values: what the write path keeps, stores and chains, and what
the reads return. Frozen dataclasses, so a value read once can be shared and cached safely.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from offset.ledger.blocks import Block


@dataclass(frozen=True)
class PartyRow:
    id: str
    kind: str
    name: str = ""
    jis_code: str | None = None
    prefecture: str | None = None


@dataclass(frozen=True)
class TitleRow:
    """What outputs print for a project or an agreement instead of its key: its title and, for a
    project, where its credits are created (創出場所: the municipality's JIS code and name)."""

    subject: str  # "project" or "agreement"
    name: str  # the key: a credit class's `project`, a transaction's `agreement`
    title: str = ""
    place_code: str = ""
    place_name: str = ""


@dataclass(frozen=True)
class AccountRow:
    id: str
    party: str
    kind: str
    status: str = "open"


@dataclass(frozen=True)
class ClassRow:
    id: int
    instrument: str
    project: str
    vintage: int
    methodology: str | None


class Balance(NamedTuple):
    quantity: int
    version: int  # postings so far


class Head(NamedTuple):
    seq: int
    hash: str
    effective: dt.date | None


class TxRecord(NamedTuple):
    """What later operations need of an earlier transaction (reversals, reservations)."""

    seq: int
    id: str
    kind: str
    class_id: int
    project: str
    vintage: int
    quantity: int
    from_account: str | None
    to_account: str | None
    buffer: int
    content_hash: str


class Header(NamedTuple):
    """A history entry: every column of its `transactions` row, in column order. Credit
    transactions carry an id; reference entries (the genesis, parties, accounts and their
    status, credit classes) have none."""

    seq: int
    id: str | None
    kind: str
    effective_date: dt.date
    fiscal_year: int
    recorded_at: dt.datetime
    memo: str
    agreement: str | None
    reverses: str | None
    resolves: str | None
    class_id: int | None
    quantity: int
    buffer: int
    from_account: str | None
    to_account: str | None
    beneficiary: str | None
    reason: str | None
    claim_period: str | None
    source: str | None  # canonical JSON of an issuance's provenance
    # A retirement's use (`uses.py`): the purpose's code, the offset target and its place (a
    # JIS code), the claim's FY, and the registry's recorded override of a use rule. None on
    # every other entry, and left out of the chain body when None (`chain.header_body`).
    purpose: str | None
    offset_target: str | None
    offset_place: str | None
    claim_fy: int | None
    rule_override: str | None
    content_hash: str
    operation: str  # the canonical operation (or reference change), for replay and audit
    prev_hash: str
    hash: str


HEADER_COLUMNS: tuple[str, ...] = Header._fields
HEADER_ID = HEADER_COLUMNS.index("id")
#: A header as the write path keeps it until it is stored: a plain tuple in HEADER_COLUMNS
#: order (see below why: the garbage collector).
HeaderRow = tuple[Any, ...]


# Postings and block events are the ledger's most numerous rows, so they are plain tuples in
# column order: the garbage collector stops tracking a tuple of plain values, but never a
# NamedTuple, and a large batch of tracked rows makes every collection walk them again.
POSTING_COLUMNS = ("tx_seq", "account_id", "class_id", "amount", "balance_after")
Posting = tuple[int, str, int, int, int]  # POSTING_COLUMNS
EVENT_COLUMNS = ("tx_seq", "class_id", "start", "stop", "from_account", "to_account")
Event = tuple[int, int, int, int, str | None, str]  # EVENT_COLUMNS; no source: minted


# --- what the reads return -------------------------------------------------------------------


@dataclass(frozen=True)
class BalanceLine:
    account: str
    instrument: str
    project: str
    vintage: int
    quantity: int


@dataclass(frozen=True)
class StatementLine:
    seq: int
    id: str
    kind: str
    effective_date: dt.date
    fiscal_year: int
    project: str
    vintage: int
    amount: int
    balance_after: int
    memo: str
    agreement: str | None
    purpose: str | None = None  # a retirement's 用途 (J-Credit's code, `uses.py`)


@dataclass(frozen=True)
class PeriodBalance:
    """One credit class of an account over a statement's period: its balance before the period
    (`opening`), what came in and went out within it, and its balance at the end (`closing`),
    each read from the account's postings; `seqs`: the entries those balances were read from
    (a statement proves them with its lines)."""

    project: str
    vintage: int
    opening: int
    credited: int  # the period's postings in (positive amounts)
    debited: int  # and out (their sum, as a positive figure)
    closing: int
    seqs: tuple[int, ...]


@dataclass(frozen=True)
class Retirement:
    id: str
    seq: int
    effective_date: dt.date
    fiscal_year: int
    quantity: int
    agreement: str | None
    instrument: str
    project: str
    vintage: int
    methodology: str | None
    from_account: str
    party: str  # who retired them
    beneficiary: str
    reason: str
    claim_period: str | None
    serials: tuple[Block, ...]
    hash: str
    purpose: str | None = None
    offset_target: str | None = None
    offset_place: str | None = None
    claim_fy: int | None = None
    rule_override: str | None = None


@dataclass(frozen=True)
class SerialEvent:
    seq: int
    id: str | None
    kind: str
    effective_date: dt.date
    from_account: str | None
    to_account: str
    start: int
    stop: int
    source: dict[str, Any] | None = None
    methodology: str | None = None
    beneficiary: str | None = None
    reason: str | None = None
    claim_period: str | None = None


@dataclass(frozen=True)
class SerialHistory:
    project: str
    vintage: int
    serial: int
    instrument: str
    holder: str | None
    events: tuple[SerialEvent, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class AgreementTransaction:
    id: str
    kind: str
    effective_date: dt.date
    project: str
    vintage: int
    quantity: int
    from_account: str | None
    to_account: str | None
    beneficiary: str | None


@dataclass(frozen=True)
class IssuanceEvent:
    """One issuance, or a reversal or cancellation that takes part of one back."""

    id: str
    kind: str  # issue, reverse or cancel
    project: str
    vintage: int
    quantity: int
    buffer: int
    from_account: str | None
    to_account: str | None
    reverses: str | None
    source: dict[str, Any] | None
    effective_date: dt.date | None = None
    memo: str = ""
