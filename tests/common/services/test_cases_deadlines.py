"""Deadlines in working days: the 2026 official holidays with their make-up days, clock stops (noon rule),
extensions and the yellow/red warnings.

Expected dates are hard-coded from 国务院办公厅关于2026年部分节假日安排的通知 (2025-11-04):
春节 2月15日至23日放假，2月14日（周六）、2月28日（周六）上班；
国庆节 10月1日至7日放假，9月20日（周日）、10月10日（周六）上班；中秋节 9月25日至27日放假.
"""

from __future__ import annotations

import datetime as dt

import pytest

from common.errors import InvalidInput, PermissionDenied
from common.services import cases
from common.services.cases import compute_deadline, stopped_working_days, warning_level
from common.services.settings import set_setting
from common.workdays import WorkingCalendar
from tests.common.services.test_cases_support import at, make_hall, request

CAL = WorkingCalendar()
D = dt.date


@pytest.fixture
def hall(db):
    return make_hall(db)


# --------------------------------------------------------------------------------------------- the calendar


@pytest.mark.parametrize(
    "start, days, expected",
    [
        (D(2026, 9, 30), 5, D(2026, 10, 13)),  # 国庆: 10-8, 10-9, 10-10 (Sat, make-up), 10-12, 10-13
        (D(2026, 9, 30), 3, D(2026, 10, 10)),  # lands on the make-up Saturday
        (D(2026, 9, 30), 20, D(2026, 11, 3)),
        (D(2026, 9, 18), 1, D(2026, 9, 20)),  # Sunday 9-20 is a make-up working day
        (D(2026, 9, 24), 1, D(2026, 9, 28)),  # 中秋 25–27
        (D(2026, 2, 13), 1, D(2026, 2, 14)),  # Saturday 2-14 is a make-up working day
        (D(2026, 2, 13), 2, D(2026, 2, 24)),  # 春节 15–23
        (D(2026, 2, 13), 3, D(2026, 2, 25)),
        (D(2026, 2, 13), 6, D(2026, 2, 28)),  # Saturday 2-28 is a make-up working day
        (D(2026, 2, 14), 0, D(2026, 2, 14)),
    ],
)
def test_deadline_function_follows_the_2026_official_calendar(start, days, expected):
    assert compute_deadline(CAL, start, days) == expected


def test_promised_case_across_national_day(db, hall):
    r = cases.accept_promised(db, hall.actors["C001"], request(hall, "PRO-001"), now=at(2026, 9, 30, 16))
    assert r.accepted_day == D(2026, 9, 30)
    assert r.deadline == D(2026, 10, 13)
    assert r.statutory_deadline == D(2026, 11, 3)


def test_promised_case_across_spring_festival(db, hall):
    r = cases.accept_promised(db, hall.actors["C001"], request(hall, "PRO-010"), now=at(2026, 2, 13, 11))
    # 10 working days after Fri 13 Feb: 14(Sat), 24, 25, 26, 27, 28(Sat), 3-2, 3-3, 3-4, 3-5
    assert r.deadline == D(2026, 3, 5)
    urgent = cases.accept_urgent(db, hall.actors["C001"], request(hall, "PRO-001", reason="保供企业"),
                                 now=at(2026, 2, 13, 11))
    assert urgent.deadline == D(2026, 2, 24)  # 2 days: 14 (Sat), 24


def test_hall_override_of_the_calendar_moves_deadlines(db, hall):
    from common.services.calendar import set_override

    set_override(db, hall.actors["M001"], D(2026, 3, 3), False, "临时闭馆", site_id=hall.site_id)
    r = cases.accept_promised(db, hall.actors["C001"], request(hall, "PRO-001"), now=at(2026, 3, 2))
    assert r.deadline == D(2026, 3, 10)  # 3-3 is not a working day for this hall


def test_case_number_day_is_the_halls_local_day(db, hall):
    # 2026-03-02 23:30 in Shanghai is 15:30 UTC: the case belongs to 2 March, not to a UTC date
    utc = dt.datetime(2026, 3, 2, 15, 30, tzinfo=dt.timezone.utc)
    r = cases.accept_promised(db, hall.actors["C001"], request(hall, "PRO-001"), now=utc)
    assert "-20260302-" in r.case_no and r.accepted_day == D(2026, 3, 2)


# --------------------------------------------------------------------------------------------- the noon rule


@pytest.mark.parametrize(
    "start, end, expected",
    [
        (at(2026, 3, 2, 9), at(2026, 3, 4, 15), 3),  # Mon morning → Wed afternoon: Mon, Tue, Wed
        (at(2026, 3, 2, 14), at(2026, 3, 4, 9), 1),  # Mon afternoon → Wed morning: Tue only
        (at(2026, 3, 2, 9), at(2026, 3, 2, 15), 1),  # one day across noon
        (at(2026, 3, 2, 14), at(2026, 3, 2, 16), 0),  # one afternoon
        (at(2026, 3, 2, 12), at(2026, 3, 2, 12, 1), 1),  # stopped at 12:00 sharp counts
        (at(2026, 3, 6, 9), at(2026, 3, 9, 9), 1),  # Fri morning → Mon morning: Fri (weekend not working)
        (at(2026, 9, 29, 10), at(2026, 10, 9, 9), 3),  # 9-29, 9-30, 10-8; the holidays never count
        (at(2026, 10, 9, 10), at(2026, 10, 12, 13), 3),  # 10-9, 10-10 (make-up Sat), 10-12
        (at(2026, 3, 4, 9), at(2026, 3, 2, 9), 0),  # reversed: nothing
    ],
)
def test_stopped_working_days_noon_rule(start, end, expected):
    assert stopped_working_days(CAL, start, end, "Asia/Shanghai") == expected


def test_clock_stop_and_restart_shift_the_deadline_by_exactly_the_stopped_days(db, hall):
    clerk, approver = hall.actors["C001"], hall.actors["A001"]
    r = cases.accept_promised(db, clerk, request(hall, "PRO-001"), now=at(2026, 9, 28))  # Monday
    assert r.deadline == D(2026, 10, 10)  # 9-29, 9-30, 10-8, 10-9, 10-10 (make-up Saturday)
    with pytest.raises(InvalidInput, match="说明"):
        cases.stop_clock(db, clerk, r.case_no, "inspection", "", now=at(2026, 9, 29, 10))
    with pytest.raises(InvalidInput, match="事由"):
        cases.stop_clock(db, clerk, r.case_no, "lunch", "吃饭", now=at(2026, 9, 29, 10))
    stopped = cases.stop_clock(db, clerk, r.case_no, "inspection", "现场勘验，预约10月8日上午", now=at(2026, 9, 29, 10))
    assert stopped.status == "clock_stopped"
    with pytest.raises(InvalidInput):
        cases.stop_clock(db, clerk, r.case_no, "hearing", "重复暂停", now=at(2026, 9, 29, 11))
    [row] = cases.inbox(db, approver, now=at(2026, 10, 8, 15))
    assert row.clock_stopped and row.warning == "normal"
    with pytest.raises(InvalidInput, match="暂停计时"):
        cases.decide_task(db, approver, row.task_id, True, "", now=at(2026, 10, 8))
    # while stopped the projected deadline moves along with the stop (remaining days frozen)
    projected = cases.get_case(db, clerk, r.case_no, now=at(2026, 10, 8, 15))
    assert projected.stopped_working_days == 3 and projected.deadline == D(2026, 10, 14)
    assert projected.stops[0].reason_label == "现场勘验" and projected.stops[0].ended_at is None

    restarted = cases.restart_clock(db, clerk, r.case_no, now=at(2026, 10, 9, 9))
    # stopped on 9-29, 9-30 and 10-8 (noon rule; the holidays never count) → exactly 3 working days later
    assert restarted.status == "accepted"
    assert restarted.deadline == compute_deadline(CAL, D(2026, 9, 28), 5 + 3) == D(2026, 10, 14)
    assert restarted.statutory_deadline == compute_deadline(CAL, D(2026, 9, 28), 23)
    d = cases.get_case(db, clerk, r.case_no, now=at(2026, 10, 9, 10))
    assert d.stopped_working_days == 3 and d.stops[0].working_days == 3
    assert d.tasks[0].deadline == D(2026, 10, 14)  # the back-office task moves with the case
    with pytest.raises(InvalidInput):
        cases.restart_clock(db, clerk, r.case_no, now=at(2026, 10, 9, 11))

    # a second stop accumulates
    cases.stop_clock(db, clerk, r.case_no, "expert_review", "专家评审", now=at(2026, 10, 12, 11))
    again = cases.restart_clock(db, clerk, r.case_no, now=at(2026, 10, 12, 16))
    assert again.deadline == D(2026, 10, 15)
    assert [e.kind for e in cases.get_case(db, clerk, r.case_no).events].count("clock_restarted") == 2


def test_joint_subtask_deadlines_move_with_a_stop(db, hall):
    clerk = hall.actors["C001"]
    r = cases.accept_joint(db, clerk, request(hall, "PRO-010", joint_parts=(cases.JointPart("FIRE", 2),)),
                           now=at(2026, 3, 2))
    before = cases.get_case(db, clerk, r.case_no)
    assert [t.deadline for t in before.tasks] == [D(2026, 3, 16), D(2026, 3, 4)]
    cases.stop_clock(db, clerk, r.case_no, "testing", "送检", now=at(2026, 3, 3, 9))
    assert cases.resolve_timeouts(db, now=at(2026, 3, 6, 9)) == []  # no deemed consent while stopped
    cases.restart_clock(db, clerk, r.case_no, now=at(2026, 3, 5, 9))  # 3-3 and 3-4 stopped
    after = cases.get_case(db, clerk, r.case_no)
    assert [t.deadline for t in after.tasks] == [D(2026, 3, 18), D(2026, 3, 6)]


# --------------------------------------------------------------------------------------------- extension


def test_extension_once_at_most_ten_days_with_approval(db, hall):
    clerk = hall.actors["C001"]
    r = cases.accept_promised(db, clerk, request(hall, "PRO-001"), now=at(2026, 3, 2))
    assert r.deadline == D(2026, 3, 9)
    with pytest.raises(PermissionDenied):
        cases.extend(db, clerk, r.case_no, 5, clerk, "需要补充审查")
    with pytest.raises(PermissionDenied, match="部门"):
        cases.extend(db, clerk, r.case_no, 5, hall.actors["R002"], "需要补充审查")  # another department's chief rep
    with pytest.raises(InvalidInput, match="1 至 10"):
        cases.extend(db, clerk, r.case_no, 11, hall.actors["R001"], "需要补充审查")
    with pytest.raises(InvalidInput, match="理由"):
        cases.extend(db, clerk, r.case_no, 5, hall.actors["R001"], "")
    out = cases.extend(db, clerk, r.case_no, 10, hall.actors["R001"], "情况复杂，经负责人批准延长十日",
                       now=at(2026, 3, 5))
    assert out.deadline == D(2026, 3, 23)
    assert out.statutory_deadline == D(2026, 4, 14)  # 20 + 10 working days; 清明 4-4…4-6 skipped
    with pytest.raises(InvalidInput, match="只能延期一次"):
        cases.extend(db, clerk, r.case_no, 1, hall.actors["M001"], "再延")
    d = cases.get_case(db, clerk, r.case_no)
    assert d.extension_days == 10 and d.tasks[0].deadline == D(2026, 3, 23)
    assert d.events[-1].data["approved_by"] == "R001"


# --------------------------------------------------------------------------------------------- warnings


def test_warning_level_pure():
    deadline = D(2026, 3, 13)  # Friday
    assert warning_level(deadline, D(2026, 3, 10), CAL, 2) == "normal"  # 3 working days left
    assert warning_level(deadline, D(2026, 3, 11), CAL, 2) == "yellow"  # 2 left
    assert warning_level(deadline, D(2026, 3, 13), CAL, 2) == "yellow"  # the last day
    assert warning_level(deadline, D(2026, 3, 14), CAL, 2) == "red"
    assert warning_level(deadline, D(2026, 3, 20), CAL, 2, finished_day=D(2026, 3, 13)) == "normal"
    assert warning_level(deadline, D(2026, 3, 20), CAL, 2, finished_day=D(2026, 3, 16)) == "red"
    assert warning_level(None, D(2026, 3, 20), CAL, 2) == "normal"
    # across the holiday: 9-30 → 10-8 is one working day away
    assert warning_level(D(2026, 10, 8), D(2026, 9, 30), CAL, 1) == "yellow"
    assert warning_level(D(2026, 10, 9), D(2026, 9, 30), CAL, 1) == "normal"


def test_case_warnings_and_inbox_order(db, hall):
    clerk, approver = hall.actors["C001"], hall.actors["A001"]
    late = cases.accept_promised(db, clerk, request(hall, "PRO-001"), now=at(2026, 3, 2))  # due 3-9
    soon = cases.accept_promised(db, clerk, request(hall, "PRO-001"), now=at(2026, 3, 5))  # due 3-12
    later = cases.accept_promised(db, clerk, request(hall, "PRO-001"), now=at(2026, 3, 9))  # due 3-16
    first_urgent = cases.accept_urgent(db, clerk, request(hall, "PRO-001", reason="急", urgent_days=5),
                                       now=at(2026, 3, 9))  # due 3-16
    today = at(2026, 3, 10)
    assert cases.case_warning(db, clerk, late.case_no, now=today) == "red"
    assert cases.case_warning(db, clerk, soon.case_no, now=today) == "yellow"
    assert cases.case_warning(db, clerk, later.case_no, now=today) == "normal"
    rows = cases.inbox(db, approver, now=today)
    assert [r.case_no for r in rows] == [first_urgent.case_no, late.case_no, soon.case_no, later.case_no]
    assert [r.warning for r in rows] == ["normal", "red", "yellow", "normal"]
    assert rows[1].remaining_days == -1 and rows[1].warning_label == "红牌超期"
    # the setting moves the yellow threshold
    with db.write() as s:
        set_setting(s, "yellow_warning_days", 4, hall.site_id)
    assert cases.case_warning(db, clerk, later.case_no, now=today) == "yellow"
    # other departments see nothing; clerks have no inbox
    assert cases.inbox(db, hall.actors["A002"], now=today) == []
    with pytest.raises(PermissionDenied):
        cases.inbox(db, clerk)
