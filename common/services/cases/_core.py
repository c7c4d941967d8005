"""Shared internals of the case services: time, loading, numbering, the event trail, result dataclasses.

Not public: screens use the names re-exported by `common.services.cases`.

Time: every mutating service takes `now` (aware datetime, injectable for tests). When it is None the DATABASE
clock is read once per transaction (`db_now`), so a clerk PC with a wrong clock cannot back-date a case. The
business day (营业日) is the hall's local date of `now` in the site's time zone. `CaseEvent.at` and
`Case.created_at` are always the database clock (server default), whatever `now` says.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from typing import Any, Optional

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from common import clock
from common.qrcodes import case_payload as case_qr_payload  # noqa: F401 - re-exported
from common.db.models import (
    Case,
    CaseCounter,
    CaseEvent,
    Department,
    ServiceItem,
    Setting,
    ServiceItemVersion,
    Site,
    Staff,
    Window,
)
from common.domain import CaseStatus, CaseType, Role, window_title
from common.errors import NotFound, PermissionDenied
from common.services import audit, events
from common.services.calendar import working_calendar_in
from common.services.permissions import Actor, require
from common.services.settings import get_setting
from common.workdays import WorkingCalendar

# Who may do what (ADMIN holds every role).
INTAKE_ROLES = (Role.CLERK, Role.AGENT)  # 受理 at a window or a village point (代办员)
DECIDE_ROLES = (Role.APPROVER, Role.CHIEF_REP)  # back-office decision (后台审批)
HANDLING_ROLES = (Role.CLERK, Role.AGENT, Role.APPROVER, Role.CHIEF_REP, Role.MANAGER)
VIEW_ROLES = (Role.CLERK, Role.AGENT, Role.APPROVER, Role.CHIEF_REP, Role.MANAGER, Role.SUPERVISOR)
SUPERVISE_ROLES = (Role.MANAGER, Role.SUPERVISOR)

HALL_EVENT_KIND = "case.changed"
CHECK_CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # no 0/O, 1/I/L: read aloud and typed on a kiosk
CHECK_CODE_LENGTH = 6

# A case whose clock runs (counts toward a deadline).
RUNNING = (CaseStatus.ACCEPTED, CaseStatus.IN_REVIEW, CaseStatus.ESCALATED)
# A decision was made (办结): the deadline is judged against finished_at.
DECIDED = (CaseStatus.APPROVED, CaseStatus.DENIED, CaseStatus.READY, CaseStatus.MAILED, CaseStatus.COMPLETED)


# --------------------------------------------------------------------------------------------- results


@dataclass(frozen=True)
class CaseSummary:
    """What a mutating case service returns: enough to show the result and print the notice."""

    case_no: str
    check_code: str
    status: str
    status_label: str
    case_type: str
    case_type_label: str
    urgent: bool
    item_code: str
    item_name: str
    item_version: int
    accepted_day: Optional[dt.date]
    days_limit: int
    deadline: Optional[dt.date]
    statutory_deadline: Optional[dt.date]
    missing_materials: list[str]  # names of required materials not yet provided (补正 / 容缺)
    qr_data: str


# --------------------------------------------------------------------------------------------- time


def db_now(session: Session) -> dt.datetime:
    """The database server's clock, as an aware UTC datetime."""
    value = session.execute(select(func.now())).scalar_one()
    if isinstance(value, str):  # defensive: some drivers hand back text
        value = dt.datetime.fromisoformat(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.timezone.utc)
    return value.astimezone(dt.timezone.utc)


def resolve_now(session: Session, now: Optional[dt.datetime]) -> dt.datetime:
    if now is None:
        return db_now(session)
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    return now.astimezone(dt.timezone.utc)


@dataclass(frozen=True)
class SiteCtx:
    id: int
    code: str
    name: str
    tz: str
    address: str
    calendar: WorkingCalendar

    def day(self, at: dt.datetime) -> dt.date:
        return clock.business_day(at, self.tz)


def site_ctx(session: Session, site_id: int) -> SiteCtx:
    site = session.get(Site, site_id)
    if site is None:
        raise NotFound(f"找不到服务中心（编号 {site_id}）。")
    tz = site.timezone or get_setting(session, "timezone", site_id) or clock.DEFAULT_TZ
    return SiteCtx(site.id, site.code, site.name, tz, site.address or "", working_calendar_in(session, site.id))


def yellow_days(session: Session, site_id: int) -> int:
    try:
        return max(0, int(get_setting(session, "yellow_warning_days", site_id) or 0))
    except (TypeError, ValueError):
        return 2


def hall_name(session: Session, site_id: int) -> str:
    """The site's own `hall_name` setting, else a global one, else the site's name (not the built-in default)."""
    rows = dict(session.execute(
        select(Setting.site_id, Setting.value).where(Setting.key == "hall_name",
                                                     (Setting.site_id == site_id) | Setting.site_id.is_(None))
    ).all())
    for key in (site_id, None):
        if rows.get(key):
            return str(rows[key])
    site = session.get(Site, site_id)
    return site.name if site else "政务服务中心"


# --------------------------------------------------------------------------------------------- numbering


def next_case_no(session: Session, site: SiteCtx, day: dt.date) -> str:
    """THE case numbering function: `<site code>-<yyyymmdd>-<5-digit seq>` from the atomic counter row.

    INSERT … ON CONFLICT DO NOTHING creates the (site, day) row once; UPDATE … RETURNING then takes the next
    number while holding the row lock (PostgreSQL) or inside the IMMEDIATE transaction (SQLite). Never max()+1.
    """
    table = CaseCounter.__table__
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    session.execute(
        insert(table).values(site_id=site.id, day=day, issued=0).on_conflict_do_nothing(
            index_elements=[table.c.site_id, table.c.day]
        )
    )
    seq = session.execute(
        update(table)
        .where(table.c.site_id == site.id, table.c.day == day)
        .values(issued=table.c.issued + 1)
        .returning(table.c.issued)
    ).scalar_one()
    return f"{site.code}-{day:%Y%m%d}-{seq:05d}"


def new_check_code() -> str:
    return "".join(secrets.choice(CHECK_CODE_ALPHABET) for _ in range(CHECK_CODE_LENGTH))


# --------------------------------------------------------------------------------------------- loading


def load_case(session: Session, case_no: str, *, lock: bool = False) -> Case:
    stmt = select(Case).where(Case.case_no == (case_no or "").strip())
    if lock:
        stmt = stmt.with_for_update()  # PostgreSQL row lock; SQLite writes are already serialized (IMMEDIATE)
    case = session.scalar(stmt)
    if case is None:
        raise NotFound(f"找不到办件“{case_no}”，请核对案件编号。")
    return case


def check_site(actor: Actor, case: Case) -> None:
    """Staff act on their own site's cases; managers, supervisors and admins see every site."""
    if actor.site_id is None or actor.site_id == case.site_id or actor.has(*SUPERVISE_ROLES):
        return
    raise PermissionDenied(f"{actor.name}（{actor.staff_no}）不属于办件 {case.case_no} 所在的服务中心。")


def require_case_role(actor: Actor, case: Case, roles: tuple[Role, ...], action: str) -> None:
    require(actor, *roles, action=action)
    check_site(actor, case)


def version_of(session: Session, case: Case) -> ServiceItemVersion:
    return session.get(ServiceItemVersion, case.item_version_id)


def item_of(session: Session, case: Case) -> ServiceItem:
    return session.get(ServiceItem, case.item_id)


def department_name(session: Session, department_id: Optional[int]) -> str:
    if department_id is None:
        return ""
    return session.scalar(select(Department.name).where(Department.id == department_id)) or ""


def staff_name(session: Session, staff_id: Optional[int]) -> str:
    if staff_id is None:
        return ""
    return session.scalar(select(Staff.name).where(Staff.id == staff_id)) or ""


def window_label(session: Session, window_id: Optional[int]) -> str:
    if window_id is None:
        return ""
    row = session.execute(select(Window.number, Window.name).where(Window.id == window_id)).first()
    if row is None:
        return ""
    return window_title(row.number, row.name)


def missing_names(case: Case) -> list[str]:
    return [m.name for m in case.materials if m.required and not m.provided]


def summary(session: Session, case: Case) -> CaseSummary:
    version = version_of(session, case)
    item = item_of(session, case)
    status, ctype = CaseStatus(case.status), CaseType(case.case_type)
    return CaseSummary(
        case_no=case.case_no, check_code=case.check_code, status=status.value, status_label=status.label,
        case_type=ctype.value, case_type_label=ctype.label, urgent=bool(case.urgent), item_code=item.code,
        item_name=version.name, item_version=version.version, accepted_day=case.accepted_day,
        days_limit=case.days_limit, deadline=case.deadline, statutory_deadline=case.statutory_deadline,
        missing_materials=missing_names(case), qr_data=case_qr_payload(case.case_no, case.check_code),
    )


# --------------------------------------------------------------------------------------------- trail


def add_event(
    session: Session,
    case: Case,
    kind: str,
    actor: Optional[Actor],
    *,
    window_id: Optional[int] = None,
    note: str = "",
    data: Optional[dict[str, Any]] = None,
) -> None:
    """Append a CaseEvent (its `at` is the database clock), the audit row and the `case.changed` hall event."""
    session.flush()  # the case row (and its id) exists before the event points at it
    session.add(
        CaseEvent(
            case_id=case.id, kind=kind, staff_id=actor.staff_id if actor else None, window_id=window_id,
            note=note or "", data=_jsonable(data),
        )
    )
    detail = {"status": str(case.status), "case_type": str(case.case_type)}
    if note:
        detail["note"] = note
    if data:
        detail.update(_jsonable(data))
    audit.record(session, actor, f"case.{kind}", "case", case.case_no, detail)
    events.publish(
        session,
        HALL_EVENT_KIND,
        {
            "case_no": case.case_no,
            "event": kind,
            "status": str(case.status),
            "case_type": str(case.case_type),
            "urgent": bool(case.urgent),
            "department_id": case.department_id,
        },
        case.site_id,
    )


def _jsonable(data: Optional[dict[str, Any]]) -> Optional[dict[str, Any]]:
    if data is None:
        return None
    out: dict[str, Any] = {}
    for key, value in data.items():
        if isinstance(value, (dt.date, dt.datetime)):
            out[key] = value.isoformat()
        elif isinstance(value, dict):
            out[key] = _jsonable(value)
        elif isinstance(value, (list, tuple, set, frozenset)):
            out[key] = [v.isoformat() if isinstance(v, (dt.date, dt.datetime)) else v for v in value]
        elif hasattr(value, "value") and isinstance(getattr(value, "value"), str):
            out[key] = value.value
        else:
            out[key] = value
    return out
