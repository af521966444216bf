"""The entries a columnar check's mask holds, checked again by `entries.py` itself on their rows
as the row pass reads them (the DB-API cursor), with the state the row pass would have reached
them with: so every problem keeps its words and its (entry, check) tag.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pyarrow as pa

from offset.ledger.chain import day_text
from offset.ledger.rows import EVENT_COLUMNS, HEADER_COLUMNS, POSTING_COLUMNS
from offset.ledger.verify import entries
from offset.ledger.verify.postings import Postings
from offset.ledger.verify.ranges import ChainPart


def confirm(
    connection: Any,
    suspects: np.ndarray,
    seqs: np.ndarray,
    expected: np.ndarray,
    earlier: pa.Array,
    days_before: pa.Array,
    ledger: Postings,
) -> list[tuple[int, int, str]]:
    """The entries a mask holds, checked by `entries.py` on their rows as the row pass reads
    them, with the state the pass would have reached them with."""
    if not len(suspects):
        return []
    wanted = [int(seqs[i]) for i in suspects]
    heads, posts, moves = _read(connection, wanted)
    header = entries.ENTRY_CHECKS.index("header")
    found: list[tuple[int, int, str]] = []
    for i, seq in zip(suspects.tolist(), wanted, strict=True):
        state = ChainPart(expected_seq=int(expected[i]))
        for j in ledger.rows_of(seq):
            if ledger.has_before[j] and not ledger.repeated[j]:  # as it was before the entry
                name = (ledger.table.column("account_id")[j].as_py(), int(ledger.class_id[j]))
                state.closing.setdefault(name, int(ledger.before[j]))
        row = heads[seq]
        own_postings = sorted(posts.get(seq, []))
        own_events = moves.get(seq, [])
        effective = day_text(row[entries._COL["effective_date"]])
        for rank, problems in enumerate(
            (
                entries._sequence_problems(state, seq),
                entries._link_problems(row, earlier[i].as_py(), own_postings, own_events),
                entries._date_problems(row, effective, days_before[i].as_py()),
                [],  # the header: checked for every entry above
                entries._unbalanced(seq, own_postings),
                entries._balance_after_problems(state, seq, own_postings),
                entries._flow(row, own_postings, own_events),
            )
        ):
            if rank != header:
                found += [(seq, rank, problem) for problem in problems]
    return found


def _read(
    connection: Any, seqs: list[int]
) -> tuple[dict[int, tuple[Any, ...]], dict[int, list[Any]], dict[int, list[Any]]]:
    """The rows of these entries through the DB-API cursor, as the row pass reads them."""
    heads: dict[int, tuple[Any, ...]] = {}
    posts: dict[int, list[Any]] = {}
    moves: dict[int, list[Any]] = {}
    cursor = connection.cursor()
    try:
        for at in range(0, len(seqs), 500):
            listed = ", ".join(str(seq) for seq in seqs[at : at + 500])
            cursor.execute(
                f"SELECT {', '.join(HEADER_COLUMNS)} FROM transactions WHERE seq IN ({listed})"
            )
            heads.update((row[0], row) for row in cursor.fetchall())
            for table, columns, into in (
                ("postings", POSTING_COLUMNS, posts),
                ("block_events", EVENT_COLUMNS, moves),
            ):
                cursor.execute(
                    f"SELECT {', '.join(columns)} FROM {table} WHERE tx_seq IN ({listed})"
                    " ORDER BY tx_seq"
                )
                for row in cursor.fetchall():
                    into.setdefault(row[0], []).append(row)
    finally:
        cursor.close()
    return heads, posts, moves
