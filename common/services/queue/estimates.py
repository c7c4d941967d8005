"""Queue status for the kiosk and the counter, people ahead, and wait estimates.

The wait is a RANGE: people ahead × (median … p80 of recent window occupancy per ticket, called → finished) ÷ the
number of open windows serving the queue (windows with an open WindowSession today). No open window → None (the
kiosk says 暂无窗口办理). Service-time percentiles are cached per process for `STATS_TTL_S` seconds: the estimate
is a hint, and the kiosk home screen must stay cheap.
"""

from __future__ import annotations

import datetime as dt
import math
import threading
import time
import weakref
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session

from common.clock import business_day, day_bounds, local_time
from common.db.engine import Database
from common.db.models import HallOpeningDay, QueueCounter, QueueQuota, Window, WindowQueue, WindowSession
from common.domain import Priority, TicketStatus
from common.errors import NotFound
from common.services.queue._base import (
    ALL_PRIORITIES,
    Q,
    S,
    T,
    QueueStatus,
    any_priority,
    hhmm,
    now_utc,
)

QC = QueueCounter.__table__
QQ = QueueQuota.__table__
HOD = HallOpeningDay.__table__
WQ = WindowQueue.__table__
WS = WindowSession.__table__
W = Window.__table__

STATS_TTL_S = 60.0
STATS_SAMPLES = 50  # the last N finished services
STATS_MIN_SAMPLES = 5  # fewer today: look back over the last days
STATS_HISTORY_DAYS = 7

MSG_HALL_CLOSED = "今日大厅休息，暂停取号"
MSG_CAP = "今日该业务号已发完，请明天再来或选择网上办理"


def msg_hours(opens: dt.time, closes: dt.time) -> str:
    return f"该业务办理时间为 {hhmm(opens)}–{hhmm(closes)}，现在不在办理时间内"


def msg_quota(start: dt.time, end: dt.time) -> str:
    return f"{hhmm(start)}–{hhmm(end)} 时段该业务号已发完，请于 {hhmm(end)} 以后再来取号"


# --------------------------------------------------------------------------------------------- opening rules


def effective_hours(opens: dt.time, closes: dt.time, hod_open: bool | None, hod_opens: dt.time | None,
                    hod_closes: dt.time | None) -> tuple[dt.time, dt.time] | None:
    """The queue's hours on this day, narrowed by the hall's own opening calendar; None = hall closed."""
    if hod_open is False:
        return None
    if hod_opens is not None:
        opens = max(opens, hod_opens)
    if hod_closes is not None:
        closes = min(closes, hod_closes)
    return opens, closes


def hours_problem(hours: tuple[dt.time, dt.time] | None, at_local: dt.time, raw: tuple[dt.time, dt.time]) -> str | None:
    if hours is None:
        return MSG_HALL_CLOSED
    opens, closes = hours
    if not (opens <= at_local < closes):
        return msg_hours(opens, closes) if opens < closes else msg_hours(*raw)
    return None


def active_quotas(s: Session, queue_ids: list[int], at_local: dt.time) -> dict[int, list[tuple[dt.time, dt.time, int]]]:
    rows = s.execute(
        select(QQ.c.queue_id, QQ.c.starts_at, QQ.c.ends_at, QQ.c.cap).where(
            QQ.c.queue_id.in_(queue_ids), QQ.c.starts_at <= at_local, QQ.c.ends_at > at_local
        )
    ).all()
    out: dict[int, list[tuple[dt.time, dt.time, int]]] = {}
    for qid, start, end, cap in rows:
        out.setdefault(qid, []).append((start, end, cap))
    return out


def quota_problem(s: Session, queue_id: int, day: dt.date, tz: str, quotas: list[tuple[dt.time, dt.time, int]]) -> str | None:
    """Walk-up tickets already issued in an active quota window reached its cap?"""
    from zoneinfo import ZoneInfo

    z = ZoneInfo(tz)
    for start, end, cap in quotas:
        lo = dt.datetime.combine(day, start, z).astimezone(dt.timezone.utc)
        hi = dt.datetime.combine(day, end, z).astimezone(dt.timezone.utc)
        used = s.scalar(
            select(func.count()).select_from(T).where(
                T.c.origin_queue_id == queue_id, T.c.business_day == day, T.c.issued_at >= lo, T.c.issued_at < hi,
                T.c.appointment_id.is_(None), T.c.walk_direct.is_(False),
            )
        )
        if used >= cap:
            return msg_quota(start, end)
    return None


# --------------------------------------------------------------------------------------------- service times


@dataclass(frozen=True)
class ServiceStats:
    median_s: float
    p80_s: float
    samples: int  # 0: a guess from the queue's target wait


_stats_lock = threading.Lock()
_stats_cache: "weakref.WeakKeyDictionary[Any, dict[int, tuple[float, ServiceStats]]]" = weakref.WeakKeyDictionary()


def invalidate_stats(db_or_engine: Any, queue_id: int | None = None) -> None:
    engine = getattr(db_or_engine, "engine", db_or_engine)
    with _stats_lock:
        per = _stats_cache.get(engine)
        if per is None:
            return
        if queue_id is None:
            per.clear()
        else:
            per.pop(queue_id, None)


def _guess(target_wait_minutes: int) -> ServiceStats:
    # No history: assume a window clears about three tickets within the target wait.
    target = max(3, target_wait_minutes or 15) * 60.0
    return ServiceStats(median_s=target / 3, p80_s=target / 2, samples=0)


def _percentiles(durations: list[float]) -> tuple[float, float]:
    d = sorted(durations)
    median = d[(len(d) - 1) // 2] if len(d) % 2 else (d[len(d) // 2 - 1] + d[len(d) // 2]) / 2
    p80 = d[min(len(d) - 1, math.ceil(0.8 * len(d)) - 1)]
    return median, p80


def service_stats(s: Session, queues: dict[int, int], day: dt.date, tz: str) -> dict[int, ServiceStats]:
    """Median / p80 occupancy per ticket for each queue id (→ its target_wait_minutes), cached per process."""
    engine = s.engine if hasattr(s, "engine") else s.get_bind()
    engine = getattr(engine, "engine", engine)
    now_m = time.monotonic()
    out: dict[int, ServiceStats] = {}
    missing: list[int] = []
    with _stats_lock:
        per = _stats_cache.setdefault(engine, {})
        for qid in queues:
            hit = per.get(qid)
            if hit is not None and now_m - hit[0] < STATS_TTL_S:
                out[qid] = hit[1]
            else:
                missing.append(qid)
    if not missing:
        return out
    samples: dict[int, list[float]] = {qid: [] for qid in missing}
    today_start, _ = day_bounds(day, tz)
    history_start, _ = day_bounds(day - dt.timedelta(days=STATS_HISTORY_DAYS), tz)
    for since, wanted in ((today_start, missing), (history_start, None)):
        if wanted is None:
            wanted = [q for q in missing if len(samples[q]) < STATS_MIN_SAMPLES]
            for q in wanted:
                samples[q] = []
        if not wanted:
            break
        rows = s.execute(
            select(T.c.queue_id, T.c.called_at, T.c.finished_at)
            .where(
                T.c.queue_id.in_(wanted),
                T.c.status == TicketStatus.DONE,
                any_priority(T.c.priority, ALL_PRIORITIES),  # lets both planners walk ix_ticket_waiting
                T.c.queued_at >= since,
                T.c.finished_at.is_not(None),
                T.c.called_at.is_not(None),
            )
            .order_by(T.c.finished_at.desc())
        ).all()
        for qid, called, finished in rows:
            bucket = samples[qid]
            if len(bucket) < STATS_SAMPLES:
                bucket.append(max(1.0, (finished - called).total_seconds()))
    with _stats_lock:
        per = _stats_cache.setdefault(engine, {})
        for qid in missing:
            if samples[qid]:
                med, p80 = _percentiles(samples[qid])
                st = ServiceStats(med, max(med, p80), len(samples[qid]))
            else:
                st = _guess(queues[qid])
            per[qid] = (now_m, st)
            out[qid] = st
    return out


def estimate(people_ahead: int, open_windows: int, stats: ServiceStats) -> tuple[int | None, int | None]:
    """(min, max) minutes; (None, None) when no window serving the queue is open."""
    if open_windows <= 0:
        return None, None
    per_window = people_ahead / open_windows
    lo = math.floor(per_window * stats.median_s / 60)
    hi = math.ceil((per_window + 1) * stats.p80_s / 60)
    return lo, max(lo, hi)


def ahead_with_mixing(priority: Priority | str, normal_ahead: int, priority_ahead: int, ratio_normal: int,
                      ratio_priority: int) -> int:
    """People called before a ticket, roughly, given the normal:priority mixing of its queue."""
    rn, rp = max(0, ratio_normal), max(1, ratio_priority)
    if Priority(priority) is Priority.NORMAL:
        # each run of `rn` normals lets `rp` priority tickets in
        return normal_ahead + min(priority_ahead, (normal_ahead // max(1, rn) + 1) * rp)
    return priority_ahead + min(normal_ahead, (priority_ahead // rp + 1) * rn)


# --------------------------------------------------------------------------------------------- queries


def open_windows_subquery(queue_col, day):
    """Scalar: windows serving the queue with an open session today (driven by window_queue, then the
    ix_window_session_open index; window_session itself grows every day and is never scanned)."""
    open_session = (
        select(WS.c.id)
        .where(WS.c.window_id == WQ.c.window_id, WS.c.ended_at.is_(None), WS.c.business_day == day)
        .exists()
    )
    return (
        select(func.count())
        .select_from(WQ.join(W, W.c.id == WQ.c.window_id))
        .where(WQ.c.queue_id == queue_col, W.c.active.is_(True), open_session)
        .scalar_subquery()
    )


def waiting_counts_subquery(queue_id, day_start: dt.datetime, day_end: dt.datetime):
    """Derived table (normal, priority): today's waiting tickets of one queue, counted in ONE index range scan."""
    is_normal = T.c.priority == Priority.NORMAL
    return (
        select(func.count(case((is_normal, 1))).label("normal"), func.count(case((~is_normal, 1))).label("priority"))
        .select_from(T)
        .where(T.c.queue_id == queue_id, T.c.status == TicketStatus.WAITING, any_priority(T.c.priority, ALL_PRIORITIES),
               T.c.queued_at >= day_start, T.c.queued_at < day_end)
        .subquery("waiting")
    )


def ticket_ahead(s: Session, ticket_id: int, queue_id: int, queued_at: dt.datetime, day_start: dt.datetime,
                 day_end: dt.datetime) -> tuple[int, int, int, int]:
    """(normal before, priority before, normal total, priority total) among today's waiting tickets of a queue."""
    before = or_(T.c.queued_at < queued_at, and_(T.c.queued_at == queued_at, T.c.id < ticket_id))
    is_normal = T.c.priority == Priority.NORMAL
    row = s.execute(
        select(
            func.count(case((and_(before, is_normal), 1))),
            func.count(case((and_(before, ~is_normal), 1))),
            func.count(case((and_(is_normal, T.c.id != ticket_id), 1))),
            func.count(case((and_(~is_normal, T.c.id != ticket_id), 1))),
        ).where(T.c.queue_id == queue_id, T.c.status == TicketStatus.WAITING, any_priority(T.c.priority, ALL_PRIORITIES),
                T.c.queued_at >= day_start, T.c.queued_at < day_end)
    ).one()
    return int(row[0]), int(row[1]), int(row[2]), int(row[3])


def _statuses(s: Session, site_id: int, now: dt.datetime, queue_filter=None) -> list[QueueStatus]:
    site = s.execute(select(S.c.timezone).where(S.c.id == site_id)).first()
    if site is None:
        raise NotFound(f"找不到站点（编号 {site_id}）。")
    tz = site.timezone
    day = business_day(now, tz)
    at_local = local_time(now, tz)
    start, end = day_bounds(day, tz)
    stmt = (
        select(
            Q.c.id, Q.c.prefix, Q.c.name, Q.c.name_en, Q.c.zone, Q.c.daily_cap, Q.c.opens_at, Q.c.closes_at,
            Q.c.target_wait_minutes, Q.c.appointment_only, QC.c.issued,
            HOD.c.is_open, HOD.c.opens_at.label("hod_opens"), HOD.c.closes_at.label("hod_closes"),
        )
        .select_from(
            Q.outerjoin(QC, and_(QC.c.queue_id == Q.c.id, QC.c.business_day == day)).outerjoin(
                HOD, and_(HOD.c.site_id == Q.c.site_id, HOD.c.day == day)
            )
        )
        .where(Q.c.site_id == site_id, Q.c.active.is_(True))
        .order_by(Q.c.position, Q.c.prefix, Q.c.id)
    )
    if queue_filter is not None:
        stmt = stmt.where(Q.c.id.in_(queue_filter))
    queues = s.execute(stmt).all()
    if not queues:
        return []
    ids = [q.id for q in queues]
    waiting = dict(
        s.execute(
            select(T.c.queue_id, func.count())
            .where(T.c.queue_id.in_(ids), T.c.status == TicketStatus.WAITING, any_priority(T.c.priority, ALL_PRIORITIES),
                   T.c.queued_at >= start, T.c.queued_at < end)
            .group_by(T.c.queue_id)
        ).all()
    )
    open_session = (
        select(WS.c.id)
        .where(WS.c.window_id == WQ.c.window_id, WS.c.ended_at.is_(None), WS.c.business_day == day)
        .exists()
    )
    windows = dict(
        s.execute(
            select(WQ.c.queue_id, func.count())
            .select_from(WQ.join(W, W.c.id == WQ.c.window_id))
            .where(WQ.c.queue_id.in_(ids), W.c.active.is_(True), open_session)
            .group_by(WQ.c.queue_id)
        ).all()
    )
    quotas = active_quotas(s, ids, at_local)
    stats = service_stats(s, {q.id: q.target_wait_minutes for q in queues}, day, tz)
    out = []
    for q in queues:
        issued = q.issued or 0
        hours = effective_hours(q.opens_at, q.closes_at, q.is_open, q.hod_opens, q.hod_closes)
        reason = hours_problem(hours, at_local, (q.opens_at, q.closes_at))
        if reason is None and q.daily_cap and issued >= q.daily_cap:
            reason = MSG_CAP
        if reason is None and q.id in quotas:
            reason = quota_problem(s, q.id, day, tz, quotas[q.id])
        n_wait = int(waiting.get(q.id, 0))
        n_win = int(windows.get(q.id, 0))
        lo, hi = estimate(n_wait, n_win, stats[q.id])
        out.append(
            QueueStatus(
                queue_id=q.id, prefix=q.prefix, name=q.name, name_en=q.name_en, zone=q.zone, waiting=n_wait,
                open_windows=n_win, est_wait_min=lo, est_wait_max=hi, is_open=reason is None, closed_reason=reason,
                appointment_only=q.appointment_only, issued_today=issued, daily_cap=q.daily_cap,
            )
        )
    return out


def list_queue_status(db: Database, site_id: int, now: dt.datetime | None = None) -> list[QueueStatus]:
    """Every active queue of the site, in display order, with waiting count, open windows and wait range."""
    now = now_utc(now)
    with db.read() as session:
        s = session.connection()  # Core on the Connection: less per-statement overhead
        return _statuses(s, site_id, now)


def window_queues(db: Database, window_id: int, now: dt.datetime | None = None) -> list[QueueStatus]:
    """The queues a window serves (active ones), with their status."""
    now = now_utc(now)
    with db.read() as session:
        s = session.connection()  # Core on the Connection: less per-statement overhead
        site_id = s.scalar(select(W.c.site_id).where(W.c.id == window_id))
        if site_id is None:
            raise NotFound(f"找不到窗口（编号 {window_id}）。")
        ids = s.scalars(select(WQ.c.queue_id).where(WQ.c.window_id == window_id)).all()
        if not ids:
            return []
        return _statuses(s, site_id, now, queue_filter=list(ids))
