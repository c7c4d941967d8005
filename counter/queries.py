"""Read-only look-ups the counter needs that `common.services` does not offer (yet).

Proposed for `common.services` (queue / attendance); they live here, outside any Qt code, so the GUI never
writes SQL. Each is one read transaction returning plain dataclasses, like every service.

- `list_windows(db, site_id)`: the window picker at login and the transfer / consultation dialogs.
- `parked_tickets(db, window_id)`: the 挂起 list of the workspace.
- `today_figures(db, window_id, staff_id)`: today's own served / average service time / no-shows.
- `transfer_clerks(db, site_id, exclude_window_id)`: clerks signed in at other windows (转给工作人员).
- `clerk_card(db, window_id)`: who is signed in at a window, with photo (亮牌服务 on the rating pad).
- `window_by_number(db, site_id, number)`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select

from common.clock import business_day, day_bounds, utcnow
from common.db.engine import Database
from common.db.models import Queue, Site, Staff, Ticket, TicketEvent, Window, WindowQueue, WindowSession
from common.domain import TicketEventKind, TicketStatus, window_title
from common.errors import NotFound


@dataclass(frozen=True)
class WindowChoice:
    id: int
    number: int
    name: str
    zone: str
    queues: str  # "A 企业开办、F 税务办理"
    department: str = ""

    @property
    def label(self) -> str:
        base = window_title(self.number, self.name)
        return f"{base}（{self.queues}）" if self.queues else base


@dataclass(frozen=True)
class ParkedTicket:
    ticket_id: int
    number: str
    queue_name: str
    parked_at: dt.datetime | None
    note: str


@dataclass(frozen=True)
class TodayFigures:
    served: int
    avg_service_seconds: int | None
    no_shows: int
    transferred: int = 0


@dataclass(frozen=True)
class ClerkChoice:
    staff_id: int
    staff_no: str
    name: str
    window_id: int
    window_number: int

    @property
    def label(self) -> str:
        return f"{self.name}（{self.staff_no}）· {self.window_number}号窗口"


@dataclass(frozen=True)
class ClerkCard:
    window_id: int
    window_number: int
    window_name: str
    staff_id: int | None
    staff_no: str
    staff_name: str
    title: str
    photo_path: str
    on_break: bool = False
    break_reason: str = ""


def _site_tz(s, site_id: int) -> str:
    return s.scalar(select(Site.timezone).where(Site.id == site_id)) or "Asia/Shanghai"


def list_windows(db: Database, site_id: int) -> list[WindowChoice]:
    with db.read() as s:
        wins = s.scalars(
            select(Window).where(Window.site_id == site_id, Window.active.is_(True)).order_by(Window.number)
        ).all()
        rows = s.execute(
            select(WindowQueue.window_id, Queue.prefix, Queue.name)
            .join(Queue, Queue.id == WindowQueue.queue_id)
            .where(WindowQueue.window_id.in_([w.id for w in wins] or [0]))
            .order_by(WindowQueue.weight.desc(), Queue.position, Queue.prefix)
        ).all()
        served: dict[int, list[str]] = {}
        for wid, prefix, name in rows:
            served.setdefault(wid, []).append(f"{prefix} {name}")
        return [WindowChoice(w.id, w.number, w.name, w.zone or "", "、".join(served.get(w.id, []))) for w in wins]


def window_by_number(db: Database, site_id: int, number: int) -> WindowChoice:
    for w in list_windows(db, site_id):
        if w.number == number:
            return w
    raise NotFound(f"找不到 {number} 号窗口（或已停用）。请检查本机配置 [machine] window。")


def parked_tickets(db: Database, window_id: int) -> list[ParkedTicket]:
    with db.read() as s:
        rows = s.execute(
            select(Ticket.id, Ticket.number, Queue.name, Ticket.note)
            .join(Queue, Queue.id == Ticket.queue_id)
            .where(Ticket.window_id == window_id, Ticket.status == TicketStatus.PARKED)
            .order_by(Ticket.id)
        ).all()
        out = []
        for tid, number, qname, note in rows:
            ev = s.execute(
                select(TicketEvent.at, TicketEvent.note)
                .where(TicketEvent.ticket_id == tid, TicketEvent.kind == TicketEventKind.PARKED)
                .order_by(TicketEvent.id.desc())
                .limit(1)
            ).first()
            out.append(ParkedTicket(tid, number, qname, ev[0] if ev else None, (ev[1] if ev and ev[1] else note) or ""))
        return out


def today_figures(db: Database, window_id: int, staff_id: int, now: dt.datetime | None = None) -> TodayFigures:
    """The clerk's own figures today (from the ticket events): served, average service time, no-shows."""
    now = now or utcnow()
    with db.read() as s:
        site_id = s.scalar(select(Window.site_id).where(Window.id == window_id))
        if site_id is None:
            raise NotFound(f"找不到窗口（编号 {window_id}）。")
        start, end = day_bounds(business_day(now, _site_tz(s, site_id)), _site_tz(s, site_id))
        kinds = (TicketEventKind.CALLED, TicketEventKind.STARTED, TicketEventKind.RESUMED,
                 TicketEventKind.FINISHED, TicketEventKind.NO_SHOW, TicketEventKind.TRANSFERRED)
        rows = s.execute(
            select(TicketEvent.ticket_id, TicketEvent.kind, TicketEvent.at)
            .where(TicketEvent.staff_id == staff_id, TicketEvent.at >= start, TicketEvent.at < end,
                   TicketEvent.kind.in_(kinds))
            .order_by(TicketEvent.at, TicketEvent.id)
        ).all()
    began: dict[int, dt.datetime] = {}
    durations: list[float] = []
    served = no_shows = transferred = 0
    for tid, kind, at in rows:
        if kind in (TicketEventKind.CALLED, TicketEventKind.RESUMED):
            began.setdefault(tid, at)
        elif kind is TicketEventKind.STARTED:
            began[tid] = at
        elif kind is TicketEventKind.FINISHED:
            served += 1
            if tid in began:
                durations.append(max(0.0, (at - began.pop(tid)).total_seconds()))
        elif kind is TicketEventKind.NO_SHOW:
            no_shows += 1
            began.pop(tid, None)
        elif kind is TicketEventKind.TRANSFERRED:
            transferred += 1
            began.pop(tid, None)
    avg = int(sum(durations) / len(durations)) if durations else None
    return TodayFigures(served, avg, no_shows, transferred)


def transfer_clerks(db: Database, site_id: int, exclude_window_id: int | None = None) -> list[ClerkChoice]:
    with db.read() as s:
        rows = s.execute(
            select(Staff.id, Staff.staff_no, Staff.name, Window.id, Window.number)
            .join(WindowSession, WindowSession.staff_id == Staff.id)
            .join(Window, Window.id == WindowSession.window_id)
            .where(Window.site_id == site_id, WindowSession.ended_at.is_(None))
            .order_by(Window.number)
        ).all()
    return [ClerkChoice(*r) for r in rows if r[3] != exclude_window_id]


def clerk_card(db: Database, window_id: int) -> ClerkCard:
    """The window and the clerk signed in there now (staff fields empty when nobody is)."""
    from common.db.models import WindowBreak

    with db.read() as s:
        win = s.get(Window, window_id)
        if win is None:
            raise NotFound(f"找不到窗口（编号 {window_id}）。")
        row = s.execute(
            select(WindowSession.id, Staff)
            .join(Staff, Staff.id == WindowSession.staff_id)
            .where(WindowSession.window_id == window_id, WindowSession.ended_at.is_(None))
            .order_by(WindowSession.id.desc())
            .limit(1)
        ).first()
        if row is None:
            return ClerkCard(win.id, win.number, win.name, None, "", "", "", "")
        session_id, staff = row
        brk = s.scalar(
            select(WindowBreak.reason).where(WindowBreak.session_id == session_id, WindowBreak.ended_at.is_(None))
        )
        return ClerkCard(win.id, win.number, win.name, staff.id, staff.staff_no, staff.name, staff.title or "",
                         staff.photo_path or "", brk is not None, brk or "")
