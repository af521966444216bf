"""What a planner returns, and what it is given: the day and party it plans for (`When`), the
moves of credits (`Move`), a credit transaction ready to record (`TxPlan`), a change of reference
data (`ReferencePlan`) or nothing to do (`Unchanged`); with the ledger's bounds and the account
kinds the rules name.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Final, NamedTuple

from offset.ledger import operations as ops
from offset.ledger.blocks import Block
from offset.ledger.rows import AccountRow, ClassRow, PartyRow, TitleRow

MAX_CLASS_SERIALS: Final = 10**15  # serials ever minted in one class
MAX_LEDGER_SERIALS: Final = 10**18  # over all classes: every SQL sum stays below 2**63
# An effective date may be tomorrow (a caller a time zone ahead).
FUTURE: Final = dt.timedelta(days=1)
FINAL_KINDS: Final = frozenset({"retirement", "cancellation"})
MOVABLE_FROM: Final = frozenset({"holding", "buffer"})
HOLDING: Final = frozenset({"holding"})
REVERSIBLE: Final = frozenset({"issue", "transfer"})
FINAL_KINDS_OF_TX: Final = frozenset({"retire", "cancel"})  # their credits never move again


@dataclass(frozen=True)
class When:
    """The day operations are applied, the time they are recorded, and on whose behalf: a
    party (an API caller) may move credits from its own accounts only, and hears of another
    party's accounts only that they are not its to use; None is the ledger's operator."""

    today: dt.date
    recorded: dt.datetime
    party: str | None = None

    @property
    def latest(self) -> dt.date:
        """The latest effective date an operation may take."""
        return self.today + FUTURE


class Move(NamedTuple):
    """`quantity` credits of one class from one account to another. A minted move creates
    the next serials of the class (its source is the issuance account)."""

    source: str
    destination: str
    class_id: int
    quantity: int
    minted: bool = False
    chosen: tuple[Block, ...] | None = None  # the serials the holder picked; None: the lowest


class TxPlan(NamedTuple):
    """A credit transaction ready to record, with the accounts and class it opens first."""

    op: ops.TxOperation
    content: str
    content_hash: str
    effective: dt.date
    kind: str
    credit: ClassRow
    quantity: int
    moves: tuple[Move, ...]
    from_account: str | None
    to_account: str | None
    beneficiary: str | None = None
    reason: str | None = None
    claim_period: str | None = None
    purpose: str | None = None
    offset_target: str | None = None
    offset_place: str | None = None
    claim_fy: int | None = None
    rule_override: str | None = None
    reverses: str | None = None
    resolves: str | None = None
    buffer: int = 0
    source: str | None = None
    opens: tuple[AccountRow, ...] = ()
    new_class: bool = False  # the first issuance of its class opens it


@dataclass(frozen=True)
class ReferencePlan:
    """A change of reference data (a party, an account, its status), chained on its own."""

    party: PartyRow | None = None
    account: AccountRow | None = None
    status_of: AccountRow | None = None  # the account whose status changes (`account` holds it)
    title: TitleRow | None = None  # a project's or agreement's title, described anew


@dataclass(frozen=True)
class Unchanged:
    """Recorded before with the same content (`exists`): nothing to do."""

    status: str
    seq: int | None = None


Plan = TxPlan | ReferencePlan | Unchanged


@dataclass
class Draft:
    """What a credit planner works out; `_tx` completes it into a TxPlan."""

    kind: str
    credit: ClassRow
    quantity: int
    moves: list[Move]
    from_account: str | None
    to_account: str | None
    opens: list[AccountRow] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)
