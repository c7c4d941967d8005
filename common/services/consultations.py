"""首问负责 (first-contact responsibility): the first clerk asked about something their window does not handle
records the question and where the citizen was sent, so "找不到人、两头跑" can be traced back (002/004).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select

from common.clock import day_bounds
from common.db.engine import Database
from common.db.models import Consultation, ServiceItem, ServiceItemVersion, Staff, Ticket, Window
from common.domain import Role
from common.errors import InvalidInput, NotFound, PermissionDenied
from common.services.attendance import WINDOW_ROLES, _now, _site_tz, audit_record
from common.services.permissions import Actor, require

TOPIC_MAX = 500
DIRECTED_TO_MAX = 200
# Who sees every window's consultations (a clerk sees their own).
OVERSEER_ROLES = (Role.SUPERVISOR, Role.MANAGER, Role.CHIEF_REP)


@dataclass(frozen=True)
class ConsultationInfo:
    id: int
    staff_id: int
    staff_name: str
    staff_no: str
    window_id: int | None
    window_number: int | None
    window_name: str
    item_id: int | None
    item_code: str | None
    item_name: str | None
    ticket_id: int | None
    ticket_number: str | None
    topic: str
    directed_to: str
    created_at: dt.datetime


def _info(s, c: Consultation) -> ConsultationInfo:
    staff = s.get(Staff, c.staff_id)
    win = s.get(Window, c.window_id) if c.window_id else None
    item = s.get(ServiceItem, c.item_id) if c.item_id else None
    item_name = None
    if item is not None and item.current_version_id:
        item_name = s.scalar(select(ServiceItemVersion.name).where(ServiceItemVersion.id == item.current_version_id))
    ticket = s.get(Ticket, c.ticket_id) if c.ticket_id else None
    return ConsultationInfo(
        id=c.id,
        staff_id=c.staff_id,
        staff_name=staff.name,
        staff_no=staff.staff_no,
        window_id=c.window_id,
        window_number=win.number if win else None,
        window_name=win.name if win else "",
        item_id=c.item_id,
        item_code=item.code if item else None,
        item_name=item_name,
        ticket_id=c.ticket_id,
        ticket_number=ticket.number if ticket else None,
        topic=c.topic,
        directed_to=c.directed_to,
        created_at=c.created_at,
    )


def record_consultation(
    db: Database,
    actor: Actor,
    window_id: int,
    topic: str,
    directed_to: str,
    item_code: str | None = None,
    ticket_id: int | None = None,
    now: dt.datetime | None = None,
) -> ConsultationInfo:
    """Record a 首问 consultation: what was asked, and where the citizen was directed (e.g. "5号窗口 不动产登记")."""
    require(actor, *WINDOW_ROLES, action="登记首问咨询")
    if actor.staff_id is None:
        raise PermissionDenied("系统账号不能登记首问咨询，请使用工作人员账号登录。")
    now = _now(now)
    topic = (topic or "").strip() if isinstance(topic, str) else ""
    directed_to = (directed_to or "").strip() if isinstance(directed_to, str) else ""
    if not topic:
        raise InvalidInput("请填写咨询内容。")
    if len(topic) > TOPIC_MAX:
        raise InvalidInput(f"咨询内容不能超过 {TOPIC_MAX} 个字。")
    if not directed_to:
        raise InvalidInput("请填写引导去向（如：5号窗口 不动产登记；当场解答的请填“当场解答”）。")
    if len(directed_to) > DIRECTED_TO_MAX:
        raise InvalidInput(f"引导去向不能超过 {DIRECTED_TO_MAX} 个字。")
    with db.write() as s:
        win = s.get(Window, window_id)
        if win is None:
            raise NotFound(f"找不到窗口（编号 {window_id}）。")
        if actor.site_id is not None and actor.site_id != win.site_id and not actor.has(Role.ADMIN):
            raise PermissionDenied(f"{win.number} 号窗口不属于您所在的站点。")
        item_id = None
        if item_code:
            item_id = s.scalar(select(ServiceItem.id).where(ServiceItem.code == str(item_code).strip()))
            if item_id is None:
                raise NotFound(f"找不到事项编码“{str(item_code)[:64]}”。")
        if ticket_id is not None:
            ticket = s.get(Ticket, ticket_id)
            if ticket is None:
                raise NotFound(f"找不到排队号（编号 {ticket_id}）。")
            if ticket.site_id != win.site_id:
                raise InvalidInput("该排队号不属于本窗口所在的大厅。")
        c = Consultation(
            staff_id=actor.staff_id,
            window_id=win.id,
            item_id=item_id,
            ticket_id=ticket_id,
            topic=topic,
            directed_to=directed_to,
            created_at=now,
        )
        s.add(c)
        s.flush()
        audit_record(
            s, actor, "consultation.record", "consultation", c.id,
            {"window": win.number, "directed_to": directed_to, "item_code": item_code, "ticket_id": ticket_id},
        )
        return _info(s, c)


def list_consultations(
    db: Database, actor: Actor, day: dt.date, window_id: int | None = None
) -> list[ConsultationInfo]:
    """The day's consultations (hall local day), oldest first. Clerks see their own; supervisors see the site's."""
    require(actor, *WINDOW_ROLES, *OVERSEER_ROLES, action="查看首问登记")
    with db.read() as s:
        site_id = actor.site_id
        if site_id is None and window_id is not None:
            site_id = s.scalar(select(Window.site_id).where(Window.id == window_id))
        start, end = day_bounds(day, _site_tz(s, site_id))
        q = (
            select(Consultation)
            .outerjoin(Window, Window.id == Consultation.window_id)
            .where(Consultation.created_at >= start, Consultation.created_at < end)
            .order_by(Consultation.created_at, Consultation.id)
        )
        if window_id is not None:
            q = q.where(Consultation.window_id == window_id)
        if actor.site_id is not None and not actor.has(Role.ADMIN):
            q = q.where(Window.site_id == actor.site_id)
        if not actor.has(*OVERSEER_ROLES):
            q = q.where(Consultation.staff_id == actor.staff_id)
        return [_info(s, c) for c in s.scalars(q).all()]
