"""`verify`: recompute everything from the chained history and name every difference.

The history (`transactions`, `postings`, `block_events`) is the ledger; every other table is
derived from it and recomputed here:

1. the chain: every entry's hash recomputes from its header (every column), its postings (with
   `balance_after`) and its block events, and links to the previous one, with no gap in
   sequence; effective dates never decrease; each header agrees with the operation it records
   (what the caller sent: ids, accounts, quantities, beneficiary, reason, claim period, memo, a
   retirement's purpose, offset target and place, claim FY and override,
   agreement) and with its content hash and fiscal year; every value of the history is of its
   column's storage class (an integer, text), else that is the entry's one finding;
2. each transaction's postings sum to zero per class, its block events move exactly what its
   postings move, and each posting's `balance_after` is the account's running balance;
3. the reference tables (parties, titles, accounts, instruments, credit classes) equal the replay of
   the reference entries, and no credits ever left a retirement or cancellation account;
4. the stored balances (and their posting counts) equal the postings; the balances of each class
   sum to zero over all accounts (issued = held + pending + retired + cancelled + buffer); none
   is negative outside issuance accounts;
5. the serial blocks equal the net effect of the block events, account by account (the
   coverage that the events leave each account equals the blocks it holds), never overlap, and
   cover exactly the serials minted, which the issuances minted in order; each pending account
   holds exactly its open reservations, and each post or void resolved one that was open;
6. the chain head is the last entry;
7. the database's guards (`guards.py`) are all in place, with their definitions, and enabled;
8. each signed checkpoint given matches the history at its sequence number (`checkpoint.py`).

One job a module:

- `check`: `verify` itself, the order of the checks, and `CHECKS` (every check and its home);
- `report`: the records it returns (`Discrepancy`, `Verification`);
- `history`: the chain pass, one streaming read of a range of sequence numbers (1, 2 and the
  raw material of 3 to 5); `entries`: the checks of each entry; `stored`: each value's storage
  class, checked first (SQLite stores what it is given); `ranges`: what a range holds
  (`ChainPart`) and ranges joined;
- `columns`, `columnar` (with `postings`, `confirm`), `bodies`, `headers`: the same chain pass over a large range read as
  Arrow columns: the checks as masks over the entries, each entry in a mask checked again by
  `entries` (the same words and tags), the canonical bodies and hashes built over columns, the
  headers against their operations parsed together; `ahead` (with `sqlite_reader`, a helper
  process's script): the next piece of columns read while one is checked;
- `workers`: the parallel verifier (ranges in worker processes, for large ledgers);
- `tables`: the derived tables read, and the reference tables against their entries (3);
  `books`: the rest of 3 to 6; `installed`: the guards (7).

`Ledger.verification` and `Ledger.discrepancies` are the entry points most callers want.
"""

from __future__ import annotations

from offset.ledger.verify.check import CHECKS, verify
from offset.ledger.verify.history import check_links
from offset.ledger.verify.ranges import ChainPart, join
from offset.ledger.verify.report import KINDS, Discrepancy, Verification

__all__ = [
    "CHECKS",
    "KINDS",
    "ChainPart",
    "Discrepancy",
    "Verification",
    "check_links",
    "join",
    "verify",
]
