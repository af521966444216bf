"""The chain's hand-written canonical JSON equals json.dumps', so any auditor can recompute every
stored hash with a JSON library of their own."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from offset.ledger.chain import FORMAT, OPTIONAL_COLUMNS, body, day_text, time_text
from offset.ledger.codes import Rejected
from offset.ledger.rows import HEADER_COLUMNS, Header

text = st.text(max_size=30)  # any characters: quotes, backslashes, control and non-ASCII ones
maybe = st.none() | text
ints = st.integers(0, 2**62)
moments = st.datetimes(timezones=st.just(dt.UTC))
headers = st.builds(
    Header,
    seq=ints,
    id=maybe,
    kind=text,
    effective_date=st.dates(),
    fiscal_year=st.integers(1990, 2100),
    recorded_at=moments,
    memo=text,
    agreement=maybe,
    reverses=maybe,
    resolves=maybe,
    class_id=st.none() | ints,
    quantity=ints,
    buffer=ints,
    from_account=maybe,
    to_account=maybe,
    beneficiary=maybe,
    reason=maybe,
    claim_period=maybe,
    source=maybe,
    purpose=maybe,
    offset_target=maybe,
    offset_place=maybe,
    claim_fy=st.none() | st.integers(1990, 2100),
    rule_override=maybe,
    content_hash=text,
    operation=text,
    prev_hash=text,
    hash=text,
)
postings = st.lists(st.tuples(ints, text, ints, st.integers(-(2**62), 2**62), ints), max_size=5)
events = st.lists(st.tuples(ints, ints, ints, ints, maybe, text), max_size=5)


def reference(header: Header, posted: list[Any], moved: list[Any]) -> str:
    values = dict(zip(HEADER_COLUMNS, header, strict=True))
    values["effective_date"] = header.effective_date.isoformat()
    values["recorded_at"] = header.recorded_at.isoformat(timespec="microseconds")
    del values["hash"], values["prev_hash"]  # the hash itself; the previous one is its prefix
    for column in OPTIONAL_COLUMNS:  # a retirement's use: present only when it holds a value
        if values[column] is None:
            del values[column]
    return json.dumps(
        {
            "v": FORMAT,
            "header": values,
            "postings": sorted([list(p[1:]) for p in posted]),
            "events": sorted([list(e[1:]) for e in moved], key=lambda e: (e[0], e[1])),
        },
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )


@given(headers, postings, events)
def test_chain_body_is_canonical_json(header: Header, posted: list[Any], moved: list[Any]) -> None:
    # The rows of one entry carry its sequence number, and never repeat an account and class
    # (postings) or a first serial of a class (events).
    posted = list({(p[1], p[2]): (header.seq, *p[1:]) for p in posted}.values())
    moved = list({(e[1], e[2]): (header.seq, *e[1:]) for e in moved}.values())
    assert body(header, posted, moved) == reference(header, posted, moved)


def test_dates_read_back_from_sqlite_give_the_same_text() -> None:
    """SQLite hands back the text it stored: the same canonical text as the values written."""
    moment = dt.datetime(2026, 12, 1, 9, 30, 0, 0, tzinfo=dt.UTC)
    assert (
        time_text(moment.isoformat(" ")) == time_text(moment) == "2026-12-01T09:30:00.000000+00:00"
    )
    tokyo = moment.astimezone(dt.timezone(dt.timedelta(hours=9)))  # PostgreSQL's session zone
    assert time_text(tokyo) == time_text(moment)
    assert day_text("2025-03-31") == day_text(dt.date(2025, 3, 31)) == "2025-03-31"


operation_values = st.fixed_dictionaries(
    {
        "op": st.sampled_from(["transfer", "retire", "issue"]),
        "id": st.from_regex(r"[a-z][a-z0-9:.-]{0,20}", fullmatch=True),
        "from": st.just("ina/holding"),
        "to": st.just("shinjuku/holding"),
        "project": st.from_regex(r"[a-z][a-z0-9-]{0,20}", fullmatch=True),
        "vintage": st.integers(1990, 2100),
        "quantity": st.integers(1, 10**15),
        "memo": st.text(
            st.characters(exclude_categories=("Cc", "Cs", "Zl", "Zp", "Cf")), max_size=20
        ),
        "effective_date": st.none() | st.dates(dt.date(1990, 1, 1), dt.date(2100, 1, 1)).map(str),
    }
)


@given(
    operation_values,
    st.dictionaries(
        st.text(max_size=5),
        st.integers() | st.floats() | st.text(max_size=5),  # infinities and NaN included
        max_size=3,
    ),
    st.fixed_dictionaries(
        {},
        optional={
            "purpose": st.just("carbon_offset"),
            "offset_target": st.text(max_size=5),
            "offset_place": st.just("20202"),
            "claim_fy": st.integers(1990, 2100),
            "serials": st.lists(st.just("0-9"), min_size=1, max_size=2),
        },
    ),
)
def test_canonical_operation_text_is_json_dumps(
    value: dict[str, Any], source: dict[str, Any], use: dict[str, Any]
) -> None:
    """The hand-written canonical text of an operation equals json.dumps of its model."""
    from offset.ledger import operations as ops

    if value["op"] == "retire":
        value = (
            {k: v for k, v in value.items() if k != "to"}
            | {
                "beneficiary": "b",
                "reason": "r",
                "claim_period": "2024年度",
            }
            | use
        )

    if value["op"] == "issue":
        value = {k: v for k, v in value.items() if k != "from"} | {
            "instrument": "J-Credit",
            "buffer": 1,
            "source": source,
        }
    try:
        op = ops.parse(value)
    except Rejected:  # a value the rules refuse: not this test's business
        return
    assert ops.canonical(op) == ops.canonical_json(ops.dump(op))


@pytest.mark.parametrize("number", [float("inf"), float("-inf"), float("nan")])
def test_a_source_with_a_number_json_cannot_hold_is_refused(number: float) -> None:
    """Found by the property above: `Infinity` in a source's canonical text, where
    `model_dump(mode="json")` wrote null. JSON has neither, so such a source is refused."""
    from offset.ledger import operations as ops

    issue = {"op": "issue", "id": "i1", "to": "ina/holding", "instrument": "J-Credit",
             "project": "p", "vintage": 2024, "quantity": 1, "source": {"x": [number]}}  # fmt: skip
    with pytest.raises(Rejected) as refused:
        ops.parse(issue)
    assert refused.value.code == "invalid_operation"
    assert "not finite" in str(refused.value)
