"""The dashboard's actions: retire, transfer and cancel a reservation, for the signed-in party's
own accounts, through the same ledger call as the JSON API (`Ledger.apply` on the party's
behalf, with a `PARTY:KEY` id).

Each form is drawn with an idempotency key of its own, so a double click, a reload or a replay
posts once (the ledger answers `exists`, or `id_reused` for the same key with other content).
Retire and transfer show a confirmation page first; only its button posts to the ledger. Every
POST passes the CSRF check (`offset.api.csrf`) and needs a live key in the session cookie.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from offset.api import forms
from offset.api.dashboard import page, page_missing, signed_in
from offset.api.keys import Caller
from offset.api.routes import KEY_MAX, KEY_PATTERN, ledger
from offset.ledger import allocation, uses, visibility
from offset.ledger.schema import INSTRUMENTS
from offset.scenario import run_records

router = APIRouter(include_in_schema=False)
Field = Annotated[str, Form(max_length=2_000)]


def _today() -> dt.date:
    return dt.date.today()


def _apply(request: Request, who: Caller, key: str, op: dict[str, Any]) -> Response:
    """One operation on the party's behalf; the result page, or the refusal in words."""
    if not forms.valid_key(key):
        return _refused(request, who, "invalid_operation", 400)
    tx_id = f"{who.party}:{key}"
    (result,) = ledger(request).apply(
        [{**op, "id": tx_id}], party=None if who.is_registry else who.party
    )
    if result.status in ("ok", "exists"):
        again = "?again=1" if result.status == "exists" else ""
        return RedirectResponse(f"/dashboard/done/{quote(tx_id, safe='')}{again}", 303)
    return _refused(request, who, result.status, 409)


def _refused(request: Request, who: Caller, code: str, status: int) -> Response:
    return page(request, "refused.html.j2", status_code=status, who=who, code=code)


# --- retire ------------------------------------------------------------------------------------


def retire_values(
    holding: Field = "",
    quantity: Field = "",
    serials: Field = "",
    purpose: Field = "",
    beneficiary: Field = "",
    reason: Field = "",
    offset_target: Field = "",
    offset_place: Field = "",
    claim_fy: Field = "",
    agreement: Field = "",
    key: Field = "",
) -> dict[str, str]:
    """The retire form's fields, as sent (the confirmation page sends them again, hidden)."""
    return {
        "holding": holding,
        "quantity": quantity,
        "serials": serials,
        "purpose": purpose,
        "beneficiary": beneficiary,
        "reason": reason,
        "offset_target": offset_target,
        "offset_place": offset_place,
        "claim_fy": claim_fy,
        "agreement": agreement,
        "key": key,
    }


def transfer_values(
    holding: Field = "",
    quantity: Field = "",
    serials: Field = "",
    to: Field = "",
    memo: Field = "",
    key: Field = "",
) -> dict[str, str]:
    return {
        "holding": holding,
        "quantity": quantity,
        "serials": serials,
        "to": to,
        "memo": memo,
        "key": key,
    }


RetireValues = Annotated[dict[str, str], Depends(retire_values)]
TransferValues = Annotated[dict[str, str], Depends(transfer_values)]


def _retire_form(
    request: Request, who: Caller, values: dict[str, str], problems: Any, status: int = 200
) -> Response:
    return page(
        request,
        "retire.html.j2",
        status_code=status,
        who=who,
        held=(held := visibility.holdings(ledger(request), who)),
        totals=forms.project_totals(held),
        years=forms.claim_years(_today()),
        purposes=list(uses.purposes().values()),
        agreements=run_records.agreement_names(ledger(request).engine, who),
        values={"beneficiary": who.name, **values},
        problems=problems,
        key=_same_key(values),
        value_of=forms.holding_value,
    )


def _same_key(values: dict[str, str]) -> str:
    """The form's own key when it comes back (a correction, the back button), else a new one."""
    key = values.get("key", "")
    return key if forms.valid_key(key) else forms.new_key()


@router.get("/dashboard/retire")
def retire_form(request: Request) -> Response:
    who = signed_in(request)
    return _retire_form(request, who, {}, {})


def _retirement(request: Request, who: Caller, values: dict[str, str]) -> forms.Checked:
    book = ledger(request)
    return forms.retirement(
        values,
        visibility.holdings(book, who),
        _today(),
        run_records.agreement_names(book.engine, who),
    )


@router.post("/dashboard/retire/confirm")
def retire_confirm(request: Request, values: RetireValues) -> Response:
    who = signed_in(request)
    checked = _retirement(request, who, values)
    if not checked.ok:
        return _retire_form(request, who, values, checked.problems, 422)
    return _confirm(request, who, "/dashboard/retire", "confirm_retire", checked, values)


def _confirm(
    request: Request,
    who: Caller,
    action: str,
    question: str,
    checked: forms.Checked,
    values: dict[str, str],
    receiver: str = "",
) -> Response:
    purpose = uses.purposes().get(checked.op.get("purpose", ""))
    return page(
        request,
        "confirm.html.j2",
        who=who,
        action=action,
        question=question,
        op=checked.op,
        held=checked.held,
        receiver=receiver,
        values=values,
        purpose=purpose,
        place_name=forms.place_name(checked.op.get("offset_place")),
    )


@router.post("/dashboard/retire/edit")
def retire_edit(request: Request, values: RetireValues) -> Response:
    """Back from the confirmation: the form again, as filled in, with the same key."""
    return _retire_form(request, signed_in(request), values, {})


@router.post("/dashboard/retire")
def retire(request: Request, values: RetireValues) -> Response:
    who = signed_in(request)
    checked = _retirement(request, who, values)
    if not checked.ok:
        return _retire_form(request, who, values, checked.problems, 422)
    return _apply(request, who, values["key"], checked.op)


# --- transfer ----------------------------------------------------------------------------------


def _transfer_form(
    request: Request, who: Caller, values: dict[str, str], problems: Any, status: int = 200
) -> Response:
    return page(
        request,
        "transfer.html.j2",
        status_code=status,
        who=who,
        held=(held := visibility.holdings(ledger(request), who)),
        totals=forms.project_totals(held),
        counterparties=visibility.counterparties(ledger(request), who),
        values=values,
        problems=problems,
        key=_same_key(values),
        value_of=forms.holding_value,
    )


@router.get("/dashboard/transfer")
def transfer_form(request: Request) -> Response:
    who = signed_in(request)
    return _transfer_form(request, who, {}, {})


def _transfer(request: Request, who: Caller, values: dict[str, str]) -> tuple[forms.Checked, str]:
    book = ledger(request)
    name = visibility.receiver(book, values["to"].strip())
    return forms.transfer(values, visibility.holdings(book, who), name), name or ""


@router.post("/dashboard/transfer/confirm")
def transfer_confirm(request: Request, values: TransferValues) -> Response:
    who = signed_in(request)
    checked, name = _transfer(request, who, values)
    if not checked.ok:
        return _transfer_form(request, who, values, checked.problems, 422)
    return _confirm(
        request, who, "/dashboard/transfer", "confirm_transfer", checked, values, receiver=name
    )


@router.post("/dashboard/transfer/edit")
def transfer_edit(request: Request, values: TransferValues) -> Response:
    """Back from the confirmation: the form again, as filled in, with the same key."""
    return _transfer_form(request, signed_in(request), values, {})


@router.post("/dashboard/transfer")
def transfer(request: Request, values: TransferValues) -> Response:
    who = signed_in(request)
    checked, _ = _transfer(request, who, values)
    if not checked.ok:
        return _transfer_form(request, who, values, checked.problems, 422)
    return _apply(request, who, values["key"], checked.op)


# --- reservations ------------------------------------------------------------------------------


@router.get("/dashboard/reservations")
def reservations(request: Request) -> Response:
    who = signed_in(request)
    # Only reservations in the party's own id space can be named to cancel (see `cancel`).
    own_prefix = f"{who.party}:"
    rows = [
        dataclasses.asdict(r) | {"key": forms.new_key()}
        for r in visibility.reservations(ledger(request), who)
        if r.id.startswith(own_prefix)
    ]
    return page(request, "reservations.html.j2", who=who, rows=rows)


@router.post("/dashboard/reservations/cancel")
def cancel(request: Request, reservation: Field = "", key: Field = "") -> Response:
    """Void one of the party's reservations. As in the API, the reservation is named by the
    party's own id space (`PARTY:` + what follows), so another party's cannot be named."""
    who = signed_in(request)
    own_prefix = f"{who.party}:"
    if not reservation.startswith(own_prefix) or not _is_key(reservation[len(own_prefix) :]):
        return _refused(request, who, "unknown_transaction", 404)
    return _apply(request, who, key, {"op": "void", "reservation": reservation})


def _is_key(value: str) -> bool:
    return len(value) <= KEY_MAX and re.fullmatch(KEY_PATTERN, value) is not None


# --- after an action ---------------------------------------------------------------------------


@router.get("/dashboard/done/{tx_id:path}")
def done(request: Request, tx_id: str) -> Response:
    who = signed_in(request)
    try:
        row = visibility.transaction(ledger(request), who, tx_id)
    except visibility.NotVisible:
        return page_missing(request, who)
    again = request.query_params.get("again") == "1"
    parts = [row, *_later_parts(request, who, tx_id)]
    return page(request, "done.html.j2", who=who, row=row, parts=parts, again=again)


def _later_parts(request: Request, who: Caller, tx_id: str) -> list[Any]:
    """A request by total's later parts (`allocation.part_id`), as the party may see them."""
    found: list[Any] = []
    while True:
        try:
            found.append(
                visibility.transaction(
                    ledger(request), who, allocation.part_id(tx_id, len(found) + 2)
                )
            )
        except visibility.NotVisible:
            return found


# --- the registry: issue, open accounts, register parties --------------------------------------


def issue_values(
    to: Field = "",
    instrument: Field = "",
    project: Field = "",
    vintage: Field = "",
    quantity: Field = "",
    buffer: Field = "",
    methodology: Field = "",
    key: Field = "",
) -> dict[str, str]:
    return {
        "to": to,
        "instrument": instrument,
        "project": project,
        "vintage": vintage,
        "quantity": quantity,
        "buffer": buffer,
        "methodology": methodology,
        "key": key,
    }


IssueValues = Annotated[dict[str, str], Depends(issue_values)]


def _registry(request: Request) -> Caller:
    """The signed-in caller, who must hold the registry's key (anyone else: 403, in words)."""
    who = signed_in(request)
    if not who.is_registry:
        raise NotRegistry(who)
    return who


class NotRegistry(Exception):
    def __init__(self, who: Caller) -> None:
        self.who = who


def refuse_not_registry(request: Request, error: Exception) -> Response:
    """The answer to any registry page for another party's key: what the API says, in words."""
    assert isinstance(error, NotRegistry)
    return _refused(request, error.who, "not_permitted", 403)


def _registry_page(
    request: Request,
    who: Caller,
    values: dict[str, str] | None = None,
    problems: Any = None,
    status: int = 200,
    form: str = "",
    notice: dict[str, str] | None = None,
) -> Response:
    values = values or {}
    return page(
        request,
        "registry.html.j2",
        status_code=status,
        who=who,
        instruments=list(INSTRUMENTS),
        party_kinds=forms.PARTY_KINDS,
        statuses=forms.ACCOUNT_STATUSES,
        values=values,
        form=form,  # the form the values and problems belong to
        problems=problems or {},
        key=_same_key(values) if form == "issue" else forms.new_key(),
        notice=notice,
    )


@router.get("/dashboard/registry")
def registry(request: Request) -> Response:
    return _registry_page(request, _registry(request))


def _issuance(request: Request, values: dict[str, str]) -> tuple[forms.Checked, str]:
    name = visibility.receiver(ledger(request), values["to"].strip())
    return forms.issuance(values, name, list(INSTRUMENTS)), name or ""


@router.post("/dashboard/registry/issue/confirm")
def issue_confirm(request: Request, values: IssueValues) -> Response:
    who = _registry(request)
    checked, name = _issuance(request, values)
    if not checked.ok:
        return _registry_page(request, who, values, checked.problems, 422, "issue")
    return page(
        request, "issue_confirm.html.j2", who=who, op=checked.op, receiver=name, values=values
    )


@router.post("/dashboard/registry/issue/edit")
def issue_edit(request: Request, values: IssueValues) -> Response:
    return _registry_page(request, _registry(request), values, form="issue")


@router.post("/dashboard/registry/issue")
def issue(request: Request, values: IssueValues) -> Response:
    who = _registry(request)
    checked, _ = _issuance(request, values)
    if not checked.ok:
        return _registry_page(request, who, values, checked.problems, 422, "issue")
    return _apply(request, who, values["key"], checked.op)


def _set_up(request: Request, who: Caller, form: str, checked: forms.Checked,
            values: dict[str, str]) -> Response:  # fmt: skip
    """Open an account or register a party: no transaction id (the same again is `exists`)."""
    if not checked.ok:
        return _registry_page(request, who, values, checked.problems, 422, form)
    (result,) = ledger(request).apply([checked.op], party=None)
    if result.status not in ("ok", "exists"):
        return _refused(request, who, result.status, 409)
    what = checked.op.get("account") or checked.op["party"]
    notice = {"status": result.status, "form": form, "what": what,
              "value": checked.op.get("status", "")}  # fmt: skip
    return _registry_page(request, who, notice=notice)


@router.post("/dashboard/registry/account")
def open_account(
    request: Request, party: Field = "", label: Field = "", kind: Field = ""
) -> Response:
    who = _registry(request)
    values = {"party": party, "label": label, "kind": kind}
    return _set_up(request, who, "account", forms.account(values), values)


@router.post("/dashboard/registry/party")
def open_party(
    request: Request, party: Field = "", kind: Field = "", name: Field = "", jis_code: Field = ""
) -> Response:
    who = _registry(request)
    values = {"party": party, "kind": kind, "name": name, "jis_code": jis_code}
    return _set_up(request, who, "party", forms.party(values), values)


@router.post("/dashboard/registry/status")
def account_status(request: Request, account: Field = "", status: Field = "") -> Response:
    who = _registry(request)
    values = {"account": account, "status": status}
    return _set_up(request, who, "status", forms.account_status(values), values)
