"""Rows of another town in a project's file: credited to the owner, but never without a word."""

from __future__ import annotations

from pathlib import Path

from offset.common.messages import text
from offset.factors import FactorLibrary
from offset.jobs.run import REPEATED
from offset.scenario.compute import load_data
from offset.scenario.model import Scenario
from tests.conftest import REPOSITORY

OFFICE_FILES = REPOSITORY / "scenarios" / "office-files.toml"


def test_rows_of_another_town_are_named_and_the_run_repeats_it(
    tmp_path: Path, factors: FactorLibrary
) -> None:
    """松本市's PV list holds three rows of 伊那市 (sheet rows 9-11): the project takes the
    owner's code only as a default, so they count as its own, and a notice says so."""
    scenario = Scenario.from_toml(OFFICE_FILES)
    data, problems = load_data(scenario, factors)
    assert problems == []
    notices = data["matsumoto-pv"].prepared.notices
    [notice] = [n for n in notices if n.key == "notice.other_municipality"]
    assert notice.key in REPEATED  # a run repeats it among its warnings
    assert text(notice, "en").startswith(
        "rows 9-11 name another municipality (伊那市 (長野県, 202096)) than 松本市 (長野県, 202029)"
        " (parties.matsumoto.jis_code)"
    )
    assert "9-11行目は松本市 (長野県, 202029)" in text(notice, "ja")
    # the renovation list has one row of 伊那市 too; the forest register is 伊那市's alone
    [renovation] = [n for n in data["matsumoto-renovation"].prepared.notices
                    if n.key == "notice.other_municipality"]  # fmt: skip
    assert text(renovation, "en").startswith("rows 7 name another municipality (伊那市")
    assert all(n.key != "notice.other_municipality" for n in data["ina-forest"].prepared.notices)
    # a project that names its municipality binds it: the rows are refused, not credited
    bound = (
        OFFICE_FILES.read_text(encoding="utf-8")
        .replace(
            'sheet = "太陽光補助金一覧"', 'sheet = "太陽光補助金一覧"\nmunicipality = "202029"'
        )
        .replace("../examples", str(REPOSITORY / "examples"))
    )
    path = tmp_path / "bound.toml"
    path.write_text(bound, encoding="utf-8")
    _, refused = load_data(Scenario.from_toml(path), factors)
    assert sorted(p.row or 0 for p in refused) == [9, 10, 11]


def test_a_pooled_project_takes_other_towns_rows_without_a_notice(
    tmp_path: Path, factors: FactorLibrary
) -> None:
    """A 定住自立圏's pooled project says so (`pooled = true`): its rows of other towns are
    still counted, credited to the owner, and no notice calls them a mistake."""
    pooled = (
        OFFICE_FILES.read_text(encoding="utf-8")
        .replace('sheet = "太陽光補助金一覧"', 'sheet = "太陽光補助金一覧"\npooled = true')
        .replace("../examples", str(REPOSITORY / "examples"))
    )
    path = tmp_path / "pooled.toml"
    path.write_text(pooled, encoding="utf-8")
    scenario = Scenario.from_toml(path)
    assert scenario.projects["matsumoto-pv"].pooled
    data, problems = load_data(scenario, factors)
    assert problems == []
    pv = data["matsumoto-pv"].prepared
    assert all(n.key != "notice.other_municipality" for n in pv.notices)
    assert (pv.frame["municipality"] == "202096").sum() == 3  # 伊那市's rows still counted
    # the project beside it, not pooled, still names its other town's row
    assert any(n.key == "notice.other_municipality"
               for n in data["matsumoto-renovation"].prepared.notices)  # fmt: skip
