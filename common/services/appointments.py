"""预约 (appointments): a slot of a queue on a day the hall is open, checked in at the kiosk on the day.

Slots are the queue's opening hours on that day (the queue's hours within the hall's hours, 星期六加班服务 included)
cut into `appointment_slot_minutes` (hall setting, default 30); each slot takes `appointment_slot_capacity` bookings
(default 4). A booking can be made from today (for a slot that has not begun) up to `appointment_days_ahead` days
ahead (default 14). Capacity is checked inside the booking's write transaction with the queue row locked, so two
clerks booking the last place of a slot at once cannot both get it.

The appointment code (`YY` + 6 characters without 0/O/1/I/L) is what the citizen types on the kiosk's keypad or
scans from the slip's QR code (`check_in_appointment` in the queue engine). One person holds at most one booking
per queue and day. A booking the citizen never checked in for is 爽约 after the day closes (`close_day`).
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from typing import Any, Optional

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from common import clock
from common.db.engine import Database
from common.db.models import Appointment, Queue, ServiceItem, Site
from common.domain import AppointmentStatus, ItemStatus, Role
from common.errors import Conflict, InvalidInput, NotFound
from common.printing.layout import Block, Columns, QrBlock, Rule, Text
from common.services import audit
from common.services.calendar import opening_calendar_in
from common.services.cases.lookup import mask_name
from common.services.catalog import item_code_and_name
from common.services.permissions import Actor, require
from common.services.settings import get_setting
from common.validation import mask_id_number, mask_mobile, validate_id_number, validate_mobile, validate_person_name
from common.workdays import CalendarRangeError

BOOK_ROLES = (Role.CLERK, Role.CHIEF_REP, Role.MANAGER)
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 6
DEFAULT_SLOT_MINUTES = 30
DEFAULT_SLOT_CAPACITY = 4
DEFAULT_DAYS_AHEAD = 14
_ATTEMPTS = 5


@dataclass(frozen=True)
class Slot:
    start: dt.time
    end: dt.time
    capacity: int
    booked: int
    bookable: bool  # not begun yet (and the day is open)

    @property
    def left(self) -> int:
        return max(0, self.capacity - self.booked)

    @property
    def label(self) -> str:
        return f"{self.start:%H:%M}–{self.end:%H:%M}"


@dataclass(frozen=True)
class AppointmentInfo:
    code: str
    site_id: int
    queue_id: int
    queue_prefix: str
    queue_name: str
    item_code: str
    item_name: str
    day: dt.date
    slot_start: dt.time
    slot_end: dt.time
    name_masked: str
    id_masked: str
    phone_masked: str
    status: str
    status_label: str

    @property
    def day_text(self) -> str:
        return f"{self.day.year}年{self.day.month}月{self.day.day}日（星期{'一二三四五六日'[self.day.weekday()]}）"

    @property
    def slot_text(self) -> str:
        return f"{self.slot_start:%H:%M}–{self.slot_end:%H:%M}"

    @property
    def when(self) -> str:
        return f"{self.day_text} {self.slot_text}"


def _int_setting(s: Session, key: str, site_id: int, default: int, lo: int, hi: int) -> int:
    try:
        value = int(get_setting(s, key, site_id) or default)
    except (TypeError, ValueError):
        return default
    return min(hi, max(lo, value))


@dataclass(frozen=True)
class SlotRules:
    """A hall's booking rules, read once per call: its time zone and today, how far ahead, slot length and
    capacity (hall settings), and its opening calendar."""

    tz: str
    today: dt.date
    days_ahead: int
    minutes: int
    capacity: int
    opening: Any  # HallOpeningCalendar

    def check_day(self, day: dt.date) -> Optional[tuple[dt.time, dt.time]]:
        """The hall's hours that day (None: closed); InvalidInput for a past day, one too far ahead or a year
        whose holidays are unknown."""
        if day < self.today:
            raise InvalidInput("不能预约已经过去的日期。")
        if day > self.today + dt.timedelta(days=self.days_ahead):
            raise InvalidInput(f"最多可预约 {self.days_ahead} 天以内的日期。")
        try:
            return self.opening.hours(day)
        except CalendarRangeError as exc:
            raise InvalidInput(exc.message) from None


def slot_rules(s: Session, site_id: int, now: dt.datetime) -> SlotRules:
    site = s.get(Site, site_id)
    tz = (site.timezone if site is not None else None) or clock.DEFAULT_TZ
    return SlotRules(
        tz=tz, today=clock.business_day(now, tz),
        days_ahead=_int_setting(s, "appointment_days_ahead", site_id, DEFAULT_DAYS_AHEAD, 0, 366),
        minutes=_int_setting(s, "appointment_slot_minutes", site_id, DEFAULT_SLOT_MINUTES, 5, 240),
        capacity=_int_setting(s, "appointment_slot_capacity", site_id, DEFAULT_SLOT_CAPACITY, 1, 500),
        opening=opening_calendar_in(s, site_id),
    )


def check_person(name: Any, id_number: Any, phone: Any) -> tuple[str, str, str]:
    """(name, 18-digit ID, mobile or "") normalized; ValidationError (its `field` says which) when one is wrong."""
    phone = str(phone or "").strip()
    return (validate_person_name(name), validate_id_number(id_number).number,
            validate_mobile(phone) if phone else "")


def _queue(s: Session, queue_id: int, *, lock: bool = False) -> Queue:
    q = select(Queue).where(Queue.id == queue_id)
    queue = s.scalar(q.with_for_update() if lock and s.get_bind().dialect.name == "postgresql" else q)
    if queue is None or not queue.active:
        raise NotFound("找不到该业务，或该业务已停止办理。")
    return queue


def _slots_in(s: Session, queue: Queue, day: dt.date, now: dt.datetime, rules: SlotRules) -> list[Slot]:
    hall = rules.check_day(day)
    if hall is None:
        return []
    start = max(hall[0], queue.opens_at) if queue.opens_at else hall[0]
    end = min(hall[1], queue.closes_at) if queue.closes_at else hall[1]
    booked = dict(s.execute(
        select(Appointment.slot_start, func.count())
        .where(Appointment.queue_id == queue.id, Appointment.day == day,
               Appointment.status != AppointmentStatus.CANCELLED)
        .group_by(Appointment.slot_start)
    ).all())
    local_now = clock.local(now, rules.tz)
    slots: list[Slot] = []
    at = dt.datetime.combine(day, start)
    last = dt.datetime.combine(day, end)
    step = dt.timedelta(minutes=rules.minutes)
    while at + step <= last:
        begun = day == rules.today and at.time() <= local_now.time()
        slots.append(Slot(at.time(), (at + step).time(), rules.capacity, int(booked.get(at.time(), 0)), not begun))
        at += step
    return slots


@dataclass(frozen=True)
class BookableQueue:
    id: int
    prefix: str
    name: str
    appointment_only: bool  # 预约专窗: lives on bookings


def bookable_queues(db: Database, site_id: int) -> list[BookableQueue]:
    """The hall's active queues, the appointment-only ones (预约专窗) first."""
    with db.read() as s:
        rows = s.execute(select(Queue.id, Queue.prefix, Queue.name, Queue.appointment_only)
                         .where(Queue.site_id == site_id, Queue.active.is_(True))
                         .order_by(Queue.appointment_only.desc(), Queue.position, Queue.prefix)).all()
        return [BookableQueue(r.id, r.prefix, r.name, bool(r.appointment_only)) for r in rows]


def slots(db: Database, queue_id: int, day: dt.date, *, now: Optional[dt.datetime] = None) -> list[Slot]:
    """The day's slots of a queue with what is left in each (empty when the hall is closed that day)."""
    now = clock.utcnow() if now is None else now
    with db.read() as s:
        queue = _queue(s, queue_id)
        return _slots_in(s, queue, day, now, slot_rules(s, queue.site_id, now))


def open_days(db: Database, queue_id: int, *, now: Optional[dt.datetime] = None) -> list[dt.date]:
    """The days from today on that can still be booked for this queue (open, and a slot not yet begun)."""
    now = clock.utcnow() if now is None else now
    with db.read() as s:
        queue = _queue(s, queue_id)
        rules = slot_rules(s, queue.site_id, now)
        days = []
        for n in range(rules.days_ahead + 1):
            day = rules.today + dt.timedelta(days=n)
            try:
                if any(sl.bookable for sl in _slots_in(s, queue, day, now, rules)):
                    days.append(day)
            except InvalidInput:  # a year the calendar does not know yet: stop there
                break
        return days


def _new_code() -> str:
    return "YY" + "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def book(
    db: Database,
    actor: Actor,
    queue_id: int,
    day: dt.date,
    slot_start: dt.time,
    *,
    name: str,
    id_number: str,
    phone: str = "",
    item_code: Optional[str] = None,
    now: Optional[dt.datetime] = None,
) -> AppointmentInfo:
    """Book one place in a slot for a citizen (a clerk at the window, or an import from the online platform)."""
    require(actor, *BOOK_ROLES, action="预约登记")
    name, id_no, phone = check_person(name, id_number, phone)  # ValidationError is an InvalidInput
    now = clock.utcnow() if now is None else now
    last: Exception | None = None
    for _attempt in range(_ATTEMPTS):
        try:
            return _book(db, actor, queue_id, day, slot_start, name, id_no, phone, item_code, now)
        except IntegrityError as exc:  # the random code was taken: draw again
            last = exc
    raise InvalidInput("暂时无法生成预约码，请稍后再试。") from last


def _book(db: Database, actor: Actor, queue_id: int, day: dt.date, slot_start: dt.time, name: str, id_no: str,
          phone: str, item_code: Optional[str], now: dt.datetime) -> AppointmentInfo:
    with db.write() as s:
        queue = _queue(s, queue_id, lock=True)  # PostgreSQL: one booking of this queue at a time
        if actor.site_id is not None and actor.site_id != queue.site_id:
            raise InvalidInput("只能预约本服务中心的业务。")
        rules = slot_rules(s, queue.site_id, now)
        slot = next((sl for sl in _slots_in(s, queue, day, now, rules) if sl.start == slot_start), None)
        if slot is None:
            raise InvalidInput(f"{day.month}月{day.day}日 {slot_start:%H:%M} 不是“{queue.name}”可预约的时段。")
        if not slot.bookable:
            raise InvalidInput(f"{slot.label} 时段已开始，请选择之后的时段。")
        if slot.left <= 0:
            raise Conflict(f"{slot.label} 时段已约满，请选择其他时段。")
        held = s.scalar(select(Appointment).where(
            Appointment.queue_id == queue.id, Appointment.day == day, Appointment.id_number == id_no,
            Appointment.status == AppointmentStatus.BOOKED))
        if held is not None:
            raise Conflict(f"该身份证号已预约 {day.month}月{day.day}日 {held.slot_start:%H:%M} 的“{queue.name}”，"
                           f"预约码 {held.code}；如需改期请先取消原预约。")
        appt = insert_booking(s, actor, queue, day, slot.start, slot.end, name=name, id_no=id_no, phone=phone,
                              item_id=item_id_of(s, item_code), code=_new_code(), now=now)
        return _info(s, appt)


def item_id_of(s: Session, item_code: Optional[str]) -> Optional[int]:
    if not item_code:
        return None
    item = s.scalar(select(ServiceItem).where(ServiceItem.code == item_code))
    if item is None or item.status != ItemStatus.IN_FORCE:
        raise NotFound(f"找不到事项“{item_code}”，或该事项已取消。")
    return item.id


def insert_booking(s: Session, actor: Actor, queue: Queue, day: dt.date, start: dt.time, end: dt.time, *, name: str,
                   id_no: str, phone: str, item_id: Optional[int], code: str, now: dt.datetime,
                   source: str = "counter") -> Appointment:
    """The booking row and its audit entry (checked values; the caller's transaction)."""
    appt = Appointment(site_id=queue.site_id, queue_id=queue.id, item_id=item_id, code=code, day=day,
                       slot_start=start, slot_end=end, applicant_name=name, id_number=id_no, phone=phone,
                       status=AppointmentStatus.BOOKED, created_at=now)
    s.add(appt)
    s.flush()
    audit.record(s, actor, "appointment.booked", "appointment", code,
                 {"queue": queue.prefix, "day": day.isoformat(), "slot": f"{start:%H:%M}", "source": source}, at=now)
    return appt


def cancel(db: Database, actor: Actor, code: str, *, now: Optional[dt.datetime] = None) -> AppointmentInfo:
    require(actor, *BOOK_ROLES, action="取消预约")
    code = (code or "").strip().upper()
    now = clock.utcnow() if now is None else now
    with db.write() as s:
        appt = s.scalar(select(Appointment).where(Appointment.code == code))
        if appt is None:
            raise NotFound(f"找不到预约码 {code}。")
        if AppointmentStatus(appt.status) is not AppointmentStatus.BOOKED:
            raise InvalidInput(f"预约 {code} 的状态是“{AppointmentStatus(appt.status).label}”，不能取消。")
        appt.status = AppointmentStatus.CANCELLED
        audit.record(s, actor, "appointment.cancelled", "appointment", code, {}, at=now)
        return _info(s, appt)


def list_day(db: Database, actor: Actor, site_id: int, day: dt.date) -> list[AppointmentInfo]:
    """A day's bookings of the hall, by slot."""
    require(actor, *BOOK_ROLES, Role.SUPERVISOR, action="查看预约")
    with db.read() as s:
        rows = s.scalars(select(Appointment).where(Appointment.site_id == site_id, Appointment.day == day)
                         .order_by(Appointment.slot_start, Appointment.id)).all()
        return [_info(s, a) for a in rows]


def mark_missed(session: Session, site_id: int, day: dt.date) -> int:
    """At day close: bookings of `day` never checked in become 爽约. Returns how many."""
    result = session.execute(
        update(Appointment).where(Appointment.site_id == site_id, Appointment.day == day,
                                  Appointment.status == AppointmentStatus.BOOKED)
        .values(status=AppointmentStatus.MISSED)
    )
    return int(result.rowcount or 0)


def _info(s: Session, a: Appointment) -> AppointmentInfo:
    queue = s.get(Queue, a.queue_id)
    item_code, item_name = item_code_and_name(s, a.item_id)
    status = AppointmentStatus(a.status)
    return AppointmentInfo(
        code=a.code, site_id=a.site_id, queue_id=a.queue_id, queue_prefix=queue.prefix if queue else "",
        queue_name=queue.name if queue else "", item_code=item_code, item_name=item_name, day=a.day,
        slot_start=a.slot_start, slot_end=a.slot_end, name_masked=mask_name(a.applicant_name),
        id_masked=mask_id_number(a.id_number) if a.id_number else "",
        phone_masked=mask_mobile(a.phone) if a.phone else "", status=status.value, status_label=status.label,
    )


def appointment_slip_layout(info: AppointmentInfo, hall_name: str) -> list[Block]:
    """THE 预约凭条 printed at the window: the code large, its QR for the kiosk's scanner, when and what."""
    return [
        Text(hall_name, size="large", align="center", bold=True),
        Text("预约凭条", size="large", align="center", bold=True),
        Rule(),
        Text(info.code, size="huge", align="center", bold=True),
        QrBlock(info.code),
        Text("到大厅后在取号机“预约签到”扫描此码或输入预约码", align="center"),
        Rule(),
        Columns("业务", f"{info.queue_prefix} {info.queue_name}"),
        *([Columns("事项", info.item_name)] if info.item_name else []),
        Columns("日期", info.day_text),
        Columns("时段", info.slot_text, bold=True),
        Columns("预约人", info.name_masked),
        Rule(),
        Text("请按预约时段到达；当天未签到视为爽约。"),
    ]
