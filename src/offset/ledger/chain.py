"""The hash chain: each history entry's hash covers the previous hash and everything the entry
holds: every column of its header, its postings with `balance_after`, and its block events.

    hash = sha256(prev_hash || body)

where `body` is canonical JSON (keys sorted, no spaces, non-ASCII kept, postings sorted by
account and class, events by class and first serial; a retirement's use columns,
`OPTIONAL_COLUMNS`, only where they hold a value):

    {"events":[[class,start,stop,from,to],...],
     "header":{"agreement":...,"beneficiary":...,...,"to_account":...},
     "postings":[[account,class,amount,balance_after],...],"v":2}

It is written out by hand because `verify` recomputes it for every entry; it equals
`json.dumps(..., sort_keys=True, separators=(",", ":"), ensure_ascii=False)` (tested), so an
auditor can recompute it with any JSON library.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from functools import lru_cache
from json.encoder import encode_basestring  # JSON string literal, non-ASCII kept (C-accelerated)
from typing import Any

from offset.ledger.rows import Event, Header, Posting

FORMAT = 2


#: Columns left out of the body when they hold None: a retirement's use, added in revision 0006
#: (the entries written before keep the hashes they had).
OPTIONAL_COLUMNS = ("purpose", "offset_target", "offset_place", "claim_fy", "rule_override")


def day_text(value: dt.date | str) -> str:
    """An effective date as ISO text (SQLite hands it back as text already)."""
    return value if isinstance(value, str) else _iso(value)


@lru_cache(maxsize=64)
def _iso(day: dt.date) -> str:
    return day.isoformat()


_LAST_TIME: list[tuple[object, str]] = [(None, "")]  # a batch records all its entries at one time


def time_text(value: dt.datetime | str) -> str:
    """A recorded time as canonical text: UTC, microseconds, `+00:00` (SQLite hands back the
    text it stored, with a space for the `T`)."""
    last, text = _LAST_TIME[0]
    if value == last:
        return text
    moment = dt.datetime.fromisoformat(value) if isinstance(value, str) else value
    text = moment.astimezone(dt.UTC).isoformat(timespec="microseconds")
    _LAST_TIME[0] = (value, text)
    return text


def header_body(r: Sequence[Any]) -> str:
    """The header's part of the body, from its columns in `rows.HEADER_COLUMNS` order (written
    out: it runs for every entry the ledger writes and `verify` reads). A retirement's use
    columns (`OPTIONAL_COLUMNS`) appear only when they hold a value, so that the entries written
    before they existed keep their hashes."""
    e = encode_basestring
    return (
        f'"agreement":{"null" if r[7] is None else e(r[7])},'
        f'"beneficiary":{"null" if r[15] is None else e(r[15])},"buffer":{r[12]},'
        f"{'' if r[22] is None else _CLAIM_FY + str(r[22]) + ','}"
        f'"claim_period":{"null" if r[17] is None else e(r[17])},'
        f'"class_id":{"null" if r[10] is None else r[10]},"content_hash":{e(r[24])},'
        f'"effective_date":"{day_text(r[3])}","fiscal_year":{r[4]},'
        f'"from_account":{"null" if r[13] is None else e(r[13])},'
        f'"id":{"null" if r[1] is None else e(r[1])},"kind":{e(r[2])},"memo":{e(r[6])},'
        f"{_optional('offset_place', r[21])}{_optional('offset_target', r[20])}"
        f'"operation":{e(r[25])},{_optional("purpose", r[19])}"quantity":{r[11]},'
        f'"reason":{"null" if r[16] is None else e(r[16])},'
        f'"recorded_at":"{time_text(r[5])}",'
        f'"resolves":{"null" if r[9] is None else e(r[9])},'
        f'"reverses":{"null" if r[8] is None else e(r[8])},'
        f'{_optional("rule_override", r[23])}"seq":{r[0]},'
        f'"source":{"null" if r[18] is None else e(r[18])},'
        f'"to_account":{"null" if r[14] is None else e(r[14])}'
    )


_CLAIM_FY = '"claim_fy":'


def _optional(key: str, value: str | None) -> str:
    return "" if value is None else f'"{key}":{encode_basestring(value)},'


def body(header: Sequence[Any], postings: Sequence[Any], events: Sequence[Any]) -> str:
    """The canonical JSON of one entry, from its rows in column order: its header's (as
    `rows.HEADER_COLUMNS`), its postings' (`rows.Posting`: tx_seq, account, class, amount,
    balance after) and its block events' (`rows.Event`: tx_seq, class, start, stop, from, to).
    The rows' own sequence number is the header's, and not repeated in the body."""
    lines = ",".join(
        [f"[{encode_basestring(a)},{c},{n},{b}]" for _, a, c, n, b in sorted(postings)]
    )
    moves = ",".join(
        [
            f"[{c},{s},{t},{'null' if f is None else encode_basestring(f)},{encode_basestring(to)}]"
            for _, c, s, t, f, to in sorted(events)
        ]
    )
    return (
        f'{{"events":[{moves}],"header":{{{header_body(header)}}},'
        f'"postings":[{lines}],"v":{FORMAT}}}'
    )


def link(prev_hash: str, text: str) -> str:
    return hashlib.sha256((prev_hash + text).encode()).hexdigest()


def entry_hash(
    prev_hash: str, header: Header, postings: Sequence[Posting], events: Sequence[Event]
) -> str:
    """The hash an entry must carry (its header's own `hash` and `prev_hash` are not read)."""
    return link(
        prev_hash,
        body(
            header,
            postings,
            events,
        ),
    )
