"""One database transaction of the write path: lookups, and the writes it holds until `flush`.

A writer holds the ledger's write lock for the whole database transaction (SQLite: BEGIN
IMMEDIATE; PostgreSQL: the chain-head row, locked before anything is read). Nothing else changes
the books meanwhile, so what this context has read stays true, and it keeps the state it changes
in memory: stored balances, serial blocks, the next serial of each class and the chain head.
History rows (postings, block events, transaction headers) are collected and written, with the
changed balances and blocks, in a few batched statements by `flush`: at the end of the database
transaction, or before a query that must see them (reversals and reservations read earlier
transactions). A transaction that is not committed writes nothing, whatever was flushed.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection

from offset.ledger.blocks import Block
from offset.ledger.codes import Rejected
from offset.ledger.holdings import Holdings

REGISTRY = "registry"  # the party that owns issuance, buffer and cancellation accounts
FINAL_KINDS = {"retirement", "cancellation"}

Key = tuple[str, int]  # (account, credit class)
COPY_MIN_ROWS = 64  # PostgreSQL: fewer rows are inserted by executemany
ID_CHUNK = 500  # ids per lookup query (well under SQLite's parameter limit)
POSTING_COLUMNS = ("tx_seq", "account_id", "class_id", "amount", "balance_after")
EVENT_COLUMNS = ("tx_seq", "class_id", "start", "stop", "from_account", "to_account")
HEADER_COLUMNS = (
    "seq",
    "id",
    "kind",
    "effective_date",
    "fiscal_year",
    "recorded_at",
    "memo",
    "agreement",
    "reverses",
    "resolves",
    "class_id",
    "quantity",
    "content_hash",
    "operation",
    "prev_hash",
    "hash",
)


@dataclass(frozen=True)
class AccountRow:
    id: str
    party_id: str
    kind: str
    status: str


@dataclass(frozen=True)
class ClassRow:
    id: int
    instrument: str
    project: str
    vintage: int
    methodology: str | None
    transferable: bool


@dataclass
class BalanceRow:
    quantity: int
    version: int  # postings so far
    stored: bool  # the row exists in the database (else it is inserted by `flush`)
    may_go_negative: bool
    read_version: int  # as read from the database


#: Serial blocks as the last committed write left them, by (account, class), with the balance
#: version they belong to. Every change of an account's blocks comes with a posting, which moves
#: the version, so an entry whose version still matches the database's is exact: a writer then
#: does not read the account's blocks again (fragmented holdings can be thousands of rows).
BlockCache = dict[Key, tuple[int, list[Block]]]
BLOCK_CACHE_KEYS = 4096


@dataclass(frozen=True)
class Head:
    seq: int
    hash: str
    effective: dt.date | None


_PYFORMAT: dict[str, str] = {}


def _pyformat(statement: str) -> str:
    """`:name` parameters as psycopg's `%(name)s` (sqlite3 takes `:name` as it is)."""
    if statement not in _PYFORMAT:
        _PYFORMAT[statement] = re.sub(r"(?<![:\w]):(\w+)", r"%(\1)s", statement.replace("%", "%%"))
    return _PYFORMAT[statement]


class Context:
    def __init__(self, conn: Connection, block_cache: BlockCache | None = None) -> None:
        self.block_cache: BlockCache = {} if block_cache is None else block_cache
        self.sqlite = conn.dialect.name == "sqlite"
        # The write path runs its statements on the DB-API cursor of this same connection
        # (inside SQLAlchemy's transaction), without per-statement compilation.
        self.cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
        self.accounts: dict[str, AccountRow] = {}
        self.classes: dict[tuple[str, int], ClassRow] = {}
        self.head: Head | None = None
        self.known_ids: dict[str, tuple[str, int]] = {}  # id -> (content hash, seq)
        self.absent_ids: set[str] = set()  # looked up: not in the database
        self.balance_rows: dict[Key, BalanceRow] = {}
        self.holdings: dict[Key, Holdings] = {}
        self.next_serials: dict[int, int] = {}
        # What `flush` writes.
        self.changed_balances: set[Key] = set()
        self.changed_serials: set[int] = set()
        self.postings: list[tuple[Any, ...]] = []  # rows in POSTING_COLUMNS order
        self.events: list[tuple[Any, ...]] = []  # EVENT_COLUMNS
        self.headers: list[tuple[Any, ...]] = []  # HEADER_COLUMNS
        self.head_changed = False

    # --- statements ---------------------------------------------------------------------

    def _text(self, sql: str) -> str:
        return sql if self.sqlite else _pyformat(sql)

    def one(self, sql: str, **params: Any) -> Any:
        self.cursor.execute(self._text(sql), params)
        return self.cursor.fetchone()

    def all(self, sql: str, **params: Any) -> list[Any]:
        self.cursor.execute(self._text(sql), params)
        return list(self.cursor.fetchall())

    def run(self, sql: str, **params: Any) -> None:
        self.cursor.execute(self._text(sql), params)

    def many(self, sql: str, rows: list[dict[str, Any]]) -> None:
        if rows:
            self.cursor.executemany(self._text(sql), rows)

    def append(self, table: str, columns: tuple[str, ...], rows: list[tuple[Any, ...]]) -> None:
        """Insert rows: SQLite by executemany; PostgreSQL by COPY (one stream instead of a
        statement per row; its triggers and constraints apply as to INSERT), or for a few rows by
        executemany (pipelined: fewer round trips than starting a COPY)."""
        if not rows:
            return
        names = ", ".join(columns)
        if self.sqlite or len(rows) < COPY_MIN_ROWS:
            marks = ", ".join(("?" if self.sqlite else "%s",) * len(columns))
            self.cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)
            return
        with self.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)

    # --- lookups ------------------------------------------------------------------------

    def account(self, account_id: str) -> AccountRow:
        if account_id not in self.accounts:
            row = self.one(
                "SELECT id, party_id, kind, status FROM accounts WHERE id = :id", id=account_id
            )
            if row is None:
                raise Rejected("unknown_account", account_id)
            self.accounts[account_id] = AccountRow(*row)
        return self.accounts[account_id]

    def usable(self, account_id: str, kinds: set[str]) -> AccountRow:
        account = self.account(account_id)
        if account.status != "open":
            raise Rejected("account_closed", f"{account_id} is {account.status}")
        if account.kind in FINAL_KINDS - kinds:
            raise Rejected("retired_credits", account_id)
        if account.kind not in kinds:
            raise Rejected("wrong_account_kind", f"{account_id} is a {account.kind} account")
        return account

    def ensure_party(self, party: str, kind: str = "unspecified") -> None:
        if self.one("SELECT 1 FROM parties WHERE id = :id", id=party) is None:
            self.run(
                "INSERT INTO parties (id, kind, name) VALUES (:id, :kind, '')", id=party, kind=kind
            )

    def system_account(self, account_id: str, party: str, kind: str) -> str:
        """An account the ledger opens itself (issuance, buffer, retirement, cancellation, pending)."""
        if self.one("SELECT 1 FROM accounts WHERE id = :id", id=account_id) is None:
            self.ensure_party(party, "registry" if party == REGISTRY else "unspecified")
            self.run(
                "INSERT INTO accounts (id, party_id, kind, status) VALUES (:id, :party, :kind, 'open')",
                id=account_id,
                party=party,
                kind=kind,
            )
        return account_id

    def credit_class(self, project: str, vintage: int) -> ClassRow:
        if (project, vintage) in self.classes:
            return self.classes[(project, vintage)]
        row = self.one(
            "SELECT c.id, c.instrument, c.project, c.vintage, c.methodology, i.transferable"
            " FROM credit_classes c JOIN instruments i ON i.name = c.instrument"
            " WHERE c.project = :p AND c.vintage = :v",
            p=project,
            v=vintage,
        )
        if row is None:
            raise Rejected("unknown_class", f"{project} {vintage}")
        self.classes[(project, vintage)] = ClassRow(
            row[0], row[1], row[2], row[3], row[4], bool(row[5])
        )
        return self.classes[(project, vintage)]

    def transaction(self, tx_id: str) -> Any:
        """An earlier transaction's row, this batch's included (they are flushed first)."""
        self.flush()
        return self.one(
            "SELECT seq, kind, class_id, quantity, operation FROM transactions WHERE id = :id",
            id=tx_id,
        )

    # --- the chain head and idempotency -------------------------------------------------

    def lock_head(self) -> Head:
        """The chain head, locked for the rest of the database transaction on first use."""
        if self.head is None:
            lock = "" if self.sqlite else " FOR UPDATE"
            seq, head_hash, effective = self.one(
                f"SELECT seq, hash, effective_date FROM ledger_head WHERE id = 1{lock}"
            )
            if isinstance(effective, str):  # SQLite returns dates as text through raw SQL
                effective = dt.date.fromisoformat(effective)
            self.head = Head(int(seq), str(head_hash), effective)
        return self.head

    def look_up_ids(self, ids: list[str]) -> None:
        """Read which of `ids` are recorded, in a few queries instead of one per operation."""
        wanted = sorted({i for i in ids if i not in self.known_ids} - self.absent_ids)
        if wanted:
            self.lock_head()  # PostgreSQL: no other writer can record one of them from here on
        for at in range(0, len(wanted), ID_CHUNK):
            chunk = {f"i{n}": tx_id for n, tx_id in enumerate(wanted[at : at + ID_CHUNK])}
            found = self.all(
                "SELECT id, content_hash, seq FROM transactions"
                f" WHERE id IN ({', '.join(':' + k for k in chunk)})",
                **chunk,
            )
            for tx_id, content_hash, seq in found:
                self.known_ids[tx_id] = (content_hash, int(seq))
            self.absent_ids.update(set(chunk.values()) - {row[0] for row in found})

    def recorded(self, tx_id: str) -> tuple[str, int] | None:
        """(content hash, seq) of the transaction with this id, if there is one."""
        if tx_id not in self.known_ids and tx_id not in self.absent_ids:
            self.look_up_ids([tx_id])
        return self.known_ids.get(tx_id)

    # --- balances and blocks ------------------------------------------------------------

    def _balance_row(self, account: str, class_id: int) -> BalanceRow:
        key = (account, class_id)
        row = self.balance_rows.get(key)
        if row is None:
            found = self.one(
                "SELECT quantity, version, may_go_negative FROM balances"
                " WHERE account_id = :a AND class_id = :c",
                a=account,
                c=class_id,
            )
            row = (
                BalanceRow(int(found[0]), int(found[1]), True, bool(found[2]), int(found[1]))
                if found is not None
                else BalanceRow(0, 0, False, self.account(account).kind == "issuance", 0)
            )
            self.balance_rows[key] = row
        return row

    def balance(self, account: str, class_id: int) -> int:
        return self._balance_row(account, class_id).quantity

    def require(self, account: str, class_id: int, quantity: int) -> None:
        held = self.balance(account, class_id)
        if held < quantity:
            raise Rejected("insufficient_balance", f"{account} holds {held}, needs {quantity}")

    def post(self, seq: int, account: str, class_id: int, amount: int) -> None:
        """A posting: the stored balance moves by `amount`, and the posting records the result."""
        row = self._balance_row(account, class_id)
        row.quantity += amount
        row.version += 1
        self.changed_balances.add((account, class_id))
        self.postings.append((seq, account, class_id, amount, row.quantity))

    def holdings_of(self, account: str, class_id: int) -> Holdings:
        key = (account, class_id)
        if key not in self.holdings:
            cached = self.block_cache.get(key)
            if cached is not None and cached[0] == self._balance_row(*key).read_version:
                self.holdings[key] = Holdings(list(cached[1]))
                return self.holdings[key]
            rows = self.all(
                "SELECT start, stop FROM blocks WHERE account_id = :a AND class_id = :c ORDER BY start",
                a=account,
                c=class_id,
            )
            self.holdings[key] = Holdings(list(map(Block._make, rows)))  # integers already
        return self.holdings[key]

    def mint(self, class_id: int, quantity: int) -> Block:
        """The next `quantity` serials of the class."""
        if class_id not in self.next_serials:
            (start,) = self.one("SELECT next_serial FROM credit_classes WHERE id = :c", c=class_id)
            self.next_serials[class_id] = int(start)
        start = self.next_serials[class_id]
        self.next_serials[class_id] = start + quantity
        self.changed_serials.add(class_id)
        return Block(start, start + quantity)

    def advance(self, head: Head, tx_id: str, content_hash: str) -> None:
        self.head = head
        self.head_changed = True
        self.known_ids[tx_id] = (content_hash, head.seq)
        self.absent_ids.discard(tx_id)

    def committed(self) -> None:
        """The database transaction committed: remember the blocks it leaves for the next one."""
        cache = self.block_cache
        for key, held in self.holdings.items():
            cache.pop(key, None)  # re-inserted last: the oldest entries go first
            version = self.balance_rows[key].version
            if not held.changed or version != self.balance_rows[key].read_version:
                cache[key] = (version, held.blocks)
        while len(cache) > BLOCK_CACHE_KEYS:
            del cache[next(iter(cache))]

    # --- writing ------------------------------------------------------------------------

    def flush(self) -> None:
        """Write what is held. Postings and block events go before their headers: the header's
        insert is where SQLite's guard checks that the postings balance."""
        self.append("postings", POSTING_COLUMNS, self.postings)
        self._flush_blocks()
        self.append("block_events", EVENT_COLUMNS, self.events)
        self.append("transactions", HEADER_COLUMNS, self.headers)
        self._flush_balances()
        self.many(
            "UPDATE credit_classes SET next_serial = :n WHERE id = :c",
            [{"n": self.next_serials[c], "c": c} for c in sorted(self.changed_serials)],
        )
        if self.head_changed and self.head is not None:
            self.run(
                "UPDATE ledger_head SET seq = :s, hash = :h, effective_date = :e WHERE id = 1",
                s=self.head.seq,
                h=self.head.hash,
                e=self.head.effective,
            )
        self.postings, self.events, self.headers = [], [], []
        self.changed_serials.clear()
        self.head_changed = False

    def _flush_blocks(self) -> None:
        # Every removal before any insertion: the guards refuse overlap at each statement.
        removed = [
            {"a": a, "c": c, "s": b.start}
            for (a, c), held in sorted(self.holdings.items())
            for b in sorted(held.removed)
        ]
        added = [
            (c, b.start, b.stop, a)
            for (a, c), held in sorted(self.holdings.items())
            for b in sorted(held.added)
        ]
        self.many(
            "DELETE FROM blocks WHERE class_id = :c AND account_id = :a AND start = :s", removed
        )
        self.append("blocks", ("class_id", "start", "stop", "account_id"), added)
        for held in self.holdings.values():
            held.saved()

    def _flush_balances(self) -> None:
        # Key order: concurrent writers (if any got past the head lock) lock rows alike.
        rows = [(key, self.balance_rows[key]) for key in sorted(self.changed_balances)]
        self.many(
            "UPDATE balances SET quantity = :n, version = :v WHERE account_id = :a AND class_id = :c",
            [{"a": a, "c": c, "n": r.quantity, "v": r.version} for (a, c), r in rows if r.stored],
        )
        self.many(
            "INSERT INTO balances (account_id, class_id, quantity, may_go_negative, version)"
            " VALUES (:a, :c, :n, :neg, :v)",
            [
                {"a": a, "c": c, "n": r.quantity, "neg": r.may_go_negative, "v": r.version}
                for (a, c), r in rows
                if not r.stored
            ],
        )
        for _, row in rows:
            row.stored = True
        self.changed_balances.clear()
