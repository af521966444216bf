"""Response models derived from the ledger's records (`offset.ledger.rows`), so that a field
added to a record appears in the API, its OpenAPI schema and its response check with no second
edit. A model names only what the API changes: a field renamed (`rename`), given the API's own
type (`replace`: serial blocks as printed ranges), described (`describe`), or added beside the
record's (`add`: what the API computes, such as a party's name).

`DERIVED` says which record each model comes from (`tests/api/test_answers.py` holds every
model that repeats a record's fields to it).
"""

from __future__ import annotations

import dataclasses
import typing
from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, Field, create_model

#: Each derived model and the record it comes from.
DERIVED: dict[type[BaseModel], type] = {}


def _defaults(record: type) -> dict[str, Any]:
    """The record's defaults: `...` for a required field, a factory's value built fresh."""
    if dataclasses.is_dataclass(record):
        out: dict[str, Any] = {}
        for field in dataclasses.fields(record):
            if field.default is not dataclasses.MISSING:
                out[field.name] = field.default
            elif field.default_factory is not dataclasses.MISSING:
                out[field.name] = field.default_factory()
        return out
    return dict(getattr(record, "_field_defaults", {}))  # a NamedTuple's


def derived(
    name: str,
    record: type,
    *,
    rename: Mapping[str, str] | None = None,
    replace: Mapping[str, Any] | None = None,
    describe: Mapping[str, str] | None = None,
    add: Mapping[str, tuple[Any, Any]] | None = None,
    module: str = "offset.api.answers",
) -> type[BaseModel]:
    """A pydantic model with every field of `record` (a dataclass or NamedTuple), in its order,
    with its type and default, then the fields `add`s (name -> (type, Field))."""
    rename, replace, describe = rename or {}, replace or {}, describe or {}
    unknown = (set(rename) | set(replace) | set(describe)) - set(typing.get_type_hints(record))
    assert not unknown, f"{name}: {sorted(unknown)} are not fields of {record.__name__}"
    defaults = _defaults(record)
    fields: dict[str, Any] = {
        rename.get(field, field): (
            replace.get(field, kind),
            Field(defaults.get(field, ...), description=describe.get(field)),
        )
        for field, kind in typing.get_type_hints(record).items()
    }
    fields.update(add or {})
    model: type[BaseModel] = create_model(name, __module__=module, **fields)
    DERIVED[model] = record
    return model
