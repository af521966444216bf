"""The API's answers carry the ledger's records as `rows.py` declares them: a response model
that repeats a record's fields is derived from it (`api/derived.py`), so that a field added to
the record is answered with no second edit, and the two cannot drift."""

from __future__ import annotations

import dataclasses
import importlib
import inspect
import pkgutil
import typing
from pathlib import Path

from fastapi.testclient import TestClient
from pydantic import BaseModel

from offset.api import answers
from offset.api.app import create_app
from offset.api.derived import DERIVED, derived
from offset.ledger import Ledger, rows, visibility

# The visibility reads' own records (what a party sees of origins, reservations, ...).
READS = [
    importlib.import_module(f"{visibility.__name__}.{found.name}")
    for found in pkgutil.iter_modules(visibility.__path__)
]
RECORDS = [
    value
    for module in (rows, *READS)
    for value in vars(module).values()
    if inspect.isclass(value)
    and value.__module__ == module.__name__
    and (dataclasses.is_dataclass(value) or hasattr(value, "_fields"))
]
MODELS = [
    value
    for value in vars(answers).values()
    if inspect.isclass(value) and issubclass(value, BaseModel) and value is not BaseModel
]


def _fields(record: type) -> set[str]:
    return set(typing.get_type_hints(record))


def test_a_model_that_repeats_a_record_is_derived_from_it() -> None:
    """Any response model made mostly of a record's fields (a hand-written copy) must be
    derived from that record, or from one that holds those fields."""
    copies = []
    for model in MODELS:
        for record in RECORDS:
            shared = _fields(record) & set(model.model_fields)
            repeats = len(_fields(record)) >= 3 and len(shared) >= 0.8 * len(_fields(record))
            repeats = repeats and len(shared) >= 0.5 * len(model.model_fields)
            home = DERIVED.get(model)
            if repeats and (home is None or not shared <= _fields(home)):
                copies.append(f"{model.__name__} repeats rows.{record.__name__}")
    assert copies == []
    assert {DERIVED[m] for m in MODELS if m in DERIVED} >= {
        rows.PartyRow, rows.AccountRow, rows.BalanceLine, rows.Retirement, rows.SerialEvent,
        rows.SerialHistory, visibility.Origin, visibility.Issued, rows.StatementLine,
    }  # fmt: skip


def test_a_record_the_api_answers_with_that_holds_a_rows_record_is_derived_from_it() -> None:
    """A party's view of a transaction or an origin (`ledger.visibility`, answered by the API
    and the dashboard) that holds every field of a `rows.py` record declares them there once
    (a subclass), never again by hand: a field added to the record is in the view too."""
    copies = [
        f"{view.__module__}.{view.__name__} repeats rows.{record.__name__}"
        for view in RECORDS
        if view.__module__ != rows.__name__
        for record in RECORDS
        if record.__module__ == rows.__name__
        and len(_fields(record)) >= 3
        and _fields(record) <= _fields(view)
        and not issubclass(view, record)
    ]
    assert copies == []
    assert issubclass(visibility.Transaction, rows.AgreementTransaction)
    assert issubclass(visibility.Origin, rows.BalanceLine)


def test_every_field_of_the_record_is_answered() -> None:
    renamed = {answers.AccountOut: {"id": "account"}}
    for model, record in DERIVED.items():
        if model not in MODELS:
            continue
        names = renamed.get(model, {})
        expected = {names.get(field, field) for field in _fields(record)}
        assert expected <= set(model.model_fields), model.__name__
    added = {"retired_by", *answers.TITLED}  # the party's name, the project's title and place
    assert set(answers.RetirementOut.model_fields) - _fields(rows.Retirement) == added


def test_a_field_added_to_a_record_appears_in_its_model() -> None:
    @dataclasses.dataclass(frozen=True)
    class Grown(rows.BalanceLine):
        registry_note: str | None = None

    model = derived("GrownOut", Grown)
    declared = list(typing.get_type_hints(rows.BalanceLine))
    assert list(model.model_fields) == [*declared, "registry_note"]
    assert not model.model_fields["registry_note"].is_required()
    assert model.model_fields["quantity"].is_required()


def test_the_served_schema_lists_the_records_fields(tmp_path: Path) -> None:
    book = Ledger.open(f"sqlite:///{tmp_path / 'ledger.db'}")
    schema = TestClient(create_app(book)).get("/openapi.json").json()["components"]["schemas"]
    titled = set(answers.TITLED)  # a project's title and creating place, beside its key
    assert set(schema["RetirementOut"]["properties"]) == (
        _fields(rows.Retirement) | {"retired_by"} | titled
    )
    assert set(schema["BalanceOut"]["properties"]) == _fields(rows.BalanceLine) | titled
    assert set(schema["StatementOut"]["properties"]) == _fields(rows.StatementLine) | titled
    assert set(schema["PeriodBalanceOut"]["properties"]) == _fields(rows.PeriodBalance) | titled
    assert set(schema["SerialEvent"]["properties"]) == _fields(rows.SerialEvent)
    book.engine.dispose()
