"""What a party may see of the ledger: every read the HTTP API and the dashboard make of it.

The rule: a party sees its own accounts and what moved through them, and the retirements made
from them or on its behalf under the agreements of which it is the beneficiary. Anything else
does not exist for it (`NotVisible`: the API answers 404, so that a probe cannot learn that
another party's account or retirement exists). Of other parties it sees what a public registry
shows: who holds, retired or issued (party and account kind), never their account names,
balances, reasons or memos. The registry sees everything.

Each function takes the ledger and the `Viewer` and returns typed rows; the callers render them.
What a party sees of scenario runs (agreements, fulfilment, reductions) is
`offset.scenario.run_records`.

One job a module: `viewer` (who reads, how other parties appear: by party name and account
kind), `accounts` (own accounts, balances, statements and their period's balances, counterparties), `retirements` (and
certificates), `serials` (one credit's history), `reservations`, `transactions` (one
transaction), `origins` (where held credits come from). A new read goes in the module of what
it reads, re-exported here.
"""

from __future__ import annotations

from offset.ledger.visibility.accounts import (
    accounts,
    balances,
    counterparties,
    holdings,
    own_accounts,
    party,
    period_balances,
    receiver,
    statement,
)
from offset.ledger.visibility.origins import Issued, Origin, origins
from offset.ledger.visibility.reservations import Reservation, reservations
from offset.ledger.visibility.retirements import (
    SeenRetirement,
    retirement,
    retirements,
    sees_source,
)
from offset.ledger.visibility.serials import serial
from offset.ledger.visibility.transactions import Transaction, transaction
from offset.ledger.visibility.viewer import (
    HOLDER_NAME,
    HOLDER_OF_TO_ACCOUNT,
    OTHER,
    NotVisible,
    Viewer,
    party_names,
    public_name,
)

__all__ = [
    "HOLDER_NAME",
    "HOLDER_OF_TO_ACCOUNT",
    "OTHER",
    "Issued",
    "NotVisible",
    "Origin",
    "Reservation",
    "SeenRetirement",
    "Transaction",
    "Viewer",
    "accounts",
    "balances",
    "counterparties",
    "day",
    "holdings",
    "origins",
    "own_accounts",
    "party",
    "party_names",
    "period_balances",
    "public_name",
    "receiver",
    "reservations",
    "retirement",
    "retirements",
    "sees_source",
    "serial",
    "statement",
    "transaction",
]
