"""Taking a ticket through the real widgets, against a real SQLite database."""

from __future__ import annotations

import pytest
from PIL import Image
from pyzbar.pyzbar import decode
from sqlalchemy import select

from common.db.models import Queue, Ticket, TicketEvent
from common.domain import Priority, TicketEventKind
from common.printing import PrinterError, PrinterSettings
from common.printing import backends as printer_backends
from kiosk.printing import TicketPrinter
from kiosk.qt import Qt
from kiosk.services import KioskServices
from tests.kiosk.conftest import HALL_NAME, RecordingPrinter

WAIT_MS = 10_000


def click(qtbot, widget) -> None:
    assert widget.isVisible() and widget.isEnabled(), f"{widget.objectName()} is not clickable"
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def wait_view(qtbot, kiosk, view) -> None:
    qtbot.waitUntil(lambda: kiosk.window.current_view() is view and not kiosk.busy, timeout=WAIT_MS)


def open_queues(qtbot, kiosk) -> None:
    w = kiosk.window
    qtbot.waitUntil(lambda: not kiosk.busy, timeout=WAIT_MS)
    click(qtbot, w.home.take_tile)
    wait_view(qtbot, kiosk, w.queues)


def take_ticket(qtbot, kiosk, queue_id: int, *, priority: Priority = Priority.NORMAL, phone: str = "") -> None:
    """home → 取号 → queue → priority → phone on the keypad → 确认取号 (or 跳过)."""
    w = kiosk.window
    open_queues(qtbot, kiosk)
    click(qtbot, w.queues.tile_for(queue_id))
    wait_view(qtbot, kiosk, w.priority)
    click(qtbot, w.priority.buttons[priority])
    wait_view(qtbot, kiosk, w.phone)
    for digit in phone:
        click(qtbot, w.phone.keypad.digit_buttons[digit])
    click(qtbot, w.phone.confirm_button if phone else w.phone.skip_button)


def tickets_in_db(db) -> list[Ticket]:
    with db.read() as s:
        return list(s.scalars(select(Ticket).order_by(Ticket.id)))


def test_take_ticket_through_every_screen(qtbot, hall, make_kiosk, tmp_path):
    printer = RecordingPrinter()
    kiosk = make_kiosk(hall, printer=printer)
    w = kiosk.window
    qtbot.waitUntil(lambda: w.header.hall_label.text() == HALL_NAME, timeout=WAIT_MS)

    take_ticket(qtbot, kiosk, hall.queues["B"], priority=Priority.ELDERLY, phone="13812345678")
    wait_view(qtbot, kiosk, w.ticket)

    [row] = tickets_in_db(hall.db)
    assert w.ticket.number_label.text() == row.number == "B001"
    assert row.phone == "13812345678"
    assert row.priority is Priority.ELDERLY
    assert row.queue_id == hall.queues["B"]
    assert "不动产登记" in w.ticket.queue_label.text()
    assert "老年人" in w.ticket.priority_label.text()
    assert w.ticket.ahead_label.text() == "前面还有 0 人"

    # the QR on screen is the ticket's own QR payload
    path = tmp_path / "qr.png"
    assert w.ticket.qr_label.grab().save(str(path), "PNG")
    decoded = [d.data.decode() for d in decode(Image.open(path))]
    assert decoded == [kiosk.ticket.qr_data]
    assert f"|{row.id}|" in kiosk.ticket.qr_data and row.check_code in kiosk.ticket.qr_data

    # printed once, the slip carries the same number and QR
    qtbot.waitUntil(lambda: w.ticket.status_label.text() == "已打印，请取走号票", timeout=WAIT_MS)
    [slip] = printer.slips
    assert (slip.display_number, slip.qr_data, slip.hall_name) == (row.number, kiosk.ticket.qr_data, HALL_NAME)
    assert slip.priority_label == "老年人" and slip.footer == "请留意叫号屏"
    assert not w.ticket.reprint_button.isVisible()

    click(qtbot, w.ticket.done_button)
    wait_view(qtbot, kiosk, w.home)


def test_second_ticket_counts_people_ahead(qtbot, hall, make_kiosk):
    kiosk = make_kiosk(hall)
    w = kiosk.window
    take_ticket(qtbot, kiosk, hall.queues["A"])
    wait_view(qtbot, kiosk, w.ticket)
    click(qtbot, w.ticket.done_button)
    take_ticket(qtbot, kiosk, hall.queues["A"])
    wait_view(qtbot, kiosk, w.ticket)
    assert w.ticket.number_label.text() == "A002"
    assert w.ticket.ahead_label.text() == "前面还有 1 人"
    assert [t.number for t in tickets_in_db(hall.db)] == ["A001", "A002"]


def test_invalid_phone_is_refused_on_the_phone_screen(qtbot, hall, make_kiosk):
    kiosk = make_kiosk(hall)
    w = kiosk.window
    take_ticket(qtbot, kiosk, hall.queues["A"], phone="13812")
    assert w.current_view() is w.phone
    assert "11位" in w.phone.error_label.text()
    assert tickets_in_db(hall.db) == []
    # the keypad's 清空 and 删除 work, then a valid number goes through
    click(qtbot, w.phone.keypad.clear_button)
    for digit in "139000000001":
        click(qtbot, w.phone.keypad.digit_buttons[digit])
    assert w.phone.keypad.value() == "13900000000"  # capped at 11 digits
    click(qtbot, w.phone.keypad.delete_button)
    click(qtbot, w.phone.keypad.digit_buttons["7"])
    assert w.phone.display.text() == "139 0000 0007"
    click(qtbot, w.phone.confirm_button)
    wait_view(qtbot, kiosk, w.ticket)
    assert tickets_in_db(hall.db)[0].phone == "13900000007"


def test_printer_failure_keeps_the_ticket_and_reprint_works(qtbot, hall, make_kiosk):
    printer = RecordingPrinter(fail_with="打印机缺纸，请联系工作人员")
    kiosk = make_kiosk(hall, printer=printer)
    w = kiosk.window
    take_ticket(qtbot, kiosk, hall.queues["C"])
    wait_view(qtbot, kiosk, w.ticket)
    qtbot.waitUntil(lambda: w.ticket.reprint_button.isVisible(), timeout=WAIT_MS)

    status = w.ticket.status_label.text()
    assert "打印失败：打印机缺纸，请联系工作人员" in status
    assert "不会丢失" in status
    [row] = tickets_in_db(hall.db)  # committed before printing
    assert w.ticket.number_label.text() == row.number == "C001"
    assert not w.ticket.qr_label.pixmap().isNull()

    printer.fail_with = None
    with qtbot.waitSignal(kiosk.printFinished, timeout=WAIT_MS) as blocker:
        click(qtbot, w.ticket.reprint_button)
    assert blocker.args == [True]
    assert w.ticket.status_label.text() == "已打印，请取走号票"
    assert not w.ticket.reprint_button.isVisible()
    assert [s.display_number for s in printer.slips] == ["C001"]
    with hall.db.read() as s:
        kinds = list(s.scalars(select(TicketEvent.kind).where(TicketEvent.ticket_id == row.id)))
    assert TicketEventKind.REPRINTED in kinds
    assert len(tickets_in_db(hall.db)) == 1  # a reprint never issues a new number


def test_real_printer_path_with_the_dummy_backend(qtbot, hall, make_kiosk):
    """TicketPrinter → common.printing (layout, ESC/POS) → the dummy backend; then a paper-out fault."""
    printer_backends.reset_dummy()
    printer = TicketPrinter(PrinterSettings(kind="dummy"))
    kiosk = make_kiosk(hall, printer=printer)
    w = kiosk.window
    try:
        take_ticket(qtbot, kiosk, hall.queues["A"])
        qtbot.waitUntil(lambda: w.ticket.status_label.text() == "已打印，请取走号票", timeout=WAIT_MS)
        assert len(printer_backends.dummy_jobs()) == 1 and len(printer_backends.dummy_jobs()[0]) > 100

        printer_backends.set_dummy_fault(PrinterError("打印机缺纸", "paper_out"))
        click(qtbot, w.ticket.reprint_button) if w.ticket.reprint_button.isVisible() else kiosk.reprint()
        qtbot.waitUntil(lambda: w.ticket.reprint_button.isVisible(), timeout=WAIT_MS)
        assert "打印机缺纸" in w.ticket.status_label.text()
        assert w.current_view() is w.ticket
    finally:
        printer_backends.reset_dummy()


def test_no_printer_configured_says_so(qtbot, hall, make_kiosk):
    kiosk = make_kiosk(hall, printer=TicketPrinter(PrinterSettings(kind="none")))
    take_ticket(qtbot, kiosk, hall.queues["A"])
    wait_view(qtbot, kiosk, kiosk.window.ticket)
    assert "未连接打印机" in kiosk.window.ticket.status_label.text()


def test_database_unavailable_shows_chinese_message(qtbot, make_kiosk):
    services = KioskServices(db_url="postgresql+psycopg://nobody@127.0.0.1:1/hall", device="kiosk:test")
    kiosk = make_kiosk(services=services)
    w = kiosk.window
    qtbot.waitUntil(lambda: w.message_bar.level == "error", timeout=WAIT_MS)  # loading the hall name failed
    assert "无法连接数据库" in w.message_bar.text()
    assert w.current_view() is w.home

    w.message_bar.clear_message()
    click(qtbot, w.home.take_tile)
    qtbot.waitUntil(lambda: w.message_bar.level == "error" and not kiosk.busy, timeout=WAIT_MS)
    assert "无法连接数据库" in w.message_bar.text()
    assert w.current_view() is w.home  # stays, nothing crashed
    assert w.stack.isEnabled()


def test_database_lost_while_issuing_keeps_the_citizen_on_the_screen(qtbot, hall, make_kiosk, monkeypatch):
    from common.db import DatabaseUnavailable

    kiosk = make_kiosk(hall)
    w = kiosk.window
    open_queues(qtbot, kiosk)
    click(qtbot, w.queues.tile_for(hall.queues["A"]))
    click(qtbot, w.priority.buttons[Priority.NORMAL])
    for digit in "13812345678":
        click(qtbot, w.phone.keypad.digit_buttons[digit])

    def down(*_a, **_k):
        raise DatabaseUnavailable("无法连接数据库（sqlite:///hall.db），请检查网络或数据库服务。您的操作未保存，恢复后可重试。")

    monkeypatch.setattr(kiosk.services, "issue", down)
    click(qtbot, w.phone.confirm_button)
    qtbot.waitUntil(lambda: w.message_bar.level == "error" and not kiosk.busy, timeout=WAIT_MS)
    assert "无法连接数据库" in w.message_bar.text()
    assert w.current_view() is w.phone
    assert w.phone.keypad.value() == "13812345678"  # the input is kept for the retry
    monkeypatch.undo()
    click(qtbot, w.phone.confirm_button)
    wait_view(qtbot, kiosk, w.ticket)


def test_queue_closed_meanwhile_shows_the_engine_reason(qtbot, hall, make_kiosk):
    kiosk = make_kiosk(hall)
    w = kiosk.window
    open_queues(qtbot, kiosk)
    click(qtbot, w.queues.tile_for(hall.queues["B"]))
    click(qtbot, w.priority.buttons[Priority.NORMAL])
    with hall.db.write() as s:  # a manager stops the queue while the citizen is typing
        s.get(Queue, hall.queues["B"]).active = False
    click(qtbot, w.phone.skip_button)
    qtbot.waitUntil(lambda: w.message_bar.level == "error" and not kiosk.busy, timeout=WAIT_MS)
    assert "不动产登记" in w.message_bar.text() and "停止取号" in w.message_bar.text()
    assert w.current_view() is w.phone
    assert tickets_in_db(hall.db) == []


def test_closed_and_appointment_only_queues_are_greyed_with_the_reason(qtbot, hall, make_kiosk):
    with hall.db.write() as s:
        s.get(Queue, hall.queues["C"]).daily_cap = 1
    kiosk = make_kiosk(hall)
    take_ticket(qtbot, kiosk, hall.queues["C"])  # takes the only C number
    wait_view(qtbot, kiosk, kiosk.window.ticket)
    click(qtbot, kiosk.window.ticket.done_button)
    open_queues(qtbot, kiosk)
    queues = kiosk.window.queues
    full, booked, open_ = (queues.tile_for(hall.queues[p]) for p in "CYA")
    assert not full.isEnabled() and full.status.closed_reason in full.info_label.text()
    assert not booked.isEnabled() and "仅限预约" in booked.info_label.text()
    assert open_.isEnabled() and "等候 0 人" in open_.info_label.text()
    assert open_.wait_label.text() == "暂无窗口办理"  # nobody is signed in at a window
    qtbot.mouseClick(full, Qt.MouseButton.LeftButton)
    assert kiosk.window.current_view() is queues


def test_database_work_never_runs_on_the_gui_thread(qtbot, hall, make_kiosk):
    import threading

    services = KioskServices(hall.db, clock=hall.clock, device="kiosk:test")
    threads: list[str] = []
    for name in ("site", "ticket_footer", "list_queues", "issue", "reprint"):
        original = getattr(services, name)

        def spy(*a, _original=original, **k):
            threads.append(threading.current_thread().name)
            assert threading.current_thread() is not threading.main_thread()
            return _original(*a, **k)

        setattr(services, name, spy)
    printer = RecordingPrinter(fail_with="打印机未连接")
    kiosk = make_kiosk(services=services, printer=printer)
    take_ticket(qtbot, kiosk, hall.queues["A"])
    qtbot.waitUntil(lambda: kiosk.window.ticket.reprint_button.isVisible(), timeout=WAIT_MS)
    printer.fail_with = None
    kiosk.reprint()
    qtbot.waitUntil(lambda: not kiosk.busy and bool(printer.slips), timeout=WAIT_MS)
    assert threads and threading.main_thread().name not in threads


@pytest.mark.parametrize("many", [24])
def test_many_queues_scroll_kinetically_and_stay_clickable(qtbot, hall, make_kiosk, many):
    from kiosk.qt import QScroller
    from tests.kiosk.conftest import add_queue

    for i in range(many):
        add_queue(hall.db, hall.site_id, f"M{i:02d}"[:4], f"测试业务{i + 1}", f"Service {i + 1}", 10 + i)
    kiosk = make_kiosk(hall)
    open_queues(qtbot, kiosk)
    queues = kiosk.window.queues
    assert QScroller.hasScroller(queues.scroll.viewport())
    assert queues.scroll.verticalScrollBar().maximum() > 0
    assert queues.swipe_hint.isVisible()
    last = queues.tiles[-1]
    queues.scroll.ensureWidgetVisible(last)
    qtbot.waitUntil(lambda: last.visibleRegion().boundingRect().height() >= last.height() - 2, timeout=WAIT_MS)
    click(qtbot, last)
    wait_view(qtbot, kiosk, kiosk.window.priority)
    assert kiosk.queue.queue_id == last.status.queue_id
