"""`offset factors show forest_species`, where an unknown 樹種 points an office ("全58件は
`offset factors show forest_species` で"): it printed the table's 58 parameter rows under English
headings and none of the spellings a 森林簿 may write (杉, ｽｷﾞ, すぎ, 唐松). Now the headings are in
the reader's language and the spellings follow, a line per species, with the rule that width
and kana do not matter."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from offset.cli import console
from offset.cli.app import app
from offset.factors import FactorLibrary
from offset.intake.vocabulary import vocabularies

runner = CliRunner()


@pytest.fixture(autouse=True)
def wide(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(console.out, "_width", 300)  # xdist's workers: rich reads no COLUMNS


def test_the_species_table_lists_every_spelling_a_register_may_write() -> None:
    shown = runner.invoke(app, ["factors", "show", "forest_species", "--lang", "ja"])
    assert shown.exit_code == 0, shown.output
    lines = shown.output.splitlines()
    heading = next(line for line in lines if "パラメータ" in line)
    assert "樹種" in heading
    assert "出典" in heading
    assert "species" not in heading
    sugi = [line for line in lines if "杉" in line and "スギ" in line]
    assert sugi, shown.output
    karamatsu = [line for line in lines if "唐松" in line and "落葉松" in line]
    assert karamatsu, shown.output
    said = " ".join(shown.output.split())
    assert "ｽｷﾞ" in said
    assert "すぎ" in said
    assert "[values.列名]" in said  # where an office's own word (ケヤキ) goes
    # every spelling the error counts is on the page
    species = vocabularies(FactorLibrary())["species"]
    assert all(s in shown.output for s in species.shown)


def test_english_keeps_its_headings_and_lists_the_spellings() -> None:
    shown = runner.invoke(app, ["factors", "show", "forest_species", "--lang", "en"])
    assert shown.exit_code == 0, shown.output
    assert "parameter" in shown.output
    assert "パラメータ" not in shown.output
    assert any("sugi" in line and "杉" in line for line in shown.output.splitlines())
    assert "accepted" in shown.output


def test_a_table_without_words_of_its_own_shows_no_spellings() -> None:
    shown = runner.invoke(app, ["factors", "show", "gwp", "--lang", "ja"])
    assert shown.exit_code == 0, shown.output
    assert "書き方" not in shown.output


def test_the_rows_a_scenario_uses_are_listed_in_the_readers_words() -> None:
    """`offset factors list --scenario`, where an office checks which factors are stale: its
    headings and sentences were English only."""
    listed = runner.invoke(
        app, ["factors", "list", "--scenario", "scenarios/annual-cycle.toml", "--lang", "ja"]
    )
    assert listed.exit_code == 0, listed.output
    said = " ".join(listed.output.split())
    assert "使った行" in said
    assert "未確認の係数の行を使っています" in said
    assert "表にない年度: 2019, 2020, 2021, 2022" in said
    assert "rows used" not in said


def test_the_list_of_tables_is_headed_in_the_readers_words() -> None:
    listed = runner.invoke(app, ["factors", "list", "--lang", "ja"])
    assert listed.exit_code == 0, listed.output
    assert "の係数表" in listed.output
    assert "行数" in listed.output
    assert "factor tables in" not in listed.output
