"""The postings of a range as numpy columns, for the columnar chain pass (`columnar.py`): every
account named in the range as a small integer, each posting's balance before it, and sums by
groups of integer keys.
"""

from __future__ import annotations

from itertools import pairwise

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from offset.ledger.verify.ranges import ChainPart


class Accounts:
    """Every account named in the range as a small integer (-1: none), the same in each table."""

    def __init__(self, heads: pa.Table, posts: pa.Table, moves: pa.Table) -> None:
        named = [
            posts.column("account_id"),
            moves.column("from_account"),
            moves.column("to_account"),
            heads.column("from_account"),
        ]
        whole = pa.concat_arrays([pc.cast(c, pa.string()).combine_chunks() for c in named])
        encoded = pc.dictionary_encode(whole)
        self.names: list[str] = encoded.dictionary.to_pylist()
        codes = pc.fill_null(encoded.indices, -1).to_numpy().astype(np.int64)
        ends = np.cumsum([0, *(len(c) for c in named)])
        self.posted, self.source, self.destination, self.issuer = (
            codes[a:b] for a, b in pairwise(ends)
        )


class Postings:
    """The postings of the range as numpy columns, in the body's order, with each posting's
    balance before it (the last `balance_after` of its account and class in an earlier entry)."""

    def __init__(self, seqs: np.ndarray, posts: pa.Table, accounts: Accounts) -> None:
        self.table = posts
        self.seq = posts.column("tx_seq").to_numpy()
        self.account = accounts.posted
        self.class_id = posts.column("class_id").to_numpy()
        self.amount = posts.column("amount").to_numpy()
        self.after = posts.column("balance_after").to_numpy()
        key = self.account * (int(self.class_id.max(initial=0)) + 1) + self.class_id
        self.by_key = np.lexsort((self.seq, key))  # stable: the body's order within a key
        k, s = key[self.by_key], self.seq[self.by_key]
        same = np.append(False, k[1:] == k[:-1])
        self.repeated = np.zeros(len(k), bool)  # an account and class posted twice in one entry
        self.repeated[self.by_key] = same & np.append(False, s[1:] == s[:-1])
        self.has_before = np.zeros(len(k), bool)
        self.has_before[self.by_key] = same
        self.before = np.zeros(len(k), np.int64)
        self.before[self.by_key] = np.append(0, self.after[self.by_key][:-1])
        self.seqs = seqs
        self.keys = key

    def rows_of(self, seq: int) -> range:
        """Where the postings of an entry are."""
        return range(*np.searchsorted(self.seq, [seq, seq + 1]).tolist())

    def entries_of(self, rows: np.ndarray) -> np.ndarray:
        """A mask over the entries: those holding any of the posting rows marked."""
        return np.isin(self.seqs, self.seq[rows])

    def unbalanced(self) -> np.ndarray:
        """Entries whose postings may not sum to zero per class."""
        rows, sums = net([self.seq, self.class_id], self.amount)
        return np.isin(self.seqs, self.seq[rows[sums != 0]])

    def balance_after(self) -> np.ndarray:
        """Entries where a `balance_after` may not be the one before plus the amount."""
        wrong = self.has_before & (self.before + self.amount != self.after)
        return self.entries_of(wrong | self.repeated)

    def accumulate(self, part: ChainPart) -> None:
        """`history._accumulate` of every posting: running balances, sums and counts."""
        frame = pd.DataFrame(
            {"key": self.keys, "seq": self.seq, "amount": self.amount, "after": self.after}
        )
        groups = frame.groupby("key", sort=False)
        first, last = groups.head(1), groups.tail(1)
        totals = groups["amount"].agg(["size", "sum", "min"])
        accounts = self.table.column("account_id").to_pylist()
        names = [(accounts[i], int(self.class_id[i])) for i in first.index]
        for name, seq, amount, after in zip(
            names,
            first["seq"].tolist(),
            first["amount"].tolist(),
            first["after"].tolist(),
            strict=True,
        ):
            if name not in part.closing:
                part.opening[name] = (seq, amount, after)
        names_by_key = dict(zip(first["key"].tolist(), names, strict=True))
        for key, after in zip(last["key"].tolist(), last["after"].tolist(), strict=True):
            part.closing[names_by_key[key]] = after
        for key, (size, total, least) in zip(
            totals.index.tolist(), totals.itertuples(index=False), strict=True
        ):
            name = names_by_key[key]
            part.counts[name] = part.counts.get(name, 0) + int(size)
            part.sums[name] = part.sums.get(name, 0) + int(total)
            if least < 0:
                part.sent.add(name)
        part.posting_count += len(self.seq)


def net(keys: list[np.ndarray], values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """`values` summed by their keys (columns of integers): each group's first row, and its sum."""
    code = np.zeros(len(values), np.int64)
    span = 1
    for key in keys:
        if not len(key):
            break
        low, high = int(key.min()), int(key.max())
        if span * (high - low + 1) >= 2**62:  # too wide to combine: number the groups so far
            code, distinct = pd.factorize(code)
            span = max(len(distinct), 1)
        code = code * (high - low + 1) + (key - low)
        span *= high - low + 1
    groups, distinct = pd.factorize(code)
    sums = np.zeros(len(distinct), np.int64)
    np.add.at(sums, groups, values)
    first = np.full(len(distinct), len(values), np.int64)
    np.minimum.at(first, groups, np.arange(len(values), dtype=np.int64))
    return first, sums
