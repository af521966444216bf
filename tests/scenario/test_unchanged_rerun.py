"""A re-run that changes nothing (`offset.jobs.unchanged`) prints the ledger's credit figures:
read from the ledger at the verified head, never taken from the run state as the last run kept
it. A state whose figures are not the ledger's (its Parquet or its list of transactions edited)
is not trusted: the run is made in full and the report written again. SQLite and PostgreSQL."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
from sqlalchemy import text as sql
from typer.testing import CliRunner

from offset.cli.app import app
from offset.cli.run import EXIT_UNVERIFIED
from offset.common.messages import Msg, text
from offset.documents.times import shown_time
from offset.jobs.run import run_scenario
from offset.ledger import Ledger
from offset.scenario import Scenario, run_state
from tests.ledger.conftest import behind_the_triggers
from tests.scenario.conftest import PV_ROWS, WriteScenario

runner = CliRunner()
FORGED = 7_777  # a figure no table of the scenario holds


def _said(output: str) -> str:
    return " ".join(output.split())


def _unchanged_words() -> str:
    """What a re-run that changes nothing says, up to the time it names."""
    said = " ".join(text(Msg("cli.unchanged", written="\ue000"), "en").split())
    return said.partition("\ue000")[0]


def _ledger_issued(url: str) -> dict[int, int]:
    """Credits issued per vintage, straight from the ledger's transactions (no offset read)."""
    book = Ledger.open(url)
    try:
        with book.engine.connect() as conn:
            rows = conn.execute(
                sql(
                    "SELECT c.vintage, SUM(t.quantity) FROM transactions t"
                    " JOIN credit_classes c ON c.id = t.class_id WHERE t.kind = 'issue'"
                    " GROUP BY c.vintage"
                )
            ).all()
    finally:
        book.engine.dispose()
    return {int(fy): int(quantity) for fy, quantity in rows}


def _edit_kept(out: Path, name: str, column: str) -> None:
    """The run state's table `name` with `column` set to FORGED (what a stale or edited state
    would hold)."""
    path = out / run_state.FOLDER / f"{name}.parquet"
    frame = pd.read_parquet(path)
    frame[column] = FORGED
    frame.to_parquet(path, index=False)


def test_a_rerun_prints_the_ledger_s_figures_not_the_state_s(
    db_url: str, tmp_path: Path, write_scenario: WriteScenario
) -> None:
    path = write_scenario(files={"pv.csv": PV_ROWS})
    out = tmp_path / "out"
    run = ["run", str(path), "--db", db_url, "--out", str(out), "--no-pdf", "--lang", "en"]
    assert runner.invoke(app, run).exit_code == 0
    issued = _ledger_issued(db_url)
    assert issued
    assert all(issued.values())
    again = runner.invoke(app, run)
    assert again.exit_code == 0, again.output
    assert _unchanged_words() in _said(again.output)  # answered from the state
    # naming when the report it left (as that run wrote it) was written
    written = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["created"]
    assert f"({shown_time(written, 'en')})" in _said(again.output)
    for table, column in (("summary", "issued"), ("fulfilment", "delivered")):
        _edit_kept(out, table, column)
        rerun = runner.invoke(app, run)
        assert rerun.exit_code == 0, rerun.output
        assert f"{FORGED:,}" not in rerun.output
        assert str(FORGED) not in rerun.output
        assert _unchanged_words() not in _said(rerun.output)  # made in full
        kept = pd.read_parquet(out / run_state.FOLDER / f"{table}.parquet")  # written again
        assert FORGED not in kept[column].to_list()
        assert _unchanged_words() in _said(runner.invoke(app, run).output)  # a true state again
    scenario = Scenario.from_toml(path)
    outcome = run_scenario(scenario, out=out, database=db_url, pdf=False, lang="en")
    assert outcome.unchanged
    summary = outcome.tables["summary"]
    assert dict(zip(summary["fy"], summary["issued"], strict=True)) == issued


def test_a_state_naming_a_transaction_the_ledger_does_not_hold_is_not_trusted(
    tmp_path: Path, write_scenario: WriteScenario
) -> None:
    path = write_scenario(files={"pv.csv": PV_ROWS})
    out, url = tmp_path / "out", f"sqlite:///{tmp_path / 'ledger.db'}"
    scenario = Scenario.from_toml(path)
    first = run_scenario(scenario, out=out, database=url, pdf=False)
    state = run_state.read(out)
    assert state is not None
    forged = run_state.RunState(
        state.fingerprint, state.database, state.head, state.first_seq,
        (*state.transactions, "mini:pv:fy2099:issue"), state.warnings, state.tables,
    )  # fmt: skip
    kept = run_state.tables(out, state)
    assert kept is not None
    run_state.write(out, forged, kept)
    again = run_scenario(scenario, out=out, database=url, pdf=False)
    assert not again.unchanged
    assert again.already_there == first.posted  # what the ledger holds: not the state's 1 more
    assert run_scenario(scenario, out=out, database=url, pdf=False).unchanged


def test_a_restated_run_answers_its_rerun_with_the_ledger_s_restatements(
    tmp_path: Path, write_scenario: WriteScenario
) -> None:
    """A run that restated an FY; its re-run answers from the state, the restatements (and
    their reasons, in the run's language) read from the ledger as the run printed them."""
    path = write_scenario(files={"pv.csv": PV_ROWS})
    out, url = tmp_path / "out", f"sqlite:///{tmp_path / 'ledger.db'}"
    run_scenario(Scenario.from_toml(path), out=out, database=url, pdf=False)
    write_scenario(files={"pv.csv": PV_ROWS.replace("6000,5000", "9000,8000")})
    scenario = Scenario.from_toml(path)
    restated = run_scenario(scenario, out=out, database=url, pdf=False, lang="ja")
    assert restated.restatements
    assert not restated.unchanged
    again = run_scenario(scenario, out=out, database=url, pdf=False, lang="ja")
    assert again.unchanged
    for name, frame in restated.tables.items():
        pd.testing.assert_frame_equal(again.tables[name], frame, check_dtype=False)


def test_an_entry_edited_behind_the_state_is_never_printed_as_true(
    tmp_path: Path, write_scenario: WriteScenario
) -> None:
    """The ledger edited by hand after the run (an issuance's quantity): the re-run does not
    answer from the state; the report is written marked, and the command exits 4."""
    path = write_scenario(files={"pv.csv": PV_ROWS})
    out, url = tmp_path / "out", f"sqlite:///{tmp_path / 'ledger.db'}"
    run = ["run", str(path), "--db", url, "--out", str(out), "--no-pdf", "--lang", "en"]
    assert runner.invoke(app, run).exit_code == 0
    book = Ledger.open(url)
    behind_the_triggers(
        book, f"UPDATE transactions SET quantity = {FORGED} WHERE id = 'mini:pv:fy2022:issue'"
    )
    book.engine.dispose()
    again = runner.invoke(app, run)
    assert again.exit_code == EXIT_UNVERIFIED, again.output
    assert _unchanged_words() not in _said(again.output)
