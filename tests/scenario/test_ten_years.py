"""Ten years of one environment office on one ledger (FY2015-FY2024): the flagship settlement-area
scenario, copied beside its lists, run each April as an office runs it.

Each April the office adds the FY's new PV cases at the end of the same workbook (Japanese
headers, 和暦 dates, the supplier named as 中部電力) and the renovation cases completed, runs
`offset run --fy N` and hands in the report. Along the way, what happens to real lists: a clerk
pastes an earlier row again (FY2017: refused, then counted once under `duplicates = "first"`),
new rows write the central city differently (伊那, Ina, 20209: one city), and every third year an
earlier row is corrected (a restatement of the FYs it counts in, listed ever after). Between
runs the company retires part of what it received and transfers some to another company through
the API. After every run: the books conserve, `offset ledger verify` passes, the report's
issued / delivered / retired per FY are a direct query of the ledger, and the FYs already posted
are posted nothing again unless a row of theirs changed. SQLite and PostgreSQL.

Kept small on purpose (every eighth PV case, every sixth renovation row, the PV and renovation
projects and the company's agreement): the run computes every FY up to the one it posts, so the
tenth year computes ten."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pandas as pd
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text as sql
from typer.testing import CliRunner

from offset.api import keys
from offset.api.app import create_app
from offset.cli.app import app
from offset.common.messages import Msg
from offset.documents.notes import newest_first
from offset.intake.dates import wareki
from offset.ledger import Ledger
from offset.scenario import row_changes
from tests.refusals import refused_calc
from tests.reports import read_table
from tests.scenario.conftest import SCENARIOS

runner = CliRunner()
FYS = range(2015, 2025)
PV = "area-residential-pv"
AGREEMENT = "shinano-pv"
CITY, COMPANY, OTHER = "202096", "shinano-seiki", "azumino-foods"
#: the settlement area's fictional parties become real municipalities of 上伊那 (their 団体コード
#: and names from factors/municipalities.csv), so that a name written differently can resolve
PLACES = {
    "midorikawa": ("209901", CITY, "伊那市"),
    "higashino": ("209902", "203831", "箕輪町"),
    "kawabe": ("209903", "203858", "南箕輪村"),
    "kamiyama": ("209904", "203882", "宮田村"),
}
#: how the clerks wrote 伊那市 in the rows they added from FY2018 on, in turn
INA_WRITTEN = ("伊那", "Ina", "20209", "いなし")
PASTED_FY = 2017  # the clerk pastes the first case again at the end of the list
CORRECTED = {2018: 0, 2021: 1, 2024: 2}  # FY of the list -> the case whose capacity is corrected
RENOVATION = "[projects.area-renovation]"
KEPT = ("scenario", "options", "parties.", f"projects.{PV}", "projects.area-renovation")


def scenario_text() -> str:
    """The shipped scenario for FY2015-FY2024, its PV project reading the office's workbook,
    without the forest projects and their agreements (kept fast), the company keeping what it
    receives (it retires and transfers through the API)."""
    sections = re.split(r"\n(?=\[)", (SCENARIOS / "settlement-area.toml").read_text("utf-8"))
    kept = [s for s in sections if s.startswith("[") and s[1:].startswith(KEPT)]
    kept += [s for s in sections if s.startswith(f"[agreements.{AGREEMENT}]")]
    toml = "\n".join(kept)
    for old, new, _ in PLACES.values():
        toml = toml.replace(f'"{old}"', f'"{new}"')
    return (
        toml.replace("fiscal_years = [2020, 2024]", "fiscal_years = [2015, 2024]")
        .replace("period = [2021, 2024]", "period = [2015, 2024]")
        .replace('"data/settlement_area_pv.csv"', '"data/太陽光発電補助一覧.xlsx"')
        .replace("beneficiary_retires = true\n", "")
    )


def the_cases() -> tuple[pd.DataFrame, pd.DataFrame]:
    """Every PV case and renovation row up to FY2024 as the office's lists hold them (Japanese
    headers, 和暦 dates, municipality names), in the order they were added."""
    pv = pd.read_csv(SCENARIOS / "data" / "settlement_area_pv.csv").iloc[::8]
    pv = pv[pv["commissioned"] < "2025-04-01"].sort_values("commissioned")  # ISO dates
    day = pd.to_datetime(pv["commissioned"])
    cases = pd.DataFrame(
        {
            "受付番号": pv["system_id"].str.replace("synthetic-pv-", "太補-"),
            "市町村": pv["municipality"].map(lambda m: PLACES[m][2]),
            "都道府県": "長野県",
            "太陽電池容量(kW)": pv["capacity_kw"],
            "設置年月日": day.map(lambda d: wareki(d.date())),
            "自家消費率": pv["self_consumption_ratio"],
            "自家消費量(kWh)": pv["self_consumed_kwh"],
            "電気事業者": "中部電力",
            "fy": fiscal_year(day),
        }
    ).reset_index(drop=True)
    later_ina = cases.index[(cases["fy"] >= 2018) & (cases["市町村"] == "伊那市")]
    cases.loc[later_ina, "市町村"] = [INA_WRITTEN[i % 4] for i in range(len(later_ina))]
    renovation = pd.read_csv(SCENARIOS / "data" / "settlement_area_renovation.csv").iloc[::6]
    renovation["municipality"] = renovation["municipality"].map(lambda m: PLACES[m][2])
    return cases, renovation


def fiscal_year(day: pd.Series) -> npt.NDArray[np.int64]:
    """The FY of each date (April to March)."""
    years: npt.NDArray[np.int64] = (day.dt.year - (day.dt.month < 4)).to_numpy(dtype=np.int64)
    return years


def write_lists(root: Path, fy: int, cases: pd.DataFrame, renovation: pd.DataFrame) -> None:
    """The lists as they stand after April of FY+1: the cases known so far, the pasted row from
    FY2017 on, each correction from the FY it was made; the earlier value until then."""
    pv = cases[cases["fy"] <= fy].drop(columns="fy")
    capacity = pv["太陽電池容量(kW)"].to_numpy(dtype=float, copy=True)
    for corrected_in, case in CORRECTED.items():
        if fy < corrected_in:  # typed a decimal place off until the correction
            capacity[case] *= 10
    pv["太陽電池容量(kW)"] = capacity
    if fy >= PASTED_FY:
        pv = pd.concat([pv, pv.iloc[[0]]], ignore_index=True)
    pv.to_excel(root / "data" / "太陽光発電補助一覧.xlsx", index=False, sheet_name="補助一覧")
    renovation[renovation["fy"] <= fy].to_csv(
        root / "data" / "settlement_area_renovation.csv", index=False
    )


def ledger_figures(book: Ledger) -> dict[int, tuple[int, int, int]]:
    """Per vintage: issued (minted and standing: issuances less reversals and restatements'
    cancellations), delivered under the agreement and retired, by a query of the transactions."""
    with book.engine.connect() as conn:
        rows = conn.execute(
            sql(
                "SELECT c.vintage, t.kind, t.from_account, t.to_account, t.agreement, t.quantity"
                " FROM transactions t JOIN credit_classes c ON c.id = t.class_id"
            )
        ).all()
    out: dict[int, list[int]] = {}
    for vintage, kind, source, target, agreement, quantity in rows:
        figures = out.setdefault(vintage, [0, 0, 0])
        if kind == "issue":
            figures[0] += quantity
        elif (
            source is not None
            and not source.startswith("issuance:")
            and (kind == "reverse" or target == "cancellation:restatement")
        ):
            figures[0] -= quantity
        if kind == "transfer" and agreement == AGREEMENT:
            figures[1] += quantity
        if kind == "retire":
            figures[2] += quantity
    return {vintage: (i, d, r) for vintage, (i, d, r) in out.items()}


def test_ten_years_of_one_office(db_url: str, tmp_path: Path) -> None:
    root = tmp_path / "office"
    (root / "data").mkdir(parents=True)
    toml = root / "settlement-area.toml"
    toml.write_text(scenario_text(), encoding="utf-8")
    cases, renovation = the_cases()
    out = root / "out"
    run = ["run", str(toml), "--db", db_url, "--out", str(out), "--no-pdf"]
    book = Ledger.open(db_url)
    api = TestClient(create_app(book))
    headers: dict[str, str] = {}
    restated_before: set[tuple[int, str]] = set()
    for fy in FYS:
        write_lists(root, fy, cases, renovation)
        if fy == PASTED_FY:  # refused first, naming both rows; nothing posted
            before = ledger_figures(book)
            refused = runner.invoke(app, [*run, "--fy", str(fy)])
            assert refused.exit_code == 2, refused.output
            assert "row 2" in refused.output  # the first row, named with the pasted one
            assert "太補-" in refused.output
            assert ledger_figures(book) == before
            toml.write_text(
                toml.read_text("utf-8").replace(
                    "[projects.area-renovation]",
                    'duplicates = "first"\n\n[projects.area-renovation]',
                ),
                encoding="utf-8",
            )
        result = runner.invoke(app, [*run, "--fy", str(fy)])
        assert result.exit_code == 0, result.output
        corrected = fy in CORRECTED
        # The terminal shows a few warnings: this FY's before those of FYs posted years ago.
        # (a project by its title, its key beside it: 緑川定住自立圏 住宅用太陽光発電 (pv))
        said = " ".join(result.output.split())
        assert re.findall(r"warning: [^:]*?\(\S+\) FY(\d{4}): ", said)[0] == str(fy), said

        # The books conserve: every credit minted is somewhere, nothing negative; verify passes.
        totals: dict[tuple[str, int], int] = {}
        for b in book.balances():
            totals[(b.project, b.vintage)] = totals.get((b.project, b.vintage), 0) + b.quantity
            assert b.account.startswith("issuance:") or b.quantity >= 0, b
        assert set(totals.values()) == {0}
        verified = runner.invoke(app, ["ledger", "--db", db_url, "verify"])
        assert verified.exit_code == 0, verified.output

        # The report's credits per FY are the ledger's, for every FY so far.
        figures = ledger_figures(book)
        summary = read_table(out, "summary").set_index("fy")
        assert list(summary.index) == list(range(2015, fy + 1))
        for year in range(2015, fy + 1):
            row = summary.loc[year]
            assert (row["issued"], row["delivered"], row["retired"]) == figures[year], year

        # Restatements: every one ever posted stays listed; a year adds some only when a row
        # of an earlier FY changed (a correction); the pasted row changes nothing.
        restated = read_table(out, "restatements")
        now = {(int(r["fy"]), str(r["project"])) for r in restated.to_dict("records")}
        assert restated_before <= now
        if corrected:
            assert now - restated_before, f"FY{fy}: the correction restated nothing"
            assert {p for _, p in now - restated_before} == {PV}
            case = str(cases.loc[CORRECTED[fy], "受付番号"])
            assert restated["reason"].str.contains(case).any(), restated["reason"].tolist()
        else:
            assert now == restated_before, f"FY{fy}: restated {now - restated_before}"
        restated_before = now

        # Each case is counted once, and 伊那市 is one municipality however it was written.
        results = pd.read_csv(out / "results" / f"{PV}-fy{fy}.csv", encoding="utf-8-sig", dtype=str)
        assert not results["system_id"].duplicated().any()
        assert len(results) == (cases["fy"] <= fy).sum()
        ina = results[results["municipality"] == CITY]
        assert set(ina["municipality_name"]) == {"伊那市"}
        assert set(results["municipality"]) <= {code for _, code, _ in PLACES.values()}

        # The company retires half of what it received for the FY and passes 1 t on.
        if not headers:
            headers = {"Authorization": f"Bearer {keys.create(book.engine, COMPANY)[1]}"}
        (held,) = [
            b.quantity
            for b in book.balances(account=f"{COMPANY}/holding")
            if (b.project, b.vintage) == (PV, fy)
        ]
        moves = {
            "retirements": {
                "from": f"{COMPANY}/holding",
                "quantity": held // 2,
                "reason": f"{fy}年度 本社の排出",
                "claim_period": f"FY{fy}",
            },
            "transfers": {"from": f"{COMPANY}/holding", "to": f"{OTHER}/holding", "quantity": 1},
        }
        for path, body in moves.items():
            answer = api.post(
                f"/api/v1/{path}",
                json={**body, "project": PV, "vintage": fy},
                headers={**headers, "Idempotency-Key": f"{path}-{fy}"},
            )
            assert answer.status_code == 201, answer.text

    # Nothing changed: a re-run of the last FY posts nothing and restates nothing.
    figures = ledger_figures(book)
    again = runner.invoke(app, [*run, "--fy", "2024"])
    assert again.exit_code == 0, again.output
    assert "Posted" not in again.output, again.output
    assert ledger_figures(book) == figures
    book.engine.dispose()


def test_a_restatement_names_the_row_that_caused_it_not_new_rows_at_zero() -> None:
    """A case added to the list in FY2018 is in FY2015's results at 0 (not in service yet): it
    did not change FY2015, so FY2015's restatement names only the corrected case."""
    before = pd.DataFrame(
        {"row": ["2"], "system_id": ["a"], "fy": ["2015"], "capacity_kw": ["70"],
         "creditable_tco2e": ["12.0"]}
    )  # fmt: skip
    now = pd.DataFrame(
        {"row": ["2", "3", "4"], "system_id": ["a", "b", "c"], "fy": ["2015"] * 3,
         "capacity_kw": ["7", "4.5", "5"], "creditable_tco2e": ["1.2", "0", "0.8"]}
    )  # fmt: skip
    changes = row_changes.describe(before, now, ("system_id", "fy"), ("capacity_kw",))
    assert changes is not None
    assert str(row_changes.message(changes)) == (
        "rows added: row 4 (system_id c, fy 2015); "
        "rows changed: row 2 (system_id a, fy 2015): capacity_kw 70 -> 7"
    )


def test_the_terminal_shows_this_fys_warnings_first() -> None:
    """Warnings that name no FY, then the latest FY's: FY2015's stale-factor warnings, repeated
    in every later run, no longer hide FY2024's behind "N more warnings in the report"."""
    warnings: list[str] = [
        Msg("warn.project_fy", project="pv", fy=2015, warning="old"),
        Msg("warn.project_fy", project="pv", fy=2024, warning="new"),
        Msg("warn.unused_rows", project="pv", count=1, file="pv.csv"),
        Msg("warn.project_fy", project="forest", fy=2024, warning="new too"),
    ]
    shown = [getattr(w, "params", {}).get("fy") for w in newest_first(warnings)]
    assert shown == [None, 2024, 2024, 2015]


def test_reading_a_ledger_that_is_not_there_creates_none(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An auditor types `offset ledger verify` in the office's folder, where `offset run` kept
    its ledger in out/ledger.db: the answer was "ok: sqlite:///offset.db verifies" about a new,
    empty ledger it had just created. Now it is refused, naming where a run keeps its ledger."""
    monkeypatch.chdir(tmp_path)
    for command in (["verify"], ["balances"], ["export"]):
        refused = runner.invoke(app, ["ledger", *command])
        assert refused.exit_code == 2, refused.output
        assert "no ledger at sqlite:///offset.db" in refused.output
        assert "OUT/ledger.db" in refused.output
    assert not (tmp_path / "offset.db").exists()
    # a ledger that is there is read as before
    made = runner.invoke(app, ["ledger", "--db", "sqlite:///made.db", "apply", "-"], input="")
    assert made.exit_code == 0, made.output
    verified = runner.invoke(app, ["ledger", "--db", "sqlite:///made.db", "verify"])
    assert verified.exit_code == 0, verified.output


def test_a_year_older_than_the_grid_lists_says_which_list_is_missing(tmp_path: Path) -> None:
    """The office's first FY (2015) on the national average: the shipped lists start at FY2018,
    so the refusal names the FY, the list its year rule takes and the two ways to go on."""
    pv = tmp_path / "pv.csv"
    pv.write_text(
        "受付番号,市町村,太陽電池容量(kW),設置年月日\n太補-1,伊那市,4.5,平成27年5月1日\n",
        encoding="utf-8",
    )
    for lang, said in (
        ("en", "no grid factor for FY2015: its year rule takes the FY2014 list"),
        ("ja", "2015年度の電力排出係数がありません: 年度規則は2014年度の一覧を使います"),
    ):
        said_here = refused_calc("solar", pv, lang, "--fy", "2015", "--prefecture", "nagano")
        assert said in said_here
        assert "import-grid" in said_here
