"""Times as a document's reader reads them: in Japan's time (JST), in the reader's language."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from offset.common.messages import Lang

JST = ZoneInfo("Asia/Tokyo")


def created_now() -> str:
    """The time a report is made, in Japan's time (ISO 8601 with its +09:00 offset)."""
    return dt.datetime.now(JST).isoformat(timespec="seconds")


def shown_time(iso: str, lang: Lang) -> str:
    """A report's time as its reader reads it, in JST: 2026年12月7日 15:30 (日本時間), or
    2026-12-07 15:30 JST (a time of another zone is converted)."""
    try:
        moment = dt.datetime.fromisoformat(iso)
    except ValueError:
        return iso
    if moment.tzinfo is not None:
        moment = moment.astimezone(JST)
    if lang == "ja":
        return f"{moment.year}年{moment.month}月{moment.day}日 {moment:%H:%M} (日本時間)"
    return f"{moment:%Y-%m-%d %H:%M} JST"
