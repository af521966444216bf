"""Fuzzing `apply`: any JSON value, any text, any bytes a caller can send gets a result code,
one per line, in order, never a traceback; and the books conserve after every batch."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from offset.ledger import CODES, Ledger
from offset.ledger.lines import NotUtf8, read_lines
from tests.ledger.conftest import ISSUE_LINES, pg_schema

# Text of every kind: lone surrogates, controls, separators, bidi marks, astral characters.
any_text = st.text(st.characters(codec=None, exclude_categories=()), max_size=40)
scalars = (
    st.none()
    | st.booleans()
    | st.integers(-(10**30), 10**30)
    | st.floats(allow_nan=True, allow_infinity=True)
    | any_text
)
json_values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(any_text, inner, max_size=4),
    max_leaves=12,
)
names = (
    st.sampled_from(
        [
            "ina/holding",
            "shinjuku/holding",
            "shinjuku/retirement",
            "buffer:J-Credit",
            "issuance:ina-forest",
        ]
    )
    | any_text
)
FIELDS: dict[str, st.SearchStrategy[Any]] = {
    "id": st.builds(lambda: f"f{uuid.uuid4().hex[:10]}") | any_text,
    "from": names,
    "to": names,
    "account": names,
    "party": st.sampled_from(["ina", "shinjuku", "registry", "evil"]) | any_text,
    "kind": st.sampled_from(["holding", "buffer", "retirement", "company", "registry"]) | any_text,
    "project": st.just("ina-forest") | any_text,
    "vintage": st.sampled_from([2024, 2025]) | st.integers(),
    "quantity": st.integers(1, 30) | st.integers() | st.floats() | any_text,
    "instrument": st.sampled_from(["J-Credit", "prefectural-certificate"]) | any_text,
    "memo": any_text,
    "beneficiary": any_text,
    "reason": any_text,
    "claim_period": any_text,
    "of": st.sampled_from(["t1", "t2", "t3", "nope"]) | any_text,
    "reservation": st.sampled_from(["t1", "nope"]) | any_text,
    "effective_date": st.dates().map(str) | any_text,
    "status": st.sampled_from(["open", "suspended", "closed"]) | any_text,
    "source": json_values,
}
OPS = ["open_party", "open_account", "account_status", "issue", "transfer", "retire", "cancel"]
OPS += ["reverse", "reserve", "post", "void"]


@st.composite
def operations(draw: st.DrawFn) -> object:
    """Mostly operation-shaped objects with fields of any value; sometimes any JSON value."""
    if draw(st.integers(0, 9)) == 0:
        return draw(json_values)
    op = {"op": draw(st.sampled_from(OPS) | any_text)}
    for name in draw(st.lists(st.sampled_from(sorted(FIELDS)), max_size=8, unique=True)):
        op[name] = draw(FIELDS[name])
    return op


def _books(url: str) -> Ledger:
    book = Ledger.open(url)
    assert {r.status for r in book.apply(ISSUE_LINES)} == {"ok"}
    return book


def _check(book: Ledger, items: list[object], atomic: bool) -> None:
    results = book.apply(items, atomic=atomic)
    assert len(results) == len(items)
    for result in results:
        assert result.status in CODES
        (result.id + result.message).encode("utf-8")  # every result line can be printed
    assert book.verify() == []


@pytest.fixture(scope="module")
def sqlite_book(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Ledger]:
    book = _books(f"sqlite:///{tmp_path_factory.mktemp('fuzz') / 'fuzz.db'}")
    yield book
    book.engine.dispose()


FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))


@FUZZ
@given(st.lists(operations(), min_size=1, max_size=8), st.booleans())
def test_apply_answers_anything(sqlite_book: Ledger, items: list[object], atomic: bool) -> None:
    _check(sqlite_book, items, atomic)


@FUZZ
@given(st.binary(max_size=300))
def test_lines_of_any_bytes(sqlite_book: Ledger, data: bytes) -> None:
    try:
        items = read_lines(data, "fuzz")
    except NotUtf8 as refused:
        problems = refused.problems
    else:
        _check(sqlite_book, items, atomic=False)
        return
    assert problems
    assert all(p.startswith("line ") for p in problems)


def test_apply_answers_anything_on_postgresql() -> None:
    schemas = pg_schema()
    book = _books(next(schemas))
    try:

        @settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
        @given(st.lists(operations(), min_size=1, max_size=8), st.booleans())
        def run(items: list[object], atomic: bool) -> None:
            _check(book, items, atomic)

        run()
    finally:
        book.engine.dispose()
        next(schemas, None)
