"""The MOE/METI list 電気事業者別排出係数 as the ministries publish it, read row by row.

Two forms are read:

- the text of its PDF, as `pdftotext -layout` gives it: each supplier is a block of menu
  rows (メニューA ... メニューM(残差), (参考値)事業者全体) with its 登録番号 and name printed
  once, on the row at the block's middle; a supplier without menus is one row. A block ends
  at its (参考値)事業者全体 row, or where the menu letters start again at A;
- its Excel workbook, with the same columns: a supplier's 登録番号 and name are in the first row
  of its block (a merged cell keeps its value in its top cell), the menu rows below.

Then the 【一般送配電事業者】 rows (番号, name, factors), the 代替値 row and the 全国平均係数 of the
non-fossil certificate section. The results year comes from the title (`-R6年度実績-` is FY2024),
the date from `R8.1.9 ... 公表`. Every line is either read, or known not to be data (headers,
notes, page footers, the 把握できなかった理由 text), or reported with its number: nothing is
skipped silently.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Literal

from offset.common.messages import Msg
from offset.common.problems import Problem

Section = Literal["retail", "td"]
FACTOR = re.compile(r"^(?P<value>\d\.\d{6})(?P<flag>※)?$")
RATE = re.compile(r"^(?:\d{1,3}\.\d{2}|[-―─–])$")
REGISTRATION = re.compile(r"^A\d{4}$")
MENU = re.compile(r"^(?:メニュー[A-Z0-9][A-Z0-9\-]*(?:\(残差\))?|\(参考値\)事業者全体)$")
MENU_AT_END = re.compile(r"\s(メニュー[A-Z0-9][A-Z0-9\-]*(?:\(残差\))?|\(参考値\)事業者全体)$")
TD_ROW = re.compile(r"^(?P<number>\d{1,2})\s+(?P<name>\S.*)$")
RESULTS_YEAR = re.compile(r"(?P<era>R|H|令和|平成)\s*(?P<year>元|\d{1,2})\s*年度\s*実績")
PUBLISHED = re.compile(
    r"(?P<era>R|令和)\s*(?P<y>\d{1,2})\.(?P<m>\d{1,2})\.(?P<d>\d{1,2})[^、,]*公表"
)
ERAS = {"R": 2018, "令和": 2018, "H": 1988, "平成": 1988}
COLUMNS = re.compile(r"\s{2,}")
PAGE = re.compile(r"^\d+\s*/\s*\d+\s*ページ$")
DATE = re.compile(r"^\d{4}/\d{1,2}/\d{1,2}$")
# lines that are known not to be data: the table headers, notes and their continuations
HEADER_WORDS = (
    "登録番号",
    "電気事業者名",
    "基礎排出係数",
    "調整後排出係数",
    "(t-CO2/kWh)",
    "把握率",
)
NOTE_STARTS = ("○", "〇", "注)", "(※)", "(-)", "(－)", "※", "【一般送配電事業者】の係数は",
               "沖縄電力以外の", "特定排出者が調達した", "FIT補正率", "非FIT補正率")  # fmt: skip
TITLE = "電気事業者別排出係数"
LIST_WIDE = re.compile(r"^(?:代替値|全国平均係数(?:\(t-CO2/kWh\))?)$")
REASON_INDENT = 24  # the 把握できなかった理由 column's text, wrapped onto lines of its own


@dataclass(frozen=True)
class ListedRow:
    """One factor row of the list, as printed."""

    line: int  # the line (text) or row (workbook) it was read on
    section: Section
    registration: str  # 登録番号 (retail), the list's 番号 (T&D)
    supplier: str  # 電気事業者名 as printed
    menu: str  # メニュー名 as printed ("" for a supplier without menus, and T&D rows)
    basic: float
    adjusted: float
    flagged: bool  # ※: the 代替値 was applied to an abnormal factor (通達)


@dataclass(frozen=True)
class GridList:
    """What a list holds: its title and years, its rows and its two list-wide figures."""

    title: str
    results_fy: int
    published: str  # YYYY-MM-DD, "" if the title gives none
    rows: tuple[ListedRow, ...]
    alternative: float | None  # 代替値
    national_average: float | None  # 全国平均係数
    source: str  # the file read
    notices: tuple[Msg, ...] = ()  # what the reading of a workbook says (hidden rows read)


def nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text).replace("\u3000", " ")


def results_year(text: str) -> int | None:
    """`-R6年度実績-` -> 2024, `令和元年度実績` -> 2019, `H30年度実績` -> 2018."""
    match = RESULTS_YEAR.search(nfkc(text).replace(" ", ""))
    if match is None:
        return None
    year = 1 if match["year"] == "元" else int(match["year"])
    return ERAS[match["era"]] + year


def published_date(text: str) -> str:
    match = PUBLISHED.search(nfkc(text).replace(" ", ""))
    if match is None:
        return ""
    return f"{ERAS[match['era']] + int(match['y'])}-{int(match['m']):02d}-{int(match['d']):02d}"


@dataclass
class _Block:
    """A supplier's rows while they are read (text form: the name may come in the middle)."""

    registration: str = ""
    supplier: str = ""
    lines: list[int] = field(default_factory=list)
    rows: list[tuple[int, str, float, float, bool]] = field(default_factory=list)

    @property
    def letters(self) -> list[str]:
        return [m[4:].split("(")[0] for _, m, *_ in self.rows if m.startswith("メニュー")]


def _letter_restarts(block: _Block, menu: str) -> bool:
    """A menu letter not after the block's last one starts another supplier's block."""
    if not menu.startswith("メニュー") or not block.letters:
        return False
    letter = menu[4:].split("(")[0]
    return (len(letter), letter) <= (len(block.letters[-1]), block.letters[-1])


@dataclass
class _Reader:
    """The state of reading one list: rows found, problems, the current block and section."""

    file: str
    rows: list[ListedRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    block: _Block | None = None
    section: Section = "retail"
    alternative: float | None = None
    national_average: float | None = None

    def problem(self, line: int, why: str) -> None:
        self.problems.append(Problem(self.file, line, None, why))

    def close(self) -> None:
        block, self.block = self.block, None
        if block is None:
            return
        if not block.registration:
            where = ", ".join(map(str, block.lines))
            self.problem(block.lines[0], Msg("grid.no_supplier", lines=where))
            return
        menus = [m for _, m, *_ in block.rows]
        for menu in {m for m in menus if menus.count(m) > 1}:
            self.problem(block.lines[0], Msg("grid.twice", registration=block.registration,
                                             menu=menu or "-"))  # fmt: skip
        for line, menu, basic, adjusted, flagged in block.rows:
            self.rows.append(
                ListedRow(line, "retail", block.registration, block.supplier, menu, basic,
                          adjusted, flagged)
            )  # fmt: skip

    def open_block(self, line: int) -> _Block:
        self.close()
        self.block = _Block(lines=[line])
        return self.block


def _factors(tokens: Sequence[str]) -> tuple[list[float], bool, list[str]]:
    """The factor values among `tokens`, whether one is marked ※, and the tokens before them."""
    values: list[float] = []
    flagged = False
    before: list[str] = []
    for token in tokens:
        match = FACTOR.match(token)
        if match is not None:
            values.append(float(match["value"]))
            flagged |= match["flag"] is not None
        elif not values:
            before.append(token)
    return values, flagged, before


def _known_text(line: str, indent: int, previous_note: bool) -> tuple[bool, bool]:
    """(the line is known not to be data, it is a note or continues one)."""
    if not line or PAGE.match(line) or DATE.match(line) or TITLE in line:
        return True, False
    if line.startswith(NOTE_STARTS) or ("年度実績" in line and "公表" in line):
        return True, True
    if any(word in line.replace(" ", "") for word in HEADER_WORDS) and not FACTOR.search(line):
        return True, False
    if line in ("【小売電気事業者】", "【一般送配電事業者】", "番号"):
        return True, False
    if previous_note and indent == 0:
        return True, True
    if indent >= REASON_INDENT:  # the 理由 column's wrapped text
        return True, False
    return False, False


def read_text(text: str, file: str) -> tuple[GridList | None, list[Problem]]:
    """The list from the text of its PDF (pdftotext -layout)."""
    reader = _Reader(file)
    lines = text.splitlines()
    title_line = next(
        (i for i, line in enumerate(lines, 1) if TITLE in nfkc(line) and not _comment(line)),
        None,
    )
    start = (title_line or 1) - 1
    head = "\n".join(nfkc(line) for line in lines[start : start + 3])  # the title and its date
    previous_note = False
    for number, raw in enumerate(lines, 1):
        plain = nfkc(raw).rstrip()
        line = plain.strip()
        indent = len(plain) - len(plain.lstrip())
        if _comment(line):
            continue  # a comment a copy added above the list (not the ministries' text)
        if line == "【小売電気事業者】":
            reader.section = "retail"
        elif line == "【一般送配電事業者】":
            reader.close()
            reader.section = "td"
        tokens = [t.strip() for t in COLUMNS.split(line) if t.strip()]
        values, flagged, before = _factors(tokens)
        if tokens and LIST_WIDE.match(tokens[0]):
            _list_wide(reader, number, tokens[0], values)
            previous_note = False
            continue
        known, previous_note = _known_text(line, indent, previous_note)
        if known and not values and not REGISTRATION.match(tokens[0] if tokens else ""):
            continue
        previous_note = False
        if reader.section == "td":
            _td_line(reader, number, before, values, flagged)
        else:
            _retail_line(reader, number, tokens, before, values, flagged)
    reader.close()
    return _finish(reader, head, title_line, file)


def _comment(line: str) -> bool:
    return line.lstrip().startswith("#")


def _list_wide(reader: _Reader, line: int, label: str, values: list[float]) -> None:
    if len(values) != 1:
        reader.problem(line, Msg("grid.list_wide", label=label, count=len(values)))
    elif label.startswith("代替値"):
        reader.alternative = values[0]
    else:
        reader.national_average = values[0]


def _td_line(
    reader: _Reader, line: int, before: list[str], values: list[float], flagged: bool
) -> None:
    match = TD_ROW.match(" ".join(before))
    if match is None or len(values) != 2:
        reader.problem(line, Msg("grid.td_row", row=" | ".join(before)))
        return
    reader.rows.append(
        ListedRow(line, "td", match["number"], match["name"], "", values[0], values[1], flagged)
    )


def _retail_line(
    reader: _Reader,
    line: int,
    tokens: list[str],
    before: list[str],
    values: list[float],
    flagged: bool,
) -> None:
    """One line of the 小売電気事業者 table: a menu row, a supplier's name (with a menu row or
    none: the middle of its block), or a supplier without menus."""
    registration = name = menu = ""
    rest = list(before)  # the tokens before the factors (all of them on a line without any)
    if rest and REGISTRATION.match(rest[0]):
        registration = rest.pop(0)
        if rest and not MENU.match(rest[0]) and not RATE.match(rest[0]):
            name = rest.pop(0)
            if (at_end := MENU_AT_END.search(name)) is not None:  # a long name met the column
                name, menu = name[: at_end.start()].strip(), at_end[1]
    if rest and MENU.match(rest[0]):
        menu = rest.pop(0)
    if not values and rest and RATE.match(rest[0]):
        rest = []  # the 把握率, then the 理由 text
    understood = (
        not rest
        and len(values) in (0, 2)
        and (registration == "" or name != "")
        and (registration != "" or (menu != "" and values != []))
    )
    if not understood:
        reader.problem(line, Msg("grid.not_understood", row=" | ".join(tokens)))
        return
    block = reader.block
    if registration:
        if values and not menu:  # a supplier without menus: one row
            single = reader.open_block(line)
            single.registration, single.supplier = registration, name
            single.rows.append((line, "", values[0], values[1], flagged))
            reader.close()
            return
        if block is None or block.registration or (menu and _letter_restarts(block, menu)):
            block = reader.open_block(line)
        block.registration, block.supplier = registration, name
        block.lines.append(line)
    elif block is None or _letter_restarts(block, menu):
        block = reader.open_block(line)
    if menu and values:
        block.rows.append((line, menu, values[0], values[1], flagged))
        block.lines.append(line)
        if menu.startswith("(参考値)") and block.registration:
            reader.close()


def _finish(
    reader: _Reader, head: str, title_line: int | None, file: str
) -> tuple[GridList | None, list[Problem]]:
    year = results_year(head)
    if title_line is None or year is None:
        reader.problem(title_line or 1, Msg("grid.no_year"))
    if not reader.rows:
        reader.problem(1, Msg("grid.no_rows"))
    if reader.problems or year is None:
        return None, reader.problems
    title = " ".join(line.strip() for line in head.splitlines() if TITLE in line or "実績" in line)
    return (
        GridList(
            title=" ".join(title.split()),
            results_fy=year,
            published=published_date(head),
            rows=tuple(reader.rows),
            alternative=reader.alternative,
            national_average=reader.national_average,
            source=Path(file).name,
        ),
        [],
    )


def _cells(path: Path, sheet: str | None, notices: list[Msg]) -> Iterator[tuple[int, list[str]]]:
    """Each row of the sheet as text cells (numbers as the list prints them, six decimals),
    read as every office workbook is (`common.sheets`: a damaged or hostile workbook, or a
    shared string outside its table, is refused with the file, sheet and cell named); what the
    reading says (hidden rows read) goes into `notices`."""
    from offset.common.sheets import read_sheets, refuse, workbook_sheets

    names = workbook_sheets(path)
    if sheet is not None and sheet not in names:
        raise refuse(path, Msg("file.no_sheet", sheet=sheet, sheets=", ".join(names)))
    (grid,) = read_sheets(path, [sheet if sheet is not None else names[0]])
    notices.extend(grid.notices)
    for number, row in enumerate(grid.cells.itertuples(index=False, name=None), 1):
        cells = []
        for value in row:
            if value is None or (isinstance(value, float) and value != value):
                cells.append("")
            elif isinstance(value, int | float) and not isinstance(value, bool):
                # a factor as the list prints it (six decimals; 0 is stored as an integer),
                # a 番号 or 把握率 as they are
                cells.append(f"{value:.6f}" if 0 <= value < 1 else f"{value:g}")
            else:
                cells.append(nfkc(str(value)).strip())
        yield number, cells


def read_workbook(path: Path, sheet: str | None = None) -> tuple[GridList | None, list[Problem]]:
    """The list from its Excel workbook: header row, then blocks under a 登録番号 each."""
    file = str(path)
    reader = _Reader(file)
    head_lines: list[str] = []
    columns: dict[str, int] = {}
    title_line: int | None = None
    notices: list[Msg] = []
    for number, cells in _cells(path, sheet, notices):
        joined = " ".join(c for c in cells if c)
        if not joined:
            continue
        if title_line is None and TITLE in joined:
            title_line = number
        if title_line is not None and number <= title_line + 2:
            head_lines.append(joined)  # the title and the date under it
        first = next(c for c in cells if c)
        if first == "【一般送配電事業者】":
            reader.close()
            reader.section = "td"
            continue
        if LIST_WIDE.match(first):
            values = [float(m["value"]) for c in cells if (m := FACTOR.match(c))]
            _list_wide(reader, number, first, values)
            continue
        header = {_column_of(c): i for i, c in enumerate(cells) if _column_of(c)}
        if "basic" in header and "adjusted" in header:
            columns = header
            continue
        if not columns:
            continue  # the title and the notes above the table
        _workbook_row(reader, number, cells, columns)
    reader.close()
    grid, problems = _finish(reader, "\n".join(head_lines), title_line, file)
    return (replace(grid, notices=tuple(notices)) if grid is not None else None), problems


def _column_of(cell: str) -> str:
    plain = cell.replace(" ", "")
    for word, name in (
        ("登録番号", "registration"),
        ("事業者名", "supplier"),
        ("メニュー", "menu"),
        ("基礎排出係数", "basic"),
        ("調整後排出係数", "adjusted"),
    ):
        if word in plain:
            return name
    return "registration" if plain == "番号" else ""


def _workbook_row(reader: _Reader, line: int, cells: list[str], columns: dict[str, int]) -> None:
    def cell(name: str) -> str:
        index = columns.get(name)
        return cells[index] if index is not None and index < len(cells) else ""

    registration, supplier, menu = cell("registration"), cell("supplier"), cell("menu")
    factors = [FACTOR.match(cell(name)) for name in ("basic", "adjusted")]
    known = {columns.get(n) for n in ("registration", "supplier", "menu", "basic", "adjusted")}
    other = [c for i, c in enumerate(cells) if c and i not in known]
    if not any(factors) and len([c for c in cells if c]) == 1:
        return  # a note under the table, in one cell
    if reader.section == "td":
        if registration and supplier and all(factors):
            basic, adjusted = (float(m["value"]) for m in factors if m)
            flagged = any(m["flag"] for m in factors if m)
            reader.rows.append(
                ListedRow(line, "td", registration, supplier, "", basic, adjusted, flagged)
            )
        else:
            reader.problem(line, Msg("grid.td_row", row=" | ".join(c for c in cells if c)))
        return
    if not all(factors):
        # a note under the table is one cell; anything more is a row that was not read
        if registration or menu or any(factors) or len(other) > 1:
            reader.problem(line, Msg("grid.not_understood", row=" | ".join(cells)))
        return
    if menu and not MENU.match(menu):
        reader.problem(line, Msg("grid.menu", menu=menu))
        return
    basic, adjusted = (float(m["value"]) for m in factors if m)
    flagged = any(m["flag"] for m in factors if m)
    if registration:
        if not REGISTRATION.match(registration) or not supplier:
            reader.problem(line, Msg("grid.not_understood", row=" | ".join(cells)))
            return
        block = reader.open_block(line)
        block.registration, block.supplier = registration, supplier
    elif reader.block is None:
        reader.problem(line, Msg("grid.no_supplier_above", row=" | ".join(cells)))
        return
    assert reader.block is not None
    reader.block.rows.append((line, menu, basic, adjusted, flagged))
    reader.block.lines.append(line)


def read_list(path: Path, sheet: str | None = None) -> tuple[GridList | None, list[Problem]]:
    """The list in `path`: an Excel workbook (.xlsx) or the text of its PDF (anything else)."""
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return read_workbook(path, sheet)
    data = path.read_bytes()
    for encoding in ("utf-8-sig", "cp932"):
        try:
            return read_text(data.decode(encoding), str(path))
        except UnicodeDecodeError:
            continue
    return None, [Problem(str(path), None, None, Msg("grid.encoding"))]
