"""What every credit transaction goes through before its own planner: the same id sent again
(`exists`, or `id_reused`), the date rule, and acting on a party's behalf; then the planner's
draft completed into a `TxPlan`. `masked` is how a refusal reads to a party.
"""

from __future__ import annotations

from offset.ledger import operations as ops
from offset.ledger.books import Books
from offset.ledger.codes import ABOUT_ACCOUNTS, EXISTS, Rejected
from offset.ledger.planning.credits import CREDIT_PLANNERS, use_rules
from offset.ledger.planning.plans import Plan, TxPlan, Unchanged, When


def _acting_for(books: Books, op: ops.TxOperation, party: str) -> None:
    """A party's operations take credits from its own accounts, or from its own reservations
    (their ids are the party's: the API prefixes them), and issue nothing."""
    if isinstance(op, ops.Issue | ops.Reverse):
        raise Rejected("not_permitted", f"{op.op} on behalf of {party}")
    source = getattr(op, "from_", None)
    if source is not None:
        account = books.account(source)
        if account is None or account.party != party:
            raise Rejected("unknown_account", subject=source)


def _receivable(books: Books, draft_to: str | None, party: str) -> None:
    """A party's credits go to holding accounts only: a buffer is the registry's reserve, and
    only the registry moves credits into it. Checked after the planner's own checks, so that a
    party learns of the destination only what a transfer it could make shows."""
    if draft_to is None:
        return
    account = books.account(draft_to)
    if account is not None and account.kind != "holding":
        raise Rejected(
            "wrong_account_kind", f"{draft_to} is a {account.kind} account", subject=draft_to
        )


def masked(books: Books, rejected: Rejected, party: str | None) -> Rejected:
    """A refusal as `party` may hear it: about another party's account (or one that does not
    exist), only that it is not the party's to use."""
    subject = rejected.subject
    if party is None or subject is None or rejected.code not in ABOUT_ACCOUNTS:
        return rejected
    account = books.account(subject)
    if account is not None and account.party == party:
        return rejected
    return Rejected("unknown_account", subject=subject)  # as for one that is not there


def planned_tx(books: Books, op: ops.TxOperation, when: When) -> Plan:
    """Idempotency and the date rule, then the operation's own planner."""
    content = ops.canonical(op)
    content_hash = ops.content_hash(content)
    earlier = books.transaction(op.id)
    if earlier is not None:
        if earlier.content_hash == content_hash:
            return Unchanged(EXISTS, earlier.seq)
        raise Rejected("id_reused", op.id, subject=op.id)
    latest = books.head.effective
    effective = op.effective_date or max(when.today, latest or when.today)
    if op.effective_date is None and latest is not None and latest > when.latest:
        raise Rejected("backdated", f"today, {when.today}, is before {latest}")
    if effective > when.latest:
        raise Rejected("future_date", f"{effective} is after {when.today}")
    if books.head.effective is not None and effective < books.head.effective:
        raise Rejected("backdated", f"{effective} is before {books.head.effective}")
    if when.party is not None:
        _acting_for(books, op, when.party)
    draft = CREDIT_PLANNERS[type(op)](books, op)
    if when.party is not None and isinstance(op, ops.Transfer):
        _receivable(books, draft.to_account, when.party)
    if isinstance(op, ops.Retire):  # its use is checked on the day it takes effect
        use_rules(books, op, draft.credit, effective, when.party)
    return TxPlan(
        op=op,
        content=content,
        content_hash=content_hash,
        effective=effective,
        kind=draft.kind,
        credit=draft.credit,
        quantity=draft.quantity,
        moves=tuple(draft.moves),
        from_account=draft.from_account,
        to_account=draft.to_account,
        opens=tuple(draft.opens),
        **draft.extra,
    )
