"""运行报表: a small known day in the demo hall, played through the real services, and every figure checked.

The day (Monday 2026-11-16, hall time):
  window 1 (王丽, queue A 企业开办, target wait 15 min), window 12 (胡雪梅, queue C 社保医保, 15 min),
  window 11 (朱鹏) signs in and serves nobody (只进人不办事); queue J has no clerk at all (缺岗).

  ticket  issued  called  started finished  case                         rating
  A001    09:00   09:05   09:06   09:16     即办 SCJGJ-005 (P1)           5
  A002    09:02   09:16   09:17   09:37     承诺 SCJGJ-001 (P2)           4
  A003    09:10   09:37   —       过号 09:40
  A004    09:20   09:40   09:41   09:50     补办 SCJGJ-002 (P2)           skipped
  C001    09:00   09:00   09:01   09:06     即办 RS-001 (P3)              3
  C002    09:03   09:06   09:07   09:12     即办 RS-001 (P3 again)        2
  C003    09:30   09:30   09:31   09:35     — (a question)               none
  J001    09:30   —       —       expired at day close

Earlier: a 承诺件 accepted 11-10 (deadline 11-11) never decided (overdue), one accepted 11-12 (deadline 11-13)
decided on 11-16 (late); A002's case is decided on time on 11-16.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from common.db.models import CaseTask, Case, Queue, Site, Staff, Window
from common.domain import ApplicantKind
from common.errors import PermissionDenied
from common.services import attendance, cases, queue, ratings
from common.services.cases import ApplicantInput, IntakeRequest
from common.services.complaints import submit_complaint
from common.services.demo import load_demo_hall
from common.services.permissions import Actor
from common.services.reports import (
    day_period,
    fmt_pct,
    hall_report,
    headline,
    month_period,
    p90,
    period_for,
    week_period,
)
from common.validation import id_check_char

TZ = ZoneInfo("Asia/Shanghai")
DAY = dt.date(2026, 11, 16)


def at(h: int, m: int = 0, s: int = 0, day: dt.date = DAY) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(h, m, s), TZ).astimezone(dt.timezone.utc)


def pid(first17: str) -> str:
    return first17 + id_check_char(first17)


P1 = ApplicantInput(ApplicantKind.PERSON, "张晓明", pid("34112219850312001"), "13905501234")
P2 = ApplicantInput(ApplicantKind.PERSON, "李秀英", pid("34112219700101002"), "13905505678")
P3 = ApplicantInput(ApplicantKind.PERSON, "王建国", pid("34112219620808003"))
P4 = ApplicantInput(ApplicantKind.PERSON, "赵丽", pid("34112219900505004"))
P5 = ApplicantInput(ApplicantKind.PERSON, "钱伟", pid("34112219881111005"))


@dataclass
class Hall:
    db: object
    site_id: int
    windows: dict[int, int]
    queues: dict[str, int]
    actors: dict[str, Actor]

    def actor(self, staff_no: str) -> Actor:
        return self.actors[staff_no]


def actor_of(st: Staff) -> Actor:
    return Actor(staff_id=st.id, staff_no=st.staff_no, name=st.name, roles=frozenset(r.role for r in st.roles),
                 site_id=st.site_id, department_id=st.department_id)


def demo_hall(db) -> Hall:
    load_demo_hall(db)
    with db.read() as s:
        site = s.scalar(select(Site).where(Site.code == "COUNTY"))
        windows = {w.number: w.id for w in s.scalars(select(Window).where(Window.site_id == site.id))}
        queues = {q.prefix: q.id for q in s.scalars(select(Queue).where(Queue.site_id == site.id))}
        actors = {st.staff_no: actor_of(st) for st in s.scalars(select(Staff))}
    return Hall(db, site.id, windows, queues, actors)


def required(db, code: str) -> frozenset[int]:
    return frozenset(m.material_id for m in cases.intake_checklist(db, code).materials if m.required)


def request(db, code: str, applicant, ticket_id=None, window_id=None, *, drop: int = 0) -> IntakeRequest:
    mats = sorted(required(db, code))
    return IntakeRequest(item_code=code, applicant=applicant, ticket_id=ticket_id, window_id=window_id,
                         provided_material_ids=frozenset(mats[drop:]))


def task_of(db, case_no: str) -> int:
    with db.read() as s:
        return s.scalar(select(CaseTask.id).join(Case, Case.id == CaseTask.case_id).where(Case.case_no == case_no))


def play_day(h: Hall, *, decide_late: bool = True) -> dict[str, object]:
    """The known day. Returns the tickets and cases by name."""
    db = h.db
    wang, hu, zhu = h.actor("1001"), h.actor("1012"), h.actor("1011")
    w1, w11, w12 = h.windows[1], h.windows[11], h.windows[12]
    approver = h.actor("1101")  # 田野, 县市场监督管理局 back office

    # earlier days: two 承诺件 of SCJGJ-001 (1 working day)
    old_open = cases.accept_promised(db, wang, request(db, "SCJGJ-001", P4, window_id=w1),
                                     now=at(10, day=dt.date(2026, 11, 10)))
    old_late = cases.accept_promised(db, wang, request(db, "SCJGJ-001", P5, window_id=w1),
                                     now=at(10, day=dt.date(2026, 11, 12)))
    assert old_open.deadline == dt.date(2026, 11, 11) and old_late.deadline == dt.date(2026, 11, 13)

    s1 = attendance.sign_in(db, wang, w1, now=at(8, 50))
    s12 = attendance.sign_in(db, hu, w12, now=at(8, 55))
    s11 = attendance.sign_in(db, zhu, w11, now=at(9, 0))

    A, C, J = h.queues["A"], h.queues["C"], h.queues["J"]
    t = {}
    t["A001"] = queue.issue_ticket(db, A, now=at(9, 0))
    t["C001"] = queue.issue_ticket(db, C, now=at(9, 0))
    t["A002"] = queue.issue_ticket(db, A, now=at(9, 2))
    t["C002"] = queue.issue_ticket(db, C, now=at(9, 3))

    # window 12
    assert queue.call_next(db, hu, w12, now=at(9, 0)).ticket_id == t["C001"].ticket_id
    queue.start_service(db, hu, w12, t["C001"].ticket_id, now=at(9, 1))
    c_c1 = cases.accept_immediate(db, hu, request(db, "RS-001", P3, t["C001"].ticket_id, w12), now=at(9, 3))
    queue.finish(db, hu, w12, t["C001"].ticket_id, now=at(9, 6))
    # window 1
    assert queue.call_next(db, wang, w1, now=at(9, 5)).ticket_id == t["A001"].ticket_id
    queue.start_service(db, wang, w1, t["A001"].ticket_id, now=at(9, 6))
    assert queue.call_next(db, hu, w12, now=at(9, 6)).ticket_id == t["C002"].ticket_id
    queue.start_service(db, hu, w12, t["C002"].ticket_id, now=at(9, 7))
    c_a1 = cases.accept_immediate(db, wang, request(db, "SCJGJ-005", P1, t["A001"].ticket_id, w1), now=at(9, 10))
    c_c2 = cases.accept_immediate(db, hu, request(db, "RS-001", P3, t["C002"].ticket_id, w12), now=at(9, 10))
    t["A003"] = queue.issue_ticket(db, A, now=at(9, 10))
    queue.finish(db, hu, w12, t["C002"].ticket_id, now=at(9, 12))
    queue.finish(db, wang, w1, t["A001"].ticket_id, now=at(9, 16))
    assert queue.call_next(db, wang, w1, now=at(9, 16)).ticket_id == t["A002"].ticket_id
    queue.start_service(db, wang, w1, t["A002"].ticket_id, now=at(9, 17))
    c_a2 = cases.accept_promised(db, wang, request(db, "SCJGJ-001", P2, t["A002"].ticket_id, w1), now=at(9, 20))
    t["A004"] = queue.issue_ticket(db, A, now=at(9, 20))
    t["C003"] = queue.issue_ticket(db, C, now=at(9, 30))
    t["J001"] = queue.issue_ticket(db, J, now=at(9, 30))
    assert queue.call_next(db, hu, w12, now=at(9, 30)).ticket_id == t["C003"].ticket_id
    queue.start_service(db, hu, w12, t["C003"].ticket_id, now=at(9, 31))
    queue.finish(db, hu, w12, t["C003"].ticket_id, now=at(9, 35))
    queue.finish(db, wang, w1, t["A002"].ticket_id, now=at(9, 37))
    assert queue.call_next(db, wang, w1, now=at(9, 37)).ticket_id == t["A003"].ticket_id
    queue.mark_no_show(db, wang, w1, t["A003"].ticket_id, now=at(9, 40))
    assert queue.call_next(db, wang, w1, now=at(9, 40)).ticket_id == t["A004"].ticket_id
    queue.start_service(db, wang, w1, t["A004"].ticket_id, now=at(9, 41))
    c_a4 = cases.request_correction(db, wang, request(db, "SCJGJ-002", P2, t["A004"].ticket_id, w1, drop=1),
                                    now=at(9, 45))
    queue.finish(db, wang, w1, t["A004"].ticket_id, now=at(9, 50))

    # the rating pads
    ids = {k: v.ticket_id for k, v in t.items()}
    case_id = {}
    with db.read() as s:
        for no in (c_a1.case_no, c_a2.case_no, c_c1.case_no, c_c2.case_no):
            case_id[no] = s.scalar(select(Case.id).where(Case.case_no == no))
    staff = {1: wang.staff_id, 12: hu.staff_id}
    ratings.submit_rating(db, ticket_id=ids["A001"], case_id=case_id[c_a1.case_no], window_id=w1, staff_id=staff[1],
                          level=5, now=at(9, 16, 20))
    ratings.submit_rating(db, ticket_id=ids["A002"], case_id=case_id[c_a2.case_no], window_id=w1, staff_id=staff[1],
                          level=4, now=at(9, 37, 20))
    ratings.record_skipped(db, ticket_id=ids["A004"], window_id=w1, staff_id=staff[1], now=at(9, 50, 30))
    ratings.submit_rating(db, ticket_id=ids["C001"], case_id=case_id[c_c1.case_no], window_id=w12, staff_id=staff[12],
                          level=3, now=at(9, 6, 20))
    ratings.submit_rating(db, ticket_id=ids["C002"], case_id=case_id[c_c2.case_no], window_id=w12, staff_id=staff[12],
                          level=2, reasons=["等候时间长"], now=at(9, 12, 20))

    submit_complaint(db, h.site_id, category="服务态度", phrases=["不耐烦，不愿解释"], window_number=12, now=at(10, 0))

    # back office: A002's case on time (deadline 11-17); the 11-12 case late (deadline 11-13)
    cases.decide_task(db, approver, task_of(db, c_a2.case_no), True, now=at(15, 0))
    if decide_late:
        cases.decide_task(db, approver, task_of(db, old_late.case_no), True, now=at(11, 0))

    for sess, who in ((s1, wang), (s12, hu), (s11, zhu)):
        attendance.sign_out(db, who, sess.id, now=at(17, 0))
    queue.close_day(db, h.site_id, DAY, now=at(17, 30))
    return {"tickets": t, "old_open": old_open, "old_late": old_late, "c_a1": c_a1, "c_a2": c_a2, "c_a4": c_a4,
            "c_c1": c_c1, "c_c2": c_c2}


NOW = at(10, 0, day=dt.date(2026, 11, 23))  # the manager reads the report a week later


@pytest.fixture
def hall(db):
    return demo_hall(db)


def report_of(h: Hall, day_from=DAY, day_to=DAY, who: str = "1901"):
    return hall_report(h.db, h.actor(who), h.site_id, day_from, day_to, now=NOW)


# --------------------------------------------------------------------------------------------- periods


def test_periods():
    assert day_period(dt.date(2026, 11, 23)).label == "2026年11月23日"
    w = week_period(dt.date(2026, 11, 25))
    assert (w.day_from, w.day_to) == (dt.date(2026, 11, 23), dt.date(2026, 11, 29))
    assert w.label == "2026年第48周（11月23日—11月29日）" and w.title_word == "运行周报"
    m = month_period(dt.date(2026, 2, 14))
    assert (m.day_from, m.day_to, m.label, m.title_word) == (dt.date(2026, 2, 1), dt.date(2026, 2, 28), "2026年2月",
                                                             "运行月报")
    assert period_for(dt.date(2026, 11, 1), dt.date(2026, 11, 30)).kind == "month"
    assert period_for(dt.date(2026, 11, 23), dt.date(2026, 11, 29)).kind == "week"
    custom = period_for(dt.date(2026, 11, 3), dt.date(2026, 11, 9))
    assert custom.kind == "custom" and custom.label == "2026年11月3日—11月9日"
    assert p90([]) is None and p90([3]) == 3 and p90(list(range(1, 11))) == 9 and p90(list(range(1, 12))) == 10
    assert fmt_pct(0.9949) == "99.49%" and fmt_pct(1.0) == "100%" and fmt_pct(0.45) == "45%" and fmt_pct(None) == "—"


# --------------------------------------------------------------------------------------------- the known day


def test_known_day_every_figure(hall):
    play_day(hall)
    r = report_of(hall)
    o = r.overview
    assert r.title == "示例县政务服务中心 2026年11月16日 运行日报"
    # tickets
    assert (o.tickets_issued, o.tickets_served, o.tickets_no_show, o.tickets_unserved) == (8, 6, 1, 1)
    assert o.tickets_called == 7 and o.tickets_walk_direct == 0
    assert o.no_show_rate == pytest.approx(1 / 7)
    assert o.wait_avg_min == pytest.approx((5 + 14 + 27 + 20 + 0 + 3 + 0) / 7)
    assert o.wait_p90_min == pytest.approx(27)
    assert o.service_avg_min == pytest.approx((10 + 20 + 9 + 5 + 5 + 4) / 6)
    assert o.service_p90_min == pytest.approx(20)
    assert o.service_level == pytest.approx(5 / 7)  # A003 (27) and A004 (20) waited longer than 15 minutes
    # cases
    assert o.cases_total == 5
    assert o.cases_by_type == {"immediate": 3, "rejected": 0, "correction": 1, "promised": 1, "joint": 0,
                               "escalated": 0, "urgent": 0}
    assert o.immediate_share == pytest.approx(0.6)
    assert (o.onsite_finished, o.onsite_rate) == (3, pytest.approx(0.6))
    assert (o.cases_accepted, o.accepted_finished, o.finish_rate) == (4, 4, 1.0)  # A004's 补办件 still waits
    assert (o.cases_finished, o.cases_finished_on_time) == (5, 4)
    assert o.on_time_rate == pytest.approx(0.8)
    assert o.overdue_open == 1
    # ratings and complaints
    assert (o.ratings_rated, o.ratings_skipped, o.ratings_missed) == (4, 1, 2)
    assert o.rating_rate == pytest.approx(4 / 6)
    assert o.satisfaction == pytest.approx(3 / 4)
    assert o.ratings_by_level == {5: 1, 4: 1, 3: 1, 2: 1, 1: 0}
    assert (o.complaints, o.complaints_open) == (1, 1)
    assert (o.windows_staffed, o.staff_on_duty) == (3, 3)
    assert "按时办结率为80%" in headline(r) and "群众满意率75%" in headline(r)


def test_known_day_tables(hall):
    play_day(hall)
    r = report_of(hall)
    w = {row.number: row for row in r.windows}
    assert len(r.windows) == 25  # every active window is listed
    w1, w12, w11 = w[1], w[12], w[11]
    assert (w1.called, w1.served, w1.no_show_events, w1.cases, w1.immediate) == (4, 3, 1, 3, 1)
    assert w1.service_avg_min == pytest.approx(13.0)
    assert (w1.rated, w1.skipped, w1.missed) == (2, 1, 1) and w1.rating_rate == pytest.approx(2 / 3)
    assert w1.satisfaction == 1.0 and w1.owes_explanation and w1.explanation_reasons == ["漏评 1 次"]
    assert w1.hours_on_duty == pytest.approx(8.17) and w1.staff == ["王丽"]
    assert w1.department == "县市场监督管理局" and w1.department_short == "市场监管"
    assert (w12.served, w12.cases, w12.immediate, w12.rated, w12.missed, w12.complaints) == (3, 2, 2, 2, 1, 1)
    assert w12.satisfaction == pytest.approx(0.5)
    assert w12.explanation_reasons == ["漏评 1 次", "群众满意率 50.00%，低于100%"]
    assert (w11.served, w11.cases, w11.hours_on_duty, w11.owes_explanation) == (0, 0, 8.0, False)
    # the same rates as the rating service computes
    for stat in ratings.rating_stats(hall.db, hall.site_id, DAY, DAY, "window"):
        row = next(x for x in r.windows if x.window_id == stat.key)
        assert (row.rated, row.missed) == (stat.rated, stat.missed)
        assert row.rating_rate == pytest.approx(stat.rating_rate) and row.satisfaction == pytest.approx(stat.satisfaction)

    clerks = {c.staff_no: c for c in r.clerks}
    assert set(clerks) == {"1001", "1012", "1011"}
    assert (clerks["1001"].served, clerks["1001"].cases, clerks["1001"].windows) == (3, 3, [1])
    assert (clerks["1012"].served, clerks["1012"].cases, clerks["1012"].complaints) == (3, 2, 1)
    assert clerks["1011"].served == 0 and clerks["1011"].hours_on_duty == pytest.approx(8.0)

    depts = {d.code: d for d in r.departments}
    scj, rs = depts["SCJGJ"], depts["RS"]
    assert (scj.cases, scj.by_type["immediate"], scj.by_type["promised"], scj.by_type["correction"]) == (3, 1, 1, 1)
    assert (scj.finished, scj.overdue_open) == (3, 1) and scj.on_time_rate == pytest.approx(2 / 3)
    assert (rs.cases, rs.finished, rs.on_time_rate, rs.immediate_share) == (2, 2, 1.0, 1.0)
    assert rs.satisfaction == pytest.approx(0.5) and rs.complaints == 1  # via window 12 (人社 department)

    q = {row.prefix: row for row in r.queues}
    assert (q["A"].issued, q["A"].served, q["A"].no_show) == (4, 3, 1)
    assert q["A"].wait_avg_min == pytest.approx(16.5) and q["A"].wait_p90_min == pytest.approx(27)
    assert q["A"].service_level == pytest.approx(0.5) and q["A"].no_show_rate == pytest.approx(0.25)
    assert (q["C"].issued, q["C"].served, q["C"].wait_avg_min, q["C"].service_level) == (3, 3, pytest.approx(1.0), 1.0)
    assert (q["J"].issued, q["J"].served, q["J"].wait_avg_min) == (1, 0, None)

    items = r.items
    assert [i.code for i in items][:1] == ["RS-001"] and items[0].cases == 2 and items[0].repeat_applicants == 1
    assert {i.code for i in items} == {"RS-001", "SCJGJ-005", "SCJGJ-001", "SCJGJ-002"}

    assert [(hr.hour, hr.issued, hr.served) for hr in r.hourly if hr.issued or hr.served] == [(9, 8, 6)]
    assert len(r.daily) == 1 and (r.daily[0].issued, r.daily[0].cases, r.daily[0].finished) == (8, 5, 5)


def test_known_day_warnings(hall):
    play_day(hall)
    r = report_of(hall, who="1903")  # a supervisor (电子监察) reads it too
    kinds = [w.kind for w in r.warnings]
    assert kinds == ["unstaffed", "idle_window", "repeat_visits", "overdue", "explanation", "explanation"]
    # 缺岗: J001 waited from 09:30 until the day was closed at 17:30 with nobody at window 18
    (u,) = r.unstaffed
    assert (u.prefix, u.day, u.tickets, u.longest_minutes, u.live) == ("J", DAY, 1, 480, False)
    assert r.warnings[0].subject == "J 车驾管业务" and "09:30—17:30" in r.warnings[0].detail
    # 只进人不办事: window 11
    (idle,) = r.idle_windows
    assert (idle.window, idle.staff, idle.minutes_signed_in) == ("11号窗口", ["朱鹏"], 480)
    # 群众两头跑: 王建国 came twice for RS-001
    (rep,) = r.repeat_visits
    assert (rep.applicant, rep.item_code, rep.visits, rep.types) == ("王*国", "RS-001", 2, ["即办件", "即办件"])
    assert rep.id_no.startswith("341") and rep.id_no.count("*") == 11 and len(rep.id_no) == 18  # as on receipts
    # 超期: the 11-10 case, due 11-11, still open at the end of 11-16 (3 working days late)
    (od,) = r.overdue
    assert (od.deadline, od.overdue_working_days, od.department) == (dt.date(2026, 11, 11), 3, "县市场监督管理局")
    assert [e.window for e in r.explanations] == ["1号窗口", "12号窗口"]
    assert not r.outside_loop_checked and r.outside_loop == []  # 体外循环 is judged over a week or more
    assert r.batch_entries == []


def test_late_decision_lowers_on_time_rate(hall):
    played = play_day(hall, decide_late=False)
    before = report_of(hall).overview
    assert (before.cases_finished, before.cases_finished_on_time, before.on_time_rate) == (4, 4, 1.0)
    assert before.finish_rate == 1.0  # the late case was accepted on 11-12, outside this day
    assert before.overdue_open == 2  # the 11-12 case (due 11-13) is still open too
    cases.decide_task(hall.db, hall.actor("1101"), task_of(hall.db, played["old_late"].case_no), True, now=at(11, 0))
    after = report_of(hall).overview
    assert (after.cases_finished, after.cases_finished_on_time) == (5, 4)
    assert after.on_time_rate == pytest.approx(0.8) and after.overdue_open == 1


def test_skipped_rating_lowers_rating_rate(hall):
    db = hall.db
    clerk, w = hall.actor("1012"), hall.windows[12]
    attendance.sign_in(db, clerk, w, now=at(8, 55))
    served = []
    for i in range(3):
        t = queue.issue_ticket(db, hall.queues["C"], now=at(9, 10 * i))
        queue.call_next(db, clerk, w, now=at(9, 10 * i + 1))
        queue.finish(db, clerk, w, t.ticket_id, now=at(9, 10 * i + 5))
        served.append(t.ticket_id)
    for tid in served[:2]:
        ratings.submit_rating(db, ticket_id=tid, window_id=w, staff_id=clerk.staff_id, level=5, now=at(10))
    # the third citizen has not been asked yet: one missed rating
    o = report_of(hall).overview
    assert (o.ratings_rated, o.ratings_skipped, o.rating_rate, o.satisfaction) == (2, 0, pytest.approx(2 / 3), 1.0)
    ratings.record_skipped(db, ticket_id=served[2], window_id=w, staff_id=clerk.staff_id, now=at(10, 1))
    r = report_of(hall)
    assert (r.overview.ratings_rated, r.overview.ratings_skipped) == (2, 1)
    assert r.overview.rating_rate == pytest.approx(2 / 3)
    row = next(x for x in r.windows if x.number == 12)
    assert row.skipped == 1 and row.missed == 1 and row.owes_explanation
    # with all three rated the window owes nothing
    ratings.submit_rating(db, ticket_id=served[2], window_id=w, staff_id=clerk.staff_id, level=4, now=at(10, 2))
    r = report_of(hall)
    assert r.overview.rating_rate == 1.0 and not r.explanations


def test_batch_entry_is_not_onsite(hall):
    """即办即录 not done: a 即办件 entered hours after the ticket was finished is no 现场办结."""
    db = hall.db
    clerk, w = hall.actor("1012"), hall.windows[12]
    attendance.sign_in(db, clerk, w, now=at(8, 55))
    t = queue.issue_ticket(db, hall.queues["C"], now=at(9, 0))
    queue.call_next(db, clerk, w, now=at(9, 1))
    queue.finish(db, clerk, w, t.ticket_id, now=at(9, 5))
    cases.accept_immediate(db, clerk, request(db, "RS-001", P3, t.ticket_id, w), now=at(16, 40))
    o = report_of(hall).overview
    assert (o.cases_total, o.onsite_finished, o.cases_finished, o.on_time_rate) == (1, 0, 1, 1.0)


def test_unstaffed_while_paused_and_live(hall):
    """缺岗 also while the only clerk of a queue is on a break; read during the day, the live check is merged in."""
    db = hall.db
    clerk, w = hall.actor("1018"), hall.windows[18]  # 梁宇, the only window of queue J
    s18 = attendance.sign_in(db, clerk, w, now=at(8, 50))
    attendance.start_break(db, clerk, s18.id, "会议", now=at(10, 0))
    j = queue.issue_ticket(db, hall.queues["J"], now=at(10, 5))
    attendance.end_break(db, clerk, s18.id, now=at(10, 40))
    queue.call_next(db, clerk, w, now=at(10, 41))
    queue.finish(db, clerk, w, j.ticket_id, now=at(10, 50))
    queue.issue_ticket(db, hall.queues["D"], now=at(11, 0))  # nobody at windows 16 and 17
    live = hall_report(db, hall.actor("1901"), hall.site_id, DAY, DAY, now=at(11, 30))
    rows = {u.prefix: u for u in live.unstaffed}
    assert (rows["J"].tickets, rows["J"].longest_minutes) == (1, 35)  # 10:05–10:40, the break
    assert (rows["D"].tickets, rows["D"].longest_minutes) == (1, 30)  # still waiting at 11:30
    attendance.sign_out(db, clerk, s18.id, now=at(17, 0))
    later = {u.prefix: u for u in report_of(hall).unstaffed}
    assert (later["J"].tickets, later["J"].longest_minutes) == (1, 35)


def test_monthly_report_counts_the_period(hall):
    play_day(hall)
    m = month_period(DAY)
    r = report_of(hall, m.day_from, m.day_to)
    assert r.title == "示例县政务服务中心 2026年11月 运行月报"
    o = r.overview
    assert o.cases_total == 7 and o.cases_by_type["promised"] == 3  # the 11-10 and 11-12 cases are in November
    assert o.overdue_open == 1 and len(r.daily) == 30
    # 办结率: 6 accepted in November (A004's 补办件 still waits), the 11-10 case is not decided yet
    assert (o.cases_accepted, o.accepted_finished) == (6, 5) and o.finish_rate == pytest.approx(5 / 6)
    assert r.outside_loop_checked and any(w.kind == "outside_loop" for w in r.warnings)
    flagged = {x.department for x in r.outside_loop if x.flagged}
    assert "县公安局" in flagged and "县市场监督管理局" not in flagged  # 市场监管 had cases


def test_report_needs_manager_or_supervisor(hall):
    with pytest.raises(PermissionDenied):
        report_of(hall, who="1001")  # a window clerk
    assert report_of(hall, who="1902").overview.tickets_issued == 0  # an empty day is a valid report
