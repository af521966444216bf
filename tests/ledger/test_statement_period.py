"""A statement for a period adds up: for each credit class, what the account held before the
period, what came in and went out within it, and what it held at its end, read from the
ledger, for every class it held, moved or not. Ten fiscal years of a company receiving each
year's vintage and retiring part of the year before's: the tenth year's statement still names
the nine older vintages it holds (its lines alone, only the two that moved, did not add up to
what the account holds), each year's opening is the year before's closing, and each closing is
the balance as of the period's end. The opening balances are read from entries before the
period, all of them in a year when nothing moved: a statement proves them as it proves its
lines. SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import io
import random
import re
from typing import Any

import httpx
import openpyxl
import pandas as pd
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from offset.api import keys
from offset.api.app import create_app
from offset.cli import console
from offset.cli.app import app
from offset.cli.ledger import EXIT_UNVERIFIED
from offset.ledger import Ledger
from tests.api.conftest import sign_in
from tests.ledger.conftest import behind_the_triggers
from tests.reports import column_keys

runner = CliRunner()
YEARS = range(2015, 2025)  # ten fiscal years


def ten_years(db_url: str) -> Ledger:
    """Each FY: the town is issued its vintage, transfers part of it to acme each quarter, and
    acme retires some of the year before's vintage each quarter."""
    book = Ledger.open(db_url)
    rng = random.Random(7)
    ops: list[dict[str, Any]] = [
        {"op": "open_party", "party": "acme", "kind": "company", "name": "アクメ株式会社"},
        {"op": "open_account", "account": "acme/holding", "party": "acme", "kind": "holding"},
        {"op": "open_account", "account": "town/holding", "party": "town", "kind": "holding"},
    ]
    n = 0
    for fy in YEARS:
        for quarter, (month, year) in enumerate(((5, fy), (8, fy), (11, fy), (2, fy + 1))):
            day = dt.date(year, month, 1).isoformat()
            n += 1
            if quarter == 0:
                ops.append({"op": "issue", "id": f"i{fy}", "to": "town/holding",
                            "instrument": "J-Credit", "project": "pv", "vintage": fy,
                            "quantity": 1000, "buffer": 0, "effective_date": day})  # fmt: skip
            ops.append({"op": "transfer", "id": f"t{n}", "from": "town/holding",
                        "to": "acme/holding", "project": "pv", "vintage": fy,
                        "quantity": rng.randint(10, 100), "effective_date": day})  # fmt: skip
            if fy > YEARS[0]:
                ops.append({"op": "retire", "id": f"r{n}", "from": "acme/holding",
                            "project": "pv", "vintage": fy - 1, "quantity": rng.randint(1, 9),
                            "beneficiary": "アクメ株式会社", "reason": "offset",
                            "effective_date": day})  # fmt: skip
    assert {r.status for r in book.apply(ops)} == {"ok"}
    return book


def period(fy: int) -> tuple[dt.date, dt.date]:
    return dt.date(fy, 4, 1), dt.date(fy + 1, 3, 31)


def held(book: Ledger, as_of: dt.date) -> dict[tuple[str, int], int]:
    return {
        (b.project, b.vintage): b.quantity
        for b in book.balances(as_of=as_of, account="acme/holding")
    }


def test_each_years_statement_adds_up_to_what_the_account_holds(db_url: str) -> None:
    book = ten_years(db_url)
    closing_before: dict[tuple[str, int], int] = {}
    for fy in YEARS:
        start, end = period(fy)
        found = book.period_balances("acme/holding", start, end)
        lines = book.statement("acme/holding", start, end)
        opening = {(b.project, b.vintage): b.opening for b in found}
        closing = {(b.project, b.vintage): b.closing for b in found}
        assert {k: v for k, v in opening.items() if v} == closing_before, fy
        assert closing == held(book, end), fy
        for b in found:
            moved = [line.amount for line in lines if (line.project, line.vintage) == (b.project, b.vintage)]  # fmt: skip
            assert b.credited == sum(a for a in moved if a > 0)
            assert b.debited == -sum(a for a in moved if a < 0)
            assert b.opening + b.credited - b.debited == b.closing
        closing_before = closing
    # the tenth year: ten vintages held, two of them moved
    tenth = book.period_balances("acme/holding", *period(YEARS[-1]))
    assert [b.vintage for b in tenth] == list(YEARS)
    still = [b for b in tenth if not (b.credited or b.debited)]
    assert [b.vintage for b in still] == list(YEARS[:-2])
    assert all(b.opening == b.closing > 0 for b in still)
    # no period given: from nothing to what it holds now
    whole = book.period_balances("acme/holding")
    assert all(b.opening == 0 for b in whole)
    assert {(b.project, b.vintage): b.closing for b in whole} == held(book, dt.date(2100, 1, 1))
    book.engine.dispose()


def test_the_statement_prints_the_period_and_proves_its_opening(
    db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the tables' width: COLUMNS, which a worker of pytest-xdist does not pass on to rich
    monkeypatch.setattr(console.out, "_width", 250)
    book = ten_years(db_url)
    start, end = period(YEARS[-1])
    base = ["ledger", "--db", db_url, "statement", "acme/holding"]
    window = ["--from", start.isoformat(), "--to", end.isoformat()]
    tenth = {b.vintage: b for b in book.period_balances("acme/holding", start, end)}
    for lang, words in (("ja", "期首残高"), ("en", "Opening balance")):
        printed = runner.invoke(app, [*base, *window], env={"OFFSET_LANG": lang, "COLUMNS": "250"})
        assert printed.exit_code == 0, printed.output
        assert words in printed.output
        oldest = next(line for line in printed.output.splitlines() if " 2015 " in line)
        assert oldest.count(str(tenth[2015].closing)) == 2, oldest  # opening and closing
    # A later year in which nothing moved: no line, and every class held, read from entries
    # before it. One of them edited by hand: the statement is refused, as one printing the
    # entry would be.
    quiet = ["--from", "2030-04-01", "--to", "2031-03-31"]
    assert book.statement("acme/holding", dt.date(2030, 4, 1), dt.date(2031, 3, 31)) == []
    later = book.period_balances("acme/holding", dt.date(2030, 4, 1), dt.date(2031, 3, 31))
    assert [b.vintage for b in later] == list(YEARS)
    printed = runner.invoke(app, [*base, *quiet], env={"COLUMNS": "250"})
    assert printed.exit_code == 0, printed.output
    assert "Closing balance" in printed.output
    (seq,) = {s for b in later if b.vintage == YEARS[0] for s in b.seqs}
    behind_the_triggers(book, f"UPDATE transactions SET memo = 'edited' WHERE seq = {seq}")
    refused = runner.invoke(app, [*base, *quiet])
    assert refused.exit_code == EXIT_UNVERIFIED, refused.output
    assert f"seq {seq}" in refused.output
    book.engine.dispose()


def tenth_years_page(db_url: str) -> tuple[Ledger, TestClient, httpx.Response]:
    """Ten years' ledger, Acme signed in to the dashboard, and its statement page of the tenth
    FY in Japanese."""
    book = ten_years(db_url)
    client = TestClient(create_app(book))
    assert sign_in(client, keys.create(book.engine, "acme")[1]).status_code == 303
    start, end = period(YEARS[-1])
    window = {"from": start.isoformat(), "to": end.isoformat(), "lang": "ja"}
    return book, client, client.get("/dashboard/statement/acme/holding", params=window)


def test_the_dashboards_statement_shows_a_period(db_url: str) -> None:
    """The company's statement page over a FY: its lines, and each class's opening, in, out and
    closing (the tenth year names every vintage held); its downloads keep the period; another
    party's account is not found, a date that is not one is refused in words."""
    book, client, page = tenth_years_page(db_url)
    start, end = period(YEARS[-1])
    window = {"from": start.isoformat(), "to": end.isoformat()}
    assert page.status_code == 200, page.text
    table = page.text[page.text.index('id="period-balances"') :]
    rows = re.findall(r"<tr><td>.*?</tr>", table)
    assert len(rows) == len(YEARS)  # every vintage held
    oldest = book.period_balances("acme/holding", start, end)[0]
    assert f"{YEARS[0]}年度" in rows[0]  # a vintage in the page's language
    assert rows[0].count(f">{oldest.closing:,}<") == 2  # opening and closing, nothing moved
    assert "期首残高" in page.text
    assert f'value="{start.isoformat()}"' in page.text  # the form shows the period
    lines = book.statement("acme/holding", start, end)
    download = client.get("/dashboard/statement/acme/holding", params={**window, "format": "csv"})
    assert download.status_code == 200
    assert len(download.text.strip().splitlines()) == 1 + len(lines)  # the header, the period's
    assert "format=csv&amp;from=" in page.text
    assert client.get("/dashboard/statement/town/holding", params=window).status_code == 404
    bad = client.get("/dashboard/statement/acme/holding", params={"from": "2024-02-30"})
    assert bad.status_code == 400
    book.engine.dispose()


def test_the_api_answers_a_period_as_the_dashboard_shows_it(db_url: str) -> None:
    """`GET /api/v1/accounts/{account}/balances?from=&to=`: the same classes and figures, with
    each project's title; another party's account is not found; an entry they are read from
    edited by hand, 409 `unverified` in both languages."""
    book = ten_years(db_url)
    client = TestClient(create_app(book))
    acme = {"Authorization": f"Bearer {keys.create(book.engine, 'acme')[1]}"}
    start, end = period(YEARS[-1])
    window = {"from": start.isoformat(), "to": end.isoformat()}
    answer = client.get("/api/v1/accounts/acme/holding/balances", params=window, headers=acme)
    assert answer.status_code == 200, answer.text
    expected = book.period_balances("acme/holding", start, end)
    assert [(b["vintage"], b["opening"], b["credited"], b["debited"], b["closing"])
            for b in answer.json()] == [
        (b.vintage, b.opening, b.credited, b.debited, b.closing) for b in expected
    ]  # fmt: skip
    assert {b["project_title"] for b in answer.json()} == {"pv"}
    town = client.get("/api/v1/accounts/town/holding/balances", params=window, headers=acme)
    assert (town.status_code, town.json()["status"]) == (404, "not_found")
    (seq,) = expected[0].seqs
    behind_the_triggers(book, f"UPDATE transactions SET memo = 'edited' WHERE seq = {seq}")
    refused = client.get("/api/v1/accounts/acme/holding/balances", params=window, headers=acme)
    assert (refused.status_code, refused.json()["status"]) == (409, "unverified")
    assert f"seq {seq}" in refused.json()["message"]
    assert "検証できません" in refused.json()["message_ja"]
    book.engine.dispose()


def test_the_period_balances_download_as_the_page_shows_them(db_url: str) -> None:
    """An auditor reconciling a FY takes the statement away as a file: its lines, and each
    class's opening, in, out and closing (`table=balances`, in CSV and Excel, linked from the
    page with the period), every vintage held, the figures the page shows; the downloads held
    only the lines, which name the two vintages that moved, not the ten the account holds."""
    book, client, page = tenth_years_page(db_url)
    start, end = period(YEARS[-1])
    window = {"from": start.isoformat(), "to": end.isoformat()}
    assert "table=balances&amp;format=csv&amp;from=" in page.text
    expected = [
        (b.project, b.vintage, b.opening, b.credited, b.debited, b.closing)
        for b in book.period_balances("acme/holding", start, end)
    ]
    path = "/dashboard/statement/acme/holding"
    for lang in ("ja", "en"):
        params = {**window, "table": "balances", "format": "csv", "lang": lang}
        download = client.get(path, params=params)
        assert download.status_code == 200, download.text
        assert "balances" in download.headers["content-disposition"]
        frame = pd.read_csv(io.BytesIO(download.content), encoding="utf-8-sig")
        frame = frame.rename(columns=column_keys())
        columns = ["project", "vintage", "opening", "credited", "debited", "closing"]
        assert [tuple(r) for r in frame[columns].itertuples(index=False)] == expected
        assert "seqs" not in frame.columns  # which entries they are read from: not a figure
    sheet = openpyxl.load_workbook(
        io.BytesIO(
            client.get(path, params={**window, "table": "balances", "format": "xlsx"}).content
        )
    ).active
    header = [column_keys().get(str(c.value), str(c.value)) for c in sheet[1]]
    closing = [r[header.index("closing")] for r in sheet.iter_rows(min_row=2, values_only=True)]
    assert closing == [e[-1] for e in expected]
    assert client.get(path, params={"table": "nothing", "format": "csv"}).status_code == 400
    book.engine.dispose()
