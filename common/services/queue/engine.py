"""The clerk's side of the queue: call, recall, start, no-show, park/resume, transfer, walk-direct, finish, pause.

Calling claims EXACTLY ONE ticket and never the same ticket for two windows:
- PostgreSQL: the candidates (the ticket transferred to this window/clerk, and each served queue's normal and
  priority head) are read in ONE statement, each `… LIMIT 1 FOR UPDATE SKIP LOCKED` (a window pressing at the same
  moment skips them and takes the next ones); the window row is locked so one window calls one at a time;
- SQLite: everything runs inside the BEGIN IMMEDIATE write transaction (one writer at a time);
- both: the claim is `UPDATE … WHERE id = :id AND status = 'waiting'` and its row count is checked.

Order of call-next, for the queues the window serves (window_queue):
1. tickets transferred to THIS window / THIS clerk (oldest first);
2. per queue, the head is the oldest normal or the oldest priority ticket: after `ratio_normal` normal calls
   `ratio_priority` priority calls are due (QueueCounter.normal_since_priority counts normal calls since the
   last priority run; negative values count the priority calls of the current run). Ageing: a normal ticket
   queued `ageing_minutes` or more before the oldest priority ticket goes first anyway. Nobody starves;
3. across queues: the head with the largest (wait seconds × weight) wins.
Tickets transferred to ANOTHER window or clerk are never called here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, bindparam, case, func, insert, or_, select, text, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from common.clock import business_day, day_bounds
from common.db.engine import Database
from common.db.models import TICKET_TARGETED_SQL, Staff, WindowQueue
from common.domain import Priority, TicketEventKind as K, TicketStatus as TS
from common.errors import Conflict, InvalidInput, NotFound
from common.services import events
from common.services.permissions import Actor
from common.services.queue import estimates as est
from common.services.queue import issuing
from common.services.queue._fast import Prepared
from common.services.queue._base import (
    HELD_ACTIVE,
    NON_NORMAL,
    Q,
    T,
    TE,
    ServingTicket,
    WindowCtx,
    _assert_at_window,
    connection,
    any_priority,
    bp,
    assert_clerk,
    hall_payload,
    load_window,
    now_utc,
    record,
)

WQ = WindowQueue.__table__
QC = est.QC
ST = Staff.__table__

CLAIM_ATTEMPTS = 5


# --------------------------------------------------------------------------------------------- read models


def _serving_columns():
    """The ServingTicket view of a ticket row, as expressions for a SELECT and (PostgreSQL) for UPDATE … RETURNING,
    so claiming a ticket returns everything the clerk's screen needs in the same statement."""
    last_transfer = (
        select(TE.c.data["from_label"].as_string())
        .where(TE.c.ticket_id == T.c.id, TE.c.kind.in_([K.TRANSFERRED, K.RETURNED]))
        .order_by(TE.c.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    queue_name = select(Q.c.name).where(Q.c.id == T.c.queue_id).scalar_subquery()
    max_recalls = select(Q.c.max_recalls).where(Q.c.id == T.c.queue_id).scalar_subquery()
    return (
        T.c.id, T.c.number, T.c.queue_id, queue_name, T.c.priority, T.c.status, T.c.called_at, T.c.started_at,
        T.c.recall_count, T.c.note, last_transfer, T.c.walk_direct, T.c.issued_at, T.c.queued_at, max_recalls,
        T.c.return_queue_id,
    )


_SERVING = select(*_serving_columns()).where(T.c.id == bindparam("p_id"))


def _serving_from(row, now: dt.datetime) -> ServingTicket:
    (tid, number, queue_id, queue_name, priority, status, called_at, started_at, recall_count, note, transferred,
     walk, issued_at, queued_at, max_recalls, return_queue_id) = row
    waited = max(0, int(((called_at or now) - queued_at).total_seconds()))
    return ServingTicket(
        ticket_id=tid, number=number, queue_id=queue_id, queue_name=queue_name, priority=Priority(priority).value,
        status=TS(status).value, called_at=called_at, started_at=started_at, recall_count=recall_count,
        note=note or "", transferred_from=transferred, walk_direct=bool(walk), issued_at=issued_at,
        waited_seconds=waited, max_recalls=max_recalls, return_after=return_queue_id is not None,
    )


def _serving(s: Session, ticket_id: int, now: dt.datetime) -> ServingTicket:
    return _serving_from(s.execute(_SERVING, {"p_id": ticket_id}).one(), now)


def current_ticket(db: Database, window_id: int) -> ServingTicket | None:
    """The ticket this window is calling or serving (after a restart the workspace resumes it)."""
    with db.read() as session:
        s = session.connection()  # Core on the Connection: less per-statement overhead
        tid = s.scalar(
            select(T.c.id).where(T.c.window_id == window_id, T.c.status.in_(HELD_ACTIVE))
            .order_by(T.c.called_at.desc().nulls_last(), T.c.id.desc()).limit(1)
        )
        return _serving(s, tid, now_utc(None)) if tid is not None else None


def parked_tickets(db: Database, window_id: int) -> list[ServingTicket]:
    """Tickets this window has parked (挂起), oldest first."""
    now = now_utc(None)
    with db.read() as session:
        s = session.connection()  # Core on the Connection: less per-statement overhead
        ids = s.scalars(
            select(T.c.id).where(T.c.window_id == window_id, T.c.status == TS.PARKED).order_by(T.c.id)
        ).all()
        return [_serving(s, tid, now) for tid in ids]


# --------------------------------------------------------------------------------------------- guards


def _assert_window_free(s: Session, window_id: int) -> None:
    """The window holds no called/serving ticket and is not paused (ix_ticket_holder, ix_window_break_session)."""
    load_window(s, window_id, check_free=True)


@dataclass(frozen=True)
class _Held:
    id: int
    number: str
    status: TS
    queue_id: int
    queue_name: str
    site_id: int
    recall_count: int
    max_recalls: int
    return_queue_id: int | None
    issued_at: dt.datetime
    started_at: dt.datetime | None
    called_at: dt.datetime | None


_HELD = (
    select(T.c.id, T.c.number, T.c.status, T.c.queue_id, Q.c.name, T.c.site_id, T.c.recall_count,
           Q.c.max_recalls, T.c.return_queue_id, T.c.issued_at, T.c.started_at, T.c.called_at, T.c.window_id)
    .join(Q, Q.c.id == T.c.queue_id)
    .where(T.c.id == bindparam("p_id"))
    .with_for_update(of=T)
)


def _held(s: Session, w: WindowCtx, ticket_id: int, allowed: tuple[TS, ...], action: str) -> _Held:
    row = s.execute(_HELD, {"p_id": ticket_id}).first()
    if row is None:
        raise NotFound(f"找不到该号（编号 {ticket_id}）。")
    status = TS(row.status)
    if row.window_id != w.id or status not in (TS.CALLED, TS.SERVING, TS.PARKED):
        raise Conflict(f"{row.number} 不在本窗口办理（当前状态：{status.label}），请刷新后再试。")
    if status not in allowed:
        raise InvalidInput(f"{row.number} 当前状态为“{status.label}”，不能{action}。")
    return _Held(row.id, row.number, status, row.queue_id, row.name, row.site_id, row.recall_count,
                 row.max_recalls, row.return_queue_id, row.issued_at, row.started_at, row.called_at)


def _set(s: Session, ticket_id: int, stmt, **params) -> None:
    s.execute(stmt, {"p_id": ticket_id, **params})


def _upd(**values):
    """A prebuilt `UPDATE ticket SET … WHERE id = :p_id`."""
    return update(T).where(T.c.id == bindparam("p_id")).values(**values)


def _event(s: Session, w: WindowCtx, actor: Actor, t: _Held | int, kind: K, hall_kind: str | None, now: dt.datetime,
           *, number: str | None = None, queue_id: int | None = None, note: str = "", data=None, **extra) -> None:
    tid = t if isinstance(t, int) else t.id
    number = number if number is not None else t.number
    queue_id = queue_id if queue_id is not None else t.queue_id
    record(
        s, ticket_id=tid, kind=kind, at=now, site_id=w.site_id, queue_id=queue_id, window_id=w.id,
        staff_id=actor.staff_id, note=note, data=data, hall_kind=hall_kind,
        payload=hall_payload(w, actor, tid, number, queue_id, **extra) if hall_kind else None,
    )


# --------------------------------------------------------------------------------------------- calling


@dataclass(frozen=True)
class _Head:
    id: int
    queued_at: dt.datetime


def _head_statement(normal: bool, pg: bool):
    cond = T.c.priority == Priority.NORMAL if normal else any_priority(T.c.priority, NON_NORMAL)
    stmt = (
        select(T.c.id, T.c.queued_at)
        .where(T.c.queue_id == bindparam("p_queue"), T.c.status == TS.WAITING, cond,
               T.c.queued_at >= bp("p_start", T.c.queued_at), T.c.queued_at < bp("p_end", T.c.queued_at),
               T.c.target_window_id.is_(None), T.c.target_staff_id.is_(None))
        .limit(1)
    )
    if pg:
        return stmt.order_by(T.c.queued_at.asc().nulls_last(), T.c.id).with_for_update(skip_locked=True)
    # queued_at is NOT NULL, so plain ASC is the same order, and SQLite walks ix_ticket_waiting without a sort
    # (it cannot for NULLS LAST); SQLite needs no row lock inside its IMMEDIATE transaction.
    return stmt.order_by(T.c.queued_at.asc(), T.c.id)


_HEADS = {(normal, pg): _head_statement(normal, pg) for normal in (True, False) for pg in (True, False)}
# (PostgreSQL normally reads all heads at once with _PG_CANDIDATES; the per-queue statements serve SQLite.)


def _heads(s: Session, queue_id: int, start: dt.datetime, end: dt.datetime, pg: bool) -> tuple[_Head | None, _Head | None]:
    """The oldest untargeted waiting normal and priority ticket of a queue (locked, skipping locked rows, on PG)."""
    params = {"p_queue": queue_id, "p_start": start, "p_end": end}
    out = []
    for normal in (True, False):
        row = s.execute(_HEADS[(normal, pg)], params).first()
        out.append(_Head(row.id, row.queued_at) if row else None)
    return out[0], out[1]


_TARGETED = (
    select(T.c.id)
    .where(
        T.c.status == TS.WAITING,
        T.c.business_day == bp("p_day", T.c.business_day),
        or_(T.c.target_window_id.is_not(None), T.c.target_staff_id.is_not(None)),  # = ix_ticket_targeted
        or_(T.c.target_window_id.is_(None), T.c.target_window_id == bindparam("p_window")),
        or_(T.c.target_staff_id.is_(None), T.c.target_staff_id == bindparam("p_staff")),
    )
    .order_by(T.c.queued_at, T.c.id)
    .limit(1)
    .with_for_update(skip_locked=True)  # rendered on PostgreSQL only
)


def _targeted(s: Session, w: WindowCtx, actor: Actor, day: dt.date) -> int | None:
    return s.scalar(_TARGETED, {"p_day": day, "p_window": w.id, "p_staff": actor.staff_id})


_NON_NORMAL_SQL = ", ".join(f"'{p.value}'" for p in NON_NORMAL)
_PG_HEAD = (
    "SELECT h.id, h.queue_id, h.queued_at FROM unnest(CAST(:qids AS integer[])) AS q(id) CROSS JOIN LATERAL ("
    " SELECT id, queue_id, queued_at FROM ticket"
    " WHERE queue_id = q.id AND status = 'waiting' AND {cond} AND queued_at >= :day_start AND queued_at < :day_end"
    " AND target_window_id IS NULL AND target_staff_id IS NULL"
    " ORDER BY queued_at ASC NULLS LAST, id LIMIT 1 FOR UPDATE SKIP LOCKED) AS h"
)
# PostgreSQL: the targeted ticket and every queue's normal and priority head, each locked with SKIP LOCKED, in ONE
# round trip (a UNION cannot carry FOR UPDATE, CTEs and LATERAL subqueries can).
_PG_CANDIDATES = Prepared(text(
    "WITH t AS (SELECT id, queue_id, queued_at FROM ticket"
    " WHERE status = 'waiting' AND business_day = :day"
    " AND (" + TICKET_TARGETED_SQL + ")"
    " AND (target_window_id IS NULL OR target_window_id = :window)"
    " AND (target_staff_id IS NULL OR target_staff_id = :staff)"
    " ORDER BY queued_at, id LIMIT 1 FOR UPDATE SKIP LOCKED),"
    " n AS (" + _PG_HEAD.format(cond="priority = 'normal'") + "),"
    " p AS (" + _PG_HEAD.format(cond=f"priority IN ({_NON_NORMAL_SQL})") + ")"
    " SELECT 0, id, queue_id, queued_at FROM t"
    " UNION ALL SELECT 1, id, queue_id, queued_at FROM n"
    " UNION ALL SELECT 2, id, queue_id, queued_at FROM p"
))


def _candidates(s, w: WindowCtx, actor: Actor, day: dt.date, start: dt.datetime, end: dt.datetime,
                queue_ids: list[int], pg: bool) -> tuple[int | None, dict[int, list[_Head | None]]]:
    """(targeted ticket id, {queue id: [normal head, priority head]})."""
    heads: dict[int, list[_Head | None]] = {qid: [None, None] for qid in queue_ids}
    if pg:
        targeted = None
        cur = _PG_CANDIDATES.execute(connection(s), {
            "day": day, "window": w.id, "staff": actor.staff_id, "qids": list(queue_ids),
            "day_start": start, "day_end": end})
        for kind, tid, qid, queued_at in cur.all():
            if kind == 0:
                targeted = tid
            elif qid in heads:
                heads[qid][kind - 1] = _Head(tid, queued_at)
        return targeted, heads
    targeted = _targeted(s, w, actor, day)
    if targeted is None:
        for qid in queue_ids:
            heads[qid] = list(_heads(s, qid, start, end, pg))
    return targeted, heads


def priority_due(n_since: int, ratio_normal: int, ratio_priority: int) -> bool:
    """Is a priority ticket due, given the counter of normal calls since the last priority run?"""
    if n_since >= 0:
        return n_since >= max(0, ratio_normal)
    return -n_since < max(1, ratio_priority)


def choose_head(normal: _Head | None, prio: _Head | None, n_since: int, ratio_normal: int, ratio_priority: int,
                ageing_minutes: int) -> tuple[_Head | None, bool]:
    """(head, is_priority) of one queue under the mixing ratio and ageing."""
    if normal is None or prio is None:
        return (prio, True) if normal is None else (normal, False)
    if priority_due(n_since, ratio_normal, ratio_priority):
        if ageing_minutes and ageing_minutes > 0 and \
                normal.queued_at <= prio.queued_at - dt.timedelta(minutes=ageing_minutes):
            return normal, False  # ageing: this normal ticket has waited far longer
        return prio, True
    return normal, False


_COUNT: dict[tuple[str, bool], Any] = {}


def _count_statement(dialect: str, is_priority: bool):
    stmt = _COUNT.get((dialect, is_priority))
    if stmt is None:
        col = QC.c.normal_since_priority
        if is_priority:
            new_value, initial = case((col >= 0, -1), else_=col - 1), -1
        else:
            new_value, initial = case((col < 0, 1), else_=col + 1), 1
        dialect_insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        stmt = _COUNT[(dialect, is_priority)] = (
            dialect_insert(QC)
            .values(queue_id=bindparam("p_queue"), business_day=bp("p_day", QC.c.business_day), issued=0,
                    normal_since_priority=initial)
            .on_conflict_do_update(index_elements=[QC.c.queue_id, QC.c.business_day],
                                   set_={"normal_since_priority": new_value})
        )
    return stmt


def _count_call(s: Session, queue_id: int, day: dt.date, is_priority: bool) -> None:
    """Advance the queue's normal:priority counter after a call decided by the mixing rule."""
    s.execute(_count_statement(events.dialect_name(s), is_priority), {"p_queue": queue_id, "p_day": day})


_CLAIM = (
    update(T)
    .where(T.c.id == bindparam("p_id"), T.c.status == TS.WAITING)
    .values(status=TS.CALLED, window_id=bindparam("p_window"), staff_id=bindparam("p_staff"),
            called_at=bp("p_now", T.c.called_at), started_at=None, recall_count=0)
)
# PostgreSQL returns the whole serving view from the claim itself (one round trip). SQLAlchemy renders RETURNING
# unqualified on SQLite, which makes correlated subqueries there ambiguous, so SQLite reads the view afterwards
# (in-process, cheap).
_CLAIM_PG = _CLAIM.returning(*_serving_columns())
_CLAIM_SQLITE = _CLAIM.returning(T.c.id)


def _claim(s: Session, ticket_id: int, w: WindowCtx, actor: Actor, now: dt.datetime) -> ServingTicket | None:
    """The status-guarded claim (`… WHERE id = :id AND status = 'waiting'`): None when another window got there
    first; otherwise the called ticket."""
    params = {"p_id": ticket_id, "p_window": w.id, "p_staff": actor.staff_id, "p_now": now}
    if events.dialect_name(s) == "postgresql":
        row = s.execute(_CLAIM_PG, params).first()
        return _serving_from(row, now) if row is not None else None
    row = s.execute(_CLAIM_SQLITE, params).first()
    return _serving(s, ticket_id, now) if row is not None else None


_WINDOW_QUEUES = (
    select(WQ.c.queue_id, WQ.c.weight, Q.c.ratio_normal, Q.c.ratio_priority, Q.c.ageing_minutes, Q.c.position,
           QC.c.normal_since_priority)
    .select_from(WQ.join(Q, Q.c.id == WQ.c.queue_id)
                 .outerjoin(QC, and_(QC.c.queue_id == Q.c.id, QC.c.business_day == bp("p_day", QC.c.business_day))))
    .where(WQ.c.window_id == bindparam("p_window"), Q.c.active.is_(True))
)


def call_next(db: Database, actor: Actor, window_id: int, now: dt.datetime | None = None) -> ServingTicket | None:
    """叫号: claim the next ticket for this window; None when nobody is waiting."""
    assert_clerk(actor, "叫号")
    now = now_utc(now)
    pg = not db.is_sqlite
    with db.write() as session:
        s = session.connection()  # Core on the Connection: less per-statement overhead
        w = _assert_at_window(s, actor, window_id, lock=True, check_free=True)
        day = business_day(now, w.tz)
        start, end = day_bounds(day, w.tz)
        queues = s.execute(_WINDOW_QUEUES, {"p_day": day, "p_window": window_id}).all()
        for _attempt in range(CLAIM_ATTEMPTS):
            counted: tuple[int, bool] | None = None
            tid, heads = _candidates(s, w, actor, day, start, end, [q.queue_id for q in queues], pg)
            if tid is None:
                best = None
                for q in queues:
                    normal, prio = heads[q.queue_id]
                    head, is_prio = choose_head(normal, prio, q.normal_since_priority or 0, q.ratio_normal,
                                                q.ratio_priority, q.ageing_minutes)
                    if head is None:
                        continue
                    score = (now - head.queued_at).total_seconds() * max(0, q.weight)
                    key = (score, -q.position, -q.queue_id)
                    if best is None or key > best[0]:
                        best = (key, head.id, q.queue_id, is_prio)
                if best is None:
                    return None
                tid, counted = best[1], (best[2], best[3])
            called = _claim(s, tid, w, actor, now)
            if called is None:  # taken meanwhile (only possible without SKIP LOCKED): look again
                continue
            if counted is not None:
                _count_call(s, counted[0], day, counted[1])
            _event(s, w, actor, tid, K.CALLED, "ticket.called", now, number=called.number, queue_id=called.queue_id)
            return called
        raise Conflict("叫号繁忙，请稍后再试。")


def call_specific(db: Database, actor: Actor, window_id: int, number: str, now: dt.datetime | None = None) -> ServingTicket:
    """Call a given number of today (选号叫号)."""
    assert_clerk(actor, "叫号")
    now = now_utc(now)
    number = (number or "").strip().upper()
    if not number:
        raise InvalidInput("请输入要呼叫的号码。")
    with db.write() as session:
        s = session.connection()  # Core on the Connection: less per-statement overhead
        w = _assert_at_window(s, actor, window_id, lock=True, check_free=True)
        day = business_day(now, w.tz)
        rows = s.execute(
            select(T.c.id, T.c.status, T.c.window_id, T.c.target_window_id, T.c.target_staff_id)
            .where(T.c.site_id == w.site_id, T.c.business_day == day, T.c.number == number)
            .order_by(T.c.queued_at, T.c.id)
        ).all()
        if not rows:
            raise NotFound(f"今天没有 {number} 这个号，请核对号码。")
        waiting = [r for r in rows if r.status == TS.WAITING]
        if not waiting:
            st = TS(rows[-1].status)
            if st in (TS.CALLED, TS.SERVING, TS.PARKED):
                raise Conflict(f"{number} 正在其他窗口办理（{st.label}）。")
            raise InvalidInput(f"{number} 当前状态为“{st.label}”，不能叫号。")
        mine = [r for r in waiting if (r.target_window_id in (None, w.id))
                and (r.target_staff_id is None or r.target_staff_id == actor.staff_id)]
        if not mine:
            r = waiting[0]
            whom = f"{load_window(s, r.target_window_id).label()}" if r.target_window_id else \
                (s.scalar(select(ST.c.name).where(ST.c.id == r.target_staff_id)) or "指定工作人员")
            raise Conflict(f"{number} 已转给{whom}，只能由其叫号。")
        tid = mine[0].id
        called = _claim(s, tid, w, actor, now)
        if called is None:
            raise Conflict(f"{number} 刚被其他窗口叫走，请叫下一位。")
        _event(s, w, actor, tid, K.CALLED, "ticket.called", now, number=called.number, queue_id=called.queue_id,
               note="选号叫号")
        return called


_RECALL = _upd(recall_count=T.c.recall_count + 1)
_START = _upd(status=TS.SERVING, started_at=bp("p_now", T.c.started_at))
_REQUEUE = _upd(status=TS.WAITING, window_id=None, staff_id=None, queued_at=bp("p_now", T.c.queued_at),
                called_at=None, recall_count=0)
_NO_SHOW = _upd(status=TS.NO_SHOW, finished_at=bp("p_now", T.c.finished_at))
_RESUME = _upd(status=TS.SERVING)
_RETURN = _upd(status=TS.WAITING, queue_id=bindparam("p_queue"), return_queue_id=None, target_window_id=None,
               target_staff_id=None, window_id=None, staff_id=None, queued_at=bp("p_queued", T.c.queued_at),
               called_at=None, started_at=None, recall_count=0)
_FINISH = _upd(status=TS.DONE, finished_at=bp("p_now", T.c.finished_at),
               started_at=func.coalesce(T.c.started_at, T.c.called_at))


def recall(db: Database, actor: Actor, window_id: int, ticket_id: int, now: dt.datetime | None = None) -> ServingTicket:
    """重呼: announce the called ticket again, up to the queue's max_recalls."""
    assert_clerk(actor, "重呼")
    now = now_utc(now)
    with db.write() as session:
        s = session.connection()  # Core on the Connection: less per-statement overhead
        w = _assert_at_window(s, actor, window_id)
        t = _held(s, w, ticket_id, (TS.CALLED,), "重呼")
        if t.recall_count >= t.max_recalls:
            raise InvalidInput(f"{t.number} 已重呼 {t.recall_count} 次，请标记过号。")
        _set(s, t.id, _RECALL)
        _event(s, w, actor, t, K.RECALLED, "ticket.recalled", now, recall_count=t.recall_count + 1)
        return _serving(s, t.id, now)


def start_service(db: Database, actor: Actor, window_id: int, ticket_id: int, now: dt.datetime | None = None) -> ServingTicket:
    """The citizen has arrived at the window: called → serving."""
    assert_clerk(actor, "开始办理")
    now = now_utc(now)
    with db.write() as session:
        s = session.connection()  # Core on the Connection: less per-statement overhead
        w = _assert_at_window(s, actor, window_id)
        t = _held(s, w, ticket_id, (TS.CALLED,), "开始办理")
        _set(s, t.id, _START, p_now=now)
        _event(s, w, actor, t, K.STARTED, "ticket.started", now)
        return _serving(s, t.id, now)


def mark_no_show(db: Database, actor: Actor, window_id: int, ticket_id: int, requeue: bool = False,
                 now: dt.datetime | None = None) -> None:
    """过号. With `requeue`, the ticket goes back to the end of its queue (过号重排)."""
    assert_clerk(actor, "标记过号")
    now = now_utc(now)
    with db.write() as session:
        s = session.connection()  # Core on the Connection: less per-statement overhead
        w = _assert_at_window(s, actor, window_id)
        t = _held(s, w, ticket_id, (TS.CALLED,), "标记过号")
        if requeue:
            _set(s, t.id, _REQUEUE, p_now=now)
            _event(s, w, actor, t, K.NO_SHOW, None, now)
            _event(s, w, actor, t, K.REQUEUED, "ticket.no_show", now, requeued=True)
        else:
            _set(s, t.id, _NO_SHOW, p_now=now)
            _event(s, w, actor, t, K.NO_SHOW, "ticket.no_show", now, requeued=False)


def park(db: Database, actor: Actor, window_id: int, ticket_id: int, note: str = "", now: dt.datetime | None = None) -> None:
    """挂起: set a ticket aside (e.g. the citizen fetches a missing paper) and serve others meanwhile."""
    assert_clerk(actor, "挂起")
    now = now_utc(now)
    note = (note or "").strip()
    with db.write() as session:
        s = session.connection()  # Core on the Connection: less per-statement overhead
        w = _assert_at_window(s, actor, window_id)
        t = _held(s, w, ticket_id, (TS.SERVING, TS.CALLED), "挂起")
        values = {"status": TS.PARKED}
        if t.started_at is None:
            values["started_at"] = now
        if note:
            values["note"] = note
        s.execute(update(T).where(T.c.id == t.id).values(**values))
        _event(s, w, actor, t, K.PARKED, "ticket.parked", now, note=note)


def resume(db: Database, actor: Actor, window_id: int, ticket_id: int, now: dt.datetime | None = None) -> ServingTicket:
    """Take a parked ticket back (parked → serving)."""
    assert_clerk(actor, "恢复办理")
    now = now_utc(now)
    with db.write() as session:
        s = session.connection()  # Core on the Connection: less per-statement overhead
        w = _assert_at_window(s, actor, window_id, lock=True)
        t = _held(s, w, ticket_id, (TS.PARKED,), "恢复办理")
        _assert_window_free(s, window_id)
        _set(s, t.id, _RESUME)
        _event(s, w, actor, t, K.RESUMED, "ticket.resumed", now)
        return _serving(s, t.id, now)


def transfer(
    db: Database,
    actor: Actor,
    window_id: int,
    ticket_id: int,
    *,
    to_queue_id: int | None = None,
    to_window_id: int | None = None,
    to_staff_id: int | None = None,
    note: str = "",
    return_after: bool = False,
    now: dt.datetime | None = None,
) -> None:
    """转移: the ticket keeps its number and goes to the FRONT of the target (queued_at = its issue time).

    A ticket sent to a window or a clerk can only be called by that window / clerk. With `return_after`, finishing
    it there sends it back to the front of its original queue.
    """
    assert_clerk(actor, "转移")
    now = now_utc(now)
    note = (note or "").strip()
    if to_queue_id is None and to_window_id is None and to_staff_id is None:
        raise InvalidInput("请选择要转往的业务队列、窗口或工作人员。")
    with db.write() as session:
        s = session.connection()  # Core on the Connection: less per-statement overhead
        w = _assert_at_window(s, actor, window_id)
        t = _held(s, w, ticket_id, (TS.CALLED, TS.SERVING, TS.PARKED), "转移")
        new_queue = t.queue_id
        to_label = []
        if to_queue_id is not None:
            q = s.execute(select(Q.c.id, Q.c.site_id, Q.c.active, Q.c.name).where(Q.c.id == to_queue_id)).first()
            if q is None or q.site_id != t.site_id:
                raise NotFound("找不到要转往的业务队列。")
            if not q.active:
                raise InvalidInput(f"“{q.name}”已停止办理，不能转入。")
            new_queue = q.id
            to_label.append(q.name)
        if to_window_id is not None:
            if to_window_id == w.id:
                raise InvalidInput("不能转给本窗口。")
            tw = load_window(s, to_window_id)
            if tw.site_id != w.site_id:
                raise NotFound("找不到要转往的窗口。")
            to_label.append(tw.label())
        if to_staff_id is not None:
            st = s.execute(select(ST.c.id, ST.c.name, ST.c.active).where(ST.c.id == to_staff_id)).first()
            if st is None:
                raise NotFound("找不到要转给的工作人员。")
            if not st.active:
                raise InvalidInput(f"{st.name} 的账号已停用，不能转给他/她。")
            to_label.append(st.name)
        if new_queue == t.queue_id and to_window_id is None and to_staff_id is None:
            raise InvalidInput("该号已在此队列中，请选择其他队列、窗口或工作人员。")
        return_queue = (t.return_queue_id or t.queue_id) if return_after else None
        s.execute(update(T).where(T.c.id == t.id).values(
            status=TS.WAITING, queue_id=new_queue, target_window_id=to_window_id, target_staff_id=to_staff_id,
            return_queue_id=return_queue, window_id=None, staff_id=None, queued_at=t.issued_at, called_at=None,
            started_at=None, recall_count=0, note=note))
        from_label = f"{w.label()}（{actor.name}）· {t.queue_name}"
        _event(s, w, actor, t, K.TRANSFERRED, "ticket.transferred", now, queue_id=new_queue, note=note,
               data={"from_label": from_label, "from_queue_id": t.queue_id, "from_window_id": w.id,
                     "to_queue_id": new_queue, "to_window_id": to_window_id, "to_staff_id": to_staff_id,
                     "return_after": bool(return_after), "to_label": " / ".join(to_label)},
               to_queue_id=new_queue, to_window_id=to_window_id, to_staff_id=to_staff_id)


def walk_direct(db: Database, actor: Actor, window_id: int, queue_id: int, note: str = "",
                now: dt.datetime | None = None) -> ServingTicket:
    """Serve someone without a ticket (e.g. a quick question): a ticket flagged walk_direct, serving at once."""
    assert_clerk(actor, "直接办理")
    now = now_utc(now)
    note = (note or "").strip()
    with db.write() as session:
        s = session.connection()  # Core on the Connection: less per-statement overhead
        w = _assert_at_window(s, actor, window_id, lock=True, check_free=True)
        cfg, day = issuing._queue_cfg(s, db.url, queue_id, now)
        if cfg.site_id != w.site_id:
            raise NotFound("找不到该业务队列。")
        if not cfg.active:
            raise InvalidInput(f"“{cfg.name}”已停止办理。")
        seq = issuing.next_seq(s, queue_id, day)
        tid, number, _code = issuing._insert_ticket(
            s, cfg, day, seq, priority=Priority.NORMAL, now=now, queued_at=now, phone="", device=f"window:{w.number}",
            item_id=None, status=TS.SERVING, walk_direct=True, window_id=w.id, staff_id=actor.staff_id, note=note)
        for kind in (K.ISSUED, K.CALLED):
            s.execute(insert(TE).values(ticket_id=tid, kind=kind, at=now, window_id=w.id, staff_id=actor.staff_id,
                                        queue_id=queue_id, note="窗口直接办理", data={"walk_direct": True}))
        _event(s, w, actor, tid, K.STARTED, "ticket.walk_direct", now, number=number, queue_id=queue_id, note=note)
        return _serving(s, tid, now)


def finish(db: Database, actor: Actor, window_id: int, ticket_id: int, now: dt.datetime | None = None) -> None:
    """办结. A ticket transferred with return_after goes back to the front of its original queue instead."""
    assert_clerk(actor, "办结")
    now = now_utc(now)
    with db.write() as session:
        s = session.connection()  # Core on the Connection: less per-statement overhead
        w = _assert_at_window(s, actor, window_id)
        t = _held(s, w, ticket_id, (TS.CALLED, TS.SERVING), "办结")
        if t.return_queue_id is not None:
            _set(s, t.id, _RETURN, p_queue=t.return_queue_id, p_queued=t.issued_at)
            from_label = f"{w.label()}（{actor.name}）· {t.queue_name}"
            _event(s, w, actor, t, K.RETURNED, "ticket.returned", now, queue_id=t.return_queue_id,
                   data={"from_label": from_label, "from_queue_id": t.queue_id, "from_window_id": w.id},
                   to_queue_id=t.return_queue_id)
        else:
            _set(s, t.id, _FINISH, p_now=now)
            _event(s, w, actor, t, K.FINISHED, "ticket.finished", now)
    if t.return_queue_id is None:
        est.invalidate_stats(db, t.queue_id)


# --------------------------------------------------------------------------------------------- pauses


def pause_window(db: Database, actor: Actor, window_id: int, reason: str, now: dt.datetime | None = None) -> None:
    """暂停服务 with a reason. Breaks belong to attendance (common.services.attendance.start_break: the clerk's
    own open session, no ticket in hand, hall event window.paused, audit); this finds the window's session."""
    from common.services import attendance

    assert_clerk(actor, "暂停服务")
    session = attendance.open_session(db, window_id, now=now)
    if session is None:
        raise InvalidInput("本窗口尚未签到，无法暂停服务。")
    attendance.start_break(db, actor, session.id, reason, now=now)


def resume_window(db: Database, actor: Actor, window_id: int, now: dt.datetime | None = None) -> None:
    """恢复服务 (attendance.end_break on the window's open session)."""
    from common.services import attendance

    assert_clerk(actor, "恢复服务")
    session = attendance.open_session(db, window_id, now=now)
    if session is None:
        raise InvalidInput("本窗口尚未签到，无法恢复服务。")
    attendance.end_break(db, actor, session.id, now=now)
