"""Solar PV reductions, J-Credit EN-R-002 style.

generation [kWh] = capacity [kW] x specific yield [kWh/kW/yr] x (1 - degradation)^years
                   x days in service / days of the FY,
where years are the whole years the system has been in service when the FY begins (1 April; a
system commissioned on 20 March is not degraded in the FY that starts 12 days later) and the
days in service run from the commissioning day to the FY's end or to the day before
`decommissioned`.
A metered generation wins. Metered figures of a row with its own `fy` are that FY's and are not
pro-rated; a row without one gives annual figures for every FY, pro-rated like the model.

reduction_tco2e  = generation x the grid factor the year rule names for the FY (what a municipality
                   reports in its plan; src/offset/factors/years.py);
creditable_tco2e = (self-consumed - auxiliary) x grid factor (J-Credit: exported power, sold
under FIT, is never creditable). Where self-consumption is unknown, nothing is creditable. The
auxiliary (power conditioner standby) is the row's `auxiliary_kwh`, else the methodology's share
of self-consumption (`method_parameters`: the J-Credit EN-R-002 household programme plan
assessed it and deducted none).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pandas as pd

from offset.common import fiscal
from offset.common.messages import Msg
from offset.common.problems import Problem, raise_if_any
from offset.factors import FactorLibrary, select
from offset.intake.columns import (
    ADDRESS,
    APPLICANT,
    FY,
    GRID_ENTITY,
    GRID_FACTOR,
    GRID_KIND,
    GRID_MENU,
    MUNICIPALITY,
    Contract,
    Identity,
    date,
    number,
    prefecture,
    text,
)
from offset.methods.common import (
    CalcOptions,
    FloatArray,
    Trace,
    count_of,
    fiscal_years,
    has_own_fy,
    method_parameter,
    missing_fy,
    rows_problems,
    unknown_values,
)
from offset.methods.grid import grid_trace
from offset.methods.method import Method, PlanChart, PlanFigure

CONTRACT = Contract(
    (
        text(
            "system_id",
            "your identifier of the PV system (kept in the output)",
            japanese=(
                "番号",
                "管理番号",
                "整理番号",
                "申請番号",
                "設備番号",
                "受付番号",
                "交付番号",
                "交付決定番号",
                "設備ID",
                "システムID",
                "No",
                "No.",
            ),
        ),
        MUNICIPALITY,
        prefecture("prefecture key as in `climate_zones` (selects the yield)", required=True),
        number(
            "capacity_kw",
            "kW",
            "rated DC capacity",
            alternatives={"capacity_mw": "MW", "capacity_w": "W"},
            required=True,
            japanese=(
                "太陽電池容量",
                "容量",
                "出力",
                "設備容量",
                "設置容量",
                "太陽電池出力",
                "定格出力",
                "発電出力",
                "システム容量",
                "パネル容量",
                "太陽光発電容量",
            ),
        ),
        date(
            "commissioned",
            "date the system started operating",
            required=True,
            japanese=("設置年月日", "設置日", "運転開始日", "運転開始年月日", "稼働開始日"),
        ),
        date(
            "decommissioned",
            "first day the system was out of service (blank: still running)",
            japanese=("撤去日", "撤去年月日", "廃止日", "運転終了日"),
        ),
        FY,
        number(
            "generation_kwh",
            "kWh",
            "metered generation in the FY; wins over the model",
            alternatives={"generation_mwh": "MWh"},
            japanese=("発電量", "年間発電量", "発電電力量", "実績発電量"),
        ),
        number(
            "annual_yield_kwh_per_kw",
            "kWh/kW/yr",
            "the system's own specific yield",
            japanese=("発電量原単位", "kW当たり年間発電量"),
        ),
        number(
            "poa_irradiation_kwh_per_m2",
            "kWh/m**2/yr",
            "annual plane-of-array irradiation; yield = irradiation x performance ratio",
            japanese=("傾斜面日射量", "年間傾斜面日射量"),
        ),
        number(
            "self_consumed_kwh",
            "kWh",
            "metered self-consumption in the FY",
            alternatives={"self_consumed_mwh": "MWh"},
            japanese=("自家消費量", "自家消費電力量"),
        ),
        number(
            "self_consumption_ratio",
            "dimensionless",
            "self-consumed share of generation",
            maximum=1.0,
            japanese=("自家消費率", "自家消費割合"),
        ),
        number(
            "auxiliary_kwh",
            "kWh",
            "auxiliary consumption (power conditioner standby)",
            japanese=("所内消費量", "補機消費電力量", "待機電力量"),
        ),
        number(
            "degradation_rate_per_yr",
            "dimensionless",
            "the system's own degradation rate",
            maximum=1.0,
            japanese=("劣化率", "経年劣化率"),
        ),
        GRID_ENTITY,
        GRID_MENU,
        GRID_KIND,
        GRID_FACTOR,
        ADDRESS,
        APPLICANT,
    ),
    description="One row per PV system.",
    identity=Identity(
        keys=(("system_id",),),
        same=("municipality", "address", "applicant", "capacity_kw", "commissioned"),
        telling=("address", "applicant"),
    ),
)

GENERATION_BASES = ("metered", "row_yield", "irradiation", "yield_table", "not_in_service")
SELF_CONSUMPTION_BASES = ("metered", "ratio", "unknown")


def performance_ratio(factors: FactorLibrary) -> float:
    """(1 - mean seasonal temperature loss) x (1 - PCS loss) x (1 - other losses), JIS C 8907."""
    seasons = ("dec_feb", "mar_may", "jun_aug", "sep_nov")
    temperature = np.mean(
        [method_parameter(factors, "solar", f"temperature_loss_{s}")[0] for s in seasons]
    )
    pcs = method_parameter(factors, "solar", "pcs_loss")[0]
    other = method_parameter(factors, "solar", "other_loss")[0]
    return float((1.0 - temperature) * (1.0 - pcs) * (1.0 - other))


def _given(frame: pd.DataFrame, name: str) -> tuple[FloatArray, npt.NDArray[np.bool_]] | None:
    """A column's values and where they are given; None when the file has no such column."""
    if name not in frame:
        return None
    values = np.asarray(frame[name], dtype=np.float64)
    return values, ~np.isnan(values)


def solar(frame: pd.DataFrame, factors: FactorLibrary, options: CalcOptions) -> pd.DataFrame:
    """Per-system generation, reduction and creditable reduction, with the factors used."""
    file = options.file
    fy = fiscal_years(frame, options)
    problems = missing_fy(frame, fy, file)
    problems += unknown_values(
        frame, "prefecture", factors["climate_zones"].rows["prefecture"], file, "prefecture"
    )
    age, years, days, service_problems = _service(frame, fy, file)
    problems += service_problems
    in_service = days > 0
    share_of_fy = days / fiscal.days_in_fy(fy)
    metered_share = np.where(has_own_fy(frame), 1.0, share_of_fy)
    generation, basis, yield_trace = _generation(
        frame, factors, years, share_of_fy, metered_share, in_service
    )
    self_consumed, self_basis, self_problems = _self_consumption(
        frame, generation, basis, in_service, metered_share, file
    )
    problems += self_problems
    auxiliary, auxiliary_id, auxiliary_unverified, by_share = _auxiliary(
        frame, factors, self_consumed, metered_share, options.methodology
    )
    grid, grid_problems = grid_trace(
        frame,
        factors,
        fy,
        options.factor_year,
        file=file,
        unknown_supplier=options.unknown_supplier,
        strict=options.strict_factors,
    )
    problems += grid_problems  # a row no grid list gives a factor among them
    raise_if_any(problems)

    uses_yield_table = basis == 3
    yield_ids = pd.Categorical.from_codes(
        np.where(uses_yield_table, yield_trace.ids.codes, -1), categories=yield_trace.ids.categories
    )
    out: dict[str, object] = {
        c: frame[c] for c in ("system_id", "municipality", "prefecture") if c in frame
    }
    out |= {
        "fy": fy.astype(np.int16),  # years fit in 16 bits: less memory per row
        "capacity_kw": frame["capacity_kw"].to_numpy(),
        "age_fy": age.astype(np.int16),
        "years_in_service": years.astype(np.int16),
        "days_in_service": days.astype(np.int16),
        "generation_kwh": generation,
        "generation_basis": pd.Categorical.from_codes(basis, categories=pd.Index(GENERATION_BASES)),
        "yield_factor_id": yield_ids,
        "yield_factor_fallback": np.where(uses_yield_table, yield_trace.fallback, -1).astype(
            np.int8
        ),
        "self_consumed_kwh": self_consumed,
        "self_consumption_basis": pd.Categorical.from_codes(
            self_basis, categories=pd.Index(SELF_CONSUMPTION_BASES)
        ),
        "auxiliary_kwh": auxiliary,
        # the share's row where it set the auxiliary (it is a factor of the credits)
        "auxiliary_factor_id": pd.Categorical.from_codes(
            np.where(by_share, 0, -1), categories=pd.Index([auxiliary_id])
        ),
        **grid.columns("grid_factor", "grid_factor_t_co2_per_kwh"),
        "reduction_tco2e": generation * grid.values,
        "creditable_tco2e": np.maximum(self_consumed - auxiliary, 0.0) * grid.values,
        "uses_unverified": grid.unverified
        | (uses_yield_table & yield_trace.unverified)
        | (by_share & auxiliary_unverified),
    }
    return pd.DataFrame(out, index=frame.index, copy=False)  # no block consolidation copy


def _service(
    frame: pd.DataFrame, fy: npt.NDArray[np.int64], file: str
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.int64], list[Problem]]:
    """Each system's age in whole FYs since commissioning (its commissioning FY is 0), its whole
    years in service when the FY begins (what degrades it), and its days in service in the FY
    (to the day before `decommissioned`)."""
    commissioned = frame["commissioned"].to_numpy()
    commissioned_fy = fiscal.fiscal_years(commissioned)
    age = fy - commissioned_fy
    years = fiscal.whole_years_in_service(commissioned, fy, commissioned_fy)
    stop = frame["decommissioned"].to_numpy() if "decommissioned" in frame else None
    problems = []
    if stop is not None:
        problems = rows_problems(
            frame,
            ~np.isnat(stop) & (stop <= commissioned),
            file,
            "decommissioned",
            "decommissioned on or before the commissioning date",
        )
    return age, years, fiscal.days_in_service(fy, commissioned, stop), problems


def _generation(
    frame: pd.DataFrame,
    factors: FactorLibrary,
    years: npt.NDArray[np.int64],
    share_of_fy: FloatArray,
    metered_share: FloatArray,
    in_service: npt.NDArray[np.bool_],
) -> tuple[FloatArray, npt.NDArray[np.int8], Trace]:
    """Generation [kWh] in the FY, its basis (a code into GENERATION_BASES) and the yield
    table's trace: capacity x specific yield x (1 - degradation)^years in service x the share of
    the FY in service, unless metered."""
    n = len(frame)
    degradation: FloatArray | float = method_parameter(factors, "solar", "degradation_rate_per_yr")[
        0
    ]
    if (own := _given(frame, "degradation_rate_per_yr")) is not None:
        degradation = np.where(own[1], own[0], degradation)
    decay = (1.0 - degradation) ** years

    # Each source of the specific yield overwrites the ones below it: the yield table (3), the
    # irradiation x performance ratio (2), the row's own yield (1); a metered generation (0) wins.
    yield_trace = Trace.of(select(factors["pv_yield"], {"region": frame["prefecture"]}, length=n))
    basis = np.full(n, 3, dtype=np.int8)
    specific_yield = yield_trace.values
    # irradiation [kWh/m2/yr] / 1 kW/m2 (standard test conditions) = full-load hours [kWh/kW/yr]
    sources = (
        ("poa_irradiation_kwh_per_m2", 2, performance_ratio(factors)),
        ("annual_yield_kwh_per_kw", 1, 1.0),
    )
    for column, code, scale in sources:  # two sources, not rows
        if (given := _given(frame, column)) is not None:
            np.copyto(specific_yield, given[0] * scale, where=given[1])
            basis[given[1]] = code
    generation = frame["capacity_kw"].to_numpy() * specific_yield * decay * share_of_fy
    if (metered := _given(frame, "generation_kwh")) is not None:
        np.copyto(generation, metered[0] * metered_share, where=metered[1])
        basis[metered[1]] = 0
    generation[~in_service] = 0.0
    basis[~in_service] = 4
    return generation, basis, yield_trace


def _self_consumption(
    frame: pd.DataFrame,
    generation: FloatArray,
    basis: npt.NDArray[np.int8],
    in_service: npt.NDArray[np.bool_],
    metered_share: FloatArray,
    file: str,
) -> tuple[FloatArray, npt.NDArray[np.int8], list[Problem]]:
    """Self-consumed kWh and its basis (a code into SELF_CONSUMPTION_BASES): metered, else the
    ratio x generation, else unknown (nothing creditable)."""
    n = len(frame)
    self_basis = np.full(n, 2, dtype=np.int8)  # unknown: nothing creditable
    self_consumed = np.zeros(n)
    problems: list[Problem] = []
    if (ratio := _given(frame, "self_consumption_ratio")) is not None:
        np.copyto(self_consumed, ratio[0] * generation, where=ratio[1])
        self_basis[ratio[1]] = 1
    if (self_metered := _given(frame, "self_consumed_kwh")) is not None:
        np.copyto(self_consumed, self_metered[0] * metered_share, where=self_metered[1])
        self_basis[self_metered[1]] = 0
        too_much = self_metered[1] & (self_consumed > generation * (1 + 1e-9) + 1e-9)
        problems += rows_problems(
            frame,
            too_much & (basis == 0),
            file,
            "self_consumed_kwh",
            "self-consumption is above metered generation",
        )
        problems += rows_problems(
            frame,
            too_much & (basis != 0) & in_service,
            file,
            "self_consumed_kwh",
            "self-consumption is above the modelled generation: give the metered generation_kwh",
        )
    return self_consumed, self_basis, problems


def _auxiliary(
    frame: pd.DataFrame,
    factors: FactorLibrary,
    self_consumed: FloatArray,
    metered_share: FloatArray,
    methodology: str | None,
) -> tuple[FloatArray, str, bool, npt.NDArray[np.bool_]]:
    """Auxiliary consumption [kWh] (power conditioner standby): metered, else the methodology's
    share of self-consumption; the share's factor id, whether it is unverified, and the rows it
    set."""
    share, share_id, unverified = method_parameter(factors, "solar", "auxiliary_share", methodology)
    auxiliary = share * self_consumed
    by_share = self_consumed > 0
    if (own := _given(frame, "auxiliary_kwh")) is not None:
        np.copyto(auxiliary, own[0] * metered_share, where=own[1])
        by_share &= ~own[1]
    return auxiliary, share_id, unverified, by_share


def _in_service(results: pd.DataFrame) -> npt.NDArray[np.bool_]:
    in_service: npt.NDArray[np.bool_] = results["days_in_service"].to_numpy() > 0
    return in_service


def _capacity_kw(results: pd.DataFrame) -> float:
    return float(results["capacity_kw"].to_numpy()[_in_service(results)].sum())


def _new_capacity_kw(results: pd.DataFrame) -> float:
    new = _in_service(results) & (results["age_fy"].to_numpy() == 0)
    return float(results["capacity_kw"].to_numpy()[new].sum())


def _warnings(results: pd.DataFrame) -> list[str]:
    unknown = count_of(results["self_consumption_basis"], "unknown")
    return [Msg("warn.no_self_consumption", count=unknown)] if unknown else []


METHOD = Method(
    "solar",
    CONTRACT,
    solar,
    summary="Solar PV (J-Credit EN-R-002 style)",
    words=("Solar PV", "太陽光発電"),
    reductions_line=("Solar PV reductions (t-CO2e)", "太陽光発電による削減量 (t-CO2)"),
    plan=(
        PlanFigure(
            "capacity_kw", ("PV capacity in service (kW)", "太陽光発電の導入容量 (累計, kW)"),
            _capacity_kw,
        ),
        PlanFigure(
            "new_capacity_kw",
            ("PV capacity added in the FY (kW)", "太陽光発電の新規導入容量 (kW)"),
            _new_capacity_kw,
        ),
        PlanFigure(
            "systems", ("PV systems in service", "太陽光発電の設置件数 (累計)"),
            lambda results: int(_in_service(results).sum()), count=True,
        ),
        PlanFigure(
            "generation_mwh", ("PV generation (MWh)", "太陽光発電の発電量 (MWh)"),
            lambda results: float(results["generation_kwh"].sum()) / 1000,
        ),
    ),
    charts=(
        PlanChart(
            ("PV capacity in service", "太陽光発電の導入容量"),
            ("capacity_kw", "new_capacity_kw"),
            ("kW", "kW"),
        ),
    ),
    warnings=_warnings,
)  # fmt: skip
