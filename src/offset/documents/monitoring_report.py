"""A programme's モニタリング報告書 draft for one period, as an Excel workbook in Japanese.

Its sheets follow what the published J-Credit programme-type examples hold, as far as they can be
read: a summary (programme, operator, methodology, period, totals, the verification and the credits
issued), the 排出削減活動リスト (each member, its activity and whether it counts, or why not), the
monitored figures per member and FY (days x daily reduction, each traced to its rows of the two
lists), the methodology and factor rows, and the 実行計画 figures. The credits shown are read from
the ledger; the reductions are computed figures and labelled as such.
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pandas as pd

from offset.common.messages import Msg, text
from offset.documents.output import write_sheets, write_sheets_to
from offset.ledger.ledger import Ledger
from offset.programme.members import sheet_rows
from offset.programme.monitoring import Monitoring
from offset.programme.plan import PlanYear, plan_years
from offset.programme.run import Run
from offset.scenario.issuance import GRAMS_PER_CREDIT

COMPUTED = "算定値 (台帳の値ではありません)"
LEDGER = "台帳の記録"


def _finding(finding: str) -> str:
    return text(Msg(f"finding.{finding}"), "ja")


def _t(grams: int | float) -> float:
    return float(grams) / GRAMS_PER_CREDIT


def summary(run: Run, monitoring: Monitoring, issued: int | None) -> pd.DataFrame:
    """The report's first sheet: what, who, when, how much; `issued` is the ledger's figure."""
    programme, period = run.programme, monitoring.period
    header, operator = programme.header, programme.content.operator
    verified = run.verified_of(period.name)
    found = period.verification
    refused = int(run.refusals.frame["member_id"].nunique())
    rows: list[tuple[str, object, str]] = [
        ("プロジェクト名", header.title or header.name, ""),
        ("登録番号", header.registration, ""),
        ("運営・管理者", operator.name, ""),
        ("方法論", header.methodology, ""),
        ("認証対象期間", f"{header.crediting_period[0]}〜{header.crediting_period[1]}", ""),
        ("モニタリング期間", f"{period.start}〜{period.end}", period.name),
        ("算定対象の会員数", int(monitoring.lines["member_id"].nunique()), ""),
        ("対象外とした会員数", refused, "排出削減活動リスト参照"),
        ("排出削減量 (t-CO2)", _t(monitoring.total_g), COMPUTED),
        ("審査機関", found.body if found else "未審査", ""),
        ("審査日", str(found.date) if found else "", ""),
        ("審査結果", _finding(found.finding) if found else "", found.note if found else ""),
        (
            "検証された排出削減量 (t-CO2)",
            _t(verified.verified_g) if verified.verified_g is not None else "",
            "審査結果による",
        ),
        ("前期間からの繰越 (t-CO2)", _t(verified.carried_in_g), "1 t 未満の端数"),
        ("発行量 (t-CO2)", issued if issued is not None else "未発行", LEDGER),
        ("次期間への繰越 (t-CO2)", _t(verified.carried_out_g), "1 t 未満の端数"),
        ("報告書の SHA-256", verified.report_sha256, "台帳の発行記録に記載"),
    ]
    return pd.DataFrame(rows, columns=["項目", "値", "備考"])


def activity_list(run: Run) -> pd.DataFrame:
    """The 排出削減活動リスト: every member of the consent list with its activity, and why a
    refused one does not count."""
    members = run.members.frame
    listed = run.activities.frame.iloc[members["activity_at"].to_numpy()]
    why = run.refusals.frame.groupby("member_id")["why"].agg(
        lambda w: "; ".join(text(m, "ja") for m in w)
    )
    capacity = listed["capacity_kw"].to_numpy() if "capacity_kw" in listed else np.nan
    started = listed["commissioned"].dt.date.to_numpy() if "commissioned" in listed else ""
    return pd.DataFrame(
        {
            "会員番号": members["member_id"].to_numpy(),
            "氏名": members["name"].to_numpy(),
            "区域": members["area"].to_numpy(),
            "住所": members["address"].to_numpy(),
            "排出削減活動ID": members["activity_id"].to_numpy(),
            "容量 (kW)": capacity,
            "稼働開始日": started,
            "同意日": _dates(members["consented"]),
            "入会日": _dates(members["joined"]),
            "退会日": _dates(members["left"]),
            "算定対象": np.where(run.refusals.counts, "対象", "対象外"),
            "対象外の理由": members["member_id"].map(why).astype(object).fillna("").to_numpy(),
            "同意書一覧の行": _where(members["sheet"], members["row"]),
            "補助金一覧の行": _where(*sheet_rows(run.activities.prepared, listed.index)),
        }
    )


def monitored(run: Run, monitoring: Monitoring) -> pd.DataFrame:
    """Per member and FY: counted days x daily reduction, and the verifier's figure where it
    adjusted the member's."""
    lines = monitoring.lines
    found = monitoring.period.verification
    adjusted = {a.member: a.tco2e for a in found.adjustments} if found else {}
    return pd.DataFrame(
        {
            "会員番号": lines["member_id"].to_numpy(),
            "排出削減活動ID": lines["activity_id"].to_numpy(),
            "年度": lines["fy"].to_numpy(),
            "算定日数": lines["days"].to_numpy(),
            "1日あたり削減量 (kg-CO2/日)": lines["daily_kg"].to_numpy(),
            "排出削減量 (t-CO2)": lines["reduction_g"].to_numpy() / GRAMS_PER_CREDIT,
            "審査による修正値 (t-CO2, 期間計)": lines["member_id"].map(adjusted).to_numpy(),
            "同意書一覧の行": _where(lines["sheet"], lines["row"]),
            "補助金一覧の行": _where(lines["activity_sheet"], lines["activity_row"]),
        }
    )


def method_rows(run: Run, monitoring: Monitoring) -> pd.DataFrame:
    header = run.programme.header
    rule = header.start_rule
    rows = [
        ("方法論", header.methodology),
        ("算定方法 (offset)", header.method),
        ("排出削減量", "会員ごとに 算定日数 x 1日あたり削減量 (年度の削減量 / 年度の稼働日数)"),
        (
            "算定日数",
            "入会日 (同意日より前なら同意日) から退会日の前日まで、認証対象期間・"
            "モニタリング期間・稼働期間の内側の日数",
        ),
        ("1活動あたりの上限 (t-CO2/年)", f"{header.activity_limit_tco2e:,.0f}"),
        (
            "活動の開始日の要件",
            f"{rule.earliest} 以降、かつ入会日の{rule.window_years}年前以降"
            if rule.window_years is not None
            else f"{rule.earliest} 以降",
        ),
        ("端数", "1 t-CO2 未満は次の検証済み期間へ繰越 (グラム単位の整数で計算)"),
    ]
    rows += [("係数 (factors/ の行)", factor_id) for factor_id in monitoring.factor_ids]
    return pd.DataFrame(rows, columns=["項目", "内容"])


def plan_rows(years: Sequence[PlanYear]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "年度": [y.fy for y in years],
            f"会員の排出削減量 (t-CO2, {COMPUTED})": [_t(y.reduction_g) for y in years],
            f"発行量 (t-CO2, {LEDGER})": [y.issued for y in years],
            f"移転分 (売却・移転, t-CO2, {LEDGER})": [y.transferred for y in years],
            "実行計画に計上できる削減量 (t-CO2)": [_t(y.claimable_g) for y in years],
        }
    )


def frames(
    run: Run, period: str, issued: int | None, years: Sequence[PlanYear]
) -> dict[str, pd.DataFrame]:
    monitoring = run.monitoring(period)
    return {
        "概要": summary(run, monitoring, issued),
        "排出削減活動リスト": activity_list(run),
        "モニタリング結果": monitored(run, monitoring),
        "方法論と係数": method_rows(run, monitoring),
        "実行計画への計上": plan_rows(years),
    }


def from_ledger(run: Run, period: str, book: Ledger) -> dict[str, pd.DataFrame]:
    """The period's report with its credit figures read from `book`: the credits issued for the
    period and, per FY, those issued and moved to other parties."""
    issue_id = run.programme.issue_id(period)
    issued = book.quantities([issue_id]).get(issue_id)
    return frames(run, period, issued, plan_years(book, run.programme, list(run.monitorings)))


KINDS = {"概要": (None, None, None), "方法論と係数": (None, None)}  # label and value columns


def write(path: Path, report: dict[str, pd.DataFrame]) -> None:
    write_sheets(report, path, KINDS)


def workbook_bytes(report: dict[str, pd.DataFrame]) -> bytes:
    """The workbook as bytes (an HTTP download)."""
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "report.xlsx"
        write_sheets_to(report, path, KINDS)
        return path.read_bytes()


def _where(sheets: object, rows: object) -> npt.NDArray[np.object_]:
    """Rows as the office finds them: 7, or R6!7 where the list spans several sheets."""
    names, numbers = np.asarray(sheets, dtype=object), np.asarray(rows, dtype=np.int64)
    if not any(names):
        return numbers.astype(object)
    return np.array(
        [f"{s}!{r}" if s else str(r) for s, r in zip(names, numbers, strict=True)], dtype=object
    )


def _dates(series: pd.Series) -> list[str]:
    return ["" if pd.isna(d) else str(d)[:10] for d in series]
