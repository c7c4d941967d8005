"""What the hall display shows (`display_snapshot`) and says (`announcement_text`); no Qt."""

from __future__ import annotations

import datetime as dt

import pytest

from common.db.models import Staff, Window
from common.services.display import (
    CALLING,
    CLOSED,
    IDLE,
    PAUSED,
    SERVING,
    announcement_text,
    announcement_texts,
    chinese_numeral,
    display_snapshot,
    mask_name,
    spoken_number,
)
from common.services.queue import call_next, finish, pause_window, recall, start_service
from common.services.settings import set_setting
from tests.common.services.queue_fixtures import NOW, make_hall

# --------------------------------------------------------------------------------------------- spoken text


@pytest.mark.parametrize(
    "n, zh",
    [(0, "零"), (1, "一"), (10, "十"), (12, "十二"), (20, "二十"), (100, "一百"), (105, "一百零五"),
     (110, "一百一十"), (999, "九百九十九"), (1000, "一千"), (1010, "一千零一十"), (2001, "二千零一")],
)
def test_chinese_numeral(n, zh):
    assert chinese_numeral(n) == zh


def test_spoken_number_digits_and_natural():
    assert spoken_number("A012") == "A零一二"
    assert spoken_number("A012", "natural") == "A十二"
    assert spoken_number("B100", "natural") == "B一百"
    assert spoken_number("A000", "natural") == "A零"
    assert spoken_number("A012", english=True) == "A 0 1 2"
    assert spoken_number("A012", "natural", english=True) == "A 12"
    assert spoken_number("VIP07") == "VIP零七"
    with pytest.raises(ValueError):
        spoken_number("A012", "roman")


def test_announcement_text_is_the_one_sentence():
    assert announcement_text("A012", 5, "5号窗口") == "请A零一二号到五号窗口办理"
    assert announcement_text("A012", 12, "", number_reading="natural") == "请A十二号到十二号窗口办理"
    assert announcement_text("a012", 5) == "请A零一二号到五号窗口办理"  # letters upper-cased
    assert announcement_text("A012", 5, english=True) == "Number A 0 1 2, please go to window 5"
    assert announcement_text("A012", 5, english=True, number_reading="natural") == "Number A 12, please go to window 5"
    assert announcement_text("C003", None, "不动产登记窗口") == "请C零零三号到不动产登记窗口办理"


def test_announcement_texts_chinese_then_english():
    assert announcement_texts("A012", 5) == [("zh", "请A零一二号到五号窗口办理")]
    assert announcement_texts("A012", 5, english=True) == [
        ("zh", "请A零一二号到五号窗口办理"), ("en", "Number A 0 1 2, please go to window 5")]


def test_mask_name():
    assert mask_name("王小明") == "王*"
    assert mask_name("欧阳娜娜") == "欧*"  # the length is not given away either
    assert mask_name("李") == "李*"
    assert mask_name("") == ""
    assert mask_name(None) == ""
    assert mask_name(" Alice ") == "A*"


# --------------------------------------------------------------------------------------------- snapshot


def _hall(db, **kw):
    hall = make_hall(db, **kw)
    with db.write() as s:
        for number, actor in hall.clerks.items():
            s.get(Staff, actor.staff_id).name = ["王小明", "李四", "欧阳娜娜"][number - 1]
    return hall


def test_snapshot_windows_calls_and_waiting(db):
    hall = _hall(db)
    tickets = [hall.issue("A", at=NOW - dt.timedelta(minutes=10 - i)) for i in range(3)]
    hall.issue("B", at=NOW - dt.timedelta(minutes=5))
    first = call_next(db, hall.clerk(1), hall.w(1), now=NOW)
    start_service(db, hall.clerk(1), hall.w(1), first.ticket_id, now=NOW + dt.timedelta(seconds=20))
    second = call_next(db, hall.clerk(2), hall.w(2), now=NOW + dt.timedelta(seconds=30))
    assert (first.number, second.number) == (tickets[0].number, tickets[1].number)

    snap = display_snapshot(db, hall.site_id, now=NOW + dt.timedelta(minutes=1))
    assert snap.hall_name and snap.notice  # the defaults when the hall set nothing
    assert [c.number for c in snap.calls] == [second.number, first.number]  # newest first
    assert snap.latest.window_number == 2
    w1, w2, w3 = snap.windows
    assert (w1.state, w1.current_number, w1.clerk) == (SERVING, first.number, "王*")
    assert (w2.state, w2.current_number, w2.clerk) == (CALLING, second.number, "李*")
    assert (w3.state, w3.current_number, w3.clerk) == (IDLE, None, "欧*")
    assert w1.services == "社保医保" and w3.services == "不动产登记"
    assert {q.prefix: q.waiting for q in snap.queues} == {"A": 1, "B": 1}
    assert snap.waiting_total == 2
    assert snap.last_event_id > 0
    # no full names anywhere on a public screen
    assert "王小明" not in repr(snap) and "李四" not in repr(snap)


def test_snapshot_paused_closed_and_finished(db):
    hall = _hall(db)
    t = hall.issue("A", at=NOW - dt.timedelta(minutes=3))
    served = call_next(db, hall.clerk(1), hall.w(1), now=NOW)
    recall(db, hall.clerk(1), hall.w(1), served.ticket_id, now=NOW + dt.timedelta(seconds=10))
    finish(db, hall.clerk(1), hall.w(1), t.ticket_id, now=NOW + dt.timedelta(seconds=40))
    pause_window(db, hall.clerk(2), hall.w(2), "会议", now=NOW + dt.timedelta(seconds=50))
    with db.write() as s:  # window 3: nobody signed in
        from common.db.models import WindowSession

        for ws in s.query(WindowSession).filter_by(window_id=hall.w(3)):
            ws.ended_at = NOW
    snap = display_snapshot(db, hall.site_id, now=NOW + dt.timedelta(minutes=1))
    states = {w.number: w.state for w in snap.windows}
    assert states == {1: IDLE, 2: PAUSED, 3: CLOSED}
    assert [w.number for w in snap.paused_windows] == [2] and [w.number for w in snap.closed_windows] == [3]
    assert snap.window(hall.w(3)).clerk == "" and snap.window(hall.w(2)).clerk == "李*"
    assert [c.number for c in snap.calls] == [t.number] and snap.calls[0].status == "done"


def test_snapshot_zone_filter(db):
    hall = _hall(db)
    with db.write() as s:
        for number, zone in ((1, "A区"), (2, "A区"), (3, "B区")):
            s.get(Window, hall.w(number)).zone = zone
    hall.issue("A", at=NOW - dt.timedelta(minutes=2))
    hall.issue("B", at=NOW - dt.timedelta(minutes=2))
    call_next(db, hall.clerk(1), hall.w(1), now=NOW)
    b = call_next(db, hall.clerk(3), hall.w(3), now=NOW + dt.timedelta(seconds=5))
    snap = display_snapshot(db, hall.site_id, "B区", now=NOW + dt.timedelta(minutes=1))
    assert [w.number for w in snap.windows] == [3]
    assert snap.window_ids == frozenset({hall.w(3)})
    assert [c.number for c in snap.calls] == [b.number]
    assert [q.prefix for q in snap.queues] == ["B"]  # queue B is in zone B区 (fixture)
    assert snap.zone == "B区"


def test_snapshot_names_and_photos_can_be_hidden(db, tmp_path):
    hall = _hall(db)
    photo = tmp_path / "p.png"
    photo.write_bytes(b"x")
    with db.write() as s:
        s.get(Staff, hall.clerk(1).staff_id).photo_path = str(photo)
        set_setting(s, "display_notice", "今日办理时间 9:00–17:00", hall.site_id)
    snap = display_snapshot(db, hall.site_id, now=NOW)
    assert snap.window(hall.w(1)).photo_path == str(photo)
    assert snap.notice == "今日办理时间 9:00–17:00"
    with db.write() as s:
        set_setting(s, "display_show_photos", False, hall.site_id)
    snap = display_snapshot(db, hall.site_id, now=NOW)
    assert snap.window(hall.w(1)).photo_path == "" and snap.window(hall.w(1)).clerk == "王*"
    with db.write() as s:
        set_setting(s, "display_show_names", "否")
    snap = display_snapshot(db, hall.site_id, now=NOW)
    assert all(w.clerk == "" and w.photo_path == "" for w in snap.windows)


def test_snapshot_other_days_do_not_show(db):
    hall = _hall(db)
    hall.issue("A", at=NOW - dt.timedelta(minutes=2))
    call_next(db, hall.clerk(1), hall.w(1), now=NOW)
    tomorrow = NOW + dt.timedelta(days=1)
    snap = display_snapshot(db, hall.site_id, now=tomorrow)
    assert snap.calls == () and all(w.state == CLOSED for w in snap.windows)  # yesterday's sessions don't count
    assert snap.business_day == dt.date(2026, 3, 3)
