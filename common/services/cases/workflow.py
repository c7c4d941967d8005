"""After intake: back-office decisions, 超时默认 for joint departments, 出件 (pickup or mail), prints, 告知承诺 checks.

Statuses: ACCEPTED/ESCALATED → (IN_REVIEW while some tasks are decided) → APPROVED | DENIED (办结: `finished_at`)
→ READY (待领取) → COMPLETED (picked up), or → MAILED (邮寄). A 即办件 handed over at the window is COMPLETED at once.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Optional

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from common.db.engine import Database
from common.db.models import Case, CaseTask, DocumentPrint
from common.domain import CaseStatus, Delivery, Role, TaskStatus
from common.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from common.services.cases import _core
from common.services.cases._core import CaseSummary
from common.services.permissions import SYSTEM, Actor, require
from common.validation import limit_text, validate_person_name

DOCUMENTS = ("acceptance", "correction", "rejection", "completion")  # see common.printing.case_documents


@dataclass(frozen=True)
class TaskDecision:
    task_id: int
    case_no: str
    task_status: str
    task_status_label: str
    case_status: str
    case_status_label: str


@dataclass(frozen=True)
class PrintRecord:
    case_no: str
    document: str
    copy_no: int  # 1 = first print, 2+ = reprints (补打)
    target: str


# --------------------------------------------------------------------------------------------- decisions


def _settle(session: Session, case: Case, actor: Optional[Actor], now: dt.datetime, window_id=None) -> None:
    """Move the case on after a task changed: denied if any task is denied, approved when all agree."""
    statuses = [TaskStatus(t.status) for t in case.tasks]
    if any(st == TaskStatus.DENIED for st in statuses):
        case.status = CaseStatus.DENIED
        case.finished_at = now
        opinions = [t.opinion for t in case.tasks if TaskStatus(t.status) == TaskStatus.DENIED and t.opinion]
        case.result = "；".join(opinions)
        _core.add_event(session, case, "denied", actor, window_id=window_id, note=case.result, data={"at": now})
    elif statuses and all(st in (TaskStatus.APPROVED, TaskStatus.DEEMED_APPROVED) for st in statuses):
        case.status = CaseStatus.APPROVED
        case.finished_at = now
        opinions = [t.opinion for t in case.tasks if t.opinion]
        case.result = "；".join(opinions) or "准予许可"
        _core.add_event(session, case, "approved", actor, window_id=window_id, note=case.result, data={"at": now})
    elif CaseStatus(case.status) == CaseStatus.ACCEPTED:
        case.status = CaseStatus.IN_REVIEW


def decide_task(
    db: Database,
    actor: Actor,
    task_id: int,
    approve: bool,
    opinion: str = "",
    *,
    now: Optional[dt.datetime] = None,
) -> TaskDecision:
    """An approver or chief rep of the task's department decides it (a denial needs an opinion)."""
    opinion = limit_text(opinion, 1000, "审批意见", required=not approve, allow_newlines=True)
    require(actor, *_core.DECIDE_ROLES, action="审批办件")
    with db.write() as s:
        task = s.get(CaseTask, task_id)
        if task is None:
            raise NotFound(f"找不到审批任务（编号 {task_id}）。")
        case = s.scalar(select(Case).where(Case.id == task.case_id).with_for_update())
        _core.check_site(actor, case)
        if Role.ADMIN not in actor.roles and actor.department_id != task.department_id:
            raise PermissionDenied(f"{actor.name}（{actor.staff_no}）不属于该任务的承办部门，不能审批。")
        if TaskStatus(task.status) != TaskStatus.PENDING:
            raise Conflict(f"该审批任务已处理（{TaskStatus(task.status).label}），请刷新。")
        if CaseStatus(case.status) == CaseStatus.CLOCK_STOPPED:
            raise InvalidInput(f"办件 {case.case_no} 正在暂停计时，请先恢复计时再审批。")
        if CaseStatus(case.status) not in _core.RUNNING:
            raise InvalidInput(f"办件 {case.case_no} 当前状态为“{CaseStatus(case.status).label}”，不能审批。")
        now = _core.resolve_now(s, now)
        task.status = TaskStatus.APPROVED if approve else TaskStatus.DENIED
        task.decided_at, task.decided_by_id, task.opinion = now, actor.staff_id, opinion
        _core.add_event(s, case, "task_decided", actor, note=opinion,
                        data={"task_id": task.id, "department_id": task.department_id, "kind": task.kind,
                              "lead": task.lead, "approve": bool(approve), "at": now})
        _settle(s, case, actor, now)
        st, cs = TaskStatus(task.status), CaseStatus(case.status)
        return TaskDecision(task.id, case.case_no, st.value, st.label, cs.value, cs.label)


def resolve_timeouts(db: Database, *, actor: Actor = SYSTEM, now: Optional[dt.datetime] = None) -> list[str]:
    """超时默认: every pending joint sub-task (not the lead's) whose deadline day has passed is DEEMED_APPROVED.

    Run by a scheduled job (and on the inbox's refresh). Cases whose clock is stopped are skipped: their
    sub-task deadlines move when the clock restarts. Returns the case numbers that changed.
    """
    changed: list[str] = []
    with db.write() as s:
        now = _core.resolve_now(s, now)
        rows = s.execute(
            select(CaseTask.id, Case.id, Case.site_id)
            .join(Case, Case.id == CaseTask.case_id)
            .where(CaseTask.status == TaskStatus.PENDING, CaseTask.kind == "joint", CaseTask.lead.is_(False),
                   CaseTask.deadline.is_not(None), Case.status.in_(_core.RUNNING))
            .order_by(Case.id, CaseTask.id)
        ).all()
        sites: dict[int, _core.SiteCtx] = {}
        for task_id, case_id, site_id in rows:
            site = sites.get(site_id) or sites.setdefault(site_id, _core.site_ctx(s, site_id))
            task = s.get(CaseTask, task_id)
            if task.deadline >= site.day(now):
                continue
            case = s.scalar(select(Case).where(Case.id == case_id).with_for_update())
            task.status = TaskStatus.DEEMED_APPROVED
            task.decided_at = now
            task.opinion = "超时默认同意"
            _core.add_event(s, case, "task_deemed_approved", actor, note="联办部门逾期未答复，视为同意（超时默认）",
                            data={"task_id": task.id, "department_id": task.department_id,
                                  "deadline": task.deadline, "at": now})
            _settle(s, case, actor, now)
            if case.case_no not in changed:
                changed.append(case.case_no)
    return changed


# --------------------------------------------------------------------------------------------- delivery


def mark_ready(db: Database, actor: Actor, case_no: str, *, window_id: Optional[int] = None,
               now: Optional[dt.datetime] = None) -> CaseSummary:
    """出件: the result (licence or decision letter) is at the pickup window (待领取)."""
    with db.write() as s:
        case = _core.load_case(s, case_no, lock=True)
        _core.require_case_role(actor, case, _core.HANDLING_ROLES, "登记待领取")
        if CaseStatus(case.status) not in (CaseStatus.APPROVED, CaseStatus.DENIED):
            raise InvalidInput(f"办件 {case.case_no} 当前状态为“{CaseStatus(case.status).label}”，尚不能通知领取。")
        now = _core.resolve_now(s, now)
        case.status = CaseStatus.READY
        _core.add_event(s, case, "ready", actor, window_id=window_id, data={"at": now})
        return _core.summary(s, case)


def mail(db: Database, actor: Actor, case_no: str, tracking_no: str, *, window_id: Optional[int] = None,
         now: Optional[dt.datetime] = None) -> CaseSummary:
    """邮寄送达: records the tracking number; the case is delivered (MAILED)."""
    tracking_no = limit_text(tracking_no, 60, "邮件单号", required=True)
    with db.write() as s:
        case = _core.load_case(s, case_no, lock=True)
        _core.require_case_role(actor, case, _core.HANDLING_ROLES, "邮寄送达")
        if CaseStatus(case.status) not in (CaseStatus.APPROVED, CaseStatus.DENIED, CaseStatus.READY):
            raise InvalidInput(f"办件 {case.case_no} 当前状态为“{CaseStatus(case.status).label}”，不能邮寄。")
        if not case.mail_address:
            raise InvalidInput(f"办件 {case.case_no} 没有登记邮寄地址。")
        now = _core.resolve_now(s, now)
        case.status, case.delivery, case.tracking_no = CaseStatus.MAILED, Delivery.MAIL, tracking_no
        _core.add_event(s, case, "mailed", actor, window_id=window_id, note=tracking_no, data={"at": now})
        return _core.summary(s, case)


def record_pickup(db: Database, actor: Actor, case_no: str, picked_by: str, *, window_id: Optional[int] = None,
                  now: Optional[dt.datetime] = None) -> CaseSummary:
    """领证: handed over at the window to `picked_by` (the applicant or their agent); the case is COMPLETED."""
    picked_by = validate_person_name(picked_by, field="picked_by")
    with db.write() as s:
        case = _core.load_case(s, case_no, lock=True)
        _core.require_case_role(actor, case, _core.HANDLING_ROLES, "登记领取")
        if CaseStatus(case.status) != CaseStatus.READY:
            raise InvalidInput(f"办件 {case.case_no} 当前状态为“{CaseStatus(case.status).label}”，不能登记领取。")
        now = _core.resolve_now(s, now)
        case.status, case.picked_up_at = CaseStatus.COMPLETED, now
        _core.add_event(s, case, "picked_up", actor, window_id=window_id, data={"picked_by": picked_by, "at": now})
        return _core.summary(s, case)


# --------------------------------------------------------------------------------------------- records


def record_print(db: Database, actor: Actor, case_no: str, document: str, target: str = "",
                 *, now: Optional[dt.datetime] = None) -> PrintRecord:
    """Every notice printed or reprinted (补打) is a DocumentPrint row; `copy_no` counts this document's prints."""
    if document not in DOCUMENTS:
        raise InvalidInput(f"未知的文书类型：{document}。")
    target = limit_text(target, 200, "打印目标")
    require(actor, *_core.VIEW_ROLES, action="打印文书")
    with db.write() as s:
        case = _core.load_case(s, case_no, lock=True)
        _core.check_site(actor, case)
        now = _core.resolve_now(s, now)
        copies = s.scalar(select(func.count()).select_from(DocumentPrint).where(
            DocumentPrint.case_id == case.id, DocumentPrint.document == document)) or 0
        copy_no = copies + 1
        s.add(DocumentPrint(case_id=case.id, document=document, copy_no=copy_no, staff_id=actor.staff_id,
                            printed_at=now, target=target))
        _core.add_event(s, case, "printed", actor, note=document,
                        data={"document": document, "copy_no": copy_no, "target": target})
        return PrintRecord(case.case_no, document, copy_no, target)


def record_commitment_check(db: Database, actor: Actor, case_no: str, fulfilled: bool, note: str,
                            *, now: Optional[dt.datetime] = None) -> CaseSummary:
    """告知承诺 事后核查: the department records whether the applicant's commitment held (a finding needs a note)."""
    note = limit_text(note, 1000, "核查情况", required=True, allow_newlines=True)
    require(actor, *_core.DECIDE_ROLES, Role.MANAGER, Role.SUPERVISOR, action="告知承诺核查")
    with db.write() as s:
        case = _core.load_case(s, case_no, lock=True)
        _core.check_site(actor, case)
        if not case.commitment_signed:
            raise InvalidInput(f"办件 {case.case_no} 不是告知承诺办件。")
        now = _core.resolve_now(s, now)
        _core.add_event(s, case, "commitment_checked", actor, note=note, data={"fulfilled": bool(fulfilled), "at": now})
        return _core.summary(s, case)
