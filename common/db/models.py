"""SQLAlchemy 2.x typed models for the whole hall.

Rules kept here:
- Enums are stored as short strings (`native_enum=False`) so SQLite and PostgreSQL share one schema.
- Times are stored as timezone-aware UTC (`UtcDateTime`); the business day is a separate `Date` column computed
  from the hall's local time zone, never derived from a UTC offset trick in a query.
- Event tables (ticket_event, case_event, audit_log, hall_event) are append-only: statistics come from them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Optional

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Enum,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    SmallInteger,
    String,
    Text,
    Time,
    TypeDecorator,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from common import domain as d

# Stable constraint names so Alembic batch migrations on SQLite can find them.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UtcDateTime(TypeDecorator):
    """Aware datetimes in, aware UTC datetimes out, on both SQLite (which has no time zones) and PostgreSQL."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: Optional[dt.datetime], dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(dt.timezone.utc)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value: Optional[dt.datetime], dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.timezone.utc)
        return value.astimezone(dt.timezone.utc)


def _enum(cls, length: int = 24) -> Enum:
    return Enum(
        cls,
        native_enum=False,
        length=length,
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
        create_constraint=False,
    )


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {
        dt.datetime: UtcDateTime,
        dict[str, Any]: JSON,
        list[Any]: JSON,
    }


# --------------------------------------------------------------------------------------------- organisation


class Site(Base):
    """A hall or service point; sites form a tree (市 → 县 → 乡镇便民服务中心 → 村代办点)."""

    __tablename__ = "site"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    level: Mapped[d.SiteLevel] = mapped_column(_enum(d.SiteLevel))
    parent_id: Mapped[Optional[int]] = mapped_column(ForeignKey("site.id"))
    timezone: Mapped[str] = mapped_column(String(64), default="Asia/Shanghai")
    address: Mapped[str] = mapped_column(String(200), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    parent: Mapped[Optional["Site"]] = relationship(remote_side=[id])


class Setting(Base):
    """Hall-wide settings (hall name, ticket footer, warning thresholds…), per site or global (site_id NULL)."""

    __tablename__ = "setting"
    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[Optional[int]] = mapped_column(ForeignKey("site.id"))
    key: Mapped[str] = mapped_column(String(64))
    value: Mapped[Any] = mapped_column(JSON)
    __table_args__ = (UniqueConstraint("site_id", "key"),)


class Department(Base):
    __tablename__ = "department"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    short_name: Mapped[str] = mapped_column(String(40), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)


# --------------------------------------------------------------------------------------------- catalog


class ServiceItem(Base):
    """A service item (事项): the stable identity; its guide content lives in versions."""

    __tablename__ = "service_item"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"))
    status: Mapped[d.ItemStatus] = mapped_column(_enum(d.ItemStatus), default=d.ItemStatus.IN_FORCE)
    current_version_id: Mapped[Optional[int]] = mapped_column(
        ForeignKey("service_item_version.id", use_alter=True, name="fk_service_item_current_version")
    )
    queue_id: Mapped[Optional[int]] = mapped_column(ForeignKey("queue.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    department: Mapped[Department] = relationship()
    versions: Mapped[list["ServiceItemVersion"]] = relationship(
        back_populates="item", foreign_keys="ServiceItemVersion.item_id", order_by="ServiceItemVersion.version"
    )
    current_version: Mapped[Optional["ServiceItemVersion"]] = relationship(foreign_keys=[current_version_id])


class ServiceItemVersion(Base):
    """One published version of an item's guide (办事指南). Kiosk, notice and counter all read the same version."""

    __tablename__ = "service_item_version"
    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("service_item.id"))
    version: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(200))
    category: Mapped[str] = mapped_column(String(40), default="")
    handling: Mapped[d.ItemHandling] = mapped_column(_enum(d.ItemHandling))
    statutory_days: Mapped[int] = mapped_column(Integer, default=0)  # 法定时限（工作日）
    promised_days: Mapped[int] = mapped_column(Integer, default=0)  # 承诺时限（工作日）
    conditions: Mapped[str] = mapped_column(Text, default="")
    procedure: Mapped[str] = mapped_column(Text, default="")
    fee: Mapped[str] = mapped_column(String(200), default="不收费")
    fee_basis: Mapped[str] = mapped_column(Text, default="")
    legal_basis: Mapped[str] = mapped_column(Text, default="")
    zone: Mapped[str] = mapped_column(String(40), default="")
    online: Mapped[bool] = mapped_column(Boolean, default=False)
    flags: Mapped[list[Any]] = mapped_column(JSON, default=list)
    major_project: Mapped[bool] = mapped_column(Boolean, default=False)
    synonyms: Mapped[list[Any]] = mapped_column(JSON, default=list)
    # Search keys precomputed at publish time: full pinyin and initials of the name.
    pinyin: Mapped[str] = mapped_column(String(800), default="")
    initials: Mapped[str] = mapped_column(String(200), default="")
    published_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    item: Mapped[ServiceItem] = relationship(back_populates="versions", foreign_keys=[item_id])
    materials: Mapped[list["Material"]] = relationship(
        back_populates="item_version", order_by="Material.position", cascade="all, delete-orphan"
    )
    __table_args__ = (UniqueConstraint("item_id", "version"),)


class Material(Base):
    """One line of an item version's material list (材料清单)."""

    __tablename__ = "material"
    id: Mapped[int] = mapped_column(primary_key=True)
    item_version_id: Mapped[int] = mapped_column(ForeignKey("service_item_version.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(200))
    originals: Mapped[int] = mapped_column(SmallInteger, default=1)
    copies: Mapped[int] = mapped_column(SmallInteger, default=0)
    required: Mapped[bool] = mapped_column(Boolean, default=True)
    may_be_missing: Mapped[bool] = mapped_column(Boolean, default=False)  # 容缺
    notes: Mapped[str] = mapped_column(Text, default="")

    item_version: Mapped[ServiceItemVersion] = relationship(back_populates="materials")


class Bundle(Base):
    """一件事: several departments' items taken in as one intake with one de-duplicated material list."""

    __tablename__ = "bundle"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    kind: Mapped[d.BundleKind] = mapped_column(_enum(d.BundleKind))
    description: Mapped[str] = mapped_column(Text, default="")
    synonyms: Mapped[list[Any]] = mapped_column(JSON, default=list)
    pinyin: Mapped[str] = mapped_column(String(400), default="")
    initials: Mapped[str] = mapped_column(String(100), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    items: Mapped[list["BundleItem"]] = relationship(order_by="BundleItem.position", cascade="all, delete-orphan")


class BundleItem(Base):
    __tablename__ = "bundle_item"
    bundle_id: Mapped[int] = mapped_column(ForeignKey("bundle.id", ondelete="CASCADE"), primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("service_item.id"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, default=0)

    item: Mapped[ServiceItem] = relationship()


# --------------------------------------------------------------------------------------------- queues & windows


class Queue(Base):
    """A business category (业务类别) with its own letter prefix and daily number sequence."""

    __tablename__ = "queue"
    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("site.id"))
    prefix: Mapped[str] = mapped_column(String(4))
    name: Mapped[str] = mapped_column(String(60))
    name_en: Mapped[str] = mapped_column(String(80), default="")
    zone: Mapped[str] = mapped_column(String(40), default="")
    range_start: Mapped[int] = mapped_column(Integer, default=1)
    range_end: Mapped[int] = mapped_column(Integer, default=999)
    daily_cap: Mapped[int] = mapped_column(Integer, default=0)  # 0 = no cap
    opens_at: Mapped[dt.time] = mapped_column(Time, default=dt.time(9, 0))
    closes_at: Mapped[dt.time] = mapped_column(Time, default=dt.time(17, 0))
    target_wait_minutes: Mapped[int] = mapped_column(Integer, default=15)
    # Priority mixing: after `ratio_normal` normal calls one priority ticket is due (2:1 by default) …
    ratio_normal: Mapped[int] = mapped_column(SmallInteger, default=2)
    ratio_priority: Mapped[int] = mapped_column(SmallInteger, default=1)
    # … and a normal ticket older than this many minutes than the oldest priority one goes first (ageing).
    ageing_minutes: Mapped[int] = mapped_column(Integer, default=30)
    max_recalls: Mapped[int] = mapped_column(SmallInteger, default=3)
    appointment_only: Mapped[bool] = mapped_column(Boolean, default=False)  # 预约专窗 (002)
    position: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    site: Mapped[Site] = relationship()
    __table_args__ = (UniqueConstraint("site_id", "prefix"),)


class QueueQuota(Base):
    """Optional cap of tickets issued within a time window of the day (分时段限号)."""

    __tablename__ = "queue_quota"
    id: Mapped[int] = mapped_column(primary_key=True)
    queue_id: Mapped[int] = mapped_column(ForeignKey("queue.id", ondelete="CASCADE"))
    starts_at: Mapped[dt.time] = mapped_column(Time)
    ends_at: Mapped[dt.time] = mapped_column(Time)
    cap: Mapped[int] = mapped_column(Integer)


class QueueCounter(Base):
    """The per-(queue, business day) number sequence. Updated atomically: never max()+1, never count(*)."""

    __tablename__ = "queue_counter"
    queue_id: Mapped[int] = mapped_column(ForeignKey("queue.id", ondelete="CASCADE"), primary_key=True)
    business_day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    issued: Mapped[int] = mapped_column(Integer, default=0)
    # Calls made today by kind, for the normal:priority ratio.
    normal_since_priority: Mapped[int] = mapped_column(Integer, default=0)


class Window(Base):
    """A service window (窗口)."""

    __tablename__ = "window"
    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("site.id"))
    number: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(60))
    zone: Mapped[str] = mapped_column(String(40), default="")
    kind: Mapped[d.WindowKind] = mapped_column(_enum(d.WindowKind), default=d.WindowKind.DEPARTMENT)
    department_id: Mapped[Optional[int]] = mapped_column(ForeignKey("department.id"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    queues: Mapped[list["WindowQueue"]] = relationship(cascade="all, delete-orphan")
    __table_args__ = (UniqueConstraint("site_id", "number"),)


class WindowQueue(Base):
    """A queue served at a window, with its weight (综合窗口 serve many queues)."""

    __tablename__ = "window_queue"
    window_id: Mapped[int] = mapped_column(ForeignKey("window.id", ondelete="CASCADE"), primary_key=True)
    queue_id: Mapped[int] = mapped_column(ForeignKey("queue.id", ondelete="CASCADE"), primary_key=True)
    weight: Mapped[int] = mapped_column(SmallInteger, default=1)

    queue: Mapped[Queue] = relationship()


# --------------------------------------------------------------------------------------------- staff


class Staff(Base):
    __tablename__ = "staff"
    id: Mapped[int] = mapped_column(primary_key=True)
    staff_no: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(60))
    site_id: Mapped[Optional[int]] = mapped_column(ForeignKey("site.id"))
    department_id: Mapped[Optional[int]] = mapped_column(ForeignKey("department.id"))
    title: Mapped[str] = mapped_column(String(60), default="")
    post: Mapped[d.Post] = mapped_column(_enum(d.Post, 2), default=d.Post.A)
    default_window_id: Mapped[Optional[int]] = mapped_column(ForeignKey("window.id"))
    photo_path: Mapped[str] = mapped_column(String(300), default="")
    password_hash: Mapped[str] = mapped_column(String(200), default="")
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[Optional[dt.datetime]] = mapped_column()
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    roles: Mapped[list["StaffRole"]] = relationship(cascade="all, delete-orphan")
    department: Mapped[Optional[Department]] = relationship()


class StaffRole(Base):
    __tablename__ = "staff_role"
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id", ondelete="CASCADE"), primary_key=True)
    role: Mapped[d.Role] = mapped_column(_enum(d.Role), primary_key=True)


class WindowSession(Base):
    """Attendance: a clerk signed in at a window (签到) until signed out (签退). B岗 stand-ins name whom they cover."""

    __tablename__ = "window_session"
    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    window_id: Mapped[int] = mapped_column(ForeignKey("window.id"))
    business_day: Mapped[dt.date] = mapped_column(Date)
    started_at: Mapped[dt.datetime] = mapped_column()
    ended_at: Mapped[Optional[dt.datetime]] = mapped_column()
    end_reason: Mapped[str] = mapped_column(String(40), default="")  # signed_out / app_closed / recovered / day_closed
    stand_in_for_id: Mapped[Optional[int]] = mapped_column(ForeignKey("staff.id"))
    last_seen_at: Mapped[Optional[dt.datetime]] = mapped_column()  # heartbeat: a crash is closed at the last beat

    __table_args__ = (Index("ix_window_session_open", "window_id", "ended_at"),)


class WindowBreak(Base):
    """暂停服务: a pause with its reason."""

    __tablename__ = "window_break"
    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("window_session.id", ondelete="CASCADE"))
    started_at: Mapped[dt.datetime] = mapped_column()
    ended_at: Mapped[Optional[dt.datetime]] = mapped_column()
    reason: Mapped[str] = mapped_column(String(200))

    # "is this window paused?" is asked on every call; window_break grows every day.
    __table_args__ = (Index("ix_window_break_session", "session_id", "ended_at"),)


class Consultation(Base):
    """首问负责: a question this window does not handle, recorded with where the citizen was sent."""

    __tablename__ = "consultation"
    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    window_id: Mapped[Optional[int]] = mapped_column(ForeignKey("window.id"))
    item_id: Mapped[Optional[int]] = mapped_column(ForeignKey("service_item.id"))
    ticket_id: Mapped[Optional[int]] = mapped_column(ForeignKey("ticket.id"))
    topic: Mapped[str] = mapped_column(String(500))
    directed_to: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[dt.datetime] = mapped_column(server_default=func.now(), default=utcnow)


# --------------------------------------------------------------------------------------------- tickets


class Appointment(Base):
    """预约: checks in at the kiosk and enters its queue at the booked time."""

    __tablename__ = "appointment"
    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("site.id"))
    queue_id: Mapped[int] = mapped_column(ForeignKey("queue.id"))
    item_id: Mapped[Optional[int]] = mapped_column(ForeignKey("service_item.id"))
    code: Mapped[str] = mapped_column(String(16), unique=True)  # the code the citizen types or scans
    day: Mapped[dt.date] = mapped_column(Date)
    slot_start: Mapped[dt.time] = mapped_column(Time)
    slot_end: Mapped[dt.time] = mapped_column(Time)
    applicant_name: Mapped[str] = mapped_column(String(100))
    id_number: Mapped[str] = mapped_column(String(18), default="")
    phone: Mapped[str] = mapped_column(String(20), default="")
    status: Mapped[d.AppointmentStatus] = mapped_column(
        _enum(d.AppointmentStatus), default=d.AppointmentStatus.BOOKED
    )
    checked_in_at: Mapped[Optional[dt.datetime]] = mapped_column()
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


# The predicate of the partial index ix_ticket_targeted; queries repeat it verbatim so both planners use the index.
TICKET_TARGETED_SQL = "target_window_id IS NOT NULL OR target_staff_id IS NOT NULL"


class Ticket(Base):
    """A queue number (排队号)."""

    __tablename__ = "ticket"
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("site.id"))
    queue_id: Mapped[int] = mapped_column(ForeignKey("queue.id"))  # current queue (changes on transfer)
    origin_queue_id: Mapped[int] = mapped_column(ForeignKey("queue.id"))  # the queue that issued the number
    business_day: Mapped[dt.date] = mapped_column(Date)
    seq: Mapped[int] = mapped_column(Integer)  # n-th ticket of the origin queue that day; unique
    number: Mapped[str] = mapped_column(String(12))  # shown number, e.g. A012 (may repeat after a range wrap)
    priority: Mapped[d.Priority] = mapped_column(_enum(d.Priority), default=d.Priority.NORMAL)
    status: Mapped[d.TicketStatus] = mapped_column(_enum(d.TicketStatus), default=d.TicketStatus.WAITING)
    issued_at: Mapped[dt.datetime] = mapped_column()
    # Ordering key: issue time, an appointment's booked time, or the requeue time after a no-show.
    queued_at: Mapped[dt.datetime] = mapped_column()
    phone: Mapped[str] = mapped_column(String(20), default="")
    appointment_id: Mapped[Optional[int]] = mapped_column(ForeignKey("appointment.id"))
    item_id: Mapped[Optional[int]] = mapped_column(ForeignKey("service_item.id"))
    # Who holds it now (called/serving/parked), or whom a transfer is meant for.
    window_id: Mapped[Optional[int]] = mapped_column(ForeignKey("window.id"))
    staff_id: Mapped[Optional[int]] = mapped_column(ForeignKey("staff.id"))
    target_window_id: Mapped[Optional[int]] = mapped_column(ForeignKey("window.id"))
    target_staff_id: Mapped[Optional[int]] = mapped_column(ForeignKey("staff.id"))
    return_queue_id: Mapped[Optional[int]] = mapped_column(ForeignKey("queue.id"))
    note: Mapped[str] = mapped_column(Text, default="")
    recall_count: Mapped[int] = mapped_column(SmallInteger, default=0)
    walk_direct: Mapped[bool] = mapped_column(Boolean, default=False)
    called_at: Mapped[Optional[dt.datetime]] = mapped_column()
    started_at: Mapped[Optional[dt.datetime]] = mapped_column()
    finished_at: Mapped[Optional[dt.datetime]] = mapped_column()
    device: Mapped[str] = mapped_column(String(60), default="")
    check_code: Mapped[str] = mapped_column(String(8), default="")  # printed in the QR so a photo can be verified

    queue: Mapped[Queue] = relationship(foreign_keys=[queue_id])
    __table_args__ = (
        UniqueConstraint("origin_queue_id", "business_day", "seq"),
        Index("ix_ticket_waiting", "queue_id", "status", "priority", "queued_at"),
        Index("ix_ticket_day", "site_id", "business_day"),
        # What a window holds (called/serving/parked): call-next guard, restart recovery, per-window reports.
        Index("ix_ticket_holder", "window_id", "status"),
        # Transfers meant for one window/clerk: a small partial index, so call-next finds them without a scan.
        Index("ix_ticket_targeted", "status", "business_day",
              sqlite_where=text(TICKET_TARGETED_SQL), postgresql_where=text(TICKET_TARGETED_SQL)),
    )


class TicketEvent(Base):
    """Append-only: every state change of a ticket."""

    __tablename__ = "ticket_event"
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("ticket.id"))
    kind: Mapped[d.TicketEventKind] = mapped_column(_enum(d.TicketEventKind))
    at: Mapped[dt.datetime] = mapped_column()
    window_id: Mapped[Optional[int]] = mapped_column(ForeignKey("window.id"))
    staff_id: Mapped[Optional[int]] = mapped_column(ForeignKey("staff.id"))
    queue_id: Mapped[Optional[int]] = mapped_column(ForeignKey("queue.id"))
    note: Mapped[str] = mapped_column(Text, default="")
    data: Mapped[Optional[dict[str, Any]]] = mapped_column(JSON)

    __table_args__ = (Index("ix_ticket_event_ticket", "ticket_id", "id"), Index("ix_ticket_event_at", "at"))


# --------------------------------------------------------------------------------------------- cases


class CaseCounter(Base):
    """Per-(site, day) case number sequence, updated atomically like the ticket counter."""

    __tablename__ = "case_counter"
    site_id: Mapped[int] = mapped_column(ForeignKey("site.id"), primary_key=True)
    day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    issued: Mapped[int] = mapped_column(Integer, default=0)


class Case(Base):
    """办件: one application for one item version (or one item of a bundle intake)."""

    __tablename__ = "case"
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    case_no: Mapped[str] = mapped_column(String(40), unique=True)
    check_code: Mapped[str] = mapped_column(String(8))  # with the case number, opens the progress lookup
    site_id: Mapped[int] = mapped_column(ForeignKey("site.id"))
    item_id: Mapped[int] = mapped_column(ForeignKey("service_item.id"))
    item_version_id: Mapped[int] = mapped_column(ForeignKey("service_item_version.id"))
    bundle_id: Mapped[Optional[int]] = mapped_column(ForeignKey("bundle.id"))
    intake_group: Mapped[str] = mapped_column(String(40), default="")  # cases taken in together (一件事)
    ticket_id: Mapped[Optional[int]] = mapped_column(ForeignKey("ticket.id"))
    case_type: Mapped[d.CaseType] = mapped_column(_enum(d.CaseType))
    status: Mapped[d.CaseStatus] = mapped_column(_enum(d.CaseStatus), default=d.CaseStatus.DRAFT)
    urgent: Mapped[bool] = mapped_column(Boolean, default=False)  # 特办件
    applicant_kind: Mapped[d.ApplicantKind] = mapped_column(_enum(d.ApplicantKind))
    applicant_name: Mapped[str] = mapped_column(String(200))
    applicant_id_no: Mapped[str] = mapped_column(String(18), default="")  # resident ID or USCC
    applicant_phone: Mapped[str] = mapped_column(String(20), default="")
    agent_name: Mapped[str] = mapped_column(String(100), default="")
    agent_id_no: Mapped[str] = mapped_column(String(18), default="")
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"))  # the deciding department
    accepting_window_id: Mapped[Optional[int]] = mapped_column(ForeignKey("window.id"))
    accepting_staff_id: Mapped[Optional[int]] = mapped_column(ForeignKey("staff.id"))
    first_contact_staff_id: Mapped[Optional[int]] = mapped_column(ForeignKey("staff.id"))  # 首问负责
    created_at: Mapped[dt.datetime] = mapped_column(server_default=func.now())
    accepted_at: Mapped[Optional[dt.datetime]] = mapped_column()
    accepted_day: Mapped[Optional[dt.date]] = mapped_column(Date)
    deadline: Mapped[Optional[dt.date]] = mapped_column(Date)  # last working day to finish
    statutory_deadline: Mapped[Optional[dt.date]] = mapped_column(Date)
    days_limit: Mapped[int] = mapped_column(Integer, default=0)
    extension_days: Mapped[int] = mapped_column(Integer, default=0)
    stopped_working_days: Mapped[int] = mapped_column(Integer, default=0)  # finished clock stops
    finished_at: Mapped[Optional[dt.datetime]] = mapped_column()
    result: Mapped[str] = mapped_column(Text, default="")
    reject_reason: Mapped[str] = mapped_column(Text, default="")
    delivery: Mapped[d.Delivery] = mapped_column(_enum(d.Delivery), default=d.Delivery.PICKUP)
    mail_address: Mapped[str] = mapped_column(String(300), default="")
    tracking_no: Mapped[str] = mapped_column(String(60), default="")
    picked_up_at: Mapped[Optional[dt.datetime]] = mapped_column()
    commitment_signed: Mapped[bool] = mapped_column(Boolean, default=False)  # 告知承诺
    escalated_to: Mapped[str] = mapped_column(String(200), default="")  # 上报件: the higher authority

    materials: Mapped[list["CaseMaterial"]] = relationship(order_by="CaseMaterial.position", cascade="all, delete-orphan")
    tasks: Mapped[list["CaseTask"]] = relationship(order_by="CaseTask.id", cascade="all, delete-orphan")
    __table_args__ = (
        Index("ix_case_status_deadline", "status", "deadline"),
        Index("ix_case_site_day", "site_id", "accepted_day"),
    )


class CaseMaterial(Base):
    """The material checklist of a case, copied from the item version's list at intake."""

    __tablename__ = "case_material"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id", ondelete="CASCADE"))
    material_id: Mapped[Optional[int]] = mapped_column(ForeignKey("material.id"))
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(200))
    required: Mapped[bool] = mapped_column(Boolean, default=True)
    provided: Mapped[bool] = mapped_column(Boolean, default=False)
    deferred_until: Mapped[Optional[dt.date]] = mapped_column(Date)  # 容缺受理: due date of the missing material
    provided_at: Mapped[Optional[dt.datetime]] = mapped_column()


class CaseTask(Base):
    """A department's step: back-office approval, a 联办件 sub-task, or an escalation (上报)."""

    __tablename__ = "case_task"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id", ondelete="CASCADE"))
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"))
    kind: Mapped[str] = mapped_column(String(20), default="approval")  # approval / joint / escalation
    lead: Mapped[bool] = mapped_column(Boolean, default=False)  # 牵头单位
    status: Mapped[d.TaskStatus] = mapped_column(_enum(d.TaskStatus), default=d.TaskStatus.PENDING)
    deadline: Mapped[Optional[dt.date]] = mapped_column(Date)
    decided_at: Mapped[Optional[dt.datetime]] = mapped_column()
    decided_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("staff.id"))
    opinion: Mapped[str] = mapped_column(Text, default="")

    __table_args__ = (Index("ix_case_task_inbox", "department_id", "status", "deadline"),)


class ClockStop(Base):
    """A period when the case clock does not run (补正, 现场勘验, 专家评审, 听证…)."""

    __tablename__ = "clock_stop"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id", ondelete="CASCADE"))
    reason: Mapped[d.ClockStopReason] = mapped_column(_enum(d.ClockStopReason))
    note: Mapped[str] = mapped_column(Text, default="")
    started_at: Mapped[dt.datetime] = mapped_column()
    started_day: Mapped[dt.date] = mapped_column(Date)
    ended_at: Mapped[Optional[dt.datetime]] = mapped_column()
    ended_day: Mapped[Optional[dt.date]] = mapped_column(Date)
    working_days: Mapped[int] = mapped_column(Integer, default=0)


class CaseEvent(Base):
    """Append-only: who did what to a case and why. `at` comes from the database clock, not the clerk's PC."""

    __tablename__ = "case_event"
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id"))
    kind: Mapped[str] = mapped_column(String(40))
    at: Mapped[dt.datetime] = mapped_column(server_default=func.now())
    staff_id: Mapped[Optional[int]] = mapped_column(ForeignKey("staff.id"))
    window_id: Mapped[Optional[int]] = mapped_column(ForeignKey("window.id"))
    note: Mapped[str] = mapped_column(Text, default="")
    data: Mapped[Optional[dict[str, Any]]] = mapped_column(JSON)

    __table_args__ = (Index("ix_case_event_case", "case_id", "id"),)


class DocumentPrint(Base):
    """Every notice or receipt printed (and reprinted) for a case."""

    __tablename__ = "document_print"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id"))
    document: Mapped[str] = mapped_column(String(40))
    copy_no: Mapped[int] = mapped_column(Integer, default=1)
    staff_id: Mapped[Optional[int]] = mapped_column(ForeignKey("staff.id"))
    printed_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    target: Mapped[str] = mapped_column(String(200), default="")


# --------------------------------------------------------------------------------------------- supervision


class Rating(Base):
    """好差评. `level` NULL with `rated` False records a skipped rating, so the rating rate can be reported."""

    __tablename__ = "rating"
    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[Optional[int]] = mapped_column(ForeignKey("ticket.id"))
    case_id: Mapped[Optional[int]] = mapped_column(ForeignKey("case.id"))
    window_id: Mapped[Optional[int]] = mapped_column(ForeignKey("window.id"))
    staff_id: Mapped[Optional[int]] = mapped_column(ForeignKey("staff.id"))
    rated: Mapped[bool] = mapped_column(Boolean, default=True)
    level: Mapped[Optional[int]] = mapped_column(SmallInteger)
    attitude: Mapped[Optional[int]] = mapped_column(SmallInteger)
    efficiency: Mapped[Optional[int]] = mapped_column(SmallInteger)
    quality: Mapped[Optional[int]] = mapped_column(SmallInteger)
    integrity: Mapped[Optional[int]] = mapped_column(SmallInteger)  # 廉洁自律
    reasons: Mapped[list[Any]] = mapped_column(JSON, default=list)
    comment: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    business_day: Mapped[dt.date] = mapped_column(Date)


class Complaint(Base):
    """投诉与建议, linked where known to window, clerk and case."""

    __tablename__ = "complaint"
    id: Mapped[int] = mapped_column(primary_key=True)
    ref_no: Mapped[str] = mapped_column(String(32), unique=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("site.id"))
    window_id: Mapped[Optional[int]] = mapped_column(ForeignKey("window.id"))
    staff_id: Mapped[Optional[int]] = mapped_column(ForeignKey("staff.id"))
    case_id: Mapped[Optional[int]] = mapped_column(ForeignKey("case.id"))
    item_id: Mapped[Optional[int]] = mapped_column(ForeignKey("service_item.id"))
    category: Mapped[str] = mapped_column(String(40))
    text: Mapped[str] = mapped_column(Text)
    phone: Mapped[str] = mapped_column(String(20), default="")
    status: Mapped[d.ComplaintStatus] = mapped_column(_enum(d.ComplaintStatus), default=d.ComplaintStatus.OPEN)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    follow_up: Mapped[str] = mapped_column(Text, default="")
    handled_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("staff.id"))
    handled_at: Mapped[Optional[dt.datetime]] = mapped_column()


# --------------------------------------------------------------------------------------------- calendar


class CalendarOverride(Base):
    """The hall's correction of the legal working-day calendar (the package lags each year's announcement)."""

    __tablename__ = "calendar_override"
    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[dt.date] = mapped_column(Date)
    site_id: Mapped[Optional[int]] = mapped_column(ForeignKey("site.id"))
    is_workday: Mapped[bool] = mapped_column(Boolean)
    name: Mapped[str] = mapped_column(String(60), default="")
    __table_args__ = (UniqueConstraint("day", "site_id"),)


class HallOpeningDay(Base):
    """The hall's own opening calendar: e.g. 星期六加班服务 (001), separate from legal working days."""

    __tablename__ = "hall_opening_day"
    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("site.id"))
    day: Mapped[dt.date] = mapped_column(Date)
    is_open: Mapped[bool] = mapped_column(Boolean)
    opens_at: Mapped[Optional[dt.time]] = mapped_column(Time)
    closes_at: Mapped[Optional[dt.time]] = mapped_column(Time)
    note: Mapped[str] = mapped_column(String(200), default="")
    __table_args__ = (UniqueConstraint("site_id", "day"),)


# --------------------------------------------------------------------------------------------- machines & logs


class Device(Base):
    """A registered terminal (kiosk, counter PC, display, rating pad) and its printer settings."""

    __tablename__ = "device"
    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("site.id"))
    kind: Mapped[d.DeviceKind] = mapped_column(_enum(d.DeviceKind))
    name: Mapped[str] = mapped_column(String(60), unique=True)
    window_id: Mapped[Optional[int]] = mapped_column(ForeignKey("window.id"))
    zone: Mapped[str] = mapped_column(String(40), default="")
    printer: Mapped[Optional[dict[str, Any]]] = mapped_column(JSON)
    last_seen_at: Mapped[Optional[dt.datetime]] = mapped_column()
    status: Mapped[str] = mapped_column(String(200), default="")


class AuditLog(Base):
    """Append-only, hash-chained: each row's hash covers its content and the previous row's hash."""

    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    at: Mapped[dt.datetime] = mapped_column()
    actor_id: Mapped[Optional[int]] = mapped_column(ForeignKey("staff.id"))
    actor: Mapped[str] = mapped_column(String(60), default="")
    action: Mapped[str] = mapped_column(String(60))
    entity: Mapped[str] = mapped_column(String(40), default="")
    entity_id: Mapped[str] = mapped_column(String(40), default="")
    detail: Mapped[Optional[dict[str, Any]]] = mapped_column(JSON)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class HallEvent(Base):
    """The event channel between terminals: a cheap poll on SQLite, mirrored by NOTIFY on PostgreSQL."""

    __tablename__ = "hall_event"
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    site_id: Mapped[Optional[int]] = mapped_column(ForeignKey("site.id"))
    at: Mapped[dt.datetime] = mapped_column()
    kind: Mapped[str] = mapped_column(String(40))  # ticket.issued, ticket.called, window.paused, case.changed …
    payload: Mapped[Optional[dict[str, Any]]] = mapped_column(JSON)
