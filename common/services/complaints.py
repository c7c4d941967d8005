"""投诉与建议 (complaints and suggestions): filed by citizens at the kiosk, followed up by supervisors.

The kiosk form needs no typing: a category, where it happened (a window of the hall, or the hall as a whole), a few
common phrases picked as chips, and an optional mobile number for a call back. The complaint is linked where known
to the window, the clerk signed in there at that moment, the item and the case ("Complaints (投诉) linked to
window, clerk and case, with a category", DOMAIN.md).

Reference numbers are `TS-<yyyymmdd>-<4 characters>` (hall-local date, then a random code from an alphabet without
0/O/1/I/L): unique by the database's UNIQUE constraint, retried on the rare clash, and they do not reveal how many
complaints a hall receives. The citizen keeps the printed reference slip (`complaint_slip_layout`).

Supervisors (电子监察) and hall managers list complaints and follow them up (`list_complaints`, `follow_up`);
permissions are checked here. Every function is one transaction and returns plain dataclasses.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from typing import Optional, Sequence

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from common import clock
from common.db.engine import Database
from common.db.models import (
    Case,
    Complaint,
    Department,
    ServiceItem,
    Site,
    Staff,
    Window,
    WindowSession,
)
from common.domain import ComplaintStatus, Role, WindowKind
from common.errors import InvalidInput, NotFound, PermissionDenied
from common.printing.layout import Block, Columns, Rule, Text
from common.services import audit
from common.services.events import publish
from common.services.catalog import item_code_and_name
from common.services.permissions import Actor, require
from common.services.settings import get_setting
from common.validation import ValidationError, mask_mobile, validate_mobile

# Categories (source strings are Chinese; the kiosk translates them for display).
CATEGORIES: tuple[str, ...] = ("服务态度", "办事效率", "材料要求不一致", "环境设施", "廉洁自律", "意见建议", "其他")

# Common phrases per category: the citizen composes the text by picking chips (no typing at the kiosk).
PHRASES: dict[str, tuple[str, ...]] = {
    "服务态度": ("工作人员态度生硬", "不耐烦，不愿解释", "工作时间玩手机、聊天", "窗口无人", "推诿，让我找别的窗口"),
    "办事效率": ("等候时间太长", "办理速度慢", "跑了多次仍未办成", "超过承诺时限未办结", "开放的窗口太少"),
    "材料要求不一致": ("不同窗口要求的材料不一样", "现场要求与办事指南不一致", "没有一次性告知所需材料",
                      "要求提供指南以外的证明"),
    "环境设施": ("座位不够", "自助设备故障", "指引标识不清楚", "卫生需要改进", "缺少无障碍设施"),
    "廉洁自律": ("索要或暗示好处", "违规收费", "吃拿卡要"),
    "意见建议": ("希望增加窗口", "希望延长服务时间", "希望更多事项网上可办", "希望增加周末服务"),
    "其他": ("其他问题，请电话联系我",),
}
COMMON_PHRASES: tuple[str, ...] = ("希望尽快处理", "请回电话联系我", "希望改进")

REF_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
REF_CODE_LENGTH = 4
TEXT_MAX = 500
NOTE_MAX = 1000
SUPERVISE_ROLES = (Role.SUPERVISOR, Role.MANAGER)
REPLY_WORKING_DAYS = 5  # the promise printed on the slip when a phone number was left
_ATTEMPTS = 5


@dataclass(frozen=True)
class ComplaintInfo:
    id: int
    ref_no: str
    site_id: int
    category: str
    text: str
    phone: str  # the full number: only supervisors list complaints
    window_number: Optional[int]
    window_name: str
    staff_name: str  # the clerk signed in at the window when the complaint was made ("" if none)
    case_no: str
    item_code: str
    item_name: str
    status: str
    status_label: str
    created_at: dt.datetime
    follow_up: str
    handled_by: str
    handled_at: Optional[dt.datetime]

    @property
    def phone_masked(self) -> str:
        return mask_mobile(self.phone) if self.phone else ""


# ----------------------------------------------------------------------------------------------- helpers


def _tz(s: Session, site: Site) -> str:
    return site.timezone or get_setting(s, "timezone", site.id) or clock.DEFAULT_TZ


def _new_ref(day: dt.date) -> str:
    code = "".join(secrets.choice(REF_ALPHABET) for _ in range(REF_CODE_LENGTH))
    return f"TS-{day:%Y%m%d}-{code}"


def compose_text(phrases: Sequence[str], text: str = "") -> str:
    """The complaint text from picked phrases (in the order picked) and optional free text."""
    parts: list[str] = []
    for p in list(phrases) + [text]:
        p = " ".join(str(p or "").split())
        if p and p not in parts:
            parts.append(p)
    return "；".join(parts)


def _info(s: Session, c: Complaint) -> ComplaintInfo:
    window = s.get(Window, c.window_id) if c.window_id else None
    staff = s.get(Staff, c.staff_id) if c.staff_id else None
    case_no = s.scalar(select(Case.case_no).where(Case.id == c.case_id)) if c.case_id else None
    item_code, item_name = item_code_and_name(s, c.item_id)
    handler = s.get(Staff, c.handled_by_id) if c.handled_by_id else None
    status = ComplaintStatus(c.status)
    return ComplaintInfo(
        id=c.id, ref_no=c.ref_no, site_id=c.site_id, category=c.category, text=c.text, phone=c.phone or "",
        window_number=window.number if window else None, window_name=window.name if window else "",
        staff_name=staff.name if staff else "", case_no=case_no or "", item_code=item_code, item_name=item_name,
        status=status.value, status_label=status.label, created_at=c.created_at, follow_up=c.follow_up or "",
        handled_by=handler.name if handler else "", handled_at=c.handled_at,
    )


def _check_site(actor: Actor, site_id: int) -> None:
    """Supervisors and managers of a site see its complaints; a site-less actor (admin tools) sees every site."""
    if actor.site_id is None or actor.site_id == site_id or Role.ADMIN in actor.roles:
        return
    raise PermissionDenied(f"{actor.name}（{actor.staff_no}）不属于该服务中心，不能查看其投诉。")


# ----------------------------------------------------------------------------------------------- citizens


def list_complaint_windows(db: Database, site_id: int) -> list[tuple[int, str]]:
    """(number, what it does) of the site's active windows, for the kiosk's “which window?” step: the department's
    short name (市场监管), else the kind of window (综合窗口 / 出件窗口) — people remember the business, not the number."""
    with db.read() as s:
        rows = s.execute(
            select(Window.number, Window.kind, Department.short_name, Department.name)
            .outerjoin(Department, Department.id == Window.department_id)
            .where(Window.site_id == site_id, Window.active.is_(True))
            .order_by(Window.number)
        ).all()
        return [(int(n), short or dname or WindowKind(kind).label) for n, kind, short, dname in rows]


def submit_complaint(
    db: Database,
    site_id: int,
    *,
    category: str,
    phrases: Sequence[str] = (),
    text: str = "",
    window_number: Optional[int] = None,
    item_code: Optional[str] = None,
    case_no: Optional[str] = None,
    phone: str = "",
    device: str = "",
    now: Optional[dt.datetime] = None,
) -> ComplaintInfo:
    """File a complaint or suggestion (kiosk: no login). Raises InvalidInput / NotFound with a Chinese message."""
    category = (category or "").strip()
    if category not in CATEGORIES:
        raise InvalidInput(f"请选择投诉类别（{'、'.join(CATEGORIES)}）。")
    body = compose_text(phrases, text)
    if not body:
        raise InvalidInput("请至少选择一条投诉或建议的内容。")
    if len(body) > TEXT_MAX:
        raise InvalidInput(f"内容过长：最多 {TEXT_MAX} 个字，当前 {len(body)} 个字。")
    if phone:
        try:
            phone = validate_mobile(phone)
        except ValidationError as exc:
            raise InvalidInput(exc.message) from None
    now = (now or clock.utcnow()).astimezone(dt.timezone.utc)
    last: Exception | None = None
    for _attempt in range(_ATTEMPTS):
        try:
            return _insert(db, site_id, category, body, window_number, item_code, case_no, phone, device, now)
        except _RefTaken as exc:  # another kiosk drew the same code this very day: draw again
            last = exc
        except IntegrityError as exc:
            last = exc
    raise InvalidInput("暂时无法生成投诉编号，请稍后再试或联系工作人员。") from last


class _RefTaken(Exception):
    pass


def _insert(db: Database, site_id: int, category: str, body: str, window_number: Optional[int],
            item_code: Optional[str], case_no: Optional[str], phone: str, device: str,
            now: dt.datetime) -> ComplaintInfo:
    with db.write() as s:
        site = s.get(Site, site_id)
        if site is None:
            raise NotFound(f"找不到服务中心（编号 {site_id}）。")
        ref = _new_ref(clock.business_day(now, _tz(s, site)))
        if s.scalar(select(Complaint.id).where(Complaint.ref_no == ref)) is not None:
            raise _RefTaken(ref)
        window_id = staff_id = case_id = item_id = None
        if window_number is not None:
            window = s.scalar(select(Window).where(Window.site_id == site_id, Window.number == int(window_number)))
            if window is None:
                raise NotFound(f"本中心没有 {window_number} 号窗口，请重新选择。")
            window_id = window.id
            staff_id = s.scalar(
                select(WindowSession.staff_id)
                .where(WindowSession.window_id == window.id, WindowSession.ended_at.is_(None))
                .order_by(WindowSession.started_at.desc()).limit(1)
            )
        if item_code:
            item_id = s.scalar(select(ServiceItem.id).where(ServiceItem.code == item_code))
            if item_id is None:
                raise NotFound(f"找不到事项“{item_code}”。")
        if case_no:
            case_id = s.scalar(select(Case.id).where(Case.case_no == case_no.strip().upper()))
            if case_id is None:
                raise NotFound(f"找不到办件“{case_no}”。")
        c = Complaint(ref_no=ref, site_id=site_id, window_id=window_id, staff_id=staff_id, case_id=case_id,
                      item_id=item_id, category=category, text=body, phone=phone, status=ComplaintStatus.OPEN,
                      created_at=now, follow_up="")
        s.add(c)
        s.flush()
        audit.record(s, None, "complaint.submitted", "complaint", ref,
                     {"category": category, "window_id": window_id, "staff_id": staff_id, "device": device[:60]},
                     at=now)
        publish(s, "complaint.submitted", {"ref_no": ref, "category": category, "window_id": window_id}, site_id,
                at=now)
        return _info(s, c)


# ----------------------------------------------------------------------------------------------- supervisors


def list_complaints(
    db: Database,
    actor: Actor,
    site_id: Optional[int] = None,
    *,
    status: Optional[str] = None,
    category: Optional[str] = None,
    day_from: Optional[dt.date] = None,
    day_to: Optional[dt.date] = None,
    limit: int = 200,
) -> list[ComplaintInfo]:
    """Newest first. Supervisors and managers (admin holds every role); their own site unless site-less/admin."""
    require(actor, *SUPERVISE_ROLES, action="查看投诉与建议")
    site_id = site_id if site_id is not None else actor.site_id
    if site_id is None:
        raise InvalidInput("请指定服务中心。")
    _check_site(actor, site_id)
    if status is not None:
        try:
            status = ComplaintStatus(status).value
        except ValueError:
            raise InvalidInput(f"未知的处理状态：{status}。") from None
    with db.read() as s:
        site = s.get(Site, site_id)
        if site is None:
            raise NotFound(f"找不到服务中心（编号 {site_id}）。")
        q = select(Complaint).where(Complaint.site_id == site_id)
        if status is not None:
            q = q.where(Complaint.status == ComplaintStatus(status))
        if category:
            q = q.where(Complaint.category == category)
        tz = _tz(s, site)
        if day_from is not None:
            q = q.where(Complaint.created_at >= clock.day_bounds(day_from, tz)[0])
        if day_to is not None:
            q = q.where(Complaint.created_at < clock.day_bounds(day_to, tz)[1])
        rows = s.scalars(q.order_by(Complaint.created_at.desc(), Complaint.id.desc()).limit(max(1, limit))).all()
        return [_info(s, c) for c in rows]


def get_complaint(db: Database, actor: Actor, ref_no: str) -> ComplaintInfo:
    require(actor, *SUPERVISE_ROLES, action="查看投诉与建议")
    with db.read() as s:
        c = s.scalar(select(Complaint).where(Complaint.ref_no == (ref_no or "").strip().upper()))
        if c is None:
            raise NotFound(f"找不到投诉编号“{ref_no}”。")
        _check_site(actor, c.site_id)
        return _info(s, c)


def follow_up(
    db: Database,
    actor: Actor,
    ref_no: str,
    note: str,
    *,
    close: bool = False,
    now: Optional[dt.datetime] = None,
) -> ComplaintInfo:
    """Add a dated follow-up note (处理意见); the complaint becomes 处理中, or 已办结 with `close`."""
    require(actor, *SUPERVISE_ROLES, action="处理投诉与建议")
    note = " ".join((note or "").split())
    if not note:
        raise InvalidInput("请填写处理意见。")
    if len(note) > NOTE_MAX:
        raise InvalidInput(f"处理意见过长：最多 {NOTE_MAX} 个字，当前 {len(note)} 个字。")
    now = (now or clock.utcnow()).astimezone(dt.timezone.utc)
    with db.write() as s:
        c = s.scalar(select(Complaint).where(Complaint.ref_no == (ref_no or "").strip().upper()).with_for_update())
        if c is None:
            raise NotFound(f"找不到投诉编号“{ref_no}”。")
        _check_site(actor, c.site_id)
        if ComplaintStatus(c.status) == ComplaintStatus.CLOSED:
            raise InvalidInput(f"投诉 {c.ref_no} 已办结，不能再添加处理意见。")
        site = s.get(Site, c.site_id)
        stamp = clock.local(now, _tz(s, site)).strftime("%Y-%m-%d %H:%M")
        line = f"[{stamp}] {actor.name}：{note}"
        c.follow_up = f"{c.follow_up}\n{line}" if c.follow_up else line
        c.status = ComplaintStatus.CLOSED if close else ComplaintStatus.IN_PROGRESS
        c.handled_by_id = actor.staff_id
        c.handled_at = now
        s.flush()
        audit.record(s, actor, "complaint.closed" if close else "complaint.follow_up", "complaint", c.ref_no,
                     {"note": note}, at=now)
        return _info(s, c)


# ----------------------------------------------------------------------------------------------- the slip


def complaint_slip_layout(info: ComplaintInfo, hall_name: str, *, timezone: Optional[str] = None,
                          hotline: str = "12345") -> list[Block]:
    """THE reference slip (回执) the kiosk prints after a complaint: number, category, window, text, what happens next."""
    at = clock.local(info.created_at, timezone) if info.created_at.tzinfo else info.created_at
    blocks: list[Block] = [
        Text(hall_name, size="large", align="center", bold=True),
        Text("投诉与建议回执", size="large", align="center", bold=True),
        Rule(),
        Columns("受理编号", info.ref_no, bold=True),
        Columns("类别", info.category),
    ]
    if info.window_number is not None:
        blocks.append(Columns("涉及窗口", f"{info.window_number}号窗口"))
    blocks += [Columns("提交时间", at.strftime("%Y-%m-%d %H:%M")), Text(f"内容：{info.text}")]
    if info.phone:
        blocks += [Columns("联系电话", info.phone_masked),
                   Text(f"我们将在 {REPLY_WORKING_DAYS} 个工作日内核实处理，并电话告知结果。")]
    else:
        blocks.append(Text("您未留联系电话，我们会认真核实并改进工作。"))
    blocks += [Rule(), Text(f"凭受理编号可拨打 {hotline} 查询处理情况", align="center"),
               Text("感谢您的监督！", align="center", bold=True)]
    return blocks
