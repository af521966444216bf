"""Planning: one pure function per operation, checking its rules against the books.

A planner reads the books (`books.Books`: the database as this batch left it) and returns what
the operation will record, or raises `Rejected` with its code. It changes nothing: the journal
records a plan, so a rejected operation leaves the books exactly as they were, and a plan sees
every earlier operation of its batch whatever was written when.

The rules that keep credits conserved hold whatever an account is called: an account's kind
decides what may leave it, and kinds are fixed when an account is opened (`names.py` decides
who may open what).

One job a module:

- `plans`: what a planner is given (`When`) and returns (`TxPlan`, `ReferencePlan`,
  `Unchanged`), the ledger's bounds and the account kinds the rules name;
- `checks`: the one-line guards a credit planner is a flat run of (`usable`,
  `require_balance`, ...), each raising `Rejected` with its code;
- `credits`: the credit operations' planners (`CREDIT_PLANNERS`), a retirement's use rules;
- `transactions`: what every credit transaction goes through first (the same id again, the
  date rule, a party acting for itself) and `masked`, a refusal as a party hears it;
- `reference`: parties and accounts opened, an account's status;
- here: `PLANNERS` and `plan`, the one dispatch from an operation to its planner.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from offset.ledger import operations as ops
from offset.ledger.books import Books
from offset.ledger.codes import Rejected
from offset.ledger.planning.credits import CREDIT_PLANNERS
from offset.ledger.planning.plans import (
    FINAL_KINDS,
    FINAL_KINDS_OF_TX,
    FUTURE,
    HOLDING,
    MAX_CLASS_SERIALS,
    MAX_LEDGER_SERIALS,
    MOVABLE_FROM,
    REVERSIBLE,
    Move,
    Plan,
    ReferencePlan,
    TxPlan,
    Unchanged,
    When,
)
from offset.ledger.planning.reference import REFERENCE_PLANNERS
from offset.ledger.planning.transactions import masked, planned_tx

__all__ = [
    "CREDIT_PLANNERS",
    "FINAL_KINDS",
    "FINAL_KINDS_OF_TX",
    "FUTURE",
    "HOLDING",
    "MAX_CLASS_SERIALS",
    "MAX_LEDGER_SERIALS",
    "MOVABLE_FROM",
    "PLANNERS",
    "REVERSIBLE",
    "Move",
    "Plan",
    "ReferencePlan",
    "TxPlan",
    "Unchanged",
    "When",
    "masked",
    "plan",
]

PLANNERS: dict[type[Any], Callable[[Books, Any, When], Plan]] = {
    **REFERENCE_PLANNERS,
    **dict.fromkeys(CREDIT_PLANNERS, planned_tx),
}
assert set(PLANNERS) == set(ops.OPERATION_TYPES), "every operation has its planner"


def plan(books: Books, op: ops.Operation, when: When) -> Plan:
    """The one dispatch from an operation to its planner. Parties and accounts are opened,
    their status changed, and titles described, by the ledger's operator only."""
    if when.party is not None and not isinstance(op, ops.TX_TYPES):
        raise Rejected("not_permitted", f"{op.op} on behalf of {when.party}")
    return PLANNERS[type(op)](books, op, when)
