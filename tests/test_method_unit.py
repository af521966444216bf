"""A method is a unit (issue 26): every table that lists methods knows each one.

`where_missing` names each table (the CLI's help, docs/input-columns.md, `offset columns`, the
words in both languages, the scenario file's check, the 実行計画 table, the report) that does
not know a method. It is empty for every shipped method; for a method registered only in
`METHODS` it names exactly the two lists kept by hand (the CLI loads no method to draw its
help, and the docs are a file), so every other table is derived and cannot miss one.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from offset.cli.choices import METHOD_NAMES
from offset.cli.columns import document
from offset.common.messages import Lang
from offset.documents.terms import column_label, term, value_term, words
from offset.factors import FactorLibrary
from offset.intake.columns import MUNICIPALITY, Contract, number
from offset.jobs.run import RunOutcome, run_scenario
from offset.methods import METHODS, CalcOptions, Method
from offset.methods.method import PlanChart, PlanFigure
from offset.scenario import Scenario
from offset.scenario.year_plan import results_file
from tests.conftest import EXAMPLES, REPOSITORY
from tests.reports import read_table

DOCS = REPOSITORY / "docs" / "input-columns.md"
LANGS: tuple[Lang, ...] = ("en", "ja")
DATA = {
    "solar": EXAMPLES / "solar_pv.csv",
    "renovation": EXAMPLES / "renovation.csv",
    "forest": EXAMPLES / "forest_stands.csv",
    "forest-stock": EXAMPLES / "forest_stock.csv",
    "savings": EXAMPLES / "facility_savings.csv",
}


def scenario_text(methods: dict[str, Path]) -> str:
    """One town owning one project per method, for FY2024."""
    head = """
[scenario]
name = "every-method"
fiscal_years = [2024, 2024]

[parties.town]
kind = "municipality"
name = "Town"
jis_code = "209999"
prefecture = "nagano"
"""
    projects = "".join(
        f'\n[projects.p-{n}]\nmethod = "{name}"\ndata = "{path}"\nowner = "town"\n'
        'instrument = "J-Credit"\n'
        for n, (name, path) in enumerate(methods.items())
    )
    return head + projects


def run(tmp_path: Path, methods: dict[str, Path], lang: Lang) -> RunOutcome:
    path = tmp_path / f"scenario-{lang}.toml"
    path.write_text(scenario_text(methods), encoding="utf-8")
    out = tmp_path / f"out-{lang}"
    database = f"sqlite:///{tmp_path / f'{lang}.db'}"
    return run_scenario(Scenario.from_toml(path), out=out, database=database, lang=lang)


def where_missing(name: str, runs: dict[Lang, RunOutcome]) -> list[str]:
    """The tables that do not know method `name` (`runs`: a run holding one of its projects,
    in each language)."""
    method = METHODS[name]
    missing = []
    if name not in METHOD_NAMES:
        missing.append("cli choices")
    if f"## `{name}`:" not in DOCS.read_text(encoding="utf-8"):
        missing.append("docs/input-columns.md")
    if f"## `{name}`: {method.summary}" not in document():
        missing.append("offset columns")
    own_columns = [f.column for f in method.plan]
    if method.reductions_line is not None:
        own_columns.append(f"{name}_tco2e")
    for lang, outcome in runs.items():
        if value_term("method", name, lang) == name:
            missing.append(f"method name ({lang})")
        if any(column_label(c, lang) == c for c in own_columns):
            missing.append(f"plan columns' words ({lang})")
        plan = read_table(outcome.out, "plan")
        if not set(own_columns) <= set(plan.columns):
            missing.append(f"plan table ({lang})")
        page = (outcome.out / "report.html").read_text(encoding="utf-8")
        if value_term("method", name, lang) not in page:
            missing.append(f"report ({lang})")
        titles = [term_of(chart.title, lang) for chart in method.charts]
        if not all(title in page for title in titles):
            missing.append(f"report charts ({lang})")
    return missing


def term_of(pair: tuple[str, str], lang: Lang) -> str:
    return pair[1] if lang == "ja" else pair[0]


@pytest.fixture(scope="module")
def shipped(tmp_path_factory: pytest.TempPathFactory) -> dict[Lang, RunOutcome]:
    tmp_path = tmp_path_factory.mktemp("every-method")
    return {lang: run(tmp_path, DATA, lang) for lang in LANGS}


def test_every_table_knows_every_method(shipped: dict[Lang, RunOutcome]) -> None:
    assert set(DATA) == set(METHODS)
    for name in METHODS:
        assert where_missing(name, shipped) == [], name


def test_each_method_adds_its_own_figures_to_the_plan(shipped: dict[Lang, RunOutcome]) -> None:
    """Solar's capacity and generation, renovation's energy saved, the forests' removals:
    each from its own results (hand-summed here from the computed rows)."""
    outcome = shipped["en"]
    plan = outcome.tables["plan"].set_index("fy").loc[2024]
    results = {name: results_of(outcome, name) for name in METHODS}
    pv = results["solar"]
    in_service = pv["days_in_service"] > 0
    assert plan["capacity_kw"] == pytest.approx(pv.loc[in_service, "capacity_kw"].sum())
    assert plan["systems"] == int(in_service.sum())
    assert plan["generation_mwh"] == pytest.approx(pv["generation_kwh"].sum() / 1000)
    saved = results["renovation"]["energy_saved_kwh"].sum() / 1000
    assert plan["energy_saved_mwh"] == pytest.approx(saved)
    assert plan["solar_tco2e"] == pytest.approx(pv["reduction_tco2e"].sum())
    removals = sum(results[m]["reduction_tco2e"].sum() for m in ("forest", "forest-stock"))
    assert plan["removals_tco2e"] == pytest.approx(removals)


def results_of(outcome: RunOutcome, method: str) -> pd.DataFrame:
    """The FY2024 results file of the run's project of `method`."""
    spec = outcome.scenario.projects
    project = next(p for p in spec if spec[p].method == method)
    return pd.read_csv(outcome.out / results_file(project, 2024), encoding="utf-8-sig")


# --- a method that is not shipped, registered only in METHODS ------------------------------------

BOILER_FACTOR_T_PER_KWH = 0.000249  # t CO2 per kWh of kerosene heat displaced (a test value)


def boiler(frame: pd.DataFrame, factors: FactorLibrary, options: CalcOptions) -> pd.DataFrame:
    heat = frame["heat_kwh"].to_numpy(dtype=np.float64)
    reduction = heat * BOILER_FACTOR_T_PER_KWH
    return pd.DataFrame(
        {
            "municipality": frame["municipality"],
            "fy": np.full(len(frame), options.fy, dtype=np.int16),
            "heat_kwh": heat,
            "reduction_tco2e": reduction,
            "creditable_tco2e": reduction,
            "uses_unverified": np.zeros(len(frame), dtype=bool),
        },
        index=frame.index,
    )


BOILER = Method(
    "test-boiler",
    Contract(
        (MUNICIPALITY, number("heat_kwh", "kWh", "heat delivered", japanese=("供給熱量",))),
        description="One row per boiler.",
    ),
    boiler,
    summary="A biomass boiler (a test method)",
    words=("Test boiler", "試験ボイラー"),
    reductions_line=("Test boiler reductions (t-CO2e)", "試験ボイラーによる削減量 (t-CO2)"),
    plan=(
        PlanFigure(
            "boiler_heat_mwh",
            ("Test boiler heat (MWh)", "試験ボイラーの供給熱量 (MWh)"),
            lambda results: float(results["heat_kwh"].sum()) / 1000,
        ),
    ),
    charts=(
        PlanChart(("Test boiler heat", "試験ボイラーの熱量"), ("boiler_heat_mwh",), ("MWh",) * 2),
    ),
    warnings=lambda results: ["a test boiler's own warning"],
)


def test_a_method_registered_in_methods_reaches_every_derived_table(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(METHODS, BOILER.name, BOILER)
    data = tmp_path / "boilers.csv"
    data.write_text("municipality,供給熱量\ntown,40000\ntown,20000\n", encoding="utf-8")
    runs = {lang: run(tmp_path, {BOILER.name: data}, lang) for lang in LANGS}
    # Only the two lists kept by hand miss it; a test beside each compares it with METHODS.
    assert where_missing(BOILER.name, runs) == ["cli choices", "docs/input-columns.md"]
    plan = runs["en"].tables["plan"].set_index("fy").loc[2024]
    assert plan["boiler_heat_mwh"] == pytest.approx(60.0)
    assert plan["test-boiler_tco2e"] == pytest.approx(60_000 * BOILER_FACTOR_T_PER_KWH)
    assert plan["unassigned_tco2e"] == pytest.approx(60_000 * BOILER_FACTOR_T_PER_KWH)
    assert words("method.test-boiler") == ("Test boiler", "試験ボイラー")
    assert term("column.boiler_heat_mwh", "ja") == "試験ボイラーの供給熱量 (MWh)"
    assert any("a test boiler's own warning" in w for w in runs["en"].warnings)
    reductions = runs["ja"].tables["reductions"]
    assert set(reductions["method"]) == {BOILER.name}
    assert reductions["reduction_tco2e"].sum() == pytest.approx(60_000 * BOILER_FACTOR_T_PER_KWH)
