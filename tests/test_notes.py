"""The report's notes (注意事項) in a ledger's tenth year: those naming no FY first, then the
newest FY's; a note repeated unchanged in several FYs is one line naming them; none is lost."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from offset.common.messages import Msg
from offset.documents.notes import fy_span, grouped, newest_first

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
