"""Attendance at the windows (考勤): sign in (签到), heartbeat, pause (暂停服务) with a reason, sign out (签退),
and the supervisor's reports on it: the day's attendance, empty posts (缺岗, 002) and idle windows
(只进人不办事 / 门庭冷落, 002).

Rules:
- One open session per window and one per clerk. Signing in again at the same window (after a crash or restart)
  resumes the open session. A session whose counter app stopped beating for more than `STALE_AFTER` may be taken
  over: it is closed as `recovered` at its last heartbeat, never at "now" (the clerk was not there meanwhile).
- Window and staff rows are locked (`FOR UPDATE` on PostgreSQL; SQLite write transactions are IMMEDIATE), staff
  first, then window, so two PCs racing to sign in at one window cannot both win.
- `assert_signed_in` runs inside other services' transactions (the queue engine calls it before every window
  action): the clerk must hold the window's open session and must not be on a break.
- Every change publishes a hall event (window.signed_in / signed_out / paused / resumed) for the hall display and
  writes an audit record, in the same transaction.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from common.clock import DEFAULT_TZ, business_day, day_bounds
from common.db.engine import Database
from common.db.models import (
    Case,
    HallEvent,
    Queue,
    Site,
    Staff,
    Ticket,
    TicketEvent,
    Window,
    WindowBreak,
    WindowQueue,
    WindowSession,
)
from common.domain import Role, TicketEventKind, TicketStatus, window_title
from common.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from common.services.permissions import Actor, require
from common.services.settings import get_setting

# A counter app beats every ~30 s; after this long without a beat the session counts as abandoned.
STALE_AFTER = dt.timedelta(minutes=5)

# Roles that work at a window.
WINDOW_ROLES: tuple[Role, ...] = (Role.CLERK, Role.CHIEF_REP, Role.AGENT)
# Roles that read the attendance reports.
REPORT_ROLES: tuple[Role, ...] = (Role.SUPERVISOR, Role.MANAGER, Role.CHIEF_REP)

# Offered on the pause dialog; any other non-empty text is accepted too.
BREAK_REASONS: list[str] = ["会议", "就餐", "临时离开", "业务培训", "外出勘验", "系统故障", "其他"]
BREAK_REASON_MAX = 200

END_SIGNED_OUT = "signed_out"
END_APP_CLOSED = "app_closed"
END_RECOVERED = "recovered"
END_DAY_CLOSED = "day_closed"
END_REASONS = {
    END_SIGNED_OUT: "签退",
    END_APP_CLOSED: "程序关闭",
    END_RECOVERED: "异常中断（按最后心跳结束）",
    END_DAY_CLOSED: "日终自动签退",
}

_HELD = (TicketStatus.CALLED, TicketStatus.SERVING)


# --------------------------------------------------------------------------------------------- results


@dataclass(frozen=True)
class WindowSessionInfo:
    id: int
    staff_id: int
    staff_no: str
    staff_name: str
    window_id: int
    window_number: int
    window_name: str
    site_id: int
    business_day: dt.date
    started_at: dt.datetime
    ended_at: dt.datetime | None
    end_reason: str
    last_seen_at: dt.datetime | None
    stand_in_for_id: int | None = None
    stand_in_for_name: str | None = None
    on_break: bool = False
    break_reason: str | None = None
    break_started_at: dt.datetime | None = None
    resumed: bool = False  # sign_in found this clerk's open session at the window and continued it
    stale: bool = False  # no heartbeat for longer than STALE_AFTER

    @property
    def is_open(self) -> bool:
        return self.ended_at is None


@dataclass(frozen=True)
class AttendanceRow:
    staff_id: int
    staff: str  # name
    staff_no: str
    window_id: int
    window: str  # "3号窗口 不动产登记"
    window_number: int
    signed_in: dt.datetime
    signed_out: dt.datetime | None  # None: still signed in
    end_reason: str
    minutes_on_duty: int  # signed in and not on a break
    break_minutes: int
    breaks: list[tuple[str, int]] = field(default_factory=list)  # (reason, minutes)
    stand_in_for: str | None = None  # the A岗 holder a B岗 clerk covered for


@dataclass(frozen=True)
class UnstaffedQueue:
    queue_id: int
    queue: str
    prefix: str
    waiting: int
    oldest_wait_minutes: int


@dataclass(frozen=True)
class IdleWindow:
    window_id: int
    window: str
    window_number: int
    staff: list[str]  # names of the clerks signed in that day
    minutes_signed_in: int
    finished_tickets: int = 0
    cases: int = 0


# --------------------------------------------------------------------------------------------- shared helpers


def _now(now: dt.datetime | None) -> dt.datetime:
    if now is None:
        return dt.datetime.now(dt.timezone.utc)
    if now.tzinfo is None:
        raise ValueError("naive datetime given as now")
    return now.astimezone(dt.timezone.utc)


def _site_tz(s: Session, site_id: int | None) -> str:
    if site_id is not None:
        tz = s.scalar(select(Site.timezone).where(Site.id == site_id))
        if tz:
            return tz
    return DEFAULT_TZ


def _stale_after(s: Session, site_id: int | None) -> dt.timedelta:
    minutes = get_setting(s, "session_stale_minutes", site_id)
    try:
        return dt.timedelta(minutes=float(minutes)) if minutes else STALE_AFTER
    except (TypeError, ValueError):
        return STALE_AFTER


def publish_event(s: Session, kind: str, payload: dict[str, Any], site_id: int | None, at: dt.datetime) -> None:
    """Publish through `common.services.events` when it exists, else insert the hall event directly."""
    try:
        from common.services import events  # type: ignore[attr-defined]

        publish = getattr(events, "publish")
    except ImportError:
        publish = None
    if publish is not None:
        publish(s, kind, payload, site_id, at=at)
    else:
        s.add(HallEvent(site_id=site_id, at=at, kind=kind, payload=payload))


def audit_record(s: Session, actor: Actor | None, action: str, entity: str, entity_id: Any, detail: dict) -> None:
    try:
        from common.services.audit import record
    except ImportError:  # pragma: no cover - audit is part of the project
        return
    record(s, actor, action, entity, entity_id, detail)


def window_label(w: Window) -> str:
    return window_title(w.number, w.name)


def _staff_label(st: Staff) -> str:
    return f"{st.name}（{st.staff_no}）"


def _last_beat(ws: WindowSession) -> dt.datetime:
    return ws.last_seen_at or ws.started_at


def _is_stale(ws: WindowSession, now: dt.datetime, threshold: dt.timedelta) -> bool:
    return _last_beat(ws) < now - threshold


def _open_break(s: Session, session_id: int) -> WindowBreak | None:
    return s.scalar(
        select(WindowBreak)
        .where(WindowBreak.session_id == session_id, WindowBreak.ended_at.is_(None))
        .order_by(WindowBreak.id.desc())
        .limit(1)
    )


def _info(
    s: Session, ws: WindowSession, *, now: dt.datetime | None = None, resumed: bool = False
) -> WindowSessionInfo:
    staff = s.get(Staff, ws.staff_id)
    win = s.get(Window, ws.window_id)
    stand_in = s.get(Staff, ws.stand_in_for_id) if ws.stand_in_for_id else None
    brk = _open_break(s, ws.id) if ws.ended_at is None else None
    now = _now(now)
    stale = ws.ended_at is None and _is_stale(ws, now, _stale_after(s, win.site_id))
    return WindowSessionInfo(
        id=ws.id,
        staff_id=ws.staff_id,
        staff_no=staff.staff_no,
        staff_name=staff.name,
        window_id=win.id,
        window_number=win.number,
        window_name=win.name,
        site_id=win.site_id,
        business_day=ws.business_day,
        started_at=ws.started_at,
        ended_at=ws.ended_at,
        end_reason=ws.end_reason or "",
        last_seen_at=ws.last_seen_at,
        stand_in_for_id=ws.stand_in_for_id,
        stand_in_for_name=stand_in.name if stand_in else None,
        on_break=brk is not None,
        break_reason=brk.reason if brk else None,
        break_started_at=brk.started_at if brk else None,
        resumed=resumed,
        stale=stale,
    )


def _event_payload(ws: WindowSession, win: Window, staff: Staff, **extra: Any) -> dict[str, Any]:
    payload = {
        "session_id": ws.id,
        "window_id": win.id,
        "window_number": win.number,
        "window_name": win.name,
        "staff_id": staff.id,
        "staff_no": staff.staff_no,
        "staff_name": staff.name,
    }
    payload.update(extra)
    return payload


def _close_session(
    s: Session, ws: WindowSession, at: dt.datetime, reason: str, actor: Actor | None, now: dt.datetime
) -> None:
    """End a session (and its open break) at `at`, publish window.signed_out and audit it."""
    at = max(at, ws.started_at)
    for brk in s.scalars(select(WindowBreak).where(WindowBreak.session_id == ws.id, WindowBreak.ended_at.is_(None))):
        brk.ended_at = max(at, brk.started_at)
    ws.ended_at = at
    ws.end_reason = reason
    win = s.get(Window, ws.window_id)
    staff = s.get(Staff, ws.staff_id)
    publish_event(
        s, "window.signed_out", _event_payload(ws, win, staff, reason=reason, at=at.isoformat()), win.site_id, now
    )
    audit_record(
        s, actor, "attendance.sign_out", "window_session", ws.id,
        {"window": win.number, "staff_no": staff.staff_no, "reason": reason, "ended_at": at.isoformat()},
    )
    s.flush()


def _load_session(s: Session, session_id: int, *, for_update: bool = False) -> WindowSession:
    q = select(WindowSession).where(WindowSession.id == session_id)
    if for_update:
        q = q.with_for_update()
    ws = s.scalar(q)
    if ws is None:
        raise NotFound(f"找不到签到记录（编号 {session_id}）。")
    return ws


def _require_owner(actor: Actor, ws: WindowSession, action: str, *, manager_may: bool = False) -> None:
    if actor.staff_id is not None and actor.staff_id == ws.staff_id:
        require(actor, *WINDOW_ROLES, action=action)
        return
    if manager_may and actor.has(Role.MANAGER):
        return
    raise PermissionDenied(f"只能对本人的窗口签到执行{action}。")


def _held_tickets(s: Session, window_id: int) -> list[str]:
    return list(
        s.scalars(
            select(Ticket.number)
            .where(Ticket.window_id == window_id, Ticket.status.in_(_HELD))
            .order_by(Ticket.id)
        )
    )


# --------------------------------------------------------------------------------------------- sign in / out


def sign_in(
    db: Database,
    actor: Actor,
    window_id: int,
    *,
    stand_in_for_staff_no: str | None = None,
    now: dt.datetime | None = None,
) -> WindowSessionInfo:
    """签到 at a window; resumes this clerk's open session there, takes over a stale one, refuses a live one."""
    require(actor, *WINDOW_ROLES, action="窗口签到")
    now = _now(now)
    if actor.staff_id is None:
        raise PermissionDenied("系统账号不能在窗口签到，请使用工作人员账号登录。")
    with db.write() as s:
        staff = s.scalar(select(Staff).where(Staff.id == actor.staff_id).with_for_update())
        if staff is None or not staff.active:
            raise PermissionDenied(f"工作人员账号 {actor.staff_no} 不存在或已停用。")
        win = s.scalar(select(Window).where(Window.id == window_id).with_for_update())
        if win is None:
            raise NotFound(f"找不到窗口（编号 {window_id}）。")
        if not win.active:
            raise Conflict(f"{win.number} 号窗口已停用，不能签到。")
        if actor.site_id is not None and actor.site_id != win.site_id and not actor.has(Role.ADMIN):
            raise PermissionDenied(f"{win.number} 号窗口不属于您所在的站点，不能签到。")
        tz = _site_tz(s, win.site_id)
        today = business_day(now, tz)
        threshold = _stale_after(s, win.site_id)

        stand_in_id: int | None = None
        if stand_in_for_staff_no:
            key = str(stand_in_for_staff_no).strip().upper()
            covered = s.scalar(select(Staff).where(Staff.staff_no == key))
            if covered is None:
                raise NotFound(f"找不到被代岗人员（工号 {key[:32]}）。")
            if covered.id == staff.id:
                raise InvalidInput("代岗（B岗）不能选择本人作为被代岗人员。")
            stand_in_id = covered.id

        # The window's open session.
        current = s.scalar(
            select(WindowSession)
            .where(WindowSession.window_id == win.id, WindowSession.ended_at.is_(None))
            .order_by(WindowSession.id.desc())
            .limit(1)
            .with_for_update()
        )
        if current is not None:
            if current.business_day < today:
                _close_session(s, current, _last_beat(current), END_DAY_CLOSED, actor, now)
            elif current.staff_id == staff.id:
                # The same clerk again (crash, restart, second login): continue the open session.
                current.last_seen_at = max(now, _last_beat(current))
                if stand_in_id is not None and current.stand_in_for_id != stand_in_id:
                    current.stand_in_for_id = stand_in_id
                publish_event(
                    s, "window.signed_in", _event_payload(current, win, staff, resumed=True), win.site_id, now
                )
                audit_record(
                    s, actor, "attendance.resume", "window_session", current.id,
                    {"window": win.number, "staff_no": staff.staff_no},
                )
                s.flush()
                return _info(s, current, now=now, resumed=True)
            elif _is_stale(current, now, threshold):
                _close_session(s, current, _last_beat(current), END_RECOVERED, actor, now)
            else:
                holder = s.get(Staff, current.staff_id)
                raise Conflict(
                    f"{win.number} 号窗口已由 {_staff_label(holder)} 签到。"
                    "请该工作人员先签退，或选择其他窗口。"
                )

        # The clerk's open session elsewhere.
        for other in s.scalars(
            select(WindowSession)
            .where(WindowSession.staff_id == staff.id, WindowSession.ended_at.is_(None))
            .with_for_update()
        ).all():
            if other.business_day < today:
                _close_session(s, other, _last_beat(other), END_DAY_CLOSED, actor, now)
            elif _is_stale(other, now, threshold):
                _close_session(s, other, _last_beat(other), END_RECOVERED, actor, now)
            else:
                elsewhere = s.get(Window, other.window_id)
                raise Conflict(f"您已在 {elsewhere.number} 号窗口签到，请先在该窗口签退，再到 {win.number} 号窗口签到。")

        ws = WindowSession(
            staff_id=staff.id,
            window_id=win.id,
            business_day=today,
            started_at=now,
            last_seen_at=now,
            stand_in_for_id=stand_in_id,
            end_reason="",
        )
        s.add(ws)
        s.flush()
        publish_event(s, "window.signed_in", _event_payload(ws, win, staff, resumed=False), win.site_id, now)
        detail: dict[str, Any] = {"window": win.number, "staff_no": staff.staff_no}
        if stand_in_id is not None:
            detail["stand_in_for"] = s.get(Staff, stand_in_id).staff_no
        audit_record(s, actor, "attendance.sign_in", "window_session", ws.id, detail)
        return _info(s, ws, now=now)


def heartbeat(db: Database, session_id: int, now: dt.datetime | None = None) -> WindowSessionInfo:
    """The counter app's beat (~every 30 s). A session closed meanwhile (taken over, day end) raises Conflict."""
    now = _now(now)
    with db.write() as s:
        ws = _load_session(s, session_id)
        if ws.ended_at is not None:
            reason = END_REASONS.get(ws.end_reason, ws.end_reason)
            raise Conflict(f"本次签到已结束（{reason}），请重新签到。")
        if ws.last_seen_at is None or ws.last_seen_at < now:
            ws.last_seen_at = now
        s.flush()
        return _info(s, ws, now=now)


def sign_out(
    db: Database, actor: Actor, session_id: int, reason: str = END_SIGNED_OUT, now: dt.datetime | None = None
) -> WindowSessionInfo:
    """签退. Refused while the window holds a called or serving ticket. Signing out a closed session is a no-op."""
    now = _now(now)
    if reason not in END_REASONS:
        raise InvalidInput(f"未知的签退原因：{str(reason)[:40]}")
    with db.write() as s:
        ws = _load_session(s, session_id, for_update=True)
        _require_owner(actor, ws, "签退", manager_may=True)
        if ws.ended_at is not None:
            return _info(s, ws, now=now)
        held = _held_tickets(s, ws.window_id)
        if held:
            win = s.get(Window, ws.window_id)
            raise Conflict(
                f"{win.number} 号窗口还有正在叫号或办理中的号码（{'、'.join(held)}），请先办结或转移后再签退。"
            )
        _close_session(s, ws, now, reason, actor, now)
        return _info(s, ws, now=now)


def start_break(
    db: Database, actor: Actor, session_id: int, reason: str, now: dt.datetime | None = None
) -> WindowSessionInfo:
    """暂停服务 with a reason (会议、就餐、临时离开、业务培训…). One open break at a time."""
    now = _now(now)
    reason = (reason or "").strip() if isinstance(reason, str) else ""
    if not reason:
        raise InvalidInput("请选择或填写暂停服务的原因（如：会议、就餐、临时离开、业务培训）。")
    if len(reason) > BREAK_REASON_MAX:
        raise InvalidInput(f"暂停原因不能超过 {BREAK_REASON_MAX} 个字。")
    with db.write() as s:
        ws = _load_session(s, session_id, for_update=True)
        _require_owner(actor, ws, "暂停服务")
        if ws.ended_at is not None:
            raise Conflict("本次签到已结束，请重新签到。")
        current = _open_break(s, ws.id)
        if current is not None:
            raise Conflict(f"当前已处于暂停服务状态（{current.reason}）。")
        held = _held_tickets(s, ws.window_id)
        if held:
            raise Conflict(f"请先办结、挂起或转移当前号码（{'、'.join(held)}），再暂停服务。")
        brk = WindowBreak(session_id=ws.id, started_at=now, reason=reason)
        s.add(brk)
        ws.last_seen_at = max(now, _last_beat(ws))
        s.flush()
        win = s.get(Window, ws.window_id)
        staff = s.get(Staff, ws.staff_id)
        publish_event(s, "window.paused", _event_payload(ws, win, staff, reason=reason), win.site_id, now)
        audit_record(
            s, actor, "attendance.pause", "window_session", ws.id,
            {"window": win.number, "reason": reason, "break_id": brk.id},
        )
        return _info(s, ws, now=now)


def end_break(db: Database, actor: Actor, session_id: int, now: dt.datetime | None = None) -> WindowSessionInfo:
    """恢复服务."""
    now = _now(now)
    with db.write() as s:
        ws = _load_session(s, session_id, for_update=True)
        _require_owner(actor, ws, "恢复服务")
        if ws.ended_at is not None:
            raise Conflict("本次签到已结束，请重新签到。")
        brk = _open_break(s, ws.id)
        if brk is None:
            raise Conflict("当前未处于暂停服务状态。")
        brk.ended_at = max(now, brk.started_at)
        ws.last_seen_at = max(now, _last_beat(ws))
        s.flush()
        win = s.get(Window, ws.window_id)
        staff = s.get(Staff, ws.staff_id)
        minutes = int((brk.ended_at - brk.started_at).total_seconds() // 60)
        publish_event(
            s, "window.resumed", _event_payload(ws, win, staff, reason=brk.reason, minutes=minutes), win.site_id, now
        )
        audit_record(
            s, actor, "attendance.resume_service", "window_session", ws.id,
            {"window": win.number, "reason": brk.reason, "minutes": minutes, "break_id": brk.id},
        )
        return _info(s, ws, now=now)


# --------------------------------------------------------------------------------------------- lookups


def open_session(db: Database, window_id: int, *, now: dt.datetime | None = None) -> WindowSessionInfo | None:
    """The window's open session (possibly `stale`), or None."""
    with db.read() as s:
        ws = s.scalar(
            select(WindowSession)
            .where(WindowSession.window_id == window_id, WindowSession.ended_at.is_(None))
            .order_by(WindowSession.id.desc())
            .limit(1)
        )
        return _info(s, ws, now=now) if ws is not None else None


def session_for_staff(db: Database, staff_id: int, *, now: dt.datetime | None = None) -> WindowSessionInfo | None:
    """The clerk's open session, or None."""
    with db.read() as s:
        ws = s.scalar(
            select(WindowSession)
            .where(WindowSession.staff_id == staff_id, WindowSession.ended_at.is_(None))
            .order_by(WindowSession.id.desc())
            .limit(1)
        )
        return _info(s, ws, now=now) if ws is not None else None


def assert_signed_in(session: Session, actor: Actor, window_id: int) -> int:
    """Inside another service's transaction: the actor holds the window's open session and is not paused.

    Returns the session id. Raises PermissionDenied otherwise (the queue engine calls this before every action).
    """
    win = session.get(Window, window_id)
    if win is None:
        raise NotFound(f"找不到窗口（编号 {window_id}）。")
    if actor.staff_id is None:
        raise PermissionDenied(f"您尚未在 {win.number} 号窗口签到。")
    ws = session.scalar(
        select(WindowSession)
        .where(
            WindowSession.window_id == window_id,
            WindowSession.staff_id == actor.staff_id,
            WindowSession.ended_at.is_(None),
        )
        .order_by(WindowSession.id.desc())
        .limit(1)
    )
    if ws is None:
        elsewhere = session.scalar(
            select(Window.number)
            .join(WindowSession, WindowSession.window_id == Window.id)
            .where(WindowSession.staff_id == actor.staff_id, WindowSession.ended_at.is_(None))
            .limit(1)
        )
        hint = f"（您当前签到的是 {elsewhere} 号窗口）" if elsewhere is not None else "，请先签到"
        raise PermissionDenied(f"您尚未在 {win.number} 号窗口签到{hint}。")
    if _open_break(session, ws.id) is not None:
        raise PermissionDenied("当前处于暂停服务状态，请先恢复服务。")
    return ws.id


# --------------------------------------------------------------------------------------------- housekeeping


def close_stale_sessions(db: Database, now: dt.datetime | None = None, *, day_end: bool = False) -> int:
    """Close abandoned sessions; returns how many were closed.

    - no heartbeat for longer than the threshold: closed as `recovered` at the last heartbeat;
    - opened on an earlier business day: closed as `day_closed` at the last heartbeat;
    - `day_end=True` (the hall closes): every remaining open session is closed as `day_closed` now.
    """
    now = _now(now)
    closed = 0
    with db.write() as s:
        rows = s.execute(
            select(WindowSession, Window.site_id)
            .join(Window, Window.id == WindowSession.window_id)
            .where(WindowSession.ended_at.is_(None))
            .order_by(WindowSession.id)
            .with_for_update(of=WindowSession)
        ).all()
        tz_cache: dict[int, tuple[str, dt.timedelta]] = {}
        for ws, site_id in rows:
            if site_id not in tz_cache:
                tz_cache[site_id] = (_site_tz(s, site_id), _stale_after(s, site_id))
            tz, threshold = tz_cache[site_id]
            if ws.business_day < business_day(now, tz):
                _close_session(s, ws, _last_beat(ws), END_DAY_CLOSED, None, now)
            elif _is_stale(ws, now, threshold):
                _close_session(s, ws, _last_beat(ws), END_RECOVERED, None, now)
            elif day_end:
                _close_session(s, ws, now, END_DAY_CLOSED, None, now)
            else:
                continue
            closed += 1
    return closed


# --------------------------------------------------------------------------------------------- reports


def _check_report_actor(actor: Actor | None, action: str) -> None:
    if actor is not None:
        require(actor, *REPORT_ROLES, action=action)


def _minutes(seconds: float) -> int:
    return max(0, int(seconds // 60))


def attendance_day(
    db: Database, site_id: int, day: dt.date, *, now: dt.datetime | None = None, actor: Actor | None = None
) -> list[AttendanceRow]:
    """考勤日报: every session of the day at the site's windows, with its breaks. Open sessions run to `now`."""
    _check_report_actor(actor, "查看考勤")
    now = _now(now)
    with db.read() as s:
        tz = _site_tz(s, site_id)
        _, day_end = day_bounds(day, tz)
        rows = s.execute(
            select(WindowSession, Window, Staff)
            .join(Window, Window.id == WindowSession.window_id)
            .join(Staff, Staff.id == WindowSession.staff_id)
            .where(Window.site_id == site_id, WindowSession.business_day == day)
            .order_by(Window.number, WindowSession.started_at, WindowSession.id)
        ).all()
        ids = [ws.id for ws, _, _ in rows]
        breaks: dict[int, list[WindowBreak]] = {}
        if ids:
            for brk in s.scalars(
                select(WindowBreak).where(WindowBreak.session_id.in_(ids)).order_by(WindowBreak.started_at)
            ):
                breaks.setdefault(brk.session_id, []).append(brk)
        covered_ids = {ws.stand_in_for_id for ws, _, _ in rows if ws.stand_in_for_id}
        covered = (
            {st.id: st.name for st in s.scalars(select(Staff).where(Staff.id.in_(covered_ids)))} if covered_ids else {}
        )
        out: list[AttendanceRow] = []
        for ws, win, staff in rows:
            end = ws.ended_at or max(ws.started_at, min(now, day_end))
            brk_list: list[tuple[str, int]] = []
            brk_seconds = 0.0
            for brk in breaks.get(ws.id, []):
                b_end = brk.ended_at or end
                secs = max(0.0, (min(b_end, end) - brk.started_at).total_seconds())
                brk_seconds += secs
                brk_list.append((brk.reason, _minutes(secs)))
            total = max(0.0, (end - ws.started_at).total_seconds())
            out.append(
                AttendanceRow(
                    staff_id=staff.id,
                    staff=staff.name,
                    staff_no=staff.staff_no,
                    window_id=win.id,
                    window=window_label(win),
                    window_number=win.number,
                    signed_in=ws.started_at,
                    signed_out=ws.ended_at,
                    end_reason=ws.end_reason or "",
                    minutes_on_duty=_minutes(total - brk_seconds),
                    break_minutes=_minutes(brk_seconds),
                    breaks=brk_list,
                    stand_in_for=covered.get(ws.stand_in_for_id) if ws.stand_in_for_id else None,
                )
            )
        return out


def _staffed_window_ids(s: Session, site_id: int, now: dt.datetime) -> set[int]:
    """Windows with a live (not stale) open session whose clerk is not on a break."""
    threshold = _stale_after(s, site_id)
    sessions = s.scalars(
        select(WindowSession)
        .join(Window, Window.id == WindowSession.window_id)
        .where(Window.site_id == site_id, Window.active.is_(True), WindowSession.ended_at.is_(None))
    ).all()
    live = {ws.id: ws.window_id for ws in sessions if not _is_stale(ws, now, threshold)}
    if not live:
        return set()
    paused = set(
        s.scalars(
            select(WindowBreak.session_id).where(
                WindowBreak.session_id.in_(list(live)), WindowBreak.ended_at.is_(None)
            )
        )
    )
    return {window_id for sid, window_id in live.items() if sid not in paused}


def unstaffed_queues(
    db: Database, site_id: int, now: dt.datetime | None = None, *, actor: Actor | None = None
) -> list[UnstaffedQueue]:
    """缺岗 (002): queues with waiting tickets while no window serving them has a clerk signed in and working."""
    _check_report_actor(actor, "查看缺岗情况")
    now = _now(now)
    with db.read() as s:
        today = business_day(now, _site_tz(s, site_id))
        waiting = s.execute(
            select(Ticket.queue_id, func.count(Ticket.id), func.min(Ticket.queued_at))
            .where(
                Ticket.site_id == site_id,
                Ticket.status == TicketStatus.WAITING,
                Ticket.business_day == today,
                Ticket.queued_at <= now,
            )
            .group_by(Ticket.queue_id)
        ).all()
        if not waiting:
            return []
        staffed = _staffed_window_ids(s, site_id, now)
        served_queues: set[int] = set()
        if staffed:
            served_queues = set(
                s.scalars(select(WindowQueue.queue_id).where(WindowQueue.window_id.in_(list(staffed))))
            )
        queues = {q.id: q for q in s.scalars(select(Queue).where(Queue.id.in_([r[0] for r in waiting])))}
        out = []
        for queue_id, count, oldest in waiting:
            if queue_id in served_queues:
                continue
            q = queues[queue_id]
            oldest_minutes = _minutes((now - oldest).total_seconds()) if oldest is not None else 0
            out.append(UnstaffedQueue(q.id, q.name, q.prefix, int(count), oldest_minutes))
        out.sort(key=lambda u: (-u.oldest_wait_minutes, u.prefix))
        return out


def idle_windows(
    db: Database, site_id: int, day: dt.date, *, now: dt.datetime | None = None, actor: Actor | None = None
) -> list[IdleWindow]:
    """只进人不办事 / 门庭冷落 (002): windows where a clerk signed in that day and nothing was finished or accepted."""
    _check_report_actor(actor, "查看窗口办件情况")
    now = _now(now)
    with db.read() as s:
        tz = _site_tz(s, site_id)
        start, end = day_bounds(day, tz)
        sessions = s.execute(
            select(WindowSession, Window, Staff)
            .join(Window, Window.id == WindowSession.window_id)
            .join(Staff, Staff.id == WindowSession.staff_id)
            .where(Window.site_id == site_id, WindowSession.business_day == day)
            .order_by(Window.number, WindowSession.started_at)
        ).all()
        if not sessions:
            return []
        window_ids = list({win.id for _, win, _ in sessions})
        tickets_by_window: dict[int, set[int]] = {}
        # Finished tickets: the ticket's own window, or the window named on its 'finished' event.
        for tid, wid in s.execute(
            select(Ticket.id, Ticket.window_id).where(
                Ticket.window_id.in_(window_ids),
                Ticket.status == TicketStatus.DONE,
                or_(Ticket.business_day == day, (Ticket.finished_at >= start) & (Ticket.finished_at < end)),
            )
        ):
            tickets_by_window.setdefault(wid, set()).add(tid)
        for tid, wid in s.execute(
            select(TicketEvent.ticket_id, TicketEvent.window_id).where(
                TicketEvent.window_id.in_(window_ids),
                TicketEvent.kind == TicketEventKind.FINISHED,
                TicketEvent.at >= start,
                TicketEvent.at < end,
            )
        ):
            tickets_by_window.setdefault(wid, set()).add(tid)
        cases = dict(
            s.execute(
                select(Case.accepting_window_id, func.count(Case.id))
                .where(
                    Case.accepting_window_id.in_(window_ids),
                    or_(Case.accepted_day == day, (Case.created_at >= start) & (Case.created_at < end)),
                )
                .group_by(Case.accepting_window_id)
            ).all()
        )
        grouped: dict[int, dict[str, Any]] = {}
        for ws, win, staff in sessions:
            g = grouped.setdefault(win.id, {"win": win, "staff": [], "seconds": 0.0})
            if staff.name not in g["staff"]:
                g["staff"].append(staff.name)
            stop = ws.ended_at or max(ws.started_at, min(now, end))
            g["seconds"] += max(0.0, (stop - ws.started_at).total_seconds())
        out = []
        for wid, g in grouped.items():
            finished = len(tickets_by_window.get(wid, ()))
            n_cases = int(cases.get(wid, 0))
            if finished or n_cases:
                continue
            win = g["win"]
            out.append(
                IdleWindow(wid, window_label(win), win.number, g["staff"], _minutes(g["seconds"]), finished, n_cases)
            )
        out.sort(key=lambda w: w.window_number)
        return out


__all__ = [
    "AttendanceRow",
    "BREAK_REASONS",
    "END_REASONS",
    "IdleWindow",
    "STALE_AFTER",
    "UnstaffedQueue",
    "WindowSessionInfo",
    "assert_signed_in",
    "attendance_day",
    "close_stale_sessions",
    "end_break",
    "heartbeat",
    "idle_windows",
    "open_session",
    "session_for_staff",
    "sign_in",
    "sign_out",
    "start_break",
    "unstaffed_queues",
]
