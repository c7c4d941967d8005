"""Time in the hall: UTC in storage, the hall's local date as its business day (营业日)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

DEFAULT_TZ = "Asia/Shanghai"


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def zone(name: str | None) -> ZoneInfo:
    return ZoneInfo(name or DEFAULT_TZ)


def local(at: dt.datetime, tz: str | None) -> dt.datetime:
    return at.astimezone(zone(tz))


def business_day(at: dt.datetime, tz: str | None) -> dt.date:
    """The hall's local calendar date of an instant (never a UTC date)."""
    return local(at, tz).date()


def local_time(at: dt.datetime, tz: str | None) -> dt.time:
    return local(at, tz).time()


def day_bounds(day: dt.date, tz: str | None) -> tuple[dt.datetime, dt.datetime]:
    """[start, end) of a local day, as UTC instants, for range queries on timestamps."""
    z = zone(tz)
    start = dt.datetime.combine(day, dt.time(0), z)
    end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), z)
    return start.astimezone(dt.timezone.utc), end.astimezone(dt.timezone.utc)
