"""Closing the app signs out (app_closed); while a ticket is held it asks first."""

from __future__ import annotations

from sqlalchemy import select

from common.db.models import Ticket, WindowSession
from common.domain import TicketStatus
from counter.qt import Qt
from tests.counter.conftest import issue

K = Qt.Key


def test_close_signs_out(hall, counters, qtbot):
    c = counters(hall)
    c.login("1004", 4)
    closed = []
    c.c.closed.connect(lambda: closed.append(True))
    c.w.close()
    qtbot.waitUntil(lambda: bool(closed), timeout=10_000)
    c._closed = True
    with hall.read() as s:
        assert s.execute(select(WindowSession.end_reason)).scalars().all() == ["app_closed"]


def test_close_while_serving_asks_then_parks_and_signs_out(hall, counters, qtbot):
    issue(hall, "A", 1)
    c = counters(hall)
    c.login("1004", 4)
    c.press(K.Key_F1)
    ticket_id = c.ws.current.ticket_id
    c.w.close()
    c.settle()
    d = c.c._close_dialog
    assert d is not None and d.isVisible()
    assert c.c.workspace is not None  # still running: nothing happens until the clerk answers
    closed = []
    c.c.closed.connect(lambda: closed.append(True))
    qtbot.mouseClick(d.ok_button, Qt.MouseButton.LeftButton)  # 挂起并签退
    qtbot.waitUntil(lambda: bool(closed), timeout=10_000)
    c._closed = True
    with hall.read() as s:
        assert s.scalar(select(Ticket.status).where(Ticket.id == ticket_id)) is TicketStatus.PARKED
        assert s.execute(select(WindowSession.end_reason)).scalars().all() == ["app_closed"]


def test_close_keeping_the_session(hall, counters, qtbot):
    issue(hall, "A", 1)
    c = counters(hall)
    c.login("1004", 4)
    c.press(K.Key_F1)
    c.w.close()
    c.settle()
    d = c.c._close_dialog
    closed = []
    c.c.closed.connect(lambda: closed.append(True))
    qtbot.mouseClick(d.extra["keep"], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(closed), timeout=10_000)
    c._closed = True
    with hall.read() as s:
        assert s.scalar(select(WindowSession.ended_at)) is None
