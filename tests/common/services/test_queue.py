"""The queue engine's rules, on SQLite and PostgreSQL (fixture `db`)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import func, select, update

from common.db.models import (
    WindowSession,
    Appointment,
    HallEvent,
    HallOpeningDay,
    QueueCounter,
    QueueQuota,
    Staff,
    StaffRole,
    Ticket,
    TicketEvent,
    WindowBreak,
)
from common.domain import AppointmentStatus, Priority, Role
from common.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from common.services import queue as qs
from common.services.permissions import SYSTEM, Actor
from tests.common.services.queue_fixtures import DAY, NOW, at, make_hall


def kinds(db, ticket_id: int) -> list[str]:
    with db.read() as s:
        return [k.value for k in s.scalars(select(TicketEvent.kind).where(TicketEvent.ticket_id == ticket_id)
                                           .order_by(TicketEvent.id))]


def hall_kinds(db) -> list[str]:
    with db.read() as s:
        return list(s.scalars(select(HallEvent.kind).order_by(HallEvent.id)))


def ticket(db, ticket_id: int) -> Ticket:
    with db.read() as s:
        return s.get(Ticket, ticket_id)


def serve(db, hall, window: int, now=NOW):
    """Call next at a window and finish it; returns the number served (or None)."""
    t = qs.call_next(db, hall.clerk(window), hall.w(window), now=now)
    if t is None:
        return None
    qs.finish(db, hall.clerk(window), hall.w(window), t.ticket_id, now=now)
    return t.number


# --------------------------------------------------------------------------------------------- numbering


def test_format_number_pads_to_range_end_and_wraps():
    assert qs.format_number("A", 1, 1, 999) == "A001"
    assert qs.format_number("A", 999, 1, 999) == "A999"
    assert qs.format_number("A", 1000, 1, 999) == "A001"
    assert qs.format_number("B", 1, 100, 199) == "B100"
    assert qs.format_number("B", 101, 100, 199) == "B100"
    assert qs.format_number("C", 7, 1, 9999) == "C0007"


def test_issue_numbers_qr_and_counter(db):
    hall = make_hall(db)
    tickets = [hall.issue("A", phone="13800138000", device="kiosk-1") for _ in range(3)]
    assert [t.number for t in tickets] == ["A001", "A002", "A003"]
    t = tickets[-1]
    assert t.business_day == DAY and t.status == "waiting" and t.priority == "normal"
    assert t.queue_name == "社保医保" and t.queue_name_en == "Social Security"
    assert re.fullmatch(r"[A-Z2-7]{8}", t.check_code)
    decoded = qs.parse_qr(t.qr_data)
    assert decoded == {"site_code": "HALL1", "business_day": DAY, "number": "A003", "ticket_id": t.ticket_id,
                       "check_code": t.check_code}
    assert t.qr_data == f"GH1|T|HALL1|20260302|A003|{t.ticket_id}|{t.check_code}"
    assert t.people_ahead == 2
    with db.read() as s:
        counter = s.get(QueueCounter, (hall.q("A"), DAY))
        assert counter.issued == 3
        assert s.get(Ticket, t.ticket_id).check_code == t.check_code
    assert kinds(db, t.ticket_id) == ["issued"]
    assert hall_kinds(db) == ["ticket.issued"] * 3


def test_number_range_wraps_but_seq_stays_unique(db):
    hall = make_hall(db, queues=[{"prefix": "A", "name": "社保", "range_start": 1, "range_end": 3}])
    numbers = [hall.issue("A").number for _ in range(5)]
    assert numbers == ["A1", "A2", "A3", "A1", "A2"]
    with db.read() as s:
        assert sorted(s.scalars(select(Ticket.seq))) == [1, 2, 3, 4, 5]


def test_daily_cap(db):
    hall = make_hall(db)
    hall.update_queue("A", daily_cap=2)
    hall.issue("A")
    hall.issue("A")
    with pytest.raises(InvalidInput, match="今日该业务号已发完，请明天再来或选择网上办理"):
        hall.issue("A")
    with db.read() as s:
        assert s.get(QueueCounter, (hall.q("A"), DAY)).issued == 2  # the failed attempt rolled back
    status = {q.prefix: q for q in qs.list_queue_status(db, hall.site_id, now=NOW)}
    assert status["A"].is_open is False and "已发完" in status["A"].closed_reason
    assert status["B"].is_open is True


def test_opening_hours_in_local_time(db):
    hall = make_hall(db)
    msg = "该业务办理时间为 09:00–17:00，现在不在办理时间内"
    with pytest.raises(InvalidInput, match=msg):
        hall.issue("A", at=at(8, 59))
    with pytest.raises(InvalidInput, match=msg):
        hall.issue("A", at=at(17, 0))
    assert hall.issue("A", at=at(9, 0)).number == "A001"
    assert hall.issue("A", at=at(16, 59, 59)).number == "A002"
    status = qs.list_queue_status(db, hall.site_id, now=at(18, 0))
    assert all(not q.is_open and q.closed_reason == msg for q in status)


def test_hall_calendar_closes_the_day(db):
    hall = make_hall(db)
    with db.write() as s:
        s.add(HallOpeningDay(site_id=hall.site_id, day=DAY, is_open=False, note="临时闭厅"))
    with pytest.raises(InvalidInput, match="今日大厅休息"):
        hall.issue("A")


def test_quota_per_time_window(db):
    hall = make_hall(db)
    with db.write() as s:
        s.add(QueueQuota(queue_id=hall.q("A"), starts_at=dt.time(9, 0), ends_at=dt.time(10, 0), cap=2))
    hall.issue("A", at=at(9, 10))
    hall.issue("A", at=at(9, 20))
    with pytest.raises(InvalidInput, match="09:00–10:00 时段该业务号已发完"):
        hall.issue("A", at=at(9, 30))
    status = {q.prefix: q for q in qs.list_queue_status(db, hall.site_id, now=at(9, 40))}
    assert status["A"].is_open is False
    assert hall.issue("A", at=at(10, 0)).number == "A003"  # the next window has no quota


def test_appointment_only_and_inactive_queues_refuse_walk_ups(db):
    hall = make_hall(db)
    hall.update_queue("A", appointment_only=True)
    with pytest.raises(InvalidInput, match="该业务仅限预约办理，请先预约"):
        hall.issue("A")
    hall.update_queue("B", active=False)
    with pytest.raises(InvalidInput, match="停止取号"):
        hall.issue("B")
    with pytest.raises(NotFound):
        qs.issue_ticket(db, 999_999, now=NOW)
    assert [q.prefix for q in qs.list_queue_status(db, hall.site_id, now=NOW)] == ["A"]
    assert qs.list_queue_status(db, hall.site_id, now=NOW)[0].appointment_only is True


def test_invalid_phone_and_priority_are_refused(db):
    hall = make_hall(db)
    with pytest.raises(InvalidInput):
        hall.issue("A", phone="12345")
    with pytest.raises(InvalidInput, match="优先类别"):
        hall.issue("A", priority="vip")


def test_business_day_is_the_local_date_across_midnight(db):
    hall = make_hall(db, all_day=True)
    before = dt.datetime(2026, 3, 1, 15, 59, tzinfo=dt.timezone.utc)  # 23:59 local on 1 March
    after = dt.datetime(2026, 3, 1, 16, 30, tzinfo=dt.timezone.utc)  # 00:30 local on 2 March
    t1 = hall.issue("A", at=before)
    t2 = hall.issue("A", at=before)
    t3 = hall.issue("A", at=after)
    assert (t1.business_day, t1.number) == (dt.date(2026, 3, 1), "A001")
    assert t2.number == "A002"
    assert (t3.business_day, t3.number) == (dt.date(2026, 3, 2), "A001")  # a new counter row
    assert "|20260302|A001|" in t3.qr_data
    with db.read() as s:
        days = sorted(s.scalars(select(QueueCounter.business_day)))
    assert days == [dt.date(2026, 3, 1), dt.date(2026, 3, 2)]


def test_business_day_in_another_time_zone(db):
    hall = make_hall(db, tz="UTC", all_day=True)
    at = dt.datetime(2026, 3, 1, 16, 30, tzinfo=dt.timezone.utc)  # already 2 March in Shanghai, the first guess
    t = hall.issue("A", at=at)
    assert (t.business_day, t.number) == (dt.date(2026, 3, 1), "A001")
    assert hall.issue("A", at=at).number == "A002"
    with db.read() as s:  # the first guess's counter (PostgreSQL takes it along) was rolled back, not left behind
        assert sorted(s.scalars(select(QueueCounter.business_day))) == [dt.date(2026, 3, 1)]


def test_list_queue_status_counts_and_estimates(db):
    hall = make_hall(db)
    for _ in range(4):
        hall.issue("A")
    status = {q.prefix: q for q in qs.list_queue_status(db, hall.site_id, now=NOW)}
    a = status["A"]
    assert (a.waiting, a.open_windows, a.is_open, a.closed_reason) == (4, 2, True, None)
    assert a.est_wait_min is not None and a.est_wait_max is not None and 0 <= a.est_wait_min <= a.est_wait_max
    assert status["B"].waiting == 0
    # no open window session: no estimate (the kiosk shows 暂无窗口办理)
    hall2 = make_hall(db, code="HALL2", queues=[{"prefix": "A", "name": "社保"}], windows={1: [("A", 1)]},
                      sessions=False)
    hall2.issue("A")
    (only,) = qs.list_queue_status(db, hall2.site_id, now=NOW)
    assert only.open_windows == 0 and only.est_wait_min is None and only.est_wait_max is None


def test_estimate_uses_recent_service_times(db):
    hall = make_hall(db, windows={1: [("A", 1)]})
    for i in range(5):  # five services of exactly 6 minutes
        hall.issue("A", at=at(9, 0))
        t = qs.call_next(db, hall.clerk(1), hall.w(1), now=at(9, 6 * i))
        qs.finish(db, hall.clerk(1), hall.w(1), t.ticket_id, now=at(9, 6 * i + 6))
    for _ in range(3):
        hall.issue("A", at=at(9, 40))
    fourth = hall.issue("A", at=at(9, 41))
    assert fourth.people_ahead == 3
    assert (fourth.est_wait_min, fourth.est_wait_max) == (18, 24)  # 3×6 … (3+1)×6 with one window
    again = qs.get_ticket(db, fourth.ticket_id, now=at(9, 42))
    assert again.people_ahead == 3 and again.number == fourth.number and again.qr_data == fourth.qr_data


# --------------------------------------------------------------------------------------------- calling


def test_call_next_fifo_and_nothing_waiting(db):
    hall = make_hall(db)
    assert qs.call_next(db, hall.clerk(1), hall.w(1), now=NOW) is None
    hall.issue("A", at=at(9, 1))
    hall.issue("A", at=at(9, 2))
    t = qs.call_next(db, hall.clerk(1), hall.w(1), now=at(9, 5))
    assert (t.number, t.status, t.waited_seconds, t.recall_count) == ("A001", "called", 240, 0)
    assert t.called_at == at(9, 5) and t.transferred_from is None and t.walk_direct is False
    with pytest.raises(InvalidInput, match="本窗口正在办理 A001"):
        qs.call_next(db, hall.clerk(1), hall.w(1), now=at(9, 6))
    row = ticket(db, t.ticket_id)
    assert (row.window_id, row.staff_id) == (hall.w(1), hall.clerk(1).staff_id)
    assert qs.current_ticket(db, hall.w(1)).ticket_id == t.ticket_id
    assert qs.current_ticket(db, hall.w(3)) is None


def test_call_writes_ticket_and_hall_events(db):
    hall = make_hall(db)
    issued = hall.issue("A")
    qs.call_next(db, hall.clerk(1), hall.w(1), now=NOW)
    with db.read() as s:
        ev = s.scalars(select(TicketEvent).where(TicketEvent.ticket_id == issued.ticket_id)
                       .order_by(TicketEvent.id)).all()
        assert [e.kind.value for e in ev] == ["issued", "called"]
        assert (ev[1].window_id, ev[1].staff_id, ev[1].queue_id, ev[1].at) == (
            hall.w(1), hall.clerk(1).staff_id, hall.q("A"), NOW)
        he = s.scalars(select(HallEvent).order_by(HallEvent.id)).all()
    assert [h.kind for h in he] == ["ticket.issued", "ticket.called"]
    assert he[1].site_id == hall.site_id
    assert he[1].payload == {"ticket_id": issued.ticket_id, "number": "A001", "queue_id": hall.q("A"),
                             "window_id": hall.w(1), "window_number": 1, "window_name": "1号综合窗口",
                             "staff_name": "窗口1办事员"}


def test_priority_mixing_two_normal_to_one_priority(db):
    hall = make_hall(db)
    for i, prio in enumerate(["normal", "normal", "normal", "normal", "elderly", "disabled", "pregnant"]):
        hall.issue("A", at=at(9, i), priority=prio)
    order = [serve(db, hall, 1, now=at(9, 30)) for _ in range(7)]
    # N N P N N P P(no normal left)
    assert order == ["A001", "A002", "A005", "A003", "A004", "A006", "A007"]


def test_priority_mixing_ratio_two_to_two(db):
    hall = make_hall(db)
    hall.update_queue("A", ratio_normal=2, ratio_priority=2)
    for i, prio in enumerate(["normal"] * 4 + ["military"] * 3):
        hall.issue("A", at=at(9, i), priority=prio)
    order = [serve(db, hall, 1, now=at(9, 30)) for _ in range(7)]
    assert order == ["A001", "A002", "A005", "A006", "A003", "A004", "A007"]


def test_priority_goes_first_once_due(db):
    hall = make_hall(db)
    for i in range(3):
        hall.issue("A", at=at(9, i))
    assert serve(db, hall, 1, now=at(9, 10)) == "A001"
    assert serve(db, hall, 1, now=at(9, 10)) == "A002"
    hall.issue("A", at=at(9, 11), priority="green_channel")  # 2 normal calls done: a priority is due
    assert serve(db, hall, 1, now=at(9, 12)) == "A004"
    assert serve(db, hall, 1, now=at(9, 12)) == "A003"


def test_ageing_lets_an_old_normal_ticket_go_first(db):
    hall = make_hall(db)
    hall.update_queue("A", ratio_normal=0, ageing_minutes=30)  # strict priority… except for ageing
    hall.issue("A", at=at(9, 0))  # normal, A001
    hall.issue("A", at=at(9, 20), priority="elderly")  # A002: only 20 min younger → goes first
    assert serve(db, hall, 1, now=at(9, 50)) == "A002"
    hall.issue("A", at=at(9, 45), priority="elderly")  # A003: 45 min younger than A001 → A001 first
    assert serve(db, hall, 1, now=at(9, 50)) == "A001"
    assert serve(db, hall, 1, now=at(9, 50)) == "A003"


def test_choose_head_and_priority_due_rules():
    assert qs.priority_due(0, 2, 1) is False
    assert qs.priority_due(2, 2, 1) is True
    assert qs.priority_due(-1, 2, 1) is False  # one priority call done, run of 1 complete
    assert qs.priority_due(-1, 2, 2) is True
    assert qs.priority_due(-2, 2, 2) is False


def test_weighted_selection_across_queues(db):
    hall = make_hall(db, windows={1: [("A", 1), ("B", 3)]})
    hall.issue("A", at=at(9, 50))  # waited 10 min at 10:00 → score 600
    hall.issue("B", at=at(9, 55))  # waited 5 min × 3 → 900
    assert serve(db, hall, 1, now=NOW) == "B001"
    hall.issue("B", at=at(9, 58))  # 2 min × 3 = 360 < 600
    assert serve(db, hall, 1, now=NOW) == "A001"
    assert serve(db, hall, 1, now=NOW) == "B002"


def test_window_only_calls_its_own_queues(db):
    hall = make_hall(db)
    hall.issue("B")
    assert qs.call_next(db, hall.clerk(1), hall.w(1), now=NOW) is None
    assert qs.call_next(db, hall.clerk(3), hall.w(3), now=NOW).number == "B001"


def test_call_specific(db):
    hall = make_hall(db)
    for _ in range(3):
        hall.issue("A")
    t = qs.call_specific(db, hall.clerk(1), hall.w(1), " a003 ", now=NOW)
    assert t.number == "A003" and t.status == "called"
    with pytest.raises(Conflict, match="正在其他窗口办理"):
        qs.call_specific(db, hall.clerk(2), hall.w(2), "A003", now=NOW)
    with pytest.raises(NotFound):
        qs.call_specific(db, hall.clerk(2), hall.w(2), "A999", now=NOW)
    assert kinds(db, t.ticket_id) == ["issued", "called"]


def test_recall_up_to_the_limit(db):
    hall = make_hall(db)
    hall.update_queue("A", max_recalls=2)
    hall.issue("A")
    t = qs.call_next(db, hall.clerk(1), hall.w(1), now=NOW)
    assert qs.recall(db, hall.clerk(1), hall.w(1), t.ticket_id, now=NOW).recall_count == 1
    assert qs.recall(db, hall.clerk(1), hall.w(1), t.ticket_id, now=NOW).recall_count == 2
    with pytest.raises(InvalidInput, match="已重呼 2 次，请标记过号"):
        qs.recall(db, hall.clerk(1), hall.w(1), t.ticket_id, now=NOW)
    assert hall_kinds(db)[-2:] == ["ticket.recalled", "ticket.recalled"]
    qs.start_service(db, hall.clerk(1), hall.w(1), t.ticket_id, now=NOW)
    with pytest.raises(InvalidInput, match="办理中"):
        qs.recall(db, hall.clerk(1), hall.w(1), t.ticket_id, now=NOW)


def test_finished_ticket_cannot_be_touched(db):
    hall = make_hall(db)
    hall.issue("A")
    t = qs.call_next(db, hall.clerk(1), hall.w(1), now=NOW)
    qs.start_service(db, hall.clerk(1), hall.w(1), t.ticket_id, now=at(10, 1))
    qs.finish(db, hall.clerk(1), hall.w(1), t.ticket_id, now=at(10, 9))
    row = ticket(db, t.ticket_id)
    assert row.status.value == "done" and row.finished_at == at(10, 9) and row.started_at == at(10, 1)
    for action in (qs.recall, qs.finish, qs.start_service, qs.resume):
        with pytest.raises(Conflict):
            action(db, hall.clerk(1), hall.w(1), t.ticket_id, now=NOW)
    with pytest.raises(Conflict):  # another window cannot touch it either
        qs.finish(db, hall.clerk(2), hall.w(2), t.ticket_id, now=NOW)
    assert kinds(db, t.ticket_id) == ["issued", "called", "started", "finished"]
    assert hall_kinds(db)[-1] == "ticket.finished"


def test_finish_straight_from_called_counts_from_the_call(db):
    hall = make_hall(db)
    hall.issue("A")
    t = qs.call_next(db, hall.clerk(1), hall.w(1), now=NOW)
    qs.finish(db, hall.clerk(1), hall.w(1), t.ticket_id, now=at(10, 5))
    assert ticket(db, t.ticket_id).started_at == NOW


def test_no_show_and_requeue(db):
    hall = make_hall(db)
    hall.issue("A", at=at(9, 0))
    hall.issue("A", at=at(9, 1))
    t1 = qs.call_next(db, hall.clerk(1), hall.w(1), now=at(9, 30))
    qs.start_service(db, hall.clerk(1), hall.w(1), t1.ticket_id, now=at(9, 31))
    with pytest.raises(InvalidInput, match="不能标记过号"):  # the citizen is here: only a called ticket is a no-show
        qs.mark_no_show(db, hall.clerk(1), hall.w(1), t1.ticket_id, now=at(9, 31))
    qs.finish(db, hall.clerk(1), hall.w(1), t1.ticket_id, now=at(9, 32))
    hall.issue("A", at=at(9, 33))
    t2 = qs.call_next(db, hall.clerk(1), hall.w(1), now=at(9, 34))
    assert t2.number == "A002"
    qs.mark_no_show(db, hall.clerk(1), hall.w(1), t2.ticket_id, requeue=True, now=at(9, 35))
    row = ticket(db, t2.ticket_id)
    assert row.status.value == "waiting" and row.window_id is None and row.queued_at == at(9, 35)
    # requeued to the back: A003 (queued 9:33) comes first
    assert serve(db, hall, 1, now=at(9, 36)) == "A003"
    t2b = qs.call_next(db, hall.clerk(1), hall.w(1), now=at(9, 40))
    assert t2b.number == "A002"
    qs.mark_no_show(db, hall.clerk(1), hall.w(1), t2b.ticket_id, now=at(9, 45))
    assert ticket(db, t2.ticket_id).status.value == "no_show"
    assert kinds(db, t2.ticket_id) == ["issued", "called", "no_show", "requeued", "called", "no_show"]
    assert qs.call_next(db, hall.clerk(1), hall.w(1), now=at(9, 46)) is None


def test_park_and_resume(db):
    hall = make_hall(db)
    hall.issue("A")
    hall.issue("A")
    t1 = qs.call_next(db, hall.clerk(1), hall.w(1), now=NOW)
    qs.start_service(db, hall.clerk(1), hall.w(1), t1.ticket_id, now=NOW)
    qs.park(db, hall.clerk(1), hall.w(1), t1.ticket_id, note="回家取户口本", now=at(10, 5))
    assert [p.number for p in qs.parked_tickets(db, hall.w(1))] == ["A001"]
    t2 = qs.call_next(db, hall.clerk(1), hall.w(1), now=at(10, 6))  # parking frees the window
    assert t2.number == "A002"
    with pytest.raises(InvalidInput, match="本窗口正在办理 A002"):
        qs.resume(db, hall.clerk(1), hall.w(1), t1.ticket_id, now=at(10, 7))
    with pytest.raises(Conflict):  # only the parking window resumes it
        qs.resume(db, hall.clerk(2), hall.w(2), t1.ticket_id, now=at(10, 7))
    qs.finish(db, hall.clerk(1), hall.w(1), t2.ticket_id, now=at(10, 8))
    back = qs.resume(db, hall.clerk(1), hall.w(1), t1.ticket_id, now=at(10, 30))
    assert back.status == "serving" and back.note == "回家取户口本"
    qs.finish(db, hall.clerk(1), hall.w(1), t1.ticket_id, now=at(10, 35))
    assert kinds(db, t1.ticket_id) == ["issued", "called", "started", "parked", "resumed", "finished"]


def test_transfer_to_queue_keeps_number_and_goes_to_the_front(db):
    hall = make_hall(db)
    hall.issue("B", at=at(9, 30))  # B001 has waited since 9:30
    hall.issue("A", at=at(9, 0))
    t = qs.call_next(db, hall.clerk(1), hall.w(1), now=at(9, 40))
    assert t.number == "A001"
    qs.transfer(db, hall.clerk(1), hall.w(1), t.ticket_id, to_queue_id=hall.q("B"), note="需办理不动产", now=at(9, 45))
    row = ticket(db, t.ticket_id)
    assert (row.status.value, row.queue_id, row.origin_queue_id, row.number, row.queued_at, row.window_id) == (
        "waiting", hall.q("B"), hall.q("A"), "A001", at(9, 0), None)
    got = qs.call_next(db, hall.clerk(3), hall.w(3), now=at(9, 50))
    assert got.number == "A001" and got.queue_name == "不动产登记" and got.note == "需办理不动产"
    assert got.transferred_from == "1号窗口（窗口1办事员）· 社保医保"
    qs.finish(db, hall.clerk(3), hall.w(3), got.ticket_id, now=at(9, 55))
    assert kinds(db, t.ticket_id) == ["issued", "called", "transferred", "called", "finished"]
    assert "ticket.transferred" in hall_kinds(db)


def test_transfer_to_window_is_only_callable_there(db):
    hall = make_hall(db, all_day=True)
    hall.issue("A", at=at(9, 0))
    hall.issue("A", at=at(9, 1))
    t = qs.call_next(db, hall.clerk(1), hall.w(1), now=at(9, 10))
    qs.transfer(db, hall.clerk(1), hall.w(1), t.ticket_id, to_window_id=hall.w(3), now=at(9, 11))
    # window 2 serves A too, but the transferred A001 is meant for window 3
    assert serve(db, hall, 2, now=at(9, 12)) == "A002"
    assert qs.call_next(db, hall.clerk(2), hall.w(2), now=at(9, 13)) is None
    with pytest.raises(Conflict, match="已转给3号窗口"):
        qs.call_specific(db, hall.clerk(2), hall.w(2), "A001", now=at(9, 13))
    # window 3 does not even serve queue A, yet it gets the ticket first
    hall.issue("B", at=at(8, 0))
    got = qs.call_next(db, hall.clerk(3), hall.w(3), now=at(9, 14))
    assert got.number == "A001" and got.ticket_id == t.ticket_id


def test_transfer_to_staff_is_only_callable_by_that_clerk(db):
    hall = make_hall(db)
    hall.issue("A")
    t = qs.call_next(db, hall.clerk(1), hall.w(1), now=NOW)
    qs.transfer(db, hall.clerk(1), hall.w(1), t.ticket_id, to_staff_id=hall.clerk(2).staff_id, now=NOW)
    assert qs.call_next(db, hall.clerk(1), hall.w(1), now=NOW) is None
    # the clerk it was meant for, now signed in at another window (3, which does not serve A), still gets it
    with db.write() as s:
        s.execute(update(WindowSession).where(WindowSession.window_id.in_([hall.w(2), hall.w(3)]))
                  .values(ended_at=NOW))
        s.add(WindowSession(staff_id=hall.clerk(2).staff_id, window_id=hall.w(3), business_day=DAY, started_at=NOW))
    assert qs.call_next(db, hall.clerk(2), hall.w(3), now=NOW).number == "A001"


def test_a_clerk_must_be_signed_in_at_the_window(db):
    hall = make_hall(db)
    hall.issue("A")
    with pytest.raises(PermissionDenied, match="签到"):
        qs.call_next(db, hall.clerk(2), hall.w(1), now=NOW)  # clerk 2 is signed in at window 2, not 1


def test_one_paused_window_does_not_stop_the_others(db):
    from common.services import attendance

    hall = make_hall(db)
    hall.issue("A")
    session = attendance.open_session(db, hall.w(2))
    attendance.start_break(db, hall.clerk(2), session.id, "就餐", now=NOW)
    assert qs.call_next(db, hall.clerk(1), hall.w(1), now=NOW).number == "A001"
    with pytest.raises(InvalidInput, match="暂停服务"):
        qs.call_next(db, hall.clerk(2), hall.w(2), now=NOW)


def test_transfer_with_return_after(db):
    hall = make_hall(db)
    hall.issue("A", at=at(9, 0))
    hall.issue("A", at=at(9, 5))
    t = qs.call_next(db, hall.clerk(1), hall.w(1), now=at(9, 10))
    qs.transfer(db, hall.clerk(1), hall.w(1), t.ticket_id, to_queue_id=hall.q("B"), return_after=True, now=at(9, 11))
    got = qs.call_next(db, hall.clerk(3), hall.w(3), now=at(9, 12))
    assert got.number == "A001" and got.return_after is True
    qs.finish(db, hall.clerk(3), hall.w(3), got.ticket_id, now=at(9, 20))
    row = ticket(db, t.ticket_id)
    assert (row.status.value, row.queue_id, row.return_queue_id, row.queued_at) == ("waiting", hall.q("A"), None, at(9, 0))
    back = qs.call_next(db, hall.clerk(1), hall.w(1), now=at(9, 21))  # front of A again, before A002
    assert back.number == "A001" and back.transferred_from.startswith("3号窗口")
    qs.finish(db, hall.clerk(1), hall.w(1), back.ticket_id, now=at(9, 25))
    assert ticket(db, t.ticket_id).status.value == "done"
    assert kinds(db, t.ticket_id) == ["issued", "called", "transferred", "called", "returned", "called", "finished"]


def test_transfer_needs_a_target(db):
    hall = make_hall(db)
    hall.issue("A")
    t = qs.call_next(db, hall.clerk(1), hall.w(1), now=NOW)
    with pytest.raises(InvalidInput, match="请选择"):
        qs.transfer(db, hall.clerk(1), hall.w(1), t.ticket_id, now=NOW)
    with pytest.raises(InvalidInput):
        qs.transfer(db, hall.clerk(1), hall.w(1), t.ticket_id, to_queue_id=hall.q("A"), now=NOW)
    with pytest.raises(InvalidInput, match="本窗口"):
        qs.transfer(db, hall.clerk(1), hall.w(1), t.ticket_id, to_window_id=hall.w(1), now=NOW)


def test_walk_direct(db):
    hall = make_hall(db)
    hall.issue("A")
    t = qs.walk_direct(db, hall.clerk(1), hall.w(1), hall.q("A"), note="咨询", now=NOW)
    assert t.walk_direct is True and t.status == "serving" and t.number == "A002" and t.started_at == NOW
    with pytest.raises(InvalidInput):  # the window is busy with it
        qs.call_next(db, hall.clerk(1), hall.w(1), now=NOW)
    qs.finish(db, hall.clerk(1), hall.w(1), t.ticket_id, now=at(10, 3))
    assert kinds(db, t.ticket_id) == ["issued", "called", "started", "finished"]
    assert "ticket.walk_direct" in hall_kinds(db)


def test_permissions_and_windows(db):
    hall = make_hall(db)
    hall.issue("A")
    with pytest.raises(PermissionDenied):
        qs.call_next(db, SYSTEM, hall.w(1), now=NOW)
    approver = Actor(staff_id=None, staff_no="x1", name="审批员", roles=frozenset({Role.APPROVER}))
    with pytest.raises(PermissionDenied):
        qs.call_next(db, approver, hall.w(1), now=NOW)
    with pytest.raises(NotFound):
        qs.call_next(db, hall.clerk(1), 999_999, now=NOW)
    other = make_hall(db, code="HALL2", queues=[{"prefix": "A", "name": "社保"}], windows={1: [("A", 1)]})
    with pytest.raises(PermissionDenied):
        qs.call_next(db, hall.clerk(1), other.w(1), now=NOW)
    from common.db.models import Window

    with db.write() as s:
        s.get(Window, hall.w(2)).active = False
    with pytest.raises(InvalidInput, match="已停用"):
        qs.call_next(db, hall.clerk(2), hall.w(2), now=NOW)


def test_window_queues(db):
    hall = make_hall(db)
    hall.issue("B")
    got = {q.prefix: q.waiting for q in qs.window_queues(db, hall.w(2), now=NOW)}
    assert got == {"A": 0, "B": 1}
    assert [q.prefix for q in qs.window_queues(db, hall.w(3), now=NOW)] == ["B"]


def test_pause_and_resume_window(db):
    hall = make_hall(db)
    with pytest.raises(InvalidInput, match="原因"):
        qs.pause_window(db, hall.clerk(1), hall.w(1), "  ", now=NOW)
    qs.pause_window(db, hall.clerk(1), hall.w(1), "接听电话", now=NOW)
    with pytest.raises(Conflict, match="已处于暂停"):
        qs.pause_window(db, hall.clerk(1), hall.w(1), "again", now=NOW)
    hall.issue("A")
    with pytest.raises(InvalidInput, match="暂停服务"):
        qs.call_next(db, hall.clerk(1), hall.w(1), now=NOW)
    qs.resume_window(db, hall.clerk(1), hall.w(1), now=at(10, 10))
    with pytest.raises(Conflict, match="未处于暂停"):
        qs.resume_window(db, hall.clerk(1), hall.w(1), now=at(10, 11))
    assert qs.call_next(db, hall.clerk(1), hall.w(1), now=at(10, 12)).number == "A001"
    with db.read() as s:
        (b,) = s.scalars(select(WindowBreak)).all()
        assert (b.reason, b.started_at, b.ended_at) == ("接听电话", NOW, at(10, 10))
    assert hall_kinds(db)[:1] == ["window.paused"] and "window.resumed" in hall_kinds(db)
    nosession = make_hall(db, code="HALL2", queues=[{"prefix": "A", "name": "社保"}], windows={1: [("A", 1)]},
                          sessions=False)
    with pytest.raises(InvalidInput, match="尚未签到"):
        qs.pause_window(db, nosession.clerk(1), nosession.w(1), "午休", now=NOW)


def test_close_day_expires_unserved_tickets(db):
    hall = make_hall(db)
    waiting = hall.issue("A", at=at(9, 0))
    called_t = hall.issue("A", at=at(9, 1))
    parked_t = hall.issue("B", at=at(9, 2))
    serving_t = hall.issue("B", at=at(9, 3))
    done_t = hall.issue("A", at=at(9, 4))
    qs.call_specific(db, hall.clerk(1), hall.w(1), done_t.number, now=at(9, 10))
    qs.finish(db, hall.clerk(1), hall.w(1), done_t.ticket_id, now=at(9, 11))
    qs.call_specific(db, hall.clerk(1), hall.w(1), called_t.number, now=at(9, 12))
    qs.call_specific(db, hall.clerk(3), hall.w(3), parked_t.number, now=at(9, 12))
    qs.start_service(db, hall.clerk(3), hall.w(3), parked_t.ticket_id, now=at(9, 13))
    qs.park(db, hall.clerk(3), hall.w(3), parked_t.ticket_id, now=at(9, 14))
    qs.call_specific(db, hall.clerk(3), hall.w(3), serving_t.number, now=at(9, 15))
    qs.start_service(db, hall.clerk(3), hall.w(3), serving_t.ticket_id, now=at(9, 15))
    assert qs.close_day(db, hall.site_id, DAY, now=at(18, 0)) == 3
    status = {t.ticket_id: ticket(db, t.ticket_id).status.value
              for t in (waiting, called_t, parked_t, serving_t, done_t)}
    assert status == {waiting.ticket_id: "expired", called_t.ticket_id: "expired", parked_t.ticket_id: "expired",
                      serving_t.ticket_id: "serving", done_t.ticket_id: "done"}
    assert kinds(db, waiting.ticket_id) == ["issued", "expired"]
    assert kinds(db, parked_t.ticket_id)[-1] == "expired"
    assert hall_kinds(db)[-1] == "day.closed"
    assert qs.close_day(db, hall.site_id, DAY, now=at(18, 1)) == 0
    # the next business day starts at 1 again
    nxt = hall.issue("A", at=at(9, 0, day=DAY + dt.timedelta(days=1)))
    assert nxt.number == "A001" and nxt.business_day == DAY + dt.timedelta(days=1)


def test_yesterdays_leftovers_are_not_called_today(db):
    hall = make_hall(db, all_day=True)
    hall.issue("A", at=at(16, 0, day=DAY - dt.timedelta(days=1)))
    assert qs.call_next(db, hall.clerk(1), hall.w(1), now=NOW) is None


# --------------------------------------------------------------------------------------------- appointments & reprint


def _appointment(db, hall, code="YY123456", slot=dt.time(10, 30), day=DAY, prefix="A",
                 status=AppointmentStatus.BOOKED) -> int:
    with db.write() as s:
        a = Appointment(site_id=hall.site_id, queue_id=hall.q(prefix), code=code, day=day, slot_start=slot,
                        slot_end=(dt.datetime.combine(day, slot) + dt.timedelta(minutes=30)).time(),
                        applicant_name="张三", phone="13800138000", status=status)
        s.add(a)
        s.flush()
        return a.id


def test_check_in_appointment_enters_at_the_booked_time(db):
    hall = make_hall(db)
    hall.update_queue("A", appointment_only=True)
    appt_id = _appointment(db, hall)
    t = qs.check_in_appointment(db, "yy123456", device="kiosk-2", now=at(10, 0))
    assert t.number == "A001" and t.appointment_id == appt_id and t.status == "waiting"
    row = ticket(db, t.ticket_id)
    assert row.queued_at == at(10, 30) and row.issued_at == at(10, 0) and row.phone == "13800138000"
    with db.read() as s:
        a = s.get(Appointment, appt_id)
        assert a.status is AppointmentStatus.CHECKED_IN and a.checked_in_at == at(10, 0)
    assert kinds(db, t.ticket_id) == ["checked_in"]
    again = qs.check_in_appointment(db, "YY123456", now=at(10, 5))  # lost slip: same ticket again
    assert again.ticket_id == t.ticket_id and again.number == "A001"


def test_late_check_in_queues_now(db):
    hall = make_hall(db)
    _appointment(db, hall, slot=dt.time(9, 0))
    hall.issue("A", at=at(9, 50))
    t = qs.check_in_appointment(db, "YY123456", now=at(10, 0))
    assert ticket(db, t.ticket_id).queued_at == at(10, 0)
    assert t.people_ahead == 1
    assert serve(db, hall, 1, now=at(10, 1)) == "A001"


def test_check_in_refusals(db):
    hall = make_hall(db)
    _appointment(db, hall, code="TOMORROW", day=DAY + dt.timedelta(days=1))
    _appointment(db, hall, code="CANCEL", status=AppointmentStatus.CANCELLED)
    with pytest.raises(InvalidInput, match="请在预约当天"):
        qs.check_in_appointment(db, "TOMORROW", now=NOW)
    with pytest.raises(InvalidInput, match="已取消"):
        qs.check_in_appointment(db, "CANCEL", now=NOW)
    with pytest.raises(NotFound):
        qs.check_in_appointment(db, "NOPE", now=NOW)


def test_get_ticket_and_reprint(db):
    hall = make_hall(db)
    first = hall.issue("A")
    second = hall.issue("A")
    assert qs.get_ticket(db, second.ticket_id, now=NOW).people_ahead == 1
    serve(db, hall, 1, now=NOW)
    again = qs.get_ticket(db, second.ticket_id, now=NOW)
    assert again.people_ahead == 0 and again.qr_data == second.qr_data and again.status == "waiting"
    assert qs.get_ticket(db, first.ticket_id, now=NOW).status == "done"
    qs.record_reprint(db, second.ticket_id, "kiosk-3")
    assert kinds(db, second.ticket_id) == ["issued", "reprinted"]
    with pytest.raises(NotFound):
        qs.get_ticket(db, 999_999)
    with pytest.raises(NotFound):
        qs.record_reprint(db, 999_999, "kiosk-3")


def test_priority_people_ahead_is_rough_but_sane(db):
    hall = make_hall(db)
    for _ in range(6):
        hall.issue("A")
    p = hall.issue("A", priority=Priority.ELDERLY)
    assert p.people_ahead == 2  # two normal calls, then it is due
    n = hall.issue("A")
    assert n.people_ahead == 7


def test_counter_rows_and_no_count_star_numbering(db):
    """Numbers come from the counter row even if tickets were deleted (never max()+1 / count(*))."""
    hall = make_hall(db)
    t1 = hall.issue("A")
    with db.write() as s:
        s.query(TicketEvent).filter(TicketEvent.ticket_id == t1.ticket_id).delete()
        s.query(Ticket).filter(Ticket.id == t1.ticket_id).delete()
    assert hall.issue("A").number == "A002"
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(Ticket)) == 1


def test_clerk_role_rows_are_used_for_names(db):
    hall = make_hall(db)
    with db.read() as s:
        staff = s.get(Staff, hall.clerk(1).staff_id)
        assert staff.name == "窗口1办事员"
        assert s.scalar(select(StaffRole.role).where(StaffRole.staff_id == staff.id)) is Role.CLERK
