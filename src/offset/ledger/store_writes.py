"""What a batch changed, as the statements that write it (`write_all`), in the order the guards
need: reference rows before the rows that refer to them; postings and block events before their
headers (a header's insert is where SQLite checks that its postings balance); every block
removed before any is added (overlap is refused at each statement); then balances, serials and
the chain head. Each table's rows go through the store (`Store.append`, `Store.many`), which
decides how they travel (`batch_store.py` on PostgreSQL).
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from offset.ledger.rows import EVENT_COLUMNS, HEADER_COLUMNS, POSTING_COLUMNS, HeaderRow

if TYPE_CHECKING:
    from offset.ledger.books import Books
    from offset.ledger.store import Store


@lru_cache(maxsize=64)
def _iso(day: dt.date) -> str:
    return day.isoformat()


@lru_cache(maxsize=64)
def _iso_time(moment: dt.datetime) -> str:
    return moment.isoformat(" ")


def write_all(store: Store, books: Books) -> None:
    """Everything the batch changed, statement by statement (inside a pipeline, sent without
    waiting), in the order the guards need."""
    _reference(store, books)
    store.append("postings", POSTING_COLUMNS, books.postings)
    _blocks(store, books)
    store.append("block_events", EVENT_COLUMNS, books.events)
    store.append("transactions", HEADER_COLUMNS, [_header(store, h) for h in books.headers])
    _balances(store, books)
    new = {c.id for _, old, c in books.classes.changes() if c and not old}
    store.many(
        "UPDATE credit_classes SET next_serial = :n WHERE id = :c",
        [{"n": n, "c": c} for c, _, n in books.next_serial.changes() if c not in new],
    )
    if books.headers:
        head = books.head
        store.many(
            "UPDATE ledger_head SET seq = :s, hash = :h, effective_date = :e WHERE id = 1",
            [{"s": head.seq, "h": head.hash, "e": _date(store, head.effective)}],
        )


def _date(store: Store, value: dt.date | None) -> dt.date | str | None:
    # SQLite keeps dates as ISO text (sqlite3's own adapters are deprecated).
    return value.isoformat() if store.sqlite and value is not None else value


def _header(store: Store, header: HeaderRow) -> tuple[Any, ...]:
    if not store.sqlite:
        return header
    h = header  # the two dates at their places in HEADER_COLUMNS (a batch shares them)
    return (*h[:3], _iso(h[3]), h[4], _iso_time(h[5]), *h[6:])


def _reference(store: Store, books: Books) -> None:
    instruments = [(n, t) for n, before, t in books.instruments.changes() if before is None]
    store.append("instruments", ("name", "transferable"), list(instruments))
    parties = list(books.parties.changes())
    store.append(
        "parties",
        ("id", "kind", "name", "jis_code", "prefecture"),
        [
            (p.id, p.kind, p.name, p.jis_code, p.prefecture)
            for _, old, p in parties
            if p and not old
        ],
    )
    store.many(
        "UPDATE parties SET kind = :k, name = :n, jis_code = :j, prefecture = :p WHERE id = :id",
        [
            {"id": p.id, "k": p.kind, "n": p.name, "j": p.jis_code, "p": p.prefecture}
            for _, old, p in parties
            if p and old
        ],
    )
    titles = list(books.titles.changes())
    store.append(
        "titles",
        ("subject", "name", "title", "place_code", "place_name"),
        [(t.subject, t.name, t.title, t.place_code, t.place_name) for _, old, t in titles
         if t and not old],
    )  # fmt: skip
    store.many(
        "UPDATE titles SET title = :t, place_code = :c, place_name = :p"
        " WHERE subject = :s AND name = :n",
        [
            {"s": t.subject, "n": t.name, "t": t.title, "c": t.place_code, "p": t.place_name}
            for _, old, t in titles
            if t and old
        ],
    )
    accounts = list(books.accounts.changes())
    store.append(
        "accounts",
        ("id", "party_id", "kind", "status"),
        [(a.id, a.party, a.kind, a.status) for _, old, a in accounts if a and not old],
    )
    store.many(
        "UPDATE accounts SET status = :s WHERE id = :id",
        [{"s": a.status, "id": a.id} for _, old, a in accounts if a and old],
    )
    serials = books.next_serial.changed  # a new class has its first serials minted
    store.append(
        "credit_classes",
        ("id", "instrument", "project", "vintage", "methodology", "next_serial"),
        [
            (c.id, c.instrument, c.project, c.vintage, c.methodology, serials.get(c.id, 0))
            for _, old, c in books.classes.changes()
            if c and not old
        ],
    )


def _blocks(store: Store, books: Books) -> None:
    """The blocks the batch removed and added, net (`Books.block_net`): a block made and
    merged away within the batch never reaches the database."""
    changed = sorted(books.block_net.items())
    store.many(
        "DELETE FROM blocks WHERE class_id = :c AND account_id = :a AND start = :s",
        [
            {"a": account, "c": class_id, "s": b.start}
            for (account, class_id), net in changed
            for b, count in sorted(net.items())
            if count < 0
        ],
    )
    store.append(
        "blocks",
        ("class_id", "start", "stop", "account_id"),
        [
            (class_id, b.start, b.stop, account)
            for (account, class_id), net in changed
            for b, count in sorted(net.items())
            if count > 0
        ],
    )


def _balances(store: Store, books: Books) -> None:
    updates, inserts = [], []
    for (account, class_id), before, after in books.balances.changes():
        row = {"a": account, "c": class_id, "n": after.quantity, "v": after.version}
        if before.version:
            updates.append(row)
        else:
            holder = books.account(account)
            row["neg"] = holder is not None and holder.kind == "issuance"
            inserts.append(row)
    store.many(
        "UPDATE balances SET quantity = :n, version = :v WHERE account_id = :a AND class_id = :c",
        updates,
    )
    store.many(
        "INSERT INTO balances (account_id, class_id, quantity, may_go_negative, version)"
        " VALUES (:a, :c, :n, :neg, :v)",
        inserts,
    )
