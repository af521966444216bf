"""Database guards: the rules the database enforces even against hand-written SQL.

As installed by revision 0004, with what revision 0005 replaced (the queries of the balance
check and of the chain head's guard) and revision 0007 installed again (the chain head's guard,
its comment naming no code: it lives in the database); earlier revisions keep their own copies;
change these only through a new revision, which installs again what it changes:

- history tables (transactions, postings, block_events) refuse UPDATE and DELETE, and on
  PostgreSQL TRUNCATE (so does every other ledger table: none is ever emptied);
- every transaction's postings sum to zero per credit class (SQLite: checked when the header is
  inserted after its postings, and postings cannot be added to a recorded transaction;
  PostgreSQL: checked after each statement that inserts postings, over the rows it inserted);
- serial blocks of one class never overlap (PostgreSQL: an exclusion constraint; SQLite: a trigger);
- no negative balance except on issuance accounts (a CHECK on `balances`);
- an account's id, party and kind never change, and accounts, parties, instruments and credit
  classes are never deleted; an instrument never changes; a credit class never changes but for
  its next serial, which only grows;
- the chain head only moves forward, to the last entry recorded, and the entry after the head it
  leaves links to that head.

`verify` checks that each of them is in place, with the definition given here, and enabled.
"""

from __future__ import annotations

import re
from typing import Final

HISTORY_TABLES: Final = ("transactions", "postings", "block_events")
LEDGER_TABLES: Final = (
    *HISTORY_TABLES,
    "parties",
    "accounts",
    "instruments",
    "credit_classes",
    "balances",
    "blocks",
    "ledger_head",
)
CHECKS: Final = {  # named CHECK constraints of the tables (schema.py), checked by verify too
    "postings": ("posting_amount_not_zero", "amount <> 0"),
    "balances": ("balance_not_negative", "quantity >= 0 OR may_go_negative"),
    "blocks": ("block_not_empty", "start < stop"),
}


EXCLUSION: Final = "EXCLUDE USING gist (class_id WITH =, int8range(start, stop) WITH &&)"


def _refuse(message: str) -> str:
    return f"SELECT RAISE(ABORT, '{message}')"


SQLITE: Final[list[str]] = [
    *(
        f"""CREATE TRIGGER {table}_{action.lower()}_refused BEFORE {action} ON {table}
        BEGIN {_refuse(f"{table} are append-only: {action} refused")}; END"""
        for table in HISTORY_TABLES
        for action in ("UPDATE", "DELETE")
    ),
    f"""CREATE TRIGGER postings_only_before_header BEFORE INSERT ON postings
    WHEN EXISTS (SELECT 1 FROM transactions WHERE seq = NEW.tx_seq)
    BEGIN {_refuse("postings cannot be added to a recorded transaction")}; END""",
    f"""CREATE TRIGGER transactions_balanced AFTER INSERT ON transactions
    WHEN EXISTS (SELECT 1 FROM postings WHERE tx_seq = NEW.seq GROUP BY class_id HAVING SUM(amount) <> 0)
    BEGIN {_refuse("unbalanced transaction: postings do not sum to zero per class")}; END""",
    # Blocks of a class never overlap, so only the block that starts last before the new one
    # ends can overlap it: one indexed lookup instead of a scan of every earlier block.
    f"""CREATE TRIGGER blocks_no_overlap BEFORE INSERT ON blocks
    WHEN EXISTS (SELECT 1 FROM (SELECT stop FROM blocks WHERE class_id = NEW.class_id AND start < NEW.stop ORDER BY start DESC LIMIT 1) WHERE stop > NEW.start)
    BEGIN {_refuse("overlapping serial block")}; END""",
    f"""CREATE TRIGGER blocks_no_overlap_update BEFORE UPDATE ON blocks
    WHEN EXISTS (SELECT 1 FROM blocks WHERE class_id = NEW.class_id AND id <> NEW.id AND start < NEW.stop AND NEW.start < stop)
    BEGIN {_refuse("overlapping serial block")}; END""",
    f"""CREATE TRIGGER accounts_fixed BEFORE UPDATE ON accounts
    WHEN NEW.id IS NOT OLD.id OR NEW.party_id IS NOT OLD.party_id OR NEW.kind IS NOT OLD.kind
    BEGIN {_refuse("the id, party and kind of an account never change")}; END""",
    *(
        f"""CREATE TRIGGER {table}_delete_refused BEFORE DELETE ON {table}
        BEGIN {_refuse(f"{table} are never deleted")}; END"""
        for table in ("accounts", "parties", "instruments", "credit_classes")
    ),
    f"""CREATE TRIGGER instruments_update_refused BEFORE UPDATE ON instruments
    BEGIN {_refuse("instruments never change")}; END""",
    f"""CREATE TRIGGER credit_classes_fixed BEFORE UPDATE ON credit_classes
    WHEN NEW.id IS NOT OLD.id OR NEW.instrument IS NOT OLD.instrument OR NEW.project IS NOT OLD.project
    OR NEW.vintage IS NOT OLD.vintage OR NEW.methodology IS NOT OLD.methodology OR NEW.next_serial < OLD.next_serial
    BEGIN {_refuse("a credit class never changes but for its next serial, which only grows")}; END""",
    f"""CREATE TRIGGER ledger_head_is_last BEFORE UPDATE ON ledger_head
    WHEN NEW.seq < OLD.seq OR NEW.seq IS NOT (SELECT MAX(seq) FROM transactions)
    OR NOT EXISTS (SELECT 1 FROM transactions WHERE seq = NEW.seq AND hash = NEW.hash AND effective_date = NEW.effective_date)
    OR (NEW.seq > OLD.seq AND NOT EXISTS (SELECT 1 FROM transactions WHERE seq = OLD.seq + 1 AND prev_hash = OLD.hash))
    BEGIN {_refuse("the chain head moves only forward, to the last entry, from the head it leaves")}; END""",
]

POSTGRESQL: Final[list[str]] = [
    "CREATE EXTENSION IF NOT EXISTS btree_gist",
    """CREATE OR REPLACE FUNCTION offset_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN RAISE EXCEPTION '% are append-only: % refused', TG_TABLE_NAME, TG_OP; END $$""",
    *(
        f"""CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table}
        FOR EACH ROW EXECUTE FUNCTION offset_append_only()"""
        for table in HISTORY_TABLES
    ),
    *(
        f"""CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table}
        FOR EACH STATEMENT EXECUTE FUNCTION offset_append_only()"""
        for table in LEDGER_TABLES
    ),
    # One check per statement (a row trigger ran one query per posting, at commit), over the
    # rows the statement inserted: postings are never updated or deleted, so every transaction
    # stays balanced exactly when the rows each statement adds to it sum to zero per class. It
    # reads no table, so its cost does not grow with the ledger (the query it replaced, over
    # all the postings of the transactions touched, kept a plan made while the table was small).
    """CREATE OR REPLACE FUNCTION offset_check_balanced() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF EXISTS (SELECT 1 FROM new_postings GROUP BY tx_seq, class_id HAVING SUM(amount) <> 0)
        THEN
            RAISE EXCEPTION 'unbalanced transaction: postings do not sum to zero per class';
        END IF;
        RETURN NULL;
    END $$""",
    """CREATE TRIGGER postings_balanced AFTER INSERT ON postings
    REFERENCING NEW TABLE AS new_postings FOR EACH STATEMENT EXECUTE FUNCTION offset_check_balanced()""",
    f"ALTER TABLE blocks ADD CONSTRAINT blocks_no_overlap {EXCLUSION}",
    """CREATE OR REPLACE FUNCTION offset_never_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN RAISE EXCEPTION '% are never deleted', TG_TABLE_NAME; END $$""",
    *(
        f"""CREATE TRIGGER {table}_never_deleted BEFORE DELETE ON {table}
        FOR EACH ROW EXECUTE FUNCTION offset_never_deleted()"""
        for table in ("accounts", "parties", "instruments", "credit_classes")
    ),
    """CREATE OR REPLACE FUNCTION offset_account_fixed() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF NEW.id IS DISTINCT FROM OLD.id OR NEW.party_id IS DISTINCT FROM OLD.party_id
           OR NEW.kind IS DISTINCT FROM OLD.kind THEN
            RAISE EXCEPTION 'an account''s id, party and kind never change';
        END IF;
        RETURN NEW;
    END $$""",
    """CREATE TRIGGER accounts_fixed BEFORE UPDATE ON accounts
    FOR EACH ROW EXECUTE FUNCTION offset_account_fixed()""",
    """CREATE OR REPLACE FUNCTION offset_instrument_fixed() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN RAISE EXCEPTION 'instruments never change'; END $$""",
    """CREATE TRIGGER instruments_fixed BEFORE UPDATE ON instruments
    FOR EACH ROW EXECUTE FUNCTION offset_instrument_fixed()""",
    """CREATE OR REPLACE FUNCTION offset_class_fixed() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF NEW.id IS DISTINCT FROM OLD.id OR NEW.instrument IS DISTINCT FROM OLD.instrument
           OR NEW.project IS DISTINCT FROM OLD.project OR NEW.vintage IS DISTINCT FROM OLD.vintage
           OR NEW.methodology IS DISTINCT FROM OLD.methodology OR NEW.next_serial < OLD.next_serial THEN
            RAISE EXCEPTION 'a credit class never changes but for its next serial, which only grows';
        END IF;
        RETURN NEW;
    END $$""",
    """CREATE TRIGGER credit_classes_fixed BEFORE UPDATE ON credit_classes
    FOR EACH ROW EXECUTE FUNCTION offset_class_fixed()""",
    """CREATE OR REPLACE FUNCTION offset_head_is_last() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        -- Both lookups are probes of the primary key whatever the plan: a generic plan of
        -- "EXISTS (... WHERE seq > NEW.seq)" scanned the whole table at every commit, and one
        -- of "effective_date = NEW.effective_date" took the date's index (every entry of the
        -- day) when the plan was made while the table was small; IS NOT DISTINCT FROM is no
        -- index's condition.
        -- The entry after the old head links to it: entries written on a head that is no
        -- longer there (by a writer that presumed it was still there) never become it.
        IF NEW.seq < OLD.seq OR NEW.seq IS DISTINCT FROM (SELECT MAX(seq) FROM transactions)
           OR NOT EXISTS (SELECT 1 FROM transactions WHERE seq = NEW.seq AND hash = NEW.hash
                          AND effective_date IS NOT DISTINCT FROM NEW.effective_date)
           OR (NEW.seq > OLD.seq AND NOT EXISTS (SELECT 1 FROM transactions
                                                 WHERE seq = OLD.seq + 1 AND prev_hash = OLD.hash)) THEN
            RAISE EXCEPTION 'the chain head moves only forward, to the last entry, from the head it leaves';
        END IF;
        RETURN NEW;
    END $$""",
    """CREATE TRIGGER ledger_head_is_last BEFORE UPDATE ON ledger_head
    FOR EACH ROW EXECUTE FUNCTION offset_head_is_last()""",
]


def normal(sql: str) -> str:
    """SQL with its whitespace collapsed: how definitions are compared."""
    return " ".join(sql.split())


def sqlite_triggers() -> dict[str, str]:
    """Each SQLite trigger's name and its definition, as sqlite_master keeps it."""
    return {_name(s): normal(s) for s in SQLITE}


def postgresql_triggers() -> dict[str, str]:
    """Each PostgreSQL trigger's name and the function it runs."""
    out = {}
    for statement in POSTGRESQL:
        found = re.search(
            r"CREATE (?:CONSTRAINT )?TRIGGER (\w+).*EXECUTE FUNCTION (\w+)\(\)", normal(statement)
        )
        if found:
            out[found.group(1)] = found.group(2)
    return out


def sqlite_trigger(name: str) -> str:
    """The statement that creates the SQLite guard trigger `name` (to install it again)."""
    [statement] = [s for s in SQLITE if _name(s) == name]
    return statement


def postgresql_function(name: str) -> str:
    """The statement that creates the guard function `name` (to install it again)."""
    [statement] = [s for s in POSTGRESQL if f"CREATE OR REPLACE FUNCTION {name}()" in s]
    return statement


def postgresql_functions() -> dict[str, str]:
    """Each guard function's name and its body (what pg_proc.prosrc holds), normalised."""
    out = {}
    for statement in POSTGRESQL:
        found = re.search(
            r"FUNCTION (\w+)\(\) RETURNS trigger LANGUAGE plpgsql AS \$\$(.*)\$\$", statement, re.S
        )
        if found:
            out[found.group(1)] = normal(found.group(2))
    return out


def _name(statement: str) -> str:
    found = re.search(r"CREATE TRIGGER (\w+)", statement)
    assert found, statement
    return found.group(1)


def names(statements: list[str]) -> set[str]:
    """The triggers and constraints `statements` create: what `verify` expects to find."""
    found = (
        re.search(r"CREATE (?:CONSTRAINT )?TRIGGER (\w+)|ADD CONSTRAINT (\w+)", s)
        for s in statements
    )
    return {m.group(1) or m.group(2) for m in found if m}
