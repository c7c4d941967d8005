"""预约签到: the appointment code on the keypad (or scanned) → check_in_appointment → the ticket screen."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from common.clock import business_day
from common.db.models import Appointment, Queue
from kiosk.qt import Qt
from tests.kiosk.conftest import RecordingPrinter
from tests.kiosk.test_flow import WAIT_MS, click, wait_view
from tests.kiosk.test_guide_support import demo, demo_template, type_keys  # noqa: F401 - fixtures


def book(demo, code: str = "YY2468AB", days: int = 0) -> None:
    day = business_day(demo.now, demo.site.timezone) + dt.timedelta(days=days)
    with demo.db.write() as s:
        queue_id = s.scalar(select(Queue.id).where(Queue.site_id == demo.site.id, Queue.prefix == "Y"))
        s.add(Appointment(site_id=demo.site.id, queue_id=queue_id, code=code, day=day, slot_start=dt.time(10, 30),
                          slot_end=dt.time(11, 0), applicant_name="李四", phone="13900001111"))


def open_checkin(qtbot, kiosk) -> None:
    qtbot.waitUntil(lambda: not kiosk.busy, timeout=WAIT_MS)
    click(qtbot, kiosk.window.home.feature_tiles["checkin"])
    wait_view(qtbot, kiosk, kiosk.window.checkin)


def test_check_in_on_the_keypad_gives_a_ticket(qtbot, demo, make_kiosk):
    book(demo)
    printer = RecordingPrinter()
    kiosk = make_kiosk(demo, printer=printer)
    w = kiosk.window
    open_checkin(qtbot, kiosk)
    click(qtbot, w.checkin.submit_button)
    assert "预约码" in w.checkin.error_label.text()
    type_keys(qtbot, w.checkin.keypad, "YY2468AC")
    click(qtbot, w.checkin.submit_button)
    qtbot.waitUntil(lambda: "找不到预约码" in w.checkin.error_label.text(), timeout=WAIT_MS)
    click(qtbot, w.checkin.keypad.delete_button)
    type_keys(qtbot, w.checkin.keypad, "B")
    with qtbot.waitSignal(kiosk.ticketShown, timeout=WAIT_MS) as shown:
        click(qtbot, w.checkin.submit_button)
    wait_view(qtbot, kiosk, w.ticket)
    assert shown.args[0].number.startswith("Y")
    qtbot.waitUntil(lambda: bool(printer.slips), timeout=WAIT_MS)


def test_check_in_by_scanning_and_wrong_day(qtbot, demo, make_kiosk):
    book(demo, "YY1111AA")
    book(demo, "YY2222BB", days=1)
    kiosk = make_kiosk(demo)
    w = kiosk.window
    open_checkin(qtbot, kiosk)
    qtbot.keyClicks(w.checkin, "YY2222BB")
    qtbot.keyClick(w.checkin, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "请在预约当天" in w.checkin.error_label.text(), timeout=WAIT_MS)
    with qtbot.waitSignal(kiosk.ticketShown, timeout=WAIT_MS):
        qtbot.keyClicks(w.checkin, "yy1111aa")
        qtbot.keyClick(w.checkin, Qt.Key.Key_Return)
