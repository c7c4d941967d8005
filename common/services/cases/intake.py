"""Intake (受理) at a window or a village point: the seven handling types of 七类事项办理制 (000).

| function            | type    | result                                                                       |
|---------------------|---------|------------------------------------------------------------------------------|
| accept_immediate    | 即办件  | accepted and decided in one transaction; every required material present     |
| reject              | 退办件  | a case row with status REJECTED and the reason (for the 不予受理告知书)       |
| request_correction  | 补办件  | AWAITING_MATERIALS, every missing required material listed at once, no clock |
| supply_materials    | —       | when complete, a 补办件 becomes a 承诺件 and its clock starts                 |
| accept_promised     | 承诺件  | accepted; deadline = promised working days after the acceptance day         |
| accept_joint        | 联办件  | lead department + one sub-task per joint department, each with its deadline  |
| escalate            | 上报件  | 初审 done at the window; escalated to a higher authority, deadline tracked   |
| accept_urgent       | 特办件  | urgent flag, shortened deadline (req.urgent_days or half, min 1)             |

Also: 容缺受理 (`req.deferred`: a may-be-missing material accepted later, with its due date), 告知承诺
(`req.commitment_signed`, only for items flagged 告知承诺; checked later with `record_commitment_check`),
首问负责 (`req.first_contact_staff_no`, default the accepting clerk), 受办分离 (promised/urgent cases get a
back-office approval task for the item's department), pickup or mail (`req.delivery`).

Rejecting a major project (`major_project` on the item version) needs the department's chief representative:
pass `approved_by=<the chief rep's Actor>` (they confirm at the window, e.g. by signing in on the same screen).
One call, one transaction: there is no half-rejected state to clean up. The approval is stored in the event
and the audit log.

Cancelled items can never be taken in, not even to reject them (“凡是取消的项目，一律不得录入办证软件”, 000).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Mapping, Optional, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from common.db.engine import Database
from common.db.models import (
    Case,
    CaseMaterial,
    CaseTask,
    Department,
    Material,
    ServiceItem,
    ServiceItemVersion,
    Staff,
    Ticket,
    Window,
)
from common.domain import (
    ApplicantKind,
    CaseStatus,
    CaseType,
    Delivery,
    ItemFlag,
    ItemStatus,
    Role,
    TaskStatus,
)
from common.errors import InvalidInput, NotFound, PermissionDenied
from common.services.cases import _core
from common.services.cases._core import CaseSummary, SiteCtx
from common.services.cases.deadlines import (
    DEFAULT_URGENT_PERCENT,
    STATUTORY_DEFAULT_DAYS,
    compute_deadline,
    refresh_case_deadlines,
    urgent_limit,
)
from common.services.permissions import Actor, require
from common.services.settings import get_setting
from common.validation import (
    limit_text,
    validate_id_number,
    validate_mobile,
    validate_person_name,
    validate_uscc,
)

CANCELLED_MESSAGE = "该事项已取消，不能受理"


# --------------------------------------------------------------------------------------------- input


@dataclass(frozen=True)
class ApplicantInput:
    kind: ApplicantKind | str  # person / enterprise
    name: str  # person's name or enterprise name
    id_no: str  # resident ID (person) or 统一社会信用代码 (enterprise)
    phone: str = ""
    agent_name: str = ""  # 代理人 / 经办人 (optional)
    agent_id_no: str = ""


@dataclass(frozen=True)
class JointPart:
    """One joint department of a 联办件 and its own limit in working days."""

    department_code: str
    days: int


@dataclass(frozen=True)
class IntakeRequest:
    item_code: str
    applicant: ApplicantInput
    ticket_id: Optional[int] = None
    window_id: Optional[int] = None  # the accepting window (default: the ticket's window, else the clerk's)
    provided_material_ids: frozenset[int] | set[int] = field(default_factory=frozenset)  # Material.id
    deferred: Mapping[int, dt.date] = field(default_factory=dict)  # 容缺: material id -> due date
    case_type: Optional[CaseType] = None  # the clerk's decision, used by `take_in`
    reason: str = ""  # 退办 reason; 特办 reason; note for others
    escalated_to: str = ""  # 上报件: the higher authority
    urgent_days: Optional[int] = None  # 特办件: shortened limit (default: half, min 1)
    commitment_signed: bool = False  # 告知承诺
    delivery: Delivery | str = Delivery.PICKUP
    mail_address: str = ""
    first_contact_staff_no: str = ""  # 首问负责 (default: the accepting clerk)
    joint_parts: tuple[JointPart, ...] = ()  # 联办件: the joint departments


@dataclass(frozen=True)
class ChecklistMaterial:
    material_id: int
    position: int
    name: str
    originals: int
    copies: int
    required: bool
    may_be_missing: bool  # 容缺
    notes: str


@dataclass(frozen=True)
class IntakeChecklist:
    """The counter's intake screen: the item's current version and its material list with ids."""

    item_code: str
    item_name: str
    version: int
    department: str
    handling: str
    promised_days: int
    statutory_days: int
    major_project: bool
    notify_commit: bool  # 告知承诺 allowed
    cancelled: bool
    materials: list[ChecklistMaterial]


def intake_checklist(db: Database, item_code: str) -> IntakeChecklist:
    with db.read() as s:
        item, version = _item_and_version(s, item_code, allow_cancelled=True)
        return IntakeChecklist(
            item_code=item.code, item_name=version.name, version=version.version,
            department=_core.department_name(s, item.department_id), handling=str(version.handling),
            promised_days=version.promised_days, statutory_days=version.statutory_days,
            major_project=bool(version.major_project),
            notify_commit=ItemFlag.NOTIFY_COMMIT.value in (version.flags or []),
            cancelled=ItemStatus(item.status) == ItemStatus.CANCELLED,
            materials=[
                ChecklistMaterial(m.id, m.position, m.name, m.originals, m.copies, bool(m.required),
                                  bool(m.may_be_missing), m.notes)
                for m in version.materials
            ],
        )


# --------------------------------------------------------------------------------------------- context


@dataclass
class _Intake:
    actor: Actor
    req: IntakeRequest
    now: dt.datetime
    today: dt.date
    site: SiteCtx
    item: ServiceItem
    version: ServiceItemVersion
    materials: list[Material]
    window_id: Optional[int]
    first_contact_id: Optional[int]
    applicant: dict
    missing: list[Material]  # required, not provided, not deferred
    deferred: dict[int, dt.date]
    delivery: Delivery
    mail_address: str

    @property
    def limit_days(self) -> int:
        """The normal limit: promised days, else statutory, else the statutory default (20)."""
        return self.version.promised_days or self.version.statutory_days or STATUTORY_DEFAULT_DAYS


def _item_and_version(s: Session, item_code: str, *, allow_cancelled: bool = False):
    item = s.scalar(select(ServiceItem).where(ServiceItem.code == (item_code or "").strip()))
    if item is None:
        raise NotFound(f"找不到事项“{item_code}”。")
    if ItemStatus(item.status) == ItemStatus.CANCELLED and not allow_cancelled:
        raise InvalidInput(CANCELLED_MESSAGE)
    version = s.get(ServiceItemVersion, item.current_version_id) if item.current_version_id else None
    if version is None:
        raise InvalidInput(f"事项“{item_code}”尚未发布办事指南，不能受理。")
    return item, version


def _applicant(a: ApplicantInput, today: dt.date) -> dict:
    try:
        kind = ApplicantKind(a.kind)
    except ValueError:
        raise InvalidInput("申请人类型不正确（个人或企业）。") from None
    if kind == ApplicantKind.PERSON:
        name = validate_person_name(a.name)
        id_no = validate_id_number(a.id_no, today=today).number
    else:
        name = limit_text(a.name, 200, "企业名称", required=True)
        id_no = validate_uscc(a.id_no)
    phone = validate_mobile(a.phone) if (a.phone or "").strip() else ""
    agent_name = agent_id = ""
    if (a.agent_name or "").strip() or (a.agent_id_no or "").strip():
        agent_name = validate_person_name(a.agent_name, field="agent_name")
        agent_id = validate_id_number(a.agent_id_no, today=today).number
    return {"applicant_kind": kind, "applicant_name": name, "applicant_id_no": id_no, "applicant_phone": phone,
            "agent_name": agent_name, "agent_id_no": agent_id}


def _prepare(s: Session, actor: Actor, req: IntakeRequest, now: Optional[dt.datetime]) -> _Intake:
    require(actor, *_core.INTAKE_ROLES, action="受理办件")
    item, version = _item_and_version(s, req.item_code)
    now = _core.resolve_now(s, now)

    # Where: the window (explicit, the ticket's, or the clerk's default) decides the site.
    ticket = None
    if req.ticket_id is not None:
        ticket = s.get(Ticket, req.ticket_id)
        if ticket is None:
            raise NotFound(f"找不到排队号（编号 {req.ticket_id}）。")
    window_id = req.window_id or (ticket.window_id if ticket is not None else None)
    if window_id is None and actor.staff_id is not None:
        window_id = s.scalar(select(Staff.default_window_id).where(Staff.id == actor.staff_id))
    site_id = actor.site_id
    if window_id is not None:
        window = s.get(Window, window_id)
        if window is None:
            raise NotFound(f"找不到窗口（编号 {window_id}）。")
        if not window.active:
            raise InvalidInput(f"{window.number}号窗口已停用，不能受理。")
        if site_id is not None and window.site_id != site_id and Role.ADMIN not in actor.roles:
            raise PermissionDenied(f"{actor.name}（{actor.staff_no}）不属于{window.number}号窗口所在的服务中心。")
        site_id = window.site_id
    if site_id is None:
        site_id = ticket.site_id if ticket is not None else None
    if site_id is None:
        raise InvalidInput("无法确定受理的服务中心：请在窗口上受理，或为工作人员设置所属服务中心。")
    if ticket is not None and ticket.site_id != site_id:
        raise InvalidInput("排队号不属于本服务中心。")
    site = _core.site_ctx(s, site_id)
    today = site.day(now)

    # 首问负责
    first_contact_id = actor.staff_id
    if (req.first_contact_staff_no or "").strip():
        first_contact_id = s.scalar(select(Staff.id).where(Staff.staff_no == req.first_contact_staff_no.strip()))
        if first_contact_id is None:
            raise NotFound(f"找不到首问责任人工号“{req.first_contact_staff_no}”。")

    applicant = _applicant(req.applicant, today)

    # Materials: ids from the current version's list only.
    materials = list(version.materials)
    by_id = {m.id: m for m in materials}
    provided = {int(x) for x in (req.provided_material_ids or ())}
    unknown = sorted(provided - set(by_id)) + sorted(set(int(k) for k in (req.deferred or {})) - set(by_id))
    if unknown:
        raise InvalidInput(f"所选材料不在“{version.name}”（第{version.version}版）的材料清单中，请刷新后重试。")
    deferred: dict[int, dt.date] = {}
    for mid, due in (req.deferred or {}).items():
        m = by_id[int(mid)]
        if int(mid) in provided:
            continue
        if not m.may_be_missing:
            raise InvalidInput(f"“{m.name}”不属于可容缺材料，不能容缺受理；请出具一次性告知书补正。")
        if not isinstance(due, dt.date) or isinstance(due, dt.datetime):
            raise InvalidInput(f"请填写容缺材料“{m.name}”的补交期限。")
        if due <= today:
            raise InvalidInput(f"容缺材料“{m.name}”的补交期限必须晚于今天。")
        deferred[m.id] = due
    missing = [m for m in materials if m.required and m.id not in provided and m.id not in deferred]

    try:
        delivery = Delivery(req.delivery)
    except ValueError:
        raise InvalidInput("送达方式不正确（窗口领取或邮寄送达）。") from None
    mail_address = limit_text(req.mail_address, 300, "邮寄地址", required=delivery == Delivery.MAIL)

    if req.commitment_signed and ItemFlag.NOTIFY_COMMIT.value not in (version.flags or []):
        raise InvalidInput(f"“{version.name}”不适用告知承诺制，不能以承诺方式受理。")

    return _Intake(actor, req, now, today, site, item, version, materials, window_id, first_contact_id, applicant,
                   missing, deferred, delivery, mail_address)


def _need_complete(ctx: _Intake, what: str) -> None:
    if ctx.missing:
        names = "、".join(m.name for m in ctx.missing)
        raise InvalidInput(f"材料不齐全，不能{what}：缺少{names}。请按补办件出具一次性告知书。")


def _new_case(s: Session, ctx: _Intake, case_type: CaseType, status: CaseStatus, *, accepted: bool) -> Case:
    provided = {int(x) for x in (ctx.req.provided_material_ids or ())}
    case = Case(
        case_no=_core.next_case_no(s, ctx.site, ctx.today),
        check_code=_core.new_check_code(),
        site_id=ctx.site.id,
        item_id=ctx.item.id,
        item_version_id=ctx.version.id,
        ticket_id=ctx.req.ticket_id,
        case_type=case_type,
        status=status,
        urgent=case_type == CaseType.URGENT,
        department_id=ctx.item.department_id,
        accepting_window_id=ctx.window_id,
        accepting_staff_id=ctx.actor.staff_id,
        first_contact_staff_id=ctx.first_contact_id,
        delivery=ctx.delivery,
        mail_address=ctx.mail_address,
        commitment_signed=bool(ctx.req.commitment_signed),
        **ctx.applicant,
    )
    if accepted:
        case.accepted_at = ctx.now
        case.accepted_day = ctx.today
    case.materials = [
        CaseMaterial(
            material_id=m.id, position=m.position, name=m.name, required=bool(m.required),
            provided=m.id in provided, provided_at=ctx.now if m.id in provided else None,
            deferred_until=ctx.deferred.get(m.id),
        )
        for m in ctx.materials
    ]
    s.add(case)
    s.flush()
    return case


def _start_clock(s: Session, case: Case, site: SiteCtx, days: int) -> None:
    case.days_limit = int(days)
    refresh_case_deadlines(s, case, site)


def _approval_task(case: Case, kind: str = "approval") -> None:
    """受办分离: the item's department decides in the back office by the case deadline."""
    case.tasks.append(CaseTask(department_id=case.department_id, kind=kind, lead=False,
                               status=TaskStatus.PENDING, deadline=case.deadline))


def _intake_data(ctx: _Intake, **extra) -> dict:
    data = {
        "item_code": ctx.item.code, "item_version": ctx.version.version, "ticket_id": ctx.req.ticket_id,
        "provided": sorted(int(x) for x in (ctx.req.provided_material_ids or ())),
        "deferred": {str(k): v.isoformat() for k, v in ctx.deferred.items()},
        "commitment_signed": bool(ctx.req.commitment_signed), "at": ctx.now,
    }
    if ctx.first_contact_id != ctx.actor.staff_id:
        data["first_contact_staff_id"] = ctx.first_contact_id
    data.update(extra)
    return data


# --------------------------------------------------------------------------------------------- the seven types


def accept_immediate(
    db: Database, actor: Actor, req: IntakeRequest, *, result: str = "准予办理", now: Optional[dt.datetime] = None
) -> CaseSummary:
    """即办件: accepted and decided on the spot (必须当场受理办结). Every required material must be present.

    Pickup: handed over at the window, status COMPLETED. Mail: APPROVED until `mail()` records the tracking no.
    """
    result = limit_text(result, 500, "办理结果") or "准予办理"
    with db.write() as s:
        ctx = _prepare(s, actor, req, now)
        if ctx.deferred:
            raise InvalidInput("即办件须当场办结，不能容缺受理；请改为承诺件并注明容缺材料。")
        _need_complete(ctx, "即办")
        mailed = ctx.delivery == Delivery.MAIL
        case = _new_case(s, ctx, CaseType.IMMEDIATE, CaseStatus.APPROVED if mailed else CaseStatus.COMPLETED,
                         accepted=True)
        _start_clock(s, case, ctx.site, 0)
        case.finished_at = ctx.now
        case.result = result
        if not mailed:
            case.picked_up_at = ctx.now
        _core.add_event(s, case, "accepted", actor, window_id=ctx.window_id, note=(req.reason or "").strip()[:500],
                        data=_intake_data(ctx))
        _core.add_event(s, case, "completed", actor, window_id=ctx.window_id, note=result,
                        data={"result": "approved", "at": ctx.now})
        return _core.summary(s, case)


def reject(
    db: Database,
    actor: Actor,
    req: IntakeRequest,
    *,
    approved_by: Optional[Actor] = None,
    now: Optional[dt.datetime] = None,
) -> CaseSummary:
    """退办件: not accepted; the case row (status REJECTED) carries the reason for the 不予受理告知书.

    A major project (重大审批项目) may only be rejected with `approved_by` = the department's chief representative.
    """
    reason = limit_text(req.reason, 1000, "不予受理的理由", required=True, allow_newlines=True)
    with db.write() as s:
        ctx = _prepare(s, actor, req, now)
        approval = {}
        if ctx.version.major_project:
            if approved_by is None:
                raise PermissionDenied("重大审批项目不予受理须经本部门首席代表同意，请首席代表确认后再办理。")
            if not approved_by.has(Role.CHIEF_REP) or approved_by.staff_id is None:
                raise PermissionDenied(f"{approved_by.name}（{approved_by.staff_no}）不是首席代表，不能批准重大项目不予受理。")
            if (Role.ADMIN not in approved_by.roles and approved_by.department_id is not None
                    and approved_by.department_id != ctx.item.department_id):
                raise PermissionDenied(f"{approved_by.name} 不是“{ctx.version.name}”所属部门的首席代表。")
            approval = {"approved_by": approved_by.staff_no, "approved_by_name": approved_by.name,
                        "approved_by_id": approved_by.staff_id}
        case = _new_case(s, ctx, CaseType.REJECTED, CaseStatus.REJECTED, accepted=False)
        case.reject_reason = reason
        case.finished_at = ctx.now
        _core.add_event(s, case, "rejected", actor, window_id=ctx.window_id, note=reason,
                        data=_intake_data(ctx, major_project=bool(ctx.version.major_project), **approval))
        return _core.summary(s, case)


def request_correction(db: Database, actor: Actor, req: IntakeRequest, *, now: Optional[dt.datetime] = None) -> CaseSummary:
    """补办件: AWAITING_MATERIALS with EVERY missing required material listed at once (一次性告知); no clock."""
    with db.write() as s:
        ctx = _prepare(s, actor, req, now)
        if not ctx.missing:
            raise InvalidInput("申请材料已齐全，无需补正，请直接受理。")
        case = _new_case(s, ctx, CaseType.CORRECTION, CaseStatus.AWAITING_MATERIALS, accepted=False)
        case.days_limit = ctx.limit_days
        _core.add_event(s, case, "correction_requested", actor, window_id=ctx.window_id,
                        note=(req.reason or "").strip()[:500],
                        data=_intake_data(ctx, missing=[m.id for m in ctx.missing],
                                          missing_names=[m.name for m in ctx.missing]))
        return _core.summary(s, case)


def supply_materials(
    db: Database,
    actor: Actor,
    case_no: str,
    material_ids: set[int] | frozenset[int] | list[int],
    *,
    window_id: Optional[int] = None,
    now: Optional[dt.datetime] = None,
) -> CaseSummary:
    """Materials handed in later: for a 补办件 (when complete it becomes a 承诺件 and the clock starts on that
    day) or for a case accepted with 容缺 materials. Only materials on the case's own list are accepted, so the
    applicant is never asked for anything the one-time notice did not name."""
    ids = {int(x) for x in material_ids}
    if not ids:
        raise InvalidInput("请选择补交的材料。")
    with db.write() as s:
        case = _core.load_case(s, case_no, lock=True)
        _core.require_case_role(actor, case, _core.INTAKE_ROLES, "接收补交材料")
        status = CaseStatus(case.status)
        lines = {m.material_id: m for m in case.materials if m.material_id is not None}
        if status != CaseStatus.AWAITING_MATERIALS and not any(m.deferred_until for m in case.materials
                                                                if not m.provided):
            raise InvalidInput(f"办件 {case.case_no} 没有待补交的材料。")
        if status in (CaseStatus.REJECTED, CaseStatus.WITHDRAWN):
            raise InvalidInput(f"办件 {case.case_no} 已{status.label}，不能补交材料。")
        unknown = ids - set(lines)
        if unknown:
            raise InvalidInput("所选材料不在该办件的材料清单中（补正只需提交一次性告知书所列材料）。")
        now = _core.resolve_now(s, now)
        site = _core.site_ctx(s, case.site_id)
        newly = []
        for mid in sorted(ids):
            line = lines[mid]
            if not line.provided:
                line.provided, line.provided_at = True, now
                newly.append(line.name)
        still = [m for m in case.materials if m.required and not m.provided]
        converted = False
        if status == CaseStatus.AWAITING_MATERIALS and not any(
            m.required and not m.provided and m.deferred_until is None for m in case.materials
        ):
            # 补办件 complete: it becomes a 承诺件; the clock starts today.
            converted = True
            case.case_type = CaseType.PROMISED
            case.status = CaseStatus.ACCEPTED
            case.accepted_at, case.accepted_day = now, site.day(now)
            case.accepting_staff_id = actor.staff_id or case.accepting_staff_id
            if window_id is not None:
                case.accepting_window_id = window_id
            _start_clock(s, case, site, case.days_limit or STATUTORY_DEFAULT_DAYS)
            _approval_task(case)
        _core.add_event(s, case, "materials_supplied", actor, window_id=window_id, note="、".join(newly),
                        data={"materials": sorted(ids), "remaining": [m.name for m in still], "at": now})
        if converted:
            _core.add_event(s, case, "accepted", actor, window_id=window_id, note="材料补齐，转为承诺件",
                            data={"from": CaseType.CORRECTION.value, "deadline": case.deadline, "at": now})
        return _core.summary(s, case)


def accept_promised(db: Database, actor: Actor, req: IntakeRequest, *, now: Optional[dt.datetime] = None) -> CaseSummary:
    """承诺件: accepted; the 受理通知书 promises the deadline = promised working days after today (容缺 allowed)."""
    with db.write() as s:
        ctx = _prepare(s, actor, req, now)
        _need_complete(ctx, "受理")
        case = _new_case(s, ctx, CaseType.PROMISED, CaseStatus.ACCEPTED, accepted=True)
        _start_clock(s, case, ctx.site, ctx.limit_days)
        _approval_task(case)
        _core.add_event(s, case, "accepted", actor, window_id=ctx.window_id, note=(req.reason or "").strip()[:500],
                        data=_intake_data(ctx, deadline=case.deadline))
        return _core.summary(s, case)


def accept_urgent(db: Database, actor: Actor, req: IntakeRequest, *, now: Optional[dt.datetime] = None) -> CaseSummary:
    """特办件 (按特别程序紧急办理): urgent flag, top of every inbox, shortened deadline.

    The limit is `req.urgent_days` (1 … the normal limit), else the setting `urgent_deadline_percent`
    (default 50 %) of the normal limit, rounded down, at least 1 working day. A reason is required.
    """
    reason = limit_text(req.reason, 500, "特办理由", required=True)
    with db.write() as s:
        ctx = _prepare(s, actor, req, now)
        _need_complete(ctx, "受理")
        days = urgent_limit(ctx.limit_days, req.urgent_days, urgent_percent(s, ctx.site.id))
        case = _new_case(s, ctx, CaseType.URGENT, CaseStatus.ACCEPTED, accepted=True)
        _start_clock(s, case, ctx.site, days)
        _approval_task(case)
        _core.add_event(s, case, "accepted", actor, window_id=ctx.window_id, note=reason,
                        data=_intake_data(ctx, urgent=True, normal_days=ctx.limit_days, days=days,
                                          deadline=case.deadline))
        return _core.summary(s, case)


def urgent_percent(s: Session, site_id: int) -> int:
    """The hall's `urgent_deadline_percent`: 特办件 get this share of the normal limit (default 50 %)."""
    try:
        return int(get_setting(s, "urgent_deadline_percent", site_id) or DEFAULT_URGENT_PERCENT)
    except (TypeError, ValueError):
        return DEFAULT_URGENT_PERCENT


def joint_departments(s: Session, lead_department_id: int, parts: Sequence[JointPart],
                      limit: int) -> list[tuple[Department, int]]:
    """The 联办 departments and their days, checked: active, none twice nor the lead, 1 … `limit` working days."""
    out: list[tuple[Department, int]] = []
    seen = {lead_department_id}
    for part in parts:
        dept = s.scalar(select(Department).where(Department.code == (part.department_code or "").strip()))
        if dept is None or not dept.active:
            raise NotFound(f"找不到联办部门“{part.department_code}”。")
        if dept.id in seen:
            raise InvalidInput(f"“{dept.name}”重复，或与牵头部门相同。")
        seen.add(dept.id)
        try:
            days = int(part.days)
        except (TypeError, ValueError):
            raise InvalidInput(f"“{dept.name}”的办理时限必须是整数。") from None
        if not 1 <= days <= limit:
            raise InvalidInput(f"“{dept.name}”的办理时限应为 1 至 {limit} 个工作日（不超过办件承诺时限）。")
        out.append((dept, days))
    return out


def accept_joint(db: Database, actor: Actor, req: IntakeRequest, *, now: Optional[dt.datetime] = None) -> CaseSummary:
    """联办件: the item's department leads (牵头); each joint department gets a sub-task with its own deadline.

    A joint department that lets its deadline pass is deemed to agree (`resolve_timeouts`, 超时默认); the case is
    approved when every task is approved or deemed approved, and denied when any department denies.
    """
    if not req.joint_parts:
        raise InvalidInput("联办件须指定至少一个联办部门。")
    with db.write() as s:
        ctx = _prepare(s, actor, req, now)
        _need_complete(ctx, "受理")
        limit = ctx.limit_days
        parts = joint_departments(s, ctx.item.department_id, req.joint_parts, limit)
        case = _new_case(s, ctx, CaseType.JOINT, CaseStatus.ACCEPTED, accepted=True)
        _start_clock(s, case, ctx.site, limit)
        case.tasks.append(CaseTask(department_id=case.department_id, kind="joint", lead=True,
                                   status=TaskStatus.PENDING, deadline=case.deadline))
        for dept, days in parts:
            case.tasks.append(CaseTask(department_id=dept.id, kind="joint", lead=False, status=TaskStatus.PENDING,
                                       deadline=compute_deadline(ctx.site.calendar, ctx.today, days)))
        _core.add_event(s, case, "accepted", actor, window_id=ctx.window_id, note=(req.reason or "").strip()[:500],
                        data=_intake_data(ctx, deadline=case.deadline,
                                          joint=[{"department": d.code, "days": n} for d, n in parts]))
        return _core.summary(s, case)


def escalate(db: Database, actor: Actor, req: IntakeRequest, *, now: Optional[dt.datetime] = None) -> CaseSummary:
    """上报件: 初审 done at the window; escalated to `req.escalated_to` (a higher authority). The item's department
    follows it up (an `escalation` task in its inbox, decided when the higher authority answers) by the deadline."""
    authority = limit_text(req.escalated_to, 200, "上报的上级机关", required=True)
    with db.write() as s:
        ctx = _prepare(s, actor, req, now)
        _need_complete(ctx, "受理上报")
        case = _new_case(s, ctx, CaseType.ESCALATED, CaseStatus.ESCALATED, accepted=True)
        case.escalated_to = authority
        _start_clock(s, case, ctx.site, ctx.limit_days)
        _approval_task(case, kind="escalation")
        _core.add_event(s, case, "escalated", actor, window_id=ctx.window_id, note=(req.reason or "").strip()[:500],
                        data=_intake_data(ctx, escalated_to=authority, preliminary_review="passed",
                                          deadline=case.deadline))
        return _core.summary(s, case)


def take_in(
    db: Database, actor: Actor, req: IntakeRequest, *, approved_by: Optional[Actor] = None,
    now: Optional[dt.datetime] = None,
) -> CaseSummary:
    """Dispatch on the clerk's decision `req.case_type` (the counter's one "受理" button)."""
    try:
        ctype = CaseType(req.case_type) if req.case_type is not None else None
    except ValueError:
        ctype = None
    if ctype is None:
        raise InvalidInput("请选择办件类型（即办件、退办件、补办件、承诺件、联办件、上报件或特办件）。")
    if ctype == CaseType.REJECTED:
        return reject(db, actor, req, approved_by=approved_by, now=now)
    handler = {
        CaseType.IMMEDIATE: accept_immediate,
        CaseType.CORRECTION: request_correction,
        CaseType.PROMISED: accept_promised,
        CaseType.JOINT: accept_joint,
        CaseType.ESCALATED: escalate,
        CaseType.URGENT: accept_urgent,
    }[ctype]
    return handler(db, actor, req, now=now)
