"""Database guards: the rules the database enforces even against hand-written SQL.

- history tables (transactions, postings, block_events) refuse UPDATE and DELETE;
- every transaction's postings sum to zero per credit class (SQLite: checked when the header is
  inserted after its postings, and postings cannot be added to a recorded transaction;
  PostgreSQL: a deferred constraint trigger, checked at commit);
- serial blocks of one class never overlap (PostgreSQL: an exclusion constraint; SQLite: a trigger);
- no negative balance except on issuance accounts (a CHECK on `balances`).
"""

from __future__ import annotations

import re

HISTORY_TABLES = ("transactions", "postings", "block_events")

SQLITE = [
    *(
        f"""CREATE TRIGGER {table}_{action.lower()}_refused BEFORE {action} ON {table}
        BEGIN SELECT RAISE(ABORT, '{table} are append-only: {action} refused'); END"""
        for table in HISTORY_TABLES
        for action in ("UPDATE", "DELETE")
    ),
    """CREATE TRIGGER postings_only_before_header BEFORE INSERT ON postings
    WHEN EXISTS (SELECT 1 FROM transactions WHERE seq = NEW.tx_seq)
    BEGIN SELECT RAISE(ABORT, 'postings cannot be added to a recorded transaction'); END""",
    """CREATE TRIGGER transactions_balanced AFTER INSERT ON transactions
    WHEN EXISTS (SELECT 1 FROM postings WHERE tx_seq = NEW.seq GROUP BY class_id HAVING SUM(amount) <> 0)
    BEGIN SELECT RAISE(ABORT, 'unbalanced transaction: postings do not sum to zero per class'); END""",
    # Blocks of a class never overlap, so only the block that starts last before the new one
    # ends can overlap it: one indexed lookup instead of a scan of every earlier block.
    """CREATE TRIGGER blocks_no_overlap BEFORE INSERT ON blocks
    WHEN EXISTS (SELECT 1 FROM (SELECT stop FROM blocks WHERE class_id = NEW.class_id AND start < NEW.stop ORDER BY start DESC LIMIT 1) WHERE stop > NEW.start)
    BEGIN SELECT RAISE(ABORT, 'overlapping serial block'); END""",
    """CREATE TRIGGER blocks_no_overlap_update BEFORE UPDATE ON blocks
    WHEN EXISTS (SELECT 1 FROM blocks WHERE class_id = NEW.class_id AND id <> NEW.id AND start < NEW.stop AND NEW.start < stop)
    BEGIN SELECT RAISE(ABORT, 'overlapping serial block'); END""",
]

POSTGRESQL = [
    "CREATE EXTENSION IF NOT EXISTS btree_gist",
    """CREATE OR REPLACE FUNCTION offset_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN RAISE EXCEPTION '% are append-only: % refused', TG_TABLE_NAME, TG_OP; END $$""",
    *(
        f"""CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table}
        FOR EACH ROW EXECUTE FUNCTION offset_append_only()"""
        for table in HISTORY_TABLES
    ),
    """CREATE OR REPLACE FUNCTION offset_check_balanced() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF EXISTS (SELECT 1 FROM postings WHERE tx_seq = NEW.tx_seq
                   GROUP BY class_id HAVING SUM(amount) <> 0) THEN
            RAISE EXCEPTION 'unbalanced transaction %: postings do not sum to zero per class', NEW.tx_seq;
        END IF;
        RETURN NULL;
    END $$""",
    """CREATE CONSTRAINT TRIGGER postings_balanced AFTER INSERT ON postings
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION offset_check_balanced()""",
    """ALTER TABLE blocks ADD CONSTRAINT blocks_no_overlap
    EXCLUDE USING gist (class_id WITH =, int8range(start, stop) WITH &&)""",
]


def names(statements: list[str]) -> set[str]:
    """The triggers and constraints `statements` create: what `verify` expects to find."""
    found = (
        re.search(r"CREATE (?:CONSTRAINT )?TRIGGER (\w+)|ADD CONSTRAINT (\w+)", s)
        for s in statements
    )
    return {m.group(1) or m.group(2) for m in found if m}
