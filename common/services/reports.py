"""运行报表: the hall's daily / weekly / monthly report (日巡查、周统计、月通报, 000).

`hall_report(db, actor, site_id, day_from, day_to)` computes every figure from the append-only event tables
(ticket_event, case_event, rating) plus the attendance records, never from counters that could drift:

- overview: tickets issued / served / no-show, no-show rate, average and p90 wait (issued → first call) and
  service (started → finished) minutes, service level (% called within the queue's target wait), cases by the
  seven handling types, 即办件占比, 现场办结率, 按时办结率, overdue open cases, rating rate, 满意率, complaints;
- tables by window, clerk, department, queue and item (top N), per hour and per day;
- warnings (督办事项): 缺岗, 只进人不办事, 即办即录 not done, 群众两头跑, 体外循环, 超期未办结, and the windows that
  owe a written explanation for missed ratings or satisfaction under 100% (001).

Definitions (口径) are listed in `NOTES` and printed with every export, so a figure can always be re-derived:

- A ticket belongs to the business day it was issued on. Wait = issue (an appointment: check-in or its booked
  slot, whichever is later) → first call; walk-direct tickets (窗口直接办理) have no wait. Service = the last
  start (or call, when finished straight from the call) → finish. p90 is the nearest-rank 90th percentile.
- 过号率 = tickets whose final outcome is 过号 / (served + 过号).
- A case belongs to the period of its intake event (受理/不予受理/一次性告知/上报). Its type is the intake
  decision: a 补办件 stays a 补办件 here even after its materials came in and it turned into a 承诺件 (counted
  as 补齐转承诺). Event times are the service's business time (`data.at`, which is the database clock unless a
  caller injected one), else `case_event.at`.
- 即办件占比 = 即办件 / all cases taken in (seven types). 现场办结率 = 即办件 decided at the accepting window
  during the same visit (before its ticket was finished, + 15 min grace; without a ticket: the same day) / all
  cases taken in — a 即办件 entered afterwards (即办即录 not done) is not 现场办结. 按时办结率 = cases decided (即办办结、准予、不予批准) in the period on or
  before their deadline / cases decided in the period.
- 办结率 (办件率, 002) = cases accepted in the period (not 退办件, not a 补办件 still waiting) decided by the
  as-of instant / cases accepted in the period.
- 评价率 = rated / max(tickets served, rated + skipped) (as `ratings.rating_stats`); 满意率 = (非常满意 + 满意 +
  基本满意) / rated.
"""

from __future__ import annotations

import calendar as _calendar
import datetime as dt
import math
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from typing import Any, Iterable, Optional

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from common import clock
from common.db.engine import Database
from common.db.models import (
    Appointment,
    Case,
    CaseEvent,
    Complaint,
    Department,
    Queue,
    Rating,
    ServiceItem,
    ServiceItemVersion,
    Site,
    Staff,
    Ticket,
    TicketEvent,
    Window,
    WindowBreak,
    WindowQueue,
    WindowSession,
)
from common.domain import CaseStatus, CaseType, ComplaintStatus, ItemStatus, RatingLevel, Role, WindowKind, window_title
from common.domain import TicketEventKind as K
from common.errors import InvalidInput, NotFound
from common.services.cases.lookup import mask_name
from common.services.permissions import Actor, require
from common.validation import mask_id_number

REPORT_ROLES: tuple[Role, ...] = (Role.MANAGER, Role.SUPERVISOR)

INTAKE_KINDS = ("accepted", "rejected", "correction_requested", "escalated")
DECIDED_KINDS = ("completed", "approved", "denied")
OPEN_STATUSES = (CaseStatus.ACCEPTED, CaseStatus.IN_REVIEW, CaseStatus.ESCALATED, CaseStatus.CLOCK_STOPPED)
CASE_TYPES: tuple[CaseType, ...] = tuple(CaseType)  # 七类, in their usual order

TOP_ITEMS = 10
UNSTAFFED_MIN_MINUTES = 10  # a ticket waited at least this long with nobody at any window serving its queue
OUTSIDE_LOOP_MIN_DAYS = 7  # 体外循环 is judged over a week or longer (a quiet item is no sign within one day)
REPEAT_MIN_VISITS = 2  # 群众两头跑: the same applicant came this many times for the same item
SAME_VISIT_GRACE = dt.timedelta(minutes=15)  # 现场办结: entry finished up to this long after the ticket

WARNING_LABELS: dict[str, str] = {
    "unstaffed": "缺岗",
    "idle_window": "只进人不办事",
    "batch_entry": "即办即录未落实",
    "repeat_visits": "群众两头跑",
    "outside_loop": "体外循环",
    "overdue": "超期未办结",
    "explanation": "须书面说明",
}

NOTES: list[str] = [
    "数据来源：叫号事件（ticket_event）、办件事件（case_event）、好差评记录（rating）及签到考勤记录，不取任何累计计数器。",
    "排队号按取号当日计入；等候时长＝取号（预约号为签到或预约时段开始，取较晚者）至首次叫号，窗口直接办理不计等候；"
    "办理时长＝最后一次开始办理（未点开始则为叫号）至办结；P90 为第 90 百分位（最近秩法）。",
    "服务达标率＝等候时长不超过本队列目标等候时间的已叫号数 ÷ 已叫号数；过号率＝过号 ÷（办结＋过号）。",
    "办件按受理登记（受理、不予受理、出具一次性告知书、上报）时间计入本期，类型取登记时的决定；补办件补齐后转为承诺件另计“补齐转承诺”。",
    "即办件占比＝即办件 ÷ 本期办件总量（七类合计）；现场办结率＝在受理窗口当场（该号办结前，无号的为当日）办结的即办件 "
    "÷ 本期办件总量，事后补录的即办件不计入现场办结。",
    "按时办结率＝本期办结（即办办结、准予许可、不予许可）中不晚于办理期限的件数 ÷ 本期办结件数；超期未办结按统计截止时计。",
    "办结率（办件率）＝本期受理的办件（不含退办件和尚未补齐材料的补办件）中截至统计时已办结的件数 ÷ 本期受理件数。",
    "评价率＝评价数 ÷ max（办结号数，评价数＋未评价数）；群众满意率＝（非常满意＋满意＋基本满意）÷ 评价数。"
    "出现漏评或满意率低于 100% 的窗口须作出书面说明。",
    f"缺岗：号码等候期间累计 {UNSTAFFED_MIN_MINUTES} 分钟以上没有任何服务该队列的窗口有人签到在岗（暂停服务不算在岗）。",
    f"群众两头跑：同一申请人（证件号）本期为同一事项登记办件 {REPEAT_MIN_VISITS} 次及以上（按不同来访计）。",
    f"体外循环：统计期不少于 {OUTSIDE_LOOP_MIN_DAYS} 天时，进驻大厅（有窗口受理其队列）的部门事项本期全部零办件。",
]


# --------------------------------------------------------------------------------------------- periods


@dataclass(frozen=True)
class Period:
    kind: str  # day / week / month / custom
    day_from: dt.date
    day_to: dt.date
    label: str  # 2026年11月 / 2026年11月23日 / 2026年第48周（11月23日—11月29日）
    title_word: str  # 运行日报 / 运行周报 / 运行月报 / 运行报表

    @property
    def days(self) -> int:
        return (self.day_to - self.day_from).days + 1


def _cn_date(d: dt.date, *, year: bool = True) -> str:
    return f"{d.year}年{d.month}月{d.day}日" if year else f"{d.month}月{d.day}日"


def day_period(d: dt.date) -> Period:
    return Period("day", d, d, _cn_date(d), "运行日报")


def week_period(d: dt.date) -> Period:
    """The Monday–Sunday week containing `d` (ISO week number in the label)."""
    monday = d - dt.timedelta(days=d.weekday())
    sunday = monday + dt.timedelta(days=6)
    year, week, _ = monday.isocalendar()
    return Period("week", monday, sunday,
                  f"{year}年第{week}周（{_cn_date(monday, year=False)}—{_cn_date(sunday, year=False)}）", "运行周报")


def month_period(d: dt.date) -> Period:
    first = d.replace(day=1)
    last = d.replace(day=_calendar.monthrange(d.year, d.month)[1])
    return Period("month", first, last, f"{d.year}年{d.month}月", "运行月报")


def period_for(day_from: dt.date, day_to: dt.date) -> Period:
    """The period a date range is: a day, a Monday–Sunday week, a calendar month, or a custom range."""
    if day_to < day_from:
        raise InvalidInput("统计的结束日期不能早于开始日期。")
    for make in (day_period, week_period, month_period):
        p = make(day_from)
        if p.day_from == day_from and p.day_to == day_to:
            return p
    same_year = day_from.year == day_to.year
    return Period("custom", day_from, day_to,
                  f"{_cn_date(day_from)}—{_cn_date(day_to, year=not same_year)}", "运行报表")


# --------------------------------------------------------------------------------------------- results


@dataclass(frozen=True)
class Overview:
    tickets_issued: int
    tickets_served: int
    tickets_no_show: int
    tickets_unserved: int  # expired at day end, cancelled, or still waiting
    tickets_walk_direct: int
    tickets_called: int  # called at least once (wait measured), walk-direct excluded
    no_show_rate: Optional[float]
    wait_avg_min: Optional[float]
    wait_p90_min: Optional[float]
    service_avg_min: Optional[float]
    service_p90_min: Optional[float]
    service_level: Optional[float]
    cases_total: int
    cases_by_type: dict[str, int]  # CaseType value -> count, all seven
    immediate_share: Optional[float]  # 即办件占比
    onsite_finished: int
    onsite_rate: Optional[float]  # 现场办结率
    corrections_converted: int  # 补齐转承诺
    cases_accepted: int  # taken in and accepted (not 退办件, not a 补办件 still waiting for materials)
    accepted_finished: int  # … of which decided by the as-of instant
    finish_rate: Optional[float]  # 办结率（办件率, 002: “办件率为99%”）
    cases_finished: int
    cases_finished_on_time: int
    on_time_rate: Optional[float]  # 按时办结率
    overdue_open: int
    ratings_rated: int
    ratings_skipped: int
    ratings_missed: int
    rating_rate: Optional[float]
    satisfaction: Optional[float]  # 群众满意率
    ratings_by_level: dict[int, int]
    complaints: int
    complaints_open: int
    windows_staffed: int
    staff_on_duty: int


@dataclass(frozen=True)
class WindowRow:
    window_id: int
    number: int
    name: str
    kind: str  # label: 综合窗口 / 部门窗口 / 出件窗口
    department: str
    department_short: str  # 市场监管 (the department's short name), else the window kind
    staff: list[str]
    hours_on_duty: float
    called: int
    served: int
    no_show_events: int
    service_avg_min: Optional[float]
    cases: int
    immediate: int
    rated: int
    skipped: int
    missed: int
    rating_rate: Optional[float]
    satisfaction: Optional[float]
    complaints: int
    owes_explanation: bool
    explanation_reasons: list[str]


@dataclass(frozen=True)
class ClerkRow:
    staff_id: int
    staff_no: str
    name: str
    department: str
    windows: list[int]
    hours_on_duty: float
    served: int
    service_avg_min: Optional[float]
    cases: int
    immediate: int
    rated: int
    missed: int
    rating_rate: Optional[float]
    satisfaction: Optional[float]
    complaints: int


@dataclass(frozen=True)
class DepartmentRow:
    department_id: int
    code: str
    name: str
    windows: int
    items_in_hall: int
    cases: int
    by_type: dict[str, int]
    immediate_share: Optional[float]
    finished: int
    on_time_rate: Optional[float]
    overdue_open: int
    rated: int
    satisfaction: Optional[float]
    complaints: int


@dataclass(frozen=True)
class QueueRow:
    queue_id: int
    prefix: str
    name: str
    target_wait_minutes: int
    issued: int
    served: int
    no_show: int
    no_show_rate: Optional[float]
    wait_avg_min: Optional[float]
    wait_p90_min: Optional[float]
    service_level: Optional[float]
    service_avg_min: Optional[float]


@dataclass(frozen=True)
class ItemRow:
    item_id: int
    code: str
    name: str
    department: str
    cases: int
    immediate: int
    finished: int
    on_time_rate: Optional[float]
    repeat_applicants: int


@dataclass(frozen=True)
class HourRow:
    hour: int
    issued: int
    served: int


@dataclass(frozen=True)
class DayRow:
    day: dt.date
    issued: int
    served: int
    no_show: int
    cases: int
    immediate: int
    finished: int
    on_time: int
    rated: int
    satisfaction: Optional[float]


@dataclass(frozen=True)
class UnstaffedRow:
    day: dt.date
    queue_id: int
    prefix: str
    queue: str
    tickets: int  # tickets that waited UNSTAFFED_MIN_MINUTES or more with nobody at a serving window
    longest_minutes: int
    first_at: dt.datetime
    last_at: dt.datetime
    live: bool = False  # from the live check (`attendance.unstaffed_queues`) during today


@dataclass(frozen=True)
class IdleRow:
    day: dt.date
    window_id: int
    window: str
    staff: list[str]
    minutes_signed_in: int


@dataclass(frozen=True)
class BatchRow:
    case_no: str
    item: str
    staff_no: str
    staff: str
    entered_at: dt.datetime
    served_at: Optional[dt.datetime]
    lag_hours: Optional[float]
    reasons: list[str]


@dataclass(frozen=True)
class RepeatRow:
    applicant: str  # masked name
    id_no: str  # masked
    item_code: str
    item: str
    department: str
    visits: int
    case_nos: list[str]
    types: list[str]  # labels, in visit order


@dataclass(frozen=True)
class OutsideLoopRow:
    department_id: int
    department: str
    items_in_hall: int
    items_without_cases: int
    items: list[str]  # names of the in-hall items with no case in the period
    flagged: bool  # every in-hall item of the department had no case (体外循环)


@dataclass(frozen=True)
class ExplanationRow:
    window_id: int
    window: str
    staff: list[str]
    served: int
    rated: int
    missed: int
    satisfaction: Optional[float]
    reasons: list[str]


@dataclass(frozen=True)
class OverdueRow:
    case_no: str
    item: str
    department: str
    case_type: str  # label
    accepted_day: Optional[dt.date]
    deadline: dt.date
    overdue_working_days: int
    window: str


@dataclass(frozen=True)
class ComplaintRow:
    ref_no: str
    created_at: dt.datetime
    category: str
    window: str
    staff: str
    status: str  # label
    text: str


@dataclass(frozen=True)
class ReportWarning:
    kind: str  # key of WARNING_LABELS
    label: str
    subject: str
    detail: str
    day: Optional[dt.date] = None


@dataclass(frozen=True)
class HallReport:
    site_id: int
    site_code: str
    hall_name: str
    title: str
    period: Period
    generated_at: dt.datetime
    as_of: dt.datetime  # figures such as 超期未办结 are as of this instant (period end, or now)
    timezone: str
    overview: Overview
    windows: list[WindowRow]
    clerks: list[ClerkRow]
    departments: list[DepartmentRow]
    queues: list[QueueRow]
    items: list[ItemRow]
    hourly: list[HourRow]
    daily: list[DayRow]
    unstaffed: list[UnstaffedRow]
    idle_windows: list[IdleRow]
    batch_entries: list[BatchRow]
    repeat_visits: list[RepeatRow]
    outside_loop: list[OutsideLoopRow]
    outside_loop_checked: bool
    explanations: list[ExplanationRow]
    overdue: list[OverdueRow]
    complaints: list[ComplaintRow]
    warnings: list[ReportWarning]
    notes: list[str] = field(default_factory=lambda: list(NOTES))

    def warnings_of(self, kind: str) -> list[ReportWarning]:
        return [w for w in self.warnings if w.kind == kind]

    def to_dict(self) -> dict[str, Any]:
        """Plain data (dates as ISO strings) for --json and scripts."""
        return _jsonable(asdict(self))


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, float):
        return round(value, 6)
    return value


# --------------------------------------------------------------------------------------------- small helpers


def _rate(n: int | float, d: int | float) -> Optional[float]:
    return n / d if d else None


def _avg(values: list[float]) -> Optional[float]:
    return sum(values) / len(values) if values else None


def p90(values: Iterable[float]) -> Optional[float]:
    """Nearest-rank 90th percentile: the ⌈0.9·n⌉-th smallest value."""
    xs = sorted(values)
    if not xs:
        return None
    return xs[max(1, math.ceil(0.9 * len(xs))) - 1]


def _minutes(a: dt.datetime, b: dt.datetime) -> float:
    return (b - a).total_seconds() / 60.0


def _as_utc(value: Any) -> Optional[dt.datetime]:
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)
    if isinstance(value, str):
        try:
            parsed = dt.datetime.fromisoformat(value)
        except ValueError:
            return None
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.timezone.utc)
    return None


def _case_event_time(ev: Any) -> dt.datetime:
    """The business time of a case event: the service's `now` recorded in `data.at`, else the row's clock."""
    data = ev.data if isinstance(ev.data, dict) else None
    if data is not None:
        t = _as_utc(data.get("at"))
        if t is not None:
            return t
    return ev.at


def _window_label(w: Window) -> str:
    return window_title(w.number, w.name)


def _merge(intervals: list[tuple[dt.datetime, dt.datetime]]) -> list[tuple[dt.datetime, dt.datetime]]:
    out: list[list[dt.datetime]] = []
    for a, b in sorted(i for i in intervals if i[1] > i[0]):
        if out and a <= out[-1][1]:
            out[-1][1] = max(out[-1][1], b)
        else:
            out.append([a, b])
    return [(a, b) for a, b in out]


def _subtract(span: tuple[dt.datetime, dt.datetime],
              covered: list[tuple[dt.datetime, dt.datetime]]) -> list[tuple[dt.datetime, dt.datetime]]:
    """The parts of `span` not covered by the (merged, sorted) intervals."""
    a, b = span
    gaps = []
    cur = a
    for c0, c1 in covered:
        if c1 <= cur:
            continue
        if c0 >= b:
            break
        if c0 > cur:
            gaps.append((cur, min(c0, b)))
        cur = max(cur, c1)
        if cur >= b:
            break
    if cur < b:
        gaps.append((cur, b))
    return gaps


# --------------------------------------------------------------------------------------------- the report


@dataclass
class _TicketFacts:
    id: int
    day: dt.date
    queue_id: int  # origin queue
    walk_direct: bool
    issued_at: Optional[dt.datetime]
    wait_start: Optional[dt.datetime]
    first_called_at: Optional[dt.datetime]
    wait_min: Optional[float]
    outcome: str  # served / no_show / expired / cancelled / open
    ended_at: Optional[dt.datetime]
    finished_window: Optional[int] = None
    finished_staff: Optional[int] = None
    finished_at: Optional[dt.datetime] = None
    service_min: Optional[float] = None


@dataclass
class _CaseFacts:
    case: Any  # the Case row
    intake_at: Optional[dt.datetime] = None
    intake_window: Optional[int] = None
    intake_staff: Optional[int] = None
    ctype: Optional[CaseType] = None
    decided_at: Optional[dt.datetime] = None
    decided_kind: str = ""
    decided_window: Optional[int] = None
    converted_at: Optional[dt.datetime] = None
    withdrawn_at: Optional[dt.datetime] = None


def hall_report(
    db: Database,
    actor: Actor,
    site_id: int,
    day_from: dt.date,
    day_to: dt.date,
    *,
    now: Optional[dt.datetime] = None,
    top_items: int = TOP_ITEMS,
) -> HallReport:
    """The hall's report over business days [day_from, day_to] (hall-local dates). Manager or supervisor only."""
    require(actor, *REPORT_ROLES, action="查看运行报表")
    period = period_for(day_from, day_to)
    now = clock.utcnow() if now is None else now.astimezone(dt.timezone.utc)
    with db.read() as s:
        site = s.get(Site, site_id)
        if site is None:
            raise NotFound(f"找不到服务中心（编号 {site_id}）。")
        from common.services.cases._core import hall_name as _hall_name, site_ctx

        ctx = site_ctx(s, site_id)
        tz = ctx.tz
        hall = _hall_name(s, site_id)
        start, _ = clock.day_bounds(day_from, tz)
        _, end = clock.day_bounds(day_to, tz)
        as_of = min(end, now)
        loader = _Loader(s, site_id, tz, day_from, day_to, start, end, as_of)
        data = loader.load()
    # Reports built on other services open their own transactions (read-only).
    idle = _idle_windows(db, site_id, sorted(data["session_days"]), now, data["windows"])
    batch = _batch_entries(db, actor, site_id, day_from, day_to)
    live = _live_unstaffed(db, site_id, now, tz, day_from, day_to)
    return _Builder(data, period, ctx, hall, site, now, as_of, start, end, top_items).build(idle, batch, live)


# --------------------------------------------------------------------------------------------- loading


class _Loader:
    def __init__(self, s: Session, site_id: int, tz: str, day_from: dt.date, day_to: dt.date,
                 start: dt.datetime, end: dt.datetime, as_of: dt.datetime):
        self.s, self.site_id, self.tz = s, site_id, tz
        self.day_from, self.day_to, self.start, self.end, self.as_of = day_from, day_to, start, end, as_of

    def load(self) -> dict[str, Any]:
        s = self.s
        out: dict[str, Any] = {}
        out["windows"] = {w.id: w for w in s.scalars(select(Window).where(Window.site_id == self.site_id))}
        out["queues"] = {q.id: q for q in s.scalars(select(Queue).where(Queue.site_id == self.site_id))}
        wq = s.execute(select(WindowQueue.window_id, WindowQueue.queue_id)
                       .join(Window, Window.id == WindowQueue.window_id)
                       .where(Window.site_id == self.site_id)).all()
        out["window_queues"] = [(w, q) for w, q in wq]
        out["departments"] = {d.id: d for d in s.scalars(select(Department))}

        # tickets of the period and their events
        which = (Ticket.site_id == self.site_id, Ticket.business_day >= self.day_from,
                 Ticket.business_day <= self.day_to)
        tickets = s.execute(select(Ticket.id, Ticket.business_day, Ticket.origin_queue_id, Ticket.walk_direct,
                                   Ticket.appointment_id).where(*which)).all()
        out["tickets"] = tickets
        events: dict[int, list[Any]] = defaultdict(list)
        if tickets:
            ids = select(Ticket.id).where(*which).scalar_subquery()
            for ev in s.execute(
                select(TicketEvent.ticket_id, TicketEvent.id, TicketEvent.kind, TicketEvent.at,
                       TicketEvent.window_id, TicketEvent.staff_id, TicketEvent.queue_id, TicketEvent.data)
                .where(TicketEvent.ticket_id.in_(ids))
                .order_by(TicketEvent.ticket_id, TicketEvent.id)
            ):
                events[ev.ticket_id].append(ev)
        out["ticket_events"] = events
        appt_ids = {t.appointment_id for t in tickets if t.appointment_id}
        slots: dict[int, dt.datetime] = {}
        if appt_ids:
            for a in s.execute(select(Appointment.id, Appointment.day, Appointment.slot_start)
                               .where(Appointment.id.in_(appt_ids))):
                slots[a.id] = dt.datetime.combine(a.day, a.slot_start, clock.zone(self.tz)).astimezone(dt.timezone.utc)
        out["appointment_slots"] = slots

        # attendance
        sessions = s.scalars(
            select(WindowSession).join(Window, Window.id == WindowSession.window_id)
            .where(Window.site_id == self.site_id, WindowSession.business_day >= self.day_from,
                   WindowSession.business_day <= self.day_to)
            .order_by(WindowSession.started_at, WindowSession.id)
        ).all()
        out["sessions"] = sessions
        breaks: dict[int, list[WindowBreak]] = defaultdict(list)
        if sessions:
            for b in s.scalars(select(WindowBreak).where(WindowBreak.session_id.in_([x.id for x in sessions]))
                               .order_by(WindowBreak.started_at)):
                breaks[b.session_id].append(b)
        out["breaks"] = breaks
        out["session_days"] = {x.business_day for x in sessions}

        # cases: those of the period (intake, decision) and those overdue and still open at the as-of instant
        as_of_day = clock.business_day(self.as_of, self.tz)
        period_cond = or_(
            and_(Case.accepted_day >= self.day_from, Case.accepted_day <= self.day_to),
            and_(Case.finished_at >= self.start, Case.finished_at < self.end),
            and_(Case.created_at >= self.start, Case.created_at < self.end),  # database clock = entry time
            Case.status == CaseStatus.AWAITING_MATERIALS,  # 补办件 waiting: entered whenever, kept small
        )
        overdue_cond = and_(
            Case.deadline.is_not(None), Case.deadline < as_of_day,
            or_(Case.finished_at.is_(None), Case.finished_at >= self.as_of),
            Case.status.not_in((CaseStatus.REJECTED, CaseStatus.WITHDRAWN)),
        )
        cases = s.scalars(select(Case).where(Case.site_id == self.site_id, or_(period_cond, overdue_cond))).all()
        out["cases"] = cases
        case_events: dict[int, list[Any]] = defaultdict(list)
        if cases:
            case_ids = [c.id for c in cases]
            for i in range(0, len(case_ids), 900):
                for ev in s.execute(
                    select(CaseEvent.case_id, CaseEvent.id, CaseEvent.kind, CaseEvent.at, CaseEvent.staff_id,
                           CaseEvent.window_id, CaseEvent.data)
                    .where(CaseEvent.case_id.in_(case_ids[i:i + 900]))
                    .order_by(CaseEvent.case_id, CaseEvent.id)
                ):
                    case_events[ev.case_id].append(ev)
        out["case_events"] = case_events

        # ratings and complaints
        ratings = s.scalars(
            select(Rating).join(Window, Window.id == Rating.window_id)
            .where(Window.site_id == self.site_id, Rating.business_day >= self.day_from,
                   Rating.business_day <= self.day_to)
        ).all()
        out["ratings"] = ratings
        rating_case_ids = {r.case_id for r in ratings if r.case_id} - {c.id for c in cases}
        out["rating_case_departments"] = dict(
            s.execute(select(Case.id, Case.department_id).where(Case.id.in_(rating_case_ids))).all()
        ) if rating_case_ids else {}
        out["complaints"] = s.scalars(
            select(Complaint).where(Complaint.site_id == self.site_id, Complaint.created_at >= self.start,
                                    Complaint.created_at < self.end).order_by(Complaint.created_at)
        ).all()

        # items: in the hall (their queue is served by one of its active windows) and those with cases
        served_queues = {q for w, q in out["window_queues"] if out["windows"][w].active}
        hall_items = s.execute(
            select(ServiceItem.id, ServiceItem.code, ServiceItem.department_id, ServiceItem.queue_id,
                   ServiceItemVersion.name)
            .join(ServiceItemVersion, ServiceItemVersion.id == ServiceItem.current_version_id, isouter=True)
            .where(ServiceItem.status == ItemStatus.IN_FORCE, ServiceItem.queue_id.in_(served_queues or {-1}))
        ).all()
        out["hall_items"] = hall_items
        case_item_ids = {c.item_id for c in cases}
        out["items"] = {r.id: (r.code, r.name or r.code, r.department_id) for r in hall_items}
        missing = case_item_ids - set(out["items"])
        if missing:
            for r in s.execute(
                select(ServiceItem.id, ServiceItem.code, ServiceItem.department_id, ServiceItemVersion.name)
                .join(ServiceItemVersion, ServiceItemVersion.id == ServiceItem.current_version_id, isouter=True)
                .where(ServiceItem.id.in_(missing))
            ):
                out["items"][r.id] = (r.code, r.name or r.code, r.department_id)
        # case version names (the name the applicant saw)
        version_ids = {c.item_version_id for c in cases}
        out["version_names"] = dict(
            s.execute(select(ServiceItemVersion.id, ServiceItemVersion.name)
                      .where(ServiceItemVersion.id.in_(version_ids))).all()
        ) if version_ids else {}

        # staff who appear anywhere
        staff_ids: set[int] = {x.staff_id for x in sessions}
        for evs in events.values():
            staff_ids.update(e.staff_id for e in evs if e.staff_id)
        for evs in case_events.values():
            staff_ids.update(e.staff_id for e in evs if e.staff_id)
        staff_ids.update(r.staff_id for r in ratings if r.staff_id)
        staff_ids.update(c.staff_id for c in out["complaints"] if c.staff_id)
        staff_ids.update(c.accepting_staff_id for c in cases if c.accepting_staff_id)
        out["staff"] = {st.id: st for st in s.scalars(select(Staff).where(Staff.id.in_(staff_ids)))} if staff_ids else {}
        return out


def _idle_windows(db: Database, site_id: int, days: list[dt.date], now: dt.datetime,
                  windows: dict[int, Window]) -> list[IdleRow]:
    from common.services.attendance import idle_windows

    rows: list[IdleRow] = []
    for day in days:
        for w in idle_windows(db, site_id, day, now=now):
            label = _window_label(windows[w.window_id]) if w.window_id in windows else w.window
            rows.append(IdleRow(day, w.window_id, label, list(w.staff), w.minutes_signed_in))
    return rows


def _batch_entries(db: Database, actor: Actor, site_id: int, day_from: dt.date, day_to: dt.date) -> list[BatchRow]:
    from common.services.cases import batch_entry_report

    return [BatchRow(r.case_no, r.item_name, r.staff_no, r.staff_name, r.entered_at, r.served_at, r.lag_hours,
                     list(r.reasons))
            for r in batch_entry_report(db, actor, site_id, day_from, day_to)]


def _live_unstaffed(db: Database, site_id: int, now: dt.datetime, tz: str, day_from: dt.date,
                    day_to: dt.date) -> list[Any]:
    """During today (inside the period) also ask the live check: tickets waiting now at an empty post."""
    today = clock.business_day(now, tz)
    if not day_from <= today <= day_to:
        return []
    from common.services.attendance import unstaffed_queues

    return unstaffed_queues(db, site_id, now)


# --------------------------------------------------------------------------------------------- computing


class _Builder:
    def __init__(self, data: dict[str, Any], period: Period, ctx: Any, hall: str, site: Site, now: dt.datetime,
                 as_of: dt.datetime, start: dt.datetime, end: dt.datetime, top_items: int):
        self.d, self.period, self.ctx, self.hall, self.site = data, period, ctx, hall, site
        self.tz = ctx.tz
        self.now, self.as_of, self.start, self.end, self.top_items = now, as_of, start, end, top_items
        self.windows: dict[int, Window] = data["windows"]
        self.queues: dict[int, Queue] = data["queues"]
        self.departments: dict[int, Department] = data["departments"]
        self.staff: dict[int, Staff] = data["staff"]
        self.today = clock.business_day(now, self.tz)

    # ----------------------------------------------------------------- helpers

    def day(self, at: dt.datetime) -> dt.date:
        return clock.business_day(at, self.tz)

    def in_period(self, at: Optional[dt.datetime]) -> bool:
        return at is not None and self.start <= at < self.end

    def dept_name(self, dept_id: Optional[int]) -> str:
        d = self.departments.get(dept_id) if dept_id else None
        return d.name if d else ""

    def dept_short(self, w: Window) -> str:
        d = self.departments.get(w.department_id) if w.department_id else None
        if d is None:
            return WindowKind(w.kind).label
        return d.short_name or d.name

    def staff_name(self, staff_id: Optional[int]) -> str:
        st = self.staff.get(staff_id) if staff_id else None
        return st.name if st else ""

    def window_name(self, window_id: Optional[int]) -> str:
        w = self.windows.get(window_id) if window_id else None
        return _window_label(w) if w else ""

    # ----------------------------------------------------------------- tickets

    def tickets(self) -> list[_TicketFacts]:
        out = []
        slots = self.d["appointment_slots"]
        for t in self.d["tickets"]:
            evs = self.d["ticket_events"].get(t.id, [])
            walk = bool(t.walk_direct) or any(isinstance(e.data, dict) and e.data.get("walk_direct") for e in evs)
            issue = next((e for e in evs if e.kind in (K.ISSUED, K.CHECKED_IN)), None)
            issued_at = issue.at if issue else None
            wait_start = issued_at
            if issued_at is not None and t.appointment_id and t.appointment_id in slots:
                wait_start = max(issued_at, slots[t.appointment_id])
            first_call = next((e for e in evs if e.kind == K.CALLED), None)
            wait = None
            if not walk and first_call is not None and wait_start is not None:
                wait = max(0.0, _minutes(wait_start, first_call.at))
            facts = _TicketFacts(t.id, t.business_day, t.origin_queue_id, walk, issued_at, wait_start,
                                 first_call.at if first_call else None, wait, "open", None)
            # final outcome
            for i, e in enumerate(evs):
                if e.kind == K.FINISHED:
                    facts.outcome, facts.ended_at = "served", e.at
                    facts.finished_window, facts.finished_staff, facts.finished_at = e.window_id, e.staff_id, e.at
                    stint_start = None
                    for prev in reversed(evs[:i]):
                        if prev.kind == K.STARTED and stint_start is None:
                            stint_start = prev.at
                        if prev.kind == K.CALLED:
                            stint_start = stint_start or prev.at
                            break
                    if stint_start is not None:
                        facts.service_min = max(0.0, _minutes(stint_start, e.at))
                elif e.kind == K.NO_SHOW:
                    facts.outcome, facts.ended_at = "no_show", e.at
                elif e.kind == K.REQUEUED:
                    facts.outcome, facts.ended_at = "open", None
                elif e.kind == K.EXPIRED:
                    facts.outcome, facts.ended_at = "expired", e.at
                elif e.kind == K.CANCELLED:
                    facts.outcome, facts.ended_at = "cancelled", e.at
                elif e.kind in (K.CALLED, K.TRANSFERRED, K.RETURNED) and facts.outcome != "served":
                    facts.outcome, facts.ended_at = "open", None
            out.append(facts)
        return out

    # ----------------------------------------------------------------- cases

    def cases(self) -> list[_CaseFacts]:
        out = []
        for c in self.d["cases"]:
            f = _CaseFacts(case=c)
            for ev in self.d["case_events"].get(c.id, []):
                at = _case_event_time(ev)
                if ev.kind in INTAKE_KINDS and f.intake_at is None:
                    f.intake_at, f.intake_window, f.intake_staff = at, ev.window_id, ev.staff_id
                    f.ctype = CaseType.CORRECTION if ev.kind == "correction_requested" else CaseType(c.case_type)
                    if ev.kind == "rejected":
                        f.ctype = CaseType.REJECTED
                elif ev.kind == "accepted" and isinstance(ev.data, dict) and \
                        ev.data.get("from") == CaseType.CORRECTION.value and f.converted_at is None:
                    f.converted_at = at
                if ev.kind in DECIDED_KINDS and f.decided_at is None:
                    f.decided_at, f.decided_kind, f.decided_window = at, ev.kind, ev.window_id
                if ev.kind == "withdrawn" and f.withdrawn_at is None:
                    f.withdrawn_at = at
            if f.intake_at is None:  # no trail (imported data): fall back to the row
                f.intake_at = c.accepted_at or c.created_at
                f.intake_window, f.intake_staff = c.accepting_window_id, c.accepting_staff_id
                f.ctype = CaseType(c.case_type)
            if f.intake_window is None:
                f.intake_window = c.accepting_window_id
            if f.intake_staff is None:
                f.intake_staff = c.accepting_staff_id
            out.append(f)
        return out

    def on_time(self, f: _CaseFacts) -> bool:
        deadline = f.case.deadline
        return deadline is None or self.day(f.decided_at) <= deadline

    def onsite(self, f: _CaseFacts) -> bool:
        """现场办结: a 即办件 decided at its accepting window during the same visit — before the applicant's ticket
        was finished (plus a short grace for the last keystrokes), or on the same day when there was no ticket."""
        if not (f.ctype == CaseType.IMMEDIATE and f.decided_kind == "completed" and f.decided_at is not None):
            return False
        if f.decided_window is not None and f.intake_window is not None and f.decided_window != f.intake_window:
            return False
        ticket_done = self.ticket_finished.get(f.case.ticket_id) if f.case.ticket_id else None
        if ticket_done is not None:
            return f.decided_at <= ticket_done + SAME_VISIT_GRACE
        return self.day(f.decided_at) == self.day(f.intake_at)

    def overdue_rows(self, facts: list[_CaseFacts]) -> list[OverdueRow]:
        as_of_day = self.day(self.as_of)
        cal = self.ctx.calendar
        rows = []
        for f in facts:
            c = f.case
            status = CaseStatus(c.status)
            if c.deadline is None or c.deadline >= as_of_day or f.ctype == CaseType.REJECTED:
                continue
            if status in (CaseStatus.REJECTED, CaseStatus.WITHDRAWN, CaseStatus.CLOCK_STOPPED):
                continue
            accepted_at = c.accepted_at or f.intake_at
            if accepted_at is None or accepted_at >= self.as_of:
                continue
            if f.decided_at is not None and f.decided_at < self.as_of:
                continue
            if f.withdrawn_at is not None and f.withdrawn_at < self.as_of:
                continue
            try:
                late = max(1, cal.working_days_between(c.deadline, as_of_day - dt.timedelta(days=1)))
            except Exception:  # noqa: BLE001 - a year the calendar does not know: count calendar days
                late = max(1, (as_of_day - c.deadline).days)
            item = self.d["items"].get(c.item_id)
            rows.append(OverdueRow(
                c.case_no, self.d["version_names"].get(c.item_version_id) or (item[1] if item else ""),
                self.dept_name(c.department_id), (f.ctype or CaseType(c.case_type)).label, c.accepted_day,
                c.deadline, late, self.window_name(f.intake_window),
            ))
        rows.sort(key=lambda r: (r.deadline, r.case_no))
        return rows

    # ----------------------------------------------------------------- attendance

    def session_spans(self) -> dict[int, list[tuple[dt.datetime, dt.datetime, int, int]]]:
        """window id -> [(on-duty start, end, staff id, session id)] with breaks cut out."""
        spans: dict[int, list[tuple[dt.datetime, dt.datetime, int, int]]] = defaultdict(list)
        for ws in self.d["sessions"]:
            _, day_end = clock.day_bounds(ws.business_day, self.tz)
            if ws.ended_at is not None:
                stop = ws.ended_at
            elif ws.business_day >= self.today:
                stop = max(ws.started_at, min(self.now, day_end))
            else:  # never signed out on a past day: it lasted until its last heartbeat
                stop = max(ws.started_at, ws.last_seen_at or ws.started_at)
            pieces = [(ws.started_at, stop)]
            for b in self.d["breaks"].get(ws.id, []):
                b_end = b.ended_at or stop
                pieces = [g for p in pieces for g in _subtract(p, [(b.started_at, b_end)])]
            for a, b in pieces:
                spans[ws.window_id].append((a, b, ws.staff_id, ws.id))
        return spans

    def unstaffed(self, tickets: list[_TicketFacts], spans, live: list[Any]) -> list[UnstaffedRow]:
        serving: dict[int, set[int]] = defaultdict(set)
        for w, q in self.d["window_queues"]:
            if self.windows[w].active:
                serving[q].add(w)
        incidents: dict[tuple[dt.date, int], dict[str, Any]] = {}
        for t in tickets:
            if t.walk_direct or t.wait_start is None:
                continue
            q = self.queues.get(t.queue_id)
            if q is None:
                continue
            stop = t.first_called_at or t.ended_at
            if stop is None:
                closes = dt.datetime.combine(t.day, q.closes_at, clock.zone(self.tz)).astimezone(dt.timezone.utc)
                stop = min(self.now, max(closes, t.wait_start))
            if stop <= t.wait_start:
                continue
            covered = _merge([(a, b) for w in serving.get(q.id, ()) for a, b, _, _ in spans.get(w, [])])
            gaps = _subtract((t.wait_start, stop), covered)
            total = sum(_minutes(a, b) for a, b in gaps)
            if total < UNSTAFFED_MIN_MINUTES:
                continue
            inc = incidents.setdefault((t.day, q.id), {"tickets": 0, "longest": 0.0, "first": gaps[0][0],
                                                       "last": gaps[-1][1]})
            inc["tickets"] += 1
            inc["longest"] = max(inc["longest"], max(_minutes(a, b) for a, b in gaps))
            inc["first"] = min(inc["first"], gaps[0][0])
            inc["last"] = max(inc["last"], gaps[-1][1])
        rows = [UnstaffedRow(day, qid, self.queues[qid].prefix, self.queues[qid].name, inc["tickets"],
                             int(inc["longest"]), inc["first"], inc["last"])
                for (day, qid), inc in incidents.items()]
        seen = {(r.day, r.queue_id) for r in rows}
        for u in live:
            if (self.today, u.queue_id) in seen:
                continue
            rows.append(UnstaffedRow(self.today, u.queue_id, u.prefix, u.queue, int(u.waiting),
                                     int(u.oldest_wait_minutes), self.now, self.now, live=True))
        rows.sort(key=lambda r: (r.day, r.prefix))
        return rows

    # ----------------------------------------------------------------- build

    def build(self, idle: list[IdleRow], batch: list[BatchRow], live: list[Any]) -> HallReport:
        d = self.d
        tickets = self.tickets()
        self.ticket_finished = {t.id: t.finished_at for t in tickets if t.finished_at is not None}
        facts = self.cases()
        period_cases = [f for f in facts if self.in_period(f.intake_at)]
        finished = [f for f in facts if self.in_period(f.decided_at)]
        overdue = self.overdue_rows(facts)
        spans = self.session_spans()

        # ---- ratings
        ratings = d["ratings"]
        served_by_window: dict[int, int] = defaultdict(int)
        served_by_staff: dict[int, int] = defaultdict(int)
        service_by_window: dict[int, list[float]] = defaultdict(list)
        service_by_staff: dict[int, list[float]] = defaultdict(list)
        for t in tickets:
            if t.outcome == "served":
                if t.finished_window:
                    served_by_window[t.finished_window] += 1
                    if t.service_min is not None:
                        service_by_window[t.finished_window].append(t.service_min)
                if t.finished_staff:
                    served_by_staff[t.finished_staff] += 1
                    if t.service_min is not None:
                        service_by_staff[t.finished_staff].append(t.service_min)

        def rating_acc(key_of) -> dict[int, dict[str, Any]]:
            acc: dict[int, dict[str, Any]] = defaultdict(lambda: {"rated": 0, "skipped": 0, "levels": defaultdict(int)})
            for r in ratings:
                k = key_of(r)
                if k is None:
                    continue
                a = acc[k]
                if r.rated and r.level is not None:
                    a["rated"] += 1
                    a["levels"][int(r.level)] += 1
                else:
                    a["skipped"] += 1
            return acc

        by_window_r = rating_acc(lambda r: r.window_id)
        by_staff_r = rating_acc(lambda r: r.staff_id)
        case_dept = {c.id: c.department_id for c in d["cases"]}
        case_dept.update(d["rating_case_departments"])

        def rating_dept(r) -> Optional[int]:
            if r.case_id and case_dept.get(r.case_id):
                return case_dept[r.case_id]
            w = self.windows.get(r.window_id)
            if w is not None and w.department_id:
                return w.department_id
            st = self.staff.get(r.staff_id) if r.staff_id else None
            return st.department_id if st else None

        by_dept_r = rating_acc(rating_dept)

        def rstats(a: Optional[dict[str, Any]], served: int) -> tuple[int, int, int, Optional[float], Optional[float]]:
            rated = a["rated"] if a else 0
            skipped = a["skipped"] if a else 0
            satisfied = sum(n for lv, n in (a["levels"].items() if a else []) if lv >= RatingLevel.BASIC)
            denominator = max(served, rated + skipped)
            missed = max(0, denominator - rated)
            return rated, skipped, missed, _rate(rated, denominator), _rate(satisfied, rated)

        # ---- complaints
        complaints = d["complaints"]
        comp_by_window: dict[int, int] = defaultdict(int)
        comp_by_staff: dict[int, int] = defaultdict(int)
        comp_by_dept: dict[int, int] = defaultdict(int)
        for c in complaints:
            if c.window_id:
                comp_by_window[c.window_id] += 1
            if c.staff_id:
                comp_by_staff[c.staff_id] += 1
            dept = None
            if c.case_id and case_dept.get(c.case_id):
                dept = case_dept[c.case_id]
            elif c.item_id and c.item_id in d["items"]:
                dept = d["items"][c.item_id][2]
            elif c.window_id and self.windows.get(c.window_id) and self.windows[c.window_id].department_id:
                dept = self.windows[c.window_id].department_id
            elif c.staff_id and self.staff.get(c.staff_id):
                dept = self.staff[c.staff_id].department_id
            if dept:
                comp_by_dept[dept] += 1

        # ---- attendance per window / clerk
        duty_window: dict[int, float] = defaultdict(float)
        duty_staff: dict[int, float] = defaultdict(float)
        staff_at_window: dict[int, list[int]] = defaultdict(list)
        windows_of_staff: dict[int, list[int]] = defaultdict(list)
        for ws in d["sessions"]:
            if ws.staff_id not in staff_at_window[ws.window_id]:
                staff_at_window[ws.window_id].append(ws.staff_id)
            w = self.windows.get(ws.window_id)
            if w is not None and w.number not in windows_of_staff[ws.staff_id]:
                windows_of_staff[ws.staff_id].append(w.number)
        for wid, pieces in spans.items():
            for a, b, staff_id, _ in pieces:
                duty_window[wid] += _minutes(a, b)
                duty_staff[staff_id] += _minutes(a, b)

        # ---- overview
        served_t = [t for t in tickets if t.outcome == "served"]
        no_show_t = [t for t in tickets if t.outcome == "no_show"]
        waits = [t.wait_min for t in tickets if t.wait_min is not None]
        services = [t.service_min for t in served_t if t.service_min is not None]

        def within_target(t: _TicketFacts) -> bool:
            q = self.queues.get(t.queue_id)
            return q is not None and t.wait_min is not None and t.wait_min <= q.target_wait_minutes

        by_type = {ct.value: 0 for ct in CASE_TYPES}
        for f in period_cases:
            by_type[f.ctype.value] += 1
        n_cases = len(period_cases)
        onsite_n = sum(1 for f in period_cases if self.onsite(f))
        accepted = [f for f in period_cases if f.ctype != CaseType.REJECTED and (
            f.ctype != CaseType.CORRECTION or (f.converted_at is not None and f.converted_at < self.as_of))]
        accepted_done = sum(1 for f in accepted if f.decided_at is not None and f.decided_at < self.as_of)
        on_time_n = sum(1 for f in finished if self.on_time(f))
        total_r = rating_acc(lambda r: 0).get(0)
        rated, skipped, missed, rating_rate, satisfaction = rstats(total_r, len(served_t))
        levels = {lv.value: (total_r["levels"].get(lv.value, 0) if total_r else 0)
                  for lv in sorted(RatingLevel, key=lambda x: -x.value)}
        overview = Overview(
            tickets_issued=sum(1 for t in tickets if t.issued_at is not None),
            tickets_served=len(served_t),
            tickets_no_show=len(no_show_t),
            tickets_unserved=sum(1 for t in tickets if t.outcome in ("expired", "cancelled", "open")),
            tickets_walk_direct=sum(1 for t in tickets if t.walk_direct),
            tickets_called=len(waits),
            no_show_rate=_rate(len(no_show_t), len(served_t) + len(no_show_t)),
            wait_avg_min=_avg(waits),
            wait_p90_min=p90(waits),
            service_avg_min=_avg(services),
            service_p90_min=p90(services),
            service_level=_rate(sum(1 for t in tickets if t.wait_min is not None and within_target(t)), len(waits)),
            cases_total=n_cases,
            cases_by_type=by_type,
            immediate_share=_rate(by_type[CaseType.IMMEDIATE.value], n_cases),
            onsite_finished=onsite_n,
            onsite_rate=_rate(onsite_n, n_cases),
            corrections_converted=sum(1 for f in facts if self.in_period(f.converted_at)),
            cases_accepted=len(accepted),
            accepted_finished=accepted_done,
            finish_rate=_rate(accepted_done, len(accepted)),
            cases_finished=len(finished),
            cases_finished_on_time=on_time_n,
            on_time_rate=_rate(on_time_n, len(finished)),
            overdue_open=len(overdue),
            ratings_rated=rated,
            ratings_skipped=skipped,
            ratings_missed=missed,
            rating_rate=rating_rate,
            satisfaction=satisfaction,
            ratings_by_level=levels,
            complaints=len(complaints),
            complaints_open=sum(1 for c in complaints if ComplaintStatus(c.status) != ComplaintStatus.CLOSED),
            windows_staffed=len({ws.window_id for ws in d["sessions"]}),
            staff_on_duty=len({ws.staff_id for ws in d["sessions"]}),
        )

        # ---- windows
        cases_by_window: dict[int, list[_CaseFacts]] = defaultdict(list)
        cases_by_staff: dict[int, list[_CaseFacts]] = defaultdict(list)
        for f in period_cases:
            if f.intake_window:
                cases_by_window[f.intake_window].append(f)
            if f.intake_staff:
                cases_by_staff[f.intake_staff].append(f)
        called_by_window: dict[int, set[int]] = defaultdict(set)
        no_show_by_window: dict[int, int] = defaultdict(int)
        for t in tickets:
            for e in d["ticket_events"].get(t.id, []):
                if e.kind == K.CALLED and e.window_id:
                    called_by_window[e.window_id].add(t.id)
                elif e.kind == K.NO_SHOW and e.window_id:
                    no_show_by_window[e.window_id] += 1
        window_rows = []
        explanations = []
        for w in sorted(self.windows.values(), key=lambda x: x.number):
            active_here = (w.active or w.id in staff_at_window or w.id in served_by_window or w.id in cases_by_window)
            if not active_here:
                continue
            served = served_by_window.get(w.id, 0)
            r_rated, r_skipped, r_missed, r_rate, r_sat = rstats(by_window_r.get(w.id), served)
            reasons = []
            if r_missed:
                reasons.append(f"漏评 {r_missed} 次")
            if r_sat is not None and r_sat < 1:
                reasons.append(f"群众满意率 {r_sat * 100:.2f}%，低于100%")
            names = [self.staff_name(x) for x in staff_at_window.get(w.id, [])]
            wc = cases_by_window.get(w.id, [])
            row = WindowRow(
                window_id=w.id, number=w.number, name=_window_label(w), kind=WindowKind(w.kind).label,
                department=self.dept_name(w.department_id), department_short=self.dept_short(w), staff=names,
                hours_on_duty=round(duty_window.get(w.id, 0.0) / 60.0, 2), called=len(called_by_window.get(w.id, ())),
                served=served, no_show_events=no_show_by_window.get(w.id, 0),
                service_avg_min=_avg(service_by_window.get(w.id, [])), cases=len(wc),
                immediate=sum(1 for f in wc if f.ctype == CaseType.IMMEDIATE), rated=r_rated, skipped=r_skipped,
                missed=r_missed, rating_rate=r_rate, satisfaction=r_sat, complaints=comp_by_window.get(w.id, 0),
                owes_explanation=bool(reasons), explanation_reasons=reasons,
            )
            window_rows.append(row)
            if reasons:
                explanations.append(ExplanationRow(w.id, _window_label(w), names, served, r_rated, r_missed, r_sat,
                                                   reasons))

        # ---- clerks
        clerk_ids = {ws.staff_id for ws in d["sessions"]}
        clerk_ids |= set(served_by_staff) | set(cases_by_staff) | set(by_staff_r)
        clerk_rows = []
        for sid in clerk_ids:
            st = self.staff.get(sid)
            if st is None:
                continue
            sc = cases_by_staff.get(sid, [])
            r_rated, _r_skipped, r_missed, r_rate, r_sat = rstats(by_staff_r.get(sid), served_by_staff.get(sid, 0))
            clerk_rows.append(ClerkRow(
                staff_id=sid, staff_no=st.staff_no, name=st.name, department=self.dept_name(st.department_id),
                windows=sorted(windows_of_staff.get(sid, [])), hours_on_duty=round(duty_staff.get(sid, 0.0) / 60.0, 2),
                served=served_by_staff.get(sid, 0), service_avg_min=_avg(service_by_staff.get(sid, [])),
                cases=len(sc), immediate=sum(1 for f in sc if f.ctype == CaseType.IMMEDIATE), rated=r_rated,
                missed=r_missed, rating_rate=r_rate, satisfaction=r_sat, complaints=comp_by_staff.get(sid, 0),
            ))
        clerk_rows.sort(key=lambda r: (r.windows[0] if r.windows else 9999, r.staff_no))

        # ---- items and 群众两头跑
        hall_items = d["hall_items"]
        items_in_hall_by_dept: dict[int, list[Any]] = defaultdict(list)
        for it in hall_items:
            items_in_hall_by_dept[it.department_id].append(it)
        cases_by_item: dict[int, list[_CaseFacts]] = defaultdict(list)
        for f in period_cases:
            cases_by_item[f.case.item_id].append(f)
        repeat_rows: list[RepeatRow] = []
        repeat_by_item: dict[int, int] = defaultdict(int)
        groups: dict[tuple[str, int], list[_CaseFacts]] = defaultdict(list)
        for f in period_cases:
            if f.case.applicant_id_no:
                groups[(f.case.applicant_id_no, f.case.item_id)].append(f)
        for (id_no, item_id), fs in groups.items():
            visits: dict[Any, list[_CaseFacts]] = {}
            for f in sorted(fs, key=lambda x: x.intake_at):
                key = ("ticket", f.case.ticket_id) if f.case.ticket_id else ("day", self.day(f.intake_at))
                visits.setdefault(key, []).append(f)
            if len(visits) < REPEAT_MIN_VISITS:
                continue
            first = fs[0].case
            code, name, dept = d["items"].get(item_id, ("", "", None))
            ordered = sorted(fs, key=lambda x: x.intake_at)
            repeat_rows.append(RepeatRow(
                applicant=mask_name(first.applicant_name, enterprise=str(first.applicant_kind) == "enterprise"),
                id_no=mask_id_number(id_no), item_code=code, item=name, department=self.dept_name(dept),
                visits=len(visits), case_nos=[f.case.case_no for f in ordered],
                types=[f.ctype.label for f in ordered],
            ))
            repeat_by_item[item_id] += 1
        repeat_rows.sort(key=lambda r: (-r.visits, r.item_code, r.id_no))

        item_rows = []
        for item_id, fs in cases_by_item.items():
            code, name, dept = d["items"].get(item_id, ("", "", None))
            fin = [f for f in finished if f.case.item_id == item_id]
            item_rows.append(ItemRow(
                item_id=item_id, code=code, name=name, department=self.dept_name(dept), cases=len(fs),
                immediate=sum(1 for f in fs if f.ctype == CaseType.IMMEDIATE), finished=len(fin),
                on_time_rate=_rate(sum(1 for f in fin if self.on_time(f)), len(fin)),
                repeat_applicants=repeat_by_item.get(item_id, 0),
            ))
        item_rows.sort(key=lambda r: (-r.cases, r.code))
        if self.top_items:
            item_rows = item_rows[: self.top_items]

        # ---- 体外循环
        outside_checked = self.period.days >= OUTSIDE_LOOP_MIN_DAYS
        outside_rows: list[OutsideLoopRow] = []
        if outside_checked:
            with_cases = set(cases_by_item)
            for dept_id, its in items_in_hall_by_dept.items():
                zero = [it for it in its if it.id not in with_cases]
                if not zero:
                    continue
                outside_rows.append(OutsideLoopRow(dept_id, self.dept_name(dept_id), len(its), len(zero),
                                                   [it.name or it.code for it in sorted(zero, key=lambda x: x.code)],
                                                   flagged=len(zero) == len(its)))
            outside_rows.sort(key=lambda r: (not r.flagged, -r.items_without_cases, r.department))

        # ---- departments
        dept_ids = set(items_in_hall_by_dept) | {w.department_id for w in self.windows.values()
                                                 if w.department_id and w.active}
        dept_ids |= {f.case.department_id for f in period_cases}
        dept_rows = []
        for dept_id in dept_ids:
            dep = self.departments.get(dept_id)
            if dep is None:
                continue
            fs = [f for f in period_cases if f.case.department_id == dept_id]
            fin = [f for f in finished if f.case.department_id == dept_id]
            bt = {ct.value: 0 for ct in CASE_TYPES}
            for f in fs:
                bt[f.ctype.value] += 1
            dr = by_dept_r.get(dept_id)
            d_rated = dr["rated"] if dr else 0
            d_sat = _rate(sum(n for lv, n in dr["levels"].items() if lv >= RatingLevel.BASIC), d_rated) if dr else None
            dept_rows.append(DepartmentRow(
                department_id=dept_id, code=dep.code, name=dep.name,
                windows=sum(1 for w in self.windows.values() if w.department_id == dept_id and w.active),
                items_in_hall=len(items_in_hall_by_dept.get(dept_id, [])), cases=len(fs), by_type=bt,
                immediate_share=_rate(bt[CaseType.IMMEDIATE.value], len(fs)), finished=len(fin),
                on_time_rate=_rate(sum(1 for f in fin if self.on_time(f)), len(fin)),
                overdue_open=sum(1 for o in overdue if o.department == dep.name), rated=d_rated, satisfaction=d_sat,
                complaints=comp_by_dept.get(dept_id, 0),
            ))
        dept_rows.sort(key=lambda r: (-r.cases, -r.windows, r.code))

        # ---- queues
        queue_rows = []
        by_queue: dict[int, list[_TicketFacts]] = defaultdict(list)
        for t in tickets:
            by_queue[t.queue_id].append(t)
        for q in sorted(self.queues.values(), key=lambda x: (x.position, x.prefix)):
            ts = by_queue.get(q.id, [])
            if not q.active and not ts:
                continue
            qw = [t.wait_min for t in ts if t.wait_min is not None]
            qs = [t for t in ts if t.outcome == "served"]
            qn = sum(1 for t in ts if t.outcome == "no_show")
            queue_rows.append(QueueRow(
                queue_id=q.id, prefix=q.prefix, name=q.name, target_wait_minutes=q.target_wait_minutes,
                issued=sum(1 for t in ts if t.issued_at is not None), served=len(qs), no_show=qn,
                no_show_rate=_rate(qn, len(qs) + qn), wait_avg_min=_avg(qw), wait_p90_min=p90(qw),
                service_level=_rate(sum(1 for w in qw if w <= q.target_wait_minutes), len(qw)),
                service_avg_min=_avg([t.service_min for t in qs if t.service_min is not None]),
            ))

        # ---- per hour / per day
        issued_h: dict[int, int] = defaultdict(int)
        served_h: dict[int, int] = defaultdict(int)
        for t in tickets:
            if t.issued_at is not None:
                issued_h[clock.local(t.issued_at, self.tz).hour] += 1
            if t.finished_at is not None:
                served_h[clock.local(t.finished_at, self.tz).hour] += 1
        hours = set(issued_h) | set(served_h)
        lo, hi = min(hours | {8}), max(hours | {17})
        hourly = [HourRow(h, issued_h.get(h, 0), served_h.get(h, 0)) for h in range(lo, hi + 1)]
        daily = []
        dd = self.period.day_from
        while dd <= self.period.day_to:
            ts = [t for t in tickets if t.day == dd]
            cs = [f for f in period_cases if self.day(f.intake_at) == dd]
            fin = [f for f in finished if self.day(f.decided_at) == dd]
            rs = [r for r in ratings if r.business_day == dd and r.rated and r.level is not None]
            daily.append(DayRow(
                day=dd, issued=sum(1 for t in ts if t.issued_at is not None),
                served=sum(1 for t in ts if t.outcome == "served"),
                no_show=sum(1 for t in ts if t.outcome == "no_show"), cases=len(cs),
                immediate=sum(1 for f in cs if f.ctype == CaseType.IMMEDIATE), finished=len(fin),
                on_time=sum(1 for f in fin if self.on_time(f)), rated=len(rs),
                satisfaction=_rate(sum(1 for r in rs if r.level >= RatingLevel.BASIC), len(rs)),
            ))
            dd += dt.timedelta(days=1)

        # ---- complaints list
        complaint_rows = [
            ComplaintRow(c.ref_no, c.created_at, c.category, self.window_name(c.window_id), self.staff_name(c.staff_id),
                         ComplaintStatus(c.status).label, c.text)
            for c in complaints
        ]

        unstaffed = self.unstaffed(tickets, spans, live)
        warnings = self.warnings(unstaffed, idle, batch, repeat_rows, outside_rows, overdue, explanations)
        return HallReport(
            site_id=self.site.id, site_code=self.site.code, hall_name=self.hall,
            title=f"{self.hall} {self.period.label} {self.period.title_word}", period=self.period,
            generated_at=self.now, as_of=self.as_of, timezone=self.tz, overview=overview, windows=window_rows,
            clerks=clerk_rows, departments=dept_rows, queues=queue_rows, items=item_rows, hourly=hourly,
            daily=daily, unstaffed=unstaffed, idle_windows=idle, batch_entries=batch, repeat_visits=repeat_rows,
            outside_loop=outside_rows, outside_loop_checked=outside_checked, explanations=explanations,
            overdue=overdue, complaints=complaint_rows, warnings=warnings,
        )

    # ----------------------------------------------------------------- warnings

    def warnings(self, unstaffed, idle, batch, repeats, outside, overdue, explanations) -> list[ReportWarning]:
        out: list[ReportWarning] = []

        def add(kind: str, subject: str, detail: str, day: Optional[dt.date] = None) -> None:
            out.append(ReportWarning(kind, WARNING_LABELS[kind], subject, detail, day))

        def hm(at: dt.datetime) -> str:
            return f"{clock.local(at, self.tz):%H:%M}"

        for u in unstaffed:
            subject = f"{u.prefix} {u.queue}"
            if u.live:
                add("unstaffed", subject, f"当前有 {u.tickets} 人等候，最长已等 {u.longest_minutes} 分钟，"
                                          "服务该业务的窗口均无人在岗。", u.day)
            else:
                add("unstaffed", subject, f"{u.day:%m月%d日} {hm(u.first_at)}—{hm(u.last_at)} 服务该业务的窗口无人在岗，"
                                          f"{u.tickets} 人受影响，最长无人受理 {u.longest_minutes} 分钟。", u.day)
        for i in idle:
            who = "、".join(i.staff) or "工作人员"
            add("idle_window", i.window, f"{i.day:%m月%d日} {who} 签到在岗 {i.minutes_signed_in} 分钟，"
                                         "未办结任何排队号，也未受理任何办件。", i.day)
        by_clerk: dict[tuple[str, str], list[BatchRow]] = defaultdict(list)
        for b in batch:
            by_clerk[(b.staff_no, b.staff)].append(b)
        for (staff_no, name), rows in sorted(by_clerk.items()):
            kinds = sorted({r.split("：")[0] for b in rows for r in b.reasons})
            lags = [b.lag_hours for b in rows if b.lag_hours is not None]
            extra = f"，最长滞后 {max(lags):.1f} 小时" if lags else ""
            add("batch_entry", f"{name}（{staff_no}）" if name else staff_no or "未知",
                f"{len(rows)} 件办件未即办即录（{'、'.join(kinds)}）{extra}：{'、'.join(b.case_no for b in rows[:5])}"
                + ("等" if len(rows) > 5 else "") + "。")
        for r in repeats:
            add("repeat_visits", f"{r.applicant}（{r.id_no}）",
                f"为“{r.item}”来办 {r.visits} 次（{'→'.join(r.types)}）：{'、'.join(r.case_nos)}。")
        for o in outside:
            if not o.flagged:
                continue
            names = "、".join(o.items[:4]) + ("等" if len(o.items) > 4 else "")
            add("outside_loop", o.department, f"进驻大厅事项 {o.items_in_hall} 项，本期均无办件（{names}），"
                                              "请核查是否存在“体外循环、两头受理”。")
        by_dept: dict[str, list[OverdueRow]] = defaultdict(list)
        for o in overdue:
            by_dept[o.department or "未知部门"].append(o)
        for dept, rows in sorted(by_dept.items()):
            worst = max(r.overdue_working_days for r in rows)
            add("overdue", dept, f"{len(rows)} 件超期未办结，最长逾期 {worst} 个工作日："
                                 f"{'、'.join(r.case_no for r in rows[:5])}" + ("等" if len(rows) > 5 else "") + "。")
        for e in explanations:
            who = "、".join(e.staff)
            add("explanation", e.window, f"{'；'.join(e.reasons)}（办结 {e.served} 号，评价 {e.rated} 次"
                                         + (f"，{who}" if who else "") + "），须作出书面说明。")
        return out


__all__ = [
    "ClerkRow", "DayRow", "DepartmentRow", "ExplanationRow", "HallReport", "HourRow", "IdleRow", "ItemRow",
    "NOTES", "Overview", "OverdueRow", "OutsideLoopRow", "Period", "QueueRow", "RepeatRow", "ReportWarning",
    "UnstaffedRow", "WARNING_LABELS", "WindowRow", "day_period", "hall_report", "month_period", "p90",
    "period_for", "week_period", "fmt_as_of", "fmt_pct", "fmt_min", "overview_rows", "headline", "KEY_FIGURES",
    "key_figures",
]


# --------------------------------------------------------------------------------------------- presentation helpers


def fmt_pct(value: Optional[float]) -> str:
    """99.49% / 100% / 45% as halls write them; — when there is nothing to divide."""
    if value is None:
        return "—"
    text = f"{value * 100:.2f}".rstrip("0").rstrip(".")
    return f"{text}%"


def fmt_as_of(report: "HallReport") -> str:
    """2026-11-16 24:00 for the end of a past day (as Chinese bulletins write it), else the local time."""
    local = clock.local(report.as_of, report.timezone)
    if local.time() == dt.time(0):
        return f"{local.date() - dt.timedelta(days=1):%Y-%m-%d} 24:00"
    return f"{local:%Y-%m-%d %H:%M}"


def fmt_min(value: Optional[float]) -> str:
    return "—" if value is None else f"{value:.1f}"


# The five figures the seeds quote, for the head of every report (PDF tiles, the counter's 督办报表): label, Overview field.
KEY_FIGURES = (("按时办结率", "on_time_rate"), ("群众满意率", "satisfaction"), ("即办件占比", "immediate_share"),
               ("办结率（办件率）", "finish_rate"), ("现场办结率", "onsite_rate"))


def key_figures(report: HallReport) -> list[tuple[str, Optional[float]]]:
    return [(label, getattr(report.overview, field_name)) for label, field_name in KEY_FIGURES]


def overview_rows(report: HallReport) -> list[tuple[str, Any, str]]:
    """(label, value, kind) of the overview, in reading order; kind is int / pct / min."""
    o = report.overview
    rows: list[tuple[str, Any, str]] = [
        ("取号总数", o.tickets_issued, "int"),
        ("办结号数", o.tickets_served, "int"),
        ("过号", o.tickets_no_show, "int"),
        ("过号率", o.no_show_rate, "pct"),
        ("未办理（日终过期、取消）", o.tickets_unserved, "int"),
        ("平均等候时长（分钟）", o.wait_avg_min, "min"),
        ("等候时长 P90（分钟）", o.wait_p90_min, "min"),
        ("平均办理时长（分钟）", o.service_avg_min, "min"),
        ("办理时长 P90（分钟）", o.service_p90_min, "min"),
        ("服务达标率", o.service_level, "pct"),
        ("办件总量", o.cases_total, "int"),
    ]
    rows += [(ct.label, o.cases_by_type.get(ct.value, 0), "int") for ct in CASE_TYPES]
    rows += [
        ("即办件占比", o.immediate_share, "pct"),
        ("现场办结率", o.onsite_rate, "pct"),
        ("补齐转承诺", o.corrections_converted, "int"),
        ("本期受理（不含退办、待补正）", o.cases_accepted, "int"),
        ("其中已办结", o.accepted_finished, "int"),
        ("办结率（办件率）", o.finish_rate, "pct"),
        ("办结件数", o.cases_finished, "int"),
        ("按时办结件数", o.cases_finished_on_time, "int"),
        ("按时办结率", o.on_time_rate, "pct"),
        ("超期未办结", o.overdue_open, "int"),
        ("评价数", o.ratings_rated, "int"),
        ("未评价（群众离开）", o.ratings_skipped, "int"),
        ("漏评", o.ratings_missed, "int"),
        ("评价率", o.rating_rate, "pct"),
        ("群众满意率", o.satisfaction, "pct"),
    ]
    rows += [(RatingLevel(lv).label, n, "int") for lv, n in o.ratings_by_level.items()]
    rows += [
        ("投诉", o.complaints, "int"),
        ("未办结投诉", o.complaints_open, "int"),
        ("在岗窗口数", o.windows_staffed, "int"),
        ("在岗人员数", o.staff_on_duty, "int"),
    ]
    return rows


def headline(report: HallReport) -> str:
    """The bulletin's opening paragraph (通报), in the words halls use."""
    o = report.overview
    by = o.cases_by_type
    return (
        f"本期共取号{o.tickets_issued}个，办结{o.tickets_served}个，过号{o.tickets_no_show}个（过号率{fmt_pct(o.no_show_rate)}）；"
        f"平均等候{fmt_min(o.wait_avg_min)}分钟，服务达标率{fmt_pct(o.service_level)}。"
        f"受理各类办件{o.cases_total}件，其中即办件{by.get('immediate', 0)}件、承诺件{by.get('promised', 0)}件，"
        f"即办件占比{fmt_pct(o.immediate_share)}，现场办结率{fmt_pct(o.onsite_rate)}，办结率{fmt_pct(o.finish_rate)}；"
        f"办结{o.cases_finished}件，按时办结率为{fmt_pct(o.on_time_rate)}，超期未办结{o.overdue_open}件。"
        f"评价{o.ratings_rated}次，评价率{fmt_pct(o.rating_rate)}，群众满意率{fmt_pct(o.satisfaction)}；"
        f"收到投诉{o.complaints}件。需督办事项{len(report.warnings)}项。"
    )
