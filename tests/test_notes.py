"""The report's notes (注意事項) in a ledger's tenth year: those naming no FY first, then the
newest FY's; a note repeated unchanged in several FYs is one line naming them; none is lost."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from offset.common.messages import Msg
from offset.documents.notes import families, fy_span, grouped, newest_first

STALE = "the grid list of FY2013 was used"  # a method's plain note, the same every FY


def office_notes() -> list[str]:
    """What ten runs of one office leave, in the run's order (oldest FY first)."""
    out: list[str] = [Msg("warn.project_fy", project="pv", fy=fy, warning=STALE)
                      for fy in (2015, 2016, 2017, 2018, 2020)]  # fmt: skip
    out.append(Msg("warn.shortfall", agreement="a", fy=2019, shortfall=3, committed=10,
                   delivered=7, fate=Msg("warn.carried", fy=2020)))  # fmt: skip
    out.append(Msg("warn.project_fy", project="pv", fy=2024, warning="new this year"))
    out.append(Msg("warn.unused_rows", project="pv", count=2, file="pv.csv"))
    out.append(Msg("warn.project_fy", project="pv", fy=2024, warning="new this year"))
    return out


def test_newest_fy_first_and_repeats_collapsed() -> None:
    lines = grouped(office_notes(), "en")
    assert [line.text for line in lines] == [
        "pv: 2 rows of pv.csv have an fy outside the FYs the project is active in; they were"
        " not computed",
        "pv FY2024: new this year (2 times)",
        f"pv FY2015–FY2018, FY2020: {STALE}",
        "agreement a FY2019: short by 3 credits (committed 10, delivered 7); carried to FY2020",
    ]
    assert [line.fys for line in lines] == [(), (2024,), (2020, 2018, 2017, 2016, 2015), (2019,)]
    assert sum(line.count for line in lines) == len(office_notes())  # none dropped


def test_in_japanese_the_fys_are_named_as_the_report_names_them() -> None:
    lines = grouped(office_notes(), "ja")
    assert lines[2].text == f"pv 2015年度～2018年度、2020年度: {STALE}"
    assert lines[1].text == "pv 2024年度: new this year (2件)"


def test_a_note_naming_its_fy_inside_or_not_at_all_still_names_its_fys() -> None:
    """A nested note naming the same FY spans with it; a note about an FY that does not print
    it says in front which FYs it stands for."""
    nested = [Msg("warn.project_fy", project="pv", fy=fy, warning=Msg("warn.carried", fy=fy))
              for fy in (2016, 2017)]  # fmt: skip
    assert [line.text for line in grouped(nested, "en")] == [
        "pv FY2016–FY2017: carried to FY2016–FY2017"
    ]
    silent = [Msg("warn.unmet", fy=2016), Msg("warn.unmet", fy=2017)]
    said = [line.text for line in grouped(silent, "ja")]
    assert said == ["2016年度～2017年度: 繰り越さず、未達です"]


def test_the_terminal_and_the_report_share_the_order() -> None:
    notes = office_notes()
    dated = [line.fys[0] for line in grouped(notes, "en") if line.fys]
    ordered = [getattr(n, "params", {}).get("fy") for n in newest_first(notes)]
    assert dated == sorted(dated, reverse=True)
    assert ordered[:2] == [None, 2024]


def test_fy_span() -> None:
    assert fy_span([2020, 2015, 2016, 2017, 2018], "en") == "FY2015–FY2018, FY2020"
    assert fy_span([2015, 2017], "ja") == "2015年度、2017年度"
    assert fy_span([2024], "en") == "FY2024"


@given(st.lists(st.tuples(st.sampled_from(["a", "b", "c"]), st.none() | st.integers(2015, 2030))))
def test_nothing_is_lost_and_the_newest_fy_leads(picks: list[tuple[str, int | None]]) -> None:
    notes: list[str] = [
        Msg("warn.project_fy", project="pv", fy=fy, warning=w) if fy is not None else w
        for w, fy in picks
    ]
    lines = grouped(notes, "en")
    assert sum(line.count for line in lines) == len(notes)
    assert {fy for line in lines for fy in line.fys} == {fy for _, fy in picks if fy is not None}
    firsts = [line.fys[0] if line.fys else 10_000 for line in lines]
    assert firsts == sorted(firsts, reverse=True)


def stale(fy: int, rows: int, factor: str = "grid:national-2018") -> Msg:
    """A project's stale-grid note of `fy`: the reporting rule wants FY-1's list, the tables
    stop at FY2018's (`summary.warnings`)."""
    warning = Msg("warn.stale", rows=rows, fy=fy, factor=factor, column="grid_years_back",
                  back=fy - 1 - 2018, wanted=fy - 1)  # fmt: skip
    return Msg("warn.project_fy", project="pv", fy=fy, warning=warning)


def test_stale_notes_of_several_fys_are_one_line_with_each_fys_rows() -> None:
    """FY2020-FY2022 each used the FY2018 list (3, 4, 5 rows): one line, 12 rows in all, and
    each FY's rows and the list it stood in for, so that no figure is summed away unsaid."""
    notes = [stale(2020, 3), stale(2021, 4), stale(2022, 5), stale(2022, 5)]
    (line,) = grouped(notes, "en")
    assert line.text == (
        "pv FY2020–FY2022: 12 rows used grid:national-2018 (grid_years_back), older than the"
        " row the year rule names, which the tables lack: FY2020 3 rows, 1 FYs older than"
        " FY2019; FY2021 4 rows, 2 FYs older than FY2020; FY2022 5 rows, 3 FYs older than"
        " FY2021 (for the grid: offset factors import-grid adds a list); --strict-factors"
        " refuses them (4 times)"
    )
    assert (line.fys, line.count) == ((2022, 2021, 2020), 4)
    (said,) = grouped(notes, "ja")
    assert said.text.startswith(
        "pv 2020年度～2022年度: 12行で grid:national-2018 を使いました (grid_years_back)。"
    )
    each = "2020年度は3行で2019年度より1年度古い、2021年度は4行で2020年度より2年度古い、"
    assert each in said.text
    assert "FY" not in said.text


def test_stale_notes_of_another_factor_or_one_fy_stay_apart() -> None:
    notes = [stale(2021, 4), stale(2022, 5, factor="grid:chubu-2018"), stale(2023, 2)]
    lines = grouped(notes, "en")
    assert [line.fys for line in lines] == [(2023, 2021), (2022,)]
    assert lines[1].text == f"pv FY2022: {notes[1].params['warning']}"
    assert lines[0].text.startswith("pv FY2021, FY2023: 6 rows used grid:national-2018")


@given(st.lists(st.tuples(st.integers(2019, 2026), st.integers(1, 500)), min_size=1))
def test_merged_stale_rows_add_up(picks: list[tuple[int, int]]) -> None:
    """Every FY's rows are said, and the line's total is theirs (a note repeated: once)."""
    notes: list[str] = [stale(fy, rows) for fy, rows in picks]
    distinct = set(picks)
    lines = grouped(notes, "en")
    assert sum(line.count for line in lines) == len(notes)
    if len({fy for fy, _ in picks}) > 1:
        (line,) = lines
        assert f": {sum(rows for _, rows in distinct)} rows used" in line.text
        for fy, rows in distinct:
            assert f"FY{fy} {rows} rows, " in line.text


def test_two_stale_notes_of_one_fy_with_other_rows_are_both_said() -> None:
    (line,) = grouped([stale(2021, 4), stale(2021, 6)], "en")
    assert line.text.startswith("pv FY2021: 10 rows used grid:national-2018")
    assert "FY2021 4 rows, 2 FYs older than FY2020; FY2021 6 rows," in line.text
    assert line.count == 2


def test_fallback_notes_of_several_fys_are_one_line_with_each_fys_rows() -> None:
    """A fallback to an earlier list's row (`warn.fallback`, its FY the project note's): 3, 5
    and 6 rows in FY2020-FY2022 are one line of 14 rows naming each FY's."""
    rule = "the same row of an earlier FY's list (stale)"
    notes = [
        Msg("warn.project_fy", project="reno", fy=fy,
            warning=Msg("warn.fallback", rows=rows, column="factor_fallback", rule=rule))
        for fy, rows in ((2022, 6), (2020, 3), (2021, 5))
    ]  # fmt: skip
    (line,) = grouped(notes, "en")
    assert line.text == (
        f"reno FY2020–FY2022: 14 rows used a fallback for factor_fallback: {rule} (FY2020 3 rows;"
        " FY2021 5 rows; FY2022 6 rows)"
    )
    (said,) = grouped(notes, "ja")
    assert said.text == (
        "reno 2020年度～2022年度: 14行で factor_fallback に代替の係数を使いました: 前年度以前の表の"
        "同じ行 (古い係数) (2020年度は3行、2021年度は5行、2022年度は6行)"
    )


def test_unverified_notes_of_several_fys_are_one_line_with_each_fys_rows() -> None:
    """Unverified values (`warn.unverified`) in FY2023 (249 of 320 rows) and FY2024 (68 of 80,
    then 249 of 320 again: said once) are one line: 317 of 400 rows, each FY's said."""
    notes = [
        Msg("warn.project_fy", project="forest", fy=fy,
            warning=Msg("warn.unverified", count=count, total=total))
        for fy, count, total in ((2024, 249, 320), (2023, 68, 80), (2024, 249, 320))
    ]  # fmt: skip
    (line,) = grouped(notes, "en")
    assert line.text == (
        "forest FY2023–FY2024: 317 of 400 rows used a factor value marked unverified (column"
        " uses_unverified: FY2023 68 of 80 rows; FY2024 249 of 320 rows); check those values"
        " before relying on the figures (3 times)"
    )
    assert line.count == 3
    (said,) = grouped(notes, "ja")
    assert said.text == (
        "forest 2023年度～2024年度: 400行中317行で未確認 (unverified) の係数値を使いました"
        " (uses_unverified 列、2023年度は80行中68行、2024年度は320行中249行)。数値を使う前に"
        "その値を確認してください (3件)"
    )


def national_notes(projects: int) -> list[str]:
    """A prefectural run's notes: every project's unverified rows in two FYs, one project's
    ineligible stands, and an agreement's shortfall."""
    out: list[str] = []
    for fy in (2023, 2024):
        out += [Msg("warn.project_fy", project=f"m{p:03d}-pv", fy=fy,
                    warning=Msg("warn.unverified", count=p + 1, total=p + 2))
                for p in range(projects)]  # fmt: skip
    out.append(Msg("warn.project_fy", project="m000-forest", fy=2024,
                   warning=Msg("warn.ineligible", count=3)))  # fmt: skip
    out.append(Msg("warn.shortfall", agreement="a", fy=2024, shortfall=3, committed=10,
                   delivered=7, fate=Msg("warn.carried", fy=2025)))  # fmt: skip
    return out


def test_many_projects_notes_of_one_kind_are_one_item_that_keeps_every_line() -> None:
    lines = grouped(national_notes(40), "ja")
    shown = families(lines)
    assert [len(family.lines) for family in shown] == [40, 1, 1]  # the first line's place
    (unverified, ineligible, shortfall) = shown
    assert {line.kind for line in unverified.lines} == {"warn.unverified"}
    # each project's own figures, as before (m000-pv: 1 of 2 rows in each FY)
    assert unverified.lines[0].text.startswith("m000-pv 2023年度～2024年度: 4行中2行で未確認")
    assert "2023年度は2行中1行、2024年度は2行中1行" in unverified.lines[0].text
    # nothing summed across projects, nothing dropped: each project's own line, in order
    assert [line.text for family in shown for line in family.lines] == [n.text for n in lines]
    assert sum(family.count for family in shown) == len(national_notes(40))
    assert ineligible.lines[0].kind == "warn.ineligible"
    assert shortfall.lines[0].kind == ""  # not a project's note: never gathered
    # a few projects (a 定住自立圏 of four towns): every line its own item, as before
    assert [len(family.lines) for family in families(grouped(national_notes(4), "ja"))] == [
        1, 1, 1, 1, 1, 1
    ]  # fmt: skip


@given(
    st.lists(
        st.tuples(st.integers(0, 6), st.sampled_from(["a", "b", "c"]), st.integers(2020, 2024)),
        max_size=40,
    )
)
def test_families_keep_every_line_once_in_order_within_a_kind(
    notes: list[tuple[int, str, int]],
) -> None:
    messages: list[str] = [
        Msg("warn.project_fy", project=f"p{p}", fy=fy,
            warning=Msg("warn.ineligible", count=1) if kind == "a" else f"plain {kind}")
        for p, kind, fy in notes
    ]  # fmt: skip
    lines = grouped(messages, "en")
    shown = families(lines, least=2)
    flat = [line for family in shown for line in family.lines]
    assert sorted(map(id, flat)) == sorted(map(id, lines))  # each line once
    for family in shown:
        assert len({line.kind for line in family.lines}) == 1
        positions = [lines.index(line) for line in family.lines]
        assert positions == sorted(positions)


def test_one_projects_notes_of_many_fys_are_not_a_family_and_titles_keep_projects_apart() -> None:
    """Two projects' ineligible stands in five FYs each (ten lines, each FY its own count): a
    settlement area's report keeps them as lines; titled projects are still told apart."""
    notes: list[str] = [
        Msg("warn.project_fy", project=project, fy=fy, warning=Msg("warn.ineligible", count=fy))
        for project in ("kamiyama", "kawabe") for fy in range(2020, 2025)
    ]  # fmt: skip
    lines = grouped(notes, "ja")
    assert len(lines) == 10
    assert [len(f.lines) for f in families(lines)] == [1] * 10
    titled = grouped(notes, "ja", {"project": {"kamiyama": "上山村の森", "kawabe": "川辺町の森"}})
    assert {line.project for line in titled} == {"kamiyama", "kawabe"}
    (both,) = families(titled, least=2)[:1]
    assert both.projects == 2
    assert len(both.lines) == 10


def test_a_restated_shortfall_names_the_owner_by_its_name() -> None:
    """The note of a correction that could not be taken back names the party that owes it as
    the report names parties (its name, the key beside it), not by its key alone."""
    from offset.common.messages import text
    from offset.documents.notes import named
    from offset.documents.tables import titles
    from offset.scenario import Scenario
    from tests.scenario.conftest import SCENARIOS

    scenario = Scenario.from_toml(SCENARIOS / "annual-cycle.toml")
    note = Msg("warn.restated_shortfall", project="minamiyama-pv", fy=2021, before=17, after=16,
               shortfall=1, owner="minamiyama")  # fmt: skip
    said = text(named(note, titles(scenario)), "ja")
    assert "(南山町 (Minamiyama Town, fictional) (minamiyama) とバッファーに残っていません)" in said
    assert "南山町 住宅用太陽光発電の自家消費 (minamiyama-pv) 2021年度" in said
