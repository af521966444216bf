"""`offset run` as a user runs it: the report, a re-run, a broken file, changed inputs."""

from __future__ import annotations

import shutil
from pathlib import Path

from typer.testing import CliRunner

from offset.cli.app import app
from offset.ledger import Ledger
from tests.conftest import EXAMPLES
from tests.scenario.conftest import MINIMAL, PV_ROWS, WriteScenario

runner = CliRunner()


def test_run_rerun_and_report(write_scenario: WriteScenario, tmp_path: Path) -> None:
    path = write_scenario()
    out = tmp_path / "report"
    first = runner.invoke(app, ["run", str(path), "--out", str(out)])
    assert first.exit_code == 0, first.output
    # 3.5 t a FY: FY2022 issues 3 and carries 0.5; FY2023 issues 4; the deal transfers 3 a FY.
    assert "Posted 4 transactions to the ledger." in first.output
    assert f"report: {out / 'report.html'}" in first.output
    assert (out / "ledger.db").is_file()
    assert (out / "manifest.json").is_file()
    assert (out / "report.pdf").is_file()  # the CLI's default (the other tests here: --no-pdf)
    # a municipality's scenario reports in Japanese by default, parties by name
    issuance = (out / "tables" / "issuance.csv").read_text(encoding="utf-8-sig").splitlines()
    assert issuance[0].startswith(
        "年度,プロジェクト,プロジェクト名,保有者,クレジットの種類,クレジット対象量 (t-CO2)"
    )
    assert issuance[1:] == [
        "2022,pv,pv,Town,J-Credit,3.5,0.0,3,0,3,0.5,今回記録,",  # no plan figure: as planned
        "2023,pv,pv,Town,J-Credit,3.5,0.5,4,0,4,0.0,今回記録,",
    ]

    again = runner.invoke(app, ["run", str(path), "--out", str(out)])
    assert again.exit_code == 0, again.output
    assert "Nothing changed since the last run" in again.output  # answered from run-state/
    assert "Nothing new: all 4 transactions of this scenario were already in the ledger" in (
        again.output
    )


def test_broken_scenario_lists_problems_and_posts_nothing(
    write_scenario: WriteScenario, tmp_path: Path
) -> None:
    path = write_scenario(MINIMAL.replace('owner = "town"', 'owner = "nobody"'))
    result = runner.invoke(app, ["run", str(path), "--out", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert "1 problem(s); nothing was computed or posted." in result.output
    assert f"{path}, key projects.pv.owner: unknown party 'nobody'" in result.output
    assert not (tmp_path / "out").exists()


def test_bad_data_row_is_named_and_nothing_is_posted(
    write_scenario: WriteScenario, tmp_path: Path
) -> None:
    path = write_scenario(files={"pv.csv": PV_ROWS.replace("5,2015-04-01", "five,2015-04-01")})
    result = runner.invoke(app, ["run", str(path), "--out", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert f"{path.parent / 'pv.csv'}, row 2, column 'capacity_kw'" in result.output
    assert not (tmp_path / "out" / "ledger.db").exists()


def test_changed_inputs_are_restated_not_refused(
    write_scenario: WriteScenario, tmp_path: Path
) -> None:
    path = write_scenario()
    out = tmp_path / "out"
    run = ["run", str(path), "--out", str(out), "--lang", "en", "--no-pdf"]
    assert runner.invoke(app, run).exit_code == 0
    book = Ledger.open(f"sqlite:///{out / 'ledger.db'}")

    # System a self-consumes 6,000 kWh, not 5,000: 3.0 + 1.0 = 4.0 t a FY. FY2022 was issued 3
    # (0.5 carried): now 4, carried 0; FY2023 was 3.5 + 0.5 = 4 and is 4.0 + 0 = 4 still.
    write_scenario(files={"pv.csv": PV_ROWS.replace("6000,5000", "6000,6000")})
    result = runner.invoke(app, run)
    assert result.exit_code == 0, result.output
    restated = (out / "tables" / "restatements.csv").read_text().splitlines()
    assert len(restated) == 2
    assert restated[0].startswith("\ufeffFY,Project,Project name,Owner,Restates,Before (credits),")
    assert restated[1].startswith("2022,pv,pv,Town,mini:pv:fy2022:issue,3,4,1,1,0,0,0,")
    # the row that caused it, named by its identifier, with the field that changed (compared
    # with the results file of the last run)
    assert (
        "rows changed: row 2 (system_id a, fy 2022): self_consumed_kwh 5,000 -> 6,000"
        in (restated[1])
    )
    assert "data file changed" in restated[1]
    issued = {tx.id: tx.amount for tx in book.statement("town/holding")}
    assert issued["mini:pv:fy2022:restate1:issue"] == 1
    held = {(b.account, b.vintage): b.quantity for b in book.balances()}
    # FY2022: 3 issued and 3 delivered to the firm (settled, left as it was), then +1
    assert held[("town/holding", 2022)] == 1
    assert held[("firm/holding", 2022)] == 3
    assert book.verify() == []
    again = runner.invoke(app, run)
    assert "Nothing new" in again.output
    # An FY's issuance is (scenario name, project, FY): a renamed scenario file finds it too.
    renamed = path.rename(path.with_name("town-2024.toml"))
    moved = runner.invoke(app, ["run", str(renamed), "--out", str(out), "--lang", "en", "--no-pdf"])
    assert "Nothing new" in moved.output
    renamed.rename(path)
    assert "restated" not in again.output

    # System a self-consumes 1,000 kWh: 0.5 + 1.0 = 1.5 t a FY: FY2022 1 (was 4), FY2023 2
    # (0.5 carried in, was 4). The town holds 1 of FY2022 and 1 of FY2023 (3 of each delivered).
    write_scenario(files={"pv.csv": PV_ROWS.replace("6000,5000", "6000,1000")})
    before = book.balances()
    dry = runner.invoke(app, [*run, "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "would restate" in dry.output
    assert "nothing was written" in dry.output
    assert book.balances() == before
    lower = runner.invoke(app, run)
    assert lower.exit_code == 0, lower.output
    rows = (out / "tables" / "restatements.csv").read_text().splitlines()[1:]
    assert [r.split(",")[:12] for r in rows] == [  # the ledger's history: the first one stays
        ["2022", "pv", "pv", "Town", "mini:pv:fy2022:issue", "3", "4", "1", "1", "0", "0", "0"],
        ["2022", "pv", "pv", "Town", "mini:pv:fy2022:issue", "4", "1", "-3", "0", "1", "0", "2"],
        ["2023", "pv", "pv", "Town", "mini:pv:fy2023:issue", "4", "2", "-2", "0", "1", "0", "1"],
    ]
    report = (out / "report.html").read_text(encoding="utf-8")
    assert "could not be taken back (Town (town) and the buffer no longer hold them)" in report
    # no holding negative (only an issuance account, the source of every serial, is)
    assert all(b.quantity >= 0 for b in book.balances() if not b.account.startswith("issuance:"))
    held = {(b.account, b.vintage): b.quantity for b in book.balances()}
    assert ("town/holding", 2022) not in held
    assert ("town/holding", 2023) not in held
    assert held[("firm/holding", 2022)] == 3  # deliveries are never unwound
    assert book.verify() == []
    book.engine.dispose()


def test_factor_overlay_from_the_scenario(write_scenario: WriteScenario, tmp_path: Path) -> None:
    """`options.factors` layers a user's tables over the shipped ones, for every project."""
    overlay = tmp_path / "my_factors"
    shutil.copytree(EXAMPLES / "my_factors", overlay)
    modelled = (
        "system_id,municipality,prefecture,capacity_kw,commissioned,self_consumption_ratio\n"
        "z,town,nagano,10,2015-04-01,0.5\n"
    )
    toml = MINIMAL.replace("[parties.town]", '[options]\nfactors = "my_factors"\n\n[parties.town]')
    path = write_scenario(toml, files={"pv.csv": modelled})
    result = runner.invoke(app, ["run", str(path), "--out", str(tmp_path / "out"), "--no-pdf"])
    assert result.exit_code == 0, result.output
    rows = (tmp_path / "out" / "results" / "pv-fy2022.csv").read_text().splitlines()
    assert "pv_yield:nagano" in rows[1]  # the user's row, not the national fallback
    manifest = (tmp_path / "out" / "manifest.json").read_text(encoding="utf-8")
    assert str(overlay) in manifest

    (overlay / "pv_yield.csv").write_text("region,value\nnagano,oops\n", encoding="utf-8")
    broken = runner.invoke(app, ["run", str(path), "--out", str(tmp_path / "out2")])
    assert broken.exit_code == 2
    assert "pv_yield.csv" in broken.output


def test_rows_outside_the_fys_are_reported_not_dropped_silently(
    write_scenario: WriteScenario, tmp_path: Path
) -> None:
    rows = (
        "system_id,municipality,prefecture,capacity_kw,commissioned,fy,generation_kwh,"
        "self_consumed_kwh,grid_factor_t_co2_per_kwh\n"
        "a,town,nagano,5,2015-04-01,2022,6000,5000,0.0005\n"
        "b,town,nagano,5,2015-04-01,2030,6000,5000,0.0005\n"
    )
    path = write_scenario(files={"pv.csv": rows})
    result = runner.invoke(app, ["run", str(path), "--out", str(tmp_path / "out"), "--no-pdf"])
    assert result.exit_code == 0, result.output
    assert (
        "pv: 1 rows of pv.csv have an fy outside the FYs the project is active in" in result.output
    )


FOREST = """
[scenario]
name = "harvest"
fiscal_years = [2022, 2023]

[parties.village]
kind = "municipality"
name = "Village"
jis_code = "209999"
prefecture = "nagano"

[projects.wood]
method = "forest"
data = "stands.csv"
owner = "village"
instrument = "J-Credit"
methodology = "FO-001"
"""


def test_a_harvest_beyond_growth_is_drawn_from_the_buffer(
    write_scenario: WriteScenario, tmp_path: Path
) -> None:
    # hinoki >= 21 yr: k = 0.407 x 1.24 x 1.26 x 0.51 x 44/12 = 1.19185 t-CO2/m3 of stem.
    # FY2022: 90 m3 of growth = 107.27 t: 107 credits, 4 of them (3 %, rounded up) to the buffer.
    # FY2023: 1 m3 of growth, 5 m3 harvested = -4.767 t, +0.266 t carried in: -4.501 t. Not a
    # negative issuance: a reversal, the 4 buffer credits cancelled, the 0.501 t left a debt.
    stands = (
        "stand_id,municipality,species,area_ha,age_yr,managed,fy,growth_m3_per_ha_yr,harvested_m3\n"
        "s1,village,hinoki,1,25,true,2022,90,0\n"
        "s1,village,hinoki,1,26,true,2023,1,5\n"
    )
    path = write_scenario(FOREST, files={"stands.csv": stands})
    out = tmp_path / "out"
    done = runner.invoke(app, ["run", str(path), "--out", str(out), "--no-pdf"])
    assert done.exit_code == 0, done.output
    ledger = Ledger.open(f"sqlite:///{out / 'ledger.db'}")
    held = {
        (b.account, b.vintage): b.quantity
        for b in ledger.balances()
        if b.quantity and not b.account.startswith("issuance:")  # the mint's -107
    }
    assert held == {
        ("village/holding", 2022): 103,
        ("cancellation:reversal", 2022): 4,
    }
    assert ledger.quantities(["harvest:wood:fy2023:reversal-v2022"]) == {
        "harvest:wood:fy2023:reversal-v2022": 4
    }
    again = runner.invoke(app, ["run", str(path), "--out", str(out), "--no-pdf"])
    assert again.exit_code == 0, again.output
    assert "Nothing new" in again.output  # the reversal is not restated as a changed issuance
