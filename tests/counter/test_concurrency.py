"""Two counter workspaces against one database never serve the same ticket."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from common.db.models import TicketEvent
from common.domain import TicketEventKind
from counter.qt import QApplication, Qt
from tests.counter.conftest import issue

K = Qt.Key


def _race(db, counters, qtbot) -> None:
    tickets = issue(db, "A", 12)  # windows 1 and 2 both serve only A
    one = counters(db)
    one.login("1001", 1)
    two = counters(db)
    two.login("1002", 2)
    served: list[int] = []
    for _round in range(20):
        # both clerks press F1 at (nearly) the same moment: the two calls run on two worker threads at once
        for c in (one, two):
            c.activate()
            qtbot.keyClick(c.w.workspace, K.Key_F1)
        one.settle()
        two.settle()
        got = [c.ws.current for c in (one, two) if c.ws.current is not None]
        if not got:
            break
        ids = [t.ticket_id for t in got]
        assert len(set(ids)) == len(ids), f"both windows hold the same ticket: {got}"
        served += ids
        for c in (one, two):
            if c.ws.current is not None:
                c.press(K.Key_F8)
                assert c.ws.current is None, c.error()
        QApplication.processEvents()
    assert sorted(served) == sorted(t.ticket_id for t in tickets)
    with db.read() as s:
        calls = dict(s.execute(
            select(TicketEvent.ticket_id, func.count()).where(TicketEvent.kind == TicketEventKind.CALLED)
            .group_by(TicketEvent.ticket_id)
        ).all())
    assert calls == {t.ticket_id: 1 for t in tickets}
    assert "当前没有等候的群众" in one.w.workspace.banner.text() or "当前没有等候的群众" in two.w.workspace.banner.text()


def test_two_workspaces_never_serve_the_same_ticket(hall, counters, qtbot):
    _race(hall, counters, qtbot)


@pytest.mark.postgres
def test_two_workspaces_never_serve_the_same_ticket_pg(pg_hall, counters, qtbot):
    _race(pg_hall, counters, qtbot)
