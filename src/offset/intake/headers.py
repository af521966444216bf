"""Which input column a user's header means: English names, Japanese names, units from headers.

A header matches after folding (NFKC, no spaces, any case, katakana as hiragana, brackets of any
width), so `太陽電池容量（ｋＷ）`, `太陽電池容量 (kW)` and `太陽電池容量(kW)` are one header. A
trailing bracket is the header's unit: `出力(W)` is `capacity_kw` in W, converted with pint; a
Japanese name without a unit is in the column's own unit (the table in docs/input-columns.md
says which); a unit in another case is read where only one reading converts (`unit_case`). A
name column's header may carry コード, 名 or 番号 after its word (樹種コード, 自治体名). A user's
mapping file (`--columns MAP.toml`, a ``[columns]`` table of "their header" = "offset column")
is tried first, for anything else, whether the file's header carries the map's bracketed unit or
not (the header's unit wins, else the map's).
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from offset.common.messages import Msg
from offset.common.problems import InputError, Problem
from offset.intake.columns import Column, Contract
from offset.intake.japanese import folded, pint_unit, split_unit
from offset.intake.unit_case import read_unit

# What offices write after a name column's word: 樹種コード, 自治体名, 林班番号 (folded).
NAME_SUFFIXES = tuple(
    folded(s) for s in ("コード", "code", "名称", "名", "番号", "No.", "No", "ID")
)

# The Japanese names of every input column (any method), the first being the one shown.
JAPANESE: dict[str, tuple[str, ...]] = {
    # shared
    "municipality": (
        "市区町村",
        "市町村",
        "市町村名",
        "市区町村名",
        "団体コード",
        "自治体",
        "市町村コード",
        "市区町村コード",
        "地方公共団体コード",
        "自治体コード",
    ),
    "prefecture": ("都道府県", "都道府県名", "県名", "都道府県コード"),
    "fy": ("年度", "対象年度", "算定年度"),
    "grid_entity": ("電気事業者", "小売電気事業者", "電力会社"),
    "grid_factor_kind": ("排出係数の種類", "係数種別"),
    "grid_factor_t_co2_per_kwh": ("排出係数", "電力排出係数", "CO2排出係数"),
    # solar
    "address": ("住所", "設置場所", "設置住所", "所在地", "設置地", "設置場所住所"),
    "applicant": ("申請者", "申請者氏名", "設置者", "所有者", "氏名", "補助対象者"),
    "system_id": (
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
    "capacity_kw": (
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
    "commissioned": ("設置年月日", "設置日", "運転開始日", "運転開始年月日", "稼働開始日"),
    "decommissioned": ("撤去日", "撤去年月日", "廃止日", "運転終了日"),
    "generation_kwh": ("発電量", "年間発電量", "発電電力量", "実績発電量"),
    "annual_yield_kwh_per_kw": ("発電量原単位", "kW当たり年間発電量"),
    "poa_irradiation_kwh_per_m2": ("傾斜面日射量", "年間傾斜面日射量"),
    "self_consumed_kwh": ("自家消費量", "自家消費電力量"),
    "self_consumption_ratio": ("自家消費率", "自家消費割合"),
    "auxiliary_kwh": ("所内消費量", "補機消費電力量", "待機電力量"),
    "degradation_rate_per_yr": ("劣化率", "経年劣化率"),
    # renovation
    "building_id": (
        "案件番号",
        "建物番号",
        "施設番号",
        "施設名",
        "建物名",
        "管理番号",
        "整理番号",
        "申請番号",
        "受付番号",
        "交付番号",
        "番号",
        "No",
        "No.",
    ),
    "measure": ("改修種別", "対策種別", "工事種別", "対策"),
    "basis": ("算定根拠", "算定方法"),
    "completed": ("工事完了日", "完了日", "竣工日", "完了年月日"),
    "ua_before_w_m2k": ("改修前UA値", "改修前外皮平均熱貫流率"),
    "ua_after_w_m2k": ("改修後UA値", "改修後外皮平均熱貫流率"),
    "target_grade": ("断熱等性能等級", "目標等級"),
    "climate_zone": ("地域区分", "省エネ地域区分"),
    "envelope_area_m2": ("外皮面積", "外皮総面積"),
    "floor_area_m2": ("床面積", "延床面積", "延べ床面積"),
    "hdd_kday": ("暖房度日", "暖房デグリーデー"),
    "location": ("観測地点", "地点"),
    "heating_appliance": ("暖房機器", "暖房設備"),
    "heating_efficiency": ("暖房効率", "暖房機器効率"),
    "energy_carrier": ("暖房エネルギー", "暖房燃料"),
    "usage_factor": ("全館暖房割合", "暖房使用率"),
    "project_output_kwh": ("供給熱量", "出力量"),
    "baseline_efficiency": ("更新前効率", "既存機器効率"),
    "baseline_carrier": ("更新前燃料", "既存燃料", "更新前エネルギー"),
    "project_energy_kwh": ("使用量", "更新後使用量", "エネルギー使用量"),
    "project_carrier": ("燃料", "更新後燃料", "エネルギー種別"),
    "power_before_w": ("改修前消費電力", "更新前消費電力"),
    "power_after_w": ("改修後消費電力", "更新後消費電力"),
    "lamp_count": (
        "灯数",
        "台数",
        "器具数",
        "器具台数",
        "設置台数",
        "交換台数",
        "更新台数",
        "灯具数",
        "本数",
        "交換本数",
    ),
    "operating_hours_h": ("点灯時間", "年間点灯時間", "稼働時間"),
    # forest
    "stand_id": ("林小班", "林小班番号", "森林簿番号", "森林番号"),
    "compartment": ("林班", "林班番号"),
    "subcompartment": ("小班", "小班番号"),
    "branch": ("枝番", "枝番号", "小班枝番"),
    "species": ("樹種", "樹種名"),
    "area_ha": ("面積", "森林面積", "小班面積"),
    "age_yr": ("林齢",),
    "age_class": ("齢級",),
    "age_fy": ("林齢基準年度", "基準年度"),
    "planted_fy": ("植栽年度", "植林年度"),
    "activity": ("活動区分", "施業区分"),
    "managed": ("森林経営計画", "経営計画", "森林経営計画対象"),
    "last_managed_fy": ("最終施業年度", "施業年度"),
    "buffer_share": ("バッファ率", "緩衝率"),
    "growth_m3_per_ha_yr": ("成長量", "年間成長量", "材積成長量"),
    "yield_region": ("収穫表", "収穫表地域"),
    "site_class": ("地位", "地位級"),
    "harvested_m3": ("伐採量", "伐採材積"),
    "stock_m3_per_ha": ("蓄積", "林分蓄積", "ha当たり蓄積"),
    "stock_start_m3_per_ha": ("期首蓄積", "期首材積"),
    "stock_end_m3_per_ha": ("期末蓄積", "期末材積"),
    "period_yr": ("調査間隔", "期間"),
}


@dataclass(frozen=True)
class Match:
    """A header read as a column, in a unit (None for columns without one)."""

    column: Column
    unit: str | None
    header: str


@dataclass(frozen=True)
class Matcher:
    """Header -> column for one contract, with the user's own map tried first."""

    contract: Contract
    user_map: Mapping[str, str]  # the user's header -> offset column name (English)
    _english_names: dict[str, Match] = field(init=False, repr=False, compare=False)
    _japanese_names: dict[str, Column] = field(init=False, repr=False, compare=False)
    _mapped: dict[str, str] = field(init=False, repr=False, compare=False)
    _mapped_bases: dict[str, tuple[str, str | None]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # every spelling folded once: a header search tries a few hundred cells
        english = {
            folded(name): Match(column, unit, name)
            for column in reversed(self.contract.columns)
            for name, unit in column.names.items()
        }
        japanese = {
            folded(alias): column
            for column in reversed(self.contract.columns)
            for alias in JAPANESE.get(column.name, ())
        }
        object.__setattr__(self, "_english_names", english)
        object.__setattr__(self, "_japanese_names", japanese)
        mapped = {folded(header): target for header, target in self.user_map.items()}
        bases: dict[str, tuple[str, str | None]] = {}
        for header, target in self.user_map.items():
            base, unit = split_unit(header)
            bases.setdefault(folded(base), (target, unit))
        object.__setattr__(self, "_mapped", mapped)
        object.__setattr__(self, "_mapped_bases", bases)

    def match(self, header: str) -> Match | Msg | None:
        """The column `header` means, a Msg if its unit is wrong, or None if it means none."""
        base, unit = split_unit(header)
        mapped = self._mapped.get(folded(header))
        if mapped is None and (by_base := self._mapped_bases.get(folded(base))) is not None:
            mapped, map_unit = by_base  # the map's header with, or without, its bracketed unit
            unit = unit or map_unit
        if mapped is not None:
            found = self._english(mapped, header)
            if found is None:  # load_map checks targets against every method's columns
                return None
            return self._with_unit(found.column, unit, header) if unit else found
        english = self._english(header, header)
        if english is not None:
            return english
        english = self._english(base, header)
        if english is not None:
            return self._with_unit(english.column, unit, header) if unit else english
        column = self._japanese_names.get(folded(base)) or self._named_with_suffix(base)
        return None if column is None else self._with_unit(column, unit, header)

    def _named_with_suffix(self, base: str) -> Column | None:
        """A name column's header with コード, 名 or 番号 after it (樹種コード, 自治体名)."""
        key = folded(base)
        for suffix in NAME_SUFFIXES:
            stem = key.removesuffix(suffix)
            if stem != key and stem:
                column = self._japanese_names.get(stem)
                if column is not None and column.kind in ("text", "category"):
                    return column
        return None

    def _english(self, name: str, header: str) -> Match | None:
        found = self._english_names.get(folded(name))
        return None if found is None else Match(found.column, found.unit, header)

    def _with_unit(self, column: Column, unit: str | None, header: str) -> Match | Msg:
        if unit is None or column.unit is None:
            return Match(column, column.unit, header)
        read = read_unit(pint_unit(unit), column.unit)
        if isinstance(read, tuple):
            if read:
                return Msg("header.unit_case", unit=unit, readings=" / ".join(read))
            return Msg("header.unit", unit=unit, expected=column.unit)
        return Match(column, read, header)


def load_map(path: Path | None, known: set[str]) -> dict[str, str]:
    """A user's `--columns` file: `[columns]` "their header" = "offset column", folded; each
    target must be one of the `known` column names (every method's)."""
    if path is None:
        return {}
    try:
        with path.open("rb") as f:
            data = tomllib.load(f)
    except (OSError, tomllib.TOMLDecodeError) as e:
        problem = Problem(str(path), None, None, Msg("file.unreadable", reason=str(e)))
        raise InputError([problem]) from e
    table = data.get("columns", data)
    problems = [
        Problem(
            str(path),
            None,
            None,
            Msg("header.map_unknown", target=target, known=_close(str(target), known)),
            key=f"columns.{header}",
        )
        for header, target in table.items()
        if not isinstance(target, str) or target not in known
    ]
    if problems:
        raise InputError(problems)
    return {str(header): str(target) for header, target in table.items()}


def _close(value: str, known: set[str]) -> str:
    import difflib

    return ", ".join(difflib.get_close_matches(value, sorted(known), n=5, cutoff=0.4)) or "-"
