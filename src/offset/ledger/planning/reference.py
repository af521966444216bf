"""Reference data's planners: a party opened (or described once), an account opened, an
account's status changed. Each returns a `ReferencePlan`, `Unchanged`, or raises `Rejected`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from offset.ledger import names
from offset.ledger import operations as ops
from offset.ledger.books import Books
from offset.ledger.codes import EXISTS, Rejected
from offset.ledger.planning.plans import Plan, ReferencePlan, Unchanged, When
from offset.ledger.rows import AccountRow, PartyRow, TitleRow


def _open_party(books: Books, op: ops.OpenParty, when: When) -> Plan:
    if op.party in names.RESERVED_PARTIES and (op.party, op.kind) != (names.REGISTRY, "registry"):
        raise Rejected("reserved_name", f"{op.party} is a name of the ledger's own")
    wanted = PartyRow(op.party, op.kind, op.name, op.jis_code, op.prefecture)
    existing = books.party(op.party)
    if existing == wanted:
        return Unchanged(EXISTS)
    # A party opened on first use (by open_account) may be described once; the registry, whose
    # party the ledger opens itself, whenever its operator likes.
    describable = existing is None or existing.kind == "unspecified" or op.party == names.REGISTRY
    if not describable:
        raise Rejected("id_reused", f"party {op.party} exists with other details")
    return ReferencePlan(party=wanted)


def _open_account(books: Books, op: ops.OpenAccount, when: When) -> Plan:
    problem = names.openable_problem(op.account, op.party, op.kind)
    if problem is not None:
        raise Rejected(problem[0], problem[1], subject=op.account)
    existing = books.account(op.account)
    if existing is not None:
        if (existing.party, existing.kind) == (op.party, op.kind):
            return Unchanged(EXISTS)
        raise Rejected(
            "account_exists", f"{op.account} belongs to {existing.party} as {existing.kind}"
        )
    party = None if books.party(op.party) else PartyRow(op.party, "unspecified")
    return ReferencePlan(party=party, account=AccountRow(op.account, op.party, op.kind))


def _account_status(books: Books, op: ops.AccountStatus, when: When) -> Plan:
    account = books.account(op.account)
    if account is None:
        raise Rejected("unknown_account", op.account, subject=op.account)
    if account.status == op.status:
        return Unchanged(EXISTS)
    changed = AccountRow(account.id, account.party, account.kind, op.status)
    return ReferencePlan(account=changed, status_of=account)


def _describe(books: Books, op: ops.Describe, when: When) -> Plan:
    wanted = TitleRow(op.subject, op.name, op.title, op.place_code, op.place_name)
    if books.titles.get((op.subject, op.name)) == wanted:
        return Unchanged(EXISTS)
    return ReferencePlan(title=wanted)


REFERENCE_PLANNERS: dict[type[Any], Callable[[Books, Any, When], Plan]] = {
    ops.OpenParty: _open_party,
    ops.OpenAccount: _open_account,
    ops.AccountStatus: _account_status,
    ops.Describe: _describe,
}
