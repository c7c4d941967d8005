"""Attendance at the windows: sign in/out, resume, stale takeover, breaks, 缺岗 and 只进人不办事, on both back ends."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from common.db.models import (
    AuditLog,
    HallEvent,
    Queue,
    Site,
    Staff,
    StaffRole,
    Ticket,
    Window,
    WindowQueue,
    WindowSession,
)
from common.domain import Post, Role, SiteLevel, TicketStatus
from common.errors import Conflict, InvalidInput, PermissionDenied
from common.services import attendance as att
from common.services.permissions import Actor

TZ = ZoneInfo("Asia/Shanghai")
NOW = dt.datetime(2026, 3, 2, 10, 0, tzinfo=TZ)  # a Monday morning
DAY = NOW.date()


@dataclass
class Hall:
    site_id: int
    queues: dict[str, int]  # prefix -> id
    windows: dict[int, int]  # number -> id
    staff: dict[str, int]  # staff_no -> id
    actors: dict[str, Actor]


def make_hall(db) -> Hall:
    """One hall: queues A/B/C; window 1 serves A, window 2 serves A+B, window 3 serves C; four clerks, a supervisor."""
    with db.write() as s:
        site = Site(code="T01", name="测试县政务服务中心", level=SiteLevel.COUNTY, timezone="Asia/Shanghai")
        s.add(site)
        s.flush()
        queues = {}
        for prefix, name in (("A", "综合业务"), ("B", "不动产登记"), ("C", "社保医保")):
            q = Queue(site_id=site.id, prefix=prefix, name=name)
            s.add(q)
            s.flush()
            queues[prefix] = q.id
        windows = {}
        for number, name, served in ((1, "综合受理", "A"), (2, "不动产登记", "AB"), (3, "社保医保", "C")):
            w = Window(site_id=site.id, number=number, name=name)
            w.queues = [WindowQueue(queue_id=queues[p], weight=1) for p in served]
            s.add(w)
            s.flush()
            windows[number] = w.id
        people = (
            ("C001", "张三", Post.A, Role.CLERK),
            ("C002", "李四", Post.A, Role.CLERK),
            ("C003", "王五", Post.B, Role.CLERK),
            ("C004", "赵六", Post.A, Role.CLERK),
            ("S001", "钱监察", Post.A, Role.SUPERVISOR),
        )
        staff, actors = {}, {}
        for no, name, post, role in people:
            st = Staff(staff_no=no, name=name, site_id=site.id, post=post)
            st.roles = [StaffRole(role=role)]
            s.add(st)
            s.flush()
            staff[no] = st.id
            actors[no] = Actor(staff_id=st.id, staff_no=no, name=name, roles=frozenset({role}), site_id=site.id)
        return Hall(site.id, queues, windows, staff, actors)


def make_ticket(
    db,
    hall: Hall,
    prefix: str,
    seq: int,
    status: TicketStatus = TicketStatus.WAITING,
    *,
    window: int | None = None,
    staff_no: str | None = None,
    queued_at: dt.datetime | None = None,
    finished_at: dt.datetime | None = None,
    day: dt.date = DAY,
) -> int:
    queued_at = queued_at or NOW - dt.timedelta(minutes=20)
    with db.write() as s:
        t = Ticket(
            site_id=hall.site_id,
            queue_id=hall.queues[prefix],
            origin_queue_id=hall.queues[prefix],
            business_day=day,
            seq=seq,
            number=f"{prefix}{seq:03d}",
            status=status,
            issued_at=queued_at,
            queued_at=queued_at,
            window_id=hall.windows[window] if window else None,
            staff_id=hall.staff[staff_no] if staff_no else None,
            finished_at=finished_at,
        )
        s.add(t)
        s.flush()
        return t.id


@pytest.fixture
def hall(db) -> Hall:
    return make_hall(db)


def _events(db, kind: str) -> list[dict]:
    with db.read() as s:
        return [e.payload for e in s.scalars(select(HallEvent).where(HallEvent.kind == kind).order_by(HallEvent.id))]


# --------------------------------------------------------------------------------------------- sign in / out


def test_sign_in_and_out_publish_events_and_audit(db, hall):
    clerk = hall.actors["C001"]
    info = att.sign_in(db, clerk, hall.windows[1], now=NOW)
    assert info.is_open and info.window_number == 1 and info.staff_name == "张三"
    assert info.business_day == DAY and not info.resumed
    assert att.open_session(db, hall.windows[1], now=NOW).id == info.id
    assert att.session_for_staff(db, hall.staff["C001"], now=NOW).id == info.id

    out = att.sign_out(db, clerk, info.id, now=NOW + dt.timedelta(hours=2))
    assert out.ended_at == NOW + dt.timedelta(hours=2)
    assert out.end_reason == "signed_out"
    assert att.open_session(db, hall.windows[1]) is None
    assert [e["window_number"] for e in _events(db, "window.signed_in")] == [1]
    assert [e["reason"] for e in _events(db, "window.signed_out")] == ["signed_out"]
    with db.read() as s:
        actions = list(s.scalars(select(AuditLog.action).order_by(AuditLog.id)))
    assert actions == ["attendance.sign_in", "attendance.sign_out"]


def test_same_clerk_signing_in_again_resumes_the_session(db, hall):
    clerk = hall.actors["C001"]
    first = att.sign_in(db, clerk, hall.windows[1], now=NOW)
    # the counter PC crashed; 20 minutes later the clerk starts the app again at the same window
    again = att.sign_in(db, clerk, hall.windows[1], now=NOW + dt.timedelta(minutes=20))
    assert again.id == first.id and again.resumed
    assert again.last_seen_at == NOW + dt.timedelta(minutes=20)
    with db.read() as s:
        assert len(s.scalars(select(WindowSession)).all()) == 1


def test_second_clerk_at_a_held_window_is_refused_with_the_holder_named(db, hall):
    att.sign_in(db, hall.actors["C001"], hall.windows[1], now=NOW)
    with pytest.raises(Conflict) as exc:
        att.sign_in(db, hall.actors["C002"], hall.windows[1], now=NOW + dt.timedelta(minutes=2))
    assert "张三" in exc.value.message and "C001" in exc.value.message


def test_stale_session_is_taken_over_and_closed_at_its_last_heartbeat(db, hall):
    old = att.sign_in(db, hall.actors["C001"], hall.windows[1], now=NOW)
    att.heartbeat(db, old.id, now=NOW + dt.timedelta(minutes=1))
    assert att.open_session(db, hall.windows[1], now=NOW + dt.timedelta(minutes=7)).stale
    new = att.sign_in(db, hall.actors["C002"], hall.windows[1], now=NOW + dt.timedelta(minutes=7))
    assert new.id != old.id and new.staff_no == "C002"
    with db.read() as s:
        row = s.get(WindowSession, old.id)
        assert row.end_reason == "recovered"
        assert row.ended_at == NOW + dt.timedelta(minutes=1)
    # the old PC comes back: its heartbeat learns the session is over
    with pytest.raises(Conflict):
        att.heartbeat(db, old.id, now=NOW + dt.timedelta(minutes=8))


def test_one_open_session_per_clerk(db, hall):
    att.sign_in(db, hall.actors["C001"], hall.windows[1], now=NOW)
    with pytest.raises(Conflict) as exc:
        att.sign_in(db, hall.actors["C001"], hall.windows[2], now=NOW + dt.timedelta(minutes=1))
    assert "1 号窗口" in exc.value.message


def test_stand_in_is_recorded(db, hall):
    info = att.sign_in(db, hall.actors["C003"], hall.windows[1], stand_in_for_staff_no="c001", now=NOW)
    assert info.stand_in_for_id == hall.staff["C001"] and info.stand_in_for_name == "张三"
    rows = att.attendance_day(db, hall.site_id, DAY, now=NOW + dt.timedelta(minutes=30))
    assert len(rows) == 1 and rows[0].stand_in_for == "张三" and rows[0].signed_out is None
    assert rows[0].minutes_on_duty == 30


def test_supervisor_cannot_sign_in_at_a_window(db, hall):
    with pytest.raises(PermissionDenied):
        att.sign_in(db, hall.actors["S001"], hall.windows[1], now=NOW)


def test_inactive_window_refused(db, hall):
    with db.write() as s:
        s.get(Window, hall.windows[3]).active = False
    with pytest.raises(Conflict):
        att.sign_in(db, hall.actors["C001"], hall.windows[3], now=NOW)


# --------------------------------------------------------------------------------------------- breaks


def test_break_needs_a_reason_and_is_reported(db, hall):
    clerk = hall.actors["C001"]
    info = att.sign_in(db, clerk, hall.windows[1], now=NOW)
    with pytest.raises(InvalidInput):
        att.start_break(db, clerk, info.id, "  ", now=NOW)
    paused = att.start_break(db, clerk, info.id, "会议", now=NOW + dt.timedelta(minutes=10))
    assert paused.on_break and paused.break_reason == "会议"
    with pytest.raises(Conflict):
        att.start_break(db, clerk, info.id, "就餐", now=NOW + dt.timedelta(minutes=11))
    with pytest.raises(PermissionDenied):
        att.start_break(db, hall.actors["C002"], info.id, "就餐", now=NOW + dt.timedelta(minutes=11))
    resumed = att.end_break(db, clerk, info.id, now=NOW + dt.timedelta(minutes=40))
    assert not resumed.on_break
    with pytest.raises(Conflict):
        att.end_break(db, clerk, info.id, now=NOW + dt.timedelta(minutes=41))
    att.sign_out(db, clerk, info.id, now=NOW + dt.timedelta(minutes=60))
    (row,) = att.attendance_day(db, hall.site_id, DAY)
    assert row.breaks == [("会议", 30)]
    assert row.break_minutes == 30 and row.minutes_on_duty == 30
    assert [e["reason"] for e in _events(db, "window.paused")] == ["会议"]
    assert [e["minutes"] for e in _events(db, "window.resumed")] == [30]


def test_sign_out_refused_while_the_window_holds_a_ticket(db, hall):
    clerk = hall.actors["C001"]
    info = att.sign_in(db, clerk, hall.windows[1], now=NOW)
    tid = make_ticket(db, hall, "A", 1, TicketStatus.SERVING, window=1, staff_no="C001")
    with pytest.raises(Conflict) as exc:
        att.sign_out(db, clerk, info.id, now=NOW + dt.timedelta(minutes=5))
    assert "A001" in exc.value.message and "转移" in exc.value.message
    with db.write() as s:
        s.get(Ticket, tid).status = TicketStatus.DONE
    assert att.sign_out(db, clerk, info.id, now=NOW + dt.timedelta(minutes=6)).ended_at is not None


# --------------------------------------------------------------------------------------------- the queue engine's hook


def test_assert_signed_in_inside_a_transaction(db, hall):
    clerk = hall.actors["C001"]
    with db.read() as s:
        with pytest.raises(PermissionDenied) as exc:
            att.assert_signed_in(s, clerk, hall.windows[1])
    assert "您尚未在 1 号窗口签到" in exc.value.message
    info = att.sign_in(db, clerk, hall.windows[1], now=NOW)
    with db.write() as s:
        assert att.assert_signed_in(s, clerk, hall.windows[1]) == info.id
        with pytest.raises(PermissionDenied) as exc:
            att.assert_signed_in(s, clerk, hall.windows[2])
        assert "1 号窗口" in exc.value.message
        with pytest.raises(PermissionDenied):
            att.assert_signed_in(s, hall.actors["C002"], hall.windows[1])
    att.start_break(db, clerk, info.id, "临时离开", now=NOW + dt.timedelta(minutes=1))
    with db.read() as s:
        with pytest.raises(PermissionDenied) as exc:
            att.assert_signed_in(s, clerk, hall.windows[1])
    assert "暂停服务" in exc.value.message


# --------------------------------------------------------------------------------------------- housekeeping


def test_close_stale_sessions(db, hall):
    a = att.sign_in(db, hall.actors["C001"], hall.windows[1], now=NOW)
    b = att.sign_in(db, hall.actors["C002"], hall.windows[2], now=NOW)
    att.start_break(db, hall.actors["C002"], b.id, "就餐", now=NOW + dt.timedelta(minutes=1))
    att.heartbeat(db, b.id, now=NOW + dt.timedelta(minutes=9))
    assert att.close_stale_sessions(db, now=NOW + dt.timedelta(minutes=10)) == 1
    with db.read() as s:
        row = s.get(WindowSession, a.id)
        assert (row.end_reason, row.ended_at) == ("recovered", NOW)
    assert att.open_session(db, hall.windows[2]) is not None
    assert att.close_stale_sessions(db, now=NOW + dt.timedelta(minutes=11), day_end=True) == 1
    with db.read() as s:
        assert s.get(WindowSession, b.id).end_reason == "day_closed"
    (r1, r2) = att.attendance_day(db, hall.site_id, DAY)
    assert r2.breaks == [("就餐", 10)]


# --------------------------------------------------------------------------------------------- supervision


def test_unstaffed_queue_detection(db, hall):
    make_ticket(db, hall, "A", 1, queued_at=NOW - dt.timedelta(minutes=25))
    make_ticket(db, hall, "A", 2, queued_at=NOW - dt.timedelta(minutes=5))
    make_ticket(db, hall, "C", 1, queued_at=NOW - dt.timedelta(minutes=12))
    make_ticket(db, hall, "B", 1, TicketStatus.DONE)  # not waiting
    found = att.unstaffed_queues(db, hall.site_id, now=NOW)
    assert [(u.prefix, u.waiting, u.oldest_wait_minutes) for u in found] == [("A", 2, 25), ("C", 1, 12)]

    info = att.sign_in(db, hall.actors["C001"], hall.windows[1], now=NOW)
    assert [u.prefix for u in att.unstaffed_queues(db, hall.site_id, now=NOW)] == ["C"]
    att.start_break(db, hall.actors["C001"], info.id, "会议", now=NOW)  # on a break: the post is empty again
    assert [u.prefix for u in att.unstaffed_queues(db, hall.site_id, now=NOW)] == ["A", "C"]
    att.end_break(db, hall.actors["C001"], info.id, now=NOW)
    # the clerk's PC stopped beating 6 minutes ago: nobody is really there
    assert [u.prefix for u in att.unstaffed_queues(db, hall.site_id, now=NOW + dt.timedelta(minutes=6))] == ["A", "C"]


def test_idle_window_detection(db, hall):
    att.sign_in(db, hall.actors["C001"], hall.windows[1], now=NOW)
    att.sign_in(db, hall.actors["C002"], hall.windows[2], now=NOW)
    make_ticket(db, hall, "B", 1, TicketStatus.DONE, window=2, staff_no="C002", finished_at=NOW)
    make_ticket(db, hall, "A", 1, TicketStatus.WAITING)
    idle = att.idle_windows(db, hall.site_id, DAY, now=NOW + dt.timedelta(hours=1))
    assert [(w.window_number, w.staff, w.minutes_signed_in) for w in idle] == [(1, ["张三"], 60)]
    with pytest.raises(PermissionDenied):
        att.idle_windows(db, hall.site_id, DAY, actor=hall.actors["C001"])
    assert att.idle_windows(db, hall.site_id, DAY, now=NOW, actor=hall.actors["S001"])
