"""A grid list in the layout the ministries publish, built from the FY2024 rows offset ships.

`pdf_text` lays the rows out as `pdftotext -layout` gives the PDF of 電気事業者別排出係数
-R6年度実績- (read in the copy research/grid.md cites): the title and its date, the notes, a
header repeated on every page with the page footer, each supplier's menu rows with its 登録番号
and name on the middle row (on a line of its own between the two middle rows when the block has
an even number of rows), the 把握率 on the name line and the 把握できなかった理由 wrapped to the
right, then the 一般送配電事業者, the 代替値 and the 全国平均係数. `workbook` writes the same rows
as an Excel sheet with those columns, the supplier cells merged over its block.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from offset.factors import FactorLibrary

TITLE = "電気事業者別排出係数(特定排出者の温室効果ガス排出量算定用)"
DATE_LINE = "－R6年度実績－ R８.１.９ 環境省・経済産業省公表、R8.2.25、R8.6.4一部更新"
LIST_MARK = "-R6年度実績-"  # the shipped FY2024 rows read in the list carry it in their source
NOTES = (
    "○令和7年度の温室効果ガス排出量を算定する際に用いる係数です(報告は令和8年度)。",
    "○基礎排出係数は基礎排出量の算定に、調整後排出係数は調整後排出量の算定に用います。",
    "○令和6年度から小売供給を開始した電気事業者については、令和5年度実績とみなす排出係数と"
    "なっています。",
    "これらの電気事業者の令和6年度実績の排出係数（一部、令和5年度実績とみなすものを含む。）は、"
    "令和8年７月頃に更新予定です。",
    "",
    "注)(残差)はメニュー別係数を公表している電気事業者から電気の供給を受けている場合であって、"
    "供給を受けている電気に関するメニュー別係数が公表されていない場合に使用する係数です。",
)
HEADER = (
    "【小売電気事業者】",
    " " * 58 + "基礎排出係数        調整後排出係数       各事業者の",
    "登録番号                  電気事業者名                   メニュー名" + " " * 50
    + "把握できなかった理由",
    " " * 58 + "(t-CO2/kWh)   (t-CO2/kWh)   把握率(%)",
)  # fmt: skip
FOOTER = (
    "",
    " " * 50
    + "（※）通達に定める方法によって算出した結果、異常値となった基礎排出係数または"
    + "調整後排出係数に代替値を適用。",
    " " * 43
    + "（－）代替値を適用、または未調整排出係数が代替値である事業者からの受電量が"
    + "販売電力量を上回ったため、把握率の算出が困難。",
)
REASON = ("係数が代替値の事業者から", "の受電のため")  # wrapped over two lines, as printed
LINES_PER_PAGE = 40


@dataclass(frozen=True)
class Block:
    registration: str
    supplier: str
    menus: tuple[tuple[str, str, str], ...]  # (menu as printed, basic, adjusted)


@dataclass(frozen=True)
class Published:
    """The FY2024 list as offset ships it."""

    retail: tuple[Block, ...]
    td: tuple[tuple[str, str, str], ...]  # (name, basic, adjusted), in the list's order
    alternative: str
    national_average: str
    rows: pd.DataFrame  # the shipped rows it was built from


def _menu_order(printed: str) -> tuple[int, str]:
    if printed.startswith("(参考値)"):
        return (2, "")
    letter = printed.removeprefix("メニュー").removesuffix("(残差)")
    return (1 if printed == "" else 0, f"{len(letter):02d}{letter}")


def shipped_fy2024(factors: FactorLibrary) -> Published:
    rows = factors["grid_electricity"].rows
    listed = rows[(rows["fy"] == 2024) & rows["source"].str.contains(LIST_MARK, regex=False)]
    retail = listed[listed["registration"] != ""]
    blocks = []
    for registration, group in retail.groupby("registration", sort=True):
        wide = group.pivot(index="menu_name", columns="kind", values="value")
        menus = sorted(wide.index, key=_menu_order)
        blocks.append(
            Block(
                str(registration),
                str(group["supplier_name"].iloc[0]),
                tuple(
                    (m, f"{wide.loc[m, 'basic']:.6f}", f"{wide.loc[m, 'adjusted']:.6f}")
                    for m in menus
                ),
            )
        )
    td_rows = listed[listed["entity"].str.endswith("_td")]
    order = [
        "hokkaido_td", "tohoku_td", "tepco_td", "chubu_td", "hokuriku_td", "kansai_td",
        "chugoku_td", "shikoku_td", "kyushu_td", "okinawa_td",
    ]  # fmt: skip
    td = []
    for key in order:
        group = td_rows[td_rows["entity"] == key]
        value = dict(zip(group["kind"], group["value"].astype(float), strict=True))
        td.append(
            (
                str(group["supplier_name"].iloc[0]),
                f"{value['basic']:.6f}",
                f"{value['adjusted']:.6f}",
            )
        )
    alternative = listed[listed["entity"] == "alternative_value"]["value"].iloc[0]
    average = listed[listed["entity"] == "national_average"]["value"].iloc[0]
    return Published(tuple(blocks), tuple(td), f"{alternative:.6f}", f"{average:.6f}", listed)


def row_line(registration: str, name: str, menu: str, basic: str, adjusted: str, tail: str) -> str:
    left = f"{registration:<8}{name}" if registration else ""
    return f"{left:<44}{menu:<18}{basic:>10}    {adjusted:>10}     {tail}".rstrip()


def _block_lines(block: Block) -> list[str]:
    """A supplier's rows with its number and name on the middle one (or between the two)."""
    rows = block.menus
    rate = "100.00"
    reason = f"{rate}   {REASON[0]}" if len(rows) > 2 else rate
    if len(rows) % 2:
        middle = len(rows) // 2
        lines = [row_line("", "", m, b, a, "") for m, b, a in rows]
        menu, basic, adjusted = rows[middle]
        lines[middle] = row_line(block.registration, block.supplier, menu, basic, adjusted, reason)
        at = middle
    else:
        half = len(rows) // 2
        lines = [row_line("", "", m, b, a, "") for m, b, a in rows]
        name = f"{block.registration:<8}{block.supplier}"
        lines.insert(half, f"{name:<44}{'':<18}{'':>10}    {'':>10}     {reason}".rstrip())
        at = half
    if len(rows) > 2:  # the reason's second half, on the line under the name, far right
        below = lines[at + 1]
        lines[at + 1] = f"{below:<96}{REASON[1]}" if len(below) < 96 else f"{below} {REASON[1]}"
    return lines


def pdf_text(published: Published) -> str:
    """The list as the text of its PDF (pdftotext -layout)."""
    body: list[str] = []
    for block in published.retail:
        body += _block_lines(block)
    pages: list[list[str]] = []
    page: list[str] = []
    for line in body:
        page.append(line)
        if len(page) >= LINES_PER_PAGE and not line.startswith(" "):  # never inside a block
            pages.append(page)
            page = []
    pages.append(page)
    total = len(pages) + 1
    out = [" " * 118 + f"1 / {total} ページ", "", TITLE, DATE_LINE, " " * 116 + "2026/6/4", ""]
    out += [*NOTES, "", ""]
    for number, lines in enumerate(pages, 1):
        if number > 1:
            out += ["", "", " " * 100 + f"{number} / {total} ページ", "", ""]
        out += [*HEADER, *lines, "", "", *FOOTER]
    out += ["", "", " " * 100 + f"{total} / {total} ページ", "", "", "【一般送配電事業者】"]
    out += [" 番号                    電気事業者名" + " " * 60 + "把握できなかった理由"]
    for number, (name, basic, adjusted) in enumerate(published.td, 1):
        out.append(f"{number:>8} {name:<30}{basic:>10}{adjusted:>25}")
    out += [
        " " * 37
        + "【一般送配電事業者】の係数は、最終保障供給または離島供給を受けている場合に"
        + "使用する係数です。",
        " " * 37 + "沖縄電力以外の一般送配電事業者は全国平均係数を代用して報告・公表しています。",
        "",
        f"       代替値{published.alternative:>40}",
        "",
        "特定排出者が調達した非化石証書利用に係る情報",
        "○特定排出者は、…非化石電源二酸化炭素削減相当量（非化石証書の量(kWh)×全国平均係数"
        "(t-CO₂/kWh)×補正",
        "率）を、…控除することができます。",
        f"       全国平均係数(t-CO₂/kWh){published.national_average:>24}",
        "       FIT補正率                               ―",
    ]  # fmt: skip
    return "\n".join(out) + "\n"


def workbook(published: Published, path: Path) -> Path:
    """The list as an Excel sheet with the list's columns; a supplier's cells merged."""
    import openpyxl

    book = openpyxl.Workbook()
    ws = book.active
    assert ws is not None
    ws.title = "R6年度実績"
    ws.append([TITLE])
    ws.append([DATE_LINE.replace("８.１.９", "8.1.9")])
    for note in NOTES:
        ws.append([note] if note else [])
    ws.append(["【小売電気事業者】"])
    ws.append(
        [
            "登録番号",
            "電気事業者名",
            "メニュー名",
            "基礎排出係数(t-CO2/kWh)",
            "調整後排出係数(t-CO2/kWh)",
            "各事業者の把握率(%)",
            "把握できなかった理由",
        ]
    )
    for block in published.retail:
        first = ws.max_row + 1
        for i, (menu, basic, adjusted) in enumerate(block.menus):
            head = [block.registration, block.supplier] if i == 0 else [None, None]
            tail = [100.0, "".join(REASON) if len(block.menus) > 2 else None] if i == 0 else []
            ws.append([*head, menu or None, float(basic), float(adjusted), *tail])
        last = ws.max_row
        if last > first:
            for column in "ABFG":
                ws.merge_cells(f"{column}{first}:{column}{last}")
    ws.append([])
    ws.append(["【一般送配電事業者】"])
    ws.append(
        ["番号", "電気事業者名", None, "基礎排出係数(t-CO2/kWh)", "調整後排出係数(t-CO2/kWh)"]
    )
    for number, (name, basic, adjusted) in enumerate(published.td, 1):
        ws.append([number, name, None, float(basic), float(adjusted)])
    ws.append(
        [
            "【一般送配電事業者】の係数は、最終保障供給または離島供給を受けている場合に使用する係数です。"
        ]
    )
    ws.append([])
    ws.append(["代替値", None, None, float(published.alternative)])
    ws.append(["全国平均係数(t-CO₂/kWh)", None, None, float(published.national_average)])
    book.save(path)
    return path
