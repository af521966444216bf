"""The public check page shows every field the certificate prints (the account the credits
came from aside, which only its party sees), so that an auditor holding a printed certificate
can compare it line by line with the ledger's record. It showed the number, user, quantity,
purpose, project, vintage, serials and date, but not the claim period and the FY claimed for
(報告対象年度, what a 温対法 report rests on), the offset's place, the credit type, the creator
or who retired them: a printout with another claim FY read the same as the ledger's page."""

from __future__ import annotations

import html
import re

from tests.api.conftest import World, retired_by_api

BODY = {
    "from": "acme-kk/holding",
    "project": "east-pv",
    "vintage": 2022,
    "quantity": 1,
    "reason": "本社ビルの電力",
    "purpose": "carbon_offset",
    "offset_target": "本社ビル 2022年度の購入電力",
    "offset_place": "131041",
    "claim_period": "2022年4月-2023年3月",
    "claim_fy": 2022,
}
PRIVATE = {"無効化元の口座", "Retired from (account)"}  # the certificate's owner only
ROW = re.compile(r"<tr><th>(.*?)</th><td>(.*?)</td></tr>", re.S)


def _words(markup: str) -> str:
    """A page's text: tags gone, entities read, white space as one space."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", markup)).split())


def test_the_check_page_shows_every_field_the_certificate_prints(world: World) -> None:
    tx_id = retired_by_api(world, "acme-kk", BODY, "check-page-fields")
    entry_hash = world.book.retirement(tx_id).hash
    for version in ("ja", "en"):
        printed = world.client.get(
            f"/api/v1/retirements/{tx_id}/certificate?version={version}",
            headers=world.auth("acme-kk"),
        )
        assert printed.status_code == 200, printed.text
        rows = [(_words(th), _words(td)) for th, td in ROW.findall(printed.text)]
        assert len(rows) > 10
        shown = _words(world.client.get(f"/check/{entry_hash}?lang={version}").text)
        for label, value in rows:
            if label in PRIVATE:
                assert value not in shown, label
                continue
            for part in value.split(" · sha256 "):  # the page: the seq and hash on two lines
                assert part in shown, (version, label, part)
        assert "2022年4月-2023年3月" in shown  # the claim period, and the FY claimed for
