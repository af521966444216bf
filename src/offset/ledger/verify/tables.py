"""The derived tables as this process's snapshot reads them (`Tables`), and the reference
tables (parties, titles, accounts, instruments, credit classes) checked against the replay of the
reference entries (check 3).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, text

from offset.common.messages import Msg
from offset.ledger.chain import day_text
from offset.ledger.verify.ranges import Key


@dataclass(frozen=True)
class Tables:
    """The derived tables, read in this process's snapshot."""

    head: tuple[int, str, str]  # seq, hash, effective date (ISO, or "")
    parties: dict[str, tuple[Any, ...]]
    titles: dict[str, tuple[str, str, str]]  # "subject name": title, place code and name
    accounts: dict[str, tuple[Any, ...]]
    instruments: dict[str, bool]
    classes: dict[int, tuple[Any, ...]]
    balances: dict[Key, tuple[int, int]]  # quantity, version
    blocks: list[tuple[int, int, int, str]]  # class, start, stop, account, by class and start


def _tables(conn: Connection) -> Tables:
    q = conn.execute
    seq, head_hash, effective = q(
        text("SELECT seq, hash, effective_date FROM ledger_head WHERE id = 1")
    ).one()
    return Tables(
        head=(int(seq), str(head_hash), day_text(effective) if effective else ""),
        parties={
            r[0]: tuple(r[1:])
            for r in q(text("SELECT id, kind, name, jis_code, prefecture FROM parties"))
        },
        titles={
            f"{r[0]} {r[1]}": (r[2], r[3], r[4])
            for r in q(text("SELECT subject, name, title, place_code, place_name FROM titles"))
        },
        accounts={
            r[0]: tuple(r[1:]) for r in q(text("SELECT id, party_id, kind, status FROM accounts"))
        },
        instruments={
            r[0]: bool(r[1]) for r in q(text("SELECT name, transferable FROM instruments"))
        },
        classes={
            int(r[0]): (r[1], r[2], int(r[3]), r[4], int(r[5]))
            for r in q(
                text(
                    "SELECT id, instrument, project, vintage, methodology, next_serial"
                    " FROM credit_classes"
                )
            )
        },
        balances={
            (r[0], int(r[1])): (int(r[2]), int(r[3]))
            for r in q(text("SELECT account_id, class_id, quantity, version FROM balances"))
        },
        blocks=[
            (int(c), int(s), int(e), a)
            for c, s, e, a in q(
                text(
                    "SELECT class_id, start, stop, account_id FROM blocks ORDER BY class_id, start"
                )
            )
        ],
    )


@dataclass
class Replay:
    parties: dict[str, tuple[Any, ...]] = field(default_factory=dict)
    titles: dict[str, tuple[str, str, str]] = field(default_factory=dict)
    accounts: dict[str, tuple[Any, ...]] = field(default_factory=dict)
    instruments: dict[str, bool] = field(default_factory=dict)
    classes: dict[int, tuple[Any, ...]] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)


def replayed(references: list[tuple[int, str, str]]) -> Replay:
    """The reference tables as the reference entries leave them (also a document's parties
    before it prints them: `proof.parties_proved`)."""
    out = Replay()
    for seq, kind, operation in references:
        try:
            change = json.loads(operation)
            if kind == "genesis":
                out.instruments.update(change["instruments"])
            elif kind == "party":
                out.parties[change["party"]] = (
                    change["kind"],
                    change["name"],
                    change["jis_code"],
                    change["prefecture"],
                )
            elif kind == "describe":
                out.titles[f"{change['subject']} {change['name']}"] = (
                    change["title"],
                    change["place_code"],
                    change["place_name"],
                )
            elif kind == "account":
                if change["account"] in out.accounts:
                    out.problems.append(
                        Msg("verify.opened_twice", seq=seq, account=change["account"])
                    )
                out.accounts[change["account"]] = (
                    change["party"],
                    change["kind"],
                    change["status"],
                )
            elif kind == "account_status":
                party, account_kind, _ = out.accounts[change["account"]]
                out.accounts[change["account"]] = (party, account_kind, change["status"])
            else:
                out.classes[int(change["class_id"])] = (
                    change["instrument"],
                    change["project"],
                    int(change["vintage"]),
                    change["methodology"],
                )
        except (ValueError, KeyError, TypeError):
            out.problems.append(Msg("verify.bad_reference", kind=kind, seq=seq))
    return out


def compare(table: str, expected: dict[Any, Any], stored: dict[Any, Any]) -> list[str]:
    """A reference table (`table`: a `verify.what.` key) against what its entries left (also
    a document's titles before it prints them: `titles.proved`)."""
    problems: list[str] = []
    what = Msg(f"verify.what.{table}")
    for key in sorted(set(expected) | set(stored), key=str):
        if key not in stored:
            problems.append(Msg("verify.table_missing", what=what, key=key))
        elif key not in expected:
            problems.append(Msg("verify.history_missing", what=what, key=key))
        elif stored[key] != expected[key]:
            problems.append(
                Msg("verify.table_differs", what=what, key=key, stored=stored[key],
                    expected=expected[key])
            )  # fmt: skip
    return problems


def _reference_problems(replay: Replay, tables: Tables) -> list[str]:
    """The reference tables are what the reference entries left."""
    classes = {c: v[:4] for c, v in tables.classes.items()}
    return (
        replay.problems
        + compare("party", replay.parties, tables.parties)
        + compare("title", replay.titles, tables.titles)
        + compare("account", replay.accounts, tables.accounts)
        + compare("instrument", replay.instruments, tables.instruments)
        + compare("class", replay.classes, classes)
    )
