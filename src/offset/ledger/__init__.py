"""The credit ledger: double-entry postings and serial blocks, on SQLite or PostgreSQL."""

from offset.ledger import records  # noqa: F401  (its tables share the ledger's metadata)
from offset.ledger.api import Ledger
from offset.ledger.codes import CODES, MESSAGES, Rejected
from offset.ledger.writer import Result

__all__ = ["CODES", "MESSAGES", "Ledger", "Rejected", "Result"]
