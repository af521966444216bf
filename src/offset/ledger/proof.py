"""Before a document prints ledger entries (a certificate, a statement, a report), it checks
them: each entry's hash recomputes from what it holds, its header agrees with the operation it
records, and every entry after it links on to the chain head; and each title it prints (a
project's, with its creating place, an agreement's), each party it names (a certificate's
retiring party, creator and issuer), and the credit class and accounts of each entry it prints
(what it prints through them: a project, vintage, instrument and methodology, the credit type
and energy equivalent a methodology gives; who holds an account) is what the entry that
recorded it says.
A document printed from a database edited by hand (a retirement's beneficiary and quantity
changed, the guards dropped and restored; a title) is then refused, or printed marked as not
verified, never printed as true.

This is the one place documents call `verify` from (its chain check, `verify.check_links`,
over the entries from the first printed one to the head): when verify's report changes shape,
only `entry_problems` changes.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import Connection, Engine, text

from offset.common.messages import Msg
from offset.ledger import queries, titles, verify
from offset.ledger.database import reading
from offset.ledger.queries.sql_values import rows_in
from offset.ledger.rows import BalanceLine, PeriodBalance, Retirement, StatementLine
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
    engine: Engine,
    seqs: Collection[int],
    named_titles: Collection[tuple[str, str]] = (),
    apart: Collection[int] = (),
) -> Proof:
    """Check the entries `seqs` and every entry after the first of them up to the chain head,
    in one committed state; and the titles and parties the document prints (`named_titles`:
    (subject, name), a party as ("party", its id)), and the credit classes and accounts of the
    entries `seqs`, against the entries that recorded them (`titles.proved`, `parties_proved`,
    `classes_and_accounts_proved`), which are checked too. `apart`: entries a document reads a
    figure from (a statement's opening balances), checked as those reference entries are: each
    on its own, with the link of the entry after it, when it is before the chain checked (their
    classes and accounts are proved as those of `seqs` are)."""
    named_parties = {name for subject, name in named_titles if subject == "party"}
    named_titles = [(s, n) for s, n in named_titles if s != "party"]
    with reading(engine) as conn:
        head_seq, head_hash, _ = queries.head(conn)  # begins the snapshot the check reads
        described, found = titles.proved(conn, named_titles)
        opened, party_problems = parties_proved(conn, named_parties)
        recorded, row_problems = classes_and_accounts_proved(conn, [*seqs, *apart])
        problems: list[str] = [*found, *party_problems, *row_problems]
        seqs = [*seqs, *described, *opened]
        if not seqs:  # no entry printed, figures read from entries: the latest links to the head
            seqs = sorted(apart)[-1:]
        if not seqs:
            return Proof(tuple(problems), head_seq, head_hash)
        raw = conn.connection.driver_connection
        part = verify.check_links(raw, min(seqs))
        # The class and account entries before the chain checked: each on its own, with the
        # link of the entry after it (reading the chain from an account's opening to its head
        # for each statement would make a statement of last month cost a whole verify).
        found_apart = [
            problem
            for seq in sorted({s for s in (*recorded, *apart) if s < min(seqs)})
            for problem in verify.check_links(raw, seq, seq + 2).problems
        ]
        every = sorted({*found_apart, *part.problems})
        first = min((seq for seq, _, _ in every if seq), default=None)
        named = None if first is None else entry(first, queries.transaction_id(conn, first))
    problems += [words for _, _, words in every]
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


def classes_and_accounts_proved(
    conn: Connection, seqs: Collection[int]
) -> tuple[list[int], list[str]]:
    """The credit classes and accounts the entries `seqs` name (a document prints through them:
    a line's project and vintage, a retirement's instrument, methodology and credit type, the
    party of an account) against the chain: the sequence numbers of the `class`, `account` and
    `account_status` entries that recorded them (checked up to the head by the caller), and a
    problem, in `verify`'s words, for each whose stored row is not what its entries recorded."""
    classes: set[int] = set()
    accounts: set[str] = set()
    named = "SELECT class_id, from_account, to_account FROM transactions WHERE seq {IN}"
    for class_id, source, target in rows_in(conn, named, seqs):
        classes.update([int(class_id)] if class_id is not None else [])
        accounts.update(str(a) for a in (source, target) if a is not None)
    entries = [
        *_references(conn, "kind = 'class' AND class_id", classes),
        *_references(conn, "kind IN ('account', 'account_status') AND to_account", accounts),
    ]
    replay = replayed(sorted(entries))
    stored_classes = {
        int(r[0]): (r[1], r[2], int(r[3]), r[4])  # as verify reads the table
        for r in _rows(
            conn, "id, instrument, project, vintage, methodology", "credit_classes", classes
        )
    }
    stored_accounts = {
        r[0]: tuple(r[1:]) for r in _rows(conn, "id, party_id, kind, status", "accounts", accounts)
    }
    problems = [
        *replay.problems,
        *compare("class", {c: v for c, v in replay.classes.items() if c in classes}, stored_classes),
        *compare("account", {a: v for a, v in replay.accounts.items() if a in accounts}, stored_accounts),
    ]  # fmt: skip
    return sorted({seq for seq, _, _ in entries}), problems


def _references(conn: Connection, where: str, keys: Collection[Any]) -> list[tuple[int, str, str]]:
    """The reference entries `where ... IN keys` as `replayed` takes them."""
    statement = f"SELECT seq, kind, operation FROM transactions WHERE {where} {{IN}}"
    return [(int(seq), str(kind), str(op)) for seq, kind, op in rows_in(conn, statement, keys)]


def _rows(conn: Connection, columns: str, table: str, keys: Collection[Any]) -> list[Any]:
    """The rows of a reference table whose id is one of `keys`."""
    return list(rows_in(conn, f"SELECT {columns} FROM {table} WHERE id {{IN}}", keys))


def require(
    engine: Engine,
    seqs: Collection[int],
    what: Msg,
    named_titles: Collection[tuple[str, str]] = (),
    apart: Collection[int] = (),
) -> Proof:
    """`entry_problems`, raising `Unverified` (naming `what`) when they do not verify."""
    proof = entry_problems(engine, seqs, named_titles, apart)
    if not proof.verified:
        raise Unverified(what, proof)
    return proof


def require_statement(
    engine: Engine,
    account: str,
    lines: Iterable[StatementLine],
    held: Iterable[PeriodBalance] = (),
) -> Proof:
    """A statement of `account` (the CLI's, the dashboard's, the API's): its lines' entries up
    to the head, the entries its period's balances are read from (each on its own when before
    the lines), the titles of their projects, and each class's opening + in - out = closing
    (a posting edited by hand, even re-chained, breaks it), or `Unverified` naming the
    statement."""
    lines, held = list(lines), list(held)
    proof = entry_problems(
        engine,
        [line.seq for line in lines],
        [("project", p) for p in sorted({*(line.project for line in lines), *(b.project for b in held)})],
        apart=[seq for b in held for seq in b.seqs],  # its balances' entries, before the lines
    )  # fmt: skip
    unbalanced = [
        Msg("proof.period_sum", project=b.project, vintage=b.vintage, opening=b.opening,
            credited=b.credited, debited=b.debited, closing=b.closing)
        for b in held
        if b.opening + b.credited - b.debited != b.closing
    ]  # fmt: skip
    proof = replace(proof, problems=(*proof.problems, *unbalanced))
    if not proof.verified:
        raise Unverified(Msg("proof.statement", account=account), proof)
    return proof


def require_retirements(engine: Engine, listed: Iterable[Retirement]) -> Proof:
    """A list of retirements (the dashboard's page and downloads, the API's list): their
    entries, each on its own and the latest up to the head, with their classes and accounts,
    the titles of their projects and the names of the parties that retired them, or
    `Unverified` naming the list. Nothing listed: nothing to prove."""
    listed = list(listed)
    if not listed:
        return Proof((), -1, "")
    named = [
        *(("project", p) for p in {r.project for r in listed}),
        *(("party", r.party) for r in listed),
    ]
    # each entry on its own (the latest up to the head): a company's first retirement years
    # back does not make its list read the whole chain
    seqs = [r.seq for r in listed]
    return require(engine, [], Msg("proof.retirements"), sorted(set(named)), apart=seqs)


def require_balances(engine: Engine, shown: Iterable[BalanceLine]) -> Proof:
    """Balances as a page or a file shows them: each is what its account's last entry in
    that class left (`balance_after`), none of those left is missing, and those entries verify
    (each on its own, the latest up to the head), or `Unverified` naming the balances."""
    shown = list(shown)
    figures = {(b.account, b.project, b.vintage): b.quantity for b in shown}
    last = (
        "SELECT p.account_id, c.project, c.vintage, p.balance_after, p.tx_seq FROM postings p"
        " JOIN credit_classes c ON c.id = p.class_id JOIN (SELECT account_id, class_id,"
        " MAX(tx_seq) AS last FROM postings WHERE account_id {IN} GROUP BY account_id,"
        " class_id) l ON p.account_id = l.account_id AND p.class_id = l.class_id"
        " AND p.tx_seq = l.last"
    )
    with reading(engine) as conn:
        left = {
            (a, p, int(v)): (int(b), int(s))
            for a, p, v, b, s in rows_in(conn, last, {b.account for b in shown})
        }
    wrong = [
        Msg("proof.balance", account=a, project=p, vintage=v, shown=figures.get((a, p, v), 0), left=b)
        for (a, p, v), (b, _) in sorted(left.items())
        if figures.get((a, p, v), 0) != b
    ] + [
        Msg("proof.balance", account=a, project=p, vintage=v, shown=q, left=0)
        for (a, p, v), q in sorted(figures.items())
        if (a, p, v) not in left
    ]  # fmt: skip
    projects = sorted({("project", b.project) for b in shown})
    proof = entry_problems(engine, [], projects, apart=[s for _, s in left.values()])
    proof = replace(proof, problems=(*wrong, *proof.problems))
    if not proof.verified:
        raise Unverified(Msg("proof.balances"), proof)
    return proof
