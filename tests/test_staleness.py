"""Factors of another FY speak up (issue 17): a years-back column per yearly factor, counted in
the summary and warnings, and `--strict-factors` refusing such rows and unverified values."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from offset.cli.app import app
from offset.common.problems import InputError
from offset.factors import FactorLibrary
from offset.intake.inputs import prepare
from offset.intake.vocabulary import vocabularies
from offset.methods import METHODS, CalcOptions
from offset.methods.calculation import compute_prepared
from tests.conftest import Calc
from tests.test_forest import STAND
from tests.test_solar import BASE as PV

runner = CliRunner()
METERED = PV | {"generation_kwh": 1000, "self_consumed_kwh": 500}


def test_years_back_per_row(calc: Calc) -> None:
    # The reporting rule (default): FY N figures take the FY N-1 results row.
    rows = calc(
        "solar",
        [
            METERED | {"fy": 2023},  # wants FY2022 results: none, FY2018's (4 FYs older)
            METERED | {"fy": 2025},  # wants FY2024 results: on time
            METERED | {"fy": 2025, "grid_factor_t_co2_per_kwh": 0.0005},  # the row's own
        ],
        fy=None,
    )
    assert rows.results["grid_factor_id"].iloc[0].endswith("@2018[reporting]")
    assert rows.results["grid_factor_id"].iloc[1].endswith("@2024[reporting]")
    assert rows.results["grid_factor_years_back"].tolist() == [4, 0, -1]
    assert rows.summary["stale_factor_rows"].sum() == 1
    assert (
        "1 rows of FY2023 used grid_electricity:national_average/overall/national_average"
        "@2018[reporting] (grid_factor_years_back): it is 4 FYs older than the FY2022 row the"
        " year rule names for FY2023"
    ) in " ".join(rows.warnings)


def test_years_back_under_the_results_rule(calc: Calc) -> None:
    rows = calc(
        "solar",
        [METERED | {"fy": 2021}, METERED | {"fy": 2024}],
        fy=None,
        factor_year="results",
    )
    assert rows.results["grid_factor_id"].iloc[0].endswith("@2018[results]")
    assert rows.results["grid_factor_years_back"].tolist() == [3, 0]


def test_strict_factors_refuses_with_file_row_and_factor_id(tmp_path: Path) -> None:
    data = tmp_path / "pv.csv"
    data.write_text(
        "system_id,municipality,prefecture,capacity_kw,commissioned,self_consumption_ratio,fy\n"
        "a,ina,nagano,4.5,2019-06-15,0.3,2025\n"
        "b,ina,nagano,4.5,2019-06-15,0.3,2021\n",
        encoding="utf-8",
    )
    target = tmp_path / "out.csv"
    loose = runner.invoke(app, ["calc", "solar", str(data), "--out", str(target)])
    assert loose.exit_code == 0, loose.output
    target.unlink()
    strict = runner.invoke(
        app, ["calc", "solar", str(data), "--out", str(target), "--strict-factors"]
    )
    assert strict.exit_code == 2
    assert (
        f"{data}, row 3, column 'grid_factor_id': --strict-factors: "
        "grid_electricity:national_average/overall/national_average@2018[reporting] is 2 FYs"
        " older than the FY2020 row the year rule names for FY2021"
    ) in strict.output.replace("\n  ", " ").replace("\n", "")
    assert "row 2," not in strict.output  # FY2025 uses the FY2024 results, on time
    assert not target.exists()


def test_strict_factors_refuses_unverified_values(calc: Calc) -> None:
    stand = STAND | {"species": "karamatsu", "growth_m3_per_ha_yr": 5}
    assert calc("forest", [stand]).results["uses_unverified"].iloc[0]  # larch: unverified
    frame = prepare(pd.DataFrame([stand]), METHODS["forest"].contract, "stands.csv")
    options = CalcOptions(fy=2024, file="stands.csv", strict_factors=True)
    with pytest.raises(InputError) as e:
        compute_prepared("forest", frame, FactorLibrary(), options)
    (problem,) = e.value.problems
    assert (problem.file, problem.row, problem.column) == ("stands.csv", 2, "uses_unverified")
    assert "marked unverified" in problem.message


def test_strict_factors_leaves_a_factor_that_multiplies_zero(calc: Calc) -> None:
    from offset.factors import FactorLibrary

    # Commissioned in FY2025: in FY2021 it generates 0 kWh, so the stale FY2018 grid factor
    # (the FY2020 list is not shipped) changes nothing, and a strict run accepts the row.
    waiting = METERED | {"fy": 2021, "commissioned": "2025-06-01"}
    waiting.pop("generation_kwh", None)
    waiting.pop("self_consumed_kwh", None)
    frame = pd.DataFrame([waiting | {"self_consumption_ratio": 0.3}])
    options = CalcOptions(fy=None, file="pv.csv", strict_factors=True)
    factors = FactorLibrary()
    # read with the tables' vocabularies, as a file is: the row's prefecture (nagano) tells
    # 伊那市 from 伊奈町 (埼玉県), both "ina"
    checked = prepare(frame, METHODS["solar"].contract, "pv.csv", vocabularies(factors))
    result = compute_prepared("solar", checked, factors, options).results.iloc[0]
    assert result["generation_kwh"] == 0
    assert result["grid_factor_years_back"] == 2  # stale, and harmless
