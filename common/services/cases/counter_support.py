"""What the counter's case screens need beyond the other case services (Qt-free, one transaction per call).

- `intake_preview`: the deadline a clerk's decision would give, shown on the 受理 screen BEFORE confirming
  (the same `compute_deadline` / `urgent_limit` rules the intake services apply, on the hall's working calendar).
- `find_cases`: the counter's case finder — a case number (or the QR payload scanned from a notice), part of a
  number, the applicant's name or ID number / 统一社会信用代码; with no query, today's cases of one window.

Permissions are checked here like everywhere in `common.services.cases`; results are frozen dataclasses.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Optional, Sequence

from sqlalchemy import or_, select

from common import clock
from common.db.engine import Database
from common.db.models import Case, ServiceItemVersion, Window
from common.domain import CaseStatus, CaseType
from common.errors import InvalidInput, NotFound
from common.printing.case_documents import cn_date
from common.services.cases import _core
from common.services.cases.deadlines import (
    STATUTORY_DEFAULT_DAYS,
    WARNING_LABELS,
    case_warning_in,
    compute_deadline,
    projected,
    urgent_limit,
)
from common.services.cases.intake import JointPart, _item_and_version, joint_departments, urgent_percent
from common.services.permissions import Actor, require

__all__ = ["CaseRow", "IntakePreview", "JointPreview", "find_cases", "intake_preview"]


# --------------------------------------------------------------------------------------------- preview


@dataclass(frozen=True)
class JointPreview:
    department_code: str
    department: str
    days: int
    deadline: dt.date


@dataclass(frozen=True)
class IntakePreview:
    case_type: str
    case_type_label: str
    today: dt.date  # the business day of acceptance
    days_limit: int  # working days (0: decided on the spot)
    deadline: Optional[dt.date]  # None: no clock (退办件, 补办件 until complete)
    statutory_deadline: Optional[dt.date]
    text: str  # one line for the clerk, e.g. "办结期限：2026年3月16日（承诺 10 个工作日）"
    joint: list[JointPreview] = field(default_factory=list)


def _site_for(s, actor: Actor, window_id: Optional[int]) -> int:
    if window_id is not None:
        site_id = s.scalar(select(Window.site_id).where(Window.id == window_id))
        if site_id is None:
            raise NotFound(f"找不到窗口（编号 {window_id}）。")
        return site_id
    if actor.site_id is not None:
        return actor.site_id
    from common.db.models import Site

    site_id = s.scalar(select(Site.id).order_by(Site.id).limit(1))
    if site_id is None:
        raise InvalidInput("尚未设置服务中心。")
    return site_id


def intake_preview(
    db: Database,
    actor: Actor,
    item_code: str,
    case_type: CaseType | str,
    *,
    urgent_days: Optional[int] = None,
    joint_parts: Sequence[JointPart] = (),
    window_id: Optional[int] = None,
    now: Optional[dt.datetime] = None,
) -> IntakePreview:
    """The deadline the intake would set if confirmed now (InvalidInput for days out of range)."""
    require(actor, *_core.INTAKE_ROLES, action="受理办件")
    try:
        ctype = CaseType(case_type)
    except ValueError:
        raise InvalidInput("请选择办件类型。") from None
    with db.read() as s:
        item, version = _item_and_version(s, item_code)
        now = _core.resolve_now(s, now)
        site = _core.site_ctx(s, _site_for(s, actor, window_id))
        today = site.day(now)
        cal = site.calendar
        limit = version.promised_days or version.statutory_days or STATUTORY_DEFAULT_DAYS
        statutory = version.statutory_days or 0

        def stat() -> Optional[dt.date]:
            return compute_deadline(cal, today, statutory) if statutory > 0 else None

        label = ctype.label
        if ctype == CaseType.IMMEDIATE:
            return IntakePreview(ctype.value, label, today, 0, today, None, f"当场办结（{cn_date(today)}）")
        if ctype == CaseType.REJECTED:
            return IntakePreview(ctype.value, label, today, 0, None, None, "不予受理：出具不予受理告知书，不计办理时限")
        if ctype == CaseType.CORRECTION:
            return IntakePreview(ctype.value, label, today, limit, None, None,
                                 f"材料补齐之日起计时：承诺 {limit} 个工作日（今日补齐则 "
                                 f"{cn_date(compute_deadline(cal, today, limit))} 前办结）")
        if ctype == CaseType.URGENT:
            days = urgent_limit(limit, urgent_days, urgent_percent(s, site.id))
            deadline = compute_deadline(cal, today, days)
            return IntakePreview(ctype.value, label, today, days, deadline, stat(),
                                 f"办结期限：{cn_date(deadline)}（特办 {days} 个工作日，正常 {limit} 个工作日）")
        deadline = compute_deadline(cal, today, limit)
        joint: list[JointPreview] = []
        if ctype == CaseType.JOINT:
            joint = [JointPreview(dept.code, dept.name, days, compute_deadline(cal, today, days))
                     for dept, days in joint_departments(s, item.department_id, joint_parts, limit)]
        word = "上报跟踪" if ctype == CaseType.ESCALATED else "承诺"
        return IntakePreview(ctype.value, label, today, limit, deadline, stat(),
                             f"办结期限：{cn_date(deadline)}（{word} {limit} 个工作日）", joint)


# --------------------------------------------------------------------------------------------- finder


@dataclass(frozen=True)
class CaseRow:
    case_no: str
    item_name: str
    case_type: str
    case_type_label: str
    status: str
    status_label: str
    urgent: bool
    applicant_name: str
    accepted_day: Optional[dt.date]
    deadline: Optional[dt.date]
    warning: str
    warning_label: str
    created_at: dt.datetime


def find_cases(
    db: Database,
    actor: Actor,
    query: str = "",
    *,
    window_id: Optional[int] = None,
    limit: int = 50,
    now: Optional[dt.datetime] = None,
) -> list[CaseRow]:
    """Cases matching `query` (newest first); with an empty query, today's cases accepted at `window_id`."""
    require(actor, *_core.VIEW_ROLES, action="查询办件")
    q = (query or "").strip()
    if q.startswith("GH1|"):
        from common.services.cases.lookup import parse_case_qr

        q = parse_case_qr(q)[0]
    if len(q) > 200:
        raise InvalidInput("查询内容过长。")
    with db.read() as s:
        now = _core.resolve_now(s, now)
        stmt = select(Case, ServiceItemVersion.name).join(ServiceItemVersion,
                                                           ServiceItemVersion.id == Case.item_version_id)
        if q:
            upper = q.upper()
            conds = [Case.case_no == q, Case.applicant_id_no == upper, Case.applicant_name == q]
            if len(q) >= 2:
                conds.append(Case.applicant_name.like(f"{q}%"))
            if len(q) >= 4:
                conds.append(Case.case_no.like(f"%{q}%"))
            stmt = stmt.where(or_(*conds))
        else:
            if window_id is None:
                return []
            site_id = s.scalar(select(Window.site_id).where(Window.id == window_id))
            if site_id is None:
                raise NotFound(f"找不到窗口（编号 {window_id}）。")
            site = _core.site_ctx(s, site_id)
            start, end = clock.day_bounds(site.day(now), site.tz)
            stmt = stmt.where(Case.accepting_window_id == window_id, Case.created_at >= start, Case.created_at < end)
        if actor.site_id is not None and not actor.has(*_core.SUPERVISE_ROLES):
            stmt = stmt.where(Case.site_id == actor.site_id)
        stmt = stmt.order_by(Case.id.desc()).limit(max(1, min(int(limit), 200)))
        sites: dict[int, _core.SiteCtx] = {}
        out: list[CaseRow] = []
        for case, item_name in s.execute(stmt).all():
            site = sites.get(case.site_id) or sites.setdefault(case.site_id, _core.site_ctx(s, case.site_id))
            level = case_warning_in(s, case, site, now)
            deadline, _ = projected(s, case, site, now)
            status, ctype = CaseStatus(case.status), CaseType(case.case_type)
            out.append(CaseRow(case.case_no, item_name, ctype.value, ctype.label, status.value, status.label,
                               bool(case.urgent), case.applicant_name, case.accepted_day, deadline, level,
                               WARNING_LABELS[level], case.created_at))
        return out
