"""Strict types at every boundary: a number where a number is meant, a text where a text is.

Before, `"quantity": "5"` and `"quantity": true` were recorded through the API (201; `true`
moved 1 credit), `"effective_date": 0` was read as 1970-01-01, and a 5,000-digit quantity got
`insufficient_balance` from `ledger apply` and 400 from the API where the README promises
`quantity_too_large`. A table drives every field of every operation and of every API body with
values of the wrong type; each is refused and changes nothing.
"""

from __future__ import annotations

import json
import typing
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel
from typer.testing import CliRunner

from offset.api import bodies
from offset.cli.app import app
from offset.ledger import operations as ops
from offset.ledger import planning
from offset.ledger.codes import Rejected
from tests.attacks.conftest import SETUP, Town

# Every field of every operation, each with a value of the right type.
TX = {"id": "x1", "effective_date": "2025-07-01", "memo": "m", "agreement": "a1"}
CLASS = {"project": "ina-forest", "vintage": 2024, "quantity": 1}
# a retirement's use (`offset.ledger.uses`) and its serials
USE = {"purpose": "carbon_offset", "offset_target": "T", "offset_place": "202029",
       "claim_fy": 2024, "override": "O", "serials": ["0-0"]}  # fmt: skip
OPERATIONS: dict[str, dict[str, Any]] = {
    "open_party": {"party": "p", "kind": "company", "name": "P", "jis_code": "209901",
                   "prefecture": "nagano"},
    "open_account": {"account": "p/holding", "party": "p", "kind": "holding"},
    "account_status": {"account": "p/holding", "status": "suspended"},
    "describe": {"subject": "project", "name": "ina-forest", "title": "T",
                 "place_code": "202029", "place_name": "伊那市"},
    "issue": {**TX, "to": "ina/holding", "instrument": "J-Credit", **CLASS, "buffer": 0,
              "buffer_account": "registry/buffer", "methodology": "EN-R-002",
              "source": {"input": {"sha256": "00"}}},
    "transfer": {**TX, "from": "ina/holding", "to": "shinjuku/holding", **CLASS,
                 "serials": ["0"]},
    "retire": {**TX, "from": "ina/holding", **CLASS, "beneficiary": "B", "reason": "R",
               "claim_period": "FY2024", **USE},
    "cancel": {**TX, "from": "ina/holding", **CLASS, "reason": "R"},
    "reverse": {**TX, "of": "t1", "quantity": 1},
    "reserve": {**TX, "from": "ina/holding", "to": "shinjuku/holding", **CLASS},
    "post": {**TX, "reservation": "r1", "quantity": 1},
    "void": {**TX, "reservation": "r1"},
}  # fmt: skip
# Values of the wrong type for each kind of field.
WRONG: dict[str, list[Any]] = {
    "integer": ["5", True, False, 5.0, [], {}],
    "text": [5, True, 5.5, [], {}],
    "date": [0, True, 20250701, 1.0, "2025-07-01T00:00:00", "20250701", "2025-02-30"],
    "object": ["{}", 5, True, []],
    "list": ["0-29", 5, True, {}, [5], [True], [["0"]]],
}


def _kind(field: str, value: Any) -> str:
    if field == "effective_date":
        return "date"
    return {int: "integer", str: "text", dict: "object", list: "list"}[type(value)]


def _fields(model: type[BaseModel]) -> set[str]:
    return {f.alias or name for name, f in model.model_fields.items()}


def _literal(model: type[BaseModel]) -> str:
    """The `op` a model's `Literal[...]` names."""
    return str(typing.get_args(model.model_fields["op"].annotation)[0])


def test_the_table_names_every_field_of_every_operation() -> None:
    kinds = {_literal(t): t for t in ops.OPERATION_TYPES}
    assert set(kinds) == set(OPERATIONS)
    for op, fields in OPERATIONS.items():
        assert _fields(kinds[op]) - {"op"} == set(fields), op
        ops.parse({"op": op, **fields})  # the right types are accepted


# Requests by total (a retire or transfer without a vintage; `ledger/allocation.py`): every
# field of each, with a value of the right type.
WITHOUT_VINTAGE = {"project": "ina-forest", "quantity": 1}
TOTALS: dict[str, dict[str, Any]] = {
    "transfer": {**TX, "from": "ina/holding", "to": "shinjuku/holding", **WITHOUT_VINTAGE},
    "retire": {**TX, "from": "ina/holding", **WITHOUT_VINTAGE, "beneficiary": "B",
               "reason": "R", "claim_period": "FY2024",
               **{k: v for k, v in USE.items() if k != "serials"}},
}  # fmt: skip


def test_the_table_names_every_field_of_every_request_by_total() -> None:
    kinds = {_literal(t): t for t in ops.TOTAL_TYPES}
    assert set(kinds) == set(TOTALS)
    for op, fields in TOTALS.items():
        assert _fields(kinds[op]) - {"op"} == set(fields), op
        assert isinstance(ops.parse_request({"op": op, **fields}), kinds[op])


TABLES = {"operation": OPERATIONS, "total": TOTALS}
CASES = [
    (op, field, wrong, name)
    for name, table in TABLES.items()
    for op, fields in table.items()
    for field, value in fields.items()
    for wrong in WRONG[_kind(field, value)]
]


@pytest.mark.parametrize(("op", "field", "wrong", "table"), CASES, ids=repr)
def test_a_field_of_the_wrong_type_is_an_invalid_operation(
    op: str, field: str, wrong: Any, table: str
) -> None:
    with pytest.raises(Rejected) as refused:
        ops.parse_request({"op": op, **TABLES[table][op], field: wrong})
    assert refused.value.code == "invalid_operation"
    assert field in str(refused.value)


@pytest.mark.parametrize("field", ["quantity", "buffer"])
@pytest.mark.parametrize("value", [10**15 + 1, 10**30, 10**4000], ids=["max+1", "1e30", "1e4000"])
def test_a_quantity_past_the_bounds_is_quantity_too_large(field: str, value: int) -> None:
    issue = {"op": "issue", **OPERATIONS["issue"], "quantity": ops.MAX_QUANTITY}
    with pytest.raises(Rejected) as refused:
        ops.parse({**issue, field: value})
    assert refused.value.code == "quantity_too_large"
    assert getattr(ops.parse({**issue, field: ops.MAX_QUANTITY}), field) == ops.MAX_QUANTITY


def test_the_bound_is_the_classes_bound() -> None:
    assert ops.MAX_QUANTITY == planning.MAX_CLASS_SERIALS


def test_ledger_apply_answers_a_5000_digit_quantity_too_large(tmp_path: Path) -> None:
    """The attack as it was run: `offset ledger apply` on a line with 5,000 digits."""
    url = f"sqlite:///{tmp_path / 'ledger.db'}"
    move = {"op": "transfer", "from": "ina/holding", "to": "shinjuku/holding",
            "project": "ina-forest", "vintage": 2024}  # fmt: skip
    lines = [json.dumps(op) for op in SETUP] + [
        _with_number({**move, "id": "huge"}, "quantity", "1" * 5000),
        json.dumps({**move, "id": "text", "quantity": "5"}),
        json.dumps({**move, "id": "yes", "quantity": True}),
    ]
    (tmp_path / "ops.jsonl").write_text("\n".join(lines) + "\n")
    result = CliRunner().invoke(app, ["ledger", "--db", url, "apply", str(tmp_path / "ops.jsonl")])
    answers = [json.loads(line) for line in result.output.splitlines() if line.startswith("{")]
    assert [a["status"] for a in answers[-3:]] == [
        "quantity_too_large",
        "invalid_operation",
        "invalid_operation",
    ]
    assert result.exit_code == 1


def _with_number(fields: dict[str, Any], name: str, digits: str) -> str:
    """`fields` as JSON with `name` set to a number written out digit by digit (no Python
    int of 5,000 digits is needed, nor allowed by default, to write one)."""
    rest = {k: v for k, v in fields.items() if k != name}
    return json.dumps(rest)[:-1] + f', "{name}": {digits}' + "}"


# --- the HTTP API ------------------------------------------------------------------------------

BODIES: dict[str, tuple[str, str, type[BaseModel], dict[str, Any]]] = {
    "transfer": ("ina", "/api/v1/transfers", bodies.TransferIn,
                 {"from": "ina/holding", "to": "shinjuku/holding", **CLASS, "memo": "m",
                  "serials": ["0"]}),
    "retire": ("ina", "/api/v1/retirements", bodies.RetireIn,
               {"from": "ina/holding", **CLASS, "reason": "R", "beneficiary": "B",
                "claim_period": "FY2024", "agreement": "a1", **USE}),
    "reserve": ("ina", "/api/v1/reservations", bodies.ReserveIn,
                {"from": "ina/holding", "to": "shinjuku/holding", **CLASS}),
    "post": ("ina", "/api/v1/reservations/r1/post", bodies.PostIn, {"quantity": 1}),
    "issue": ("registry", "/api/v1/issuances", bodies.IssueIn,
              {"to": "ina/holding", "instrument": "J-Credit", **CLASS, "buffer": 0,
               "methodology": "EN-R-002"}),
    "party": ("registry", "/api/v1/parties", bodies.PartyIn,
              {"party": "p", "kind": "company", "name": "P", "jis_code": "209901",
               "prefecture": "nagano"}),
    "account": ("registry", "/api/v1/accounts", bodies.AccountIn,
                {"account": "ina/second", "party": "ina", "kind": "holding"}),
}  # fmt: skip
API_CASES = [
    (body, field, wrong)
    for body, (_, _, _, fields) in BODIES.items()
    for field, value in fields.items()
    for wrong in WRONG[_kind(field, value)]
]


def test_the_table_names_every_field_of_every_api_body() -> None:
    for name, (_, _, model, fields) in BODIES.items():
        assert _fields(model) == set(fields), name
        model.model_validate(fields)


def test_every_api_body_field_of_the_wrong_type_is_refused(town: Town) -> None:
    """Every (body, field, wrong value) in one test per database: the world is built once."""
    before = town.history()
    for number, (body, field, wrong) in enumerate(API_CASES):
        who, path, _, fields = BODIES[body]
        answer = town.client.post(
            path, json={**fields, field: wrong}, headers=town.headers(who, f"w{number}")
        )
        assert answer.status_code == 422, (body, field, wrong, answer.text)
        assert answer.json()["status"] == "invalid_request"
        assert field in answer.json()["message"], (body, field, wrong)
    assert town.history() == before


@pytest.mark.parametrize("digits", [16, 31, 5000])
def test_an_api_quantity_past_the_bounds_is_quantity_too_large(town: Town, digits: int) -> None:
    before = town.history()
    for who, path, field in (
        ("ina", "/api/v1/transfers", "quantity"),
        ("registry", "/api/v1/issuances", "quantity"),
        ("registry", "/api/v1/issuances", "buffer"),
    ):
        fields = {**BODIES["transfer" if who == "ina" else "issue"][3], "quantity": 5}
        body = _with_number(fields, field, "9" * digits)
        answer = town.client.post(
            path,
            content=body,
            headers={
                **town.headers(who, f"big{digits}{field}"),
                "Content-Type": "application/json",
            },
        )
        assert (answer.status_code, answer.json()["status"]) == (409, "quantity_too_large"), (
            path,
            field,
            answer.text[:300],
        )
    assert town.history() == before


def test_nan_and_infinity_are_malformed_json(town: Town) -> None:
    for constant in ("NaN", "Infinity", "-Infinity"):
        body = json.dumps(BODIES["transfer"][3]).replace('"quantity": 1', f'"quantity": {constant}')
        answer = town.client.post(
            "/api/v1/transfers",
            content=body,
            headers={**town.headers("ina", "nan"), "Content-Type": "application/json"},
        )
        assert (answer.status_code, answer.json()["status"]) == (422, "invalid_request")


def test_a_well_typed_transfer_still_moves(town: Town) -> None:
    answer = town.client.post(
        "/api/v1/transfers", json=BODIES["transfer"][3], headers=town.headers("ina", "fine")
    )
    assert answer.status_code == 201, answer.text
