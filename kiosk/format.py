"""Wording shared by several screens (kept apart from layout so the ticket slip can reuse it)."""

from __future__ import annotations

from common.domain import Priority
from kiosk.i18n import tr


def wait_range(est_min: int | None, est_max: int | None, open_windows: int | None = None) -> str:
    """"约 10–20 分钟", "无需等待", or "暂无窗口办理" when nobody serves the queue right now."""
    if open_windows == 0 or est_max is None:
        return tr("暂无窗口办理")
    low = est_min if est_min is not None else est_max
    if est_max <= 0:
        return tr("无需等待")
    if low == est_max:
        return tr("约 {a} 分钟").format(a=est_max)
    return tr("约 {a}–{b} 分钟").format(a=low, b=est_max)


def wait_range_zh(est_min: int | None, est_max: int | None) -> str | None:
    """The same in Chinese for the printed slip (None: leave the line out)."""
    if est_max is None:
        return None
    low = est_min if est_min is not None else est_max
    if est_max <= 0:
        return "无需等待"
    return f"约 {est_max} 分钟" if low == est_max else f"约 {low}–{est_max} 分钟"


def priority_label(priority: Priority | str | None) -> str:
    """The translated label of a priority category ("" for an ordinary ticket)."""
    if priority is None:
        return ""
    p = Priority(priority)
    return "" if p is Priority.NORMAL else tr(p.label)


def format_phone(digits: str) -> str:
    """"13812345678" → "138 1234 5678" for the on-screen display."""
    parts = [digits[:3], digits[3:7], digits[7:]]
    return " ".join(p for p in parts if p)
