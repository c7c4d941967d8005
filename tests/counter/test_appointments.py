"""预约登记 at the counter: a clerk books a later visit for the citizen; the slip comes out of the window's receipt
printer with a QR the kiosk can scan; bad input keeps the dialog open with what was typed."""

from __future__ import annotations

from sqlalchemy import select

from common.db.models import Appointment
from common.printing.backends import dummy_jobs
from counter.qt import Qt
from tests.common.test_printing import decode_qr, raster_bands, stack
from tests.counter.case_driver import notice_output
from tests.counter.conftest import type_text


def _open_dialog(c, qtbot):
    c.w.show_tab("cases")
    desk = c.w.cases
    assert desk.book_button.isVisible()
    qtbot.mouseClick(desk.book_button, Qt.MouseButton.LeftButton)
    c.wait_until(lambda: c.c.appointments.dialog is not None)
    d = c.c.appointments.dialog
    c.wait_until(lambda: d.day_box.count() > 0 and d.slot_list.count() > 0)
    return d


def test_clerk_books_a_visit_and_the_slip_prints_with_the_code(hall, counters, qtbot, tmp_path):
    c = counters(hall, notice_output=notice_output(tmp_path))
    c.login("1004", 4)
    d = _open_dialog(c, qtbot)
    assert d.queue_box.currentText().startswith("Y ")  # the appointment-only queue comes first
    # a full or begun slot cannot be chosen; the first free one is preselected
    assert d.slot_list.currentItem() is not None and "余" in d.slot_list.currentItem().text()
    day = d.day_box.currentData()
    type_text(d.name_edit, "王𠮷")
    type_text(d.id_edit, "11010519491231002X")
    type_text(d.phone_edit, "13800138000")
    qtbot.mouseClick(d.ok_button, Qt.MouseButton.LeftButton)
    c.wait_until(lambda: c.c.appointments.dialog is None)
    banner = c.w.cases.banner
    assert banner.level == "ok" and "已打印预约凭条" in banner.text()
    with hall.read() as s:
        row = s.scalar(select(Appointment).where(Appointment.id_number == "11010519491231002X"))
        assert row.applicant_name == "王𠮷" and row.day == day and row.status.value == "booked"
    assert row.code in banner.text()
    assert decode_qr(stack(raster_bands(dummy_jobs()[-1]))) == [row.code]


def test_bad_id_keeps_the_dialog_and_what_was_typed(hall, counters, qtbot, tmp_path):
    c = counters(hall, notice_output=notice_output(tmp_path))
    c.login("1004", 4)
    d = _open_dialog(c, qtbot)
    qtbot.mouseClick(d.ok_button, Qt.MouseButton.LeftButton)
    assert "姓名" in d.error.text()  # local check first
    type_text(d.name_edit, "李四")
    type_text(d.id_edit, "110105194912310021")  # wrong check digit
    qtbot.mouseClick(d.ok_button, Qt.MouseButton.LeftButton)
    c.wait_until(lambda: d.ok_button.isEnabled())
    assert c.c.appointments.dialog is d and "校验位" in d.error.text()
    assert d.name_edit.text() == "李四" and d.id_edit.text() == "110105194912310021"
    with hall.read() as s:
        assert s.scalar(select(Appointment.id).where(Appointment.applicant_name == "李四")) is None
    qtbot.mouseClick(d.cancel_button, Qt.MouseButton.LeftButton)
    c.wait_until(lambda: c.c.appointments.dialog is None)


def test_a_supervisor_does_not_book(hall, counters):
    c = counters(hall)
    c.login("1903", 0, back_office=True)
    assert c.c.appointments is None and c.w.cases.book_button.isHidden()


def test_printer_out_of_paper_keeps_the_booking_and_says_to_read_the_code_out(hall, counters, qtbot, tmp_path):
    from common.printing.backends import PrinterError, set_dummy_fault

    c = counters(hall, notice_output=notice_output(tmp_path))
    c.login("1004", 4)
    d = _open_dialog(c, qtbot)
    type_text(d.name_edit, "周七")
    type_text(d.id_edit, "11010519491231002X")
    set_dummy_fault(PrinterError("打印机缺纸，请更换纸卷", "paper_out"))
    try:
        qtbot.mouseClick(d.ok_button, Qt.MouseButton.LeftButton)
        c.wait_until(lambda: c.c.appointments.dialog is None)
    finally:
        set_dummy_fault(None)
    banner = c.w.cases.banner.text()
    with hall.read() as s:
        code = s.scalar(select(Appointment.code).where(Appointment.applicant_name == "周七"))
    assert code and code in banner and "缺纸" in banner and "告知群众" in banner
