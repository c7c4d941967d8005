"""Shared pieces of the queue engine: result dataclasses, the numbering function, event recording, look-ups.

Hot paths use Core statements (no ORM loading of whole rows) and as few round trips as practical; on
PostgreSQL the ticket event, the hall event and its NOTIFY go to the server as one statement.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
from dataclasses import dataclass
from typing import Any, Iterator

from sqlalchemy import bindparam, insert, or_, select, text
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from common.qrcodes import parse_ticket_qr as parse_qr, ticket_payload as qr_payload  # noqa: F401 - re-exported
from common.clock import utcnow
from common.db.engine import Database, _translate_errors
from common.db.models import (
    HallEvent,
    Queue,
    Site,
    Staff,
    Ticket,
    TicketEvent,
    Window,
    WindowBreak,
    WindowSession,
)
from common.domain import Priority, Role, TicketEventKind, TicketStatus
from common.errors import InvalidInput, NotFound, PermissionDenied
from common.services import events
from common.services.permissions import Actor, require
from common.services.queue._fast import Prepared

T = Ticket.__table__
TE = TicketEvent.__table__
Q = Queue.__table__
W = Window.__table__
WS = WindowSession.__table__
WB = WindowBreak.__table__
S = Site.__table__

WAITING = TicketStatus.WAITING
CALLED = TicketStatus.CALLED
SERVING = TicketStatus.SERVING
PARKED = TicketStatus.PARKED
HELD_ACTIVE = (TicketStatus.CALLED, TicketStatus.SERVING)  # a window holds at most one of these
NON_NORMAL = tuple(p for p in Priority if p is not Priority.NORMAL)
ALL_PRIORITIES = tuple(Priority)


def any_priority(col, values) -> Any:
    """`col IN (…)` written as ORs of equalities: no "expanding" IN parameter to re-render on every execution,
    and both planners still turn it into index ranges."""
    return or_(*[col == v for v in values])


# --------------------------------------------------------------------------------------------- results


@dataclass(frozen=True)
class QueueStatus:
    queue_id: int
    prefix: str
    name: str
    name_en: str
    zone: str
    waiting: int
    open_windows: int
    est_wait_min: int | None  # minutes; None when no window serving the queue is open (暂无窗口办理)
    est_wait_max: int | None
    is_open: bool  # a walk-up ticket can be issued now (hours, cap, quota, hall calendar)
    closed_reason: str | None
    appointment_only: bool
    issued_today: int = 0
    daily_cap: int = 0


@dataclass(frozen=True)
class IssuedTicket:
    ticket_id: int
    number: str
    queue_id: int
    queue_name: str
    queue_name_en: str
    priority: str
    people_ahead: int
    est_wait_min: int | None
    est_wait_max: int | None
    issued_at: dt.datetime
    business_day: dt.date
    qr_data: str
    check_code: str
    status: str
    site_code: str = ""
    zone: str = ""
    appointment_id: int | None = None


@dataclass(frozen=True)
class ServingTicket:
    ticket_id: int
    number: str
    queue_id: int
    queue_name: str
    priority: str
    status: str
    called_at: dt.datetime | None
    started_at: dt.datetime | None
    recall_count: int
    note: str
    transferred_from: str | None  # e.g. "3号窗口（张三）· 社保业务", when this ticket came by a transfer
    walk_direct: bool
    issued_at: dt.datetime
    waited_seconds: int
    max_recalls: int = 3
    return_after: bool = False  # finishing sends it back to its original queue


# --------------------------------------------------------------------------------------------- helpers


def now_utc(now: dt.datetime | None) -> dt.datetime:
    if now is None:
        return utcnow()
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    return now.astimezone(dt.timezone.utc)


def format_number(prefix: str, seq: int, range_start: int, range_end: int) -> str:
    """THE ticket numbering function: prefix + zero-padded number; the range wraps, `seq` never does.

    seq 1 → range_start; the width is the number of digits of range_end (A001 … A999, then A001 again).
    """
    size = max(1, range_end - range_start + 1)
    width = len(str(range_end))
    return f"{prefix}{range_start + (seq - 1) % size:0{width}d}"


def hhmm(t: dt.time | None) -> str:
    return t.strftime("%H:%M") if t else ""


_PG_TE_CTE = (
    "e AS (INSERT INTO ticket_event (ticket_id, kind, at, window_id, staff_id, queue_id, note, data) "
    "VALUES (:te_ticket_id, :te_kind, :te_at, :te_window_id, :te_staff_id, :te_queue_id, :te_note, "
    "CAST(:te_data AS json))), "
)
# Statements are built once at import: building a Core statement costs more CPU than running it.
_PG_RECORD = Prepared(text(events.PG_PUBLISH_SQL.format(ctes=_PG_TE_CTE)))
_TE_KEYS = ("ticket_id", "kind", "at", "window_id", "staff_id", "queue_id", "note")
_TE_INSERT = Prepared(insert(TE), keys=_TE_KEYS)
_TE_INSERT_DATA = Prepared(insert(TE), keys=_TE_KEYS + ("data",))
_HE_INSERT = Prepared(insert(HallEvent.__table__), keys=("site_id", "at", "kind", "payload"))


@contextlib.contextmanager
def write_conn(db: Database) -> Iterator[Connection]:
    """One write transaction on a bare Connection of the write engine (BEGIN IMMEDIATE on SQLite), with the same
    error translation as `Database.write()`. Taking a number only runs Core statements, and an ORM Session would
    cost it more than a whole one-row INSERT does."""
    with _translate_errors(db.url):
        with db.engine.begin() as conn:
            yield conn


def connection(s: Session | Connection) -> Connection:
    return s if isinstance(s, Connection) else s.connection()


def record(
    s: Session,
    *,
    ticket_id: int,
    kind: TicketEventKind,
    at: dt.datetime,
    site_id: int,
    hall_kind: str | None,
    payload: dict[str, Any] | None,
    queue_id: int | None = None,
    window_id: int | None = None,
    staff_id: int | None = None,
    note: str = "",
    data: dict[str, Any] | None = None,
) -> None:
    """Append the ticket event and (when `hall_kind`) the hall event, in the caller's transaction.

    PostgreSQL: one statement (ticket event CTE + hall event + pg_notify); SQLite: two cheap local inserts.
    """
    if hall_kind and events.dialect_name(s) == "postgresql":
        params = events.pg_publish_params(hall_kind, payload, site_id, at)
        params.update(
            te_ticket_id=ticket_id, te_kind=kind.value, te_at=at, te_window_id=window_id, te_staff_id=staff_id,
            te_queue_id=queue_id, te_note=note or "",
            te_data=None if data is None else json.dumps(data, ensure_ascii=False, default=str),
        )
        _PG_RECORD.execute(connection(s), params).first()
        return
    conn = connection(s)
    row = {"ticket_id": ticket_id, "kind": kind, "at": at, "window_id": window_id, "staff_id": staff_id,
           "queue_id": queue_id, "note": note or ""}
    if data is not None:
        row["data"] = data
        _TE_INSERT_DATA.execute(conn, row).first()
    else:
        _TE_INSERT.execute(conn, row).first()
    if hall_kind:
        if events.dialect_name(conn) == "postgresql":  # ticket event without hall event never happens today
            events.publish(conn, hall_kind, payload, site_id, at=at)
        else:
            _HE_INSERT.execute(conn, events.hall_event_values(hall_kind, payload, site_id, at)).first()


def bp(name: str, column) -> Any:
    """A named bind parameter typed like `column` (so UtcDateTime / Enum processing applies)."""
    return bindparam(name, type_=column.type)


# --------------------------------------------------------------------------------------------- windows


@dataclass(frozen=True)
class WindowCtx:
    id: int
    number: int
    name: str
    site_id: int
    site_code: str
    tz: str

    def label(self) -> str:
        return f"{self.number}号窗口"


def _window_statement(*, lock: bool, check_free: bool):
    cols = [W.c.id, W.c.number, W.c.name, W.c.site_id, W.c.active, S.c.code, S.c.timezone,
            # the acting clerk's open attendance session at this window (ix_window_session_open)
            select(WS.c.id).where(WS.c.window_id == W.c.id, WS.c.staff_id == bindparam("p_staff"),
                                  WS.c.ended_at.is_(None)).limit(1).scalar_subquery().label("session_id")]
    if check_free:
        # the number this window is calling/serving (ix_ticket_holder), and its open pause (ix_window_break_session);
        # one level of subquery each, so both correlate to this window's row
        cols.append(select(T.c.number).where(T.c.window_id == W.c.id, T.c.status.in_(HELD_ACTIVE))
                    .limit(1).scalar_subquery().label("held_number"))
        cols.append(select(WB.c.id).join(WS, WS.c.id == WB.c.session_id)
                    .where(WS.c.window_id == W.c.id, WS.c.ended_at.is_(None), WB.c.ended_at.is_(None))
                    .limit(1).scalar_subquery().label("open_break"))
    stmt = select(*cols).join(S, S.c.id == W.c.site_id).where(W.c.id == bindparam("p_window"))
    # PostgreSQL: one call at a time per window (row lock); SQLite: the write transaction is already IMMEDIATE
    return stmt.with_for_update(of=W) if lock else stmt


_WINDOW = {(lock, free): _window_statement(lock=lock, check_free=free) for lock in (False, True)
           for free in (False, True)}


def _load_window_row(s: Session, window_id: int, staff_id: int | None, *, lock: bool, check_free: bool):
    row = s.execute(_WINDOW[(lock, check_free)], {"p_window": window_id, "p_staff": staff_id}).first()
    if row is None:
        raise NotFound(f"找不到窗口（编号 {window_id}），请检查本机的窗口设置。")
    if not row.active:
        raise InvalidInput(f"{row.number}号窗口已停用，不能叫号。")
    if check_free:
        if row.held_number is not None:
            raise InvalidInput(f"本窗口正在办理 {row.held_number}，请先办结或标记过号后再叫下一位。")
        if row.open_break is not None:
            raise InvalidInput("本窗口处于暂停服务状态，请先恢复服务。")
    return row


def load_window(s: Session, window_id: int, *, lock: bool = False, check_free: bool = False) -> WindowCtx:
    """The window (NotFound / inactive refused); with `check_free`, it must hold no called/serving ticket and not
    be paused — in the same round trip."""
    row = _load_window_row(s, window_id, None, lock=lock, check_free=check_free)
    return WindowCtx(row.id, row.number, row.name, row.site_id, row.code, row.timezone)


def assert_clerk(actor: Actor, action: str) -> None:
    require(actor, Role.CLERK, action=action)


def _assert_at_window(s: Session, actor: Actor, window_id: int, *, lock: bool = False,
                      check_free: bool = False) -> WindowCtx:
    """The clerk may act at this window: it exists, is active, belongs to the clerk's site, and the clerk is
    signed in there (签到, `common.services.attendance`) — all in the window's one round trip."""
    row = _load_window_row(s, window_id, actor.staff_id, lock=lock, check_free=check_free)
    w = WindowCtx(row.id, row.number, row.name, row.site_id, row.code, row.timezone)
    if actor.site_id is not None and actor.site_id != w.site_id and Role.ADMIN not in actor.roles:
        raise PermissionDenied(f"{actor.name}（{actor.staff_no}）不属于{w.label()}所在的服务中心，不能在此窗口办理。")
    if row.session_id is None:
        raise PermissionDenied(f"您尚未在{w.label()}签到，请先签到后再办理。")
    return w


def hall_payload(w: WindowCtx, actor: Actor, ticket_id: int | None, number: str | None, queue_id: int | None,
                 **extra: Any) -> dict[str, Any]:
    payload = {
        "ticket_id": ticket_id,
        "number": number,
        "queue_id": queue_id,
        "window_id": w.id,
        "window_number": w.number,
        "window_name": w.name,
        "staff_name": actor.name,
    }
    payload.update(extra)
    return payload


def staff_name(s: Session, staff_id: int | None) -> str:
    if staff_id is None:
        return ""
    return s.scalar(select(Staff.__table__.c.name).where(Staff.__table__.c.id == staff_id)) or ""
