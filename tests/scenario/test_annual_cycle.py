"""The annual cycle through the CLI, as a town runs it (issue 13): the shipped annual-cycle
scenario FY by FY on one ledger, its files growing each April, a company retiring through the
HTTP API between runs, a late-reported case and a corrected capacity; then the same final files
on a new database. SQLite and PostgreSQL."""

from __future__ import annotations

import shutil
from collections import defaultdict
from pathlib import Path

import pandas as pd
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, inspect
from typer.testing import CliRunner

from offset.api import keys
from offset.api.app import create_app
from offset.cli.app import app
from offset.common import fiscal
from offset.common.messages import LANGS, Msg, text
from offset.ledger import Ledger
from tests.reports import read_table
from tests.scenario.conftest import SCENARIOS

runner = CliRunner()
DATA_CHANGED = [
    text(Msg("restate.data_changed", old="", new="", rows_before=0, rows_after=0), lang)
    for lang in LANGS
]
NAME = "annual-cycle.toml"
LATE = 10  # a PV case commissioned in FY2021 that reached the list only in April 2023
CORRECTED = 5  # its capacity typed 9.54 for 9.45 kW, say; corrected in the FY2023 file


def lists_as_of(fy: int, final: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """The town's files as they stood after the office added FY `fy`'s cases."""
    pv = final["pv"]
    known = fiscal.fiscal_years(pd.to_datetime(pv["commissioned"]).to_numpy()) <= fy
    if fy < 2023:
        known[LATE] = False
    pv = pv[known].copy()
    if fy < 2023 and CORRECTED in pv.index:
        capacity = pv["capacity_kw"].to_numpy(dtype=float, copy=True)
        capacity[pv.index.get_loc(CORRECTED)] += 0.09  # as it was typed before the correction
        pv["capacity_kw"] = capacity.round(2)
    renovation = final["renovation"]
    done = fiscal.fiscal_years(pd.to_datetime(renovation["completed"]).to_numpy()) <= fy
    return {"pv": pv, "renovation": renovation[done], "forest": final["forest"]}


def write(root: Path, files: dict[str, pd.DataFrame]) -> None:
    for key, frame in files.items():
        frame.to_csv(root / "data" / f"annual_cycle_{key}.csv", index=False)


def issued_net(book: Ledger) -> dict[tuple[str, int], int]:
    """Per class: what its issuance account minted and did not take back, less the credits
    cancelled as restatements (read from the ledger's balances, not from offset's tables)."""
    net: dict[tuple[str, int], int] = defaultdict(int)
    for b in book.balances():
        if b.account.startswith("issuance:") or b.account == "cancellation:restatement":
            net[(b.project, b.vintage)] -= b.quantity
    return dict(net)


def test_a_town_runs_five_years_on_one_ledger(db_url: str, tmp_path: Path) -> None:
    root = tmp_path / "town"
    (root / "data").mkdir(parents=True)
    shutil.copy(SCENARIOS / NAME, root / NAME)
    final = {
        key: pd.read_csv(
            SCENARIOS / "data" / f"annual_cycle_{key}.csv", dtype={"decommissioned": str}
        )
        for key in ("pv", "renovation", "forest")
    }
    out = tmp_path / "out"
    run = ["run", str(root / NAME), "--db", db_url, "--out", str(out), "--no-pdf"]
    book = Ledger.open(db_url)
    client = TestClient(create_app(book))
    key = ""
    shortfall: dict[tuple[str, int], int] = {}
    for fy in range(2020, 2025):
        write(root, lists_as_of(fy, final))
        result = runner.invoke(app, [*run, "--fy", str(fy)])
        assert result.exit_code == 0, result.output
        key = key or keys.create(book.engine, "alps-denki")[1]  # the company exists from now on
        restated = read_table(out, "restatements")
        if fy >= 2023:  # the late case counts from FY2021; the capacity is 0.09 kW smaller
            # (the FY2023 run's restatements stay listed after FY2024's: the ledger's history)
            assert 2021 in set(restated["fy"])
            assert set(restated["fy"]) <= {2021, 2022}
            changed = "|".join(m.split("(")[0].strip() for m in DATA_CHANGED)
            assert restated["reason"].str.contains(changed).all()
        else:
            assert restated.empty, restated
        latest = {  # the last restatement of each (project, FY) says what is still owed
            (str(r["project"]), int(r["fy"])): int(r["shortfall"])
            for r in restated.to_dict("records")
        }
        shortfall = {key: owed for key, owed in latest.items() if owed}
        # The company retires through the API, dated today, what it received for the FY.
        held = [
            b
            for b in book.balances(account="alps-denki/holding")
            if b.vintage == fy and b.project == "minamiyama-pv"
        ]
        response = client.post(
            "/api/v1/retirements",
            json={
                "from": "alps-denki/holding",
                "project": "minamiyama-pv",
                "vintage": fy,
                "quantity": held[0].quantity,
                "reason": f"FY{fy} offset",
                "claim_period": f"FY{fy}",
            },
            headers={"Authorization": f"Bearer {key}", "Idempotency-Key": f"alps-{fy}"},
        )
        assert response.status_code == 201, response.text
    assert book.verify() == []
    # Credits are conserved per class: every serial minted is somewhere.
    totals: dict[tuple[str, int], int] = defaultdict(int)
    for b in book.balances():
        totals[(b.project, b.vintage)] += b.quantity
    assert set(totals.values()) == {0}
    # Holdings never go negative.
    assert all(b.quantity >= 0 for b in book.balances() if not b.account.startswith("issuance:"))

    fresh_url = f"sqlite:///{tmp_path / 'fresh.db'}"
    fresh = runner.invoke(
        app,
        ["run", str(root / NAME), "--db", fresh_url, "--out", str(tmp_path / "fresh"), "--no-pdf"],
    )
    assert fresh.exit_code == 0, fresh.output
    again = Ledger.open(fresh_url)
    expected = issued_net(again)
    got = issued_net(book)
    # What the ledger kept, less what could not be taken back, is what the final files compute.
    assert {k: v - shortfall.get(k, 0) for k, v in got.items()} == expected
    # The forest's stands aged: the BEF switch of stand 0 (sugi, 19 in FY2020) in FY2022.
    forest = pd.read_csv(out / "results" / "minamiyama-forest-fy2022.csv")
    assert forest.loc[0, "age_yr"] == 21
    assert str(forest.loc[0, "species_factor_id"]).endswith("sugi/bef_ge21")
    again.engine.dispose()
    book.engine.dispose()


def test_recorded_on_dates_the_run_and_never_goes_back(tmp_path: Path) -> None:
    shutil.copytree(SCENARIOS / "data", tmp_path / "data")
    shutil.copy(SCENARIOS / NAME, tmp_path / NAME)
    url = f"sqlite:///{tmp_path / 'ledger.db'}"
    run = ["run", str(tmp_path / NAME), "--db", url, "--out", str(tmp_path / "out"), "--no-pdf"]
    first = runner.invoke(app, [*run, "--fy", "2020", "--recorded-on", "2021-06-30"])
    assert first.exit_code == 0, first.output
    book = Ledger.open(url)
    dates = {line.effective_date.isoformat() for line in book.statement("minamiyama/holding")}
    assert dates == {"2021-06-30"}
    # The vintage is the FY; the date is when it was recorded.
    assert {b.vintage for b in book.balances(account="minamiyama/holding")} == {2020}
    back = runner.invoke(app, [*run, "--fy", "2021", "--recorded-on", "2021-01-01"])
    assert back.exit_code == 3
    assert "backdated" in back.output
    assert "may not be dated before what is recorded" in back.output
    # The same refusal in Japanese, as the office reads it.
    ja = runner.invoke(app, [*run, "--fy", "2021", "--recorded-on", "2021-01-01", "--lang", "ja"])
    assert ja.exit_code == 3
    assert (
        "FY2021: 台帳は annual-cycle:minamiyama-pv:fy2021:issue を記録しませんでした: backdated"
        in ja.output
    )
    assert "記録済みの日付より前の日付で実行することはできません" in ja.output
    assert "the ledger refused" not in ja.output
    book.engine.dispose()


@pytest.mark.parametrize("fy", ["2019", "2025"])
def test_an_fy_outside_the_scenario_is_refused(fy: str, tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["run", str(SCENARIOS / NAME), "--fy", fy, "--out", str(tmp_path / "out")]
    )
    assert result.exit_code == 2
    assert f"FY{fy} is not in 2020-2024" in result.output
    assert not (tmp_path / "out").exists()


def test_strict_factors_refuses_a_run_that_used_stale_factors(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = runner.invoke(
        app, ["run", str(SCENARIOS / NAME), "--fy", "2020", "--strict-factors", "--out", str(out)]
    )
    assert result.exit_code == 2
    # FY2020 wants the FY2019 results (reporting rule): the FY2018 row is 1 FY older
    assert (
        "--strict-factors: grid_electricity:national_average/overall/national_average"
        "@2018[reporting] is 1 FYs older"
    ) in result.output.replace("\n", " ")
    assert not (out / "ledger.db").exists()


def test_a_dry_run_on_a_database_without_a_ledger_writes_nothing(
    db_url: str, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    run = ["run", str(SCENARIOS / NAME), "--fy", "2021", "--db", db_url, "--out", str(out)]
    dry = runner.invoke(app, [*run, "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "transactions would be posted (0 already in the ledger); nothing was written" in (
        dry.output.replace("\n", " ")
    )
    assert not out.exists()
    engine = create_engine(db_url)
    assert not inspect(engine).has_table("transactions")  # no schema was created
    engine.dispose()


def test_a_dry_run_says_what_each_fy_not_in_the_ledger_would_issue(
    db_url: str, tmp_path: Path
) -> None:
    """The summary a dry run prints holds the ledger's figures: for an FY not posted yet,
    0 issued, and no shortfall ("-": nothing is settled yet, so nothing is short). A line per
    such FY gives the plan's figures, named as the plan: what the run then posts."""
    out = tmp_path / "out"
    run = ["run", str(SCENARIOS / NAME), "--fy", "2020", "--db", db_url, "--out", str(out),
           "--lang", "en", "--no-pdf"]  # fmt: skip
    dry = runner.invoke(app, [*run, "--dry-run"])
    assert dry.exit_code == 0, dry.output
    posted = runner.invoke(app, run)
    assert posted.exit_code == 0, posted.output
    summary = read_table(out, "summary")
    fulfilment = read_table(out, "fulfilment")
    issued = int(summary[summary["fy"] == 2020]["issued"].sum())
    delivered = int(fulfilment[fulfilment["fy"] == 2020]["delivered"].sum())
    assert issued > 0
    said = " ".join(dry.output.split())
    (row,) = [line for line in dry.output.splitlines() if line.startswith("│ 2020 ")]
    assert row.split("│")[-2].strip() == "-", row  # not the whole commitment, short
    assert (
        f"FY2020 is not in the ledger yet: posting it would issue {issued:,} credits and "
        f"deliver {delivered:,} (the plan)"
    ) in said, said
