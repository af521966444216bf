"""A server process whose writer (`offset serve --workers N`: the process that writes for all)
cannot be reached answers each write 503 `writer_unavailable`, on the lean path and through the
framework alike, and writes nothing; reads still answer."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from offset.api.app import create_app
from offset.ledger.codes import JAPANESE, WRITER_UNAVAILABLE
from offset.ledger.writer_socket import RemoteWriter
from tests.api.conftest import World
from tests.ledger.conftest import history

TRANSFER = {"from": "acme-kk/holding", "to": "rival-kk/holding", "project": "east-pv",
            "vintage": 2023, "quantity": 1}  # fmt: skip


@pytest.mark.parametrize("lean_path", [True, False], ids=["lean", "framework"])
def test_no_writer_is_503_and_nothing_written(
    world: World, lean_path: bool, tmp_path: Path
) -> None:
    client = TestClient(create_app(world.book, lean_path=lean_path))
    before = history(world.book)
    world.book.remote = RemoteWriter(str(tmp_path / "gone.sock"), b"key")
    try:
        answer = client.post(
            "/api/v1/transfers",
            json=TRANSFER,
            headers={**world.auth("acme-kk"), "Idempotency-Key": f"gone-{lean_path}"},
        )
        read = client.get("/api/v1/balances", headers=world.auth("acme-kk"))
    finally:
        world.book.remote = None
    assert answer.status_code == 503, answer.text
    body = answer.json()
    assert (body["status"], body["message_ja"]) == (
        WRITER_UNAVAILABLE,
        JAPANESE[WRITER_UNAVAILABLE],
    )
    assert read.status_code == 200
    assert history(world.book) == before
