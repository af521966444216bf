"""Bad input stops the run with every problem named (member and row); the registry's checks
leave a member out with why, and the others count."""

from __future__ import annotations

from pathlib import Path

import pytest

from offset.common.problems import InputError
from offset.programme.model import Programme
from offset.programme.run import load
from tests.programme.conftest import CONSENTS, SUBSIDY, VERIFIED, write_programme

BAD = """会員番号,氏名,区域,同意日,入会日,退会日,交付番号
M1,会員A,中央,,令和5年4月1日,,A-1
M2,会員B,東,令和5年6月20日,令和5年7月1日,令和5年6月1日,B-2
M3,会員C,西,令和5年3月1日,令和5年4月1日,,Z-9
M4,会員D,北,令和5年3月1日,令和5年4月1日,,A-1
M2,会員E,南,令和5年3月1日,令和5年4月1日,,C-3
"""


def test_bad_members_all_in_one_pass(tmp_path: Path) -> None:
    with pytest.raises(InputError) as caught:
        load(Programme.from_toml(write_programme(tmp_path, consents=BAD)))
    said = {(p.row, str(p.message)) for p in caught.value.problems}
    assert (2, "member M1: no consent date (a member counts only once it has consented)") in said
    assert (3, "member M2: leaves on 2023-06-01, before it joined on 2023-07-01") in said
    assert (4, "member M3: activity 'Z-9' matches no row of the subsidy list") in said
    assert (5, "member M4: activity 'A-1' is already the activity of the member on row 2") in said
    assert any(p.row == 6 and p.column == "会員番号" for p in caught.value.problems)  # M2 twice
    assert all(p.file.endswith("consents.csv") for p in caught.value.problems)


def test_overlapping_periods_are_refused(tmp_path: Path) -> None:
    overlap = VERIFIED + '\n[[periods]]\nname = "again"\nstart = 2024-03-01\nend = 2025-03-31\n'
    with pytest.raises(InputError) as caught:
        Programme.from_toml(write_programme(tmp_path, verification=overlap))
    (problem,) = caught.value.problems
    assert problem.key == "periods.1"
    assert "'again' overlaps period 'fy2023'" in str(problem.message)


def test_a_period_outside_the_crediting_period_is_refused(tmp_path: Path) -> None:
    early = '\n[[periods]]\nname = "early"\nstart = 2022-04-01\nend = 2023-03-31\n'
    with pytest.raises(InputError, match="not inside the crediting period"):
        Programme.from_toml(write_programme(tmp_path, verification=VERIFIED + early))


def test_an_activity_above_500_t_a_year_is_refused_with_its_figure(tmp_path: Path) -> None:
    # C-3 as a 1,200 kW roof: 1,200 x 1,000 x 0.99 x 0.25 x 0.5 kg = 148.5 t; with a 100 %
    # self-consumption: 1,200 x 1,000 x 0.99 x 1.0 x 0.5 kg = 594.0 t a year > 500 t
    subsidy = SUBSIDY.replace(
        "C-3,テスト市西3-3,6.0,令和3年10月1日,0.25", "C-3,テスト市西3-3,1200,令和3年10月1日,1.0"
    )
    run = load(Programme.from_toml(write_programme(tmp_path, subsidy=subsidy)))
    (refused,) = run.refusals.frame.itertuples()
    assert (refused.member_id, refused.row, refused.check) == ("M3", 4, "limit")
    assert "594.0 t-CO2 a year" in str(refused.why)
    assert "M3" not in set(run.monitoring("fy2023").lines["member_id"])
    assert run.monitoring("fy2023").total_g == 742_500 + 578_552


def test_an_activity_registered_elsewhere_is_refused(tmp_path: Path) -> None:
    elsewhere = """登録先,設備番号,住所,容量(kW)
県のプログラム,A-1,どこか,1.0
別のプロジェクト,X-1,テスト市東２－２,4.0
"""  # B-2 written with full-width digits and dash: the same address once folded
    run = load(Programme.from_toml(write_programme(tmp_path, elsewhere=elsewhere)))
    refused = run.refusals.frame.set_index("member_id")
    assert set(refused.index) == {"M1", "M2"}
    assert "県のプログラム" in str(refused.loc["M1", "why"])  # the same system id
    assert "別のプロジェクト" in str(refused.loc["M2", "why"])  # the same address and capacity


def test_an_activity_too_old_is_refused_naming_the_rule(tmp_path: Path) -> None:
    # C-3 started 2021-10-01; M3 joining on 2023-10-02 is more than 2 years after
    consents = CONSENTS.replace(
        "令和5年3月1日,令和5年4月1日,令和5年12月1日", "令和5年9月1日,令和5年10月2日,"
    )
    subsidy = SUBSIDY.replace(
        "A-1,テスト市中央1-1,5.0,令和4年4月1日", "A-1,テスト市中央1-1,5.0,平成25年3月1日"
    )
    run = load(Programme.from_toml(write_programme(tmp_path, subsidy=subsidy, consents=consents)))
    refused = run.refusals.frame.set_index("member_id")
    assert "before 2013-04-01 (the scheme's first day)" in str(refused.loc["M1", "why"])
    assert "more than 2 years before the member joined on 2023-10-02" in str(
        refused.loc["M3", "why"]
    )
    assert "M2" not in refused.index


def test_an_adjustment_of_a_member_without_a_figure_is_refused(tmp_path: Path) -> None:
    adjusted = VERIFIED.replace(
        'finding = "accepted"',
        'finding = "adjusted"\nadjustments = [{ member = "M9", tco2e = 1.0 }]',
    )
    with pytest.raises(InputError) as caught:
        load(Programme.from_toml(write_programme(tmp_path, verification=adjusted)))
    (problem,) = caught.value.problems
    assert problem.key == "periods.0.verification.adjustments.0.member"
    assert "adjusts member M9, which has no figure in period 'fy2023'" in str(problem.message)


def test_office_workbooks_as_kept(tmp_path: Path) -> None:
    """The consent list as an office keeps it: an .xlsx with a title above the header row."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["太陽光発電プログラム 会員名簿 (令和5年度)"])
    for line in CONSENTS.strip().splitlines():
        sheet.append(line.split(","))
    book.save(tmp_path / "consents.xlsx")
    path = write_programme(tmp_path)
    path.write_text(
        path.read_text(encoding="utf-8").replace("consents.csv", "consents.xlsx"), encoding="utf-8"
    )
    run = load(Programme.from_toml(path))
    lines = run.monitoring("fy2023").lines.set_index("member_id")
    assert lines.loc["M3", "row"] == 5  # the sheet's own row, below the title
    assert run.monitoring("fy2023").total_g == 742_500 + 578_552 + 495_000


def test_both_lists_problems_at_once(tmp_path: Path) -> None:
    """A subsidy list without its id column and a consent list with a bad date: both said."""
    subsidy = SUBSIDY.replace("交付番号,", "備考,", 1)
    consents = CONSENTS.replace("令和5年7月1日", "令和5年13月1日")
    with pytest.raises(InputError) as caught:
        load(Programme.from_toml(write_programme(tmp_path, subsidy=subsidy, consents=consents)))
    files = {(p.file.rsplit("/", 1)[-1], p.row) for p in caught.value.problems}
    assert ("subsidy.csv", None) in files  # no id column: no member can be linked
    assert ("consents.csv", 3) in files  # 令和5年13月1日 is no date
    assert any("no id column" in str(p.message) for p in caught.value.problems)


def test_a_list_over_several_sheets_traces_each_row_to_its_sheet(tmp_path: Path) -> None:
    """A consent list kept a sheet per FY (R5, R6): every member read, each line named by its
    sheet and the row that sheet shows."""
    import openpyxl

    from offset.documents.monitoring_report import monitored

    header, *rows = [line.split(",") for line in CONSENTS.strip().splitlines()]
    book = openpyxl.Workbook()
    first = book.active
    assert first is not None
    first.title = "R5"
    for line in [header, *rows[:2]]:
        first.append(line)
    second = book.create_sheet("R6")
    for line in [header, rows[2]]:
        second.append(line)
    book.save(tmp_path / "consents.xlsx")
    path = write_programme(tmp_path)
    path.write_text(
        path.read_text(encoding="utf-8").replace("consents.csv", "consents.xlsx"), encoding="utf-8"
    )
    run = load(Programme.from_toml(path))
    members = run.members.frame.set_index("member_id")
    assert (members.loc["M3", "sheet"], members.loc["M3", "row"]) == ("R6", 2)
    assert (members.loc["M2", "sheet"], members.loc["M2", "row"]) == ("R5", 3)
    shown = monitored(run, run.monitoring("fy2023"))
    assert list(shown["同意書一覧の行"]) == ["R5!2", "R5!3", "R6!2"]
    assert list(shown["補助金一覧の行"]) == [2, 3, 4]  # a CSV: its rows as numbers
