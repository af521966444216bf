"""Result codes: one stable word per outcome, the same in the API, the CLI and the docs."""

from __future__ import annotations

from typing import Final

OK: Final = "ok"
EXISTS: Final = "exists"  # the same id with the same content: nothing changed

# Rejections. Each leaves the ledger exactly as it was.
MESSAGES: Final[dict[str, str]] = {
    "invalid_operation": "the line is not a valid operation (missing or malformed field)",
    "too_large": "the line is longer than 65,536 bytes or nested deeper than 16 levels",
    "reserved_name": "the name is reserved: the ledger's own accounts and parties, or another"
    " party's namespace",
    "id_reused": "this id was used before with other content",
    "unknown_party": "no such party",
    "unknown_account": "no such account",
    "account_exists": "the account exists with another party or kind",
    "account_closed": "the account is closed or suspended",
    "wrong_account_kind": "the account's kind does not allow this operation",
    "unknown_instrument": "no such instrument",
    "unknown_class": "no credits of this project and vintage were issued",
    "class_mismatch": "this project and vintage were issued under another instrument or methodology",
    "insufficient_balance": "the account does not hold enough of these credits",
    "quantity_too_large": "past the ledger's bounds: 10**15 credits a class, 10**18 in all",
    "non_transferable": "the instrument is not transferable: only its holder may hold and retire it",
    "retired_credits": "credits in retirement or cancellation accounts never move again",
    "unknown_transaction": "no such transaction",
    "not_reversible": "this kind of transaction cannot be reversed",
    "exceeds_original": "the reversals would exceed the original transaction",
    "already_reversed": "the transaction was fully reversed already",
    "not_a_reservation": "the transaction is not a reservation",
    "reservation_resolved": "the reservation was posted or voided already",
    "exceeds_reservation": "more than the reserved quantity",
    "backdated": "the effective date is before the ledger's latest effective date",
    "future_date": "the effective date is after tomorrow",
    "same_account": "the source and destination are the same account",
    "not_permitted": "only the ledger's operator (the registry) may do this",
    "linked_failed": "not applied: another operation of the atomic batch was rejected",
}
CODES: Final = (OK, EXISTS, *MESSAGES)

# Codes that describe the account they are about (`Rejected.subject`): a party acting on its
# own behalf hears them about its own accounts only; about any other, `unknown_account`.
ABOUT_ACCOUNTS: Final = frozenset(
    {
        "unknown_account",
        "account_closed",
        "wrong_account_kind",
        "retired_credits",
        "account_exists",
        "reserved_name",
        "insufficient_balance",
    }
)


class Rejected(Exception):
    """A domain rule refused an operation; `code` is one of MESSAGES. `subject` is the account
    (or transaction) the refusal is about, so that the API can answer a party about another
    party's account exactly as about one that does not exist."""

    def __init__(self, code: str, detail: str = "", subject: str | None = None) -> None:
        assert code in MESSAGES, code
        self.code = code
        self.detail = detail
        self.subject = subject
        super().__init__(f"{code}: {MESSAGES[code]}" + (f" ({detail})" if detail else ""))
