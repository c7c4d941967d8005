"""投诉与建议 on the kiosk: four touch steps (no typing), stored for the supervisor, a reference slip printed."""

from __future__ import annotations

import re

from common.services.complaints import list_complaints
from kiosk import i18n
from tests.kiosk.test_flow import WAIT_MS, click, wait_view
from tests.kiosk.test_guide import BlockPrinter
from tests.kiosk.test_guide_support import clerk, demo, demo_template  # noqa: F401 - fixtures


def open_form(qtbot, kiosk) -> None:
    w = kiosk.window
    qtbot.waitUntil(lambda: not kiosk.busy, timeout=WAIT_MS)
    click(qtbot, w.home.feature_tiles["feedback"])
    wait_view(qtbot, kiosk, w.complaint)
    qtbot.waitUntil(lambda: bool(w.complaint.window_chips), timeout=WAIT_MS)


def test_complaint_through_the_touch_form(qtbot, demo, make_kiosk):
    printer = BlockPrinter()
    kiosk = make_kiosk(demo, printer=printer)
    w = kiosk.window
    form = w.complaint
    open_form(qtbot, kiosk)
    assert form.step == 0 and form.title_label.text() == "您要反映什么问题？"
    click(qtbot, form.category_buttons["材料要求不一致"])
    assert form.step == 1
    assert "市场监管" in form.window_chips[1].text() and "不动产登记" in form.window_chips[7].text()
    click(qtbot, form.window_chips[7])
    assert form.step == 2
    click(qtbot, form.next_button)  # nothing picked yet: stays, says why
    assert form.step == 2 and "至少选择" in form.preview_label.text()
    click(qtbot, form.phrase_chips["不同窗口要求的材料不一样"])
    click(qtbot, form.phrase_chips["希望尽快处理"])
    click(qtbot, form.phrase_chips["希望尽快处理"])  # picked twice = unpicked
    click(qtbot, form.phrase_chips["现场要求与办事指南不一致"])
    assert form.picked == ["不同窗口要求的材料不一样", "现场要求与办事指南不一致"]
    click(qtbot, form.next_button)
    assert form.step == 3
    for d in "1381234":  # too short
        click(qtbot, form.keypad.digit_buttons[d])
    click(qtbot, form.submit_button)
    assert "手机" in form.error_label.text() and w.current_view() is form
    for d in "5678":
        click(qtbot, form.keypad.digit_buttons[d])
    with qtbot.waitSignal(kiosk.complaintSubmitted, timeout=WAIT_MS) as sent:
        click(qtbot, form.submit_button)
    wait_view(qtbot, kiosk, w.complaint_done)
    info = sent.args[0]
    assert re.match(r"^TS-\d{8}-\w{4}$", info.ref_no) and w.complaint_done.ref_label.text() == info.ref_no
    qtbot.waitUntil(lambda: w.complaint_done.status_label.property("level") == "ok", timeout=WAIT_MS)
    slip = "\n".join(getattr(b, "text", "") or f"{getattr(b, 'left', '')} {getattr(b, 'right', '')}"
                     for b in printer.documents[-1])
    assert info.ref_no in slip and "138****5678" in slip and "7号窗口" in slip

    supervisor = clerk(demo.db, "1903")  # 电子监察
    [stored] = list_complaints(demo.db, supervisor)
    assert stored.ref_no == info.ref_no and stored.category == "材料要求不一致" and stored.window_number == 7
    assert stored.text == "不同窗口要求的材料不一样；现场要求与办事指南不一致" and stored.phone == "13812345678"
    click(qtbot, w.complaint_done.done_button)
    wait_view(qtbot, kiosk, w.home)


def test_back_walks_the_steps_and_whole_hall_without_phone(qtbot, demo, make_kiosk):
    kiosk = make_kiosk(demo, printer=BlockPrinter())
    w = kiosk.window
    form = w.complaint
    open_form(qtbot, kiosk)
    click(qtbot, form.category_buttons["环境设施"])
    click(qtbot, form.back_button)
    assert form.step == 0
    click(qtbot, form.category_buttons["意见建议"])
    click(qtbot, form.hall_button)
    click(qtbot, form.phrase_chips["希望增加周末服务"])
    click(qtbot, form.next_button)
    with qtbot.waitSignal(kiosk.complaintSubmitted, timeout=WAIT_MS) as sent:
        click(qtbot, form.skip_button)
    info = sent.args[0]
    assert info.window_number is None and info.phone == "" and info.category == "意见建议"
    assert "未留联系电话" in w.complaint_done.next_label.text()
    kiosk.go_home()
    assert form.step == 0 and form.picked == [] and form.keypad.value() == ""


def test_complaint_slip_printer_failure_offers_a_reprint(qtbot, demo, make_kiosk):
    printer = BlockPrinter("打印机缺纸，请联系工作人员更换纸卷")
    kiosk = make_kiosk(demo, printer=printer)
    w = kiosk.window
    form = w.complaint
    open_form(qtbot, kiosk)
    click(qtbot, form.category_buttons["服务态度"])
    click(qtbot, form.window_chips[1])
    click(qtbot, form.phrase_chips["窗口无人"])
    click(qtbot, form.next_button)
    click(qtbot, form.skip_button)
    wait_view(qtbot, kiosk, w.complaint_done)
    qtbot.waitUntil(lambda: w.complaint_done.reprint_button.isVisible(), timeout=WAIT_MS)
    assert "缺纸" in w.complaint_done.status_label.text() and w.complaint_done.ref_label.text()
    printer.fail_with = None
    click(qtbot, w.complaint_done.reprint_button)
    qtbot.waitUntil(lambda: w.complaint_done.status_label.property("level") == "ok", timeout=WAIT_MS)
    assert len(printer.documents) == 1


def test_complaint_screens_in_english_and_elderly_mode(qtbot, demo, make_kiosk):
    kiosk = make_kiosk(demo, printer=BlockPrinter())
    w = kiosk.window
    form = w.complaint
    click(qtbot, w.header.language_button)
    click(qtbot, w.header.elderly_button)
    open_form(qtbot, kiosk)
    assert form.category_buttons["服务态度"].text() == "Staff attitude"
    click(qtbot, form.category_buttons["廉洁自律"])
    click(qtbot, form.window_chips[4])
    assert form.phrase_chips["违规收费"].text() == "Charged illegal fees"
    click(qtbot, form.phrase_chips["违规收费"])
    click(qtbot, form.next_button)
    with qtbot.waitSignal(kiosk.complaintSubmitted, timeout=WAIT_MS) as sent:
        click(qtbot, form.skip_button)
    assert sent.args[0].text == "违规收费"  # stored in Chinese
    wait_view(qtbot, kiosk, w.complaint_done)
    assert "Window 4" in w.complaint_done.detail_label.text()
    assert i18n.missing_translations() == set()
