"""The foot of every PDF page names the grid year rule: a Japanese report printed the option's
value, 電力係数の年度 reporting, where the rest of the line is Japanese (found on the tenth
April's report of an office)."""

from __future__ import annotations

import pytest

from offset.common.messages import Lang
from offset.documents.report import Report
from offset.factors.years import FactorYear

MANIFEST = {
    "scenario": {"name": "ina-office", "sha256": "58a71d1234cd" * 5},
    "factor_tables": [{"sha256": "ab" * 32}],
    "engine": {"version": "0.1.0"},
    "created": "2026-04-20T02:00:00+00:00",
}


@pytest.mark.parametrize(
    ("lang", "rule", "said"),
    [
        ("ja", "reporting", "電力係数の年度: 報告用の一覧 (前年度の実績)"),
        ("ja", "results", "電力係数の年度: その年度の実績"),
        ("en", "reporting", "grid year rule reporting"),
        ("en", "results", "grid year rule results"),
    ],
)
def test_the_footer_names_the_rule_in_the_readers_words(
    lang: Lang, rule: FactorYear, said: str
) -> None:
    manifest = MANIFEST | {"factor_year": {"rule": rule}}
    report = Report("t", "", {}, manifest, lang=lang)
    assert said in report.footer()
