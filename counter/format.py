"""Plain formatting helpers shared by the counter's views (no Qt)."""

from __future__ import annotations

import datetime as dt

from common.clock import DEFAULT_TZ, local
from common.domain import Priority, TicketStatus


def duration(seconds: float | int | None) -> str:
    """mm:ss under an hour, h:mm:ss above; "—" for None."""
    if seconds is None:
        return "—"
    seconds = max(0, int(seconds))
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m:02d}:{s:02d}"


def minutes_text(seconds: float | int | None) -> str:
    if seconds is None:
        return "—"
    minutes = max(0, int(seconds)) // 60
    if minutes < 1:
        return "不到 1 分钟"
    if minutes < 60:
        return f"{minutes} 分钟"
    return f"{minutes // 60} 小时 {minutes % 60} 分钟"


def clock(at: dt.datetime | None, tz: str | None = None) -> str:
    if at is None:
        return "—"
    return local(at, tz or DEFAULT_TZ).strftime("%H:%M")


def priority_label(value: str | None) -> str:
    try:
        return Priority(value).label if value else ""
    except ValueError:
        return str(value)


def is_priority(value: str | None) -> bool:
    return bool(value) and value != Priority.NORMAL.value


def status_label(value: str | None) -> str:
    try:
        return TicketStatus(value).label if value else ""
    except ValueError:
        return str(value)


def wait_range(lo: int | None, hi: int | None) -> str:
    if lo is None or hi is None:
        return "暂无窗口办理"
    if hi <= 0:
        return "无需等候"
    if lo == hi:
        return f"约 {lo} 分钟"
    return f"约 {lo}–{hi} 分钟"


def cn_date(day: dt.date | None) -> str:
    """2026年3月16日; "—" for None."""
    if day is None:
        return "—"
    return f"{day.year}年{day.month}月{day.day}日"


def month_day(day: dt.date | None) -> str:
    """03-16 (short, for tables); "—" for None."""
    if day is None:
        return "—"
    return f"{day:%m-%d}"


def date_time(at: dt.datetime | None, tz: str | None = None) -> str:
    """2026-03-16 09:30 in the hall's time zone."""
    if at is None:
        return "—"
    return local(at, tz or DEFAULT_TZ).strftime("%Y-%m-%d %H:%M")


def remaining_text(days: int | None) -> str:
    """Working days left as words: 剩 3 个工作日 / 今日到期 / 超期 2 个工作日."""
    if days is None:
        return "—"
    if days > 0:
        return f"剩 {days} 个工作日"
    if days == 0:
        return "今日到期"
    return f"超期 {-days} 个工作日"

