"""The credit ledger: double-entry postings and serial blocks, on SQLite or PostgreSQL.

Its names load on first use, so that a module of the package (the CLI's help, `database`,
`export`) can be imported without the whole ledger.

May import: `offset.common`, `offset.units`. The ledger knows nothing of methods, scenarios or
documents.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from offset.ledger.codes import CODES, MESSAGES, Rejected
    from offset.ledger.ledger import Ledger
    from offset.ledger.writer import Result

__all__ = ["CODES", "MESSAGES", "Ledger", "Rejected", "Result"]
_HOMES = {
    "CODES": "codes",
    "MESSAGES": "codes",
    "Rejected": "codes",
    "Ledger": "ledger",
    "Result": "writer",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"offset.ledger.{home}"), name)
