"""`offset ledger ...` and `offset db upgrade`: thin wrappers over `offset.ledger.Ledger`, one
job a module:

- `common`: the group and its --db, opening the ledger, printing records and catalogued lines;
- `writes`: `apply`, `replay`, `db upgrade`;
- `reads`: `balances`, `statement`, `serial`, `export`, `purposes`;
- `certificate`: a retirement's カーボン・オフセット証明書;
- `proofs`: `verify`, `keygen`, `checkpoint`, `backup`.

Each command chooses its language as every command does (`options.choose_language`)."""

from __future__ import annotations

from offset.cli.ledger import certificate, proofs, reads, writes
from offset.cli.ledger.common import (
    EXIT_REJECTED,
    EXIT_UNVERIFIED,
    app,
    db_app,
    open_ledger,
)

# `--help` lists the commands by name, whichever module defines them
app.registered_commands.sort(
    key=lambda command: str(command.name or getattr(command.callback, "__name__", ""))
)

__all__ = [
    "EXIT_REJECTED",
    "EXIT_UNVERIFIED",
    "app",
    "certificate",
    "db_app",
    "open_ledger",
    "proofs",
    "reads",
    "writes",
]
