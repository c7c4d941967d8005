"""Taking a number (取号), appointment check-in (预约签到), showing a ticket again, reprints.

The number comes from the per-(queue, business day) counter row, incremented atomically in ONE statement:
`INSERT … ON CONFLICT (queue_id, business_day) DO UPDATE SET issued = issued + 1 RETURNING issued` (SQLite ≥ 3.35
and PostgreSQL). The row lock taken by that statement also serialises the cap and quota checks of one queue.
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

from sqlalchemy import Text, and_, bindparam, cast, func, insert, literal_column, select, true, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Session

from common.clock import business_day, day_bounds, local_time
from common.db.engine import Database
from common.db.models import Appointment, HallEvent, ServiceItem
from common.domain import AppointmentStatus, ItemStatus, Priority, TicketEventKind, TicketStatus
from common.errors import InvalidInput, NotFound
from common.services import events
from common.services.queue import estimates as est
from common.services.queue._fast import Prepared
from common.services.queue._base import (
    Q,
    S,
    T,
    TE,
    IssuedTicket,
    bp,
    connection,
    write_conn,
    format_number,
    now_utc,
    qr_payload,
    record,
)

QC = est.QC
A = Appointment.__table__
SI = ServiceItem.__table__
HE = HallEvent.__table__

# queue id -> site time zone: only used to pick the business day for the first query; re-checked every time.
_queue_tz: dict[tuple[str, int], str] = {}


_B32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"  # RFC 4648 base32 alphabet


def new_check_code() -> str:
    """8 characters of base32 (40 random bits), printed in the QR so a photographed ticket can be verified."""
    n = secrets.randbits(40)
    return "".join(_B32[(n >> shift) & 31] for shift in range(35, -1, -5))


_SEQ: dict[str, Prepared] = {}


def _seq_insert(dialect_insert):
    return dialect_insert(QC).values(
        queue_id=bindparam("p_queue"), business_day=bindparam("p_day", type_=QC.c.business_day.type),
        issued=1, normal_since_priority=0,
    ).on_conflict_do_update(
        index_elements=[QC.c.queue_id, QC.c.business_day], set_={"issued": QC.c.issued + 1}
    ).returning(QC.c.issued)


def _seq_upsert_if_queue():
    """`_seq_insert` for PostgreSQL that inserts nothing for a queue id that does not exist (no FK error: the
    query it rides along with then finds no queue and says so)."""
    day = bindparam("p_day", type_=QC.c.business_day.type)
    rows = select(Q.c.id, day, literal_column("1"), literal_column("0")).where(Q.c.id == bindparam("p_queue"))
    return postgresql.insert(QC).from_select(
        ["queue_id", "business_day", "issued", "normal_since_priority"], rows
    ).on_conflict_do_update(
        index_elements=[QC.c.queue_id, QC.c.business_day], set_={"issued": QC.c.issued + 1}
    ).returning(QC.c.issued)


def _seq_stmt(dialect: str):
    stmt = _SEQ.get(dialect)
    if stmt is None:
        stmt = _SEQ[dialect] = Prepared(_seq_insert(postgresql.insert if dialect == "postgresql" else sqlite.insert))
    return stmt


def next_seq(s: Session, queue_id: int, day: dt.date) -> int:
    """Atomically take the next sequence number of (queue, business day); the first of a day is 1.

    One statement: INSERT … ON CONFLICT (queue_id, business_day) DO UPDATE SET issued = issued + 1 RETURNING issued.
    """
    conn = connection(s)
    return int(_seq_stmt(conn.dialect.name).scalar(conn, {"p_queue": queue_id, "p_day": day}))


def _priority(value: Priority | str) -> Priority:
    try:
        return Priority(value)
    except ValueError:
        raise InvalidInput(f"无效的优先类别：{value}") from None


def _phone(phone: str) -> str:
    phone = (phone or "").strip()
    if not phone:
        return ""
    from common.validation import validate_mobile

    return validate_mobile(phone)


class _QueueCfg(NamedTuple):  # a NamedTuple: built on every ticket, and cheaper than a frozen dataclass
    id: int
    site_id: int
    prefix: str
    name: str
    name_en: str
    zone: str
    range_start: int
    range_end: int
    daily_cap: int
    opens_at: dt.time
    closes_at: dt.time
    target_wait_minutes: int
    ratio_normal: int
    ratio_priority: int
    appointment_only: bool
    active: bool
    site_code: str
    site_active: bool
    tz: str
    hod_open: bool | None
    hod_opens: dt.time | None
    hod_closes: dt.time | None
    has_quota: bool
    waiting_normal: int
    waiting_priority: int
    open_windows: int


def _cfg_statement(*, take_seq: bool = False):
    """The queue's configuration and today's counts; with `take_seq` (PostgreSQL) the counter upsert of `next_seq`
    rides along as a data-modifying CTE, so taking a number costs one round trip less."""
    qid = Q.c.id
    start, end = bp("p_start", T.c.queued_at), bp("p_end", T.c.queued_at)
    day = bp("p_day", est.HOD.c.day)
    waiting = est.waiting_counts_subquery(bindparam("p_queue"), start, end)
    return (
        select(
            Q.c.id, Q.c.site_id, Q.c.prefix, Q.c.name, Q.c.name_en, Q.c.zone, Q.c.range_start, Q.c.range_end,
            Q.c.daily_cap, Q.c.opens_at, Q.c.closes_at, Q.c.target_wait_minutes, Q.c.ratio_normal,
            Q.c.ratio_priority, Q.c.appointment_only, Q.c.active, S.c.code, S.c.active, S.c.timezone,
            est.HOD.c.is_open, est.HOD.c.opens_at, est.HOD.c.closes_at,
            select(est.QQ.c.id).where(est.QQ.c.queue_id == qid).limit(1).exists(),
            waiting.c.normal,
            waiting.c.priority,
            est.open_windows_subquery(qid, day),
            *([select(_seq_upsert_if_queue().cte("seq").c.issued).scalar_subquery()] if take_seq else []),
        )
        .select_from(
            Q.join(S, S.c.id == Q.c.site_id).outerjoin(est.HOD, and_(est.HOD.c.site_id == Q.c.site_id, est.HOD.c.day == day))
            .join(waiting, true())
        )
        .where(qid == bindparam("p_queue"))
    )


_CFG = Prepared(_cfg_statement())
_CFG_SEQ_PG = Prepared(_cfg_statement(take_seq=True))


class _WrongDay(Exception):
    """The cached time zone of a queue was stale, so the counter taken along was for the wrong day: redo."""


def _queue_cfg_taking_seq(s: Session, db_url: str, queue_id: int, now: dt.datetime) -> tuple[_QueueCfg, dt.date, int]:
    """PostgreSQL: `_queue_cfg` and `next_seq` in one statement. Raises _WrongDay (roll back, then use the two-step
    path) when the queue's time zone was not the cached one: the counter taken along was for the wrong day."""
    cfg, day, row = _load_cfg(s, db_url, queue_id, now, _CFG_SEQ_PG)
    if row is None:
        raise _WrongDay()
    return cfg, day, int(row[26])


def _cfg_from_row(row) -> _QueueCfg:
    return _QueueCfg(*row[:18], row[18] or "Asia/Shanghai", row[19], row[20], row[21],
                     bool(row[22]), int(row[23]), int(row[24]), int(row[25]))


def _load_cfg(s: Session, db_url: str, queue_id: int, now: dt.datetime, stmt: Prepared) -> tuple[_QueueCfg, dt.date, Any]:
    """One run of the configuration query for the business day of the queue's cached time zone. Returns the row
    too, or None in its place when the cached zone was stale (the cache is corrected; the caller runs it again)."""
    key = (db_url, queue_id)
    tz = _queue_tz.get(key, "Asia/Shanghai")
    day = business_day(now, tz)
    start, end = day_bounds(day, tz)
    row = stmt.one(connection(s), {"p_queue": queue_id, "p_day": day, "p_start": start, "p_end": end})
    if row is None:
        raise NotFound(f"找不到该业务（队列编号 {queue_id}），请返回重新选择。")
    cfg = _cfg_from_row(row)
    if cfg.tz != tz:
        _queue_tz[key] = cfg.tz  # first use (or the hall moved time zone)
        return cfg, business_day(now, cfg.tz), None
    return cfg, day, row


def _queue_cfg(s: Session, db_url: str, queue_id: int, now: dt.datetime) -> tuple[_QueueCfg, dt.date]:
    """Queue, site, hall calendar and today's waiting/open-window counts in ONE query."""
    cfg, day, row = _load_cfg(s, db_url, queue_id, now, _CFG)
    if row is None:  # the counts were for another day: redo with the right business day
        cfg, day, _row = _load_cfg(s, db_url, queue_id, now, _CFG)
    return cfg, day


def _check_walk_up(s: Session, cfg: _QueueCfg, day: dt.date, now: dt.datetime) -> None:
    if not cfg.active or not cfg.site_active:
        raise InvalidInput(f"“{cfg.name}”已停止取号，请咨询服务台。")
    if cfg.appointment_only:
        raise InvalidInput("该业务仅限预约办理，请先预约")
    at_local = local_time(now, cfg.tz)
    hours = est.effective_hours(cfg.opens_at, cfg.closes_at, cfg.hod_open, cfg.hod_opens, cfg.hod_closes)
    problem = est.hours_problem(hours, at_local, (cfg.opens_at, cfg.closes_at))
    if problem:
        raise InvalidInput(problem)


def _item_id(s: Session, item_code: str) -> int:
    row = s.execute(select(SI.c.id, SI.c.status).where(SI.c.code == item_code)).first()
    if row is None:
        raise NotFound(f"找不到事项“{item_code}”。")
    if row.status != ItemStatus.IN_FORCE:
        raise InvalidInput("该事项已取消，不再受理。")
    return row.id


_TICKET_KEYS = (
    "site_id", "queue_id", "origin_queue_id", "business_day", "seq", "number", "priority", "status", "issued_at",
    "queued_at", "phone", "appointment_id", "item_id", "note", "recall_count", "walk_direct", "device",
    "check_code", "window_id", "staff_id", "called_at", "started_at",
)
_TICKET_INSERT = Prepared(insert(T).returning(T.c.id), keys=_TICKET_KEYS)


def _pg_issue_statement():
    """PostgreSQL: the ticket row, its `issued` event, the hall event and the NOTIFY in ONE statement (chained
    data-modifying CTEs; the hall event's payload gets the new ticket id in SQL)."""
    t = insert(T).values({k: bindparam(k, type_=T.c[k].type) for k in _TICKET_KEYS}).returning(T.c.id).cte("t")
    e = insert(TE).from_select(
        ["ticket_id", "kind", "at", "queue_id", "note"],
        select(t.c.id, bp("te_kind", TE.c.kind), bp("te_at", TE.c.at), bp("te_queue_id", TE.c.queue_id),
               bp("te_note", TE.c.note)),
    ).cte("e")
    payload = func.jsonb_set(cast(bindparam("he_payload", type_=Text), JSONB), literal_column("'{ticket_id}'"),
                             func.to_jsonb(t.c.id))
    h = insert(HE).from_select(
        ["site_id", "at", "kind", "payload"],
        select(bp("he_site_id", HE.c.site_id), bp("he_at", HE.c.at), bp("he_kind", HE.c.kind),
               cast(payload, postgresql.JSON)),
    ).returning(HE.c.id).cte("h")
    return (select(t.c.id, func.pg_notify(events.CHANNEL, cast(h.c.id, Text)))
            .select_from(t.join(h, true())).add_cte(e))


_PG_ISSUE = Prepared(_pg_issue_statement())


def _insert_ticket(s: Session, cfg: _QueueCfg, day: dt.date, seq: int, *, priority: Priority, now: dt.datetime,
                   queued_at: dt.datetime, phone: str, device: str, item_id: int | None,
                   appointment_id: int | None = None, status: TicketStatus = TicketStatus.WAITING,
                   walk_direct: bool = False, window_id: int | None = None, staff_id: int | None = None,
                   note: str = "", number: str | None = None, code: str | None = None) -> tuple[int, str, str]:
    number = number or format_number(cfg.prefix, seq, cfg.range_start, cfg.range_end)
    code = code or new_check_code()
    tid = _TICKET_INSERT.scalar(connection(s), _ticket_values(
        cfg, day, seq, number, code, priority=priority, now=now, queued_at=queued_at, phone=phone, device=device,
        item_id=item_id, appointment_id=appointment_id, status=status, walk_direct=walk_direct, window_id=window_id,
        staff_id=staff_id, note=note))
    return int(tid), number, code


def _ticket_values(cfg: _QueueCfg, day: dt.date, seq: int, number: str, code: str, *, priority: Priority,
                   now: dt.datetime, queued_at: dt.datetime, phone: str, device: str, item_id: int | None,
                   appointment_id: int | None = None, status: TicketStatus = TicketStatus.WAITING,
                   walk_direct: bool = False, window_id: int | None = None, staff_id: int | None = None,
                   note: str = "") -> dict:
    held = status in (TicketStatus.CALLED, TicketStatus.SERVING)
    return dict(
        site_id=cfg.site_id, queue_id=cfg.id, origin_queue_id=cfg.id, business_day=day, seq=seq, number=number,
        priority=priority, status=status, issued_at=now, queued_at=queued_at, phone=phone,
        appointment_id=appointment_id, item_id=item_id, note=note, recall_count=0, walk_direct=walk_direct,
        device=device, check_code=code, window_id=window_id, staff_id=staff_id,
        called_at=now if held else None, started_at=now if status is TicketStatus.SERVING else None,
    )


def issue_ticket(
    db: Database,
    queue_id: int,
    *,
    priority: Priority | str = Priority.NORMAL,
    phone: str = "",
    device: str = "",
    item_code: str | None = None,
    now: dt.datetime | None = None,
) -> IssuedTicket:
    """Take a number (walk-up). Raises InvalidInput with the reason the kiosk shows (hours, cap, quota…)."""
    now = now_utc(now)
    prio = _priority(priority)
    phone = _phone(phone)
    device = (device or "")[:60]
    try:
        return _issue(db, queue_id, prio, phone, device, item_code, now, combined=not db.is_sqlite)
    except _WrongDay:
        return _issue(db, queue_id, prio, phone, device, item_code, now, combined=False)


def _issue(db: Database, queue_id: int, prio: Priority, phone: str, device: str, item_code: str | None,
           now: dt.datetime, *, combined: bool) -> IssuedTicket:
    with write_conn(db) as s:  # the hot path: Core statements on a bare Connection, no ORM Session
        # the counter row stays locked until commit: the cap and quota checks below are race-free
        if combined:
            cfg, day, seq = _queue_cfg_taking_seq(s, db.url, queue_id, now)
        else:
            cfg, day = _queue_cfg(s, db.url, queue_id, now)
            seq = 0
        _check_walk_up(s, cfg, day, now)
        item_id = _item_id(s, item_code) if item_code else None
        if not combined:
            seq = next_seq(s, queue_id, day)
        if cfg.daily_cap and seq > cfg.daily_cap:
            raise InvalidInput(est.MSG_CAP)
        if cfg.has_quota:
            at_local = local_time(now, cfg.tz)
            quotas = est.active_quotas(s, [cfg.id], at_local).get(cfg.id)
            problem = est.quota_problem(s, cfg.id, day, cfg.tz, quotas) if quotas else None
            if problem:
                raise InvalidInput(problem)
        number = format_number(cfg.prefix, seq, cfg.range_start, cfg.range_end)
        code = new_check_code()
        payload = {"ticket_id": None, "number": number, "queue_id": cfg.id, "priority": prio.value,
                   "waiting": cfg.waiting_normal + cfg.waiting_priority + 1, "window_id": None}
        if combined:  # one statement for the ticket and its events
            params = _ticket_values(cfg, day, seq, number, code, priority=prio, now=now, queued_at=now, phone=phone,
                                    device=device, item_id=item_id)
            params.update(events.pg_publish_params("ticket.issued", payload, cfg.site_id, now))
            params.update(te_kind=TicketEventKind.ISSUED, te_at=now, te_queue_id=cfg.id, te_note=device)
            tid = int(_PG_ISSUE.one(connection(s), params)[0])
        else:
            tid, number, code = _insert_ticket(s, cfg, day, seq, priority=prio, now=now, queued_at=now, phone=phone,
                                               device=device, item_id=item_id, number=number, code=code)
            record(s, ticket_id=tid, kind=TicketEventKind.ISSUED, at=now, site_id=cfg.site_id, queue_id=cfg.id,
                   note=device, hall_kind="ticket.issued", payload={**payload, "ticket_id": tid})
        ahead = est.ahead_with_mixing(prio, cfg.waiting_normal, cfg.waiting_priority, cfg.ratio_normal,
                                      cfg.ratio_priority)
        stats = est.service_stats(s, {cfg.id: cfg.target_wait_minutes}, day, cfg.tz)[cfg.id]
    lo, hi = est.estimate(ahead, cfg.open_windows, stats)
    return IssuedTicket(
        ticket_id=tid, number=number, queue_id=cfg.id, queue_name=cfg.name, queue_name_en=cfg.name_en,
        priority=prio.value, people_ahead=ahead, est_wait_min=lo, est_wait_max=hi, issued_at=now, business_day=day,
        qr_data=qr_payload(cfg.site_code, day, number, tid, code), check_code=code,
        status=TicketStatus.WAITING.value, site_code=cfg.site_code, zone=cfg.zone,
    )


def _view(s: Session, ticket_id: int, now: dt.datetime, db_url: str) -> IssuedTicket:
    row = s.execute(
        select(T.c.id, T.c.queue_id, T.c.number, T.c.priority, T.c.status, T.c.issued_at, T.c.queued_at,
               T.c.business_day, T.c.check_code, T.c.appointment_id, S.c.code, S.c.timezone)
        .join(S, S.c.id == T.c.site_id)
        .where(T.c.id == ticket_id)
    ).first()
    if row is None:
        raise NotFound(f"找不到该取号记录（编号 {ticket_id}）。")
    cfg, _ = _queue_cfg(s, db_url, row.queue_id, now)
    start, end = day_bounds(row.business_day, row.timezone)
    if row.status == TicketStatus.WAITING:
        nb, pb, nt, pt = est.ticket_ahead(s, row.id, row.queue_id, row.queued_at, start, end)
        if Priority(row.priority) is Priority.NORMAL:  # normals before me, and priority ones mixed in
            ahead = est.ahead_with_mixing(row.priority, nb, pt, cfg.ratio_normal, cfg.ratio_priority)
        else:  # priority ones before me, and normals mixed in
            ahead = est.ahead_with_mixing(row.priority, nt, pb, cfg.ratio_normal, cfg.ratio_priority)
        stats = est.service_stats(s, {cfg.id: cfg.target_wait_minutes}, row.business_day, row.timezone)[cfg.id]
        lo, hi = est.estimate(ahead, cfg.open_windows, stats)
    else:
        ahead, lo, hi = 0, None, None
    return IssuedTicket(
        ticket_id=row.id, number=row.number, queue_id=cfg.id, queue_name=cfg.name, queue_name_en=cfg.name_en,
        priority=Priority(row.priority).value, people_ahead=ahead, est_wait_min=lo, est_wait_max=hi,
        issued_at=row.issued_at, business_day=row.business_day,
        qr_data=qr_payload(row.code, row.business_day, row.number, row.id, row.check_code),
        check_code=row.check_code, status=TicketStatus(row.status).value, site_code=row.code, zone=cfg.zone,
        appointment_id=row.appointment_id,
    )


def get_ticket(db: Database, ticket_id: int, *, now: dt.datetime | None = None) -> IssuedTicket:
    """A ticket as the kiosk shows it (reprint, "show my number again"); people ahead recomputed."""
    now = now_utc(now)
    with db.read() as session:
        s = session.connection()  # Core on the Connection: less per-statement overhead
        return _view(s, ticket_id, now, db.url)


def record_reprint(db: Database, ticket_id: int, device: str) -> None:
    """Log a reprint (补打) of a ticket's slip."""
    with db.write() as session:
        s = session.connection()  # Core on the Connection: less per-statement overhead
        row = s.execute(select(T.c.id, T.c.queue_id).where(T.c.id == ticket_id)).first()
        if row is None:
            raise NotFound(f"找不到该取号记录（编号 {ticket_id}）。")
        s.execute(
            insert(TE).values(ticket_id=row.id, kind=TicketEventKind.REPRINTED, at=now_utc(None), queue_id=row.queue_id,
                              note=(device or "")[:200])
        )


def check_in_appointment(db: Database, code: str, *, device: str = "", now: dt.datetime | None = None) -> IssuedTicket:
    """预约签到: the appointment enters its queue with queued_at = the booked slot start (or now, if later).

    Checking in twice returns the same ticket (a lost slip can be shown again).
    """
    now = now_utc(now)
    code = (code or "").strip().upper()
    if not code:
        raise InvalidInput("请输入预约码。")
    device = (device or "")[:60]
    with db.write() as session:
        s = session.connection()  # Core on the Connection: less per-statement overhead
        appt = s.execute(
            select(A.c.id, A.c.queue_id, A.c.item_id, A.c.day, A.c.slot_start, A.c.phone, A.c.status)
            .where(A.c.code == code)
            .with_for_update()
        ).first()
        if appt is None:
            raise NotFound(f"找不到预约码 {code}，请核对后重新输入。")
        cfg, day = _queue_cfg(s, db.url, appt.queue_id, now)
        status = AppointmentStatus(appt.status)
        if status is AppointmentStatus.CANCELLED:
            raise InvalidInput("该预约已取消，如需办理请重新预约或现场取号。")
        if status is AppointmentStatus.MISSED:
            raise InvalidInput("该预约已过期（未按时签到），请重新预约。")
        if appt.day != day:
            if appt.day > day:
                raise InvalidInput(f"您预约的是 {appt.day.month}月{appt.day.day}日，请在预约当天到大厅签到。")
            raise InvalidInput("该预约的日期已过，请重新预约。")
        if status is AppointmentStatus.CHECKED_IN:
            existing = s.scalar(select(T.c.id).where(T.c.appointment_id == appt.id).order_by(T.c.id.desc()).limit(1))
            if existing is not None:
                return _view(s, existing, now, db.url)
        if not cfg.active or not cfg.site_active:
            raise InvalidInput(f"“{cfg.name}”已停止办理，请咨询服务台。")
        slot = dt.datetime.combine(day, appt.slot_start, ZoneInfo(cfg.tz)).astimezone(dt.timezone.utc)
        queued_at = max(slot, now)
        seq = next_seq(s, cfg.id, day)
        tid, number, check = _insert_ticket(s, cfg, day, seq, priority=Priority.NORMAL, now=now, queued_at=queued_at,
                                            phone=appt.phone or "", device=device, item_id=appt.item_id,
                                            appointment_id=appt.id)
        s.execute(update(A).where(A.c.id == appt.id).values(status=AppointmentStatus.CHECKED_IN, checked_in_at=now))
        record(
            s, ticket_id=tid, kind=TicketEventKind.CHECKED_IN, at=now, site_id=cfg.site_id, queue_id=cfg.id,
            note=device, data={"appointment_id": appt.id, "code": code}, hall_kind="ticket.issued",
            payload={"ticket_id": tid, "number": number, "queue_id": cfg.id, "priority": Priority.NORMAL.value,
                     "appointment": True, "window_id": None},
        )
        return _view(s, tid, now, db.url)
