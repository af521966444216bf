"""A retirement certificate as a self-contained HTML page (or its PDF): every field from the
retirement's own columns, which the hash chain covers and `verify` checks against its operation."""

from __future__ import annotations

import html
import re
from typing import TYPE_CHECKING

from offset.ledger.rows import Retirement

if TYPE_CHECKING:
    from offset.ledger.ledger import Ledger

NOT_STATED = "not stated / 未指定"


def serial_ranges(retirement: Retirement) -> str:
    return ", ".join(f"{b.start}-{b.stop - 1}" for b in retirement.serials)


def certificate_html(
    retirement: Retirement, retired_by: str = "", source_shown: bool = True
) -> str:
    """`source_shown`: print the account the credits came from (False for a party on whose
    behalf another retired them: it learns who retired them, not from which account)."""
    fields = [
        ("Certificate / 無効化証明", retirement.id),
        ("Beneficiary / 受益者", retirement.beneficiary),
        ("Reason / 理由", retirement.reason),
        ("Claim period / 対象期間", retirement.claim_period or NOT_STATED),
        ("Quantity / 数量", f"{retirement.quantity:,} t-CO2e"),
        ("Instrument / 種類", retirement.instrument),
        ("Project / プロジェクト", retirement.project),
        ("Vintage / ヴィンテージ", f"FY{retirement.vintage}"),
        ("Methodology / 方法論", retirement.methodology or NOT_STATED),
        ("Serial numbers / シリアル番号", serial_ranges(retirement)),
        ("Retired on / 無効化日", retirement.effective_date.isoformat()),
        ("Retired by / 無効化者", retired_by or retirement.party),
        ("Retired from / 口座", retirement.from_account),
        ("Ledger entry / 台帳番号", f"seq {retirement.seq}"),
        ("Ledger hash / 台帳ハッシュ", retirement.hash),
    ]
    if not source_shown:
        fields = [field for field in fields if field[0] != "Retired from / 口座"]
    e = html.escape
    body = "\n".join(f"<tr><th>{e(k)}</th><td>{e(str(v))}</td></tr>" for k, v in fields)
    return (
        "<!doctype html><html lang='ja'><head><meta charset='utf-8'>"
        f"<title>Retirement certificate {e(retirement.id)}</title>"
        "<style>body{font-family:sans-serif;max-width:46em;margin:2em auto}"
        "table{border-collapse:collapse;width:100%}th,td{border:1px solid #999;padding:.4em;"
        "text-align:left;overflow-wrap:anywhere}th{width:40%;background:#f3f3f3}"
        "@media print{body{margin:0}}</style></head><body>"
        "<h1>Retirement certificate / カーボン・オフセット無効化証明書</h1>"
        f"<table>{body}</table>"
        "<p>Issued by offset from its append-only ledger; the hash links this retirement to every"
        " earlier entry, and `offset ledger verify` checks every field above.</p>"
        "</body></html>"
    )


def certificate_footer(retirement: Retirement) -> str:
    return (
        f"{retirement.id} · ledger entry seq {retirement.seq} · sha256 {retirement.hash}"
        " · offset ledger verify checks every field / 台帳検証で全項目を確認できます"
    )


def certificate_filename(tx_id: str, suffix: str) -> str:
    """A file name for a certificate: the id with anything a file system or a header may
    misread (`/`, `:`, quotes, non-ASCII) as `_`."""
    return re.sub(r"[^A-Za-z0-9._-]", "_", tx_id) + suffix


def proven(ledger: Ledger, tx_id: str) -> tuple[Retirement, str]:
    """Retirement `tx_id` and who retired it, once its entry and its link to the chain head
    verify (Rejected if there is none; `proof.Unverified`, naming the entry, if it does not
    verify: a certificate is never printed from a ledger edited by hand)."""
    from offset.ledger import proof

    retirement, retired_by = ledger.retired(tx_id)
    proof.require(ledger.engine, [retirement.seq], proof.entry(retirement.seq, retirement.id))
    return retirement, retired_by


def certificate_page(ledger: Ledger, tx_id: str, source_shown: bool = True) -> str:
    """The certificate of retirement `tx_id` as HTML (see `proven`)."""
    return certificate_html(*proven(ledger, tx_id), source_shown=source_shown)


def certificate_pdf(ledger: Ledger, tx_id: str, source_shown: bool = True) -> bytes:
    """The certificate as PDF, its ledger entry and hash at the foot of the page."""
    from offset.documents.pdf import html_to_pdf

    retirement, retired_by = proven(ledger, tx_id)
    page = certificate_html(retirement, retired_by, source_shown)
    return html_to_pdf(page, certificate_footer(retirement))
