"""Report periods: a run of whole calendar months, in the site's time zone.

Periods are whole months so that every figure is a sum of monthly cells, each suppressed
in its month's grid (``lms.core.suppression``, rule 3): a period of days would let two
overlapping periods give back one day's small count.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.http import QueryDict
from django.utils import timezone

MAX_MONTHS = 24
DEFAULT_MONTHS = 6


def report_tz() -> ZoneInfo:
    """Months begin at midnight in the site's time zone."""
    return ZoneInfo(settings.TIME_ZONE)


def add_months(day: datetime.date, months: int) -> datetime.date:
    index = day.year * 12 + day.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True)
class Period:
    """``months`` calendar months from the month of ``first`` (its first day)."""

    first: datetime.date
    months: int

    @property
    def month_starts(self) -> list[datetime.date]:
        return [add_months(self.first, i) for i in range(self.months)]

    @property
    def last(self) -> datetime.date:
        return add_months(self.first, self.months - 1)

    @property
    def start(self) -> datetime.datetime:
        return datetime.datetime.combine(self.first, datetime.time(), tzinfo=report_tz())

    @property
    def end(self) -> datetime.datetime:
        """The first instant after the period."""
        after = add_months(self.first, self.months)
        return datetime.datetime.combine(after, datetime.time(), tzinfo=report_tz())

    @property
    def slug(self) -> str:
        return f"{self.first:%Y-%m}_{self.last:%Y-%m}"

    def query(self) -> dict[str, str]:
        """The query string that gives this period back (``period_from_query``)."""
        return {"from": f"{self.first:%Y-%m}", "to": f"{self.last:%Y-%m}"}


def parse_month(text: str) -> datetime.date | None:
    match = re.fullmatch(r"(\d{4})-(\d{2})", (text or "").strip())
    if not match or not 1 <= int(match[2]) <= 12 or int(match[1]) < 2000:
        return None
    return datetime.date(int(match[1]), int(match[2]), 1)


def period_from_query(query: QueryDict, *, today: datetime.date | None = None) -> Period:
    """The months a report's query string asks for (``from`` and ``to``, ``YYYY-MM``); the
    last six months up to this one when it asks for none or for something that is not a
    month (never an error: a report always shows). At most ``MAX_MONTHS``."""
    today = today or timezone.localdate(timezone.now(), report_tz())
    this_month = today.replace(day=1)
    last = parse_month(query.get("to", "")) or this_month
    first = parse_month(query.get("from", "")) or add_months(last, 1 - DEFAULT_MONTHS)
    if last < first:
        first, last = last, first
    months = (last.year - first.year) * 12 + last.month - first.month + 1
    if months > MAX_MONTHS:
        first = add_months(last, 1 - MAX_MONTHS)
        months = MAX_MONTHS
    return Period(first=first, months=months)
