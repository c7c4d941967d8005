"""投诉处理 in the counter app: supervisors follow up the complaints citizens filed at the kiosk."""

from __future__ import annotations

from sqlalchemy import select

from common.db.models import AuditLog, Complaint
from common.services.complaints import submit_complaint
from common.services.sites import resolve_site
from counter.qt import Qt
from tests.counter.conftest import type_text


def _file(db, **kw):
    site_id = resolve_site(db, None).id
    return submit_complaint(db, site_id, device="kiosk-1", **{"category": "服务态度",
                                                               "phrases": ["等候时间太长"], **kw})


def test_supervisor_follows_up_and_closes_a_complaint(hall, counters, qtbot):
    db = hall
    filed = _file(db, window_number=4, phone="13912345678")
    sup = counters(db)
    sup.login("1903", 0, back_office=True)
    assert sup.c.complaints is not None and sup.w.tabs.isTabVisible(4)
    sup.activate()
    qtbot.keyClick(sup.w, Qt.Key.Key_5, Qt.KeyboardModifier.ControlModifier)  # Ctrl+5
    assert sup.w.current_tab() == "complaints"
    view = sup.w.complaints
    sup.wait_until(lambda: [c.ref_no for c in view.rows] == [filed.ref_no])
    view.select(filed.ref_no)
    assert view.fields["phone"].text() == "13912345678"  # the supervisor calls back: the full number
    assert "4号窗口" in view.fields["where"].text()

    # no note: a clear message, nothing saved
    qtbot.mouseClick(view.add_button, Qt.MouseButton.LeftButton)
    assert view.banner.level == "error" and "处理意见" in view.banner.text()
    sup.settle()
    with db.read() as s:
        assert s.scalar(select(Complaint.status).where(Complaint.ref_no == filed.ref_no)).value == "open"

    type_text(view.note, "已电话联系，情况属实")
    qtbot.mouseClick(view.add_button, Qt.MouseButton.LeftButton)
    sup.wait_until(lambda: view.selected() is not None and view.selected().status == "in_progress")
    assert view.note.toPlainText() == "" and "已电话联系，情况属实" in view.history.text()
    type_text(view.note, "已整改，办结")
    qtbot.mouseClick(view.close_button, Qt.MouseButton.LeftButton)
    sup.wait_until(lambda: view.selected() is not None and view.selected().status == "closed")
    assert not view.add_button.isEnabled() and not view.close_button.isEnabled()
    with db.read() as s:
        c = s.scalar(select(Complaint).where(Complaint.ref_no == filed.ref_no))
        assert c.status.value == "closed" and c.follow_up.count("赵刚：") == 2
        actions = s.scalars(select(AuditLog.action).where(AuditLog.entity_id == filed.ref_no).order_by(AuditLog.id)).all()
        assert actions == ["complaint.submitted", "complaint.follow_up", "complaint.closed"]


def test_a_complaint_filed_at_the_kiosk_appears_without_a_refresh(hall, counters):
    db = hall
    sup = counters(db)
    sup.login("1901", 0, back_office=True)
    sup.w.show_tab("complaints")
    view = sup.w.complaints
    sup.wait_until(lambda: sup.c.complaints._started and not sup.c.complaints.busy)
    assert view.rows == []
    filed = _file(db, phrases=["窗口无人"])
    sup.wait_until(lambda: [c.ref_no for c in view.rows] == [filed.ref_no], timeout=15_000)


def test_a_lost_database_keeps_the_note(hall, counters, qtbot):
    from common.db import DatabaseUnavailable

    db = hall
    filed = _file(db)
    sup = counters(db)
    sup.login("1903", 0, back_office=True)
    sup.w.show_tab("complaints")
    view = sup.w.complaints
    sup.wait_until(lambda: len(view.rows) == 1)
    view.select(filed.ref_no)

    def down(*_a, **_k):
        raise DatabaseUnavailable("数据库连接中断（测试）")

    sup.c.services.follow_up_complaint = down
    type_text(view.note, "已回访")
    qtbot.mouseClick(view.add_button, Qt.MouseButton.LeftButton)
    sup.wait_until(lambda: not sup.c.complaints.busy)
    assert view.banner.level == "error" and "数据库" in view.banner.text()
    assert view.note.toPlainText() == "已回访"


def test_a_clerk_has_no_complaints_tab(hall, counters):
    c = counters(hall)
    c.login("1004", 4)
    assert c.c.complaints is None and not c.w.tabs.isTabVisible(4)
    c.sign_out()
