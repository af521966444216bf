"""Which year's grid factor a FY's figures use (issue 17): the reporting and results rules,
hand-checked on the same reductions, recorded in factor ids and manifests, chosen on the CLI and
in a scenario, and filled in by a user's overlay of the missing FYs."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from offset.cli.app import app
from offset.common.messages import Msg, text
from offset.common.problems import InputError
from offset.factors import FactorLibrary
from offset.factors.years import lag
from offset.scenario import Scenario
from offset.scenario.factor_use import factor_use
from offset.scenario.restate import _reasons
from tests.conftest import REPOSITORY, Calc
from tests.reports import read_table

runner = CliRunner()
SCENARIOS = REPOSITORY / "scenarios"
MWH_1000 = {  # 1,000,000 kWh metered: the reduction in t is the factor in g/kWh
    "system_id": "pv-1",
    "municipality": "ina",
    "prefecture": "nagano",
    "capacity_kw": 900.0,
    "commissioned": "2015-04-01",
    "generation_kwh": 1_000_000,
    "self_consumed_kwh": 1_000_000,
    "auxiliary_kwh": 0,
}


def test_the_lag_follows_the_tables_declared_year(factors: FactorLibrary) -> None:
    grid = factors["grid_electricity"].spec
    assert grid.year_basis == "results_year"  # the lists are published per results FY
    assert lag(grid, "reporting") == -1
    assert lag(grid, "results") == 0
    assert lag(factors["fuel"].spec, "reporting") == 0  # a regime: its FY starts a period


def test_the_same_fy2024_reduction_under_both_rules(calc: Calc) -> None:
    results = calc("solar", [MWH_1000], factor_year="results").results.iloc[0]
    reporting = calc("solar", [MWH_1000], factor_year="reporting").results.iloc[0]
    # results: the FY2024 results national average 0.000423 (MOE/METI list -R6年度実績-,
    # grid-fy2024.csv) x 1,000,000 kWh = 423 t.
    assert results["reduction_tco2e"] == pytest.approx(423.0)
    assert results["grid_factor_id"] == (
        "grid_electricity:national_average/overall/national_average@2024[results]"
    )
    assert results["grid_factor_years_back"] == 0
    # reporting: FY2024 emissions take the FY2023 results list. Its national average could be
    # read only in a code seed file (0.000423, labelled 「全国平均係数 2025-07-18更新」): on time,
    # and flagged unverified on the row.
    assert reporting["reduction_tco2e"] == pytest.approx(423.0)
    assert reporting["grid_factor_id"] == (
        "grid_electricity:national_average/overall/national_average@2023[reporting]"
    )
    assert reporting["grid_factor_years_back"] == 0
    assert reporting["uses_unverified"]
    assert not results["uses_unverified"]


def test_fy2022_figures_want_the_fy2021_national_average_and_say_what_they_took(
    calc: Calc,
) -> None:
    # Under the reporting rule FY2022 figures take the FY2021 results list's national average.
    # No copy of that list could be read (research/grid.md: not found for FY2019-FY2022), so
    # the row takes the latest earlier one, FY2018's 0.000462 (Kyushu EPCo's notice quoting
    # the FY2018 list), and says so: the rule it fell to, the FY it wanted and how far back.
    done = calc("solar", [MWH_1000], fy=2022)
    row = done.results.iloc[0]
    assert row["reduction_tco2e"] == pytest.approx(462.0)
    assert row["grid_factor_id"] == (
        "grid_electricity:national_average/overall/national_average@2018[reporting]"
    )
    assert row["grid_factor_years_back"] == 3  # it wanted the FY2021 row
    assert row["grid_factor_fallback"] == 4
    assert {
        "column": "grid_factor_fallback",
        "level": 4,
        "rule": "the same row of an earlier FY's list (stale)",
        "rows": 1,
    } in done.manifest["fallbacks"]
    warning = " ".join(done.warnings)
    assert "the FY2021 row the year rule names for FY2022" in warning


def test_a_kansai_customers_fy2022_figure_takes_the_fy2021_row_under_the_reporting_rule(
    calc: Calc,
) -> None:
    # Kansai EPCo's adjusted factor, read in two independent restatements for FY2021 (奈良の環境
    # 家計簿 notice of 2024-05-23 and a blog citing Kansai's own FY2021 notice: 0.311 kg) and in
    # one for FY2022 (奈良の環境家計簿: 0.434 kg). Both are company-wide rows (the menu is not
    # stated), so the residual menu falls to them, the MOE order's second step, on time.
    row = MWH_1000 | {"grid_entity": "関西電力", "grid_factor_kind": "調整後"}
    reporting = calc("solar", [row], fy=2022, factor_year="reporting").results.iloc[0]
    results = calc("solar", [row], fy=2022, factor_year="results").results.iloc[0]
    # 1,000,000 kWh x 0.000311 t/kWh = 311 t (the FY2021 list serves FY2022 emissions)
    assert reporting["reduction_tco2e"] == pytest.approx(311.0)
    assert reporting["grid_factor_id"] == (
        "grid_electricity:kansai_epco/overall/adjusted@2021[reporting]"
    )
    assert reporting["grid_factor_years_back"] == 0
    assert reporting["grid_factor_fallback"] == 2  # no residual row: the company-wide row
    # 1,000,000 kWh x 0.000434 t/kWh = 434 t (the FY's own results)
    assert results["reduction_tco2e"] == pytest.approx(434.0)
    assert results["grid_factor_id"] == (
        "grid_electricity:kansai_epco/overall/adjusted@2022[results]"
    )


def test_a_menu_of_a_july_update_serves_the_next_fys_figures(calc: Calc) -> None:
    # U-Power's FY2022 menus were published in the July 2023 update of the FY2021 results list
    # (its notice of 2023-07-28: メニューB(GREEN50) 0.000269 t-CO2/kWh), the update that carries
    # the next FY's menus; filed under the list's FY, the reporting rule gives them to FY2022.
    row = MWH_1000 | {
        "grid_entity": "(株)UーPOWER",
        "grid_menu": "メニューB",
        "grid_factor_kind": "調整後",
    }
    done = calc("solar", [row], fy=2022).results.iloc[0]
    assert done["reduction_tco2e"] == pytest.approx(269.0)  # 1,000,000 kWh x 0.000269 t/kWh
    assert done["grid_factor_id"] == "grid_electricity:u_power/B/adjusted@2021[reporting]"
    assert done["grid_factor_fallback"] == 0


def test_fy2025_figures_take_the_fy2024_results_under_the_default(calc: Calc) -> None:
    rows = calc(
        "solar",
        [MWH_1000, MWH_1000 | {"grid_entity": "tepco"}],
        fy=2025,
    ).results
    # national average 0.000423 and TEPCO EP's residual menu M 0.000452 of the FY2024 list
    assert rows["reduction_tco2e"].tolist() == pytest.approx([423.0, 452.0])
    assert rows["grid_factor_years_back"].tolist() == [0, 0]
    assert rows["grid_factor_id"].iloc[1] == "grid_electricity:tepco/residual/basic@2024[reporting]"


def test_an_overlay_of_the_missing_fy_is_used_on_time(tmp_path: Path, calc: Calc) -> None:
    overlay = tmp_path / "factors"
    overlay.mkdir()
    # A test value, not a published one: the shape of a row a user copies from the MOE list.
    (overlay / "grid_electricity.csv").write_text(
        "fy,entity,kind,value,unit,source,publisher,published,url,confidence,note\n"
        "2023,national_average,national_average,0.5,kg CO2/kWh,test value,test,2025,,"
        "unverified,not a published figure\n",
        encoding="utf-8",
    )
    row = calc("solar", [MWH_1000], library=FactorLibrary(overlay=overlay)).results.iloc[0]
    assert row["reduction_tco2e"] == pytest.approx(500.0)  # 0.5 kg = 0.0005 t per kWh
    assert row["grid_factor_id"].endswith("@2023[reporting]")
    assert row["grid_factor_years_back"] == 0
    assert row["uses_unverified"]


def test_calc_takes_the_rule_and_records_it(tmp_path: Path) -> None:
    data = tmp_path / "pv.csv"
    data.write_text(
        ",".join(MWH_1000) + "\n" + ",".join(str(v) for v in MWH_1000.values()) + "\n",
        encoding="utf-8",
    )
    target = tmp_path / "out.csv"
    done = runner.invoke(
        app,
        [
            "calc",
            "solar",
            str(data),
            "--fy",
            "2024",
            "--factor-year",
            "results",
            "--out",
            str(target),
        ],
    )
    assert done.exit_code == 0, done.output
    manifest = json.loads(target.with_name("out.manifest.json").read_text(encoding="utf-8"))
    assert manifest["factor_year"]["rule"] == "results"
    assert manifest["factor_year"]["tables"]["grid_electricity"] == {
        "year_basis": "results_year",
        "lag": 0,
    }
    assert "@2024[results]" in target.read_text(encoding="utf-8")
    wrong = runner.invoke(app, ["calc", "solar", str(data), "--factor-year", "latest"])
    assert wrong.exit_code == 2
    assert "choose reporting or results" in wrong.output


def test_a_scenario_chooses_its_rule_and_a_typo_is_refused(tmp_path: Path) -> None:
    source = SCENARIOS / "settlement-area.toml"
    text = source.read_text(encoding="utf-8")
    assert "[options]" in text
    shutil.copytree(SCENARIOS / "data", tmp_path / "data")
    chosen = tmp_path / "chosen.toml"
    chosen.write_text(text.replace("[options]", '[options]\nfactor_year = "results"'), "utf-8")
    assert Scenario.from_toml(chosen).options.factor_year == "results"
    typo = tmp_path / "typo.toml"
    typo.write_text(text.replace("[options]", '[options]\nfactor_year = "latest"'), "utf-8")
    with pytest.raises(InputError) as e:
        Scenario.from_toml(typo)
    assert any(p.key == "options.factor_year" for p in e.value.problems)


def test_the_readme_states_the_rule_with_its_source() -> None:
    readme = (REPOSITORY / "README.md").read_text(encoding="utf-8")
    assert "--factor-year" in readme
    assert "令和7年度の温室効果ガス排出量を算定する際に用いる係数" in readme


def test_factors_list_counts_the_unverified_rows_a_scenario_uses() -> None:
    scenario = Scenario.from_toml(SCENARIOS / "shinjuku-ina.toml")
    use = factor_use(scenario, FactorLibrary(overlay=scenario.factor_overlay()))
    # Shinjuku-Ina's forest is mostly larch, whose parameters no source confirmed.
    assert "forest_species:karamatsu/wood_density" in use["forest_species"].unverified
    assert use["forest_species"].unverified <= use["forest_species"].ids
    shown = runner.invoke(
        app, ["factors", "list", "--scenario", str(SCENARIOS / "shinjuku-ina.toml")]
    )
    assert shown.exit_code == 0, shown.output
    total = sum(len(u.unverified) for u in use.values())
    assert f"{total} unverified factor rows in use" in shown.output


def test_offset_run_records_the_rule_it_was_given(tmp_path: Path) -> None:
    out = tmp_path / "out"
    done = runner.invoke(
        app,
        [
            "run",
            str(SCENARIOS / "shinjuku-ina.toml"),
            "--factor-year",
            "results",
            "--out",
            str(out),
            "--no-pdf",
        ],
    )
    assert done.exit_code == 0, done.output
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["factor_year"]["rule"] == "results"


def test_changing_the_rule_in_a_later_year_restates_and_says_why(tmp_path: Path) -> None:
    """Year 1 issued under `results`; year 2 runs under the default: the FYs whose PV figures
    moved are restated, each naming the rule change (not 'the same data and factors')."""
    out = tmp_path / "out"
    scenario = str(SCENARIOS / "settlement-area.toml")
    first = runner.invoke(
        app, ["run", scenario, "--factor-year", "results", "--out", str(out), "--no-pdf"]
    )
    assert first.exit_code == 0, first.output
    second = runner.invoke(app, ["run", scenario, "--out", str(out), "--no-pdf"])
    assert second.exit_code == 0, second.output
    restated = read_table(out, "restatements")
    assert len(restated) > 0
    said = text(Msg("restate.year_rule", old="results", new="reporting"), "ja")
    assert restated["reason"].str.contains(said, regex=False).all()  # the report's language


def test_an_issuance_recorded_before_the_rule_counts_as_results() -> None:
    def said(before: dict[str, Any], now: dict[str, Any]) -> str:
        return "; ".join(text(reason, "en") for reason in _reasons(before, now, None))

    before = {"input": {"sha256": "a"}}  # no factor_year: recorded before the rule existed
    assert "year rule changed" not in said(before, {"input": {"sha256": "a"}})
    now = {"input": {"sha256": "a"}, "factor_year": "reporting"}
    assert "grid factor year rule changed (results -> reporting)" in said(before, now)


def test_credits_take_the_reduction_fys_own_factor_under_j_credit(factors: FactorLibrary) -> None:
    import pandas as pd

    from offset.methods import CalcOptions
    from offset.methods.calculation import calculate

    frame = pd.DataFrame([MWH_1000 | {"grid_entity": "九州電力", "grid_factor_kind": "adjusted"}])
    options = CalcOptions(fy=2024, file="pv.csv", credit_factor_year="results")
    done = calculate("solar", frame, factors, options)
    row = done.results.iloc[0]
    # The 実行計画 figure keeps the MOE rule: FY2024 emissions, the FY2023 results list; Kyushu's
    # residual menu B there, 0.000417, was read only in a code seed file (unverified): 417 t.
    assert row["reduction_tco2e"] == pytest.approx(417.0)
    assert row["grid_factor_id"] == (
        "grid_electricity:kyushu_epco/residual/adjusted@2023[reporting]"
    )
    # The credits: the FY the reduction occurred in (J-Credit monitoring rules 2.4.1), the
    # FY2024 list's Menu B (残差) 0.000472: 472 t.
    assert row["creditable_tco2e"] == pytest.approx(472.0)
    assert row["credit_grid_factor_t_co2_per_kwh"] == 0.000472
    assert row["credit_grid_factor_id"] == (
        "grid_electricity:kyushu_epco/residual/adjusted@2024[results]"
    )
    assert row["credit_grid_factor_years_back"] == 0
    assert row["uses_unverified"]  # the plan figure's factor
    assert done.manifest["credit_factor_year"] == "results"


def test_a_j_credit_issuance_records_its_rule_and_a_municipal_credit_the_runs() -> None:
    from offset.scenario.compute import compute_all, load_data
    from offset.scenario.kept import kept
    from offset.scenario.year_plan import plan_run

    scenario = Scenario.from_toml(SCENARIOS / "settlement-area.toml").until(2021)
    factors = FactorLibrary(overlay=scenario.factor_overlay())
    data, problems = load_data(scenario, factors)
    assert not problems
    computed = compute_all(scenario, data, factors)
    plans = plan_run(scenario, {k: kept(scenario, y) for k, y in computed.items()}, data, factors)
    sources = {name: op["source"] for name, op in plans[-1].issue_ops.items()}
    pv = next(p for p, spec in scenario.projects.items() if spec.method == "solar")
    renovation = next(p for p, spec in scenario.projects.items() if spec.method == "renovation")
    assert scenario.projects[pv].instrument == "J-Credit"
    assert sources[pv]["factor_year"] == "results"
    assert "2.4.1" in sources[pv]["factor_year_why"]
    assert scenario.projects[renovation].instrument == "municipal-credit"
    assert sources[renovation]["factor_year"] == "reporting"
    assert sources[renovation]["factor_year_why"] == "the run's rule"
    # and the figures themselves: the PV credits of FY2021 on the FY2021 list's row (FY2018's
    # national average, none being shipped for FY2021), the plan figures on the FY2020 row's
    pv_rows = computed[(pv, 2021)].result.results
    assert pv_rows["credit_grid_factor_id"].astype(str).str.endswith("[results]").all()
    assert pv_rows["grid_factor_id"].astype(str).str.endswith("[reporting]").all()
    assert "credit_grid_factor_id" not in computed[(renovation, 2021)].result.results


def test_factors_list_names_the_stale_rows_and_the_fys_they_stand_in_for() -> None:
    shown = runner.invoke(
        app, ["factors", "list", "--scenario", str(SCENARIOS / "company-schools-pv.toml")]
    )
    assert shown.exit_code == 0, shown.output
    flat = " ".join(shown.output.split())
    # the FY2019-FY2022 results lists could not be read (README names them)
    assert "the tables lack FY 2019, 2020, 2021" in flat
    assert "offset factors import-grid" in flat


def test_factors_list_takes_several_scenarios_as_a_shell_expands_them() -> None:
    files = [str(SCENARIOS / name) for name in ("shinjuku-ina.toml", "company-schools-pv.toml")]
    together = runner.invoke(app, ["factors", "list", *files])
    assert together.exit_code == 0, together.output
    flags = ["--scenario", files[0], "--scenario", files[1]]
    flagged = runner.invoke(app, ["factors", "list", *flags])
    assert " ".join(together.output.split()) == " ".join(flagged.output.split())
    assert "shinjuku-ina.toml, " in " ".join(together.output.split())  # both named, one table


def test_the_readme_names_every_unverified_row_the_shipped_scenarios_use() -> None:
    """Issue 34's closing rule: no unverified row in use but those the README names with why
    (its table under 'For the six shipped scenarios'); a row named there and no longer used
    must go too."""
    used: set[str] = set()
    for path in sorted(SCENARIOS.glob("*.toml")):
        scenario = Scenario.from_toml(path)
        for use in factor_use(scenario, FactorLibrary(overlay=scenario.factor_overlay())).values():
            used |= use.unverified
    readme = (REPOSITORY / "README.md").read_text(encoding="utf-8")
    table = readme.split("For the six shipped scenarios", 1)[1].split("**Checked at load.**")[0]
    named: set[str] = set()
    for row in table.splitlines()[3:]:
        cell = row.split("|")[1] if row.startswith("|") else ""
        table_name = ""
        for quoted in cell.split("`")[1::2]:  # `table:key`, then further keys of that table
            if ":" in quoted:
                table_name, quoted = quoted.split(":", 1)
            named.add(f"{table_name}:{quoted}")
    by_prefix = {n for n in named if n.endswith("/...")}
    shown = {
        u for u in used if u in named or any(u.startswith(p[: -len("...")]) for p in by_prefix)
    }
    assert used - shown == set(), "unverified rows in use that the README does not name"
    listed = {n for n in named if not n.endswith("/...")}
    assert listed - used == set(), "rows the README names that no shipped scenario uses"
    count = re.search(r"together, (\d+) unverified rows are in use", readme)
    assert count is not None
    assert int(count.group(1)) == len(used)


def test_credit_figures_leave_the_plan_figures_as_they_were() -> None:
    """`with_credit_figures` sets its columns on a shallow copy (copy on write): the plan's
    frame keeps its own figures, the credited frame gets the credit rule's."""
    import pandas as pd

    from offset.methods.calculation import with_credit_figures

    plan = pd.DataFrame(
        {
            "creditable_tco2e": [1.0, 2.0],
            "factor_id": ["g-2023", "g-2023"],
            "uses_unverified": [False, False],
        }
    )
    credited = plan.assign(
        creditable_tco2e=[1.5, 2.5], factor_id=["g-2024", "g-2023"], uses_unverified=[True, False]
    )
    kept = plan.copy()
    out = with_credit_figures(plan, credited)
    pd.testing.assert_frame_equal(plan, kept)
    assert out["creditable_tco2e"].tolist() == [1.5, 2.5]
    assert out["credit_factor_id"].tolist() == ["g-2024", "g-2023"]
    assert out["uses_unverified"].tolist() == [True, False]
