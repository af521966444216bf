"""What lives beside the ledger in the same database, but is not ledger history.

API keys (stored only as hashes); the verified state at each checkpoint (`states.py`: what lets
`verify` start from a checkpoint instead of the first entry; a signed checkpoint carries its
digest, so it cannot be changed unseen); and the latest results of scenario runs that the HTTP
API shows: agreements with their fulfilment per FY, projects with their titles and creating
place (what every output prints instead of a project's key), and reductions per project,
municipality and FY.
Run records are replaced by each run of their scenario (they are derived from the ledger's
inputs); the ledger tables stay append-only.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, Column, DateTime, Text
from sqlmodel import Field, SQLModel


class ApiKey(SQLModel, table=True):
    __tablename__ = "api_keys"
    id: str = Field(primary_key=True)  # the key's public prefix, safe to show and log
    party_id: str = Field(foreign_key="parties.id", index=True)
    key_hash: str = Field(unique=True)  # sha256 of the whole key; the key itself is never stored
    label: str = ""
    created_at: dt.datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    revoked_at: dt.datetime | None = Field(
        default=None, sa_column=Column(DateTime(timezone=True), nullable=True)
    )


class AgreementRecord(SQLModel, table=True):
    __tablename__ = "agreements"
    name: str = Field(primary_key=True)  # what transactions name in their `agreement` field
    scenario: str = Field(index=True)
    title: str = ""
    provider: str
    beneficiary: str
    others: str = "[]"  # JSON list of party ids
    projects: str = "[]"  # JSON list of project names
    first_fy: int
    last_fy: int
    volume: str  # e.g. "fixed 1500 t", "share 0.5", "all"
    delivery: str
    price_jpy_per_t: int | None = None


class ProjectRecord(SQLModel, table=True):
    """A project as its scenario names it: the title outputs print, and where its credits are
    created (創出場所: the municipality's JIS code and name)."""

    __tablename__ = "projects"
    name: str = Field(primary_key=True)  # the credit classes' `project`
    scenario: str = Field(index=True)
    title: str = ""
    place_code: str = ""  # 団体コード ("" when not known)
    place_name: str = ""


class FulfilmentRecord(SQLModel, table=True):
    __tablename__ = "agreement_fulfilment"
    agreement: str = Field(primary_key=True)
    fy: int = Field(primary_key=True)
    committed: int
    carried_in: int
    delivered: int
    retired: int
    shortfall: int
    carried_out: int


class ReductionRecord(SQLModel, table=True):
    """Reductions in t-CO2e: report figures (floats), not credits."""

    __tablename__ = "reductions"
    scenario: str = Field(primary_key=True)
    project: str = Field(primary_key=True)
    fy: int = Field(primary_key=True)
    municipality: str = Field(primary_key=True)
    owner: str = Field(index=True)
    method: str
    rows: int
    reduction_tco2e: float
    creditable_tco2e: float


class VerifiedStateRecord(SQLModel, table=True):
    __tablename__ = "verified_states"
    seq: int = Field(sa_column=Column(BigInteger, primary_key=True, autoincrement=False))
    digest: str  # sha256 of `state`, which a checkpoint signs
    state: str = Field(sa_column=Column(Text, nullable=False))  # canonical JSON
    created_at: dt.datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
