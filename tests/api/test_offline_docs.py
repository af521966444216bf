"""No page loads anything from another host (issue 16 item): /docs and /redoc are served with
their assets from the package, so they work on a closed network."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from offset.api.app import create_app
from offset.ledger import Ledger

EXTERNAL = re.compile(r"""(?:src|href)\s*=\s*["'](?:https?:)?//""", re.IGNORECASE)


def test_docs_and_their_assets_come_from_this_server() -> None:
    book = Ledger.open("sqlite:///:memory:")
    try:
        client = TestClient(create_app(book))
        for page in ("/docs", "/redoc", "/"):
            answer = client.get(page)
            assert answer.status_code == 200, page
            assert not EXTERNAL.search(answer.text), page
        assets = re.findall(r'src="(/[^"]+\.js)"', client.get("/docs").text)
        assert assets
        for asset in assets:
            served = client.get(asset)
            assert served.status_code == 200, asset
            assert "javascript" in served.headers["content-type"]
    finally:
        book.engine.dispose()
