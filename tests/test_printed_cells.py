"""A printed report (HTML, PDF) shows an FY and a date as its reader reads them: the 年度別の概要
table's year read 2016 where the tables by FY read 2016年度, and the 再計算 table's 日付 printed
ISO 2020-04-20 in a Japanese report. The workbook and CSVs keep the numbers and ISO days a
spreadsheet sorts by."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from offset.common.messages import Lang
from offset.documents.present import Shown
from offset.documents.report import _html_table
from offset.documents.terms import column_label
from offset.documents.times import shown_day


def _printed(name: str, frame: pd.DataFrame, lang: Lang) -> str:
    labelled = frame.rename(columns=lambda c: column_label(c, lang))
    return _html_table(Shown(labelled, [None] * len(frame.columns)), name, lang)


def test_an_fy_and_a_date_are_printed_in_the_readers_form() -> None:
    frame = pd.DataFrame({"fy": [2016, 2020], "effective_date": [dt.date(2020, 4, 20), None]})
    ja = _printed("restatements", frame, "ja")
    assert "<td>2016年度</td>" in ja
    assert "<td>2020年4月20日</td>" in ja
    assert "2020-04-20" not in ja
    en = _printed("restatements", frame, "en")
    assert "<td>FY2016</td>" in en
    assert "<td>2020-04-20</td>" in en


def test_a_day_in_the_readers_form() -> None:
    assert shown_day(dt.date(2020, 4, 20), "ja") == "2020年4月20日"
    assert shown_day(dt.date(2020, 4, 20), "en") == "2020-04-20"
    assert shown_day(None, "ja") == ""
