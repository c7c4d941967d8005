"""Build a small hall directly through the ORM (the demo loader is someone else's work).

    hall = make_hall(db)                       # queues A (社保) and B (不动产), windows 1–3, a clerk per window
    hall.issue("A", at=NOW)                    # a ticket
    hall.clerk(1)                              # the Actor signed in at window 1
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from common.db.models import Queue, Site, Staff, StaffRole, Window, WindowQueue, WindowSession
from common.domain import Role, SiteLevel
from common.services.permissions import Actor

SH = ZoneInfo("Asia/Shanghai")
# Monday 2026-03-02 10:00 in the hall (02:00 UTC)
NOW = dt.datetime(2026, 3, 2, 10, 0, tzinfo=SH).astimezone(dt.timezone.utc)
DAY = dt.date(2026, 3, 2)


def at(hour: int, minute: int = 0, second: int = 0, day: dt.date = DAY) -> dt.datetime:
    """A local hall time as an aware UTC instant."""
    return dt.datetime.combine(day, dt.time(hour, minute, second), SH).astimezone(dt.timezone.utc)


DEFAULT_QUEUES: list[dict[str, Any]] = [
    {"prefix": "A", "name": "社保医保", "name_en": "Social Security", "zone": "A区", "position": 1},
    {"prefix": "B", "name": "不动产登记", "name_en": "Real Estate", "zone": "B区", "position": 2},
]
# window number -> [(queue prefix, weight)]
DEFAULT_WINDOWS: dict[int, list[tuple[str, int]]] = {1: [("A", 1)], 2: [("A", 1), ("B", 1)], 3: [("B", 1)]}


@dataclass
class Hall:
    db: Any
    site_id: int
    site_code: str
    queues: dict[str, int]
    windows: dict[int, int]
    clerks: dict[int, Actor] = field(default_factory=dict)

    def q(self, prefix: str) -> int:
        return self.queues[prefix]

    def w(self, number: int) -> int:
        return self.windows[number]

    def clerk(self, number: int) -> Actor:
        return self.clerks[number]

    def issue(self, prefix: str, at: dt.datetime = NOW, **kw):
        from common.services.queue import issue_ticket

        return issue_ticket(self.db, self.queues[prefix], now=at, **kw)

    def update_queue(self, prefix: str, **values) -> None:
        with self.db.write() as s:
            q = s.get(Queue, self.queues[prefix])
            for k, v in values.items():
                setattr(q, k, v)


def make_hall(db, *, tz: str = "Asia/Shanghai", code: str = "HALL1", queues: list[dict[str, Any]] | None = None,
              windows: dict[int, list[tuple[str, int]]] | None = None, sessions: bool = True,
              session_day: dt.date = DAY, all_day: bool = False) -> Hall:
    if windows is None:  # custom queues: one window serving them all
        windows = DEFAULT_WINDOWS if queues is None else {1: [(q["prefix"], 1) for q in queues]}
    queues = DEFAULT_QUEUES if queues is None else queues
    with db.write() as s:
        site = Site(code=code, name="测试市政务服务中心", level=SiteLevel.CITY, timezone=tz)
        s.add(site)
        s.flush()
        qids: dict[str, int] = {}
        for spec in queues:
            spec = dict(spec)
            if all_day:
                spec.setdefault("opens_at", dt.time(0, 0))
                spec.setdefault("closes_at", dt.time(23, 59, 59, 999999))
            q = Queue(site_id=site.id, **spec)
            s.add(q)
            s.flush()
            qids[q.prefix] = q.id
        wids: dict[int, int] = {}
        clerks: dict[int, Actor] = {}
        for number, served in windows.items():
            w = Window(site_id=site.id, number=number, name=f"{number}号综合窗口")
            s.add(w)
            s.flush()
            wids[number] = w.id
            for prefix, weight in served:
                s.add(WindowQueue(window_id=w.id, queue_id=qids[prefix], weight=weight))
            staff = Staff(staff_no=f"{code}-C{number}", name=f"窗口{number}办事员", site_id=site.id)
            s.add(staff)
            s.flush()
            s.add(StaffRole(staff_id=staff.id, role=Role.CLERK))
            if sessions:
                s.add(WindowSession(staff_id=staff.id, window_id=w.id, business_day=session_day,
                                    started_at=at(8, 30, day=session_day)))
            clerks[number] = Actor(staff_id=staff.id, staff_no=staff.staff_no, name=staff.name,
                                   roles=frozenset({Role.CLERK}), site_id=site.id)
    return Hall(db=db, site_id=site.id, site_code=code, queues=qids, windows=wids, clerks=clerks)
