"""One truth (issue 27): every credit figure a run's documents print is what the ledger holds.

Three FYs on one ledger through the CLI, as a town runs them: a capacity typed too small in the
FY2020 list and corrected in the FY2021 one (a restatement in year 2, of an FY already
settled), and the partner company retiring between runs through the dashboard and the API.
After each run, each table's figures equal a query of the ledger that does not go through
offset's tables. SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import html
import json
import re
from collections import defaultdict
from pathlib import Path
from typing import Any, cast

import pandas as pd
from fastapi.testclient import TestClient
from sqlalchemy import text as sql
from typer.testing import CliRunner

from offset.api import forms, keys
from offset.api.app import create_app
from offset.api.labels import LABELS
from offset.cli.app import app
from offset.cli.run import EXIT_UNVERIFIED
from offset.common import fiscal
from offset.common.messages import LANGS, Msg, text
from offset.documents.terms import term
from offset.ledger import Ledger
from tests.api.conftest import form_token, sign_in
from tests.ledger.conftest import behind_the_triggers
from tests.reports import read_table
from tests.scenario.conftest import PV_ROWS, SCENARIOS, WriteScenario

runner = CliRunner()
NAME = "annual-cycle.toml"
PRICE = 3_000  # yen per t-CO2e, added to the shipped agreement so that 金額 is printed
TYPOS = 5  # the first PV cases' capacities typed a decimal place off until the FY2021 list
AGREEMENT = "alps-half"
DATA_CHANGED = [Msg("restate.data_changed", old="", new="", rows_before=0, rows_after=0)]
KEY = re.compile(r'name="key" value="([^"]+)"')


def lists_as_of(fy: int, final: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """The town's files as they stood after the office added FY `fy`'s cases."""
    pv = final["pv"]
    pv = pv[fiscal.fiscal_years(pd.to_datetime(pv["commissioned"]).to_numpy()) <= fy].copy()
    if fy < 2021:
        capacity = pv["capacity_kw"].to_numpy(dtype=float, copy=True)
        capacity[:TYPOS] /= 10  # 6.23 kW typed 0.623
        pv["capacity_kw"] = capacity.round(3)
    renovation = final["renovation"]
    done = fiscal.fiscal_years(pd.to_datetime(renovation["completed"]).to_numpy()) <= fy
    return {"pv": pv, "renovation": renovation[done], "forest": final["forest"]}


def ledger_deliveries(book: Ledger) -> dict[int, tuple[int, int]]:
    """Per vintage: what the town moved under the agreement (transfers) and what was retired
    naming it, read from the ledger's transactions."""
    out: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for t in book.agreement_transactions(AGREEMENT):
        if t.kind == "transfer" and (t.from_account or "").startswith("minamiyama/"):
            out[t.vintage][0] += t.quantity
        if t.kind == "retire":
            out[t.vintage][1] += t.quantity
    return {fy: (d, r) for fy, (d, r) in out.items()}


def ledger_retired(book: Ledger) -> dict[int, int]:
    out: dict[int, int] = defaultdict(int)
    for r in book.retirements():
        out[r.vintage] += r.quantity
    return dict(out)


def ledger_issued(book: Ledger) -> dict[int, int]:
    """Per vintage: minted and not taken back, less restatements' cancellations (balances)."""
    out: dict[int, int] = defaultdict(int)
    for b in book.balances():
        if b.account.startswith("issuance:") or b.account == "cancellation:restatement":
            out[b.vintage] -= b.quantity
    return dict(out)


def issued_pv(book: Ledger, vintage: int) -> int:
    """What stands of the PV project's credits of `vintage` (its classes' issuance balance)."""
    return -sum(
        b.quantity
        for b in book.balances()
        if b.account.startswith("issuance:")
        and (b.project, b.vintage) == ("minamiyama-pv", vintage)
    )


def retire_in_dashboard(client: TestClient, vintage: int, quantity: int) -> None:
    """Alps Denki retires through the dashboard's form, naming the agreement."""
    page = client.get("/dashboard/retire")
    found = KEY.search(page.text)
    assert found is not None
    fields = {
        "key": found.group(1),
        "csrftoken": form_token(client, "/dashboard/retire"),
        "holding": f"alps-denki/holding minamiyama-pv {vintage}",
        "quantity": str(quantity),
        "beneficiary": "アルプス電機 本社工場",  # free text: not a party
        "reason": f"{vintage}年度 工場の排出",
        "purpose": "carbon_offset",  # the form's 用途 and claim FY (issue 29)
        "claim_fy": str(forms.claim_years(dt.date.today())[1]),
        "agreement": AGREEMENT,
    }
    answer = client.post("/dashboard/retire", data=fields, follow_redirects=False)
    assert answer.status_code == 303, answer.text


def test_three_years_every_document_prints_the_ledger(db_url: str, tmp_path: Path) -> None:
    root = tmp_path / "town"
    (root / "data").mkdir(parents=True)
    toml = (SCENARIOS / NAME).read_text(encoding="utf-8")
    toml = toml.replace(
        'delivery = "transfer"', f'delivery = "transfer"\nprice_jpy_per_t = {PRICE}'
    )
    (root / NAME).write_text(toml, encoding="utf-8")
    final = {
        key: pd.read_csv(
            SCENARIOS / "data" / f"annual_cycle_{key}.csv", dtype={"decommissioned": str}
        )
        for key in ("pv", "renovation", "forest")
    }
    out = tmp_path / "out"
    run = ["run", str(root / NAME), "--db", db_url, "--out", str(out), "--no-pdf"]
    book = Ledger.open(db_url)
    client = TestClient(create_app(book))
    dashboard = TestClient(create_app(book))
    key, restated_on = "", ""
    for fy in (2020, 2021, 2022):
        for name, frame in lists_as_of(fy, final).items():
            frame.to_csv(root / "data" / f"annual_cycle_{name}.csv", index=False)
        result = runner.invoke(app, [*run, "--fy", str(fy), "--lang", "ja"])
        assert result.exit_code == 0, result.output
        # Japanese mode is Japanese: the closing lines, warnings and restatements too.
        for english in ("Posted", "warning:", "Nothing new", "restated", "data file changed"):
            assert english not in result.output
        assert "台帳に" in result.output
        if fy == 2021:
            restated_on = dt.date.today().isoformat()
            assert "入力データが変わりました" in result.output

        # The agreement's table: delivered, retired and 金額 are the ledger's, per FY.
        fulfilment = read_table(out, "fulfilment").set_index("fy")
        delivered = ledger_deliveries(book)
        for year in range(2020, fy + 1):
            row = fulfilment.loc[year]
            assert (row["delivered"], row["retired"]) == delivered.get(year, (0, 0)), year
            assert row["value_jpy"] == row["delivered"] * PRICE
            assert row["shortfall"] == max(row["committed"] - row["delivered"], 0)
        # The summary and the 実行計画 table: issued and retired per vintage, the ledger's.
        summary = read_table(out, "summary").set_index("fy")
        plan = read_table(out, "plan").set_index("fy")
        issued, retired = ledger_issued(book), ledger_retired(book)
        for year in range(2020, fy + 1):
            for table in (summary, plan):
                assert table.loc[year, "issued"] == issued[year]
                assert table.loc[year, "retired"] == retired.get(year, 0)
                assert table.loc[year, "delivered"] == delivered[year][0]
        if fy == 2021:
            # FY2020 was settled in year 1 from the smaller figure; the plan would now deliver
            # half of the restated issuance: printed beside the ledger's, named, with why.
            planned, settled = (
                cast(int, fulfilment.at[2020, c]) for c in ("planned_delivered", "delivered")
            )
            assert planned > settled
            note = {term("plan.settled_before", lang) for lang in LANGS}
            assert fulfilment.loc[2020, "plan_note"] in note
        # Every restatement the ledger holds is listed, with its date: year 2's after year 3.
        restated = read_table(out, "restatements")
        if fy == 2020:
            assert restated.empty
        else:
            assert {(int(r["fy"]), r["project"]) for _, r in restated.iterrows()} == {
                (2020, "minamiyama-pv")
            }
            (restatement,) = cast(list[dict[str, Any]], restated.to_dict("records"))
            assert (
                restatement["change"]
                == restatement["issued"]
                == issued_pv(book, 2020) - restatement["before"]
                > 0
            )
            assert restatement["effective_date"] == restated_on
            # the reason, stored structured with the restatement, in the report's language (ja)
            assert restatement["reason"].startswith(text(DATA_CHANGED[0], "ja").split("(")[0])
        # A free-text beneficiary is a beneficiary, never a party.
        balances = read_table(out, "balances")
        assert "アルプス電機 本社工場" not in set(balances["name"]) | set(balances["party"])

        # Between runs, Alps Denki retires 2 t in the dashboard and 2 t through the API.
        key = key or keys.create(book.engine, "alps-denki")[1]
        if fy == 2020:
            assert sign_in(dashboard, key).status_code == 303
        retire_in_dashboard(dashboard, fy, 2)
        answer = client.post(
            "/api/v1/retirements",
            json={
                "from": "alps-denki/holding",
                "project": "minamiyama-pv",
                "vintage": fy,
                "quantity": 2,
                "reason": f"FY{fy} offset",
                "claim_period": f"FY{fy}",
                "agreement": AGREEMENT,
            },
            headers={"Authorization": f"Bearer {key}", "Idempotency-Key": f"alps-{fy}"},
        )
        assert answer.status_code == 201, answer.text
    assert book.verify() == []
    # The runner's memos, stored structured, read in the reader's language.
    statement = runner.invoke(
        app,
        ["ledger", "--db", db_url, "statement", "alps-denki/holding"],
        env={"OFFSET_LANG": "ja"},
    )
    assert statement.exit_code == 0, statement.output  # its entries verify: printed
    assert "alps-denki/holding の取引明細" in statement.output
    page = dashboard.get("/dashboard/statement/alps-denki/holding?lang=ja").text
    assert f"協定 {AGREEMENT} に基づく移転" in page
    assert "delivery under" not in page

    # The provider sees what happened to its credits: Alps Denki's retirements, who and how many.
    town = TestClient(create_app(book))
    assert sign_in(town, keys.create(book.engine, "minamiyama")[1]).status_code == 303
    listed = town.get("/dashboard/retirements?lang=en").text
    for r in book.retirements():
        assert f'data-id="{r.id}"' in listed
    assert listed.count('class="retired-by">アルプス電機株式会社') == len(book.retirements())
    # Its agreement page: the ledger's table and the plan's, each named, the plan saying why
    # it differs (FY2020 settled before its restatement; the partner's own retirements).
    page = town.get("/dashboard/agreements?lang=en").text
    for year, (moved, retired_) in ledger_deliveries(book).items():
        assert f'data-fy="{year}" data-retired="{retired_}" data-delivered="{moved}"' in page
    assert LABELS["en"]["differs_delivered"] in page
    assert LABELS["en"]["differs_retired"] in page
    book.engine.dispose()


def test_a_report_from_a_ledger_edited_by_hand_says_so(
    db_url: str, tmp_path: Path, write_scenario: WriteScenario
) -> None:
    """The run has posted, so its report is written; but marked, naming the entry, not printed
    as true, and the command exits 4 (as `offset ledger certificate` does) saying so in the
    user's language."""
    path = write_scenario(files={"pv.csv": PV_ROWS})
    out = tmp_path / "out"
    run = ["run", str(path), "--db", db_url, "--out", str(out), "--no-pdf", "--fy", "2022"]
    assert runner.invoke(app, run).exit_code == 0
    assert json.loads((out / "manifest.json").read_text())["ledger_verified"] is True
    book = Ledger.open(db_url)
    # An entry before the head (the writer refuses to write after an altered head: 0007)
    forged = "mini:pv:fy2022:issue"
    behind_the_triggers(book, f"UPDATE transactions SET memo = 'forged' WHERE id = '{forged}'")
    with book.engine.connect() as conn:
        seq = conn.execute(
            sql("SELECT seq FROM transactions WHERE id = :i"), {"i": forged}
        ).scalar()
    book.engine.dispose()
    for lang, said in (
        ("ja", f"台帳の記録 seq {seq} ({forged}) を検証できません: 報告書は「未検証」と明記して"),
        ("en", f"ledger entry seq {seq} ({forged}) does not verify: the report was written marked"),
    ):
        again = runner.invoke(app, [*run[:-1], "2023", "--lang", lang])
        assert again.exit_code == EXIT_UNVERIFIED, again.output
        assert said in " ".join(again.output.split()), again.output
        manifest = json.loads((out / "manifest.json").read_text())
        assert manifest["ledger_verified"] is False
        assert manifest["warnings"][0].startswith(
            "NOT VERIFIED: this report's ledger entries does not verify against the ledger's"
            f" chain at ledger entry seq {seq} ({forged}): transaction {forged} (seq {seq}):"
            " hash does not recompute"
        )
        page = (out / "report.html").read_text(encoding="utf-8")
        banner = re.search(r'<p class="unverified" role="alert" id="unverified">([^<]*)</p>', page)
        assert banner is not None
        mark = html.unescape(banner.group(1))
        if lang == "ja":
            assert mark.startswith(
                f"未検証: この報告書の台帳の記録は台帳の記録の連鎖と一致しません (台帳の記録 seq"
                f" {seq} ({forged})): 取引 {forged} (seq {seq}): ハッシュを計算し直すと"
            ), mark
        else:
            assert f"at ledger entry seq {seq} ({forged})" in mark
