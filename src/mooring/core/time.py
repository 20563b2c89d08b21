"""Clock helpers: the one place outside tests that reads the time, in a clinic's zone."""

from __future__ import annotations

import zoneinfo
from datetime import date, datetime

from django.utils import timezone


def now() -> datetime:
    return timezone.now()


def today_at(tz: zoneinfo.ZoneInfo | str) -> date:
    zone = zoneinfo.ZoneInfo(tz) if isinstance(tz, str) else tz
    return timezone.now().astimezone(zone).date()


def local_day_bounds(day: date, tz: zoneinfo.ZoneInfo) -> tuple[datetime, datetime]:
    """The [start, end) of a local calendar day as aware datetimes (DST-safe)."""
    start = datetime(day.year, day.month, day.day, tzinfo=tz)
    next_day = date.fromordinal(day.toordinal() + 1)
    end = datetime(next_day.year, next_day.month, next_day.day, tzinfo=tz)
    return start, end
