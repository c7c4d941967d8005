"""The back office's inbox (后台审批) and the staff's case detail.

Inbox order: 特办件 first, then red (overdue), yellow (due soon), then by deadline, then by case number.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Optional

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from common.db.engine import Database
from common.db.models import (
    Case,
    CaseEvent,
    CaseTask,
    ClockStop,
    Department,
    DocumentPrint,
    Material,
    ServiceItem,
    ServiceItemVersion,
)
from common.domain import ApplicantKind, CaseStatus, CaseType, ClockStopReason, Delivery, Role, TaskStatus
from common.services.cases import _core
from common.services.cases.deadlines import (
    RED,
    WARNING_LABELS,
    YELLOW,
    case_warning_in,
    compute_deadline,
    projected,
    remaining_working_days,
    warning_level,
)
from common.services.permissions import Actor, require
from common.validation import mask_id_number, mask_mobile

TASK_KIND_LABELS = {"approval": "审批", "joint": "联办", "escalation": "上报跟踪"}
EVENT_LABELS = {
    "accepted": "受理",
    "completed": "当场办结",
    "rejected": "不予受理",
    "correction_requested": "一次性告知补正",
    "materials_supplied": "补交材料",
    "escalated": "初审通过并上报",
    "task_decided": "审批",
    "task_deemed_approved": "超时默认同意",
    "approved": "办结（准予）",
    "denied": "办结（不予）",
    "clock_stopped": "暂停计时",
    "clock_restarted": "恢复计时",
    "extended": "延期",
    "ready": "待领取",
    "mailed": "邮寄送达",
    "picked_up": "已领取",
    "printed": "打印文书",
    "commitment_checked": "告知承诺核查",
}


def task_kind_label(kind: str, lead: bool) -> str:
    label = TASK_KIND_LABELS.get(kind, kind)
    return f"{label}（牵头）" if lead else label


# --------------------------------------------------------------------------------------------- inbox


@dataclass(frozen=True)
class InboxRow:
    task_id: int
    case_no: str
    item_name: str
    case_type: str
    case_type_label: str
    task_kind: str
    task_kind_label: str
    lead: bool
    urgent: bool
    applicant_name: str
    accepted_day: Optional[dt.date]
    deadline: Optional[dt.date]  # the task's (projected while the case clock is stopped)
    remaining_days: Optional[int]
    warning: str  # normal / yellow / red
    warning_label: str
    case_status: str
    case_status_label: str
    clock_stopped: bool


_RANK = {RED: 0, YELLOW: 1}


def inbox(db: Database, actor: Actor, *, now: Optional[dt.datetime] = None) -> list[InboxRow]:
    """Pending tasks of the actor's department (an admin sees every department)."""
    require(actor, *_core.DECIDE_ROLES, action="查看审批待办")
    if actor.department_id is None and Role.ADMIN not in actor.roles:
        return []
    with db.read() as s:
        now = _core.resolve_now(s, now)
        stmt = (
            select(CaseTask, Case, ServiceItemVersion.name)
            .join(Case, Case.id == CaseTask.case_id)
            .join(ServiceItemVersion, ServiceItemVersion.id == Case.item_version_id)
            .where(CaseTask.status == TaskStatus.PENDING,
                   Case.status.in_((*_core.RUNNING, CaseStatus.CLOCK_STOPPED)))
        )
        if actor.department_id is not None:
            stmt = stmt.where(CaseTask.department_id == actor.department_id)
        if actor.site_id is not None and not actor.has(*_core.SUPERVISE_ROLES):
            stmt = stmt.where(Case.site_id == actor.site_id)
        sites: dict[int, _core.SiteCtx] = {}
        rows: list[InboxRow] = []
        for task, case, item_name in s.execute(stmt).all():
            site = sites.get(case.site_id) or sites.setdefault(case.site_id, _core.site_ctx(s, case.site_id))
            today = site.day(now)
            _, extra = projected(s, case, site, now)
            deadline = task.deadline
            if deadline is not None and extra:
                deadline = compute_deadline(site.calendar, deadline, 0, stopped_days=extra)
            level = warning_level(deadline, today, site.calendar, _core.yellow_days(s, case.site_id))
            ctype, cstatus = CaseType(case.case_type), CaseStatus(case.status)
            rows.append(InboxRow(
                task_id=task.id, case_no=case.case_no, item_name=item_name, case_type=ctype.value,
                case_type_label=ctype.label, task_kind=task.kind, task_kind_label=task_kind_label(task.kind, task.lead),
                lead=bool(task.lead), urgent=bool(case.urgent), applicant_name=case.applicant_name,
                accepted_day=case.accepted_day, deadline=deadline,
                remaining_days=remaining_working_days(site.calendar, today, deadline), warning=level,
                warning_label=WARNING_LABELS[level], case_status=cstatus.value, case_status_label=cstatus.label,
                clock_stopped=cstatus == CaseStatus.CLOCK_STOPPED,
            ))
    rows.sort(key=lambda r: (not r.urgent, _RANK.get(r.warning, 2), r.deadline or dt.date.max, r.case_no))
    return rows


# --------------------------------------------------------------------------------------------- detail


@dataclass(frozen=True)
class CaseMaterialInfo:
    material_id: Optional[int]
    position: int
    name: str
    required: bool
    provided: bool
    deferred_until: Optional[dt.date]  # 容缺: due date
    provided_at: Optional[dt.datetime]
    originals: int
    copies: int
    notes: str


@dataclass(frozen=True)
class TaskInfo:
    id: int
    department: str
    kind: str
    kind_label: str
    lead: bool
    status: str
    status_label: str
    deadline: Optional[dt.date]
    warning: str
    decided_at: Optional[dt.datetime]
    decided_by: str
    opinion: str


@dataclass(frozen=True)
class StopInfo:
    reason: str
    reason_label: str
    note: str
    started_at: dt.datetime
    ended_at: Optional[dt.datetime]
    working_days: int  # finished stops; for an open stop: counted so far


@dataclass(frozen=True)
class EventInfo:
    id: int
    kind: str
    label: str
    at: dt.datetime  # database clock
    staff: str
    window: str
    note: str
    data: dict[str, Any]


@dataclass(frozen=True)
class CaseDetail:
    case_no: str
    check_code: str
    site_id: int
    status: str
    status_label: str
    case_type: str
    case_type_label: str
    urgent: bool
    item_code: str
    item_name: str
    item_version: int
    department: str
    applicant_kind: str
    applicant_kind_label: str
    applicant_name: str
    applicant_id_no: str
    applicant_id_masked: str
    applicant_phone_masked: str
    agent_name: str
    agent_id_masked: str
    accepting_window: str
    accepting_staff: str
    first_contact_staff: str  # 首问负责
    ticket_id: Optional[int]
    created_at: dt.datetime  # database clock: when it was entered (即办即录)
    accepted_at: Optional[dt.datetime]
    accepted_day: Optional[dt.date]
    days_limit: int
    extension_days: int
    stopped_working_days: int
    deadline: Optional[dt.date]  # projected while the clock is stopped
    statutory_deadline: Optional[dt.date]
    remaining_days: Optional[int]
    warning: str
    warning_label: str
    finished_at: Optional[dt.datetime]
    result: str
    reject_reason: str
    delivery: str
    delivery_label: str
    mail_address: str
    tracking_no: str
    picked_up_at: Optional[dt.datetime]
    commitment_signed: bool  # 告知承诺
    commitment_checked: Optional[bool]  # None: not checked yet
    escalated_to: str
    materials: list[CaseMaterialInfo]
    tasks: list[TaskInfo]
    stops: list[StopInfo]
    events: list[EventInfo]
    prints: int
    qr_data: str


def get_case(db: Database, actor: Actor, case_no: str, *, now: Optional[dt.datetime] = None) -> CaseDetail:
    """Everything about one case for staff (with events, materials, tasks, clock stops and the warning)."""
    with db.read() as s:
        case = _core.load_case(s, case_no)
        _core.require_case_role(actor, case, _core.VIEW_ROLES, "查看办件")
        now = _core.resolve_now(s, now)
        return case_detail_in(s, case, now)


def case_detail_in(s: Session, case: Case, now: dt.datetime) -> CaseDetail:
    site = _core.site_ctx(s, case.site_id)
    today = site.day(now)
    version = s.get(ServiceItemVersion, case.item_version_id)
    item = s.get(ServiceItem, case.item_id)
    yellow = _core.yellow_days(s, case.site_id)
    deadline, extra = projected(s, case, site, now)
    status, ctype = CaseStatus(case.status), CaseType(case.case_type)
    kind, delivery = ApplicantKind(case.applicant_kind), Delivery(case.delivery)
    level = case_warning_in(s, case, site, now)

    catalog = {m.id: m for m in s.scalars(select(Material).where(Material.item_version_id == case.item_version_id))}
    materials = []
    for m in case.materials:
        src = catalog.get(m.material_id)
        materials.append(CaseMaterialInfo(
            m.material_id, m.position, m.name, bool(m.required), bool(m.provided), m.deferred_until, m.provided_at,
            src.originals if src else 1, src.copies if src else 0, src.notes if src else ""))
    depts = dict(s.execute(select(Department.id, Department.name)).all())
    finished = site.day(case.finished_at) if case.finished_at else None
    tasks = []
    for t in case.tasks:
        tdeadline = t.deadline
        if tdeadline is not None and extra and TaskStatus(t.status) == TaskStatus.PENDING:
            tdeadline = compute_deadline(site.calendar, tdeadline, 0, stopped_days=extra)
        decided = site.day(t.decided_at) if t.decided_at else None
        tstatus = TaskStatus(t.status)
        tlevel = warning_level(tdeadline, today, site.calendar, yellow,
                               finished_day=decided if tstatus != TaskStatus.PENDING else (finished if finished else None))
        tasks.append(TaskInfo(t.id, depts.get(t.department_id, ""), t.kind, task_kind_label(t.kind, t.lead),
                              bool(t.lead), tstatus.value, tstatus.label, tdeadline, tlevel, t.decided_at,
                              _core.staff_name(s, t.decided_by_id), t.opinion))
    stops = []
    for st in s.scalars(select(ClockStop).where(ClockStop.case_id == case.id).order_by(ClockStop.id)):
        reason = ClockStopReason(st.reason)
        days = st.working_days if st.ended_at is not None else extra
        stops.append(StopInfo(reason.value, reason.label, st.note, st.started_at, st.ended_at, days))
    events = []
    commitment_checked: Optional[bool] = None
    for e in s.scalars(select(CaseEvent).where(CaseEvent.case_id == case.id).order_by(CaseEvent.id)):
        events.append(EventInfo(e.id, e.kind, EVENT_LABELS.get(e.kind, e.kind), e.at, _core.staff_name(s, e.staff_id),
                                _core.window_label(s, e.window_id), e.note, dict(e.data or {})))
        if e.kind == "commitment_checked":
            commitment_checked = bool((e.data or {}).get("fulfilled"))
    prints = s.scalar(select(func.count()).select_from(DocumentPrint).where(DocumentPrint.case_id == case.id)) or 0
    return CaseDetail(
        case_no=case.case_no, check_code=case.check_code, site_id=case.site_id, status=status.value,
        status_label=status.label, case_type=ctype.value, case_type_label=ctype.label, urgent=bool(case.urgent),
        item_code=item.code, item_name=version.name, item_version=version.version,
        department=depts.get(case.department_id, ""), applicant_kind=kind.value, applicant_kind_label=kind.label,
        applicant_name=case.applicant_name, applicant_id_no=case.applicant_id_no,
        applicant_id_masked=mask_id_number(case.applicant_id_no),
        applicant_phone_masked=mask_mobile(case.applicant_phone) if case.applicant_phone else "",
        agent_name=case.agent_name, agent_id_masked=mask_id_number(case.agent_id_no) if case.agent_id_no else "",
        accepting_window=_core.window_label(s, case.accepting_window_id),
        accepting_staff=_core.staff_name(s, case.accepting_staff_id),
        first_contact_staff=_core.staff_name(s, case.first_contact_staff_id), ticket_id=case.ticket_id,
        created_at=case.created_at, accepted_at=case.accepted_at, accepted_day=case.accepted_day,
        days_limit=case.days_limit, extension_days=case.extension_days,
        stopped_working_days=case.stopped_working_days + extra, deadline=deadline,
        statutory_deadline=case.statutory_deadline,
        remaining_days=(remaining_working_days(site.calendar, today, deadline)
                        if status in (*_core.RUNNING, CaseStatus.CLOCK_STOPPED) else None),
        warning=level, warning_label=WARNING_LABELS[level], finished_at=case.finished_at, result=case.result,
        reject_reason=case.reject_reason, delivery=delivery.value, delivery_label=delivery.label,
        mail_address=case.mail_address, tracking_no=case.tracking_no, picked_up_at=case.picked_up_at,
        commitment_signed=bool(case.commitment_signed), commitment_checked=commitment_checked,
        escalated_to=case.escalated_to, materials=materials, tasks=tasks, stops=stops, events=events, prints=prints,
        qr_data=_core.case_qr_payload(case.case_no, case.check_code),
    )
