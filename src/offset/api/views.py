"""The library's typed reads as the API answers them and the dashboard shows them: JSON-ready
rows (serial ranges as `{start, stop}`), the same for both.

The reads and the rule of what a party may see are the library's (`offset.ledger.visibility`,
`offset.scenario.run_records`); this module only renders.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from typing import Any

from offset.common.messages import spaced
from offset.ledger.blocks import Block, as_text
from offset.ledger.rows import SerialHistory
from offset.ledger.side_tables import ReductionRecord
from offset.ledger.titles import ProjectTitle, title_of
from offset.ledger.visibility import Origin, SeenRetirement
from offset.scenario.run_records import SeenAgreement


def titled(row: dict[str, Any], found: dict[str, ProjectTitle]) -> dict[str, Any]:
    """`row` with its project's title and creating place (`answers.TITLED`), from `found`
    (`ledger.titles`): the key when no run stored one."""
    title = title_of(found, row["project"])
    return row | {"project_title": title.shown, "creating_place": title.place_name}


def serial_ranges(blocks: Iterable[Block]) -> list[dict[str, Any]]:
    """Each range with its first and last serial and as printed (inclusive: `0-29`); `stop`
    is the first serial after it, as the ledger keeps ranges."""
    return [
        {"start": int(b.start), "stop": int(b.stop), "first": int(b.start),
         "last": int(b.stop) - 1, "range": f"{b.start}-{b.stop - 1}"}
        for b in blocks
    ]  # fmt: skip


def serials_text(blocks: Iterable[Block]) -> str:
    """Serial ranges as every output prints them: `0-29, 40-49`."""
    return ", ".join(as_text(blocks))


def retirement(seen: SeenRetirement) -> dict[str, Any]:
    row = dataclasses.asdict(seen.retirement)
    row["serials"] = serial_ranges(seen.retirement.serials)
    row["serials_text"] = serials_text(seen.retirement.serials)
    row["retired_by"] = seen.retired_by
    return row


def retirement_download(row: dict[str, Any]) -> dict[str, Any]:
    """A retirement as a download's row: its serials as printed (`0-29`), not as a structure."""
    return {**{k: v for k, v in row.items() if k != "serials_text"}, "serials": row["serials_text"]}


def origin(found: Origin) -> dict[str, Any]:
    return {
        "account": found.account,
        "instrument": found.instrument,
        "project": found.project,
        "vintage": found.vintage,
        "methodology": found.methodology,
        "quantity": found.quantity,
        "serials": serial_ranges(found.serials),
        "issuances": [dataclasses.asdict(i) for i in found.issuances],
    }


def agreement(seen: SeenAgreement, found: dict[str, ProjectTitle]) -> dict[str, Any]:
    return seen.record.model_dump() | {
        "others": seen.others,
        "projects": seen.projects,
        "project_titles": [title_of(found, p).shown for p in seen.projects],
        "fulfilment": [
            {k: v for k, v in dataclasses.asdict(f).items() if k != "agreement"}
            for f in seen.fulfilment
        ],
        "ledger": [dataclasses.asdict(year) for year in seen.ledger],
        "differences": seen.differences,
    }


def reduction(found: ReductionRecord) -> dict[str, Any]:
    return found.model_dump()


def serial(history: SerialHistory) -> dict[str, Any]:
    return dataclasses.asdict(history)


def agreement_sentence(item: dict[str, Any], names: dict[str, str], words: dict[str, str]) -> str:
    """An agreement in a sentence, parties by name: 松本市 → 信濃精機株式会社: FY2022〜FY2024
    の各年度、プロジェクトのクレジットの50%を移転します。"""
    rule, _, amount = str(item["volume"]).partition(" ")
    if rule == "fixed":
        volume = spaced(words["volume_fixed"], {"tonnes": int(amount.split()[0])})
    elif rule == "share":
        volume = spaced(words["volume_share"], {"percent": float(amount) * 100})
    else:
        volume = words["volume_all"]
    delivery = words.get(f"delivery_{item['delivery']}", str(item["delivery"]))
    return spaced(
        words["agreement_sentence"],
        {
            "provider": names.get(item["provider"], item["provider"]),
            "beneficiary": names.get(item["beneficiary"], item["beneficiary"]),
            "first": item["first_fy"],
            "last": item["last_fy"],
            "volume": volume,
            "delivery": delivery,
        },
    )
