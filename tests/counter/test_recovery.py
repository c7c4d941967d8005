"""A workspace that dies mid-service resumes its ticket after a restart; a lost database is survived."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from common.db import DatabaseUnavailable
from common.db.models import WindowSession
from counter.controllers.base import DB_LOST_TEXT, DB_OK_TEXT
from counter.qt import Qt
from counter.services import CounterServices
from tests.counter.conftest import issue, type_text

K = Qt.Key


def _kill_and_resume(db, counters) -> None:
    issue(db, "A", 2)
    first = counters(db)
    first.login("1004", 4)
    first.press(K.Key_F1)
    first.press(K.Key_F11)
    number = first.current_number()
    session_id = first.ws.session.id
    first.kill()  # no sign-out: the process is gone

    second = counters(db)
    second.login("1004", 4)
    assert second.ws.session.id == session_id  # the open session is resumed, not a new one
    assert second.current_number() == number
    assert second.ws.current.status == "serving"
    assert second.w.workspace.serving.number.text() == number
    assert "已恢复" in second.w.workspace.banner.text()
    second.press(K.Key_F8)
    assert second.ws.current is None
    with db.read() as s:
        assert s.scalar(select(WindowSession.ended_at).where(WindowSession.id == session_id)) is None


def test_killed_workspace_resumes_its_ticket(hall, counters):
    _kill_and_resume(hall, counters)


@pytest.mark.postgres
def test_killed_workspace_resumes_its_ticket_pg(pg_hall, counters):
    _kill_and_resume(pg_hall, counters)


def test_another_clerk_cannot_take_a_live_window(hall, counters):
    first = counters(hall)
    first.login("1004", 4)
    second = counters(hall)
    second.login("1009", 4, expect_ok=False)
    assert second.c.workspace is None
    assert "4 号窗口已由 杨帆（1004）" in second.w.login.banner.text()


class FlakyServices(CounterServices):
    """The real services, with a switch that makes every call fail as a lost connection."""

    down = False

    def _call(self, fn, *args, **kwargs):
        if self.down:
            raise DatabaseUnavailable("无法连接数据库（测试），请检查网络或数据库服务。")
        return super()._call(fn, *args, **kwargs)


def test_lost_database_is_shown_and_survived(hall, counters, qtbot):
    issue(hall, "A", 1)
    services = FlakyServices(db=hall)
    c = counters(hall, services=services)
    c.login("1004", 4)
    assert c.w.db_label.text() == DB_OK_TEXT

    # a dialog is open with typed input when the database goes away
    c.press(K.Key_F10)
    d = c.dialog()
    type_text(d.topic, "营业执照遗失补办")
    d.directed_to.setEditText("当场解答")
    services.down = True
    c.ok(d)
    assert c.ws.dialog is d and d.isVisible()
    assert d.topic.toPlainText() == "营业执照遗失补办"  # nothing typed is lost
    assert "数据库连接中断" in d.error.text()
    assert c.w.db_label.text() == DB_LOST_TEXT
    d.reject()
    c.settle()

    # F1 while down: a Chinese message, no crash, the buttons come back
    c.press(K.Key_F1)
    assert "数据库连接中断" in c.error()
    assert c.w.workspace.buttons["call_next"].isEnabled()
    assert c.c.reconnect_timer.isActive()

    # the database comes back: the next reconnect attempt turns the status bar green again
    services.down = False
    c.c.reconnect_timer.start(1)
    c.wait_until(lambda: c.w.db_label.text() == DB_OK_TEXT)
    c.press(K.Key_F1)
    assert c.current_number() is not None


def test_unreachable_database_at_start(counters, qtbot, tmp_path):
    services = CounterServices(db_url="postgresql+psycopg://nobody@127.0.0.1:9/none")
    c = counters(None, services=services)
    qtbot.waitUntil(lambda: c.w.login.banner.isVisible(), timeout=15_000)
    assert "数据库" in c.w.login.banner.text()
    assert c.w.db_label.text() == DB_LOST_TEXT
    assert c.w.login.window_box.count() == 0
