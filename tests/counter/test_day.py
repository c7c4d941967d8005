"""A whole day at one window, through the real widgets and keys, then the database is checked row by row."""

from __future__ import annotations

from sqlalchemy import select

from common.db.models import Consultation, Rating, Ticket, TicketEvent, WindowBreak, WindowSession
from common.domain import TicketStatus
from counter.qt import Qt
from tests.counter.conftest import issue, type_text, window_id

K = Qt.Key


def _events(db, ticket_id: int) -> list[tuple[str, int | None]]:
    with db.read() as s:
        rows = s.execute(
            select(TicketEvent.kind, TicketEvent.window_id).where(TicketEvent.ticket_id == ticket_id)
            .order_by(TicketEvent.id)
        ).all()
    return [(k.value, w) for k, w in rows]


def test_whole_day_at_one_window(hall, counters, qtbot):
    db = hall
    w4, w9 = window_id(db, 4), window_id(db, 9)
    tickets = issue(db, "A", 3) + issue(db, "F", 1)  # window 4 serves A (weight 3) and F
    by_number = {t.number: t.ticket_id for t in tickets}

    c = counters(db, rating_pad=True)
    c.login("1004", 4)
    assert c.w.clerk_label.text().startswith("杨帆")
    assert c.w.window_label.text() == "4号窗口"
    assert c.w.workspace.buttons["call_next"].text().startswith("F1")
    assert c.w.workspace.total_waiting.property("total") == 4

    # F1 call, F2 recall, F3 no-show (not re-queued)
    c.press(K.Key_F1)
    t1 = c.ws.current
    assert t1 is not None and t1.status == "called"
    assert c.w.workspace.serving.number.text() == t1.number
    c.press(K.Key_F2)
    assert c.ws.current.recall_count == 1
    c.press(K.Key_F3)
    d = c.dialog()
    assert not d.requeue.isChecked()
    c.ok(d)
    assert c.ws.current is None and c.ws.figures.no_shows == 1

    # F1, F11 start, F5 transfer to window 9 with a note
    c.press(K.Key_F1)
    t2 = c.ws.current
    c.press(K.Key_F11)
    assert c.ws.current.status == "serving"
    c.press(K.Key_F5)
    d = c.dialog()
    d.tabs.setCurrentIndex(1)
    row = next(i for i in range(d.window_list.count()) if d.window_list.item(i).text().startswith("9号窗口"))
    d.window_list.setCurrentRow(row)
    type_text(d.note, "已核对身份证，请办理税务登记")
    c.ok(d)
    assert c.ws.current is None, c.error()

    # a second workspace, window 9, serves the transferred ticket
    other = counters(db)
    other.login("1009", 9)
    other.press(K.Key_F1)
    assert other.ws.current is not None and other.ws.current.ticket_id == t2.ticket_id
    assert "4号窗口" in (other.ws.current.transferred_from or "")
    assert other.w.workspace.serving.note.isVisible()
    other.press(K.Key_F8)
    assert other.ws.current is None
    other.sign_out()

    # F1, F4 park (with a note), F1 the next one, F8 finish → the pad asks; the citizen taps 满意
    c.press(K.Key_F1)
    t3 = c.ws.current
    c.press(K.Key_F4)
    d = c.dialog()
    d.note.setEditText("等候补充材料")
    c.ok(d)
    assert [p.ticket_id for p in c.ws.parked] == [t3.ticket_id]
    assert c.w.workspace.parked_list.count() == 1
    c.press(K.Key_F1)
    t4 = c.ws.current
    assert t4 is not None and t4.ticket_id != t3.ticket_id
    c.press(K.Key_F8)
    assert c.w.workspace.rating_banner.isVisible()
    assert "等待群众评价" in c.w.workspace.rating_banner.text()
    c.pad_wait("rating")
    assert t4.number in c.pad.view.rating_sub.text()
    assert c.pad.view.rating_sub.text().count("杨帆") == 1
    qtbot.mouseClick(c.pad.view.face_buttons[4], Qt.MouseButton.LeftButton)
    c.settle()
    assert c.pad.state == "thanks"
    c.wait_until(lambda: "群众已完成评价" in c.w.workspace.rating_banner.text())

    # F4 resumes the parked ticket; F8 finishes it; the citizen is unhappy: 不满意 + a reason
    c.press(K.Key_F4)
    assert c.ws.current is not None and c.ws.current.ticket_id == t3.ticket_id
    c.press(K.Key_F8)
    c.pad_wait("rating")
    assert t3.number in c.pad.view.rating_sub.text()
    qtbot.mouseClick(c.pad.view.face_buttons[2], Qt.MouseButton.LeftButton)
    c.settle()
    assert c.pad.state == "reasons"
    assert not c.pad.view.reasons_submit.isEnabled()  # at least one reason
    qtbot.mouseClick(c.pad.view.reason_buttons[4], Qt.MouseButton.LeftButton)  # 等候时间长
    assert c.pad.view.reasons_submit.isEnabled()
    qtbot.mouseClick(c.pad.view.reasons_submit, Qt.MouseButton.LeftButton)
    c.settle()
    assert c.pad.state == "thanks"

    # F10 首问登记
    c.press(K.Key_F10)
    d = c.dialog()
    type_text(d.topic, "公积金提取需要哪些材料")
    d.directed_to.setEditText("10号窗口（G 住房公积金）")
    c.ok(d)
    assert "首问登记已保存" in c.w.workspace.banner.text()

    # F9 break with a reason, F9 back
    c.press(K.Key_F9)
    d = c.dialog()
    qtbot.mouseClick(d.radios["会议"], Qt.MouseButton.LeftButton)
    c.ok(d)
    assert c.ws.on_break
    assert not c.w.workspace.buttons["call_next"].isEnabled()
    assert "暂停服务中" in c.w.workspace.serving.number.text()
    c.press(K.Key_F9)
    assert not c.ws.on_break

    assert c.ws.figures.served == 2 and c.ws.figures.no_shows == 1
    c.sign_out()
    assert "已签退" in c.w.login.banner.text()

    # ---- the database, exactly
    with db.read() as s:
        sessions = s.execute(
            select(WindowSession.window_id, WindowSession.end_reason, WindowSession.ended_at.is_not(None))
            .order_by(WindowSession.id)
        ).all()
        breaks = s.execute(select(WindowBreak.reason, WindowBreak.ended_at.is_not(None))).all()
        ratings = {r.ticket_id: (r.rated, r.level, list(r.reasons or []), r.window_id)
                   for r in s.scalars(select(Rating))}
        statuses = {t.id: t.status for t in s.scalars(select(Ticket))}
        consults = s.execute(select(Consultation.topic, Consultation.directed_to, Consultation.window_id)).all()
    assert sessions == [(w4, "signed_out", True), (w9, "signed_out", True)]
    assert breaks == [("会议", True)]
    assert _events(db, t1.ticket_id) == [("issued", None), ("called", w4), ("recalled", w4), ("no_show", w4)]
    assert _events(db, t2.ticket_id) == [("issued", None), ("called", w4), ("started", w4), ("transferred", w4),
                                         ("called", w9), ("finished", w9)]
    assert _events(db, t3.ticket_id) == [("issued", None), ("called", w4), ("parked", w4), ("resumed", w4),
                                         ("finished", w4)]
    assert _events(db, t4.ticket_id) == [("issued", None), ("called", w4), ("finished", w4)]
    assert ratings == {t4.ticket_id: (True, 4, [], w4), t3.ticket_id: (True, 2, ["等候时间长"], w4)}
    assert statuses[t1.ticket_id] is TicketStatus.NO_SHOW
    assert {statuses[t.ticket_id] for t in (t2, t3, t4)} == {TicketStatus.DONE}
    assert consults == [("公积金提取需要哪些材料", "10号窗口（G 住房公积金）", w4)]
    assert set(by_number.values()) == {t.ticket_id for t in tickets}
