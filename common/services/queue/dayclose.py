"""日终: tickets nobody served by the end of the business day expire, each with its event.

Numbering needs no reset: the counter is keyed by (queue, business day), so the next day's first ticket creates
a new counter row and gets number 1.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import insert, literal, select, update

from common.db.engine import Database
from common.domain import TicketEventKind, TicketStatus
from common.errors import NotFound
from common.services import events
from common.services.appointments import mark_missed
from common.services.queue._base import S, T, TE, now_utc

UNSERVED = (TicketStatus.WAITING, TicketStatus.CALLED, TicketStatus.PARKED)


def close_day(db: Database, site_id: int, business_day: dt.date, now: dt.datetime | None = None) -> int:
    """Expire the site's unserved tickets (waiting / called / parked) of that business day; returns how many.
    The day's appointments nobody checked in for become 爽约.

    Tickets being served are left to their clerk. Running it twice is harmless (the second run finds nothing).
    """
    now = now_utc(now)
    with db.write() as session:
        s = session.connection()  # Core on the Connection: less per-statement overhead
        if s.scalar(select(S.c.id).where(S.c.id == site_id)) is None:
            raise NotFound(f"找不到站点（编号 {site_id}）。")
        which = (T.c.site_id == site_id, T.c.business_day == business_day, T.c.status.in_(UNSERVED))
        ids = select(T.c.id).where(*which)
        if not db.is_sqlite:
            ids = ids.with_for_update()
        locked = s.scalars(ids).all()  # PostgreSQL: lock them first so a window cannot call one meanwhile
        mark_missed(session, site_id, business_day)  # bookings nobody checked in for: 爽约
        if not locked:
            return 0
        s.execute(
            insert(TE).from_select(
                ["ticket_id", "kind", "at", "queue_id", "window_id", "note"],
                select(T.c.id, literal(TicketEventKind.EXPIRED.value), literal(now, TE.c.at.type), T.c.queue_id,
                       T.c.window_id, literal("日终未办理，自动过期")).where(T.c.id.in_(locked)),
            )
        )
        s.execute(update(T).where(T.c.id.in_(locked)).values(status=TicketStatus.EXPIRED, finished_at=now))
        events.publish(s, "day.closed", {"business_day": business_day.isoformat(), "expired": len(locked)},
                       site_id, at=now)
        return len(locked)
