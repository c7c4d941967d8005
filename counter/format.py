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
