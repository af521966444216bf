"""Reading the ledger: balances (now or as of a date), statements, serial histories and
retirements, as typed rows (`rows.py`). Everything printed comes from columns that `verify`
recomputes or that the hash chain covers.

One job a module: `accounts` (accounts, parties, balances, statements), `retirements`,
`serials` (one serial's history), `agreements` (what an agreement delivered), `issuances`
(what a scenario's re-run reads back), `identity` (the ledger's id and chain head);
`sql_values` (IN lists, LIKE prefixes, dates) serves them all. A new read goes in the module of
what it reads, re-exported here.
"""

from __future__ import annotations

from offset.ledger.queries.accounts import (
    accounts,
    balances,
    parties,
    period_balances,
    statement,
)
from offset.ledger.queries.agreements import AgreementMove, agreement_moves, agreement_transactions
from offset.ledger.queries.identity import head, ledger_identity, transaction_id
from offset.ledger.queries.issuances import first_seq, issuance_history, quantities
from offset.ledger.queries.retirements import issued_to, retirement, retirements
from offset.ledger.queries.serials import serial_history
from offset.ledger.queries.sql_values import ID_CHUNK, in_list

__all__ = [
    "ID_CHUNK",
    "AgreementMove",
    "accounts",
    "agreement_moves",
    "agreement_transactions",
    "balances",
    "first_seq",
    "head",
    "in_list",
    "issuance_history",
    "issued_to",
    "ledger_identity",
    "parties",
    "period_balances",
    "quantities",
    "retirement",
    "retirements",
    "serial_history",
    "statement",
    "transaction_id",
]
