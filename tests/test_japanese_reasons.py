"""What the runner keeps in the ledger is read in the reader's language (issue 27): the rows
that caused a restatement (kept as data, said from the catalogue, a column by its Japanese
header), a programme's verified-figure reason, and an issuance memo's method."""

from __future__ import annotations

import json
import pickle
from pathlib import Path

import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from offset.common import memos
from offset.common.messages import Msg, text
from offset.documents.terms import value_term
from offset.ledger import Ledger
from offset.ledger.operations import _source
from offset.scenario import row_changes
from offset.scenario.restate import history, read_reasons, rows_changed, stored_reasons
from tests.japanese import english

JAPANESE = {"system_id": "設備番号", "fy": "年度", "self_consumed_kwh": "自家消費量"}


def frames() -> tuple[pd.DataFrame, pd.DataFrame]:
    """Row 2 (system a) self-consumes 6,000 kWh instead of 5,000; b is gone; c is new."""
    before = pd.DataFrame(
        {"row": ["2", "3"], "system_id": ["a", "b"], "fy": ["2022", "2022"],
         "self_consumed_kwh": ["5000", "700"]}
    )  # fmt: skip
    now = pd.DataFrame(
        {"row": ["2", "3"], "system_id": ["a", "c"], "fy": ["2022", "2022"],
         "self_consumed_kwh": ["6000", ""]}
    )  # fmt: skip
    return before, now


def test_the_rows_that_changed_in_either_language() -> None:
    before, now = frames()
    keys, fields = ("system_id", "fy"), ["self_consumed_kwh"]
    found = row_changes.describe(before, now, keys, fields, JAPANESE, figures=fields)
    assert found is not None
    said = row_changes.message(found)
    assert text(said, "en") == (
        "rows added: row 3 (system_id c, fy 2022); rows removed: row 3 (system_id b, fy 2022);"
        " rows changed: row 2 (system_id a, fy 2022): self_consumed_kwh 5,000 -> 6,000"
    )
    assert text(said, "ja") == (
        "追加された行: 3行目 (設備番号 c、年度 2022)。削除された行: 3行目 (設備番号 b、年度 2022)。"
        "変更された行: 2行目 (設備番号 a、年度 2022): 自家消費量 5,000 → 6,000"
    )
    assert english(text(said, "ja")) == []
    assert row_changes.describe(before, before, keys, fields, JAPANESE) is None


def test_a_code_or_a_year_that_changed_is_shown_as_written() -> None:
    """Only a figure is shown with separators: a 団体コード resolved since (南山町 -> 209929) or a
    year (林齢基準年度) is shown as the file has it, never as 209,929 or 2,020."""
    before = pd.DataFrame(
        {"row": ["2"], "stand_id": ["s1"], "municipality": ["南山町"], "age_fy": ["2020"],
         "area_ha": ["1200"]}
    )  # fmt: skip
    now = before.assign(municipality="209929", age_fy="2021", area_ha="1300")
    fields = ["municipality", "age_fy", "area_ha"]
    found = row_changes.describe(before, now, ("stand_id",), fields, {}, figures={"area_ha"})
    assert found is not None
    assert text(row_changes.message(found), "en") == (
        "rows changed: row 2 (stand_id s1): municipality 南山町 -> 209929, age_fy 2020 -> 2021,"
        " area_ha 1,200 -> 1,300"
    )


def test_the_results_rows_compare_their_contracts_figures_only_as_figures() -> None:
    """What a re-run compares of a method's rows: its columns, the figures among them only of a
    number's kind (a code, a name, a year or a date as written)."""
    from offset.jobs.results_files import compared
    from offset.methods import METHODS

    fields, figures = compared(METHODS["forest"].contract)
    assert {"municipality", "age_fy", "area_ha", "stand_id"} <= set(fields)
    assert "area_ha" in figures
    assert not {"municipality", "age_fy", "stand_id", "prefecture"} & figures


def test_many_rows_on_sheets_kept_in_an_issuances_source_and_read_back() -> None:
    """Kept as the ledger keeps it (JSON, within an issuance source's nesting limit), read back
    from it in either language: 12 rows changed on a sheet, 10 named, 2 counted."""
    rows = [str(n) for n in range(2, 14)]
    before = pd.DataFrame({"sheet": "R6", "row": rows, "system_id": rows, "kw": "1"})
    now = before.assign(kw="2").iloc[::-1]
    found = row_changes.describe(before, now, ("system_id",), ["kw"], {"kw": "容量"})
    reason = rows_changed(found)
    assert reason is not None
    source = {"reasons": stored_reasons([Msg("restate.data_changed", old="a", new="b",
                                             rows_before=12, rows_after=12), reason])}  # fmt: skip
    kept = json.loads(json.dumps(_source(source)))  # as the ledger keeps it
    back = read_reasons(kept["reasons"])
    assert back is not None
    assert text(back, "ja") == text(read_reasons(source["reasons"]) or "", "ja")
    ja = text(back, "ja")
    assert "シート「R6」の4行目 (system_id 4): 容量 1 → 2" in ja  # in the new file's order
    assert ja.endswith("ほか2行")
    assert english(ja) == []
    assert "rows changed: row R6!13 (system_id 13): kw 1 -> 2" in text(back, "en")


def test_a_programmes_verified_figure_and_an_issuance_memo_in_japanese() -> None:
    finding = Msg("restate.finding.adjusted", body="信州検証", date="2025-06-01")
    reason = Msg("restate.verified", before=274.3, now=270.1, finding=finding)
    kept = json.loads(json.dumps(_source({"reasons": stored_reasons([reason])})))
    back = read_reasons(kept["reasons"])
    assert back is not None
    assert text(back, "en") == str(reason)
    assert text(back, "ja").startswith("検証量が274.3 → 270.1 t-CO2 に変わりました (信州検証による")
    now = stored_reasons([Msg("restate.finding.adjusted", body="B", date="2025-06-01")])
    before = [["restate.finding", {"finding": "adjusted", "body": "B", "date": "2025-06-01"}]]
    for reasons in (now, before):  # as offset writes it now, and as it did before
        kept = json.loads(json.dumps(_source({"reasons": reasons})))
        shown = text(read_reasons(kept["reasons"]) or "", "ja")
        assert shown == "B による2025-06-01の審査結果: 修正のうえ承認"  # in words, not its key
        assert text(read_reasons(kept["reasons"]) or "", "en") == "adjusted by B on 2025-06-01"
    stored = memos.memo("issue", scenario="minamiyama", method="solar", fy=2022)
    shown = memos.text(stored, "ja", lambda method: value_term("method", method, "ja"))
    assert shown == "minamiyama: 2022年度の太陽光発電による削減量"
    assert memos.text(stored, "en") == "minamiyama: solar reductions of FY2022"


def test_a_message_crosses_a_process_whole() -> None:
    """verify's worker processes send their problems pickled: a message stays a message."""
    where = Msg("verify.transaction", id="r1", seq=7)
    message = pickle.loads(pickle.dumps(Msg("verify.hash", where=where)))
    assert isinstance(message, Msg)
    assert message.key == "verify.hash"
    assert text(message, "ja").startswith("取引 r1 (seq 7): ハッシュを計算し直すと")


# What an offset before rows were data stored in a restatement's source (`restate.rows`).
STORED = (
    "rows added: row 4 (system_id c, fy 2015); rows removed: row R6!9 and 2 more;"
    " rows changed: row 2 (system_id a, fy 2015): capacity_kw 70 -> 7, memo (blank) -> 新設"
)


def test_rows_stored_as_english_text_are_read_in_the_readers_language() -> None:
    """A ledger written before rows were data: its text reads back as the data it said, so a
    Japanese reader sees it in Japanese (a column by its key: the text kept no header)."""
    said = read_reasons([["restate.data_changed", {"old": "a" * 12, "new": "b" * 12,
                                                    "rows_before": 3, "rows_after": 4}],
                         ["restate.rows", {"rows": STORED}]])  # fmt: skip
    assert said is not None
    assert text(said, "en").endswith("; " + STORED)  # the same words as stored
    assert text(said, "ja").endswith(
        "追加された行: 4行目 (system_id c、fy 2015)。削除された行: シート「R6」の9行目ほか2行。"
        "変更された行: 2行目 (system_id a、fy 2015): capacity_kw 70 → 7、memo (空欄) → 新設"
    )
    assert english(text(said, "ja")) == []


def test_rows_stored_as_text_that_reads_two_ways_stay_as_stored_and_say_so() -> None:
    """A value holding ", " could end one field or begin the next: the text is not guessed
    at but shown as stored, labelled in Japanese as the English it was recorded in."""
    ambiguous = "rows changed: row 2: address 1-2, Chuo -> 1-3, Chuo"
    assert row_changes.from_english(ambiguous) is None
    said = read_reasons([["restate.rows", {"rows": ambiguous}]])
    assert said is not None
    assert text(said, "en") == ambiguous
    assert text(said, "ja") == f"記録時の英語の記述のまま: {ambiguous}"
    assert row_changes.from_english("rows changed: something else entirely") is None


def test_a_reason_stored_as_prose_is_labelled_as_stored() -> None:
    """The first restatements kept their reason as English prose (`reason`): shown as is."""
    from offset.ledger.rows import IssuanceEvent

    prose = "data file changed (sha256 0123 -> 4567; rows 3 -> 4)"
    issue = IssuanceEvent("s:pv:fy2022:issue", "issue", "pv", 2022, 10, 0, None, "t/holding",
                          None, {"input": {}})  # fmt: skip
    again = IssuanceEvent("s:pv:fy2022:restate1:issue", "issue", "pv", 2022, 2, 0, None,
                          "t/holding", None, {"reason": prose, "after": 12})  # fmt: skip
    (found,) = history([issue, again])
    assert text(found.reason, "en") == prose
    assert text(found.reason, "ja") == f"記録時の英語の記述のまま: {prose}"


_VALUE = st.text(st.sampled_from("abc 12,-:;()>"), min_size=1, max_size=6)


@given(
    st.dictionaries(
        st.sampled_from(row_changes.KINDS),
        st.lists(st.tuples(st.integers(2, 99), st.lists(_VALUE, max_size=4)), min_size=1,
                 max_size=3),
        min_size=1,
    ),
    st.integers(0, 3),
)  # fmt: skip
def test_text_read_back_is_the_data_it_said_or_nothing(
    listed: dict[str, list[tuple[int, list[str]]]], more: int
) -> None:
    """Whatever the values, the data read back from a stored text says that text again, word
    for word, in English (so nothing is made up); values without separators read back whole."""
    changes: dict[str, object] = {f"{kind}_more": 0 for kind in row_changes.KINDS} | {"ja": {}}
    for kind in row_changes.KINDS:
        items = []
        for row, values in listed.get(kind, []):
            item: dict[str, object] = {"row": str(row), "keys": ["system_id", values[0]]
                                       if values else []}  # fmt: skip
            if kind == "changed":
                item["fields"] = ["kw", *[*values[1:3], "1", "2"][:2]]
            items.append(item)
        changes[kind] = items
    changes["changed_more"] = more if changes["changed"] else 0
    stored = row_changes._english(changes)
    found = row_changes.from_english(stored)
    if found is not None:
        assert text(row_changes.message(found), "en") == stored
    plain = all(
        not any(s in v for s in (",", "-", ";", "(", ")", ":")) and v.strip() == v and "  " not in v
        for values in [v for pairs in listed.values() for _, v in pairs]
        for v in values
    )
    if plain:
        assert found == changes


def test_an_old_ledgers_restatement_verifies_and_reads_in_japanese(tmp_path: Path) -> None:
    """Reading it in the reader's language changes nothing stored: the ledger still verifies,
    and the restatement's rows, stored as English text, are said in Japanese."""
    book = Ledger.open(f"sqlite:///{tmp_path / 'old.db'}")
    issue = {"op": "issue", "to": "ina/holding", "instrument": "J-Credit", "project": "pv",
             "vintage": 2022, "buffer": 0}  # fmt: skip
    lines = [
        {"op": "open_account", "account": "ina/holding", "party": "ina", "kind": "holding"},
        issue | {"id": "s:pv:fy2022:issue", "quantity": 10, "source": {"input": {"rows": 3}}},
        issue | {"id": "s:pv:fy2022:restate1:issue", "quantity": 2, "source": {
            "after": 12, "reasons": [["restate.rows", {"rows": STORED}]]}},
    ]  # fmt: skip
    try:
        assert [r.status for r in book.apply(lines)] == ["ok"] * 3
        (found,) = history(book.issuance_history("s:"))
        assert text(found.reason, "ja").startswith("追加された行: 4行目 (system_id c、fy 2015)。")
        assert text(found.reason, "en") == STORED
        assert book.discrepancies() == []
    finally:
        book.engine.dispose()


def test_the_rows_a_changed_file_gave_are_row_numbers_in_japanese() -> None:
    """The rows read before and after (`5-15,17-39`: sheet rows, a blank row skipped) are row
    numbers, not a count of rows (行数)."""
    said = text(
        Msg("restate.data_changed", old="a" * 12, new="b" * 12, rows_before="5-15,17-39",
            rows_after="5-15,17-45"),
        "ja",
    )  # fmt: skip
    assert "行番号5-15,17-39 → 5-15,17-45" in said
    assert "行数" not in said
