"""Read-side services: the kiosk's progress lookup, the receipt QR, notice data for printing, and the
即办即录 supervision report.

The progress lookup is for anybody holding the notice: it needs the case number AND its check code, and shows
the item, status, steps with dates, deadline, missing materials and the pickup place; the applicant's name is
masked (张*三 / 张*) and nothing else personal (no ID number, phone, address, opinions) is returned.
"""

from __future__ import annotations

import datetime as dt
import hmac
from dataclasses import dataclass
from typing import Optional

from sqlalchemy import select
from sqlalchemy.orm import Session

from common import clock
from common.qrcodes import parse_case_qr  # noqa: F401 - re-exported
from common.db.engine import Database
from common.db.models import (
    Case,
    CaseEvent,
    Department,
    DocumentPrint,
    Material,
    ServiceItemVersion,
    Staff,
    Ticket,
    Window,
)
from common.domain import ApplicantKind, CaseStatus, CaseType, Delivery, TaskStatus, WindowKind, window_title
from common.errors import InvalidInput
from common.printing.case_documents import CaseNotice, NoticeKind, NoticeMaterial
from common.services.cases import _core
from common.services.cases.deadlines import projected
from common.services.permissions import Actor, require
from common.services.settings import get_setting
from common.validation import mask_id_number

WRONG_CODE = "案件编号或查询码不正确"


# --------------------------------------------------------------------------------------------- QR


# --------------------------------------------------------------------------------------------- masking


def mask_name(name: str, enterprise: bool = False) -> str:
    """张三 → 张*, 张小三 → 张*三, 欧阳小明 → 欧**明; enterprises keep their head and tail (示例**有限公司)."""
    chars = list((name or "").strip())
    n = len(chars)
    if n == 0:
        return ""
    if enterprise and n > 6:
        return "".join(chars[:2]) + "**" + "".join(chars[-4:])
    if n == 1:
        return "*"
    if n == 2:
        return chars[0] + "*"
    return chars[0] + "*" * (n - 2) + chars[-1]


# --------------------------------------------------------------------------------------------- progress


@dataclass(frozen=True)
class ProgressStep:
    label: str
    day: Optional[dt.date]
    done: bool
    current: bool = False


@dataclass(frozen=True)
class MissingMaterial:
    name: str
    due: Optional[dt.date]  # 容缺: hand in by; None for a 补正 list (no deadline, the clock waits)


@dataclass(frozen=True)
class PublicProgress:
    case_no: str
    item_name: str
    department: str
    applicant: str  # masked
    case_type_label: str
    status: str
    status_label: str
    message: str  # one sentence for the citizen
    steps: list[ProgressStep]
    accepted_day: Optional[dt.date]
    days_limit: int
    deadline: Optional[dt.date]
    finished_day: Optional[dt.date]
    missing_materials: list[MissingMaterial]
    pickup_place: str
    delivery_label: str
    tracking_no: str


def _event_days(s: Session, case: Case, tz: str) -> dict[str, dt.date]:
    """The first local date of each event kind: the business time the service acted at (`data["at"]`, the
    same `now` that set accepted_at/finished_at), else the event's database time. "" → the first event's day."""
    days: dict[str, dt.date] = {}
    for kind, at, data in s.execute(select(CaseEvent.kind, CaseEvent.at, CaseEvent.data)
                                    .where(CaseEvent.case_id == case.id).order_by(CaseEvent.id)).all():
        when = at
        raw = (data or {}).get("at")
        if isinstance(raw, str):
            try:
                when = dt.datetime.fromisoformat(raw)
            except ValueError:
                pass
        day = clock.business_day(when, tz)
        days.setdefault("", day)
        days.setdefault(kind, day)
    return days


def pickup_place(s: Session, case: Case) -> str:
    """The hall's 出件窗口 if it has one (综合窗口出件), else the accepting window."""
    name = _core.hall_name(s, case.site_id)
    row = s.execute(select(Window.number, Window.name).where(
        Window.site_id == case.site_id, Window.kind == WindowKind.PICKUP, Window.active.is_(True)
    ).order_by(Window.number).limit(1)).first()
    if row is None and case.accepting_window_id is not None:
        row = s.execute(select(Window.number, Window.name).where(Window.id == case.accepting_window_id)).first()
    if row is None:
        return name
    return f"{name} {window_title(row.number, row.name)}"


def public_progress(db: Database, case_no: str, check_code: str, *, now: Optional[dt.datetime] = None) -> PublicProgress:
    """The kiosk's 办件进度查询: case number + check code (wrong either way → one message)."""
    case_no = (case_no or "").strip()
    code = (check_code or "").strip().upper()
    if not case_no or not code:
        raise InvalidInput("请输入案件编号和查询码。")
    with db.read() as s:
        case = s.scalar(select(Case).where(Case.case_no == case_no))
        # Same message for an unknown number and a wrong code, and a constant-time comparison.
        if case is None or not hmac.compare_digest(case.check_code.encode(), code.encode()):
            raise InvalidInput(WRONG_CODE)
        now = _core.resolve_now(s, now)
        site = _core.site_ctx(s, case.site_id)
        version = s.get(ServiceItemVersion, case.item_version_id)
        status, ctype, delivery = CaseStatus(case.status), CaseType(case.case_type), Delivery(case.delivery)
        days = _event_days(s, case, site.tz)
        received = days.get("") or (clock.business_day(case.created_at, site.tz) if case.created_at else None)
        finished = site.day(case.finished_at) if case.finished_at else None
        deadline, _ = projected(s, case, site, now)
        steps = [ProgressStep("收件", received, True)]
        if status == CaseStatus.REJECTED:
            steps.append(ProgressStep("不予受理", finished or received, True, True))
        else:
            if "correction_requested" in days:
                steps.append(ProgressStep("一次性告知补正", days["correction_requested"], True,
                                          status == CaseStatus.AWAITING_MATERIALS))
            accepted = case.accepted_day is not None
            steps.append(ProgressStep("受理", case.accepted_day, accepted))
            review = "上报审批" if ctype == CaseType.ESCALATED else ("联合审批" if ctype == CaseType.JOINT else "审批")
            decided = status in _core.DECIDED
            steps.append(ProgressStep(review, finished if decided else None, decided,
                                      accepted and not decided))
            steps.append(ProgressStep("办结", finished, decided))
            if delivery == Delivery.MAIL:
                mailed = days.get("mailed")
                steps.append(ProgressStep("邮寄送达", mailed, status == CaseStatus.MAILED))
            else:
                handed = site.day(case.picked_up_at) if case.picked_up_at else None
                steps.append(ProgressStep("领取", handed, status == CaseStatus.COMPLETED, status == CaseStatus.READY))
        missing = [MissingMaterial(m.name, m.deferred_until) for m in case.materials if m.required and not m.provided]
        place = pickup_place(s, case)
        message = _message(status, ctype, deadline, missing, place, case)
        return PublicProgress(
            case_no=case.case_no, item_name=version.name,
            department=_core.department_name(s, case.department_id),
            applicant=mask_name(case.applicant_name, case.applicant_kind == ApplicantKind.ENTERPRISE),
            case_type_label=ctype.label, status=status.value, status_label=status.label, message=message,
            steps=steps, accepted_day=case.accepted_day, days_limit=case.days_limit,
            deadline=deadline if status != CaseStatus.REJECTED else None, finished_day=finished,
            missing_materials=missing, pickup_place=place, delivery_label=delivery.label,
            tracking_no=case.tracking_no,
        )


def _message(status: CaseStatus, ctype: CaseType, deadline, missing, place: str, case: Case) -> str:
    from common.printing.case_documents import cn_date

    if status == CaseStatus.REJECTED:
        return "您的申请不予受理，理由及救济途径详见《不予受理告知书》。"
    if status == CaseStatus.AWAITING_MATERIALS:
        return f"请补齐一次性告知书所列的 {len(missing)} 项材料后到窗口办理，补齐之日起计算办理时限。"
    if status == CaseStatus.CLOCK_STOPPED:
        return "办件因法定程序（如现场勘验、专家评审）暂停计时，相关时间不计入办理时限。"
    if status in _core.RUNNING:
        text = f"正在办理，预计{cn_date(deadline)}前办结。" if deadline else "正在办理。"
        if missing:
            text += "请按期补交容缺材料。"
        return text
    if status == CaseStatus.READY:
        return f"已办结，请携带有效身份证件到{place}领取。"
    if status == CaseStatus.MAILED:
        return f"已办结并邮寄送达，邮件单号 {case.tracking_no}。"
    if status in (CaseStatus.APPROVED, CaseStatus.DENIED):
        return "已办结，正在准备出件，请留意短信通知。"
    if status == CaseStatus.COMPLETED:
        return "已办结并领取。"
    return status.label


# --------------------------------------------------------------------------------------------- notices


def case_notice(db: Database, actor: Actor, case_no: str, document: str,
                *, now: Optional[dt.datetime] = None) -> CaseNotice:
    """The data of one notice for a case (then render with `common.printing.case_documents` and call
    `record_print`). Which notices a case can have: 受理通知书 once accepted; 一次性告知书 while (or after)
    waiting for materials; 不予受理告知书 when rejected; 办结通知书 once decided."""
    try:
        kind = NoticeKind(document)
    except ValueError:
        raise InvalidInput(f"未知的文书类型：{document}。") from None
    require(actor, *_core.VIEW_ROLES, action="打印文书")
    with db.read() as s:
        case = _core.load_case(s, case_no)
        _core.check_site(actor, case)
        now = _core.resolve_now(s, now)
        site = _core.site_ctx(s, case.site_id)
        status, ctype = CaseStatus(case.status), CaseType(case.case_type)
        events = _event_days(s, case, site.tz)
        if kind == NoticeKind.ACCEPTANCE and case.accepted_day is None:
            raise InvalidInput(f"办件 {case.case_no} 尚未受理，不能打印受理通知书。")
        if kind == NoticeKind.CORRECTION and "correction_requested" not in events:
            raise InvalidInput(f"办件 {case.case_no} 不是补办件，没有一次性告知书。")
        if kind == NoticeKind.REJECTION and status != CaseStatus.REJECTED:
            raise InvalidInput(f"办件 {case.case_no} 未被退办，不能打印不予受理告知书。")
        if kind == NoticeKind.COMPLETION and status not in _core.DECIDED:
            raise InvalidInput(f"办件 {case.case_no} 尚未办结，不能打印办结通知书。")
        version = s.get(ServiceItemVersion, case.item_version_id)
        catalog = {m.id: m for m in s.scalars(select(Material).where(Material.item_version_id == version.id))}

        def material(line) -> NoticeMaterial:
            src = catalog.get(line.material_id)
            return NoticeMaterial(line.name, src.originals if src else 1, src.copies if src else 0,
                                  src.notes if src else "", line.deferred_until)

        if kind == NoticeKind.CORRECTION:
            # Exactly the list given at intake (the one-time notice never grows), even when reprinted later.
            data = s.scalar(select(CaseEvent.data).where(CaseEvent.case_id == case.id,
                                                         CaseEvent.kind == "correction_requested"))
            ids = set((data or {}).get("missing") or [])
            missing = tuple(material(m) for m in case.materials if m.material_id in ids)
        elif kind == NoticeKind.ACCEPTANCE:
            missing = tuple(material(m) for m in case.materials
                            if m.required and m.deferred_until is not None and not m.provided)
        else:
            missing = ()
        joint = ()
        if ctype == CaseType.JOINT:
            depts = dict(s.execute(select(Department.id, Department.name)).all())
            joint = tuple((depts.get(t.department_id, ""), t.deadline) for t in case.tasks if not t.lead)
        copies = len(s.scalars(select(DocumentPrint.id).where(DocumentPrint.case_id == case.id,
                                                              DocumentPrint.document == kind.value)).all())
        received = case.accepted_day or events.get("")
        if kind == NoticeKind.CORRECTION:
            received = events.get("correction_requested", received)
        finished = site.day(case.finished_at) if case.finished_at else None
        issued = {NoticeKind.ACCEPTANCE: case.accepted_day, NoticeKind.CORRECTION: events.get("correction_requested"),
                  NoticeKind.REJECTION: finished, NoticeKind.COMPLETION: finished}[kind] or site.day(now)
        if kind == NoticeKind.CORRECTION:
            received = issued
        deadline, _ = projected(s, case, site, now)
        approved = None
        if kind == NoticeKind.COMPLETION:
            approved = status != CaseStatus.DENIED and not any(
                TaskStatus(t.status) == TaskStatus.DENIED for t in case.tasks)
        hotline = get_setting(s, "hotline", case.site_id) or "12345"
        return CaseNotice(
            kind=kind, hall_name=_core.hall_name(s, case.site_id), case_no=case.case_no, check_code=case.check_code,
            item_name=version.name, item_version=version.version,
            department=_core.department_name(s, case.department_id), case_type=ctype.value,
            case_type_label=ctype.label, applicant_name=case.applicant_name,
            applicant_is_enterprise=case.applicant_kind == ApplicantKind.ENTERPRISE,
            applicant_id_masked=mask_id_number(case.applicant_id_no),
            window_label=_core.window_label(s, case.accepting_window_id),
            clerk_name=_core.staff_name(s, case.accepting_staff_id), issued_on=issued, received_on=received,
            days_limit=case.days_limit, deadline=deadline if case.accepted_day else None,
            agent_name=case.agent_name, urgent=bool(case.urgent), missing=missing, reason=case.reject_reason,
            commitment_signed=bool(case.commitment_signed), escalated_to=case.escalated_to,
            joint_departments=joint, approved=approved, result=case.result, finished_on=finished,
            delivery=Delivery(case.delivery).value, pickup_place=pickup_place(s, case), tracking_no=case.tracking_no,
            picked_up_on=site.day(case.picked_up_at) if case.picked_up_at else None,
            hotline=str(hotline), copy_no=copies + 1,
        )


# --------------------------------------------------------------------------------------------- 即办即录


@dataclass(frozen=True)
class BatchEntryRow:
    case_no: str
    item_name: str
    staff_no: str
    staff_name: str
    entered_at: dt.datetime  # database clock (Case.created_at)
    served_at: Optional[dt.datetime]  # the ticket's service start
    lag_hours: Optional[float]
    reasons: list[str]


LATE_ENTRY_HOURS = 4
BURST_SIZE = 5
BURST_MINUTES = 15


def batch_entry_report(
    db: Database,
    actor: Actor,
    site_id: int,
    day_from: dt.date,
    day_to: dt.date,
    *,
    late_hours: float = LATE_ENTRY_HOURS,
    burst_size: int = BURST_SIZE,
    burst_minutes: int = BURST_MINUTES,
) -> list[BatchEntryRow]:
    """即办即录 not done (001): cases entered in the system long after the applicant was served, or in bursts at
    the end of a week or month. Entry time is `Case.created_at`, set by the DATABASE clock, so it cannot be
    back-dated from a clerk's PC. A case entered on `[day_from, day_to]` (hall local days) is listed when:

    - "补录": it is linked to a ticket and was entered more than `late_hours` after the ticket's service started
      (or on a later day than the service);
    - "周末/月末集中录入": its clerk entered at least `burst_size` cases within `burst_minutes` on the last working
      day of a week or of a month (hall working calendar), and this case is one of them.
    """
    require(actor, *_core.SUPERVISE_ROLES, action="查看即办即录情况")
    with db.read() as s:
        site = _core.site_ctx(s, site_id)
        start, _ = clock.day_bounds(day_from, site.tz)
        _, end = clock.day_bounds(day_to, site.tz)
        rows = s.execute(
            select(Case.case_no, Case.created_at, Case.accepting_staff_id,
                   ServiceItemVersion.name.label("item_name"), Ticket.started_at, Ticket.called_at,
                   Ticket.issued_at, Staff.staff_no, Staff.name.label("staff_name"))
            .join(ServiceItemVersion, ServiceItemVersion.id == Case.item_version_id)
            .outerjoin(Ticket, Ticket.id == Case.ticket_id)
            .outerjoin(Staff, Staff.id == Case.accepting_staff_id)
            .where(Case.site_id == site_id, Case.created_at >= start, Case.created_at < end)
            .order_by(Case.accepting_staff_id, Case.created_at, Case.id)
        ).all()
        reasons: dict[str, list[str]] = {}
        info: dict[str, tuple] = {}
        by_staff_day: dict[tuple, list[tuple[dt.datetime, str]]] = {}
        for r in rows:
            served = r.started_at or r.called_at or r.issued_at
            lag = (r.created_at - served).total_seconds() / 3600 if served is not None else None
            info[r.case_no] = (r, served, lag)
            if served is not None and (lag > late_hours or site.day(r.created_at) > site.day(served)):
                reasons.setdefault(r.case_no, []).append(f"补录：办理后 {lag:.1f} 小时才录入")
            by_staff_day.setdefault((r.accepting_staff_id, site.day(r.created_at)), []).append((r.created_at, r.case_no))
        window = dt.timedelta(minutes=burst_minutes)
        for (_, day), entries in by_staff_day.items():
            if len(entries) < burst_size or not _period_end(site, day):
                continue
            flagged: set[str] = set()
            j = 0
            for i in range(len(entries)):
                while entries[i][0] - entries[j][0] > window:
                    j += 1
                if i - j + 1 >= burst_size:
                    flagged.update(no for _, no in entries[j:i + 1])
            for no in flagged:
                reasons.setdefault(no, []).append(f"周末/月末集中录入：{burst_minutes} 分钟内录入 {burst_size} 件以上")
        out = []
        for r in rows:
            if r.case_no not in reasons:
                continue
            _, served, lag = info[r.case_no]
            out.append(BatchEntryRow(r.case_no, r.item_name, r.staff_no or "", r.staff_name or "", r.created_at,
                                     served, round(lag, 1) if lag is not None else None, reasons[r.case_no]))
        return out


def _period_end(site: _core.SiteCtx, day: dt.date) -> bool:
    """The last working day of its week (Mon–Sun) or of its month."""
    cal = site.calendar
    if not cal.is_working_day(day):
        return True  # entering cases on a non-working day is itself a batch sign
    nxt = cal.add_working_days(day, 1)
    same_week = nxt.isocalendar()[:2] == day.isocalendar()[:2]
    return not same_week or nxt.month != day.month
