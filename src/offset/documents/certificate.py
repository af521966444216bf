"""The カーボン・オフセット証明書: one A4 page a company can hand on, in Japanese (English on
request), every field from the ledger (`certificate_fields`), signed by the issuer with Ed25519,
with a URL and QR code that open the public check page of its ledger entry.

The issuer's key is a PEM file (`offset ledger keygen`) named by `OFFSET_CERT_KEY` (or given);
without one the certificate says it is unsigned. `OFFSET_CERT_ISSUER` names the issuer (default:
the registry party's name). The check page's address starts with
`OFFSET_PUBLIC_URL` (the dashboard's public address; the dashboard passes its own).
"""

from __future__ import annotations

import html
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal
from urllib.parse import urlencode

from offset.documents.certificate_fields import (
    CertificateFields,
    basis_parts,
    fields_of,
    load_private_key,
    public_key_hex,
    sign,
)
from offset.documents.times import shown_time
from offset.ledger import certified, covering
from offset.ledger.blocks import as_text
from offset.ledger.checkpoint import Checkpoint
from offset.ledger.database import reading
from offset.ledger.rows import Retirement

if TYPE_CHECKING:
    from offset.ledger.ledger import Ledger

KEY_VARIABLE = "OFFSET_CERT_KEY"
ISSUER_VARIABLE = "OFFSET_CERT_ISSUER"  # the issuer's name (default: the registry party's)
URL_VARIABLE = "OFFSET_PUBLIC_URL"
DEFAULT_URL = "http://localhost:8000"
Language = Literal["ja", "en"]

WORDS: dict[str, dict[str, str]] = {
    "ja": {
        "title": "カーボン・オフセット証明書",
        "number": "証明書番号",
        "number_form": "第 {number} 号",
        "honorific": "{name} 様",
        "lead": "下記のとおり、J-クレジット等のクレジットを無効化し、"
        "カーボン・オフセットに用いたことを証明します。",
        "quantity": "オフセット量",
        "record": "記",
        "offset_target": "オフセット対象",
        "purpose": "用途",
        "reason": "目的詳細",
        "claim_period": "報告対象期間",
        "claim_fy": "報告対象年度",
        "energy": "エネルギー換算量(参考値)",
        "energy_basis": "{fy}年度の全国平均係数 {factor} kg-CO2/kWh で換算; "
        "出典の確度: {confidence}",
        "credit": "クレジットの種類",
        "project": "プロジェクト名",
        "origin": "創出者・創出場所",
        "vintage": "ヴィンテージ",
        "serials": "シリアル番号(認証番号)",
        "retired_on": "無効化日",
        "retired_by": "無効化者",
        "agreement": "契約",
        "entry": "台帳エントリ",
        "from_account": "無効化元の口座",
        "issuer": "発行者",
        "signature": "電子署名 (Ed25519)",
        "public_key": "発行者の公開鍵",
        "unsigned": "未署名(発行者の署名鍵が設定されていません)",
        "check": "この証明書の内容は、右のQRコードまたは次のURLで台帳と照合できます。",
        "not_stated": "記載なし",
        "fy": "{fy}年度",
        "place": "オフセット対象の場所",
        "checkpoint": "照合できるチェックポイント",
        "checkpoint_form": "seq {seq} · sha256 {hash} · 署名者の公開鍵 {key} · 署名日時 {time}",
        "no_checkpoint": "なし (この台帳エントリを含む署名済みのチェックポイントはまだありません)",
    },
    "en": {
        "title": "Carbon Offset Certificate",
        "number": "Certificate No.",
        "number_form": "{number}",
        "honorific": "To: {name}",
        "lead": "This certifies that the credits below were retired and used for carbon"
        " offsetting.",
        "quantity": "Quantity offset",
        "record": "Details",
        "offset_target": "Offset target",
        "purpose": "Purpose",
        "reason": "Purpose in detail",
        "claim_period": "Claim period",
        "claim_fy": "claimed for",
        "energy": "Energy equivalent (reference)",
        "energy_basis": "converted at the FY{fy} national average grid factor, {factor}"
        " kg-CO2/kWh; source: {confidence}",
        "credit": "Credit type",
        "project": "Project",
        "origin": "Created by, where",
        "vintage": "Vintage",
        "serials": "Serial numbers",
        "retired_on": "Retired on",
        "retired_by": "Retired by",
        "agreement": "Agreement",
        "entry": "Ledger entry",
        "from_account": "Retired from (account)",
        "issuer": "Issuer",
        "signature": "Signature (Ed25519)",
        "public_key": "Issuer's public key",
        "unsigned": "Unsigned (the issuer's signing key is not configured)",
        "check": "Check this certificate against the ledger with the QR code or this URL.",
        "not_stated": "not stated",
        "fy": "FY{fy}",
        "place": "Place of the offset target",
        "checkpoint": "Checkpoint to check it against",
        "checkpoint_form": "seq {seq} · sha256 {hash} · signer's public key {key} · signed {time}",
        "no_checkpoint": "none (no signed checkpoint covers this ledger entry yet)",
    },
}
METHOD_WORDS = {  # the methods' names as the credits' origin reads them
    "ja": {"solar": "太陽光発電", "renovation": "省エネ改修", "forest": "森林管理"},
    "en": {"solar": "solar power", "renovation": "energy-saving renovation", "forest": "forest"},
}


@dataclass(frozen=True)
class Signed:
    """A certificate's fields, the issuer's signature over them and its public key (hex), and
    the address of its public check page."""

    fields: CertificateFields
    signature: str | None
    public_key: str | None
    url: str
    from_account: str = ""  # not a signed field: printed to whom `visibility.sees_source`
    # not a signed field either: the latest signed checkpoint covering the entry (`covering`)
    checkpoint: Checkpoint | None = None


def serial_ranges(retirement: Retirement) -> str:
    return ", ".join(as_text(retirement.serials))


def check_url(base: str, fields: CertificateFields) -> str:
    """The public check page of the certificate's ledger entry (found by its hash), as printed
    for typing in."""
    return f"{base.rstrip('/')}/check/{fields.hash}"


def scanned_url(certificate: Signed) -> str:
    """What the QR code and the link hold: the check page with the certificate's signature, so
    that the page checks the signature this certificate carries against the fields the ledger
    holds now (a page signing afresh would always agree with itself)."""
    if not certificate.signature:
        return certificate.url
    return f"{certificate.url}?{urlencode({'sig': certificate.signature})}"


def issuer_key_path() -> Path | None:
    value = os.environ.get(KEY_VARIABLE, "").strip()
    return Path(value) if value else None


def certificate_fields(ledger: Ledger, tx_id: str) -> CertificateFields:
    """The certificate's fields as the ledger holds them, once its entry and its link to the
    chain head verify (Rejected if there is no such retirement; `proof.Unverified`, naming the
    entry, if it does not verify: a certificate is never printed from a ledger edited by
    hand)."""
    from offset.ledger import proof

    with reading(ledger.engine) as conn:
        found = certified.context(conn, tx_id)
    retirement = found.retirement
    printed = [("project", retirement.project)]  # its title and place, and the agreement's
    if retirement.agreement is not None:
        printed.append(("agreement", retirement.agreement))
    # the parties it names: who retired, who created the credits, who issues the certificate
    printed += [("party", retirement.party), ("party", "registry")]
    seqs = [retirement.seq]
    if found.origin_party_id is not None and found.origin_seq is not None:
        printed.append(("party", found.origin_party_id))
        seqs.append(found.origin_seq)  # its provenance names the method printed
    what = proof.entry(retirement.seq, retirement.id)
    proof.require(ledger.engine, seqs, what, printed)
    return fields_of(found, os.environ.get(ISSUER_VARIABLE, ""))


def _from_account(ledger: Ledger, tx_id: str) -> str:
    return ledger.retirement(tx_id).from_account


def signed(
    ledger: Ledger,
    tx_id: str,
    base_url: str | None = None,
    key_path: Path | None = None,
    checkpoints: Path | None = None,
) -> Signed:
    """The certificate of `tx_id`, signed with the issuer's key; `checkpoints`: the directory
    of signed checkpoint files it names the covering one from (default: `OFFSET_CHECKPOINTS`)."""
    fields = certificate_fields(ledger, tx_id)
    path = key_path or issuer_key_path()
    signature = public = None
    if path is not None:
        key = load_private_key(path)
        signature, public = sign(fields, key), public_key_hex(key)
    base = base_url or os.environ.get(URL_VARIABLE, "") or DEFAULT_URL
    source = _from_account(ledger, tx_id)
    with reading(ledger.engine) as conn:
        checkpoint = covering.covering(conn, fields.seq, covering.kept(checkpoints))
    return Signed(fields, signature, public, check_url(base, fields), source, checkpoint)


def _qr_svg(url: str) -> str:
    import segno

    return str(segno.make(url, error="m").svg_inline(scale=3, border=2))


def _origin(fields: CertificateFields, lang: Language) -> str:
    where = " ".join(
        part
        for part in (
            _prefecture(fields, lang),
            f"(JIS {fields.origin_code})" if fields.origin_code else "",
        )
        if part
    )
    # the creating municipality, when the project's run named one the party's name is not
    place = fields.origin_place if fields.origin_place != fields.origin_party else ""
    who = " · ".join(part for part in (fields.origin_party, place) if part)
    return f"{who} {where}".strip() or WORDS[lang]["not_stated"]


def _prefecture(fields: CertificateFields, lang: Language) -> str:
    """The creating party's prefecture as the reader names it: in Japanese, by the name its
    municipality code gives (長野県), since a scenario's party keeps the key it was written
    with (`nagano`); else as the ledger holds it."""
    stored = fields.origin_prefecture or ""
    code = fields.origin_code or ""
    if lang != "ja" or not (len(code) == 6 and code.isdigit()):
        return stored
    from offset.intake.municipalities import shipped

    name = shipped().prefecture_name(code[:2])
    return stored if name == code[:2] else name


def _project(fields: CertificateFields, lang: Language) -> str:
    """The project's title and method; its key on a detail line (a second line, `_cell`)."""
    method = METHOD_WORDS[lang].get(fields.method or "", fields.method or "")
    shown = (fields.project_title or fields.project) + (f"({method})" if method else "")
    return f"{shown}\n{fields.project}" if fields.project_title else shown


def _cell(value: object) -> str:
    """A field's value; a line after the first is its detail line, printed small."""
    first, *details = str(value).split("\n")
    e = html.escape
    return e(first) + "".join(f"<br><span class='detail'>{e(d)}</span>" for d in details)


def _credit(fields: CertificateFields, lang: Language) -> str:
    kind = fields.credit_type_ja if lang == "ja" else fields.credit_type_en
    parts = [fields.instrument, kind, fields.methodology or ""]
    return " · ".join(p for p in parts if p)


def checkpoint_words(checkpoint: Checkpoint | None, lang: Language) -> str:
    """The checkpoint a certificate can be checked against, in words (none: says so)."""
    if checkpoint is None:
        return WORDS[lang]["no_checkpoint"]
    return WORDS[lang]["checkpoint_form"].format(
        seq=checkpoint.seq, hash=checkpoint.hash, key=checkpoint.key,
        time=shown_time(checkpoint.time, lang),
    )  # fmt: skip


# A factor's confidence (`factors.CONFIDENCE_LEVELS`) as the energy line names it.
CONFIDENCE_WORDS: dict[Language, dict[str, str]] = {
    "ja": {"confirmed": "確認済み", "secondary": "二次資料", "derived": "推計",
           "unverified": "未確認"},
    "en": {"confirmed": "confirmed", "secondary": "secondary", "derived": "derived",
           "unverified": "unverified"},
}  # fmt: skip


def _basis(fields: CertificateFields, lang: Language) -> str:
    """The energy equivalent's basis in the certificate's language, from the signed field's
    FY, factor and confidence; the field as signed when it is in another form."""
    parts = basis_parts(fields.energy_basis)
    if parts is None:
        return fields.energy_basis
    fy, factor, confidence = parts
    level = CONFIDENCE_WORDS[lang].get(confidence, confidence)
    return WORDS[lang]["energy_basis"].format(fy=fy, factor=factor, confidence=level)


def _claim(fields: CertificateFields, lang: Language) -> str:
    """The claim period as the retirement states it, with the FY it is claimed for (報告対象年度)
    unless the period already names it; the FY alone where no period was written."""
    w = WORDS[lang]
    period = fields.claim_period or ""
    if fields.claim_fy is None:
        return period
    fy = w["fy"].format(fy=fields.claim_fy)
    if not period:
        return fy
    return period if fy in period else f"{period} ({w['claim_fy']}: {fy})"


def _rows(
    fields: CertificateFields,
    lang: Language,
    place_name: str,
    from_account: str = "",
    checkpoint: Checkpoint | None = None,
) -> list[tuple[str, str]]:
    w = WORDS[lang]
    none = w["not_stated"]
    purpose = fields.purpose_ja if lang == "ja" else fields.purpose_en
    rows = [
        (w["offset_target"], fields.offset_target or none),
        (w["purpose"], purpose or none),
        (w["reason"], fields.reason),
    ]
    if fields.offset_place:
        rows.append((w["place"], place_name or fields.offset_place))
    rows.append((w["claim_period"], _claim(fields, lang) or none))
    if fields.energy_mwh is not None:
        rows.append((w["energy"], f"{fields.energy_mwh:,.1f} MWh ({_basis(fields, lang)})"))
    rows += [
        (w["credit"], _credit(fields, lang)),
        (w["project"], _project(fields, lang)),
        (w["origin"], _origin(fields, lang)),
        (w["vintage"], w["fy"].format(fy=fields.vintage)),
        (w["serials"], ", ".join(fields.serials)),
        (
            w["retired_on"],
            f"{fields.retired_on_wareki} ({fields.retired_on})"
            if lang == "ja"
            else fields.retired_on,
        ),
        (w["retired_by"], fields.retired_by),
    ]
    if from_account:
        rows.append((w["from_account"], from_account))
    if fields.agreement_title:
        rows.append((w["agreement"], fields.agreement_title))
    rows.append((w["entry"], f"seq {fields.seq} · sha256 {fields.hash}"))
    rows.append((w["checkpoint"], checkpoint_words(checkpoint, lang)))
    return rows


def public_rows(fields: CertificateFields, lang: Language) -> list[tuple[str, list[str], str]]:
    """The rows of the certificate's table as the public check page shows them: every field
    the certificate prints, but the account the credits came from, which only its party sees,
    and the entry and checkpoint, which the page shows on lines of its own. Each row: its
    label, its value's lines (the first, then its detail lines) and its element id ("" but the
    serials')."""
    printed = _rows(fields, lang, _place_name(fields.offset_place))[:-2]
    serials = WORDS[lang]["serials"]
    return [
        (label, str(value).split("\n"), "check-serials" if label == serials else "")
        for label, value in printed
    ]


STYLE = """
.sheet { border: 2.5pt double #1d4d3a; padding: 8mm 11mm 7mm; height: 258mm;
         box-sizing: border-box; position: relative; }
.number { text-align: right; font-size: 10pt; margin: 0; }
h1 { text-align: center; font-size: 28pt; margin: 6mm 0 8mm; font-weight: bold; }
.addressee { font-size: 16pt; border-bottom: 1pt solid #333; display: inline-block;
             min-width: 90mm; padding: 0 4mm 1mm 0; margin: 0 0 4mm; }
.lead { font-size: 10.5pt; margin: 0 0 3mm; }
.quantity { text-align: center; font-size: 13pt; margin: 1mm 0 3mm; }
.quantity strong { font-size: 24pt; padding: 0 2mm; }
.record { text-align: center; font-size: 11pt; margin: 0 0 2mm; }
table.fields { width: 100%; border-collapse: collapse; font-size: 9.5pt; }
table.fields th, table.fields td { border: .6pt solid #7a8a82; padding: 1.5mm 2.6mm;
  text-align: left; vertical-align: top; overflow-wrap: anywhere; line-height: 1.25; }
table.fields th { width: 32%; background: #eef3f0; font-weight: normal; }
.bottom { position: absolute; left: 11mm; right: 11mm; bottom: 7mm; display: table;
          width: calc(100% - 22mm); }
.qr, .issuer { display: table-cell; vertical-align: bottom; }
.qr { width: 40%; font-size: 7pt; overflow-wrap: anywhere; }
.qr svg { width: 26mm; height: 26mm; display: block; margin-bottom: 1mm; }
.issuer { text-align: right; font-size: 10pt; }
.issuer .name { font-size: 14pt; margin: 1mm 0 2mm; }
.detail { font-size: 7pt; color: #555; }
.sig { font-size: 6pt; color: #333; overflow-wrap: anywhere; text-align: left;
       margin: 0 0 0 8mm; }
"""


def certificate_html(
    certificate: Signed, lang: Language = "ja", place_name: str = "", source_shown: bool = True
) -> str:
    """The certificate as one self-contained HTML page (A4 when printed). `source_shown`: print
    the account the credits came from (False for a party on whose behalf another retired them:
    it learns who retired them, not from which account)."""
    f, w, e = certificate.fields, WORDS[lang], html.escape
    source = certificate.from_account if source_shown else ""
    body = "\n".join(
        f"<tr><th>{e(k)}</th><td>{_cell(v)}</td></tr>"
        for k, v in _rows(f, lang, place_name, source, certificate.checkpoint)
    )
    if certificate.signature and certificate.public_key:
        sig = (
            f"<p class='sig'>{e(w['signature'])}: {e(certificate.signature)}<br>"
            f"{e(w['public_key'])}: {e(certificate.public_key)}</p>"
        )
    else:
        sig = f"<p class='sig'>{e(w['unsigned'])}</p>"
    return (
        f"<!doctype html><html lang='{lang}'><head><meta charset='utf-8'>"
        f"<title>{e(w['title'])} {e(f.number)}</title>"
        f"<style>body{{font-family:sans-serif;max-width:190mm;margin:1em auto}}{STYLE}"
        "@media print{body{margin:0}}</style></head><body><div class='sheet'>"
        f"<p class='number' id='certificate-number'>{e(w['number'])} "
        f"{e(w['number_form'].format(number=f.number))}</p>"
        f"<h1>{e(w['title'])}</h1>"
        f"<p class='addressee' id='addressee'>{e(w['honorific'].format(name=f.addressee))}</p>"
        f"<p class='lead'>{e(w['lead'])}</p>"
        f"<p class='quantity'>{e(w['quantity'])} <strong>{f.quantity_t:,}</strong> t-CO2</p>"
        f"<p class='record'>{e(w['record'])}</p>"
        f"<table class='fields'>{body}</table>"
        "<div class='bottom'>"
        f"<div class='qr'>{_qr_svg(scanned_url(certificate))}{e(w['check'])}<br>"
        f"<a href='{e(scanned_url(certificate))}' id='check-url'>{e(certificate.url)}</a></div>"
        f"<div class='issuer'>{e(w['issuer'])}<p class='name' id='issuer'>{e(f.issuer)}</p>"
        f"{sig}</div></div>"
        "</div></body></html>"
    )


def certificate_footer(certificate: Signed, lang: Language = "ja") -> str:
    f = certificate.fields
    return f"{WORDS[lang]['number']} {f.number} · {WORDS[lang]['entry']} seq {f.seq}"


def certificate_filename(tx_id: str, suffix: str) -> str:
    """A file name for a certificate: the id with anything a file system or a header may
    misread (`/`, `:`, quotes, non-ASCII) as `_`."""
    return re.sub(r"[^A-Za-z0-9._-]", "_", tx_id) + suffix


def _place_name(code: str | None) -> str:
    if not code:
        return ""
    from offset.intake.municipalities import shipped

    found = shipped().places.get(code) or next(
        (p for p in shipped().places.values() if p.code[:5] == code[:5]), None
    )
    return found.shown if found is not None else code


def certificate_page(
    ledger: Ledger,
    tx_id: str,
    lang: Language = "ja",
    base_url: str | None = None,
    key_path: Path | None = None,
    source_shown: bool = True,
    checkpoints: Path | None = None,
) -> str:
    """The certificate of retirement `tx_id` as HTML (see `certificate_fields` and
    `certificate_html`)."""
    made = signed(ledger, tx_id, base_url, key_path, checkpoints)
    return certificate_html(made, lang, _place_name(made.fields.offset_place), source_shown)


def certificate_pdf(
    ledger: Ledger,
    tx_id: str,
    lang: Language = "ja",
    base_url: str | None = None,
    key_path: Path | None = None,
    source_shown: bool = True,
    checkpoints: Path | None = None,
) -> bytes:
    """The certificate as an A4 PDF."""
    from offset.documents.pdf import html_to_pdf

    made = signed(ledger, tx_id, base_url, key_path, checkpoints)
    page = certificate_html(made, lang, _place_name(made.fields.offset_place), source_shown)
    return html_to_pdf(page, certificate_footer(made, lang))
