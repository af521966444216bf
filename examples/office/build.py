"""Build the office-shaped example files and the same data in offset's canonical columns.

All data are synthetic. The office files look like what an environment department keeps: a
title and a 作成日 row, a two-row merged header, 和暦 date cells and typed 和暦 dates, full-width
digits, units in cells (in any case: 3.9kw, 7.2KW), amounts with separators, a 合計 row with
=SUM(), a workbook with one sheet per FY and no 市町村 column (a city's own list), a list whose
municipalities are written in every form offices use. Run it from the repository root
(`python examples/office/build.py`); tests check that each office file gives the results of its
canonical twin.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import openpyxl
from openpyxl.styles import Alignment, Font

HERE = Path(__file__).parent
WAREKI = '[$-ja-JP-x-gannen]ggge"年"m"月"d"日"'

# (番号, 市町村, 都道府県 as typed, 容量 as typed, メーカー, 補助金額, 設置年月日 as typed, 自家消費率)
PV = [
    (1, "松本市", "長野県", 9.54, "A社", 100000, dt.datetime(2020, 6, 13), 0.30),
    (2, "松本市", "20", "９．５４", "B社", "100,000", "R2.6.13", "30%"),
    (3, "松本市", "Nagano", "4.5kW", "A社", 60000, "令和3年8月17日", 0.25),
    (4, "伊那市", "長野県", "4500W", "C社", 60000, "H27/01/10", 0.4),
    (5, "伊那市", "長野", 6.2, "B社", 80000, "平成31年4月30日", 0.35),
    (6, "伊那市", "長野県", "5.0 kW", "A社", 70000, "令和元年5月1日", 0.3),
    (7, "松本市", "長野県", 3.96, "C社", 50000, "2019/07/06", 0.3),
    (8, "松本市", "長野県", 5.5, "A社", "75,000", "2022年10月1日", 0.35),
    (9, "松本市", "長野県", 7.0, "B社", 90000, "2023/04/01 0:00", 0.3),
    (10, "松本市", "長野県", 4.0, "C社", 55000, 44652, 0.3),  # an Excel serial: 2022-04-01
]
PV_CANONICAL = [
    ("1", "松本市", "nagano", 9.54, "2020-06-13", 0.30),
    ("2", "松本市", "nagano", 9.54, "2020-06-13", 0.30),
    ("3", "松本市", "nagano", 4.5, "2021-08-17", 0.25),
    ("4", "伊那市", "nagano", 4.5, "2015-01-10", 0.4),
    ("5", "伊那市", "nagano", 6.2, "2019-04-30", 0.35),
    ("6", "伊那市", "nagano", 5.0, "2019-05-01", 0.3),
    ("7", "松本市", "nagano", 3.96, "2019-07-06", 0.3),
    ("8", "松本市", "nagano", 5.5, "2022-10-01", 0.35),
    ("9", "松本市", "nagano", 7.0, "2023-04-01", 0.3),
    ("10", "松本市", "nagano", 4.0, "2022-04-01", 0.3),
]

# 森林簿 extract: 林小班, 市町村, 都道府県, 樹種, 林齢, 面積(ha), 地位, 森林経営計画, 基準年度, 収穫表
FOREST = [
    (
        "101-い",
        "伊那市",
        "長野県",
        "カラマツ",
        42,
        "12.4",
        "上",
        "有",
        "令和5年度",
        "synthetic_demo",
    ),
    ("101-ろ", "伊那市", "長野県", "スギ", 35, "８．７", "中", "有", "令和5年度", "synthetic_demo"),
    ("102-い", "伊那市", "長野県", "ヒノキ", 28, "5.2", "下", "無", "令和5年度", "synthetic_demo"),
    ("102-ろ", "伊那市", "長野県", "すぎ", 18, "3.0", "2", "○", "R5", "synthetic_demo"),
    ("103-い", "伊那市", "20", "檜", 51, "1,204.5", "1", "あり", "2023", "synthetic_demo"),
]
FOREST_CANONICAL = [
    ("101-い", "伊那市", "nagano", "karamatsu", 42, 12.4, 1, "true", 2023, "synthetic_demo"),
    ("101-ろ", "伊那市", "nagano", "sugi", 35, 8.7, 2, "true", 2023, "synthetic_demo"),
    ("102-い", "伊那市", "nagano", "hinoki", 28, 5.2, 3, "false", 2023, "synthetic_demo"),
    ("102-ろ", "伊那市", "nagano", "sugi", 18, 3.0, 2, "true", 2023, "synthetic_demo"),
    ("103-い", "伊那市", "nagano", "hinoki", 51, 1204.5, 1, "true", 2023, "synthetic_demo"),
]

# 森林簿 extract as a 森林経営計画 office keeps it (FY2024): 市町村コード beside 市町村名, 林班 / 小班 /
# 枝番 in their own columns, 齢級 (7齢級, Ⅷ齢級, 9), mixed stands (スギ・ヒノキ, with and without a
# 樹種比率), 地位 1-5, アカマツ and 広葉樹, a 林班 計 row under each 林班, and each stand's growth
# from what the office has: its 成長量, or 蓄積 beside the earlier register's 前回蓄積.
REGISTER_HEADER = [
    "市町村コード", "市町村名", "林班", "小班", "枝番", "樹種", "樹種比率", "齢級", "面積(ha)", "地位",
    "ha当り蓄積(m3)", "前回蓄積(m3/ha)", "前回調査年度", "成長量(m3/ha)", "基準年度", "森林経営計画",
]  # fmt: skip
REGISTER = [
    ("202096", "伊那市", "12", "1", "1", "スギ", "", "7齢級", "2.50", "2", "310", "", "", "8.5", "R6", "有"),
    ("202096", "伊那市", "12", "1", "2", "ヒノキ", "", "Ⅷ齢級", "1.20", "3", "280", "255", "R1", "", "R6", "有"),
    ("202096", "伊那市", "12", "2", "", "スギ・ヒノキ", "60%", "9", "3.00", "4", "300", "", "", "7.0", "R6", "有"),
    ("", "", "12林班 計", "", "", "", "", "", "6.70", "", "", "", "", "", "", ""),
    ("202096", "伊那市", "13", "1", "", "アカマツ", "", "10齢級", "1.00", "5", "200", "", "", "4.0", "R6", "有"),
    ("202096", "伊那市", "13", "2", "", "広葉樹", "", "12齢級", "4.00", "3", "150", "138", "H31", "", "R6", "有"),
    ("202096", "伊那市", "13", "3", "", "スギ・ヒノキ", "", "6齢級", "0.80", "3", "240", "", "", "9.0", "R6", "無"),
    ("", "", "13林班 計", "", "", "", "", "", "5.80", "", "", "", "", "", "", ""),
]  # fmt: skip
REGISTER_CANONICAL_HEADER = [
    "stand_id", "municipality", "species", "species_2", "species_share", "age_yr", "age_fy",
    "area_ha", "site_class", "stock_m3_per_ha", "stock_previous_m3_per_ha", "stock_previous_fy",
    "growth_m3_per_ha_yr", "managed",
]  # fmt: skip
REGISTER_CANONICAL = [
    ("12-1-1", "202096", "sugi", "", "", 33, 2024, 2.5, 2, 310, "", "", 8.5, "true"),
    ("12-1-2", "202096", "hinoki", "", "", 38, 2024, 1.2, 3, 280, 255, 2019, "", "true"),
    ("12-2", "202096", "sugi", "hinoki", 0.6, 43, 2024, 3.0, 4, 300, "", "", 7.0, "true"),
    ("13-1", "202096", "akamatsu", "", "", 48, 2024, 1.0, 5, 200, "", "", 4.0, "true"),
    ("13-2", "202096", "broadleaf_other", "", "", 58, 2024, 4.0, 3, 150, 138, 2019, "", "true"),
    ("13-3", "202096", "sugi", "hinoki", "", 28, 2024, 0.8, 3, 240, "", "", 9.0, "false"),
]  # fmt: skip

# The same 林班 in two FYs' extracts, as kept: `offset calc forest R6 --previous R1` gives each
# stand's growth by the difference of its stocks. Since R1, 12-2 was divided (12-2-1, 12-2-2),
# 13-2-1 and 13-2-2 were joined (13-2), and 14-1 was harvested.
REGISTERS_HEADER = [
    "市町村コード", "林班", "小班", "枝番", "樹種", "林齢", "面積(ha)", "ha当り蓄積(m3)", "基準年度",
    "森林経営計画",
]  # fmt: skip
REGISTER_R1 = [
    ("202096", "12", "1", "1", "スギ", "28", "2.50", "270", "R1", "有"),
    ("202096", "12", "1", "2", "ヒノキ", "33", "1.20", "255", "R1", "有"),
    ("202096", "12", "2", "", "スギ", "38", "3.00", "265", "R1", "有"),
    ("202096", "13", "2", "1", "スギ", "40", "1.00", "300", "R1", "有"),
    ("202096", "13", "2", "2", "スギ", "40", "3.00", "260", "R1", "有"),
    ("202096", "14", "1", "", "スギ", "50", "2.00", "400", "R1", "有"),
]  # fmt: skip
REGISTER_R6 = [
    ("202096", "12", "1", "1", "スギ", "33", "2.50", "310", "R6", "有"),
    ("202096", "12", "1", "2", "ヒノキ", "38", "1.20", "280", "R6", "有"),
    ("202096", "12", "2", "1", "スギ", "43", "1.50", "300", "R6", "有"),
    ("202096", "12", "2", "2", "スギ", "43", "1.50", "300", "R6", "有"),
    ("202096", "13", "2", "", "スギ", "45", "4.00", "310", "R6", "有"),
]  # fmt: skip

# A yield table (収穫表) in the layout prefectures print, for `offset factors import-yield`: the
# LAYOUT only; its volumes are SYNTHETIC (no prefectural table could be read in full).
YIELD_LAYOUT = [
    ("Ⅰ", 5, 3, 2), ("Ⅱ", 40, 30, 20), ("Ⅲ", 100, 80, 55), ("Ⅳ", 170, 135, 95),
    ("Ⅴ", 240, 190, 140), ("Ⅵ", 300, 240, 180), ("Ⅶ", 350, 285, 215), ("Ⅷ", 395, 325, 245),
    ("Ⅸ", 435, 360, 272), ("Ⅹ", 470, 390, 296), ("ⅩⅠ", 500, 415, 316), ("ⅩⅡ", 525, 436, 333),
    ("ⅩⅢ", 546, 454, 347),
]  # fmt: skip

# A residential renovation list in the office's own wording: 改修内容 written out, 暖房機器 in
# Japanese, LED台数, 暖房度日 where the office has it (Naha's row takes its capital's).
WORDING_HEADER = [
    "受付番号", "市町村", "都道府県", "改修内容", "完了日", "改修前UA値", "改修後UA値", "外皮面積(㎡)",
    "暖房機器", "暖房度日", "LED台数", "改修前消費電力(W)", "改修後消費電力(W)", "年間点灯時間",
]  # fmt: skip
WORDING = [
    ("R6-101", "松本市", "長野県", "外壁・天井断熱", "R6.7.31", "1.20", "0.60", "280", "エアコン",
     "2900", "", "", "", ""),
    ("R6-102", "松本市", "長野県", "窓の断熱改修(内窓設置)", "R6.9.2", "0.90", "0.70", "300",
     "石油ファンヒーター", "2900", "", "", "", ""),
    ("R6-103", "伊那市", "長野県", "外壁・床断熱", "令和6年11月15日", "1.54", "0.56", "250",
     "ガスファンヒーター", "3100", "", "", "", ""),
    ("R6-104", "那覇市", "沖縄県", "窓の断熱改修(内窓設置)", "R6.10.1", "0.90", "0.70", "300",
     "エアコン", "", "", "", "", ""),
    ("R6-105", "松本市", "長野県", "LED照明への交換", "R6.6.1", "", "", "", "", "", "12", "40",
     "15", "2000"),
]  # fmt: skip
WORDING_CANONICAL_HEADER = [
    "building_id", "municipality", "prefecture", "measure", "completed", "ua_before_w_m2k",
    "ua_after_w_m2k", "envelope_area_m2", "heating_appliance", "hdd_kday", "lamp_count",
    "power_before_w", "power_after_w", "operating_hours_h",
]  # fmt: skip
WORDING_CANONICAL = [
    ("R6-101", "松本市", "nagano", "envelope", "2024-07-31", 1.2, 0.6, 280, "heat_pump", 2900,
     "", "", "", ""),
    ("R6-102", "松本市", "nagano", "envelope", "2024-09-02", 0.9, 0.7, 300,
     "kerosene_fan_heater", 2900, "", "", "", ""),
    ("R6-103", "伊那市", "nagano", "envelope", "2024-11-15", 1.54, 0.56, 250, "gas_fan_heater",
     3100, "", "", "", ""),
    ("R6-104", "那覇市", "okinawa", "envelope", "2024-10-01", 0.9, 0.7, 300, "heat_pump", "",
     "", "", "", ""),
    ("R6-105", "松本市", "nagano", "lighting", "2024-06-01", "", "", "", "", "", 12, 40, 15, 2000),
]  # fmt: skip

# A public-facility list (事務事業編) whose savings the facilities' engineer computed already:
# 施設名, 改修内容, 完了年月 written as months (R6.9, 2024年10月), 削減電力量(kWh/年),
# 削減灯油量(L/年), 削減都市ガス(m3/年), separators in the numbers, a 合計 row.
FACILITY_HEADER = [
    "施設名", "市町村", "改修内容", "完了年月", "削減電力量(kWh/年)", "削減灯油量(L/年)",
    "削減都市ガス(m3/年)", "算定根拠",
]  # fmt: skip
FACILITY = [
    ("市役所本庁舎", "松本市", "LED照明への交換", "R6.4", "52,000", "", "", "推計"),
    ("中央公民館", "松本市", "空調更新(灯油ボイラー→ヒートポンプ)", "R6.9", "-8,000", "12,000", "",
     "推計"),
    ("市民体育館", "松本市", "高効率給湯器", "2024年10月", "", "", "8,000", "推計"),
    ("南部支所", "松本市", "庁舎照明LED化", "R5.12", "18,500", "", "", "実測"),
    ("合計", "", "", "", "62,500", "12,000", "8,000", ""),
]  # fmt: skip
FACILITY_CANONICAL_HEADER = [
    "facility_id", "municipality", "measure", "completed", "electricity_saved_kwh",
    "kerosene_saved_l", "city_gas_saved_m3", "basis",
]  # fmt: skip
FACILITY_CANONICAL = [
    ("市役所本庁舎", "202029", "LED照明への交換", "2024-04-01", 52000, "", "", "estimated"),
    ("中央公民館", "202029", "空調更新(灯油ボイラー→ヒートポンプ)", "2024-09-01", -8000, 12000, "",
     "estimated"),
    ("市民体育館", "202029", "高効率給湯器", "2024-10-01", "", "", 8000, "estimated"),
    ("南部支所", "202029", "庁舎照明LED化", "2023-12-01", 18500, "", "", "measured"),
]  # fmt: skip

# renovation list: 案件番号, 団体コード, 都道府県, 改修種別, 工事完了日, 改修前UA値, 改修後UA値,
# 外皮面積(㎡), 床面積(㎡), 暖房度日, 暖房効率, 暖房燃料
RENOVATION = [
    (
        "R6-001",
        "202029",
        "長野県",
        "断熱改修",
        "R6.7.31",
        1.20,
        0.46,
        "280",
        120,
        2900,
        0.86,
        "灯油",
    ),
    (
        "R6-002",
        20202,
        "長野県",
        "断熱改修",
        "令和6年9月2日",
        0.87,
        0.60,
        "３００",
        135,
        2900,
        3.0,
        "電気",
    ),
    (
        "R6-003",
        "202096",
        "nagano",
        "外皮",
        dt.datetime(2024, 11, 15),
        1.54,
        0.56,
        "250㎡",
        98,
        3100,
        0.86,
        "灯油",
    ),
]
RENOVATION_CANONICAL = [
    (
        "R6-001",
        "202029",
        "nagano",
        "envelope",
        "2024-07-31",
        1.20,
        0.46,
        280,
        120,
        2900,
        0.86,
        "kerosene",
    ),
    (
        "R6-002",
        "202029",
        "nagano",
        "envelope",
        "2024-09-02",
        0.87,
        0.60,
        300,
        135,
        2900,
        3.0,
        "electricity",
    ),
    (
        "R6-003",
        "202096",
        "nagano",
        "envelope",
        "2024-11-15",
        1.54,
        0.56,
        250,
        98,
        3100,
        0.86,
        "kerosene",
    ),
]


# 太陽光発電 実績報告 (松本市's own list, one sheet per FY: R4, R5, R6, then 集計): no 市町村 or
# 都道府県 column (the city's own), units typed in lower case. Each FY's sheet holds that FY's
# metered figures: 受付番号, 設置容量 as typed, 設置年月日 as typed, 発電量 and 自家消費量 as typed.
PV_BY_FY = {
    "R4": [
        ("太補04-0001", 4.5, dt.datetime(2022, 5, 20), "4,200", 1500),
        ("太補04-0002", "3.9kw", "R4.7.1", 3100, "1,100kwh"),
        ("太補04-0003", "7.2KW", "令和4年10月3日", "3,600kwh", 1400),
    ],
    "R5": [
        ("太補04-0001", 4.5, dt.datetime(2022, 5, 20), "5,150", 1720),
        ("太補04-0002", "3.9kw", "R4.7.1", 4420, "1,490kwh"),
        ("太補04-0003", "7.2KW", "令和4年10月3日", "8,190kwh", 2610),
        ("太補05-0001", "5.5 kw", "R5.6.15", 4870, 1650),
    ],
    "R6": [
        ("太補04-0001", 4.5, dt.datetime(2022, 5, 20), "5,080", 1690),
        ("太補04-0002", "3.9kw", "R4.7.1", 4390, "1,470kwh"),
        ("太補04-0003", "7.2KW", "令和4年10月3日", "8,120kwh", 2590),
        ("太補05-0001", "5.5 kw", "R5.6.15", 6010, 2040),
        ("太補06-0001", "６．２ｋｗ", "令和6年8月1日", 4300, 1480),
    ],
}
PV_BY_FY_YEARS = {"R4": 2022, "R5": 2023, "R6": 2024}
PV_BY_FY_CANONICAL = [
    ("太補04-0001", 4.5, "2022-05-20", 2022, 4200, 1500),
    ("太補04-0002", 3.9, "2022-07-01", 2022, 3100, 1100),
    ("太補04-0003", 7.2, "2022-10-03", 2022, 3600, 1400),
    ("太補04-0001", 4.5, "2022-05-20", 2023, 5150, 1720),
    ("太補04-0002", 3.9, "2022-07-01", 2023, 4420, 1490),
    ("太補04-0003", 7.2, "2022-10-03", 2023, 8190, 2610),
    ("太補05-0001", 5.5, "2023-06-15", 2023, 4870, 1650),
    ("太補04-0001", 4.5, "2022-05-20", 2024, 5080, 1690),
    ("太補04-0002", 3.9, "2022-07-01", 2024, 4390, 1470),
    ("太補04-0003", 7.2, "2022-10-03", 2024, 8120, 2590),
    ("太補05-0001", 5.5, "2023-06-15", 2024, 6010, 2040),
    ("太補06-0001", 6.2, "2024-08-01", 2024, 4300, 1480),
]

# A prefecture's list of PV subsidies across its municipalities, each written as the office it
# came from writes it: the 団体コード, the official name, the name without 市, romaji, kana.
PV_FORMS = [
    ("P-01", "202029", "長野県", "4.5", "2021/5/1", "0.3"),
    ("P-02", "松本市", "長野県", "3.9kw", "2021/6/1", "0.3"),
    ("P-03", "松本", "長野", "5.0", "2021/7/1", "0.25"),
    ("P-04", "Matsumoto", "Nagano", "6.1", "2021/8/1", "0.3"),
    ("P-05", "まつもとし", "長野県", "4.2KW", "2021/9/1", "0.35"),
    ("P-06", "伊那市", "長野県", "4.8", "2021/10/1", "0.3"),
    ("P-07", "ina", "長野県", "5.2", "2021/11/1", "0.3"),  # also 伊奈町 in 埼玉県: the row's 長野県
    ("P-08", "20209", "長野県", "3.6", "2021/12/1", "0.3"),  # 伊那市 without its check digit
]
PV_FORMS_CANONICAL = [
    ("P-01", "202029", "nagano", 4.5, "2021-05-01", 0.3),
    ("P-02", "202029", "nagano", 3.9, "2021-06-01", 0.3),
    ("P-03", "202029", "nagano", 5.0, "2021-07-01", 0.25),
    ("P-04", "202029", "nagano", 6.1, "2021-08-01", 0.3),
    ("P-05", "202029", "nagano", 4.2, "2021-09-01", 0.35),
    ("P-06", "202096", "nagano", 4.8, "2021-10-01", 0.3),
    ("P-07", "202096", "nagano", 5.2, "2021-11-01", 0.3),
    ("P-08", "202096", "nagano", 3.6, "2021-12-01", 0.3),
]


def pv_by_fy_workbook(path: Path) -> None:
    """One sheet per FY, a 集計 sheet last; a 計 row under each FY's rows."""
    book = openpyxl.Workbook()
    first = book.active
    assert first is not None
    book.remove(first)
    header = ["受付番号", "設置容量(kw)", "設置年月日", "発電量(kwh)", "自家消費量(kwh)"]
    for name, records in PV_BY_FY.items():
        sheet = book.create_sheet(name)
        sheet["A1"] = f"太陽光発電 実績報告 ({name.replace('R', '令和')}年度) 松本市 環境政策課"
        sheet["A1"].font = Font(bold=True)
        sheet.append([])
        sheet.append(header)
        for record in records:
            sheet.append(list(record))
            cell = sheet.cell(row=sheet.max_row, column=3)
            if isinstance(cell.value, dt.datetime):
                cell.number_format = WAREKI
        last = sheet.max_row
        sheet.append([f"{name} 計", f"=SUM(B4:B{last})", None, f"=SUM(D4:D{last})", None])
    summary = book.create_sheet("集計")
    summary.append(["年度", "件数"])
    for name, records in PV_BY_FY.items():
        summary.append([name, len(records)])
    book.save(path)


def pv_forms_csv(path: Path) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["番号", "市町村", "都道府県", "設置容量(kW)", "設置年月日", "自家消費率"])
        writer.writerows(PV_FORMS)


def pv_workbook(path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "太陽光補助金一覧"
    sheet["A1"] = "令和6年度 住宅用太陽光発電システム設置費補助金 交付一覧"
    sheet["A1"].font = Font(bold=True, size=14)
    sheet["A2"] = "作成日: 令和6年4月15日 環境政策課"
    top = ["番号", "市町村", "都道府県", "システム概要", None, None, "設置年月日", "自家消費率"]
    bottom = [None, None, None, "太陽電池容量(kW)", "メーカー", "補助金額(円)", None, None]
    for column, (upper, lower) in enumerate(zip(top, bottom, strict=True), start=1):
        sheet.cell(row=4, column=column, value=upper)
        sheet.cell(row=5, column=column, value=lower)
    sheet.merge_cells("D4:F4")
    for letter in "ABCGH":
        sheet.merge_cells(f"{letter}4:{letter}5")
    for cell in sheet[4]:
        cell.alignment = Alignment(horizontal="center")
    for offset, record in enumerate(PV):
        row = 6 + offset
        for column, value in enumerate(record, start=1):
            cell = sheet.cell(row=row, column=column, value=value)
            if isinstance(value, dt.datetime):
                cell.number_format = WAREKI
            if column == 6 and isinstance(value, int):
                cell.number_format = "#,##0"
            if column == 8 and isinstance(value, float):
                cell.number_format = "0%"
    total = 6 + len(PV)
    sheet.cell(row=total, column=1, value="合計")
    sheet.cell(row=total, column=4, value=f"=SUM(D6:D{total - 1})")
    sheet.cell(row=total, column=6, value=f"=SUM(F6:F{total - 1})")
    summary = book.create_sheet("集計")
    summary["A1"] = "市町村別の件数"
    summary["A2"], summary["B2"] = "松本市", 7
    book.save(path)


def pv_csv(path: Path) -> None:
    """What Excel's 'CSV (コンマ区切り)' export of the sheet writes: the cells as displayed."""
    rows: list[list[object]] = [
        ["令和6年度 住宅用太陽光発電システム設置費補助金 交付一覧"],
        ["作成日: 令和6年4月15日 環境政策課"],
        [],
        ["番号", "市町村", "都道府県", "システム概要", "", "", "設置年月日", "自家消費率"],
        ["", "", "", "太陽電池容量(kW)", "メーカー", "補助金額(円)", "", ""],
    ]
    for record in PV:
        shown = list(record)
        if isinstance(shown[6], dt.datetime):
            day = shown[6]
            shown[6] = f"令和{day.year - 2018}年{day.month}月{day.day}日"
        if isinstance(shown[5], int):
            shown[5] = f"{shown[5]:,}"
        if isinstance(shown[7], float):
            shown[7] = f"{round(shown[7] * 100)}%"
        rows.append(shown)
    rows.append(["合計", "", "", "", "", "", "", ""])
    with path.open("w", encoding="cp932", newline="") as f:
        csv.writer(f, lineterminator="\r\n").writerows(rows)


def forest_csv(path: Path) -> None:
    header = [
        "林小班",
        "市町村",
        "都道府県",
        "樹種",
        "林齢",
        "面積(ha)",
        "地位",
        "森林経営計画",
        "林齢基準年度",
        "収穫表",
    ]
    with path.open("w", encoding="cp932", newline="") as f:
        writer = csv.writer(f, lineterminator="\r\n")
        writer.writerow(["森林簿 抽出 (伊那市 令和5年度末)"])
        writer.writerow(header)
        writer.writerows(FOREST)


def register_csv(path: Path) -> None:
    with path.open("w", encoding="cp932", newline="") as f:
        writer = csv.writer(f, lineterminator="\r\n")
        writer.writerow(["森林簿 抽出 (伊那市 令和6年度 森林経営計画区域)"])
        writer.writerow(REGISTER_HEADER)
        writer.writerows(REGISTER)


def office_csv(path: Path, title: str, header: list[str], rows: list[tuple[str, ...]]) -> None:
    """A list as Excel's CSV export writes it (CP932, CRLF), a title line above the header."""
    with path.open("w", encoding="cp932", newline="") as f:
        writer = csv.writer(f, lineterminator="\r\n")
        writer.writerow([title])
        writer.writerow(header)
        writer.writerows(rows)


def yield_layout_csv(path: Path) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(
            ["スギ 林分収穫表 (様式の例: 材積は合成の値 / the layout only, SYNTHETIC volumes)"]
        )
        writer.writerow(["齢級", "地位1", "地位2", "地位3"])
        writer.writerows(YIELD_LAYOUT)


def renovation_workbook(path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "省エネ改修"
    sheet["A1"] = "住宅省エネ改修補助 実績一覧 (令和6年度)"
    top = [
        "案件番号",
        "団体コード",
        "都道府県",
        "改修種別",
        "工事完了日",
        "外皮性能",
        None,
        "外皮面積(㎡)",
        "床面積(㎡)",
        "暖房度日",
        "暖房効率",
        "暖房燃料",
    ]
    bottom = [
        None,
        None,
        None,
        None,
        None,
        "改修前UA値",
        "改修後UA値",
        None,
        None,
        None,
        None,
        None,
    ]
    for column, (upper, lower) in enumerate(zip(top, bottom, strict=True), start=1):
        sheet.cell(row=3, column=column, value=upper)
        sheet.cell(row=4, column=column, value=lower)
    sheet.merge_cells("F3:G3")
    for offset, record in enumerate(RENOVATION):
        for column, value in enumerate(record, start=1):
            cell = sheet.cell(row=5 + offset, column=column, value=value)
            if isinstance(value, dt.datetime):
                cell.number_format = WAREKI
    sheet.cell(row=5 + len(RENOVATION), column=1, value="計")
    book.save(path)


def canonical(path: Path, header: list[str], rows: list[tuple[object, ...]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        writer.writerows(rows)


def main() -> None:
    pv_workbook(HERE / "pv_subsidy_list.xlsx")
    pv_csv(HERE / "pv_subsidy_list_cp932.csv")
    forest_csv(HERE / "forest_register_cp932.csv")
    register_csv(HERE / "forest_register_ina.csv")
    yield_layout_csv(HERE / "yield_table_layout.csv")
    office_csv(HERE / "forest_register_r1.csv", "森林簿 抽出 (伊那市 令和元年度)", REGISTERS_HEADER,
               REGISTER_R1)  # fmt: skip
    office_csv(HERE / "forest_register_r6.csv", "森林簿 抽出 (伊那市 令和6年度)", REGISTERS_HEADER,
               REGISTER_R6)  # fmt: skip
    office_csv(
        HERE / "renovation_wording.csv",
        "住宅省エネ改修補助 実績 (令和6年度)",
        WORDING_HEADER,
        WORDING,
    )
    office_csv(
        HERE / "facility_savings.csv",
        "令和6年度 公共施設の省エネ改修 削減量一覧 (事務事業編)",
        FACILITY_HEADER,
        FACILITY,
    )
    renovation_workbook(HERE / "renovation_list.xlsx")
    pv_by_fy_workbook(HERE / "pv_by_fy.xlsx")
    pv_forms_csv(HERE / "pv_municipality_forms.csv")
    twins = HERE / "canonical"
    twins.mkdir(exist_ok=True)
    canonical(twins / "forest_register_ina.csv", REGISTER_CANONICAL_HEADER, REGISTER_CANONICAL)
    canonical(twins / "renovation_wording.csv", WORDING_CANONICAL_HEADER, WORDING_CANONICAL)
    canonical(twins / "facility_savings.csv", FACILITY_CANONICAL_HEADER, FACILITY_CANONICAL)
    canonical(
        twins / "pv_by_fy.csv",
        ["system_id", "municipality", "prefecture", "capacity_kw", "commissioned", "fy",
         "generation_kwh", "self_consumed_kwh"],
        [(i, "202029", "nagano", c, d, fy, g, s) for i, c, d, fy, g, s in PV_BY_FY_CANONICAL],
    )  # fmt: skip
    canonical(
        twins / "pv_municipality_forms.csv",
        ["system_id", "municipality", "prefecture", "capacity_kw", "commissioned",
         "self_consumption_ratio"],
        PV_FORMS_CANONICAL,
    )  # fmt: skip
    canonical(
        twins / "pv.csv",
        [
            "system_id",
            "municipality",
            "prefecture",
            "capacity_kw",
            "commissioned",
            "self_consumption_ratio",
        ],
        PV_CANONICAL,
    )
    canonical(
        twins / "forest.csv",
        [
            "stand_id",
            "municipality",
            "prefecture",
            "species",
            "age_yr",
            "area_ha",
            "site_class",
            "managed",
            "age_fy",
            "yield_region",
        ],
        FOREST_CANONICAL,
    )
    canonical(
        twins / "renovation.csv",
        [
            "building_id",
            "municipality",
            "prefecture",
            "measure",
            "completed",
            "ua_before_w_m2k",
            "ua_after_w_m2k",
            "envelope_area_m2",
            "floor_area_m2",
            "hdd_kday",
            "heating_efficiency",
            "energy_carrier",
        ],
        RENOVATION_CANONICAL,
    )


if __name__ == "__main__":
    main()
