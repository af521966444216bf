"""Scenario files: a valid one loads; a broken one lists every problem with its file and key."""

from __future__ import annotations

from fractions import Fraction

import pytest

from offset.common.problems import InputError
from offset.factors import FactorLibrary
from offset.scenario import Scenario
from tests.scenario.conftest import MINIMAL, SCENARIOS, SHIPPED, WriteScenario


def problems_of(path: object) -> list[str]:
    with pytest.raises(InputError) as caught:
        Scenario.from_toml(path)  # type: ignore[arg-type]
    return [str(p) for p in caught.value.problems]


@pytest.mark.parametrize("name", SHIPPED)
def test_the_shipped_scenarios_load(name: str) -> None:
    scenario = Scenario.from_toml(SCENARIOS / name)
    assert scenario.projects
    assert scenario.agreements
    assert len(scenario.sha256) == 64


def test_three_scenarios_ship_each_documented_and_synthetic() -> None:
    assert {"settlement-area.toml", "shinjuku-ina.toml", "company-schools-pv.toml"} <= set(SHIPPED)
    for name in SHIPPED:
        head = (SCENARIOS / name).read_text(encoding="utf-8").split("[scenario]")[0]
        assert head.startswith("# "), name
        assert "SYNTHETIC" in head, name


def test_minimal_scenario(write_scenario: WriteScenario, factors: FactorLibrary) -> None:
    scenario = Scenario.from_toml(write_scenario())
    assert scenario.name == "mini"
    assert list(scenario.fiscal_years) == [2022, 2023]
    assert scenario.data_path("pv").name == "pv.csv"
    assert scenario.buffer_share("pv", factors) == Fraction(0)
    assert scenario.options.gwp_metric == "AR5"


def test_every_problem_at_once_with_its_key(write_scenario: WriteScenario) -> None:
    broken = (
        MINIMAL.replace('owner = "town"', 'owner = "nobody"')
        .replace('data = "pv.csv"', 'data = "missing.csv"')
        .replace('projects = ["pv"]', 'projects = ["pv", "wind"]')
        .replace("period = [2022, 2023]", "period = [2021, 2023]")
        .replace('beneficiary = "firm"', 'beneficiary = "firm"\nbeneficary_note = "typo"')
    )
    path = write_scenario(broken)
    found = problems_of(path)
    expected = [
        "key agreements.deal.beneficary_note: unknown key (a typo?)",
    ]
    assert found == [f"{path}, {e}" for e in expected]  # shape errors come first, alone
    fixed_shape = broken.replace('beneficary_note = "typo"', "")
    found = problems_of(write_scenario(fixed_shape))
    assert found == [
        f"{path}, key agreements.deal.period:"
        " FY2021-FY2023 is outside the scenario's FY2022-FY2023",
        f"{path}, key agreements.deal.projects: unknown project 'wind'",
        f"{path}, key projects.pv.data: data file not found: {path.parent / 'missing.csv'}",
        f"{path}, key projects.pv.owner: unknown party 'nobody'",
    ]


@pytest.mark.parametrize(
    ("change", "key", "message"),
    [
        (('owner = "town"', 'owner = "firm"'), "agreements.deal.projects",
         "pv belongs to firm, who is neither the provider nor one of the others"),
        (('rule = "fixed", tonnes = 3', 'rule = "fixed"'), "agreements.deal.volume.tonnes",
         "a fixed volume needs `tonnes`"),
        (('instrument = "J-Credit"', 'instrument = "prefectural-certificate"'),
         "agreements.deal.delivery",
         "prefectural-certificate (pv) is not transferable: use delivery = 'retire'"),
        (('instrument = "J-Credit"', 'instrument = "gold-stars"'), "projects.pv.instrument",
         "unknown instrument; choose one of J-Credit, J-VER, municipal-credit,"
         " prefectural-certificate, municipal-certificate"),
        (('jis_code = "209999"\n', ""), "parties.town",
         "a municipality needs its jis_code and prefecture"),
        (("fiscal_years = [2022, 2023]", "fiscal_years = [2024, 2023]"), "scenario.fiscal_years",
         "the first FY 2024 is after the last 2023"),
        (('method = "solar"', 'method = "wind"'), "projects.pv.method",
         "unknown method; choose one of solar, renovation, forest, forest-stock, savings"),
        (('delivery = "transfer"', 'delivery = "post"'), "agreements.deal.delivery",
         "Input should be 'transfer' or 'retire'"),
        (('name = "mini"', 'name = "Mini Area"'), "scenario.name",
         "String should match pattern '^[a-z0-9][a-z0-9-]*$'"),
        (('delivery = "transfer"', 'delivery = "retire"\nbeneficiary_retires = true'),
         "agreements.deal.beneficiary_retires", "applies only to delivery = 'transfer'"),
        (('delivery = "transfer"', 'delivery = "retire"\npurpose = "offsetting"'),
         "agreements.deal.purpose",
         "unknown purpose 'offsetting'; one of ghg_act, energy_saving_act, carbon_offset, cdp,"
         " sbt, re100, shift_asset, keidanren_cn, other"),
    ],
)  # fmt: skip
def test_one_problem(
    write_scenario: WriteScenario, change: tuple[str, str], key: str, message: str
) -> None:
    assert change[0] in MINIMAL
    path = write_scenario(MINIMAL.replace(*change))
    assert problems_of(path) == [f"{path}, key {key}: {message}"]


def test_not_toml_and_missing_file(write_scenario: WriteScenario) -> None:
    path = write_scenario("[scenario\nname = 1")
    (problem,) = problems_of(path)
    assert problem.startswith(f"{path}: not valid TOML:")
    missing = path.parent / "nope.toml"
    assert problems_of(missing) == [f"{missing}: cannot read: No such file or directory"]


def test_missing_tables_are_named(write_scenario: WriteScenario) -> None:
    path = write_scenario('[scenario]\nname = "x"\nfiscal_years = [2022, 2022]\n')
    assert problems_of(path) == [
        f"{path}, key parties: Field required",
        f"{path}, key projects: Field required",
    ]
