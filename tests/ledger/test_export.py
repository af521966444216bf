"""Exports: Beancount loads the ledger without errors and agrees on every balance."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

from beancount import loader
from beancount.core import realization

from offset.ledger import Ledger
from offset.ledger.export import beancount_account, commodity
from tests.ledger.conftest import ISSUE_LINES

MORE = [
    {
        "op": "reserve",
        "id": "r1",
        "from": "ina/holding",
        "to": "shinjuku/holding",
        "project": "ina-forest",
        "vintage": 2024,
        "quantity": 30,
    },
    {"op": "post", "id": "p1", "reservation": "r1", "quantity": 25},
    {
        "op": "cancel",
        "id": "c1",
        "from": "buffer:J-Credit",
        "project": "ina-forest",
        "vintage": 2024,
        "quantity": 2,
        "reason": "natural disturbance",
    },
]


def test_beancount_loads_and_balances_agree(ledger: Ledger) -> None:
    ledger.apply([*ISSUE_LINES, *MORE])
    entries, errors, _ = loader.load_string(ledger.export("beancount"))
    assert errors == []
    root = realization.realize(entries)
    kinds = {"issuance:ina-forest": "issuance"}
    for row in ledger.balances():
        name = beancount_account(row["account"], kinds.get(row["account"], "holding"))
        balance = realization.get(root, name).balance
        units = balance.get_currency_units(commodity(1)).number
        assert units == Decimal(row["quantity"]), name


def test_offsets_db_csv(ledger: Ledger) -> None:
    ledger.apply([*ISSUE_LINES, *MORE])
    rows = list(csv.DictReader(io.StringIO(ledger.export("offsets-db"))))
    assert [(r["transaction_type"], r["quantity"]) for r in rows] == [
        ("issuance", "120"),
        ("retirement", "20"),
        ("cancellation", "2"),
    ]
    assert rows[1]["retirement_beneficiary"] == "Shinjuku City"
