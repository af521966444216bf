"""The dashboard's action forms, read into ledger operations: what a person typed, checked field
by field with a reason in their language, before the ledger applies its own rules.

A form names the credits to use as one `holding` value, `ACCOUNT PROJECT VINTAGE` (no account,
project or vintage can hold a space), or `ACCOUNT PROJECT all` for a project held in several
vintages (by total, oldest vintage first), taken from what the party holds when the page was
drawn; a value it does not hold now is refused. Quantities are whole credits: full-width digits and
thousands separators are accepted, as a Japanese keyboard types them; nothing else is.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from offset.common import fiscal
from offset.ledger import names, uses
from offset.ledger.blocks import from_text, total
from offset.ledger.operations import MAX_QUANTITY
from offset.ledger.rows import BalanceLine

#: The FYs a retirement may claim: five back, the current one and the next.
CLAIM_YEARS_BACK = 5
WEB_KEY = "web-"  # idempotency keys the pages generate, in the API's PARTY:KEY namespace
_DIGITS = re.compile(r"[0-9]{1,16}")
_KEY = re.compile(r"web-[0-9a-f]{32}")
_THOUSANDS = re.compile(r"[0-9]{1,3}(,[0-9]{3})+")
_SERIALS = re.compile(r"[0-9]{1,16}(-[0-9]{1,16})?")


def new_key() -> str:
    """An idempotency key for one drawn form: a double click or a reload posts it once."""
    return WEB_KEY + secrets.token_hex(16)


def valid_key(value: str) -> bool:
    return _KEY.fullmatch(value) is not None


ALL_VINTAGES = "all"  # a holding value's vintage: every vintage held, oldest first


@dataclass(frozen=True)
class ProjectTotal:
    """What an account holds of a project over every vintage: credits chosen by total, taken
    oldest vintage first (`ledger.allocation`)."""

    account: str
    instrument: str
    project: str
    quantity: int
    vintages: tuple[int, ...]


Holding = BalanceLine | ProjectTotal


def holding_value(line: Holding) -> str:
    vintage = ALL_VINTAGES if isinstance(line, ProjectTotal) else line.vintage
    return f"{line.account} {line.project} {vintage}"


def project_totals(held: Sequence[BalanceLine], least: int = 2) -> list[ProjectTotal]:
    """Each account's project held in `least` vintages or more, with its total (a form
    offers those in several; it takes any still held, so that a form sent again after its
    first retirement emptied a vintage still reads)."""
    found: dict[tuple[str, str, str], list[BalanceLine]] = {}
    for line in held:
        found.setdefault((line.account, line.instrument, line.project), []).append(line)
    return [
        ProjectTotal(*key, sum(x.quantity for x in lines), tuple(sorted(x.vintage for x in lines)))
        for key, lines in found.items()
        if len(lines) >= least
    ]


def claim_periods(today: dt.date) -> list[str]:
    """The claim periods a form offers, newest first, as the certificate prints them."""
    current = fiscal.fiscal_year(today)
    years = range(current + 1, current - CLAIM_YEARS_BACK - 1, -1)
    return [fiscal.claim_period(fy) for fy in years]


def claim_years(today: dt.date) -> list[int]:
    """The FYs a retirement form offers to claim, newest first (the next, the current, five
    back)."""
    current = fiscal.fiscal_year(today)
    return list(range(current + 1, current - CLAIM_YEARS_BACK - 1, -1))


def serial_ranges(value: str) -> tuple[str, ...] | None:
    """Serial ranges as typed: "0-29, 40-49" (full-width digits, 、 or spaces between, 〜 or
    ー for the dash); None for anything else. An empty value: ()."""
    typed = unicodedata.normalize("NFKC", value).strip()
    for dash in ("〜", "~", "ー", "–", "−"):
        typed = typed.replace(dash, "-")
    pieces = [p for p in re.split(r"[,、\s]+", typed) if p]
    if any(_SERIALS.fullmatch(p) is None for p in pieces):
        return None
    return tuple(pieces)


def place_name(code: str | None) -> str:
    """How a page names a municipality's JIS code: 新宿区 (東京都, 131041)."""
    if not code:
        return ""
    from offset.intake.municipalities import shipped

    found = shipped().places.get(code)
    return found.shown if found is not None else code


def place(value: str) -> str | None:
    """A municipality as typed (its JIS code, or its name: 松本市, 長野県松本市) as its JIS code
    (a name: the 6-digit one); None if it names no one place. An empty value: ""."""
    typed = unicodedata.normalize("NFKC", value).strip()
    if not typed:
        return ""
    if re.fullmatch(r"[0-9]{5,6}", typed):  # a code as the registry records parties' codes
        return typed
    from offset.intake.municipalities import shipped

    found = shipped().resolve(typed).place
    return found.code if found is not None and found.code.isdigit() else None


@dataclass
class Checked:
    """A form read: the ledger operation (without its id) when `problems` is empty, else what
    to correct, per field, as label keys (`offset.api.labels`) with their values."""

    op: dict[str, Any] = field(default_factory=dict)
    problems: dict[str, tuple[str, dict[str, Any]]] = field(default_factory=dict)
    held: Holding | None = None

    @property
    def ok(self) -> bool:
        return not self.problems


def _holding(form: Mapping[str, str], held: list[BalanceLine], out: Checked) -> None:
    """One vintage held, or a project's every vintage (no vintage: the ledger takes the
    oldest first)."""
    offered: list[Holding] = [*held, *project_totals(held, least=1)]
    chosen = {holding_value(line): line for line in offered}.get(form.get("holding", ""))
    if chosen is None:
        out.problems["holding"] = ("must_choose", {})
        return
    out.held = chosen
    out.op.update({"from": chosen.account, "project": chosen.project})
    if isinstance(chosen, BalanceLine):
        out.op["vintage"] = chosen.vintage


def quantity(value: str) -> int | None:
    """Whole credits, as typed (１０, 1,000, １，０００); None for anything else, such as `1,0`
    (a comma separates thousands, three digits each, or nothing)."""
    typed = unicodedata.normalize("NFKC", value).strip()
    if "," in typed and _THOUSANDS.fullmatch(typed) is None:
        return None
    typed = typed.replace(",", "")
    if _DIGITS.fullmatch(typed) is None:
        return None
    number = int(typed)
    return number if 0 < number <= MAX_QUANTITY else None


def _too_many(value: str) -> bool:
    """Digits only, but more credits than the ledger allows (`quantity_too_large`)."""
    typed = unicodedata.normalize("NFKC", value).strip().replace(",", "")
    if not (typed.isascii() and typed.isdigit()):
        return False
    digits = typed.lstrip("0")  # at most 16 digits converted: no input makes a huge int
    return len(digits) > len(str(MAX_QUANTITY)) or int(digits or "0") > MAX_QUANTITY


def _quantity(form: Mapping[str, str], out: Checked) -> None:
    number = quantity(form.get("quantity", ""))
    if number is None and _too_many(form.get("quantity", "")):
        out.problems["quantity"] = ("too_many", {})
    elif number is None:
        out.problems["quantity"] = ("whole_number", {})
    elif out.held is not None and number > out.held.quantity:
        out.problems["quantity"] = ("over_held", {"held": out.held.quantity})
    else:
        out.op["quantity"] = number


def _choice(form: Mapping[str, str], name: str, allowed: Sequence[str], out: Checked) -> None:
    """A value picked from a list the page drew: one of `allowed`, else "choose"."""
    value = form.get(name, "")
    if value not in allowed:
        out.problems[name] = ("must_choose", {})
    else:
        out.op[name] = value


def _text(form: Mapping[str, str], name: str, out: Checked, limit: int, required: bool) -> None:
    value = form.get(name, "").strip()
    if not value and required:
        out.problems[name] = ("must_fill", {})
    elif names.text_problem(value, limit) is not None:
        out.problems[name] = ("bad_text", {})
    else:
        out.op[name] = value


def retirement(
    form: Mapping[str, str],
    held: list[BalanceLine],
    today: dt.date,
    agreements: Sequence[str] = (),
) -> Checked:
    """`agreements`: those the party may count the retirement against (optional). The purpose
    is one of J-Credit's (`ledger.uses`); whether the credits may serve it, and the 温対法
    window, are the ledger's rules (refused there with their result code)."""
    out = Checked(op={"op": "retire"})
    agreement = form.get("agreement", "")
    if agreement and agreement not in agreements:
        out.problems["agreement"] = ("must_choose", {})
    elif agreement:
        out.op["agreement"] = agreement
    _holding(form, held, out)
    _serials(form, out)
    _choice(form, "purpose", list(uses.purposes()), out)
    _text(form, "beneficiary", out, names.TEXT_MAX, required=True)
    _text(form, "reason", out, names.TEXT_MAX, required=True)
    _text(form, "offset_target", out, names.TEXT_MAX, required=False)
    if not out.op.get("offset_target"):
        out.op.pop("offset_target", None)
    found = place(form.get("offset_place", ""))
    if found is None:
        out.problems["offset_place"] = ("no_place", {})
    elif found:
        out.op["offset_place"] = found
    fy = form.get("claim_fy", "")
    if fy not in [str(year) for year in claim_years(today)]:
        out.problems["claim_fy"] = ("must_choose", {})
    else:
        out.op["claim_fy"] = int(fy)
        out.op["claim_period"] = fiscal.claim_period(int(fy))
    return out


def _serials(form: Mapping[str, str], out: Checked) -> None:
    """Credits chosen by quantity (the lowest serials), or by the serial ranges the holder
    types; with both, they must agree."""
    chosen = serial_ranges(form.get("serials", ""))
    if chosen is None:
        out.problems["serials"] = ("bad_serials", {})
        return
    if not chosen:
        _quantity(form, out)
        return
    if isinstance(out.held, ProjectTotal):
        out.problems["serials"] = ("serials_one_vintage", {})
        return
    out.op["serials"] = chosen
    blocks = from_text(chosen)
    if blocks is None:
        out.problems["serials"] = ("bad_serials", {})
        return
    count = total(blocks)
    typed = form.get("quantity", "").strip()
    if typed and quantity(typed) != count:
        out.problems["quantity"] = ("serials_count", {"count": count})
    elif out.held is not None and count > out.held.quantity:
        out.problems["quantity"] = ("over_held", {"held": out.held.quantity})
    else:
        out.op["quantity"] = count


def transfer(form: Mapping[str, str], held: list[BalanceLine], receiver: str | None) -> Checked:
    """`receiver`: the name of the holder of the account in `to`, None if there is none."""
    out = Checked(op={"op": "transfer"})
    _holding(form, held, out)
    _serials(form, out)
    to = form.get("to", "").strip()
    if receiver is None:
        out.problems["to"] = ("no_receiver", {})
    elif out.held is not None and to == out.held.account:
        out.problems["to"] = ("same_account", {})
    else:
        out.op["to"] = to
    _text(form, "memo", out, names.MEMO_MAX, required=False)
    return out


# --- the registry's forms ----------------------------------------------------------------------

#: What a vintage may be: a fiscal year (the ledger stores any; a form takes a plausible one).
VINTAGES = range(1990, 2101)


def _pattern(form: Mapping[str, str], name: str, pattern: re.Pattern[str], out: Checked) -> None:
    value = unicodedata.normalize("NFKC", form.get(name, "")).strip()
    if not value:
        out.problems[name] = ("must_fill", {})
    elif pattern.fullmatch(value) is None:
        out.problems[name] = ("bad_id", {})
    else:
        out.op[name] = value


def issuance(form: Mapping[str, str], receiver: str | None, instruments: Sequence[str]) -> Checked:
    """Credits the registry issues to an account; `receiver`: its holder's name, or None."""
    out = Checked(op={"op": "issue"})
    if receiver is None:
        out.problems["to"] = ("no_receiver", {})
    else:
        out.op["to"] = form.get("to", "").strip()
    _choice(form, "instrument", instruments, out)
    _pattern(form, "project", names.PROJECT, out)
    vintage = quantity(form.get("vintage", ""))
    if vintage is None or vintage not in VINTAGES:
        out.problems["vintage"] = ("bad_vintage", {})
    else:
        out.op["vintage"] = vintage
    _quantity(form, out)
    typed = form.get("buffer", "").strip()
    buffer = 0 if typed in ("", "0", "０") else quantity(typed)
    if buffer is None:
        out.problems["buffer"] = ("whole_or_zero", {})
    elif "quantity" in out.op and buffer > out.op["quantity"]:
        out.problems["buffer"] = ("buffer_over", {})
    else:
        out.op["buffer"] = buffer
    methodology = form.get("methodology", "").strip()
    if methodology:
        _text(form, "methodology", out, names.TEXT_MAX, required=False)
    return out


def account(form: Mapping[str, str]) -> Checked:
    """An account the registry opens: PARTY/LABEL, holding or buffer."""
    out = Checked(op={"op": "open_account"})
    _pattern(form, "party", names.PARTY, out)
    _pattern(form, "label", names.LABEL, out)
    label = out.op.pop("label", None)
    if "party" in out.op and label is not None:
        out.op["account"] = f"{out.op['party']}/{label}"
    _choice(form, "kind", ("holding", "buffer"), out)
    return out


PARTY_KINDS = ("municipality", "company", "prefecture")


def party(form: Mapping[str, str]) -> Checked:
    """A party the registry registers (the registry itself is there from the start)."""
    out = Checked(op={"op": "open_party"})
    _pattern(form, "party", names.PARTY, out)
    _choice(form, "kind", PARTY_KINDS, out)
    _text(form, "name", out, names.TEXT_MAX, required=True)
    code = unicodedata.normalize("NFKC", form.get("jis_code", "")).strip()
    if code and re.fullmatch(r"[0-9]{5,6}", code) is None:
        out.problems["jis_code"] = ("bad_jis_code", {})
    elif code:
        out.op["jis_code"] = code
    elif out.op.get("kind") == "municipality":
        out.problems["jis_code"] = ("must_fill", {})
    return out


ACCOUNT_STATUSES = ("open", "suspended", "closed")


def account_status(form: Mapping[str, str]) -> Checked:
    """Suspend, close or reopen a party's account (the ledger's own accounts are not offered)."""
    out = Checked(op={"op": "account_status"})
    _pattern(form, "account", names.ACCOUNT, out)
    own = names.ACCOUNT.fullmatch(out.op.get("account", ""))
    if own is not None and own.group(2) in names.SYSTEM_LABELS:
        # PARTY/retirement and PARTY/pending are the ledger's: closing one would strand credits
        out.problems["account"] = ("system_account", {})
        del out.op["account"]
    _choice(form, "status", ACCOUNT_STATUSES, out)
    return out
