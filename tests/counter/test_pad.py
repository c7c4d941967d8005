"""The rating pad (满意度评价器): 亮牌 idle card, serving, five levels, reasons, thanks, timeout → skipped."""

from __future__ import annotations

from sqlalchemy import select

from common.db.models import Rating
from common.services import queue
from common.services.attendance import sign_in
from common.services.auth import login
from counter.qt import Qt
from counter.rating_pad import RatingPadController
from counter.services import CounterServices
from tests.counter.conftest import DEMO_PASSWORD, issue, window_id

K = Qt.Key


def test_idle_card_shows_the_clerk_and_english_switch(hall, counters, qtbot):
    c = counters(hall, rating_pad=True)
    c.login("1004", 4)
    c.pad_wait("idle")
    v = c.pad.view
    assert v.idle_name.text() == "杨帆"
    assert "1004" in v.idle_no.text()
    assert v.window_label.text() == "4号窗口"
    assert v.idle_badge.text() == "亮牌服务"
    assert not v.photo.pixmap().isNull()  # the placeholder silhouette
    qtbot.mouseClick(v.lang_button, Qt.MouseButton.LeftButton)
    assert v.window_label.text() == "Window 4"
    assert v.face_buttons[5].text() == "Very satisfied"
    qtbot.mouseClick(v.lang_button, Qt.MouseButton.LeftButton)
    assert v.face_buttons[5].text() == "非常满意"
    c.sign_out()
    c.wait_until(lambda: v.idle_badge.text() == "本窗口暂停服务")


def test_timeout_records_a_skip(hall, counters, qtbot):
    issue(hall, "A", 1)
    c = counters(hall, rating_pad=True, pad_timeout_s=1)
    c.login("1004", 4)
    c.press(K.Key_F1)
    c.pad_wait("serving")
    assert c.pad.view.serving_number.text() == c.current_number()
    ticket_id = c.ws.current.ticket_id
    c.press(K.Key_F8)
    c.pad_wait("rating")
    qtbot.mouseClick(c.pad.view.lang_button, Qt.MouseButton.LeftButton)  # a foreign visitor looks, walks away
    assert c.pad.view.rating_title.text() == "Please rate our service"
    qtbot.waitUntil(lambda: c.pad.state == "idle", timeout=5000)
    assert not c.pad.view.english  # the next citizen starts in Chinese
    c.settle()
    with hall.read() as s:
        rows = s.execute(select(Rating.ticket_id, Rating.rated, Rating.level)).all()
    assert rows == [(ticket_id, False, None)]
    c.wait_until(lambda: "群众未评价" in c.w.workspace.rating_banner.text())


def test_reasons_page_needs_a_reason_and_can_go_back(hall, counters, qtbot):
    issue(hall, "A", 1)
    c = counters(hall, rating_pad=True)
    c.login("1004", 4)
    c.press(K.Key_F1)
    c.press(K.Key_F8)
    c.pad_wait("rating")
    v = c.pad.view
    qtbot.mouseClick(v.face_buttons[1], Qt.MouseButton.LeftButton)
    assert c.pad.state == "reasons"
    assert [b.text() for b in v.reason_buttons][:2] == ["服务态度差", "办事效率低"]
    assert all(b.minimumSizeHint().height() >= 96 or b.height() >= 96 for b in v.reason_buttons)
    assert not v.reasons_submit.isEnabled()
    qtbot.mouseClick(v.reasons_back, Qt.MouseButton.LeftButton)
    assert c.pad.state == "rating"
    qtbot.mouseClick(v.face_buttons[1], Qt.MouseButton.LeftButton)
    assert not any(b.isChecked() for b in v.reason_buttons)
    qtbot.mouseClick(v.reason_buttons[0], Qt.MouseButton.LeftButton)
    qtbot.mouseClick(v.reason_buttons[5], Qt.MouseButton.LeftButton)
    qtbot.mouseClick(v.reasons_submit, Qt.MouseButton.LeftButton)
    c.settle()
    assert c.pad.state == "thanks"
    assert v.thanks_title.text() == "感谢您的评价！"
    with hall.read() as s:
        row = s.scalar(select(Rating))
        assert (row.level, row.reasons) == (1, ["服务态度差", "其他"])


def test_standalone_pad_for_a_separate_pc(hall, qtbot):
    """`--rating-pad --window N`: no workspace in this process; the pad follows the window through the database."""
    w4 = window_id(hall, 4)
    actor = login(hall, "1004", DEMO_PASSWORD)
    sign_in(hall, actor, w4)
    issue(hall, "F", 1)
    services = CounterServices(db=hall)
    pad = RatingPadController(services, w4, poll_ms=100)
    pad.start(show=True)
    try:
        qtbot.waitUntil(lambda: pad.state == "idle" and pad.view.idle_name.text() == "杨帆", timeout=5000)
        called = queue.call_next(hall, actor, w4)
        qtbot.waitUntil(lambda: pad.state == "serving", timeout=5000)
        assert pad.view.serving_number.text() == called.number
        queue.finish(hall, actor, w4, called.ticket_id)
        qtbot.waitUntil(lambda: pad.state == "rating", timeout=5000)
        qtbot.mouseClick(pad.view.face_buttons[5], Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: pad.state == "thanks", timeout=5000)
        with hall.read() as s:
            assert s.execute(select(Rating.level, Rating.staff_id)).all() == [(5, actor.staff_id)]
    finally:
        pad.shutdown()
