"""The ledger's Python API: everything the CLI and the HTTP API call."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from offset.common.messages import Msg
from offset.ledger import past, queries, side_tables, states, titles  # noqa: F401  (side_tables: tables beside it)
from offset.ledger.checkpoint import Checkpoint, CheckpointError, sign
from offset.ledger.database import DEFAULT_URL, at_head, connect, reading, upgrade
from offset.ledger.export import EXPORTS
from offset.ledger.rows import (
    AccountRow,
    AgreementTransaction,
    BalanceLine,
    IssuanceEvent,
    PeriodBalance,
    Retirement,
    SerialHistory,
    StatementLine,
)
from offset.ledger.verify import ChainPart, Discrepancy, Verification, verify
from offset.ledger.writer import Writer


class Ledger(Writer):
    """A ledger on one database: `apply` changes it; the other methods only read."""

    @classmethod
    def open(cls, url: str = DEFAULT_URL, *, migrate: bool = True, **engine_options: Any) -> Ledger:
        """The ledger at `url`, created or migrated to the newest schema unless `migrate` is
        False (a ledger that holds v1 history is refused, unchanged: `V1History`)."""
        engine = connect(url, **engine_options)
        book = cls(engine)
        if migrate and not at_head(engine):
            upgrade(engine)
            book.initialise()
        return book

    @classmethod
    def on(cls, engine: Engine) -> Ledger:
        return cls(engine)

    def initialise(self) -> None:
        """After a migration: the first entries, and the titles that run records held before
        titles were chained (`titles.carried_over`)."""
        super().initialise()
        with reading(self.engine) as conn:
            carried = titles.carried_over(conn)
        if carried:
            self.apply(carried)

    def balances(
        self, as_of: dt.date | None = None, account: str | None = None, party: str | None = None
    ) -> list[BalanceLine]:
        with reading(self.engine) as conn:
            return queries.balances(conn, as_of, account, party)

    def accounts(self, party: str | None = None) -> list[AccountRow]:
        with reading(self.engine) as conn:
            return queries.accounts(conn, party)

    def retirements(self, parties: Iterable[str] | None = None) -> list[Retirement]:
        """Every retirement (or those made by `parties`), with beneficiary and serials."""
        with reading(self.engine) as conn:
            return queries.retirements(conn, parties)

    def agreement_transactions(self, agreement: str) -> list[AgreementTransaction]:
        with reading(self.engine) as conn:
            return queries.agreement_transactions(conn, agreement)

    def issuance_history(self, prefix: str) -> list[IssuanceEvent]:
        with reading(self.engine) as conn:
            return queries.issuance_history(conn, prefix)

    def quantities(self, ids: Iterable[str]) -> dict[str, int]:
        with reading(self.engine) as conn:
            return queries.quantities(conn, ids)

    def statement(
        self, account: str, start: dt.date | None = None, end: dt.date | None = None
    ) -> list[StatementLine]:
        with reading(self.engine) as conn:
            return queries.statement(conn, account, start, end)

    def period_balances(
        self, account: str, start: dt.date | None = None, end: dt.date | None = None
    ) -> list[PeriodBalance]:
        """Each class's opening balance, movements in and out, and closing balance over the
        period of a statement (`queries.period_balances`)."""
        with reading(self.engine) as conn:
            return queries.period_balances(conn, account, start, end)

    def serial(self, project: str, vintage: int, serial: int) -> SerialHistory:
        with reading(self.engine) as conn:
            return queries.serial_history(conn, project, vintage, serial)

    def retirement(self, tx_id: str) -> Retirement:
        with reading(self.engine) as conn:
            return queries.retirement(conn, tx_id)

    def retired(self, tx_id: str) -> tuple[Retirement, str]:
        """A retirement and the name of the party that retired it (Rejected if none)."""
        with reading(self.engine) as conn:
            retirement = queries.retirement(conn, tx_id)
            party = queries.parties(conn, [retirement.party]).get(retirement.party)
        return retirement, party.name if party and party.name else ""

    def verification(
        self,
        workers: int | None = None,
        checkpoints: tuple[Checkpoint, ...] = (),
        full: bool = False,
    ) -> Verification:
        """What `verify` found and checked. The hash chain is checked in `workers` processes
        (None: one per CPU, up to 8, for ledgers of 100,000 entries or more, 300,000 in a
        process running other threads; an in-memory SQLite database is always checked in this
        process). Given checkpoints, each is checked, and unless `full`, the history is read
        only after the latest one whose verified state is kept (`states.py`) and whose past the
        database proves unwritten since (`past.py`); otherwise in full."""
        url = self.engine.url
        in_memory = self.sqlite and url.database in (None, "", ":memory:")
        shared = None if in_memory else url.render_as_string(hide_password=False)
        since, changed = (None, []) if full else self._latest_state(checkpoints)
        with self.engine.connect() as conn:
            found = verify(conn, shared, workers, checkpoints, since)
        return dataclasses.replace(found, discrepancies=changed + found.discrepancies)

    def _latest_state(
        self, checkpoints: tuple[Checkpoint, ...]
    ) -> tuple[ChainPart | None, list[Discrepancy]]:
        """The state kept at the latest checkpoint that has one and whose past is proved
        unwritten (`past.py`), and the checkpoints whose kept state is not the one they signed
        (then the history is read in full)."""
        changed: list[Discrepancy] = []
        with reading(self.engine) as conn:
            for found in sorted(checkpoints, key=lambda c: -c.seq):
                if found.state is None:
                    continue
                state, kept = states.load(conn, found.seq, found.state)
                if state is not None and state.last_hash == found.hash:
                    if past.unwritten(conn, found.seq, found.snapshot, state):
                        return state, changed
                    continue  # its past cannot be proved unwritten: read it again
                if kept:
                    changed.append(
                        Discrepancy(
                            "checkpoint_state",
                            Msg("verify.checkpoint_state", path=str(found.path), seq=found.seq),
                        )
                    )
        return None, changed

    def checkpoint(self, key: Path) -> dict[str, Any]:
        """Verify the whole ledger, keep its verified state, and sign a checkpoint of it (its
        head, and the state's digest): `checkpoint.py`. A ledger that does not verify gets no
        checkpoint."""
        found = self.verification(workers=None, full=True)
        if found.problems:
            first = found.problems[0]
            raise CheckpointError(
                Msg("checkpoint.unverified", count=len(found.problems), first=first)
            )
        assert found.state is not None
        with self.engine.begin() as conn:
            digest = states.store(conn, found.state)
        with reading(self.engine) as conn:
            ledger_id = queries.ledger_identity(conn)
        seq, head_hash = found.state.expected_seq - 1, found.state.last_hash
        return sign(key, ledger_id, seq, head_hash, digest, found.snapshot)

    def discrepancies(
        self, workers: int | None = None, checkpoints: tuple[Checkpoint, ...] = ()
    ) -> list[Discrepancy]:
        """Every discrepancy, as records (none: the books verify), in one pass over the whole
        history: the one call for a caller that must know the ledger verifies before it prints
        from it."""
        return self.verification(workers, checkpoints, full=True).discrepancies

    def verify(
        self, workers: int | None = None, checkpoints: tuple[Checkpoint, ...] = ()
    ) -> list[str]:
        """`discrepancies` in words."""
        return [found.message for found in self.discrepancies(workers, checkpoints)]

    def export(self, fmt: str) -> str:
        """The whole ledger in `fmt` (`export.EXPORTS`), printed only once the whole ledger
        verifies (an export prints every entry, title and party name), and only up to the
        head that verify checked (`proof.Unverified` otherwise)."""
        from offset.ledger import proof

        found = self.verification(full=True)
        if found.discrepancies:
            checked = proof.Proof(tuple(found.problems), found.head_seq, found.head_hash)
            raise proof.Unverified(Msg("proof.export"), checked)
        with reading(self.engine) as conn:
            return EXPORTS[fmt](conn, found.head_seq)

    def backup(self, target: Path) -> tuple[int, str]:
        """A consistent copy of a live SQLite ledger (`backup.py`); the head it copied."""
        from offset.ledger.backup import backup

        return backup(self.engine, target)
