"""Before a document prints ledger entries (a certificate, a statement, a report), it checks
them: each entry's hash recomputes from what it holds, its header agrees with the operation it
records, and every entry after it links on to the chain head; and each title it prints (a
project's, with its creating place, an agreement's) and each party it names (a certificate's
retiring party, creator and issuer) is what the entry that recorded it says.
A document printed from a database edited by hand (a retirement's beneficiary and quantity
changed, the guards dropped and restored; a title) is then refused, or printed marked as not
verified, never printed as true.

This is the one place documents call `verify` from (its chain check, `verify.check_links`,
over the entries from the first printed one to the head): when verify's report changes shape,
only `entry_problems` changes.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy import Connection, Engine, text

from offset.common.messages import Msg
from offset.ledger import queries, titles, verify
from offset.ledger.database import reading
from offset.ledger.verify.tables import compare, replayed


@dataclass(frozen=True)
class Proof:
    """What the check of some entries found: the problems (none: they verify), and the head
    they were checked up to."""

    problems: tuple[str, ...]
    head_seq: int
    head_hash: str
    entry: Msg | None = None  # the first entry that does not verify, named (`entry`)

    @property
    def verified(self) -> bool:
        return not self.problems


class Unverified(Exception):
    """A document's entries do not verify: it must not be printed as true. `message` says so
    in either language (`str(e)`: English)."""

    def __init__(self, what: Msg, proof: Proof) -> None:
        self.what, self.proof = what, proof
        more = len(proof.problems) - 1
        self.message = Msg(
            "proof.refused", what=what, problem=proof.problems[0],
            more=Msg("proof.more", count=more) if more else "",
        )  # fmt: skip
        super().__init__(str(self.message))


def entry(seq: int, tx_id: str | None) -> Msg:
    """An entry as a refusal names it."""
    return Msg("proof.entry", seq=seq, id=tx_id or "-")


def entry_problems(
    engine: Engine, seqs: Collection[int], named_titles: Collection[tuple[str, str]] = ()
) -> Proof:
    """Check the entries `seqs` and every entry after the first of them up to the chain head,
    in one committed state; and the titles and parties the document prints (`named_titles`:
    (subject, name), a party as ("party", its id)), against the entries that recorded them
    (`titles.proved`, `parties_proved`), which are checked too."""
    named_parties = {name for subject, name in named_titles if subject == "party"}
    named_titles = [(s, n) for s, n in named_titles if s != "party"]
    with reading(engine) as conn:
        head_seq, head_hash, _ = queries.head(conn)  # begins the snapshot the check reads
        described, found = titles.proved(conn, named_titles)
        opened, party_problems = parties_proved(conn, named_parties)
        problems: list[str] = [*found, *party_problems]
        seqs = [*seqs, *described, *opened]
        if not seqs:
            return Proof(tuple(problems), head_seq, head_hash)
        part = verify.check_links(conn.connection.driver_connection, min(seqs))
        first = min((seq for seq, _, _ in part.problems if seq), default=None)
        named = None if first is None else entry(first, queries.transaction_id(conn, first))
    problems += [words for _, _, words in sorted(part.problems)]
    if part.orphans:
        problems.append(Msg("verify.rows_of_no_entry", seqs=", ".join(map(str, part.orphans[:5]))))
    if (head_seq, head_hash) != (part.expected_seq - 1, part.last_hash):
        problems.append(Msg("verify.head", seq=head_seq, last=part.expected_seq - 1))
    missing = [s for s in seqs if not min(seqs) <= s < part.expected_seq]
    if missing:
        problems.append(Msg("verify.no_entry", seqs=", ".join(map(str, missing[:5]))))
    if problems and named is None:  # not one entry's problem: the chain up to its head
        named = entry(part.expected_seq - 1, None)
    return Proof(tuple(problems), head_seq, head_hash, named)


def parties_proved(conn: Connection, ids: Collection[str]) -> tuple[list[int], list[str]]:
    """The parties `ids` (a document prints their names) against the chain: the sequence
    numbers of the entries that last recorded them (checked up to the head by the caller), and
    a problem, in `verify`'s words, for each whose stored row is not what its entry recorded."""
    wanted = set(ids)
    if not wanted:
        return [], []
    entries = [
        (int(seq), "party", str(operation))
        for seq, operation in conn.execute(
            text("SELECT seq, operation FROM transactions WHERE kind = 'party' ORDER BY seq")
        )
    ]
    last: dict[str, int] = {}
    for seq, _, operation in entries:  # the party entries are few: one per party and change
        replay = replayed([(seq, "party", operation)])
        last.update({party: seq for party in replay.parties if party in wanted})
    expected = {k: v for k, v in replayed(entries).parties.items() if k in wanted}
    stored = {
        r[0]: tuple(r[1:])  # as verify reads the table
        for r in conn.execute(text("SELECT id, kind, name, jis_code, prefecture FROM parties"))
        if r[0] in wanted
    }
    return sorted(last.values()), compare("party", expected, stored)


def require(
    engine: Engine,
    seqs: Collection[int],
    what: Msg,
    named_titles: Collection[tuple[str, str]] = (),
) -> Proof:
    """`entry_problems`, raising `Unverified` (naming `what`) when they do not verify."""
    proof = entry_problems(engine, seqs, named_titles)
    if not proof.verified:
        raise Unverified(what, proof)
    return proof
