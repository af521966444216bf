"""Japanese mode is Japanese (issue 27): every Japanese text of offset's catalogues (messages,
the names of things, the dashboard's words, its result and kind words) is Japanese, not an
English sentence left untranslated; what stays in Latin letters is a unit, a code, a command or
a placeholder."""

from __future__ import annotations

import re

from offset.api.labels import KINDS, LABELS, RESULTS
from offset.common.messages import CATALOGUE, PLAIN, Msg, spaced
from offset.common.messages import text as render
from offset.documents.terms import all_terms
from tests.japanese import english as english_phrases

# Latin-letter texts that are Japanese usage as they are: units
UNITS = {"t-CO2", "MWh"}
PLACEHOLDER_OR_CODE = re.compile(r"\{[^}]*\}|`[^`]*`")
NON_ASCII = re.compile(r"[^\x00-\x7f]")
# three English words in a row outside a placeholder, code or command: an untranslated phrase
ENGLISH_PHRASE = re.compile(r"\b[A-Za-z]{3,}(?: [a-z]{2,}){2,}\b")
COMMANDS = re.compile(r"offset (?:ledger|factors|run|calc)[ a-z-]*|--[a-z-]+|[a-z_]+ = \"[a-z]+\"")


def japanese_texts() -> dict[str, str]:
    texts = {key: ja for key, (_, ja) in {**CATALOGUE, **all_terms()}.items()}
    texts |= {f"label.{key}": ja for key, ja in LABELS["ja"].items()}
    texts |= {f"result.{key}": ja for key, ja in RESULTS["ja"].items()}
    texts |= {f"kind.{key}": ja for key, ja in KINDS["ja"].items()}
    texts |= {f"plain.{english}": ja for english, ja in PLAIN.items()}
    return texts


def test_every_japanese_text_is_japanese() -> None:
    untranslated = {}
    for key, text in japanese_texts().items():
        rest = COMMANDS.sub("", PLACEHOLDER_OR_CODE.sub("", text)).strip()
        if not rest or rest.replace(" ", "") in UNITS or set(rest) <= set(" ,.;:()→-+%/=|"):
            continue
        if not NON_ASCII.search(rest) or ENGLISH_PHRASE.search(rest):
            untranslated[key] = text
    assert untranslated == {}


def test_the_check_catches_an_english_sentence() -> None:
    """The rule above is not vacuous: an English sentence fails it, a Japanese one passes."""
    for text, english in (
        ("台帳に3件の取引を記録しました。", False),
        ("Posted 3 transactions to the ledger.", True),
        ("注意: data file changed (sha256 abc)", True),
    ):
        rest = COMMANDS.sub("", PLACEHOLDER_OR_CODE.sub("", text))
        assert bool(not NON_ASCII.search(rest) or ENGLISH_PHRASE.search(rest)) is english


def test_every_japanese_text_passes_the_documents_check() -> None:
    """The check every document in `ja` is held to (`tests/japanese.py`), on each catalogue
    text with its placeholders taken out: a key's text cannot bring English into a document."""
    found = {
        key: phrases
        for key, text in japanese_texts().items()
        if (phrases := english_phrases(re.sub(r"\{[^}]*\}", " ", text)))
    }
    assert found == {}


# DEVELOPERS.md, "Japanese text": a template puts no space between a field and a Japanese
# letter; the renderer (`messages.spaced`) adds one only where the value is Latin text.
JAPANESE_LETTER = "\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff々〆"
FIELD_SPACED = re.compile(
    rf"\{{[^{{}}]*\}} +[{JAPANESE_LETTER}]|[{JAPANESE_LETTER}] +\{{[^{{}}]*\}}"
)


def test_no_template_puts_a_space_between_a_field_and_japanese() -> None:
    spaced_fields = {
        key: text for key, text in japanese_texts().items() if FIELD_SPACED.search(text)
    }
    assert spaced_fields == {}


def test_the_space_is_the_values_latin_text_never_a_japanese_words_or_a_figures() -> None:
    from offset.api.labels import LABELS
    from offset.common.messages import Msg, spaced

    assert Msg("verify.balance", account="ina/holding", class_id=3).render("ja") == (
        "ina/holding のクラス3の残高"
    )
    assert (
        Msg("verify.balance", account="松本市", class_id=3).render("ja") == "松本市のクラス3の残高"
    )
    said = Msg("restate.finding.accepted", body="信州検証", date="2025-06-01").render("ja")
    assert said == "信州検証による2025-06-01の審査結果: 承認"  # a date is a figure
    notice = LABELS["ja"]["set_up_exists_account"]
    assert (
        spaced(notice, {"what": "kiso/holding"})
        == "口座 kiso/holding は開設済みです。変更はありません。"
    )
    assert spaced(notice, {"what": "木曽運輸"}) == "口座木曽運輸は開設済みです。変更はありません。"
    assert spaced("{a}「{b}」、{c}", {"a": "x", "b": "y", "c": "z"}) == "x「y」、z"  # punctuation
    english = "{count} problem(s) in {where}: {what!r}"
    assert spaced(english, {"count": 2, "where": "a.csv", "what": "x"}) == english.format(
        count=2, where="a.csv", what="x"
    )  # English templates read as str.format


def test_a_japanese_text_writes_every_fy_as_the_report_does() -> None:
    """One rule (`messages.japanese_years`): whatever a Japanese template writes as FY{fy}, the
    reader sees as 2023年度, the way the report's headings and tables name the year."""
    fields = re.compile(r"\{([^{}:!]*)[^{}]*\}")
    written_fy = {
        key: text
        for key, text in japanese_texts().items()
        if "FY{" in text and "FY" in spaced(text, dict.fromkeys(fields.findall(text), 2023))
    }
    assert written_fy == {}
    stale = Msg("warn.stale", rows=3, fy=2023, factor="grid:chubu", column="grid_years_back",
                back=2, wanted=2021)  # fmt: skip
    said = stale.render("ja")
    assert "FY" not in said
    assert said.startswith("2023年度の3行で grid:chubu を使いました")
    assert "2023年度に年度規則が求める2021年度の係数" in said
    assert Msg("value.fy_of_sheet", fy=2023, sheet="R5", sheet_fy=2022).render("ja") == (
        "行は2023年度の行で、シートの年度と違います: シート「R5」は2022年度の行です"
    )


def test_an_english_template_keeps_its_fy() -> None:
    """The dashboard fills English labels through `spaced` too: those keep FY2023."""
    assert spaced("each FY from FY{first} to FY{last}", {"first": 2020, "last": 2024}) == (
        "each FY from FY2020 to FY2024"
    )
    assert Msg("warn.carried", fy=2024) == "carried to FY2024"


def test_a_result_codes_japanese_speaks_of_what_every_caller_sent() -> None:
    """The ledger's result codes are said in Japanese by the CLI (`ledger apply`, `offset run`),
    the API and the dashboard alike: none may speak of the dashboard's form or page (a scenario
    run once told its operator that "this form was sent with other content")."""
    from offset.ledger.codes import JAPANESE

    dashboard_words = ("フォーム", "ページ")
    assert {code: text for code, text in JAPANESE.items()
            if any(word in text for word in dashboard_words)} == {}  # fmt: skip


def test_the_head_sequence_and_its_hash_are_two_figures() -> None:
    """`最新 seq 60ハッシュ 5168…` read as one word (60 hashes): the two are set apart."""
    for key in ("cli.verify_summary", "cli.backup"):
        said = render(
            Msg(key, entries=60, postings=67, seq=60, hash="51689e68", where="x.db"), "ja"
        )
        assert "最新 seq 60、ハッシュ 51689e68" in said, said
