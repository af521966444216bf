"""Reports an office can hand in (issue 15): the report, workbook and CSVs in Japanese or English
from one catalogue (`documents.terms`), names instead of keys, the 実行計画 figures per FY."""

from __future__ import annotations

import re
import string
import typing
from html.parser import HTMLParser
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from offset.cli.app import app
from offset.common.messages import Lang
from offset.common.problems import InputError
from offset.documents.present import sheet_name
from offset.documents.terms import TERMS, all_terms, column_label, term
from offset.jobs.run import run_scenario
from offset.ledger.operations import AccountKind
from offset.methods import METHODS
from offset.scenario import Scenario
from offset.scenario.model import Sector
from tests.reports import column_keys, read_table
from tests.scenario.conftest import MINIMAL, PV_ROWS, SCENARIOS, WriteScenario

runner = CliRunner()


def test_every_term_has_both_languages_with_the_same_fields() -> None:
    for key, (english, japanese) in all_terms().items():
        assert english.strip(), key
        assert japanese.strip(), key
        fields = {f for _, f, _, _ in string.Formatter().parse(english) if f}
        assert fields == {f for _, f, _, _ in string.Formatter().parse(japanese) if f}, key


def test_column_labels_are_unique_so_a_header_names_one_column() -> None:
    for position in (0, 1):
        labels = [v[position] for k, v in all_terms().items() if k.startswith("column.")]
        repeated = {label for label in labels if labels.count(label) > 1}
        assert not repeated, repeated
    assert column_keys()["削減量 (t-CO2)"] == "reduction_tco2e"


def test_every_category_offset_shows_has_its_words() -> None:
    for method in METHODS:
        assert f"method.{method}" in all_terms(), method
    for sector in typing.get_args(Sector):
        assert f"sector.{sector}" in TERMS, sector
    for kind in typing.get_args(AccountKind):
        assert f"kind.{kind}" in TERMS, kind
    assert term("method.solar", "ja") == "太陽光発電"
    assert term("method.renovation", "ja") == "省エネ改修"
    assert term("method.forest", "ja") == "森林吸収"


TERMINAL: dict[Lang, str] = {}  # what the flagship run said, by language


@pytest.fixture(scope="module")
def flagship(tmp_path_factory: pytest.TempPathFactory) -> dict[Lang, Path]:
    """The flagship run once per language, each on its own ledger."""
    outs: dict[Lang, Path] = {}
    for lang in ("ja", "en"):
        out = tmp_path_factory.mktemp(lang)
        done = runner.invoke(
            app,
            ["run", str(SCENARIOS / "settlement-area.toml"), "--out", str(out),
             "--lang", lang, "--no-pdf"],
        )  # fmt: skip
        assert done.exit_code == 0, done.output
        outs[lang] = out
        TERMINAL[lang] = " ".join(done.output.split())  # a narrow terminal wraps a warning
    return outs


class _Text(HTMLParser):
    """The text of each element whose words offset writes (not the user's own strings)."""

    OURS = ("h2", "h3", "th", "li", "caption", "title")

    def __init__(self) -> None:
        super().__init__()
        self.open: list[str] = []
        self.found: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        while self.open and self.open.pop() != tag:
            pass

    def handle_data(self, data: str) -> None:
        if self.open and self.open[-1] in self.OURS and data.strip():
            self.found.append((self.open[-1], data.strip()))


def texts(html: str) -> list[tuple[str, str]]:
    parser = _Text()
    parser.feed(html)
    return parser.found


# What a Japanese report keeps in Latin letters: units, hashes, file and command names, and the
# engine's name; any other English word in a heading or a header is an untranslated label.
LATIN_KEPT = {"t-CO2", "kW", "MWh", "SHA-256", "offset", "manifest.json", "CO2"}


def test_a_japanese_report_has_no_english_heading_or_header(flagship: dict[Lang, Path]) -> None:
    html = (flagship["ja"] / "report.html").read_text(encoding="utf-8")
    assert '<html lang="ja">' in html
    found = texts(html)
    assert len([t for tag, t in found if tag == "h2"]) == 9
    for tag, text in found:
        if tag in ("li", "title"):
            continue  # warnings name files and columns; the title is the user's
        words = set(re.findall(r"[A-Za-z][A-Za-z0-9.\-]*", text)) - LATIN_KEPT
        assert not words, (tag, text)
    for key in ("table.summary", "table.plan", "table.balances", "report.by_method"):
        assert term(key, "ja") in html
    assert "太陽光発電" in html
    assert "森林吸収" in html
    assert "緑川市 (Midorikawa City, fictional)" in html  # parties by name
    # no catalogue key printed in place of its words, in either language
    for lang, out in flagship.items():
        page = (out / "report.html").read_text(encoding="utf-8")
        leaked = [key for key in all_terms() if key in page]
        assert not leaked, (lang, leaked)


def test_the_japanese_summary_reads_its_years_as_fys(flagship: dict[Lang, Path]) -> None:
    """The 年度別の概要 table read 2016 where the tables by FY read 2016年度."""
    html = (flagship["ja"] / "report.html").read_text(encoding="utf-8")
    summary = html[html.index('id="table-summary"') :].split("</table>")[0]
    assert re.search(r"<td>\d{4}年度</td>", summary), summary[:600]


def test_the_terminals_warnings_name_a_project_by_its_title(flagship: dict[Lang, Path]) -> None:
    """The terminal said 注意: area-residential-pv 2024年度 where the report names the project
    緑川定住自立圏 住宅用太陽光発電 (area-residential-pv)."""
    assert flagship
    title = "緑川定住自立圏 住宅用太陽光発電 (area-residential-pv)"
    assert f"注意: {title} 2024年度" in TERMINAL["ja"], TERMINAL["ja"]
    assert f"warning: {title} FY2024" in TERMINAL["en"], TERMINAL["en"]


def test_both_languages_have_the_same_sections_tables_and_sheets(
    flagship: dict[Lang, Path],
) -> None:
    pages = {
        lang: (out / "report.html").read_text(encoding="utf-8") for lang, out in flagship.items()
    }
    heads = {lang: [t for tag, t in texts(page) if tag == "h2"] for lang, page in pages.items()}
    assert len(heads["ja"]) == len(heads["en"])
    assert heads["en"][:2] == [term("table.summary", "en"), term("table.plan", "en")]
    assert pages["ja"].count("<table") == pages["en"].count("<table")
    assert pages["ja"].count("<svg") == pages["en"].count("<svg") == 7
    for lang, out in flagship.items():
        book = openpyxl.load_workbook(out / "report.xlsx", read_only=True)
        names = ["summary", "plan", "reductions", "issuance", "fulfilment", "deliveries",
                 "balances", "restatements", "provenance"]  # fmt: skip
        assert book.sheetnames == [sheet_name(n, lang) for n in names]
        csv = sorted(p.stem for p in (out / "tables").glob("*.csv"))
        assert csv == sorted(n for n in names if n != "provenance")  # file names are keys
        header = (out / "tables" / "summary.csv").read_text(encoding="utf-8-sig").split("\n")[0]
        assert header.split(",")[1] == column_label("reduction_tco2e", lang)
    # the same figures, whatever the language
    for name in ("summary", "plan", "balances"):
        ja, en = read_table(flagship["ja"], name), read_table(flagship["en"], name)
        assert list(ja.columns) == list(en.columns)
        numeric = ja.select_dtypes("number").columns
        assert (ja[numeric].to_numpy() == en[numeric].to_numpy()).all(), name


def test_the_plan_table_of_the_flagship_adds_up(flagship: dict[Lang, Path]) -> None:
    plan = read_table(flagship["ja"], "plan").set_index("fy")
    reductions = read_table(flagship["ja"], "reductions")
    summary = read_table(flagship["ja"], "summary").set_index("fy")
    forest = reductions[reductions["method"] == "森林吸収"].groupby("fy")["reduction_tco2e"].sum()
    other = reductions[reductions["method"] != "森林吸収"].groupby("fy")["reduction_tco2e"].sum()
    assert plan["removals_tco2e"].to_numpy() == pytest.approx(forest.to_numpy(), abs=1e-5)
    assert plan["emission_reduction_tco2e"].to_numpy() == pytest.approx(other.to_numpy(), abs=1e-5)
    assert plan["total_tco2e"].to_numpy() == pytest.approx(
        summary["reduction_tco2e"].to_numpy(), abs=1e-5
    )
    assert (plan["issued"] == summary["issued"]).all()
    assert (plan["retired"] == summary["retired"]).all()
    # the flagship's PV and renovations are residential: every reduction is in 家庭部門
    assert plan["residential_tco2e"].to_numpy() == pytest.approx(other.to_numpy(), abs=1e-5)
    assert (plan["capacity_kw"].diff().dropna() >= 0).all()  # no system is removed
    assert plan.loc[2024, "systems"] == 2400
    # the scenario's target: 15,000 t a year
    assert plan["target_progress"].to_numpy() == pytest.approx(
        plan["total_tco2e"].to_numpy() / 15000, abs=1e-6
    )
    html = (flagship["ja"] / "report.html").read_text(encoding="utf-8")
    assert "2030年度までに削減量と吸収量を年15,000 t-CO2" in html


# Two systems in service for all of FY2022 and FY2023: a (5 kW, 2015) and b (4 kW, 2016), and a
# third, c (3 kW), commissioned 2023-04-01: new in FY2023 and in service for all of it.
PLAN_ROWS = f"""{PV_ROWS.splitlines()[0]}
a,town,nagano,5,2015-04-01,6000,5000,0,0.0005
b,town,nagano,4,2016-04-01,4000,2500,500,0.0005
c,town,nagano,3,2023-04-01,3000,2000,0,0.0005
"""


def test_the_plan_table_by_hand(write_scenario: WriteScenario, tmp_path: Path) -> None:
    toml = MINIMAL.replace(
        'instrument = "J-Credit"\n', 'instrument = "J-Credit"\nsector = "commercial"\n'
    )
    toml += (
        "\n[target]\nbase_fy = 2013\ngoal_fy = 2030\ngoal_tco2e = 20\nbase_emissions_tco2e = 1000\n"
    )
    path = write_scenario(toml, files={"pv.csv": PLAN_ROWS})
    outcome = run_scenario(Scenario.from_toml(path), out=tmp_path / "out")
    plan = outcome.tables["plan"].set_index("fy")
    # FY2022 (c not yet in service; its row counts from FY2023): 9 kW, nothing new
    assert plan.loc[2022, "capacity_kw"] == 9
    assert plan.loc[2022, "new_capacity_kw"] == 0
    assert plan.loc[2022, "systems"] == 2
    assert plan.loc[2023, "capacity_kw"] == 12
    assert plan.loc[2023, "new_capacity_kw"] == 3
    # generation: metered 6,000 + 4,000 (+ 3,000) kWh; reductions = generation x 0.0005 t/kWh
    assert plan.loc[2022, "generation_mwh"] == pytest.approx(10.0)
    assert plan.loc[2023, "generation_mwh"] == pytest.approx(13.0)
    assert plan.loc[2022, "commercial_tco2e"] == pytest.approx(5.0)
    assert plan.loc[2023, "commercial_tco2e"] == pytest.approx(6.5)
    assert plan.loc[2023, "residential_tco2e"] == 0
    assert plan.loc[2023, "removals_tco2e"] == 0
    assert plan.loc[2023, "target_progress"] == pytest.approx(6.5 / 20)
    assert plan.loc[2023, "share_of_base"] == pytest.approx(6.5 / 1000)


def test_the_report_language_follows_the_flag_then_the_environment_then_the_scenario(
    write_scenario: WriteScenario, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("OFFSET_LANG", raising=False)
    municipal = Scenario.from_toml(write_scenario())
    assert municipal.language() == "ja"  # a municipality with its 地方公共団体コード
    assert municipal.language("en") == "en"
    monkeypatch.setenv("OFFSET_LANG", "en")
    assert municipal.language() == "en"
    assert municipal.language("ja") == "ja"
    monkeypatch.delenv("OFFSET_LANG")
    companies = MINIMAL.replace('kind = "municipality"', 'kind = "company"')
    companies = companies.replace('jis_code = "209999"\nprefecture = "nagano"\n', "")
    assert Scenario.from_toml(write_scenario(companies)).language() == "en"
    chosen = MINIMAL.replace(
        "fiscal_years = [2022, 2023]", 'fiscal_years = [2022, 2023]\nlang = "en"'
    )
    assert Scenario.from_toml(write_scenario(chosen)).language() == "en"


def test_forest_removals_take_no_sector_and_a_target_comes_after_its_base(
    write_scenario: WriteScenario,
) -> None:
    forest = MINIMAL.replace('method = "solar"', 'method = "forest"\nsector = "residential"')
    with pytest.raises(InputError) as raised:
        Scenario.from_toml(write_scenario(forest))
    assert any(p.key == "projects.pv.sector" for p in raised.value.problems)
    backwards = MINIMAL + "\n[target]\nbase_fy = 2030\ngoal_fy = 2013\ngoal_tco2e = 5\n"
    with pytest.raises(InputError) as raised:
        Scenario.from_toml(write_scenario(backwards))
    assert any(p.key == "target.goal_fy" for p in raised.value.problems)


def test_the_terminal_summaries_follow_lang(tmp_path: Path, write_scenario: WriteScenario) -> None:
    office = SCENARIOS.parent / "examples" / "office" / "pv_subsidy_list.xlsx"
    calc = runner.invoke(
        app, ["calc", "solar", str(office), "--fy", "2024", "--out", str(tmp_path / "r.csv"),
              "--lang", "ja"],
    )  # fmt: skip
    assert calc.exit_code == 0, calc.output
    assert "太陽光発電: 自治体別の合計" in calc.output
    assert "合計" in calc.output
    run = runner.invoke(
        app, ["run", str(write_scenario()), "--out", str(tmp_path / "out"), "--no-pdf",
              "--lang", "ja"],
    )  # fmt: skip
    assert run.exit_code == 0, run.output
    assert "年度別 (単位 t-CO2、クレジットは整数)" in run.output
    assert "削減量" in run.output
