"""The shipped programme through the CLI, on SQLite and on PostgreSQL: 300 household PV members
from the office's lists (280 from the start, 10 joining in each of two periods, 5 leaving), the
1,500 kW roof above 500 t refused, the member registered in another programme refused, the
verifier adjusting one member's figure; the credits issued once per period; the city sells some,
and its 実行計画 figures leave them out. The report's totals equal the ledger's issuance."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from offset.cli.app import app
from offset.ledger import Ledger
from offset.ledger.titles import titles_on
from offset.programme.model import Programme
from offset.programme.run import load
from offset.programme.verification import report_hash
from tests.ledger.conftest import pg_schema

REPOSITORY = Path(__file__).resolve().parents[2]
SHIPPED = REPOSITORY / "scenarios" / "programme" / "programme.toml"
runner = CliRunner()


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'ledger.db'}"
    else:
        yield from pg_schema()


def offset(*args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def test_shipped_programme_end_to_end(db: str, tmp_path: Path) -> None:
    in_japanese = offset("programme", "check", str(SHIPPED), "--lang", "ja")
    assert "会員 M0012: 排出削減活動は既に「synthetic 県の家庭用太陽光プログラム」に" in in_japanese
    checked = offset("programme", "check", str(SHIPPED), "--lang", "en")
    assert "300 members, 298 counted" in checked
    assert "row 9: member M0008: the activity reduces 599.4 t-CO2 a year" in checked
    assert "row 13: member M0012: the activity is already registered in synthetic 県の" in checked

    run = load(Programme.from_toml(SHIPPED))
    first, second = run.monitorings
    # joins and leaves: 10 members join in each period, 5 leave, 2 are refused
    in_first, in_second = set(first.lines["member_id"]), set(second.lines["member_id"])
    assert len(in_second - in_first) == 10
    assert len(run.members.frame["left"].dropna()) == 5
    assert {"M0008", "M0012"}.isdisjoint(in_first | in_second)
    # the verifier set M0003's figure for the second period to 0.5 t
    m0003 = int(second.by_member()["reduction_g"]["M0003"])
    assert run.verified[1].verified_g == second.total_g - m0003 + 500_000

    issued = offset("programme", "issue", str(SHIPPED), "--db", db)
    quantities = [v.quantity for v in run.verified]
    assert f"2023: ok ({quantities[0]} credits to midorikawa/holding)" in issued
    assert f"2024: ok ({quantities[1]} credits to midorikawa/holding)" in issued
    again = offset("programme", "issue", str(SHIPPED), "--db", db)
    assert "2023: exists" in again
    assert "2024: exists" in again

    book = Ledger.open(db)
    try:
        held = {b.vintage: b.quantity for b in book.balances(account="midorikawa/holding")}
        assert held == {2023: quantities[0], 2024: quantities[1]}
        # what outputs print for it: its title, and the operator's municipality
        titled = titles_on(book.engine)["midorikawa-home-pv"]
        assert (titled.title, titled.place_code) == (run.programme.header.title, "209901")
        assert titled.place_name == run.programme.content.operator.name
        events = book.issuance_history("midorikawa-home-pv:")
        assert all(e.source and len(e.source["consents_sha256"]) == 64 for e in events)
        assert [e.source["verifier"] for e in events if e.source] == [
            "synthetic 審査機関 (架空)"
        ] * 2
        assert [e.source["report_sha256"] for e in events if e.source] == [
            report_hash(first),
            report_hash(second),
        ]
    finally:
        book.engine.dispose()

    # the city sells 100 credits of FY2024 to a company
    sale = tmp_path / "sale.jsonl"
    sale.write_text(
        "\n".join(
            json.dumps(op)
            for op in [
                {"op": "open_party", "party": "buyer-kk", "kind": "company", "name": "Buyer KK"},
                {
                    "op": "open_account",
                    "account": "buyer-kk/holding",
                    "party": "buyer-kk",
                    "kind": "holding",
                },
                {
                    "op": "transfer",
                    "id": "sale-1",
                    "from": "midorikawa/holding",
                    "to": "buyer-kk/holding",
                    "project": "midorikawa-home-pv",
                    "vintage": 2024,
                    "quantity": 100,
                },
            ]
        )
        + "\n",
        encoding="utf-8",
    )
    offset("ledger", "--db", db, "apply", str(sale))

    planned = offset("programme", "plan", str(SHIPPED), "--db", db)
    reduced_2024 = second.lines.groupby("fy")["reduction_g"].sum()
    own = (int(reduced_2024[2024]) - 100 * 1_000_000) / 1_000_000
    assert f"{own:,.3f}" in planned
    assert f"│ 2024 │ {int(reduced_2024[2024]) / 1e6:,.3f}" in planned

    out = tmp_path / "report.xlsx"
    offset("programme", "report", str(SHIPPED), "--period", "2024", "--out", str(out), "--db", db)
    workbook = openpyxl.load_workbook(out, read_only=True)
    summary = {r[0]: r[1] for r in workbook["概要"].iter_rows(min_row=2, values_only=True)}
    assert summary["発行量 (t-CO2)"] == quantities[1]  # read from the ledger
    # the report's verified figure and the fraction carried in give the ledger's whole credits
    verified_t = summary["検証された排出削減量 (t-CO2)"] + summary["前期間からの繰越 (t-CO2)"]
    assert round(verified_t * 1e6) // 1_000_000 == quantities[1]
    assert summary["審査機関"] == "synthetic 審査機関 (架空)"
    monitored = list(workbook["モニタリング結果"].iter_rows(min_row=2, values_only=True))
    assert abs(sum(r[5] for r in monitored) - second.total_g / 1e6) < 1e-6
    listed = list(workbook["排出削減活動リスト"].iter_rows(min_row=2, values_only=True))
    assert len(listed) == 300
    refused = [r for r in listed if r[10] == "対象外"]
    assert [r[0] for r in refused] == ["M0008", "M0012"]
    assert str(refused[0][11]).startswith("会員 M0008: 排出削減活動の削減量が年599.4 t-CO2")
    plan = list(workbook["実行計画への計上"].iter_rows(min_row=2, values_only=True))
    assert [(r[0], r[3]) for r in plan] == [(2023, 0), (2024, 100)]  # 移転分, from the ledger


def test_a_corrected_verification_is_a_restatement(db: str, tmp_path: Path) -> None:
    """Issued once; the verifier's figure corrected after issuance restates the period (more
    issued); a period rejected after the operator sold its credits is owed, not taken back."""
    import shutil

    directory = tmp_path / "programme"
    shutil.copytree(SHIPPED.parent, directory)
    path = directory / "programme.toml"
    first = load(Programme.from_toml(path)).verified[1].quantity
    offset("programme", "issue", str(path), "--db", db)
    path.write_text(
        path.read_text(encoding="utf-8").replace("tco2e = 0.5", "tco2e = 80.0"), encoding="utf-8"
    )
    more = load(Programme.from_toml(path)).verified[1]
    assert more.quantity > first  # M0003 set to 80 t instead of 0.5 t
    restated = offset("programme", "issue", str(path), "--db", db)
    assert "2023: exists" in restated
    assert f"2024: restated ({more.quantity} credits" in restated
    book = Ledger.open(db)
    try:
        held = {b.vintage: b.quantity for b in book.balances(account="midorikawa/holding")}
        assert held[2024] == more.quantity
        (correction,) = book.issuance_history("midorikawa-home-pv:2024:")
        assert correction.id == "midorikawa-home-pv:2024:restate1:issue"
        assert correction.quantity == more.quantity - first
        assert correction.source is not None
        assert correction.source["restates"] == "midorikawa-home-pv:2024"
        assert "verified figure 274.346624 -> " in correction.source["reason"]
    finally:
        book.engine.dispose()
    # corrected back to 0.5 t: the difference is taken back from the city, which still holds it
    path.write_text(
        path.read_text(encoding="utf-8").replace("tco2e = 80.0", "tco2e = 0.5"), encoding="utf-8"
    )
    back = offset("programme", "issue", str(path), "--db", db)
    assert f"2024: restated ({first} credits" in back
    assert "could not be taken back" not in back
    book = Ledger.open(db)
    try:
        held = {b.vintage: b.quantity for b in book.balances(account="midorikawa/holding")}
        assert held[2024] == first
        reversal = book.issuance_history("midorikawa-home-pv:2024:restate2")
        assert [(e.kind, e.quantity) for e in reversal] == [("reverse", more.quantity - first)]
        # the city sells all of FY2024; then the period is found rejected
        sale = [
            {"op": "open_party", "party": "buyer-kk", "kind": "company", "name": "Buyer KK"},
            {
                "op": "open_account",
                "account": "buyer-kk/holding",
                "party": "buyer-kk",
                "kind": "holding",
            },
            {
                "op": "transfer",
                "id": "sale-all",
                "from": "midorikawa/holding",
                "to": "buyer-kk/holding",
                "project": "midorikawa-home-pv",
                "vintage": 2024,
                "quantity": first,
            },
        ]
        assert {r.status for r in book.apply(sale)} == {"ok"}
    finally:
        book.engine.dispose()
    text = path.read_text(encoding="utf-8").replace('finding = "adjusted"', 'finding = "rejected"')
    path.write_text(text.replace("adjustments = [", "# adjustments = ["), encoding="utf-8")
    owed = offset("programme", "issue", str(path), "--db", db)
    assert f"2024: restated ({first} credits" in owed
    assert f"{first} could not be taken back (sold or retired meanwhile)" in owed


def test_bad_lists_post_nothing(tmp_path: Path) -> None:
    import shutil

    directory = tmp_path / "programme"
    shutil.copytree(SHIPPED.parent, directory)
    consents = directory / "consent_list.csv"
    lines = consents.read_text(encoding="utf-8").splitlines()
    cells = lines[5].split(",")
    lines[5] = ",".join([*cells[:4], "", *cells[5:]])  # no 同意日
    consents.write_text("\n".join(lines) + "\n", encoding="utf-8")
    db = tmp_path / "ledger.db"
    result = runner.invoke(
        app,
        [
            "programme",
            "issue",
            str(directory / "programme.toml"),
            "--db",
            f"sqlite:///{db}",
            "--lang",
            "en",
        ],
    )
    assert result.exit_code == 2
    assert "row 6" in result.output
    assert "member M0005: no consent date" in result.output
    assert not db.exists()


def test_a_subsidy_list_issued_under_another_project_is_not_issued_again(tmp_path: Path) -> None:
    """The same list (its SHA-256) in another project's issuance: a double claim, refused."""
    from offset.intake.inputs import sha256_of

    db = f"sqlite:///{tmp_path / 'ledger.db'}"
    book = Ledger.open(db)
    other = [
        {"op": "open_party", "party": "other-town", "kind": "municipality", "name": "Other"},
        {
            "op": "open_account",
            "account": "other-town/holding",
            "party": "other-town",
            "kind": "holding",
        },
        {
            "op": "issue",
            "id": "other:pv:2023",
            "to": "other-town/holding",
            "instrument": "J-Credit",
            "project": "other-pv",
            "vintage": 2023,
            "quantity": 5,
            "source": {"input": {"sha256": sha256_of(SHIPPED.parent / "subsidy_list.csv")}},
        },
    ]
    assert [r.status for r in book.apply(other)] == ["ok", "ok", "ok"]
    book.engine.dispose()
    result = runner.invoke(app, ["programme", "issue", str(SHIPPED), "--db", db, "--lang", "en"])
    assert result.exit_code == 3
    assert "the ledger holds other:pv:2023, another project's issuance" in result.output
