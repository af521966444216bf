"""Replaying a ledger's operations into a new one: the way from a v1 ledger (whose hashes do
not cover what v2 checks, so that it cannot be upgraded in place) to a v2 ledger.

The parties and the accounts callers open come first, then every transaction in commit order,
each on its own effective date and with its own content (so that its id keeps answering
`exists` to a retry), then the accounts' status. The old ledger is only read. What the new
ledger refuses (say, an account named in another party's namespace) is reported, not forced.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from typing import Any

from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError

from offset.ledger.database import reading, redacted
from offset.ledger.writer import Result, Writer


def _day(value: dt.date | str) -> dt.date:
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


def operations(old: Engine) -> Iterator[tuple[dt.date | None, dict[str, Any]]]:
    """(the day to apply it on, the operation) for everything the old ledger holds."""
    with reading(old) as conn:
        parties = list(
            conn.execute(text("SELECT id, kind, name, jis_code, prefecture FROM parties"))
        )
        accounts = list(conn.execute(text("SELECT id, party_id, kind, status FROM accounts")))
        history = conn.execute(  # credit transactions only: reference entries are replayed above
            text(
                "SELECT effective_date, operation FROM transactions WHERE id IS NOT NULL"
                " ORDER BY seq"
            )
        )
        for party, kind, name, jis_code, prefecture in parties:
            if kind not in ("unspecified",) and party != "registry":
                yield (
                    None,
                    {
                        "op": "open_party",
                        "party": party,
                        "kind": kind,
                        "name": name or "",
                        "jis_code": jis_code,
                        "prefecture": prefecture,
                    },
                )
        for account, party, kind, _ in accounts:
            if kind in ("holding", "buffer") and not (
                kind == "buffer" and party == "registry" and account.startswith("buffer:")
            ):
                yield None, {"op": "open_account", "account": account, "party": party, "kind": kind}
        for effective, operation in history:
            yield _day(effective), json.loads(operation)
        for account, _, _, status in accounts:
            if status != "open":
                yield None, {"op": "account_status", "account": account, "status": status}


class NotALedger(Exception):
    """The source holds no ledger tables."""


def check_source(old: Engine) -> None:
    try:
        with reading(old) as conn:
            conn.execute(text("SELECT 1 FROM transactions WHERE 1 = 0"))
            conn.execute(text("SELECT 1 FROM accounts WHERE 1 = 0"))
    except DBAPIError as e:
        raise NotALedger(f"{redacted(str(old.url))} holds no ledger to replay") from e


def replay(old: Engine, new: Writer) -> list[Result]:
    """Apply the old ledger's operations to `new`, each transaction on its own day (the parties
    and accounts on the first one's, the statuses today); every result, in order."""
    check_source(old)
    planned = list(operations(old))
    first = next((day for day, _ in planned if day is not None), None)
    groups: list[tuple[dt.date | None, list[dict[str, Any]]]] = []
    history_began = False
    for when, op in planned:
        history_began = history_began or when is not None
        day = when if when is not None else (None if history_began else first)
        if groups and groups[-1][0] == day:
            groups[-1][1].append(op)
        else:
            groups.append((day, [op]))
    results: list[Result] = []
    for day, batch in groups:
        results += new.apply(batch, today=day)
    return results
