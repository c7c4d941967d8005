"""Case deadlines (办理时限) in working days, clock stops (暂停计时), extensions (延期) and warnings (电子监察).

THE deadline function is `compute_deadline`: every deadline in the system (case, statutory, sub-task, urgent)
is `add_working_days(start_day, days + extension_days + stopped_days)` on the hall's working calendar
(chinesecalendar + the hall's overrides, so holidays and 调休 make-up days count as the State Council says).
The day of acceptance does not count: accepted Monday with 1 day → due Tuesday.

Clock stops — the NOON RULE. Time for 现场勘验, 听证, 检验检测, 专家评审 (and 补正 after acceptance) is excluded
from the limit (行政许可法 第四十五条). A working day counts as stopped when the clock was stopped at 12:00 noon
(hall local time) that day: stopped at `t_s`, restarted at `t_e`, day D counts iff `t_s <= D 12:00 < t_e`.
So a stop made in the morning loses that day, a stop made in the afternoon does not; a restart in the morning
gives the day back, a restart in the afternoon does not; a stop from 09:00 to 15:00 on one day counts 1 day;
one from 14:00 to 16:00 counts 0. On restart the deadline moves by exactly the stopped working days
(`Case.stopped_working_days` accumulates; pending sub-task deadlines move by the same count). While the clock is
stopped the deadline shown is projected to now, so the remaining days stay frozen.

Extension (延期): once per case, at most `MAX_EXTENSION_DAYS` (10) working days in total, approved by the hall
manager or the department's chief representative (行政许可法 第四十二条: 二十日 + 经负责人批准延长十日).

Warnings: `warning_level` → "red" when the deadline day has passed (or the case was decided after it),
"yellow" when at most `yellow_warning_days` (setting, default 2) working days remain, else "normal".
The same function judges sub-tasks (联办 steps) against their own deadlines.
"""

from __future__ import annotations

import datetime as dt
from typing import Optional

from sqlalchemy import select
from sqlalchemy.orm import Session

from common import clock
from common.db.engine import Database
from common.db.models import Case, CaseEvent, ClockStop
from common.domain import CaseStatus, ClockStopReason, Role, TaskStatus
from common.errors import InvalidInput, PermissionDenied
from common.services.cases import _core
from common.services.cases._core import CaseSummary, SiteCtx
from common.services.permissions import Actor
from common.validation import limit_text
from common.workdays import WorkingCalendar

STATUTORY_DEFAULT_DAYS = 20  # 行政许可法 第四十二条
MAX_EXTENSION_DAYS = 10
CLOCK_DAY_CUTOFF = dt.time(12, 0)  # the noon rule
DEFAULT_URGENT_PERCENT = 50  # 特办件: half the normal limit, at least 1 working day

NORMAL, YELLOW, RED = "normal", "yellow", "red"
WARNING_LABELS = {NORMAL: "正常", YELLOW: "黄灯预警", RED: "红牌超期"}

# Task kinds whose deadline is the case deadline (they move with extensions); joint sub-tasks keep their own.
FOLLOWS_CASE = ("approval", "escalation")


# --------------------------------------------------------------------------------------------- pure rules


def compute_deadline(
    calendar: WorkingCalendar, start_day: dt.date, days: int, *, extension_days: int = 0, stopped_days: int = 0
) -> dt.date:
    """THE deadline function: the (days + extension + stopped)-th working day after `start_day`."""
    total = int(days) + int(extension_days) + int(stopped_days)
    if total < 0:
        raise ValueError("a time limit cannot be negative")
    return calendar.add_working_days(start_day, total)


def stopped_working_days(
    calendar: WorkingCalendar, started_at: dt.datetime, ended_at: dt.datetime, tz: Optional[str]
) -> int:
    """Working days the clock was stopped, by the noon rule (see the module docstring)."""
    start, end = clock.local(started_at, tz), clock.local(ended_at, tz)
    if end <= start:
        return 0
    zone = clock.zone(tz)
    count = 0
    day = start.date()
    while day <= end.date():
        noon = dt.datetime.combine(day, CLOCK_DAY_CUTOFF, zone)
        if start <= noon < end and calendar.is_working_day(day):
            count += 1
        day += dt.timedelta(days=1)
    return count


def urgent_limit(normal_days: int, requested: Optional[int] = None, percent: int = DEFAULT_URGENT_PERCENT) -> int:
    """特办件: the requested days, or `percent`% of the normal limit rounded down, never below 1."""
    if requested is not None:
        requested = int(requested)
        if requested < 1:
            raise InvalidInput("特办件的办理时限至少为 1 个工作日。")
        if normal_days and requested > normal_days:
            raise InvalidInput(f"特办件的办理时限（{requested} 个工作日）不能长于正常承诺时限（{normal_days} 个工作日）。")
        return requested
    return max(1, int(normal_days) * int(percent) // 100)


def warning_level(
    deadline: Optional[dt.date],
    today: dt.date,
    calendar: WorkingCalendar,
    yellow_days: int = 2,
    *,
    finished_day: Optional[dt.date] = None,
) -> str:
    """'normal' | 'yellow' | 'red' for a case or a sub-task (电子监察 黄灯预警 / 红牌)."""
    if deadline is None:
        return NORMAL
    if finished_day is not None:
        return RED if finished_day > deadline else NORMAL
    if today > deadline:
        return RED
    if calendar.working_days_between(today, deadline) <= yellow_days:
        return YELLOW
    return NORMAL


def remaining_working_days(calendar: WorkingCalendar, today: dt.date, deadline: Optional[dt.date]) -> Optional[int]:
    """Working days left (negative: overdue by that many)."""
    if deadline is None:
        return None
    return calendar.working_days_between(today, deadline)


# --------------------------------------------------------------------------------------------- case helpers


def open_stop(session: Session, case: Case) -> Optional[ClockStop]:
    return session.scalar(
        select(ClockStop).where(ClockStop.case_id == case.id, ClockStop.ended_at.is_(None)).order_by(ClockStop.id.desc())
    )


def refresh_case_deadlines(session: Session, case: Case, site: SiteCtx) -> None:
    """Recompute the case's deadlines from its acceptance day, limit, extension and finished stops."""
    if case.accepted_day is None:
        return
    cal = site.calendar
    case.deadline = compute_deadline(
        cal, case.accepted_day, case.days_limit, extension_days=case.extension_days,
        stopped_days=case.stopped_working_days,
    )
    version = _core.version_of(session, case)
    statutory = version.statutory_days or 0
    case.statutory_deadline = (
        compute_deadline(cal, case.accepted_day, statutory, extension_days=case.extension_days,
                         stopped_days=case.stopped_working_days)
        if statutory > 0 else None
    )
    for task in case.tasks:
        if task.status == TaskStatus.PENDING and (task.kind in FOLLOWS_CASE or task.lead):
            task.deadline = case.deadline


def projected(session: Session, case: Case, site: SiteCtx, now: dt.datetime) -> tuple[Optional[dt.date], int]:
    """(deadline, stopped days so far) with an open clock stop counted up to `now`."""
    if case.deadline is None or case.status != CaseStatus.CLOCK_STOPPED:
        return case.deadline, 0
    stop = open_stop(session, case)
    if stop is None:
        return case.deadline, 0
    extra = stopped_working_days(site.calendar, stop.started_at, now, site.tz)
    return compute_deadline(site.calendar, case.accepted_day, case.days_limit, extension_days=case.extension_days,
                            stopped_days=case.stopped_working_days + extra), extra


def case_warning_in(session: Session, case: Case, site: SiteCtx, now: dt.datetime) -> str:
    today = site.day(now)
    deadline, _ = projected(session, case, site, now)
    finished = site.day(case.finished_at) if case.finished_at is not None else None
    if CaseStatus(case.status) in (CaseStatus.REJECTED, CaseStatus.WITHDRAWN, CaseStatus.AWAITING_MATERIALS):
        return NORMAL
    return warning_level(deadline, today, site.calendar, _core.yellow_days(session, case.site_id),
                         finished_day=finished)


# --------------------------------------------------------------------------------------------- services


def stop_clock(
    db: Database,
    actor: Actor,
    case_no: str,
    reason: ClockStopReason | str,
    note: str,
    *,
    window_id: Optional[int] = None,
    now: Optional[dt.datetime] = None,
) -> CaseSummary:
    """暂停计时 for a legal reason (现场勘验, 听证, 检验检测, 专家评审, 补正…); `note` says what and when
    (e.g. the inspection appointment)."""
    try:
        reason = ClockStopReason(reason)
    except ValueError:
        raise InvalidInput("暂停计时的事由不正确。") from None
    note = limit_text(note, 500, "暂停计时说明", required=True)
    with db.write() as s:
        case = _core.load_case(s, case_no, lock=True)
        _core.require_case_role(actor, case, _core.HANDLING_ROLES, "暂停计时")
        if CaseStatus(case.status) not in _core.RUNNING or case.deadline is None:
            raise InvalidInput(f"办件 {case.case_no} 当前状态为“{CaseStatus(case.status).label}”，不能暂停计时。")
        now = _core.resolve_now(s, now)
        site = _core.site_ctx(s, case.site_id)
        s.add(ClockStop(case_id=case.id, reason=reason, note=note, started_at=now, started_day=site.day(now)))
        previous = CaseStatus(case.status)
        case.status = CaseStatus.CLOCK_STOPPED
        _core.add_event(s, case, "clock_stopped", actor, window_id=window_id, note=note,
                        data={"reason": reason.value, "reason_label": reason.label, "previous_status": previous.value,
                              "at": now})
        return _core.summary(s, case)


def restart_clock(
    db: Database, actor: Actor, case_no: str, *, note: str = "", window_id: Optional[int] = None,
    now: Optional[dt.datetime] = None,
) -> CaseSummary:
    """恢复计时: the deadline (and pending sub-task deadlines) move by exactly the stopped working days."""
    note = limit_text(note, 500, "恢复计时说明")
    with db.write() as s:
        case = _core.load_case(s, case_no, lock=True)
        _core.require_case_role(actor, case, _core.HANDLING_ROLES, "恢复计时")
        stop = open_stop(s, case)
        if CaseStatus(case.status) != CaseStatus.CLOCK_STOPPED or stop is None:
            raise InvalidInput(f"办件 {case.case_no} 没有暂停计时，无需恢复。")
        now = _core.resolve_now(s, now)
        if now < stop.started_at:
            raise InvalidInput("恢复计时的时间不能早于暂停计时的时间。")
        site = _core.site_ctx(s, case.site_id)
        days = stopped_working_days(site.calendar, stop.started_at, now, site.tz)
        stop.ended_at, stop.ended_day, stop.working_days = now, site.day(now), days
        case.stopped_working_days += days
        for task in case.tasks:  # joint sub-tasks keep their own limits, shifted by the same stop
            if task.status == TaskStatus.PENDING and task.deadline is not None and not (
                task.kind in FOLLOWS_CASE or task.lead
            ):
                task.deadline = compute_deadline(site.calendar, task.deadline, 0, stopped_days=days)
        refresh_case_deadlines(s, case, site)
        case.status = _status_before_stop(s, case)
        _core.add_event(s, case, "clock_restarted", actor, window_id=window_id, note=note,
                        data={"stopped_working_days": days, "deadline": case.deadline, "at": now})
        return _core.summary(s, case)


def _status_before_stop(session: Session, case: Case) -> CaseStatus:
    data = session.scalar(
        select(CaseEvent.data)
        .where(CaseEvent.case_id == case.id, CaseEvent.kind == "clock_stopped")
        .order_by(CaseEvent.id.desc())
        .limit(1)
    )
    try:
        status = CaseStatus((data or {}).get("previous_status"))
    except ValueError:
        status = CaseStatus.IN_REVIEW
    return status if status in _core.RUNNING else CaseStatus.IN_REVIEW


def extend(
    db: Database,
    actor: Actor,
    case_no: str,
    days: int,
    approved_by: Actor,
    reason: str,
    *,
    now: Optional[dt.datetime] = None,
) -> CaseSummary:
    """延期: once per case, ≤ 10 working days, approved by the hall manager or the department's chief rep."""
    reason = limit_text(reason, 500, "延期理由", required=True)
    if not approved_by.has(Role.MANAGER, Role.CHIEF_REP) or approved_by.staff_id is None:
        raise PermissionDenied("延期须经中心管理人员或本部门首席代表批准。")
    try:
        days = int(days)
    except (TypeError, ValueError):
        raise InvalidInput("延长的天数必须是整数。") from None
    if not 1 <= days <= MAX_EXTENSION_DAYS:
        raise InvalidInput(f"延长期限应为 1 至 {MAX_EXTENSION_DAYS} 个工作日（行政许可法第四十二条）。")
    with db.write() as s:
        case = _core.load_case(s, case_no, lock=True)
        _core.require_case_role(actor, case, _core.HANDLING_ROLES, "办件延期")
        _core.check_site(approved_by, case)
        if (not approved_by.has(Role.MANAGER) and approved_by.department_id is not None
                and approved_by.department_id != case.department_id):
            raise PermissionDenied(f"{approved_by.name} 不是办件所属部门的首席代表，不能批准延期。")
        if CaseStatus(case.status) not in (*_core.RUNNING, CaseStatus.CLOCK_STOPPED) or case.deadline is None:
            raise InvalidInput(f"办件 {case.case_no} 当前状态为“{CaseStatus(case.status).label}”，不能延期。")
        if case.extension_days:
            raise InvalidInput(f"办件 {case.case_no} 已延期 {case.extension_days} 个工作日，依法只能延期一次。")
        now = _core.resolve_now(s, now)
        site = _core.site_ctx(s, case.site_id)
        old = case.deadline
        case.extension_days = days
        refresh_case_deadlines(s, case, site)
        _core.add_event(s, case, "extended", actor, note=reason,
                        data={"days": days, "approved_by": approved_by.staff_no, "approved_by_name": approved_by.name,
                              "old_deadline": old, "deadline": case.deadline, "at": now})
        return _core.summary(s, case)


def case_warning(db: Database, actor: Actor, case_no: str, *, now: Optional[dt.datetime] = None) -> str:
    """The warning level of one case now ('normal' | 'yellow' | 'red')."""
    with db.read() as s:
        case = _core.load_case(s, case_no)
        _core.require_case_role(actor, case, _core.VIEW_ROLES, "查看办件")
        now = _core.resolve_now(s, now)
        return case_warning_in(s, case, _core.site_ctx(s, case.site_id), now)
