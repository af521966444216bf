"""The fields a カーボン・オフセット証明書 prints, each read from the ledger (the retirement's own
columns, which the chain covers and `verify` checks, and `ledger.certified`'s context), and the
Ed25519 signature of the issuer over them.

The signature covers the fields as canonical JSON (keys sorted, no spaces, UTF-8): anyone with
the issuer's public key can check a certificate's fields against it, and a single changed
character fails.
"""

from __future__ import annotations

import base64
import csv
import dataclasses
import datetime as dt
import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from offset.common.shipped import shipped_directory
from offset.intake.dates import wareki
from offset.ledger import uses
from offset.ledger.blocks import as_text
from offset.ledger.certified import Context

#: Credit types whose credits carry an energy equivalent (J-Credit reports MWh for them).
ENERGY_TYPES = frozenset({"renewable_electricity"})
JST = dt.timezone(dt.timedelta(hours=9), "JST")


@dataclass(frozen=True)
class CertificateFields:
    """What the certificate states. Every value comes from the ledger; `energy_mwh` is derived
    from the quantity and a sourced factor (named in `energy_basis`)."""

    number: str  # 証明書番号: FY-ordinal, per issuer and year ("2026-0003")
    addressee: str  # 宛名 (the credit user), printed "… 様"
    purpose: str | None  # 用途 (its code)
    purpose_ja: str
    purpose_en: str
    reason: str  # 目的詳細
    offset_target: str | None  # オフセット対象
    offset_place: str | None  # its municipality's JIS code
    claim_period: str | None
    claim_fy: int | None  # 報告対象年度: the FY the retirement is claimed for (温対法)
    quantity_t: int  # オフセット量 [t-CO2]
    energy_mwh: float | None  # エネルギー換算量 [MWh], renewable electricity only
    energy_basis: str  # the factor it was converted with, and its source
    instrument: str
    credit_type_ja: str
    credit_type_en: str
    methodology: str | None
    project: str  # the key (a detail line)
    project_title: str  # プロジェクト名 ("" when no run stored one: the key is printed)
    method: str | None
    vintage: int
    origin_party: str  # 創出者 (the party the class was first issued to)
    origin_code: str | None
    origin_prefecture: str | None
    origin_place: str  # 創出場所: the project's municipality ("" when not known)
    serials: tuple[str, ...]  # inclusive ranges, as printed
    retired_on: str  # ISO date
    retired_on_wareki: str
    retired_by: str
    agreement_title: str
    issuer: str
    tx_id: str
    seq: int
    hash: str
    prev_hash: str

    def canonical(self) -> bytes:
        """The fields as the signature covers them."""
        return json.dumps(
            dataclasses.asdict(self), sort_keys=True, separators=(",", ":"), ensure_ascii=False
        ).encode()


def fields_of(found: Context, issuer: str = "") -> CertificateFields:
    """The certificate's fields from a retirement and its context."""
    r = found.retirement
    purpose = uses.purposes().get(r.purpose or "")
    kind = uses.credit_type(r.methodology)
    energy, basis = energy_equivalent(r.quantity, r.vintage, kind.code if kind else None)
    return CertificateFields(
        number=f"{r.fiscal_year}-{found.number:04d}",
        addressee=r.beneficiary,
        purpose=r.purpose,
        purpose_ja=purpose.name_ja if purpose else "",
        purpose_en=purpose.name_en if purpose else "",
        reason=r.reason,
        offset_target=r.offset_target,
        offset_place=r.offset_place,
        claim_period=r.claim_period,
        claim_fy=r.claim_fy,
        quantity_t=r.quantity,
        energy_mwh=energy,
        energy_basis=basis,
        instrument=r.instrument,
        credit_type_ja=kind.name_ja if kind else "",
        credit_type_en=kind.name_en if kind else "",
        methodology=r.methodology,
        project=r.project,
        project_title=found.project_title,
        method=found.method,
        vintage=r.vintage,
        origin_party=found.origin_party,
        origin_code=found.origin_code,
        origin_prefecture=found.origin_prefecture,
        origin_place=found.place_name,
        serials=tuple(as_text(r.serials)),
        retired_on=r.effective_date.isoformat(),
        retired_on_wareki=wareki(r.effective_date),
        retired_by=found.retired_by,
        agreement_title=found.agreement_title,
        issuer=issuer or found.registry_name or "offset registry",
        tx_id=r.id,
        seq=r.seq,
        hash=r.hash,
        prev_hash=found.prev_hash,
    )


@cache
def _national_averages() -> dict[int, tuple[float, str]]:
    """The grid's national average factor by FY [t-CO2/kWh], with its confidence (its source is
    the row's in `factors/grid_electricity.csv`)."""
    with (shipped_directory() / "grid_electricity.csv").open(encoding="utf-8") as f:
        return {
            int(row["fy"]): (float(row["value"]), row["confidence"])
            for row in csv.DictReader(f)
            if row["entity"] == "national_average"
        }


def energy_equivalent(
    quantity_t: int, vintage: int, credit_type: str | None
) -> tuple[float | None, str]:
    """The MWh of renewable electricity `quantity_t` credits stand for: t-CO2 / the national
    average grid factor of the latest FY not after the vintage [t-CO2/kWh] / 1,000. A reference
    figure (J-Credit states the reportable value per project and verification); None for
    other credit types or when no factor is known."""
    if credit_type not in ENERGY_TYPES:
        return None, ""
    years = [fy for fy in _national_averages() if fy <= vintage]
    if not years:
        return None, ""
    fy = max(years)
    factor, confidence = _national_averages()[fy]
    basis = f"FY{fy} 全国平均係数 {factor * 1000:.3f} kg-CO2/kWh で換算; {confidence}"
    assert basis_parts(basis) == (fy, f"{factor * 1000:.3f}", confidence)
    return round(quantity_t / factor / 1000, 1), basis


# The form `energy_equivalent` writes the basis in (a signed field, so it keeps its words).
_BASIS = re.compile(r"FY(\d{4}) 全国平均係数 ([0-9.]+) kg-CO2/kWh で換算; ([a-z]+)")


def basis_parts(basis: str) -> tuple[int, str, str] | None:
    """The FY, factor [kg-CO2/kWh, as printed] and confidence a basis names (None: not in the
    form `energy_equivalent` writes), for a certificate to print them in its own language."""
    found = _BASIS.fullmatch(basis)
    return None if found is None else (int(found[1]), found[2], found[3])


# --- the issuer's signature ------------------------------------------------------------------


def load_private_key(path: Path) -> Ed25519PrivateKey:
    """The issuer's key: an unencrypted Ed25519 PEM (`offset ledger keygen` makes one), read as
    a checkpoint's signer's is (`checkpoint.CheckpointError`, in words, if it is not one)."""
    from offset.ledger.checkpoint import private_key

    return private_key(path)


def public_key_hex(key: Ed25519PrivateKey | Ed25519PublicKey) -> str:
    public = key.public_key() if isinstance(key, Ed25519PrivateKey) else key
    return public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw).hex()


def public_key_pem(key: Ed25519PrivateKey) -> str:
    return (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )


def sign(fields: CertificateFields, key: Ed25519PrivateKey) -> str:
    """The issuer's Ed25519 signature over the fields, base64."""
    return base64.b64encode(key.sign(fields.canonical())).decode()


def signature_holds(fields: CertificateFields, signature: str, public_hex: str) -> bool:
    """Whether `signature` (base64) is the holder of `public_hex`'s over exactly these fields."""
    try:
        public = Ed25519PublicKey.from_public_bytes(bytes.fromhex(public_hex))
        public.verify(base64.b64decode(signature, validate=True), fields.canonical())
    except (InvalidSignature, ValueError):
        return False
    return True
