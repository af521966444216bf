"""Times as a document's reader reads them: in Japan's time (JST), in the reader's language."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pandas as pd

from offset.common.days import japanese_day
from offset.common.messages import Lang

JST = ZoneInfo("Asia/Tokyo")


def created_now() -> str:
    """The time a report is made, in Japan's time (ISO 8601 with its +09:00 offset)."""
    return dt.datetime.now(JST).isoformat(timespec="seconds")


def shown_day(day: object, lang: Lang) -> str:
    """A day as its reader reads it: 2020年4月20日, or 2020-04-20 ("" for none)."""
    if day is None or day is pd.NaT or (isinstance(day, float) and day != day):
        return ""
    if not isinstance(day, dt.date):
        try:
            day = dt.date.fromisoformat(str(day)[:10])
        except ValueError:
            return str(day)
    if lang == "ja":
        return japanese_day(day)
    return f"{day:%Y-%m-%d}"


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
        return f"{shown_day(moment, lang)} {moment:%H:%M} (日本時間)"
    return f"{moment:%Y-%m-%d %H:%M} JST"
