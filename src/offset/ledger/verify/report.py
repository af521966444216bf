"""What `verify` reports: typed records, not prose. A `Discrepancy` names the check that found
it (`check`: its kind, what a test or a program asserts on), the entry it is about when it is
about one (`seq`), and says it in words (`message`: a catalogued message, which the CLI prints in
the user's language and `--json` gives in both). A
`Verification` is the whole report, with what was checked.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from offset.common.messages import text

if TYPE_CHECKING:
    from offset.ledger.verify.ranges import ChainPart


@dataclass(frozen=True)
class Discrepancy:
    """One difference between what the history says and what the database holds. `check`
    is one of `KINDS`."""

    check: str
    message: str
    seq: int | None = None

    def __str__(self) -> str:
        return self.message

    def to_json(self) -> dict[str, Any]:
        # the words in Japanese too, as `apply`'s results give a rejection's (`message_ja`)
        japanese = text(self.message, "ja")
        return {"check": self.check, "seq": self.seq, "message": self.message,
                "message_ja": japanese}  # fmt: skip


#: Every kind of discrepancy, in the order a report lists them: the entries' (`entries.py`),
#: the books' (`books.py`), the guards' (`installed.py`) and the checkpoints'.
KINDS = (
    "sequence",
    "link",
    "date",
    "header",
    "unbalanced",
    "balance_after",
    "flow",
    "storage",
    "orphan",
    "reference",
    "finality",
    "stored_balance",
    "balance_rule",
    "coverage",
    "minting",
    "layout",
    "held",
    "pending",
    "head",
    "guard",
    "checkpoint",
    "checkpoint_state",
)


@dataclass(frozen=True)
class Verification:
    """What `verify` found, and what it checked. `state` is what it knows of the history up to
    the head it checked (`states.py`), and `since` the sequence number it began after (0: the
    first entry)."""

    discrepancies: list[Discrepancy]
    entries: int
    postings: int
    head_seq: int
    head_hash: str
    state: ChainPart | None = None
    since: int = 0
    snapshot: str | None = None  # PostgreSQL: the snapshot it read (`past.py`)

    @property
    def problems(self) -> list[str]:
        """The discrepancies in words (none: the books verify)."""
        return [found.message for found in self.discrepancies]

    def summary(self) -> str:
        return (
            f"{self.entries:,} entries, {self.postings:,} postings,"
            f" head seq {self.head_seq} hash {self.head_hash or '-'}"
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "ok": not self.discrepancies,
            "discrepancies": [found.to_json() for found in self.discrepancies],
            "entries": self.entries,
            "postings": self.postings,
            "head_seq": self.head_seq,
            "head_hash": self.head_hash,
            "read_from_seq": self.since + 1,
        }
