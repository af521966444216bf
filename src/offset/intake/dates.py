"""Dates and years as Japanese offices write them: ISO, `2024/4/1`, `2024年4月1日`, 和暦, Excel.

和暦 (the era calendar): an era's first year is 元年, and an era starts on the day the new era
name took effect, so 令和元年 begins on 2019-05-01 and 平成31年 ends on 2019-04-30. The era table
below is the one home of those boundaries. Sources: 元号を改める政令 (平成31年政令第143号,
令和 from 2019-05-01); 元号を改める政令 (昭和64年政令第1号, 平成 from 1989-01-08); 大正 from
1926-12-25 to 昭和, 1912-07-30 to 大正 (the day of each emperor's accession, 登極令 era).

Excel: a date cell arrives as a datetime; a serial number (days since 1899-12-30, Excel's 1900
date system as Microsoft documents it) and 8-digit `20240401` are read too. A time of day other
than midnight is refused (a date column holds dates). Every value is parsed once per distinct
value, never per row.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from offset.common import fiscal
from offset.common.days import japanese_day
from offset.common.messages import Msg
from offset.intake.japanese import nfkc


@dataclass(frozen=True)
class Era:
    name: str
    letter: str
    start: dt.date
    end: dt.date | None  # last day; None: the current era

    def year(self, n: int) -> int:
        return self.start.year + n - 1


ERAS = (
    Era("令和", "R", dt.date(2019, 5, 1), None),
    Era("平成", "H", dt.date(1989, 1, 8), dt.date(2019, 4, 30)),
    Era("昭和", "S", dt.date(1926, 12, 25), dt.date(1989, 1, 7)),
    Era("大正", "T", dt.date(1912, 7, 30), dt.date(1926, 12, 24)),
    Era("明治", "M", dt.date(1868, 10, 23), dt.date(1912, 7, 29)),
)
_BY_NAME = {e.name: e for e in ERAS} | {e.letter: e for e in ERAS}
LOWEST_YEAR, HIGHEST_YEAR = 1900, 2100  # a date outside these is a typo (or year 9999)
# A date after the FY computed is a plan, not yet in service (it counts 0 for that FY); one more
# than this many FYs after the later of that FY and today's is a typo (令和70年 for 令和7年)
FUTURE_FYS = 10
EXCEL_EPOCH = dt.date(1899, 12, 30)
_ERA = r"(?P<era>令和|平成|昭和|大正|明治|[RHSTM])\s*(?P<y>元|\d{1,2})"
_MD = r"\s*(?:年|[./-])\s*(?P<m>\d{1,2})\s*(?:月|[./-])\s*(?P<d>\d{1,2})\s*日?"
_TIME = r"(?:\s*T?\s*(?P<h>\d{1,2}):(?P<mi>\d{2})(?::(?P<s>\d{2})(?:\.(?P<f>\d+))?)?)?"
_ERA_DATE = re.compile(rf"^{_ERA}{_MD}{_TIME}$")
_ERA_YEAR = re.compile(rf"^{_ERA}\s*年?\s*度?$")
_DATE = re.compile(rf"^(?P<y>\d{{4}}){_MD}{_TIME}$")
_YEAR = re.compile(r"^(?P<y>\d{4})\s*年?\s*度?$")
_COMPACT = re.compile(r"^(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})$")
_SERIAL = re.compile(r"^\d{1,5}(?:\.0+)?$")
# a month without its day (完了年月: R6.9, 令和6年9月, 2024年9月, 2024/9): read as its first day
_ERA_MONTH = re.compile(rf"^{_ERA}\s*(?:年|[./-])\s*(?P<m>\d{{1,2}})\s*月?$")
_MONTH = re.compile(r"^(?P<y>\d{4})\s*(?:年|[./-])\s*(?P<m>\d{1,2})\s*月?$")


def to_date(value: object) -> dt.date | Msg:
    """One cell as a date, or the message saying why it is not one."""
    if isinstance(value, bool):
        return Msg("value.not_date", value=value)
    if isinstance(value, dt.datetime):
        if value.time() != dt.time(0):
            return Msg("value.time_of_day", value=str(value))
        return _in_range(value.date(), str(value.date()))
    if isinstance(value, dt.date):
        return _in_range(value, str(value))
    if isinstance(value, int | float):
        if value != value or value != int(value):  # NaN, or a fraction of a day
            return Msg("value.not_date", value=value)
        return _number(int(value), str(int(value)))
    text = nfkc(str(value)).upper().replace("年度", "年")
    for pattern in (_ERA_DATE, _DATE):
        match = pattern.match(text)
        if match:
            return _from_match(match, str(value))
    for pattern in (_ERA_MONTH, _MONTH):
        match = pattern.match(text)
        if match:
            return _from_match(match, str(value))
    if _ERA_YEAR.match(text) or _YEAR.match(text):
        return Msg("value.year_only", value=str(value))
    if _COMPACT.match(text) or _SERIAL.match(text):
        return _number(int(float(text)), str(value))
    return Msg("value.not_date", value=str(value))


def month_only(value: object) -> bool:
    """A cell that names a month without its day (R6.9, 2024年9月): read as the 1st."""
    if not isinstance(value, str):
        return False
    text = nfkc(value).upper()
    return bool(_ERA_MONTH.match(text) or _MONTH.match(text))


def _number(number: int, shown: str) -> dt.date | Msg:
    match = _COMPACT.match(str(number))
    if match:
        return _checked(int(match["y"]), int(match["m"]), int(match["d"]), shown)
    if 0 < number < 100_000:  # an Excel serial: 1 is 1900-01-01, 73,051 is 2100-01-01
        return _in_range(EXCEL_EPOCH + dt.timedelta(days=number), shown)
    return Msg("value.not_date", value=shown)


def _from_match(match: re.Match[str], shown: str) -> dt.date | Msg:
    if match.groupdict().get("h") is not None and (
        int(match["h"]) or int(match["mi"]) or int(match["s"] or 0) or int(match["f"] or 0)
    ):
        return Msg("value.time_of_day", value=shown)
    groups = match.groupdict()
    month, day = int(match["m"]), int(groups.get("d") or 1)  # a month alone: its first day
    if "era" not in groups:
        return _checked(int(match["y"]), month, day, shown)
    era = _BY_NAME[match["era"]]
    n = 1 if match["y"] == "元" else int(match["y"])
    found = _checked(era.year(n), month, day, shown) if n >= 1 else None
    if isinstance(found, Msg):
        return found
    if found is None or found < era.start or (era.end is not None and found > era.end):
        end = reader_day(era.end) if era.end else Msg("value.era_now")
        return Msg(
            "value.era_range", value=shown, era=era.name, start=reader_day(era.start), end=end
        )
    return found


def latest_plausible(fy: int | None, today: dt.date | None = None) -> dt.date:
    """The last day an office file's date may name: the end of the FY `FUTURE_FYS` after the
    later of the FY computed (None: none given) and today's."""
    current = fiscal.fiscal_year(today or dt.date.today())
    return fiscal.fy_bounds(max(current if fy is None else fy, current) + FUTURE_FYS)[1]


def too_far_ahead(value: object, latest: dt.date) -> Msg:
    """Why a cell's date after `latest` is refused."""
    return Msg("value.date_future", value=value, years=FUTURE_FYS, latest=reader_day(latest))


def reader_day(day: dt.date) -> Msg:
    """A day as the reader reads it: 2019-05-01, or in Japanese 令和元年5月1日 (2019年5月1日)."""
    return Msg("value.era_day", day=day.isoformat(), day_ja=f"{wareki(day)} ({japanese_day(day)})")


def _checked(year: int, month: int, day: int, shown: str) -> dt.date | Msg:
    try:
        found = dt.date(year, month, day)
    except ValueError:
        return Msg("value.impossible_date", value=shown)
    return _in_range(found, shown)


def _in_range(found: dt.date, shown: str) -> dt.date | Msg:
    if not LOWEST_YEAR <= found.year <= HIGHEST_YEAR:
        return Msg("value.date_range", value=shown, low=LOWEST_YEAR, high=HIGHEST_YEAR)
    return found


def to_year(value: object) -> int | Msg:
    """A year or fiscal year cell: `2024`, `2024年度`, `R6`, `令和6年度`, `平成31年度`, `令和元年`.

    An era year must lie in its era: 平成31年度 (FY2019, named before the change) is allowed,
    平成32年 is not.
    """
    if isinstance(value, bool):
        return Msg("value.not_year", value=value)
    if isinstance(value, int | float):
        if value != value or value != int(value):
            return Msg("value.not_year", value=value)
        return int(value)
    text = nfkc(str(value)).upper()
    match = _YEAR.match(text)
    if match:
        return int(match["y"])
    match = _ERA_YEAR.match(text)
    if match is None:
        try:
            number = float(text.replace(",", ""))
        except ValueError:
            return Msg("value.not_year", value=str(value))
        return to_year(number)
    era = _BY_NAME[match["era"]]
    n = 1 if match["y"] == "元" else int(match["y"])
    year = era.year(n)
    if n < 1 or (era.end is not None and year > era.end.year):
        end = reader_day(era.end) if era.end else Msg("value.era_now")
        return Msg(
            "value.era_range", value=str(value), era=era.name, start=reader_day(era.start), end=end
        )
    return year


def wareki(day: dt.date) -> str:
    """A date in the era calendar, as a certificate prints it: 令和8年12月7日 (元年: the first)."""
    era = next(e for e in ERAS if e.start <= day)
    n = day.year - era.start.year + 1
    return f"{era.name}{'元' if n == 1 else n}年{day.month}月{day.day}日"
