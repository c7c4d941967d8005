"""Signing in: errors in Chinese, the lock, a fixed window, B岗 stand-ins; the event channel; heartbeats."""

from __future__ import annotations

from sqlalchemy import select

from common.db.models import WindowSession
from counter.qt import Qt
from tests.counter.conftest import issue

K = Qt.Key


def test_wrong_password_then_locked(hall, counters):
    c = counters(hall)
    c.login("1004", 4, password="wrong-pass-1", expect_ok=False)
    assert "工号或密码错误" in c.w.login.banner.text()
    assert c.w.login.password.text() == ""  # cleared for the next try; the staff number stays
    assert c.w.login.staff_no.text() == "1004"
    for _ in range(4):
        c.login("1004", 4, password="wrong-pass-1", expect_ok=False)
    assert "账号已锁定" in c.w.login.banner.text()
    c.login("1004", 4, expect_ok=False)  # even the right password is refused while locked
    assert "账号已锁定" in c.w.login.banner.text()
    assert c.c.workspace is None


def test_empty_fields_are_explained(hall, counters, qtbot):
    c = counters(hall)
    qtbot.waitUntil(lambda: c.w.login.window_box.count() > 0)
    c.activate()
    qtbot.keyClick(c.w.login.password, K.Key_Return)
    assert c.w.login.banner.text() == "请输入工号。"


def test_fixed_window_and_stand_in(hall, counters):
    c = counters(hall, window_number=7)
    c.settle()
    box = c.w.login.window_box
    assert not box.isEnabled()
    assert box.currentText().startswith("7号窗口")
    c.login("1008", 7, stand_in="1007")
    assert "B岗代岗：吴昊" in c.w.workspace.header.text()
    with hall.read() as s:
        assert s.scalar(select(WindowSession.stand_in_for_id)) is not None


def test_screen_follows_other_terminals_and_heartbeat(hall, counters):
    issue(hall, "A", 1)
    c = counters(hall)
    c.login("1004", 4)
    assert c.w.workspace.total_waiting.property("total") == 1
    issue(hall, "F", 2)  # the kiosk issues; the event channel refreshes the screen by itself
    c.wait_until(lambda: c.w.workspace.total_waiting.property("total") == 3)
    with hall.read() as s:
        before = s.scalar(select(WindowSession.last_seen_at))
    c.ws.heartbeat()
    c.settle()
    with hall.read() as s:
        assert s.scalar(select(WindowSession.last_seen_at)) > before
