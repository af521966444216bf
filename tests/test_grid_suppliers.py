"""Suppliers and menus as offices write them (issue 34): names resolve to the grid table's keys,
an unknown supplier is refused naming the closest (or takes the 代替値 when the run says so,
never under --strict-factors), and a menu the list does not give follows the MOE order."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from offset.cli.app import app
from offset.common.problems import InputError
from offset.factors import FactorLibrary
from offset.factors.suppliers import Suppliers, fold, menu_key, spellings
from offset.methods import CalcOptions
from offset.methods.calculation import calculate
from tests.conftest import Calc

runner = CliRunner()
ROW = {  # 1,000,000 kWh metered: the reduction in t is the factor in g/kWh
    "system_id": "pv-1",
    "municipality": "ina",
    "prefecture": "nagano",
    "capacity_kw": 900.0,
    "commissioned": "2015-04-01",
    "generation_kwh": 1_000_000,
    "self_consumed_kwh": 1_000_000,
    "auxiliary_kwh": 0,
}


@pytest.mark.parametrize(
    ("written", "key"),
    [
        ("中部電力ミライズ", "chubu_epco"),
        ("中部電力ミライズ株式会社", "chubu_epco"),
        ("中部電力ミライズ（株）", "chubu_epco"),
        ("株式会社 中部電力ミライズ", "chubu_epco"),
        ("A0270", "chubu_epco"),  # its 登録番号 in the FY2024 list
        ("中部電力", "chubu_epco"),  # the retailer's name before the 2020-04-01 split
        ("東京電力エナジーパートナー株式会社", "tepco"),
        ("東京電力", "tepco"),  # 「当社(旧:東京電力株式会社)」
        ("関西電力", "kansai_epco"),
        ("九州電力(株)", "kyushu_epco"),
        ("ＵＰＯＷＥＲ", None),  # not a spelling of (株)UーPOWER: the dash is part of it
        ("U-POWER", "u_power"),
        ("北海道電力ネットワーク", "hokkaido_td"),
        ("代替値", "alternative_value"),
        ("tepco", "tepco"),
        ("tepcoo", None),
    ],
)
def test_names_offices_write_resolve_to_keys(
    factors: FactorLibrary, written: str, key: str | None
) -> None:
    assert Suppliers.of(factors["grid_electricity"].rows).resolve(written) == key


def test_a_printed_name_holds_its_former_and_other_names() -> None:
    former = set(map(fold, spellings("最適でんき(株)（旧：エナジーサプライ(株)）")))
    assert {fold("最適でんき"), fold("エナジーサプライ")} <= former
    other = set(map(fold, spellings("日本瓦斯(株)(日本ガス(株))")))
    assert {fold("日本瓦斯"), fold("日本ガス")} <= other


@pytest.mark.parametrize(
    ("written", "key"),
    [
        ("", "residual"),
        (None, "residual"),
        ("残差", "residual"),
        ("メニューM(残差)", "residual"),
        ("（参考値）事業者全体", "overall"),
        ("事業者全体", "overall"),
        ("メニューB", "B"),
        ("ﾒﾆｭｰB", "B"),
        ("b", "B"),
        ("再エネプラン", None),
    ],
)
def test_menus_as_the_list_prints_them(written: str | None, key: str | None) -> None:
    assert menu_key(written) == key


def test_an_unknown_supplier_is_refused_naming_the_closest(calc: Calc) -> None:
    with pytest.raises(InputError) as e:
        calc("solar", [ROW | {"grid_entity": "tepcoo"}, ROW | {"grid_entity": "中部電カミライズ"}])
    first, second = e.value.problems
    assert (first.row, first.column) == (2, "grid_entity")
    assert "unknown electricity supplier 'tepcoo'; closest known: tepco" in first.message
    assert "中部電力ミライズ(株)" in second.message  # 力 (power), not カ (ka)


def test_an_unknown_supplier_takes_the_alternative_value_only_when_the_run_says_so(
    factors: FactorLibrary,
) -> None:
    import pandas as pd

    frame = pd.DataFrame([ROW | {"grid_entity": "どこかの新電力"}])
    options = CalcOptions(fy=2025, file="pv.csv", unknown_supplier="alternative")
    done = calculate("solar", frame, factors, options)
    row = done.results.iloc[0]
    # FY2025 figures, reporting rule: the FY2024 list's 代替値 0.000416 x 1,000,000 kWh = 416 t
    assert row["reduction_tco2e"] == pytest.approx(416.0)
    assert row["grid_factor_fallback"] == 3
    assert row["grid_factor_id"] == (
        "grid_electricity:alternative_value/overall/alternative@2024[reporting]"
    )
    assert "the 代替値 of the FY: the supplier is not in the FY's list" in " ".join(done.warnings)
    strict = CalcOptions(
        fy=2025, file="pv.csv", unknown_supplier="alternative", strict_factors=True
    )
    with pytest.raises(InputError) as e:
        calculate("solar", frame, factors, strict)
    assert "unknown electricity supplier" in str(e.value)


def test_the_residual_menu_not_the_company_wide_figure(calc: Calc) -> None:
    rows = calc(
        "solar",
        [
            ROW | {"grid_entity": "東京電力エナジーパートナー株式会社"},  # no menu: residual
            ROW | {"grid_entity": "東京電力", "grid_menu": "メニューM"},  # M is the residual
            ROW | {"grid_entity": "東京電力", "grid_menu": "メニューZ"},  # not in the list
            ROW | {"grid_entity": "東京電力", "grid_menu": "(参考値)事業者全体"},
            ROW | {"grid_entity": "東京電力", "grid_menu": "メニューA"},  # a renewable menu
            ROW | {"grid_entity": "中部電力ミライズ", "grid_factor_kind": "調整後"},
        ],
        fy=2025,
    ).results
    # FY2024 list, A0269: メニューM(残差) 0.000452, (参考値)事業者全体 0.000421, メニューA 0.000000;
    # A0270 メニューB(残差) 0.000411. The company-wide figure is 6.9 % below the residual menu.
    assert rows["reduction_tco2e"].tolist() == pytest.approx([452, 452, 452, 421, 0, 411])
    assert rows["grid_factor_fallback"].tolist() == [0, 0, 1, 0, 0, 0]
    assert rows["grid_factor_id"].iloc[1] == "grid_electricity:tepco/residual/basic@2024[reporting]"
    assert rows["grid_factor_id"].iloc[5] == (
        "grid_electricity:chubu_epco/residual/adjusted@2024[reporting]"
    )


def test_a_menu_that_is_not_one_is_refused(calc: Calc) -> None:
    with pytest.raises(InputError) as e:
        calc("solar", [ROW | {"grid_entity": "tepco", "grid_menu": "再エネプラン"}])
    (problem,) = e.value.problems
    assert (problem.row, problem.column) == (2, "grid_menu")


def test_calc_takes_unknown_supplier_on_the_command_line(tmp_path: Path) -> None:
    data = tmp_path / "pv.csv"
    row = ROW | {"grid_entity": "どこかの新電力"}
    data.write_text(
        ",".join(row) + "\n" + ",".join(str(v) for v in row.values()) + "\n", encoding="utf-8"
    )
    out = tmp_path / "out.csv"
    refused = runner.invoke(app, ["calc", "solar", str(data), "--fy", "2025", "--out", str(out)])
    assert refused.exit_code == 2
    assert not out.exists()
    taken = runner.invoke(
        app,
        [
            "calc",
            "solar",
            str(data),
            "--fy",
            "2025",
            "--out",
            str(out),
            "--unknown-supplier",
            "alternative",
        ],
    )
    assert taken.exit_code == 0, taken.output
    assert "alternative_value/overall/alternative@2024" in out.read_text(encoding="utf-8")


def test_rows_read_on_suppliers_own_pages_are_taken_by_name_and_year(calc: Calc) -> None:
    # FY2020 figures, reporting rule: the FY2019 results. 東邦ガス's page (reported, provisional):
    # メニューA 0.420, メニューB(その他) 0.486, 事業者全体 0.483, basic 0.514 kg-CO2/kWh.
    fy2020 = calc(
        "solar",
        [
            ROW | {"grid_entity": "東邦ガス株式会社", "grid_factor_kind": "調整後"},
            ROW
            | {"grid_entity": "東邦ガス", "grid_menu": "メニューA", "grid_factor_kind": "調整後"},
            ROW
            | {"grid_entity": "東邦ガス", "grid_menu": "事業者全体", "grid_factor_kind": "調整後"},
            ROW | {"grid_entity": "東邦ガス", "grid_factor_kind": "基礎"},  # no basic per menu
        ],
        fy=2020,
    ).results
    assert fy2020["reduction_tco2e"].tolist() == pytest.approx([486, 420, 483, 514])
    assert fy2020["grid_factor_fallback"].tolist() == [0, 0, 0, 2]
    assert fy2020["grid_factor_years_back"].tolist() == [0, 0, 0, 0]
    # FY2023 figures: the FY2022 results, 東急パワーサプライ's 確報値 0.000416 and
    # 九電みらいエナジー's provisional 0.000433, company figures (the pages name no menu)
    fy2023 = calc(
        "solar",
        [
            ROW | {"grid_entity": "東急パワーサプライ", "grid_factor_kind": "調整後"},
            ROW | {"grid_entity": "九電みらいエナジー(株)", "grid_factor_kind": "調整後"},
        ],
        fy=2023,
    ).results
    assert fy2023["reduction_tco2e"].tolist() == pytest.approx([416, 433])
    assert fy2023["grid_factor_id"].tolist() == [
        "grid_electricity:tokyu_power_supply/overall/adjusted@2022[reporting]",
        "grid_electricity:kyuden_mirai_energy/overall/adjusted@2022[reporting]",
    ]
