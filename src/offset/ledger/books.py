"""The books as one write sees them: what the database holds, with this batch applied.

Each value is read from the database the first time it is needed and kept; the journal then
changes the kept value, never the database. So a planner sees the books exactly as they stand
after every earlier operation of its batch, written or not, and there is no ordering rule to
remember between reading and writing. Nothing is written until the store writes what the batch
changed (`Table.changes`), once, at the end.

A writer holds the ledger's write lock for its whole database transaction, so what it read
stays true until it commits. And what it read stays true after: every change to the books is a
chained entry, so the chain head's sequence number and hash version the whole database. A
writer keeps what it knows (`Known`: every value read, with each commit's changes folded in)
across batches, tagged with the head its last commit left; the next batch locks the head, and if
it is still there, nobody else wrote, and nothing needs to be read again. If it moved (another
process wrote), what the entries since changed is dropped and read afresh (`catch_up.py`).

Savepoints (`begin`, `rollback`, `release`) undo a rejected atomic call inside a larger batch.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Iterator
from typing import TYPE_CHECKING, Generic, TypeVar

from offset.ledger import catch_up, head_check
from offset.ledger.blocks import Block, Note
from offset.ledger.rows import (
    AccountRow,
    Balance,
    ClassRow,
    Event,
    Head,
    HeaderRow,
    PartyRow,
    Posting,
    TitleRow,
    TxRecord,
)
from offset.ledger.store import Store

if TYPE_CHECKING:
    from offset.ledger.batch_store import BatchStore

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")
Blocks = list[Block]  # sorted by start, adjacent ones merged; copied before a batch changes it
Key = tuple[str, int]  # (account, credit class)
_MISSING = object()


class Table(Generic[K, V]):
    """Values by key: `base`, what the database holds as of the last commit (read once, kept
    while nobody else writes), and `changed`, what this batch made of them. At most `limit`
    values are kept in `base` from one batch to the next (it is a cache: a value not kept is
    read again)."""

    def __init__(self, limit: int | None = None) -> None:
        self.base: dict[K, V] = {}
        self.changed: dict[K, V] = {}
        self.load: Callable[[K], V] = _unbound  # type: ignore[assignment]
        self.limit = limit
        self._undo: list[list[tuple[K, object]]] = []  # one log per open savepoint

    def get(self, key: K) -> V:
        try:
            return self.changed[key]
        except KeyError:
            pass
        try:
            return self.base[key]
        except KeyError:
            value = self.base[key] = self.load(key)
            return value

    def prime(self, values: dict[K, V]) -> None:
        """Values read in bulk ahead of their use."""
        for key, value in values.items():
            if key not in self.changed:
                self.base.setdefault(key, value)

    def set(self, key: K, value: V) -> None:
        self.get(key)  # what it was, in `base`, for `changes`
        if self._undo:
            self._undo[-1].append((key, self.changed.get(key, _MISSING)))
        self.changed[key] = value

    def begin(self) -> None:
        self._undo.append([])

    def rollback(self) -> None:
        for key, old in reversed(self._undo.pop()):
            if old is _MISSING:
                self.changed.pop(key, None)
            else:
                self.changed[key] = old  # type: ignore[assignment]

    def release(self) -> None:
        log = self._undo.pop()
        if self._undo:
            self._undo[-1].extend(log)

    def changes(self) -> Iterator[tuple[K, V, V]]:
        """(key, as stored, as now) of every value the batch changed, in key order."""
        for key in sorted(self.changed, key=_order):
            before, after = self.base[key], self.changed[key]
            if before != after:
                yield key, before, after

    def committed(self) -> None:
        """The database now holds what the batch changed."""
        self.base.update(self.changed)
        self.changed.clear()
        if self.limit is not None and len(self.base) > self.limit:
            self.base.clear()


def _unbound(key: object) -> object:
    raise AssertionError("a table is read only inside a batch")


def _order(key: object) -> tuple[str, ...]:
    return tuple(map(str, key)) if isinstance(key, tuple) else (str(key),)


class Known:
    """What a writer knows of the books between its batches, and the head it knows them at."""

    def __init__(self) -> None:
        self.head: Head | None = None
        # PostgreSQL: who wrote the head entry (`head_check.Stamp`), to prove it unedited since.
        self.stamp: head_check.Stamp | None = None
        self.parties: Table[str, PartyRow | None] = Table()
        self.titles: Table[tuple[str, str], TitleRow | None] = Table()  # (subject, name)
        self.accounts: Table[str, AccountRow | None] = Table()
        self.classes: Table[tuple[str, int], ClassRow | None] = Table()
        self.vintages: Table[str, tuple[int, ...]] = Table()  # a project's classes, oldest first
        self.instruments: Table[str, bool | None] = Table()
        self.balances: Table[Key, Balance] = Table(100_000)
        self.holdings: Table[Key, Blocks] = Table(4_096)  # fragmented holdings: many rows
        self.next_serial: Table[int, int] = Table()
        self.transactions: Table[str, TxRecord | None] = Table(200_000)
        self.reversed: Table[str, int] = Table(100_000)
        self.resolved: Table[str, bool] = Table(100_000)
        self.counters: Table[str, int] = Table()  # class ids, serials minted
        # Where a class's credits were created: the party its first issuance went to (None: not
        # known), whose JIS code the place rule of retirements reads (`uses.py`, `origin`).
        self.origins: Table[int, str | None] = Table(100_000)

    def tables(self) -> Iterable[Table[object, object]]:
        return (
            self.parties,  # type: ignore[return-value]
            self.titles,
            self.accounts,
            self.classes,
            self.vintages,
            self.instruments,
            self.balances,
            self.holdings,
            self.next_serial,
            self.transactions,
            self.reversed,
            self.resolved,
            self.counters,
            self.origins,
        )

    def bind(self, store: Store) -> None:
        """Read what is not known through `store` (this batch's database transaction)."""
        loads: dict[int, Callable[..., object]] = {
            id(self.parties): store.party,
            id(self.titles): store.title,
            id(self.accounts): store.account,
            id(self.classes): store.credit_class,
            id(self.vintages): store.vintages,
            id(self.instruments): store.instrument,
            id(self.balances): store.balance,
            id(self.holdings): store.blocks,
            id(self.next_serial): store.next_serial,
            id(self.transactions): store.transaction,
            id(self.reversed): store.reversed_total,
            id(self.resolved): store.resolved,
            id(self.counters): store.counter,
            id(self.origins): store.origin,
        }
        for table in self.tables():
            table.load = loads[id(table)]
            table.changed.clear()

    def committed(self, head: Head) -> None:
        for table in self.tables():
            table.committed()
        self.head = head

    def forget(self) -> None:
        """Know nothing: read everything again (another writer, or a failed write)."""
        for table in self.tables():
            table.base.clear()
            table.changed.clear()
        self.head = None
        self.stamp = None


class Books:
    """The ledger's state for one write: the planners read it, the journal changes it."""

    @classmethod
    def locked(cls, store: Store, known: Known, tx_ids: Iterable[str] = ()) -> Books:
        """The books for one write: the head locked and, read with it (on PostgreSQL in the
        same round trip), which of `tx_ids` (the ids the batch names) are recorded, the head
        entry (`entry`, for `head_check.problem`) and what other writers changed since the
        head `known` knows (`catch_up.py`: only that is forgotten)."""
        ids = set(tx_ids)
        wanted = sorted(i for i in ids if i not in known.transactions.base)
        more = head_check.queries(store.sqlite)
        if known.head is not None:
            more += catch_up.queries(known.head.seq)
        head, found, rows = store.start(wanted, more)
        since = catch_up.Since(*rows[3:]) if known.head is not None else None
        catch_up.catch_up(known, head, since)
        if known.head != head:  # everything was forgotten: look all the batch's ids up
            wanted = sorted(ids - found.keys())
            found |= store.transactions(wanted) if wanted else {}
        known.transactions.prime(found)
        books = cls(store, known, head)
        books.entry = head_check.entry(rows[:3])
        return books

    @classmethod
    def presumed(
        cls, store: BatchStore, known: Known, tx_ids: Iterable[str]
    ) -> tuple[Books, set[str]]:
        """The books for one write that presumes nobody else wrote since the head this writer
        knows (PostgreSQL, inside a pipeline): an id it does not know of is presumed new.
        Returned with those ids, which the writer looks up with the head's lock
        (`BatchStore.start_sent`) and checks before it trusts anything planned here that
        wrote nothing."""
        assert known.head is not None
        unknown = sorted(set(tx_ids) - known.transactions.base.keys())
        known.transactions.prime(dict.fromkeys(unknown))
        return cls(store, known, known.head), set(unknown)

    def __init__(self, store: Store, known: Known, head: Head) -> None:
        self.store = store
        self.head = head
        self.entry: head_check.Entry | None = None  # the head entry, read under the lock
        known.bind(store)
        self.known = known
        self.parties = known.parties
        self.titles = known.titles
        self.accounts = known.accounts
        self.classes = known.classes
        self.vintages = known.vintages
        self.instruments = known.instruments
        self.balances = known.balances
        self.holdings = known.holdings
        self.next_serial = known.next_serial
        self.transactions = known.transactions
        self.reversed = known.reversed
        self.resolved = known.resolved
        self.counters = known.counters
        self.origins = known.origins
        # The history rows the batch recorded, as plain tuples in column order.
        self.headers: list[HeaderRow] = []
        self.postings: list[Posting] = []
        self.events: list[Event] = []
        # The blocks the batch removed (-1) from each holding and added (+1) to it, net: what
        # the store deletes and inserts. While a savepoint is open, each change is logged too.
        self.block_net: dict[Key, dict[Block, int]] = {}
        self._block_log: list[tuple[dict[Block, int], Block, int]] = []
        self._saved: list[tuple[Head, int, int, int, int]] = []
        self._owned: list[set[Key]] = [set()]  # holdings this savepoint copied

    # --- reads for the planners --------------------------------------------------------

    def account(self, account_id: str) -> AccountRow | None:
        return self.accounts.get(account_id)

    def party(self, party_id: str) -> PartyRow | None:
        return self.parties.get(party_id)

    def credit_class(self, project: str, vintage: int) -> ClassRow | None:
        return self.classes.get((project, vintage))

    def project_vintages(self, project: str) -> tuple[int, ...]:
        return self.vintages.get(project)

    def transferable(self, instrument: str) -> bool | None:
        return self.instruments.get(instrument)

    def balance(self, account: str, class_id: int) -> int:
        return self.balances.get((account, class_id)).quantity

    def transaction(self, tx_id: str) -> TxRecord | None:
        return self.transactions.get(tx_id)

    def origin(self, class_id: int) -> str | None:
        """The JIS code of the party the class was created for, as the party now stands (a
        party opened on first use may be described after its credits were issued)."""
        party_id = self.origins.get(class_id)
        party = self.party(party_id) if party_id else None
        return party.jis_code if party else None

    def holding(self, key: Key) -> tuple[Blocks, Note]:
        """The blocks an account holds of a class, to change in place, and what to tell of each
        change (`blocks.Note`). The first change in a savepoint works on a copy, so that what is
        stored (and what a rollback restores) stays."""
        owned = self._owned[-1]
        if key not in owned:
            self.holdings.set(key, list(self.holdings.get(key)))
            owned.add(key)
        net = self.block_net.get(key)
        if net is None:
            net = self.block_net[key] = {}
        log = self._block_log if self._saved else None

        def note(block: Block, delta: int) -> None:
            count = net.get(block, 0) + delta
            if count:
                net[block] = count
            else:
                del net[block]
            if log is not None:
                log.append((net, block, delta))

        return self.holdings.changed[key], note

    # --- savepoints ----------------------------------------------------------------------

    def begin(self) -> None:
        sizes = (len(self.headers), len(self.postings), len(self.events), len(self._block_log))
        self._saved.append((self.head, *sizes))
        self._owned.append(set())
        for table in self.known.tables():
            table.begin()

    def rollback(self) -> None:
        self.head, headers, postings, events, moves = self._saved.pop()
        del self.headers[headers:]
        del self.postings[postings:]
        del self.events[events:]
        for net, block, delta in reversed(self._block_log[moves:]):
            count = net.get(block, 0) - delta
            if count:
                net[block] = count
            else:
                del net[block]
        del self._block_log[moves:]
        self._owned.pop()
        for table in self.known.tables():
            table.rollback()

    def release(self) -> None:
        self._saved.pop()
        child = self._owned.pop()
        self._owned[-1] |= child
        for table in self.known.tables():
            table.release()

    # --- after the database transaction -----------------------------------------------

    def committed(self) -> None:
        """The database now holds these books: know them, at the head they leave."""
        self.known.committed(self.head)

    def rolled_back(self) -> None:
        """Nothing of the batch was written: what it changed is forgotten (what it read is
        still true: the database is as it was)."""
        for table in self.known.tables():
            table.changed.clear()
