"""The ledger's tables. Amounts are integers (1 credit = 1 t-CO2e); nothing here is a float.

History tables (transactions, postings, block_events) are append-only, enforced by triggers
(`guards.py`). `transactions` holds every chained entry: credit transactions (with an id) and
reference entries (the genesis, parties, accounts and their status, credit classes, titles; no
id). `parties`, `titles`, `accounts`, `instruments`, `credit_classes`, `balances`, `blocks` and `ledger_head`
are the current state, derived from that history and recomputed from it by `verify`.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Column,
    DateTime,
    ForeignKey,
    Index,
    UniqueConstraint,
    text,
)
from sqlmodel import Field, SQLModel

metadata = SQLModel.metadata


def _deferred_fk(target: str) -> ForeignKey:
    # Postings and block events are written before their transaction header (whose insert
    # checks that the postings balance), so the reference is checked at commit.
    return ForeignKey(target, deferrable=True, initially="DEFERRED")


class Party(SQLModel, table=True):
    __tablename__ = "parties"
    id: str = Field(primary_key=True)
    kind: str
    name: str = ""
    jis_code: str | None = None
    prefecture: str | None = None


class Title(SQLModel, table=True):
    """What outputs print for a project or an agreement (`rows.TitleRow`): derived, like
    parties, from its `describe` entries, and checked against them by `verify`."""

    __tablename__ = "titles"
    subject: str = Field(primary_key=True)
    name: str = Field(primary_key=True)
    title: str = ""
    place_code: str = ""
    place_name: str = ""


class Account(SQLModel, table=True):
    __tablename__ = "accounts"
    id: str = Field(primary_key=True)
    party_id: str = Field(foreign_key="parties.id", index=True)
    kind: str
    status: str = "open"  # open, suspended, closed; accounts are never deleted


class Instrument(SQLModel, table=True):
    __tablename__ = "instruments"
    name: str = Field(primary_key=True)
    transferable: bool


class CreditClass(SQLModel, table=True):
    __tablename__ = "credit_classes"
    __table_args__ = (UniqueConstraint("project", "vintage"),)
    id: int | None = Field(default=None, primary_key=True)
    instrument: str = Field(foreign_key="instruments.name")
    project: str
    vintage: int
    methodology: str | None = None
    next_serial: int = Field(default=0, sa_type=BigInteger)  # serials [0, next_serial) exist


class LedgerHead(SQLModel, table=True):
    """One row: the last transaction's sequence number and hash (locked by writers on PostgreSQL)."""

    __tablename__ = "ledger_head"
    id: int = Field(default=1, primary_key=True)
    seq: int = Field(default=0, sa_type=BigInteger)
    hash: str = ""
    effective_date: dt.date | None = None


class Transaction(SQLModel, table=True):
    __tablename__ = "transactions"
    __table_args__ = (
        # a class's issuances, for where its credits were created (`Store.origin`); only
        # issuances pay for it
        Index(
            "ix_transactions_issues",
            "class_id",
            "seq",
            sqlite_where=text("kind = 'issue'"),
            postgresql_where=text("kind = 'issue'"),
        ),
    )
    seq: int = Field(
        sa_column=Column(BigInteger, primary_key=True, autoincrement=False)
    )  # commit order
    id: str | None = Field(default=None, unique=True)  # the client's idempotency key
    kind: str
    effective_date: dt.date = Field(index=True)
    fiscal_year: int
    recorded_at: dt.datetime = Field(sa_type=DateTime(timezone=True))
    memo: str = ""
    agreement: str | None = Field(default=None, index=True)
    reverses: str | None = Field(default=None, index=True)
    resolves: str | None = Field(default=None, unique=True)  # a reservation resolves once
    class_id: int | None = Field(default=None, foreign_key="credit_classes.id")
    quantity: int = Field(sa_type=BigInteger)
    buffer: int = Field(default=0, sa_type=BigInteger)  # of an issuance: withheld to the buffer
    from_account: str | None = None  # where the credits come from (as the operation reads)
    to_account: str | None = None  # where they go; a reservation: its recipient
    beneficiary: str | None = None
    reason: str | None = None
    claim_period: str | None = None
    source: str | None = None  # an issuance's provenance, canonical JSON
    purpose: str | None = None  # a retirement's use (`uses.py`); None elsewhere
    offset_target: str | None = None
    offset_place: str | None = None  # a JIS code
    claim_fy: int | None = None
    rule_override: str | None = None  # the registry's recorded reason for overriding a rule
    content_hash: str
    operation: str  # the canonical operation (or reference change), for replay and audit
    prev_hash: str
    hash: str


class Posting(SQLModel, table=True):
    __tablename__ = "postings"
    __table_args__ = (
        CheckConstraint("amount <> 0", name="posting_amount_not_zero"),
        Index("ix_postings_account_class_seq", "account_id", "class_id", "tx_seq"),
    )
    id: int | None = Field(default=None, primary_key=True)
    tx_seq: int = Field(
        sa_column=Column(BigInteger, _deferred_fk("transactions.seq"), nullable=False, index=True)
    )
    account_id: str = Field(foreign_key="accounts.id")
    class_id: int = Field(foreign_key="credit_classes.id")
    amount: int = Field(sa_type=BigInteger)
    balance_after: int = Field(sa_type=BigInteger)


class Balance(SQLModel, table=True):
    __tablename__ = "balances"
    __table_args__ = (
        CheckConstraint("quantity >= 0 OR may_go_negative", name="balance_not_negative"),
    )
    account_id: str = Field(foreign_key="accounts.id", primary_key=True)
    class_id: int = Field(foreign_key="credit_classes.id", primary_key=True)
    quantity: int = Field(default=0, sa_type=BigInteger)
    may_go_negative: bool = False  # only issuance accounts
    version: int = 0  # postings so far


class Block(SQLModel, table=True):
    __tablename__ = "blocks"
    __table_args__ = (
        CheckConstraint("start < stop", name="block_not_empty"),
        Index("ix_blocks_account_class_start", "account_id", "class_id", "start"),
        Index("ix_blocks_class_start", "class_id", "start"),
    )
    id: int | None = Field(default=None, primary_key=True)
    class_id: int = Field(foreign_key="credit_classes.id")
    start: int = Field(sa_type=BigInteger)
    stop: int = Field(sa_type=BigInteger)
    account_id: str = Field(foreign_key="accounts.id")


class BlockEvent(SQLModel, table=True):
    __tablename__ = "block_events"
    __table_args__ = (Index("ix_block_events_class_start", "class_id", "start"),)
    id: int | None = Field(default=None, primary_key=True)
    # Indexed: inserting a transaction checks the deferred references to it (a scan without).
    tx_seq: int = Field(
        sa_column=Column(BigInteger, _deferred_fk("transactions.seq"), nullable=False, index=True)
    )
    class_id: int = Field(foreign_key="credit_classes.id")
    start: int = Field(sa_type=BigInteger)
    stop: int = Field(sa_type=BigInteger)
    from_account: str | None = Field(default=None, foreign_key="accounts.id")
    to_account: str = Field(foreign_key="accounts.id")


#: Instruments known from the start; `transferable` follows the reference notes (J-Credit and
#: J-VER are traded; prefectural and municipal certificates are non-tradeable claims).
INSTRUMENTS = {
    "J-Credit": True,
    "J-VER": True,
    "municipal-credit": True,
    "prefectural-certificate": False,
    "municipal-certificate": False,
}
