"""A day written the Japanese way (2019年5月1日): one form for the reading's messages and the
documents alike."""

from __future__ import annotations

import datetime as dt


def japanese_day(day: dt.date) -> str:
    """2019年5月1日 (no zero padding, as Japanese documents write it)."""
    return f"{day.year}年{day.month}月{day.day}日"
