"""The report's tables print a project and an agreement by its title (issue 29): the HTML, PDF
and workbook in the key's column, a CSV with the key kept and the title beside it."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import openpyxl
import pytest

from offset.documents import charts
from offset.documents.present import sheet_name
from offset.jobs.run import run_scenario
from offset.scenario import Scenario
from tests.reports import read_table
from tests.scenario.conftest import MINIMAL, PV_ROWS, WriteScenario

PROJECT_TITLE = "町営住宅の太陽光発電"
AGREEMENT_TITLE = "町の太陽光クレジットを Firm へ毎年 3 t"
TABLES = ("issuance", "fulfilment", "deliveries", "balances", "reductions")
UNMETERED = "c,town,nagano,3,2016-04-01,3000,,0,0.0005\n"


class _Cells(HTMLParser):
    """The text of each data cell of the report's tables (`table-NAME`), per table."""

    def __init__(self) -> None:
        super().__init__()
        self.cells: dict[str, list[str]] = {}
        self._table: str | None = None
        self._in_cell = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs).get("id") or ""
        if tag == "table" and found.startswith("table-"):
            self._table = found.removeprefix("table-")
            self.cells[self._table] = []
        self._in_cell = tag == "td" and self._table is not None
        if self._in_cell:
            self.cells[str(self._table)].append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "table":
            self._table = None
        if tag == "td":
            self._in_cell = False

    def handle_data(self, data: str) -> None:
        if self._in_cell and self._table is not None:
            self.cells[self._table][-1] += data.strip()


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("titles")
    toml = MINIMAL.replace(
        'instrument = "J-Credit"\n', f'instrument = "J-Credit"\ntitle = "{PROJECT_TITLE}"\n'
    ).replace('delivery = "transfer"\n', f'delivery = "transfer"\ntitle = "{AGREEMENT_TITLE}"\n')
    toml = toml.replace("tonnes = 3 ", "tonnes = 30 ")  # short every FY: a note naming the deal
    (folder / "scenario.toml").write_text(toml, encoding="utf-8")
    # a system with no self-consumption data: a note naming the project each FY
    (folder / "pv.csv").write_text(PV_ROWS + UNMETERED, encoding="utf-8")
    target = folder / "out"
    run_scenario(Scenario.from_toml(folder / "scenario.toml"), out=target, lang="ja")
    return target


def test_the_html_tables_print_the_titles_not_the_keys(out: Path) -> None:
    parser = _Cells()
    parser.feed((out / "report.html").read_text(encoding="utf-8"))
    for name in TABLES:
        cells = parser.cells[name]
        assert PROJECT_TITLE in cells or name == "fulfilment", name
        assert "pv" not in cells, name  # the project's key
        assert "deal" not in cells, name  # the agreement's key
    assert AGREEMENT_TITLE in parser.cells["fulfilment"]
    assert AGREEMENT_TITLE in parser.cells["deliveries"]


def test_a_blank_cell_is_blank_in_the_html(out: Path) -> None:
    """A plan figure the same as the ledger's (planned_issued), a value with no price: blank
    cells of nullable integers, printed as nothing, never as pandas' <NA>."""
    parser = _Cells()
    parser.feed((out / "report.html").read_text(encoding="utf-8"))
    assert "planned_issued" in read_table(out, "issuance")
    for name, cells in parser.cells.items():
        assert "<NA>" not in cells, name
        assert "nan" not in cells, name


def test_a_csv_keeps_the_key_with_the_title_beside_it(out: Path) -> None:
    issuance = read_table(out, "issuance")
    columns = list(issuance.columns)
    assert columns[columns.index("project") + 1] == "project_title"
    assert set(issuance["project"]) == {"pv"}
    assert set(issuance["project_title"]) == {PROJECT_TITLE}
    deliveries = read_table(out, "deliveries")
    assert set(deliveries["agreement"]) == {"deal"}
    assert set(deliveries["agreement_title"]) == {AGREEMENT_TITLE}


def test_the_workbook_prints_the_title_in_the_key_column(out: Path) -> None:
    book = openpyxl.load_workbook(out / "report.xlsx", read_only=True)
    rows = list(book[sheet_name("issuance", "ja")].iter_rows(values_only=True))
    header, body = rows[0], rows[1:]
    assert "プロジェクト名" not in header  # one project column, the title in it
    values = {row[header.index("プロジェクト")] for row in body}
    assert values == {PROJECT_TITLE}


def test_a_project_without_a_title_prints_its_key(
    write_scenario: WriteScenario, tmp_path: Path
) -> None:
    path = write_scenario(MINIMAL, files={"pv.csv": PV_ROWS})
    outcome = run_scenario(Scenario.from_toml(path), out=tmp_path / "out", lang="ja")
    assert set(outcome.tables["issuance"]["project_title"]) == {"pv"}
    assert set(outcome.tables["fulfilment"]["agreement_title"]) == {"deal"}


def test_a_long_title_under_a_chart_bar_is_wrapped_a_short_label_kept() -> None:
    """The fulfilment chart labels its bars by agreement title: a title longer than its group's
    share of the axis is wrapped (a wide character counts two columns), "2020年度" is not."""
    assert charts._wrapped("2020年度", 12) == "2020年度"  # 8 columns
    english = "Everything else the school systems earn goes to Kiso Logistics, which retires it"
    lines = charts._wrapped(english, 35).split("\n")
    assert len(lines) == 3
    assert all(len(line) <= 35 for line in lines)
    assert " ".join(lines) == english
    japanese = charts._wrapped("松本市の太陽光の自家消費分をあずさ食品が購入し無効化する協定", 20)
    assert all(charts._columns(line) <= 20 for line in japanese.split("\n"))
    assert (
        japanese.replace("\n", "") == "松本市の太陽光の自家消費分をあずさ食品が購入し無効化する協定"
    )


def test_the_notes_name_a_project_and_an_agreement_by_title_with_the_key_beside(
    out: Path,
) -> None:
    html = (out / "report.html").read_text(encoding="utf-8")
    notes = re.findall(r"<li>(.*?)</li>", html.split('<ul class="warnings">')[1].split("</ul>")[0])
    assert notes[0].startswith(f"{PROJECT_TITLE} (pv) 2022年度～2023年度: 太陽光発電の1行に")
    assert [note.split(" 20")[0] for note in notes[1:]] == [f"協定{AGREEMENT_TITLE} (deal)"] * 2
    assert all(" pv " not in note and "協定deal" not in note for note in notes)


def test_the_provenance_names_an_input_by_its_project_title(out: Path) -> None:
    """The workbook's provenance sheet and the page's: the input of 町営住宅の太陽光発電, the
    key `pv` in a detail column (the sheet) or beside it (the page), for an auditor."""
    book = openpyxl.load_workbook(out / "report.xlsx", read_only=True)
    rows = list(book[sheet_name("provenance", "ja")].iter_rows(values_only=True))
    header, body = rows[0], rows[1:]
    inputs = [row for row in body if str(row[header.index("出典")]).endswith("pv.csv")]
    assert [row[header.index("項目")] for row in inputs] == [f"{PROJECT_TITLE}の入力データ"]
    assert [row[header.index("プロジェクト")] for row in inputs] == ["pv"]
    html = (out / "report.html").read_text(encoding="utf-8")
    assert f"<td>入力データ ({PROJECT_TITLE}) <code>pv</code></td>" in html
