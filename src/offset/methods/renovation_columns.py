"""The columns of a renovation row: which measure it is (`measure`), how its figure was found
(`basis`), and the columns each measure reads (`REQUIRED_BY_MEASURE` says which it needs).
"""

from __future__ import annotations

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
    category,
    date,
    integer,
    number,
    prefecture,
    text,
)

# the values of `measure` and `basis`, with the Japanese words an office writes for them
MEASURE_WORDS = {
    "envelope": ("外皮", "断熱", "断熱改修", "外皮改修", "窓改修"),
    "equipment": ("設備", "設備更新", "機器更新", "高効率機器", "高効率給湯器"),
    "lighting": ("照明", "LED", "LED照明", "照明LED化", "照明更新"),
}
# what an 改修内容 written out holds (外壁・天井断熱, 窓の断熱改修(内窓設置), LED照明への交換,
# 高効率給湯器(エコキュート)): one measure's words, or it is not read
MEASURE_KEYWORDS = {
    "envelope": (
        "断熱", "内窓", "二重窓", "二重サッシ", "複層ガラス", "ペアガラス", "樹脂サッシ", "外皮",
        "窓改修", "窓の改修", "断熱窓",
    ),
    "equipment": (
        "給湯", "エコキュート", "エコジョーズ", "エコフィール", "エネファーム", "ヒートポンプ",
        "ボイラー", "空調", "エアコン", "高効率機器", "設備更新", "機器更新",
    ),
    "lighting": ("LED", "照明", "蛍光灯", "水銀灯", "灯具"),
}  # fmt: skip
BASIS_WORDS = {"estimated": ("推計", "推定", "計算"), "measured": ("実測", "計測", "実績")}
MEASURES = tuple(MEASURE_WORDS)
ENVELOPE, EQUIPMENT, LIGHTING = range(len(MEASURES))
BASES = tuple(BASIS_WORDS)
ESTIMATED, MEASURED = range(len(BASES))

CONTRACT = Contract(
    (
        text(
            "building_id",
            "your identifier of the building or subsidy case",
            japanese=(
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
        ),
        MUNICIPALITY,
        prefecture("prefecture key as in `climate_zones` (zone for target_grade)"),
        category(
            "measure",
            "envelope, equipment or lighting",
            required=True,
            japanese=(
                "改修種別",
                "対策種別",
                "工事種別",
                "対策",
                "改修内容",
                "工事内容",
                "対策内容",
                "改修項目",
                "事業内容",
            ),
            values=MEASURE_WORDS,
            keywords=MEASURE_KEYWORDS,
        ),
        category(
            "basis",
            "estimated or measured (default: measured for equipment, else estimated)",
            japanese=("算定根拠", "算定方法"),
            values=BASIS_WORDS,
        ),
        FY,
        date(
            "completed",
            "date the work was completed (工事完了日); counts from that day",
            japanese=("工事完了日", "完了日", "竣工日", "完了年月日"),
        ),
        # envelope
        number(
            "ua_before_w_m2k",
            "W/(m**2*K)",
            "envelope UA before the renovation",
            japanese=("改修前UA値", "改修前外皮平均熱貫流率"),
        ),
        number(
            "ua_after_w_m2k",
            "W/(m**2*K)",
            "envelope UA after; or give target_grade",
            japanese=("改修後UA値", "改修後外皮平均熱貫流率"),
        ),
        integer(
            "target_grade",
            "断熱等性能等級 reached (4-7): UA after = the grade's limit",
            minimum=4,
            maximum=7,
            japanese=("断熱等性能等級", "目標等級"),
        ),
        integer(
            "climate_zone",
            "省エネ基準 zone 1-8 (default: the prefecture's main zone)",
            minimum=1,
            maximum=8,
            japanese=("地域区分", "省エネ地域区分"),
        ),
        number(
            "envelope_area_m2",
            "m**2",
            "envelope area",
            alternatives={"envelope_area_ha": "ha"},
            japanese=("外皮面積", "外皮総面積"),
        ),
        number(
            "floor_area_m2",
            "m**2",
            "floor area (床面積): kept in the output; the method uses envelope_area_m2",
            japanese=("床面積", "延床面積", "延べ床面積"),
        ),
        number(
            "hdd_kday",
            "K*day",
            "heating degree-days D18-18; or give location",
            japanese=("暖房度日", "暖房デグリーデー"),
        ),
        category("location", "station in the `hdd` table", japanese=("観測地点", "地点")),
        category(
            "heating_appliance",
            "appliance in `heating_efficiency` (gives efficiency and carrier): エアコン,"
            " 石油ファンヒーター, ガスファンヒーター, 電気ストーブ, ...",
            japanese=("暖房機器", "暖房設備", "主暖房機器", "暖房器具", "主たる暖房機器"),
            vocabulary="heating_appliance",
        ),
        number(
            "heating_efficiency",
            "dimensionless",
            "the row's own efficiency or COP",
            japanese=("暖房効率", "暖房機器効率"),
        ),
        category(
            "energy_carrier",
            "the row's own heating carrier: electricity or a `fuel`",
            japanese=("暖房エネルギー", "暖房燃料"),
            vocabulary="carrier",
        ),
        number(
            "usage_factor",
            "dimensionless",
            "share of continuous whole-house heating",
            maximum=1.0,
            japanese=("全館暖房割合", "暖房使用率"),
        ),
        # equipment
        number(
            "project_output_kwh",
            "kWh",
            "useful output of the new equipment (e.g. heat)",
            alternatives={"project_output_gj": "GJ", "project_output_mj": "MJ"},
            japanese=("供給熱量", "出力量"),
        ),
        number(
            "baseline_efficiency",
            "dimensionless",
            "efficiency of the replaced equipment",
            japanese=("更新前効率", "既存機器効率"),
        ),
        category(
            "baseline_carrier",
            "carrier of the replaced equipment: electricity or a `fuel`",
            japanese=("更新前燃料", "既存燃料", "更新前エネルギー"),
            vocabulary="carrier",
        ),
        number(
            "project_energy_kwh",
            "kWh",
            "measured energy use of the new equipment",
            alternatives={"project_energy_gj": "GJ", "project_energy_mj": "MJ"},
            japanese=("使用量", "更新後使用量", "エネルギー使用量"),
        ),
        category(
            "project_carrier",
            "carrier of the new equipment: electricity or a `fuel`",
            japanese=("燃料", "更新後燃料", "エネルギー種別"),
            vocabulary="carrier",
        ),
        # lighting
        number(
            "power_before_w",
            "W",
            "lamp power before",
            alternatives={"power_before_kw": "kW"},
            japanese=("改修前消費電力", "更新前消費電力"),
        ),
        number(
            "power_after_w",
            "W",
            "lamp power after",
            alternatives={"power_after_kw": "kW"},
            japanese=("改修後消費電力", "更新後消費電力"),
        ),
        number(
            "lamp_count",
            "dimensionless",
            "number of lamps replaced",
            japanese=(
                "灯数",
                "台数",
                "LED台数",
                "LED灯数",
                "LED本数",
                "照明台数",
                "交換灯数",
                "器具数",
                "器具台数",
                "設置台数",
                "交換台数",
                "更新台数",
                "灯具数",
                "本数",
                "交換本数",
            ),
        ),
        number(
            "operating_hours_h",
            "h",
            "operating hours in the FY",
            japanese=("点灯時間", "年間点灯時間", "稼働時間"),
        ),
        GRID_ENTITY,
        GRID_MENU,
        GRID_KIND,
        GRID_FACTOR,
        ADDRESS,
        APPLICANT,
    ),
    description="One row per renovation measure; `measure` says which columns apply.",
    identity=Identity(
        keys=(("building_id", "measure"),),
        same=("municipality", "address", "applicant", "measure", "completed"),
        telling=("address", "applicant"),
    ),
)

REQUIRED_BY_MEASURE = {
    "envelope": ("ua_before_w_m2k", "envelope_area_m2"),
    "equipment": (
        "project_output_kwh",
        "baseline_efficiency",
        "baseline_carrier",
        "project_energy_kwh",
        "project_carrier",
    ),
    "lighting": ("power_before_w", "power_after_w", "lamp_count", "operating_hours_h"),
}
