"""Simulated hall activity for demos and tests: `simulate_days(db, days, seed)`.

Everything goes through the REAL services, in time order, as a discrete-event simulation of the hall:
clerks sign in (签到) at their windows, citizens take numbers at the kiosk (`issue_ticket`), windows call
(`call_next`), citizens come up or miss their call (过号, sometimes re-queued), clerks take in cases of all seven
types (即办、承诺、补办、退办、联办、上报、特办), finish, the rating pad records a rating or a skip, back offices
decide tasks on later days (some late, some never), results are collected at the pickup window, a complaint is
filed, clerks pause (暂停服务) and sign out, and the day is closed (`close_day`).

A few situations the supervisors must see are staged on purpose, so a report has something to show:
- 缺岗: the only clerk of a single-window queue signs in late one morning while citizens wait;
- B岗代岗: an A-post clerk is away one day and the B-post clerk stands in;
- 只进人不办事: one clerk signs in at a window and serves nobody all day;
- 即办即录 not done: one clerk serves applicants all day and enters their cases in a burst before closing;
- 体外循环: one department "in the hall" gets no case at all;
- 群众两头跑: some rejected applicants come back for the same item; 补办件 applicants come back with materials.

The case services stamp `case.created_at` and `case_event.at` with the DATABASE clock (so a clerk cannot back-date
an entry). A simulation of past days therefore sets those two columns to the simulated instant right after each
case call — the simulation of the database clock, nothing else is written outside the services. Run it on a demo
or test database only.
"""

from __future__ import annotations

import datetime as dt
import heapq
import itertools
import random
from dataclasses import dataclass, field
from typing import Any, Callable, Optional

from sqlalchemy import func, select, update

from common import clock
from common.db.engine import Database
from common.db.models import (
    Case,
    CaseEvent,
    CaseTask,
    Department,
    Queue,
    ServiceItem,
    ServiceItemVersion,
    Site,
    Staff,
    Ticket,
    Window,
    WindowQueue,
)
from common.domain import ApplicantKind, CaseType, ItemHandling, ItemStatus, Priority, Role, WindowKind
from common.errors import Conflict, HallError, InvalidInput, NotFound
from common.services.permissions import Actor

# Tickets per queue prefix on an ordinary day (scale 1.0), and mean service minutes.
BASE_TICKETS = {"A": 60, "F": 70, "B": 42, "G": 42, "C": 85, "D": 46, "J": 26, "E": 90, "H": 14}
DEFAULT_TICKETS = 30
BASE_SERVICE = {"A": 14, "F": 8, "B": 18, "G": 10, "C": 8, "D": 10, "J": 11, "E": 13, "H": 28, "K": 3}
DEFAULT_SERVICE = 10
STAFFED_SHARE = 0.85  # on an ordinary day about a quarter of the windows are closed (leave, meetings, 下沉)
ARRIVALS_BY_HOUR = {9: 1.0, 10: 1.35, 11: 1.05, 12: 0.45, 13: 0.6, 14: 1.15, 15: 1.0, 16: 0.55}

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = ("伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "秀兰",
         "霞", "平", "刚", "桂英", "建华", "文", "华", "玉兰", "红", "建国", "志强", "海燕", "晓东", "春梅", "丹",
         "浩", "宇", "婷", "欣怡", "子涵", "梓轩", "雨涵", "佳怡", "一诺", "国庆", "淑珍", "德胜", "秀英")
FIRMS = ("恒达", "鑫源", "华兴", "瑞丰", "金桥", "宏远", "天成", "润泽", "嘉禾", "永盛", "盛世", "安康", "绿源", "正信")
TRADES = ("商贸", "建筑工程", "餐饮管理", "农业科技", "物流", "信息技术", "医药", "文化传媒", "食品", "机械制造")
REGION = "341122"
ENTERPRISE_HINTS = ("企业", "单位", "经营", "公司", "项目", "许可", "备案", "合作社", "机构", "场所")
REJECT_REASONS = ("申请事项依法不属于本机关职权范围，请向有关行政机关申请。", "申请人不具备申请资格，不符合法定条件。",
                  "申请事项依法不需要取得行政许可。")
ESCALATE_TO = "示例市行政审批服务局"
JOINT_PARTNERS = {"ZJ": ("ZRZY", "XF"), "ZRZY": ("ZJ", "FG"), "FG": ("ZRZY", "SH"), "SH": ("ZRZY",),
                  "SCJGJ": ("XF", "WJ"), "WJ": ("XF",), "BDC": ("SW",), "WL": ("XF", "GA"), "YJ": ("XF",)}
LOW_REASONS = ("等候时间长", "办事效率低", "服务态度差", "一次性告知不清")


@dataclass(frozen=True)
class ActivitySummary:
    site_code: str
    days: list[dt.date]
    tickets: int
    served: int
    no_show: int
    cases: int
    cases_by_type: dict[str, int]
    decisions: int
    ratings: int
    skipped_ratings: int
    complaints: int
    scenarios: list[str] = field(default_factory=list)


# --------------------------------------------------------------------------------------------- catalogue of the hall


@dataclass
class _Item:
    id: int
    code: str
    name: str
    dept_id: int
    dept_code: str
    queue_id: int
    handling: ItemHandling
    promised: int
    statutory: int
    major: bool
    high_frequency: bool
    required: list[int] = field(default_factory=list)
    all_materials: list[int] = field(default_factory=list)

    @property
    def limit(self) -> int:
        return self.promised or self.statutory or 20


@dataclass
class _Win:
    id: int
    number: int
    kind: WindowKind
    dept_id: Optional[int]
    queues: list[int]
    clerk: Optional[Actor] = None  # the A-post clerk
    stand_in: Optional[Actor] = None  # a B-post clerk of this window
    # state of the day
    actor: Optional[Actor] = None
    session_id: Optional[int] = None
    busy: bool = False
    idle: bool = False
    closed: bool = True
    no_calls: bool = False  # the 只进人不办事 scenario
    sign_off_at: Optional[dt.datetime] = None
    breaks: list[tuple[dt.datetime, int, str]] = field(default_factory=list)
    defer_cases: bool = False  # the 即办即录 scenario
    deferred: list[tuple[Any, int]] = field(default_factory=list)


@dataclass
class _Visitor:
    queue_id: int
    item: Optional[_Item]
    plan: str
    applicant: Any  # ApplicantInput
    priority: Priority = Priority.NORMAL
    no_show: bool = False
    requeue: bool = False
    service_min: float = 5.0
    case_no: str = ""  # supply / pickup: the case they come back for
    pickup_name: str = ""
    ticket_id: Optional[int] = None


def _actor(st: Staff) -> Actor:
    return Actor(staff_id=st.id, staff_no=st.staff_no, name=st.name, roles=frozenset(r.role for r in st.roles),
                 site_id=st.site_id, department_id=st.department_id)


# --------------------------------------------------------------------------------------------- the simulation


class _Sim:
    def __init__(self, db: Database, site: Site, rng: random.Random, scale: float, days: list[dt.date],
                 progress: Optional[Callable[[str], None]]):
        self.db, self.rng, self.scale, self.days, self.progress = db, rng, scale, days, progress
        self.site_id, self.site_code, self.tz = site.id, site.code, site.timezone or clock.DEFAULT_TZ
        self.heap: list[tuple[dt.datetime, int, Callable, tuple]] = []
        self.seq = itertools.count()
        self.visitors: dict[int, _Visitor] = {}
        self.case_ids: dict[str, int] = {}
        self.pending_pickups: list[tuple[str, str]] = []  # (case_no, picked_by)
        self.stats = {"tickets": 0, "served": 0, "no_show": 0, "decisions": 0, "ratings": 0, "skipped": 0,
                      "complaints": 0}
        self.by_type: dict[str, int] = {ct.value: 0 for ct in CaseType}
        self.scenarios: list[str] = []
        self.skipped: dict[str, int] = {}
        self.unknown_year_noted = False
        self.end = self.at(days[-1], 19, 0)
        self._load()

    # ----------------------------------------------------------------- setup

    def _load(self) -> None:
        from common.services.calendar import working_calendar_in

        with self.db.read() as s:
            self.calendar = working_calendar_in(s, self.site_id)
            self.queues = {q.id: q for q in s.scalars(select(Queue).where(Queue.site_id == self.site_id,
                                                                           Queue.active.is_(True)).order_by(Queue.id))}
            dept_rows = s.scalars(select(Department).order_by(Department.id)).all()
            depts = {d.id: d.code for d in dept_rows}
            self.dept_codes = depts
            self.dept_names = {d.id: d.name for d in dept_rows}
            self.windows: dict[int, _Win] = {}
            for w in s.scalars(select(Window).where(Window.site_id == self.site_id, Window.active.is_(True))
                               .order_by(Window.number)):
                qs = [q for (q,) in s.execute(select(WindowQueue.queue_id).where(WindowQueue.window_id == w.id)
                                              .order_by(WindowQueue.weight.desc(), WindowQueue.queue_id))
                      if q in self.queues]
                self.windows[w.id] = _Win(w.id, w.number, WindowKind(w.kind), w.department_id, qs)
            staff = s.scalars(select(Staff).where(Staff.active.is_(True)).order_by(Staff.id)).all()
            self.deciders: dict[int, Actor] = {}
            self.admin: Optional[Actor] = None
            for st in staff:
                roles = {r.role for r in st.roles}
                if Role.CLERK in roles and st.default_window_id in self.windows:
                    win = self.windows[st.default_window_id]
                    if str(st.post) == "A" and win.clerk is None:
                        win.clerk = _actor(st)
                    elif str(st.post) == "B" and win.stand_in is None:
                        win.stand_in = _actor(st)
                if st.department_id and roles & {Role.APPROVER, Role.CHIEF_REP}:
                    if st.department_id not in self.deciders or Role.APPROVER in roles:
                        self.deciders[st.department_id] = _actor(st)
                if Role.ADMIN in roles and self.admin is None:
                    self.admin = _actor(st)
            if self.admin is None:
                self.admin = Actor(staff_id=None, staff_no="sim", name="模拟管理员", roles=frozenset({Role.ADMIN}),
                                   site_id=self.site_id)
            rows = s.execute(
                select(ServiceItem.id, ServiceItem.code, ServiceItem.department_id, ServiceItem.queue_id,
                       ServiceItemVersion)
                .join(ServiceItemVersion, ServiceItemVersion.id == ServiceItem.current_version_id)
                .where(ServiceItem.status == ItemStatus.IN_FORCE, ServiceItem.queue_id.in_(list(self.queues) or [-1]))
                .order_by(ServiceItem.code)
            ).all()
            self.items_by_queue: dict[int, list[_Item]] = {}
            for item_id, code, dept_id, queue_id, v in rows:
                it = _Item(item_id, code, v.name, dept_id, depts.get(dept_id, ""), queue_id, ItemHandling(v.handling),
                           v.promised_days, v.statutory_days, bool(v.major_project),
                           "high_frequency" in (v.flags or []),
                           [m.id for m in v.materials if m.required], [m.id for m in v.materials])
                self.items_by_queue.setdefault(queue_id, []).append(it)
        self.serving: dict[int, list[_Win]] = {}
        for w in self.windows.values():
            for q in w.queues:
                self.serving.setdefault(q, []).append(w)
        self.pickup_queue = next((w.queues[0] for w in self.windows.values()
                                  if w.kind == WindowKind.PICKUP and w.queues), None)
        self._choose_scenarios()

    def _choose_scenarios(self) -> None:
        rng = self.rng
        staffed = [w for w in self.windows.values() if w.clerk is not None]
        # 缺岗: the clerk of a queue's only window signs in late
        single = [w for w in staffed if any(len(self.serving.get(q, [])) == 1 for q in w.queues)
                  and w.kind != WindowKind.PICKUP and any(q in self.items_by_queue for q in w.queues)]
        self.late_window = rng.choice(single) if single else None
        # 只进人不办事: a department window whose queues have other windows
        idle = [w for w in staffed if w.kind == WindowKind.DEPARTMENT and w is not self.late_window
                and all(len(self.serving.get(q, [])) >= 3 for q in w.queues)]
        self.idle_window = rng.choice(idle) if idle else None
        # 即办即录 not done
        batch = [w for w in staffed if w.kind == WindowKind.DEPARTMENT and w not in (self.late_window, self.idle_window)
                 and any(it.handling == ItemHandling.IMMEDIATE for q in w.queues for it in self.items_by_queue.get(q, []))]
        self.batch_window = rng.choice(batch) if batch else None
        # B岗代岗
        stand = [w for w in staffed if w.stand_in is not None and w not in (self.late_window, self.idle_window,
                                                                           self.batch_window)]
        self.stand_in_window = rng.choice(stand) if stand else None
        # 体外循环: a department without windows of its own, with items in a shared queue
        own = {w.dept_id for w in self.windows.values() if w.dept_id}
        per_dept: dict[int, int] = {}
        for items in self.items_by_queue.values():
            for it in items:
                per_dept[it.dept_id] = per_dept.get(it.dept_id, 0) + 1
        outside = sorted(d for d, n in per_dept.items() if d not in own and n >= 2)
        self.outside_dept = rng.choice(outside) if outside else None
        if self.outside_dept is not None:
            self.scenarios.append(f"{self.dept_names.get(self.outside_dept, '')} 的进驻事项全部不在大厅受理（体外循环）")

    # ----------------------------------------------------------------- time

    def at(self, day: dt.date, hour: int, minute: float = 0) -> dt.datetime:
        base = dt.datetime.combine(day, dt.time(0), clock.zone(self.tz))
        return (base + dt.timedelta(hours=hour, minutes=minute)).astimezone(dt.timezone.utc)

    def day_of(self, t: dt.datetime) -> dt.date:
        return clock.business_day(t, self.tz)

    def schedule(self, t: dt.datetime, fn: Callable, *args: Any) -> None:
        if t <= self.end:
            heapq.heappush(self.heap, (t, next(self.seq), fn, args))

    def working_day_after(self, day: dt.date, n: int) -> dt.date:
        return self.calendar.add_working_days(day, n)

    def hall_time(self, day: dt.date, lo: float = 9.5, hi: float = 16.75) -> dt.datetime:
        return self.at(day, 0, self.rng.uniform(lo, hi) * 60)

    # ----------------------------------------------------------------- people

    def person(self) -> tuple[str, str]:
        from common.validation import id_check_char

        rng = self.rng
        name = rng.choice(SURNAMES) + rng.choice(GIVEN)
        birth = dt.date(1950, 1, 1) + dt.timedelta(days=rng.randrange(0, 54 * 365))
        first17 = f"{REGION}{birth:%Y%m%d}{rng.randrange(0, 1000):03d}"
        return name, first17 + id_check_char(first17)

    def applicant(self, item: Optional[_Item]):
        from common.services.cases import ApplicantInput
        from common.validation import uscc_check_char

        rng = self.rng
        phone = "1" + rng.choice("3578") + "".join(rng.choice("0123456789") for _ in range(9))
        if item is not None and any(h in item.name for h in ENTERPRISE_HINTS) and rng.random() < 0.8:
            first17 = "91" + REGION + "".join(rng.choice("0123456789") for _ in range(9))
            agent, agent_id = self.person()
            return ApplicantInput(ApplicantKind.ENTERPRISE, f"示例县{rng.choice(FIRMS)}{rng.choice(TRADES)}有限公司",
                                  first17 + uscc_check_char(first17), phone, agent, agent_id)
        name, id_no = self.person()
        return ApplicantInput(ApplicantKind.PERSON, name, id_no, phone)

    def pick_item(self, queue_id: int) -> Optional[_Item]:
        items = [it for it in self.items_by_queue.get(queue_id, []) if it.dept_id != self.outside_dept]
        if not items:
            return None
        weights = [3.0 if it.high_frequency else 1.0 for it in items]  # 高频事项 come three times as often
        return self.rng.choices(items, weights)[0]

    def plan_for(self, item: Optional[_Item]) -> str:
        r = self.rng.random()
        if item is None or r < 0.08:
            return "consult"
        r = self.rng.random()
        if item.handling == ItemHandling.IMMEDIATE:
            return "immediate" if r < 0.88 else "correction" if r < 0.95 else ("rejected" if not item.major else "immediate")
        if r < 0.66:
            return "promised"
        if r < 0.76:
            return "correction"
        if r < 0.80:
            return "promised" if item.major else "rejected"
        if r < 0.87 and self.partners(item):
            return "joint"
        if r < 0.92:
            return "urgent"
        if r < 0.96:
            return "escalated"
        return "promised"

    def partners(self, item: _Item) -> list[str]:
        codes = JOINT_PARTNERS.get(item.dept_code, ())
        known = set(self.dept_codes.values())
        return [c for c in codes if c in known and c != item.dept_code]

    def service_minutes(self, queue_id: int, plan: str) -> float:
        q = self.queues[queue_id]
        base = BASE_SERVICE.get(q.prefix, DEFAULT_SERVICE)
        factor = {"consult": 0.5, "rejected": 0.6, "correction": 0.8, "joint": 1.4, "urgent": 1.3,
                  "supply": 0.7, "pickup": 1.0}.get(plan, 1.0)
        return max(1.5, base * factor * self.rng.uniform(0.55, 1.6))

    def visitor(self, queue_id: int, *, item: Optional[_Item] = None, plan: Optional[str] = None, **kw) -> _Visitor:
        rng = self.rng
        if item is None and plan is None:
            item = self.pick_item(queue_id)
        plan = plan or self.plan_for(item)
        r = rng.random()
        priority = Priority.ELDERLY if r < 0.07 else Priority.DISABLED if r < 0.085 else \
            Priority.MILITARY if r < 0.095 else Priority.NORMAL
        v = _Visitor(queue_id, item, plan, kw.pop("applicant", None) or self.applicant(item), priority,
                     no_show=rng.random() < 0.045, requeue=rng.random() < 0.3, **kw)
        v.service_min = self.service_minutes(queue_id, plan)
        return v

    # ----------------------------------------------------------------- the database clock

    def case_call(self, t: dt.datetime, fn: Callable, *args: Any, new_case: bool = False, **kw: Any):
        """Run a case service at simulated time `t`, then set its database-clock columns to `t`."""
        result = fn(self.db, *args, now=t, **kw)
        with self.db.write() as s:
            s.execute(update(CaseEvent).where(CaseEvent.id > self.last_case_event).values(at=t))
            self.last_case_event = s.scalar(select(func.max(CaseEvent.id))) or self.last_case_event
            if new_case and getattr(result, "case_no", None):
                s.execute(update(Case).where(Case.case_no == result.case_no).values(created_at=t))
                self.case_ids[result.case_no] = s.scalar(select(Case.id).where(Case.case_no == result.case_no))
        return result

    # ----------------------------------------------------------------- run

    def run(self) -> None:
        with self.db.read() as s:
            self.last_case_event = s.scalar(select(func.max(CaseEvent.id))) or 0
        for i, day in enumerate(self.days):
            self.plan_day(i, day)
        current_day = None
        while self.heap:
            t, _, fn, args = heapq.heappop(self.heap)
            day = self.day_of(t)
            if day != current_day:
                current_day = day
                if self.progress and day in self.days:
                    self.progress(f"模拟 {day:%Y-%m-%d}（{'一二三四五六日'[day.weekday()]}）……")
            try:
                fn(t, *args)
            except HallError as exc:  # a refused action is part of real life; the simulation moves on
                msg = str(getattr(exc, "message", exc))
                self.skipped[msg] = self.skipped.get(msg, 0) + 1
        if self.progress:
            for msg, n in sorted(self.skipped.items(), key=lambda x: -x[1]):
                self.progress(f"  服务拒绝的操作 {n} 次：{msg}")

    def plan_day(self, i: int, day: dt.date) -> None:
        rng = self.rng
        n = len(self.days)
        late_i, idle_i, stand_i = (1 if n > 1 else 0), n - 1, 0
        batch_i = max((k for k, d in enumerate(self.days) if self.is_week_end(d)), default=n - 1)
        self.schedule(self.at(day, 8, 30), self.ev_timeouts)
        closed = self.closed_windows()
        for w in self.windows.values():
            if w.clerk is None or w.id in closed:
                continue
            who, stand_for, sign_at = w.clerk, None, self.at(day, 8, rng.uniform(38, 58))
            if i == late_i and w is self.late_window:
                sign_at = self.at(day, 10, rng.uniform(15, 25))
                single = next(q for q in w.queues if len(self.serving.get(q, [])) == 1)
                for _ in range(2):  # citizens who came early and wait at the empty post
                    self.schedule(self.at(day, 9, rng.uniform(5, 40)), self.ev_arrive, single, None)
                self.scenarios.append(f"{day:%m-%d} {w.number}号窗口 {w.clerk.name} 迟到至 "
                                      f"{clock.local(sign_at, self.tz):%H:%M} 签到（缺岗）")
            if i == stand_i and w is self.stand_in_window:
                who, stand_for = w.stand_in, w.clerk.staff_no
                self.scenarios.append(f"{day:%m-%d} {w.number}号窗口 {w.clerk.name} 请假，B岗 {w.stand_in.name} 代岗")
            no_calls = i == idle_i and w is self.idle_window
            if no_calls:
                self.scenarios.append(f"{day:%m-%d} {w.number}号窗口 {w.clerk.name} 签到后全天未办件（只进人不办事）")
            defer = i == batch_i and w is self.batch_window
            if defer:
                self.scenarios.append(f"{day:%m-%d} {w.number}号窗口 {w.clerk.name} 下班前集中补录办件（即办即录未落实）")
            breaks = []
            if rng.random() < 0.35:
                breaks.append((self.at(day, 11, rng.uniform(50, 100)), rng.randint(30, 40), "就餐"))
            if rng.random() < 0.1:
                breaks.append((self.at(day, 15, rng.uniform(0, 20)), 30, "会议"))
            if rng.random() < 0.1:
                breaks.append((self.hall_time(day, 9.5, 16.0), rng.randint(8, 15), "临时离开"))
            breaks.sort()
            self.schedule(sign_at, self.ev_sign_in, w.id, who, stand_for, no_calls, defer, breaks,
                          self.at(day, 17, rng.uniform(0, 12)))
            for b_at, _, _ in breaks:
                self.schedule(b_at, self.ev_break_due, w.id)
        # arrivals
        for qid, q in self.queues.items():
            if q.appointment_only or qid == self.pickup_queue or not self.serving.get(qid):
                continue
            base = BASE_TICKETS.get(q.prefix, DEFAULT_TICKETS)
            count = max(1, round(base * self.scale * rng.uniform(0.85, 1.15)))
            opens = max(9.0, q.opens_at.hour + q.opens_at.minute / 60)
            closes = q.closes_at.hour + q.closes_at.minute / 60 - 0.2
            hours = [h for h in ARRIVALS_BY_HOUR if opens <= h + 0.99 and h < closes]
            weights = [ARRIVALS_BY_HOUR[h] for h in hours]
            for _ in range(count):
                h = rng.choices(hours, weights)[0]
                minute = rng.uniform(max(0.0, (opens - h) * 60), min(60.0, (closes - h) * 60))
                self.schedule(self.at(day, h, minute), self.ev_arrive, qid, None)
        if self.pickup_queue is not None:
            for _ in range(max(0, round(4 * self.scale))):
                self.schedule(self.hall_time(day, 9.2, 16.5), self.ev_arrive, self.pickup_queue, None)
        if i == n // 2:
            self.schedule(self.at(day, 14, rng.uniform(0, 40)), self.ev_complaint, "服务态度")
        if i == n - 1:
            self.schedule(self.at(day, 10, rng.uniform(0, 40)), self.ev_complaint, "意见建议")
        self.schedule(self.at(day, 18, 30), self.ev_close_day, day)

    def closed_windows(self) -> set[int]:
        """Windows nobody staffs today (about a quarter); every queue keeps at least one window, and the windows
        of the staged situations are always open."""
        keep = {w.id for w in (self.late_window, self.idle_window, self.batch_window, self.stand_in_window) if w}
        keep |= {w.id for w in self.windows.values() if w.kind == WindowKind.PICKUP}
        closed = {w.id for w in self.windows.values()
                  if w.clerk is not None and w.id not in keep and self.rng.random() > STAFFED_SHARE}
        for q, wins in self.serving.items():
            open_here = [w for w in wins if w.clerk is not None and w.id not in closed and not
                         (w is self.idle_window)]
            if not open_here:
                candidates = [w for w in wins if w.clerk is not None and w.id in closed]
                if candidates:
                    closed.discard(self.rng.choice(candidates).id)
        return closed

    def is_week_end(self, day: dt.date) -> bool:
        nxt = self.calendar.add_working_days(day, 1)
        return nxt.isocalendar()[:2] != day.isocalendar()[:2] or nxt.month != day.month

    # ----------------------------------------------------------------- events: attendance

    def ev_timeouts(self, t: dt.datetime) -> None:
        from common.services.cases import resolve_timeouts

        changed = self.case_call(t, resolve_timeouts, actor=self.admin)
        for case_no in changed:
            self.after_settled(t, case_no)

    def ev_sign_in(self, t, wid, who: Actor, stand_for, no_calls, defer, breaks, sign_off) -> None:
        from common.services.attendance import sign_in

        w = self.windows[wid]
        info = sign_in(self.db, who, wid, stand_in_for_staff_no=stand_for, now=t)
        w.actor, w.session_id, w.closed, w.busy, w.idle = who, info.id, False, False, False
        w.no_calls, w.defer_cases, w.deferred = no_calls, defer, []
        w.breaks, w.sign_off_at = list(breaks), sign_off
        self.schedule(sign_off, self.ev_sign_off, wid)
        if defer:
            self.schedule(self.at(self.day_of(t), 16, self.rng.uniform(35, 45)), self.ev_batch_entry, wid)
        if no_calls:
            w.idle = False
            return
        self.schedule(t + dt.timedelta(minutes=max(0.0, (self.at(self.day_of(t), 9) - t).total_seconds() / 60) + 0.1),
                      self.ev_ready, wid)

    def ev_sign_off(self, t, wid) -> None:
        from common.services.attendance import sign_out

        w = self.windows[wid]
        if w.closed or w.session_id is None:
            return
        if w.busy or (not w.idle and not w.no_calls and clock.local(t, self.tz).hour < 18):
            # still serving, or citizens still waiting: the clerk stays until the queue is empty
            self.schedule(t + dt.timedelta(minutes=5), self.ev_sign_off, wid)
            return
        sign_out(self.db, w.actor, w.session_id, now=t)
        w.closed, w.idle = True, False

    def ev_break_due(self, t, wid) -> None:
        w = self.windows[wid]
        if w.idle and not w.closed:
            w.idle = False
            self.ev_ready(t, wid)

    def take_break(self, t, w: _Win) -> bool:
        from common.services.attendance import end_break, start_break

        due = [b for b in w.breaks if b[0] <= t]
        if not due:
            return False
        b = due[0]
        w.breaks.remove(b)
        start_break(self.db, w.actor, w.session_id, b[2], now=t)
        w.busy = True
        back = t + dt.timedelta(minutes=b[1])

        def resume(t2, wid):
            end_break(self.db, w.actor, w.session_id, now=t2)
            w.busy = False
            self.ev_ready(t2, wid)

        self.schedule(back, resume, w.id)
        return True

    def ev_close_day(self, t, day) -> None:
        from common.services.queue import close_day

        close_day(self.db, self.site_id, day, now=t)

    # ----------------------------------------------------------------- events: tickets

    def ev_arrive(self, t, queue_id, v: Optional[_Visitor]) -> None:
        from common.services.queue import issue_ticket

        if v is None:
            if queue_id == self.pickup_queue:
                v = self.pickup_visitor()
            else:
                v = self.visitor(queue_id)
        try:
            ticket = issue_ticket(self.db, queue_id, priority=v.priority, phone=v.applicant.phone,
                                  device="kiosk-1", item_code=v.item.code if v.item else None, now=t)
        except InvalidInput:
            return  # closed, capped: the citizen goes home
        v.ticket_id = ticket.ticket_id
        self.visitors[ticket.ticket_id] = v
        self.stats["tickets"] += 1
        self.wake(t, queue_id)

    def wake(self, t: dt.datetime, queue_id: int) -> None:
        """An idle window serving the queue (chosen at random) hears the kiosk's chime and calls."""
        idle = [w for w in self.serving.get(queue_id, []) if w.idle and not w.closed and not w.busy and not w.no_calls]
        if idle:
            w = self.rng.choice(idle)
            w.idle = False
            self.schedule(t + dt.timedelta(seconds=20), self.ev_ready, w.id)

    def pickup_visitor(self) -> _Visitor:
        if self.pending_pickups:
            case_no, name = self.pending_pickups.pop(0)
            v = self.visitor(self.pickup_queue, item=None, plan="pickup", case_no=case_no, pickup_name=name)
        else:
            v = self.visitor(self.pickup_queue, item=None, plan="consult")
        return v

    def ev_ready(self, t, wid) -> None:
        from common.services.queue import call_next

        w = self.windows[wid]
        if w.closed or w.busy or w.no_calls:
            return
        if self.take_break(t, w):
            return
        called = call_next(self.db, w.actor, wid, now=t)
        if called is None:
            w.idle = True
            if w.sign_off_at is not None and t >= w.sign_off_at:
                self.ev_sign_off(t, wid)
            return
        w.busy, w.idle = True, False
        v = self.visitors.get(called.ticket_id) or self.visitor(called.queue_id, plan="consult")
        self.visitors[called.ticket_id] = v
        rng = self.rng
        if v.no_show:
            self.schedule(t + dt.timedelta(minutes=1.5), self.ev_recall, wid, called.ticket_id)
            self.schedule(t + dt.timedelta(minutes=3), self.ev_no_show, wid, called.ticket_id)
            return
        start = t + dt.timedelta(minutes=rng.uniform(0.4, 1.8))
        self.schedule(start, self.ev_start, wid, called.ticket_id)

    def ev_recall(self, t, wid, ticket_id) -> None:
        from common.services.queue import recall

        recall(self.db, self.windows[wid].actor, wid, ticket_id, now=t)

    def ev_no_show(self, t, wid, ticket_id) -> None:
        from common.services.queue import mark_no_show

        w = self.windows[wid]
        v = self.visitors[ticket_id]
        mark_no_show(self.db, w.actor, wid, ticket_id, requeue=v.requeue, now=t)
        if v.requeue:
            v.no_show = False  # came back; served when called again
        else:
            self.stats["no_show"] += 1
        w.busy = False
        self.ev_ready(t + dt.timedelta(seconds=15), wid)

    def ev_start(self, t, wid, ticket_id) -> None:
        from common.services.queue import start_service

        w = self.windows[wid]
        v = self.visitors[ticket_id]
        start_service(self.db, w.actor, wid, ticket_id, now=t)
        # a comprehensive window sends a few citizens on to a specialised queue (转移)
        if w.kind == WindowKind.COMPREHENSIVE and self.rng.random() < 0.03:
            others = [q for q in self.items_by_queue if q not in w.queues and self.serving.get(q)
                      and q != self.pickup_queue]
            if others:
                self.schedule(t + dt.timedelta(minutes=2), self.ev_transfer, wid, ticket_id, self.rng.choice(others))
                return
        intake_at = t + dt.timedelta(minutes=v.service_min * 0.75)
        self.schedule(intake_at, self.ev_intake, wid, ticket_id)
        self.schedule(t + dt.timedelta(minutes=v.service_min), self.ev_finish, wid, ticket_id)

    def ev_transfer(self, t, wid, ticket_id, to_queue) -> None:
        from common.services.queue import transfer

        w = self.windows[wid]
        transfer(self.db, w.actor, wid, ticket_id, to_queue_id=to_queue, note="非本窗口业务，转专业窗口办理", now=t)
        old = self.visitors[ticket_id]
        v = self.visitor(to_queue, applicant=old.applicant)
        v.no_show, v.ticket_id = False, ticket_id
        self.visitors[ticket_id] = v
        w.busy = False
        self.ev_ready(t + dt.timedelta(seconds=20), wid)
        self.wake(t, to_queue)

    def ev_finish(self, t, wid, ticket_id) -> None:
        from common.services.queue import finish

        w = self.windows[wid]
        finish(self.db, w.actor, wid, ticket_id, now=t)
        self.stats["served"] += 1
        self.schedule(t + dt.timedelta(seconds=12), self.ev_rate, wid, ticket_id, w.actor)
        w.busy = False  # filing papers, then the next call
        self.schedule(t + dt.timedelta(minutes=self.rng.uniform(0.5, 3.0)), self.ev_ready, wid)

    def ev_rate(self, t, wid, ticket_id, clerk: Actor) -> None:
        from common.services.ratings import record_skipped, submit_rating

        v = self.visitors[ticket_id]
        case_id = self.case_ids.get(v.case_no) if v.case_no else None
        r = self.rng.random()
        if r < 0.012:
            return  # the pad never asked: a missed rating
        if r < 0.04:
            record_skipped(self.db, ticket_id=ticket_id, case_id=case_id, window_id=wid, staff_id=clerk.staff_id,
                           now=t)
            self.stats["skipped"] += 1
            return
        level = self.rng.choices([5, 4, 3, 2, 1], [0.80, 0.13, 0.045, 0.017, 0.008])[0]
        reasons = [self.rng.choice(LOW_REASONS)] if level <= 2 else []
        submit_rating(self.db, ticket_id=ticket_id, case_id=case_id, window_id=wid, staff_id=clerk.staff_id,
                      level=level, reasons=reasons, now=t)
        self.stats["ratings"] += 1

    # ----------------------------------------------------------------- events: cases

    def request(self, v: _Visitor, wid: int, ticket_id: Optional[int], *, missing: bool = False, **kw):
        from common.services.cases import IntakeRequest

        provided = list(v.item.all_materials)
        if missing and v.item.required:
            drop = self.rng.sample(v.item.required, k=1 if len(v.item.required) < 3 else self.rng.randint(1, 2))
            provided = [m for m in provided if m not in drop]
        return IntakeRequest(item_code=v.item.code, applicant=v.applicant, ticket_id=ticket_id, window_id=wid,
                             provided_material_ids=frozenset(provided), **kw)

    def ev_intake(self, t, wid, ticket_id) -> None:
        w = self.windows[wid]
        v = self.visitors[ticket_id]
        if v.plan == "consult" or (v.item is None and v.plan not in ("supply", "pickup")):
            return
        if w.defer_cases and v.plan == "immediate" and len(w.deferred) < 7 and \
                clock.local(t, self.tz).hour < 15:
            w.deferred.append((v, ticket_id))  # served now, entered in the evening burst
            return
        self.intake(t, w, v, ticket_id)

    def intake(self, t: dt.datetime, w: _Win, v: _Visitor, ticket_id: Optional[int]) -> None:
        from common.services import cases
        from common.services.cases import JointPart

        clerk, rng = w.actor, self.rng
        plan = v.plan
        if plan in ("immediate", "promised", "joint", "urgent", "escalated", "correction") and \
                not self.deadline_known(self.day_of(t), max(v.item.limit, v.item.statutory)):
            if not self.unknown_year_noted:
                self.unknown_year_noted = True
                self.scenarios.append("部分事项的办理期限跨入尚未录入节假日安排的年份，系统不能受理，只作咨询"
                                      "（请用 hall calendar set 录入下一年的法定节假日）")
            v.plan = "consult"
            return
        if plan == "supply":
            missing = self.missing_materials(v.case_no)
            if missing:
                res = self.case_call(t, cases.supply_materials, clerk, v.case_no, missing, window_id=w.id)
                if res.status == "accepted":  # complete: now a 承诺件 with its clock running
                    self.plan_decisions(t, res)
            return
        if plan == "pickup":
            self.case_call(t, cases.record_pickup, clerk, v.case_no, v.pickup_name, window_id=w.id)
            return
        if plan == "immediate":
            res = self.case_call(t, cases.accept_immediate, clerk, self.request(v, w.id, ticket_id), new_case=True)
        elif plan == "promised":
            res = self.case_call(t, cases.accept_promised, clerk, self.request(v, w.id, ticket_id), new_case=True)
        elif plan == "correction":
            res = self.case_call(t, cases.request_correction, clerk, self.request(v, w.id, ticket_id, missing=True),
                                 new_case=True)
        elif plan == "rejected":
            res = self.case_call(t, cases.reject, clerk,
                                 self.request(v, w.id, ticket_id, reason=rng.choice(REJECT_REASONS)), new_case=True)
        elif plan == "joint":
            parts = tuple(JointPart(code, rng.randint(1, max(1, v.item.limit)))
                          for code in self.partners(v.item)[: rng.randint(1, 2)])
            res = self.case_call(t, cases.accept_joint, clerk, self.request(v, w.id, ticket_id, joint_parts=parts),
                                 new_case=True)
        elif plan == "urgent":
            res = self.case_call(t, cases.accept_urgent, clerk,
                                 self.request(v, w.id, ticket_id, reason="县重点项目，按特别程序加急办理"), new_case=True)
        elif plan == "escalated":
            res = self.case_call(t, cases.escalate, clerk,
                                 self.request(v, w.id, ticket_id, escalated_to=ESCALATE_TO,
                                              reason="窗口初审通过，报上级机关审批"), new_case=True)
        else:
            return
        v.case_no = res.case_no
        self.by_type[plan] += 1
        day = self.day_of(t)
        if plan == "correction" and rng.random() < 0.75:
            back = self.working_day_after(day, rng.randint(1, 3))
            self.schedule(self.hall_time(back, 9.2, 16.3), self.ev_arrive, v.queue_id,
                          self.visitor(v.queue_id, item=v.item, plan="supply", applicant=v.applicant,
                                       case_no=res.case_no))
        elif plan == "rejected" and rng.random() < 0.3:
            back = self.working_day_after(day, rng.randint(1, 3))
            again = "immediate" if v.item.handling == ItemHandling.IMMEDIATE else "promised"
            self.schedule(self.hall_time(back, 9.2, 16.3), self.ev_arrive, v.queue_id,
                          self.visitor(v.queue_id, item=v.item, plan=again, applicant=v.applicant))
        elif plan in ("promised", "joint", "urgent", "escalated"):
            self.plan_decisions(t, res)

    def deadline_known(self, day: dt.date, days: int) -> bool:
        from common.workdays import CalendarRangeError

        try:
            self.calendar.add_working_days(day, days)
        except CalendarRangeError:
            return False
        return True

    def missing_materials(self, case_no: str) -> list[int]:
        from common.db.models import CaseMaterial

        with self.db.read() as s:
            return [m for (m,) in s.execute(
                select(CaseMaterial.material_id).join(Case, Case.id == CaseMaterial.case_id)
                .where(Case.case_no == case_no, CaseMaterial.required.is_(True), CaseMaterial.provided.is_(False),
                       CaseMaterial.material_id.is_not(None)))]

    def plan_decisions(self, t: dt.datetime, res: Any) -> None:
        rng = self.rng
        with self.db.read() as s:
            tasks = s.execute(select(CaseTask.id, CaseTask.department_id, CaseTask.kind, CaseTask.lead,
                                     CaseTask.deadline)
                              .join(Case, Case.id == CaseTask.case_id).where(Case.case_no == res.case_no)
                              .order_by(CaseTask.id)).all()
        accepted = self.day_of(t)
        if not self.deadline_known(accepted, 0):
            return
        for task in tasks:
            deadline = task.deadline or res.deadline or accepted
            if task.kind == "joint" and not task.lead and rng.random() < 0.25:
                continue  # the joint department stays silent: 超时默认 deems it approved
            r = rng.random()
            try:
                if r < 0.82:
                    span = max(0, self.calendar.working_days_between(accepted, deadline))
                    day = self.working_day_after(accepted, rng.randint(0, span)) if span else accepted
                elif r < 0.92:
                    day = self.working_day_after(deadline, rng.randint(1, 3))
                else:
                    continue  # never decided within the simulation: open (overdue once its deadline passes)
            except HallError:  # a year the calendar does not know yet: decided after the simulation
                continue
            when = self.hall_time(day, 9.5, 16.8)
            if when <= t:
                when = t + dt.timedelta(minutes=rng.uniform(20, 90))
            approve = rng.random() > 0.04
            self.schedule(when, self.ev_decide, task.id, task.department_id, approve, res.case_no)

    def ev_decide(self, t, task_id, dept_id, approve, case_no) -> None:
        from common.services.cases import decide_task

        actor = self.deciders.get(dept_id) or self.admin
        opinion = "" if approve else "经审查，申请材料不符合法定条件，不予许可。"
        try:
            res = self.case_call(t, decide_task, actor, task_id, approve, opinion)
        except (InvalidInput, Conflict):
            return  # the case was settled meanwhile (another department denied it)
        self.stats["decisions"] += 1
        if res.case_status in ("approved", "denied"):
            self.after_settled(t, case_no, actor)

    def after_settled(self, t: dt.datetime, case_no: str, actor: Optional[Actor] = None) -> None:
        from common.services.cases import mark_ready

        if self.pickup_queue is None:
            return
        with self.db.read() as s:
            row = s.execute(select(Case.status, Case.delivery, Case.applicant_kind, Case.applicant_name,
                                   Case.agent_name, Case.department_id).where(Case.case_no == case_no)).first()
        if row is None or str(row.status) not in ("approved", "denied") or str(row.delivery) != "pickup":
            return
        who = actor or self.deciders.get(row.department_id) or self.admin
        self.schedule(t + dt.timedelta(minutes=3), lambda t2: self.case_call(t2, mark_ready, who, case_no))
        name = row.applicant_name if str(row.applicant_kind) == "person" else (row.agent_name or self.person()[0])
        self.pending_pickups.append((case_no, name))
        back = self.working_day_after(self.day_of(t), self.rng.randint(1, 2))
        self.schedule(self.hall_time(back, 9.2, 16.8), self.ev_arrive, self.pickup_queue, None)

    def ev_batch_entry(self, t, wid) -> None:
        w = self.windows[wid]
        if w.closed:
            return
        if w.busy:
            self.schedule(t + dt.timedelta(minutes=2), self.ev_batch_entry, wid)
            return
        if not w.deferred:
            return
        w.busy = True
        at = t
        for v, ticket_id in w.deferred:
            self.intake(at, w, v, ticket_id)
            at += dt.timedelta(minutes=2)
        w.deferred = []
        w.busy = False
        self.schedule(at, self.ev_ready, wid)

    # ----------------------------------------------------------------- complaints

    def ev_complaint(self, t, category: str) -> None:
        from common.services.complaints import submit_complaint

        open_windows = [w for w in self.windows.values() if not w.closed and w.kind != WindowKind.PICKUP]
        if category == "意见建议" or not open_windows:
            submit_complaint(self.db, self.site_id, category="意见建议", phrases=["希望增加周末服务"],
                             device="kiosk-1", now=t)
        else:
            w = self.rng.choice(open_windows)
            submit_complaint(self.db, self.site_id, category=category, phrases=["不耐烦，不愿解释"],
                             window_number=w.number, device="kiosk-1", now=t)
        self.stats["complaints"] += 1


# --------------------------------------------------------------------------------------------- entry point


def simulation_days(db: Database, days: int, *, site_code: Optional[str] = None,
                    end_day: Optional[dt.date] = None) -> tuple[Site, list[dt.date]]:
    """The site and the `days` working days ending at `end_day` (default: the last working day before today)."""
    from common.services.calendar import working_calendar_in
    from common.services.sites import resolve_site

    if days < 1 or days > 31:
        raise InvalidInput("模拟天数应为 1–31 个工作日。")
    info = resolve_site(db, site_code)
    with db.read() as s:
        site = s.get(Site, info.id)
        cal = working_calendar_in(s, site.id)
    tz = site.timezone or clock.DEFAULT_TZ
    one = dt.timedelta(days=1)
    last = cal.previous_working_day(end_day or clock.business_day(clock.utcnow(), tz) - one)
    out = [last]
    while len(out) < days:
        out.append(cal.previous_working_day(out[-1] - one))
    return site, sorted(out)


def simulate_days(
    db: Database,
    days: int = 5,
    seed: int = 1,
    *,
    site_code: Optional[str] = None,
    end_day: Optional[dt.date] = None,
    scale: float = 1.0,
    progress: Optional[Callable[[str], None]] = None,
) -> ActivitySummary:
    """Fill `days` working days (ending at `end_day`, default the last working day before today) of the hall with
    simulated activity through the real services. Deterministic for a seed on an identical database.

    Refused (Conflict) when any of those days already has tickets at the site.
    """
    if not 0.02 <= scale <= 5:
        raise InvalidInput("模拟规模应在 0.02–5 之间（1 为普通工作日的客流）。")
    site, day_list = simulation_days(db, days, site_code=site_code, end_day=end_day)
    with db.read() as s:
        busy = s.scalar(select(func.count(Ticket.id)).where(
            Ticket.site_id == site.id, Ticket.business_day >= day_list[0], Ticket.business_day <= day_list[-1]))
        if not s.scalar(select(func.count(Window.id)).where(Window.site_id == site.id)):
            raise NotFound(f"站点 {site.code} 还没有窗口，无法模拟。请先载入演示大厅（hall demo-data）。")
    if busy:
        raise Conflict(f"{day_list[0]:%Y-%m-%d} 至 {day_list[-1]:%Y-%m-%d} 已有 {busy} 个排队号，"
                       "不再重复模拟。请用 --end 选择更早的日期。")
    sim = _Sim(db, site, random.Random(seed), scale, day_list, progress)
    sim.run()
    return ActivitySummary(
        site_code=site.code, days=day_list, tickets=sim.stats["tickets"], served=sim.stats["served"],
        no_show=sim.stats["no_show"], cases=sum(sim.by_type.values()), cases_by_type=dict(sim.by_type),
        decisions=sim.stats["decisions"], ratings=sim.stats["ratings"], skipped_ratings=sim.stats["skipped"],
        complaints=sim.stats["complaints"], scenarios=list(sim.scenarios),
    )


__all__ = ["ActivitySummary", "simulate_days", "simulation_days"]
