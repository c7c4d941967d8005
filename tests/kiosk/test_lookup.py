"""进度查询 on the kiosk: a case accepted by the counter's case services, looked up by its receipt QR (a USB scanner
types it and presses Enter) and on the keypad; wrong and malformed input; guessing slowed down."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from common.services import cases
from common.validation import id_check_char
from kiosk.qt import Qt
from kiosk.services import LookupThrottle
from kiosk.views.lookup import normalize_case_no
from tests.kiosk.test_flow import WAIT_MS, click, wait_view
from tests.kiosk.test_guide_support import clerk, demo, demo_template, type_keys  # noqa: F401 - fixtures

PERSON_ID = "11010519491231002" + id_check_char("11010519491231002")


def accept_case(demo, *, defer: bool = True) -> cases.CaseSummary:
    """A 承诺件 for 食品经营许可证核发 taken in at window 1 by clerk 1001; 从业人员健康证明 under 容缺."""
    actor = clerk(demo.db)
    checklist = cases.intake_checklist(demo.db, "SCJGJ-010")
    later = {m.material_id for m in checklist.materials if defer and m.name == "从业人员健康证明"}
    provided = {m.material_id for m in checklist.materials if m.required and m.material_id not in later}
    day = demo.now.date()
    req = cases.IntakeRequest(
        item_code="SCJGJ-010", applicant=cases.ApplicantInput("person", "张小三", PERSON_ID, "13812345678"),
        provided_material_ids=frozenset(provided), deferred={m: day + dt.timedelta(days=14) for m in later})
    return cases.accept_promised(demo.db, actor, req, now=demo.now)


def open_lookup(qtbot, kiosk) -> None:
    w = kiosk.window
    qtbot.waitUntil(lambda: not kiosk.busy, timeout=WAIT_MS)
    click(qtbot, w.home.feature_tiles["progress"])
    wait_view(qtbot, kiosk, w.lookup)


def scan(qtbot, widget, text: str) -> None:
    """What a USB scanner in keyboard mode does: one key per character, then Enter."""
    qtbot.keyClicks(widget, text)
    qtbot.keyClick(widget, Qt.Key.Key_Return)


def test_normalize_case_no():
    assert normalize_case_no("2026112300007", "COUNTY") == "COUNTY-20261123-00007"
    assert normalize_case_no("COUNTY2026112300007", "X") == "COUNTY-20261123-00007"
    assert normalize_case_no("T01-20261123-00007", "COUNTY") == "T01-20261123-00007"
    assert normalize_case_no("3401012026112300007", "") == "340101-20261123-00007"
    assert normalize_case_no("12345", "COUNTY") == "12345"  # left for the service to reject


def test_lookup_by_scanning_the_receipt_qr(qtbot, demo, make_kiosk):
    case = accept_case(demo)
    kiosk = make_kiosk(demo)
    w = kiosk.window
    open_lookup(qtbot, kiosk)
    with qtbot.waitSignal(kiosk.progressShown, timeout=WAIT_MS) as shown:
        scan(qtbot, w.lookup, case.qr_data)
    wait_view(qtbot, kiosk, w.progress)
    p = shown.args[0]
    assert p.case_no == case.case_no and p.applicant == "张*三"
    assert w.progress.subtitle_label.text() == "食品经营许可证核发"
    assert w.progress.findChild(type(w.progress.title_label), "progress_status").text() == "已受理"
    steps = w.progress.step_texts()
    assert steps[0].startswith("✓  收件") and any(s.startswith("▶  审批") for s in steps)
    page = " ".join(lbl.text() for lbl in w.progress.scroll.inner.findChildren(type(w.progress.title_label)))
    assert case.case_no in page and "从业人员健康证明" in page and "请于" in page
    assert f"{case.deadline.year}年{case.deadline.month}月{case.deadline.day}日" in page
    assert "窗口领取" in page or "领取" in page
    for secret in ("张小三", PERSON_ID, "13812345678", case.check_code):
        assert secret not in page and secret not in repr(dataclasses.asdict(p))
    # 重新查询 empties the form; going home forgets the case
    click(qtbot, w.progress.back_button)
    wait_view(qtbot, kiosk, w.lookup)
    assert w.lookup.values == {"case": "", "code": ""}
    kiosk.go_home()
    assert w.progress.progress is None and w.progress.step_texts() == []


def test_lookup_on_the_keypad(qtbot, demo, make_kiosk):
    case = accept_case(demo, defer=False)
    kiosk = make_kiosk(demo)
    w = kiosk.window
    qtbot.waitUntil(lambda: kiosk.site is not None, timeout=WAIT_MS)
    open_lookup(qtbot, kiosk)
    digits = case.case_no.split("-", 1)[1].replace("-", "")  # the citizen types only the digits
    type_keys(qtbot, w.lookup.keypad, digits)
    assert w.lookup.values["case"] == digits
    click(qtbot, w.lookup.submit_button)
    assert "查询码" in w.lookup.error_label.text()  # asked for the missing code, nothing looked up
    assert w.lookup.active == "code"
    type_keys(qtbot, w.lookup.keypad, case.check_code)
    with qtbot.waitSignal(kiosk.progressShown, timeout=WAIT_MS):
        click(qtbot, w.lookup.submit_button)
    wait_view(qtbot, kiosk, w.progress)
    assert w.progress.progress.case_no == case.case_no
    # the full number with its letters and dashes works too
    kiosk.open_lookup()
    type_keys(qtbot, w.lookup.keypad, case.case_no)
    click(qtbot, w.lookup.code_field)
    type_keys(qtbot, w.lookup.keypad, case.check_code)
    with qtbot.waitSignal(kiosk.progressShown, timeout=WAIT_MS):
        click(qtbot, w.lookup.submit_button)


def test_wrong_and_malformed_input_get_clear_messages(qtbot, demo, make_kiosk):
    case = accept_case(demo)
    kiosk = make_kiosk(demo)
    w = kiosk.window
    open_lookup(qtbot, kiosk)
    scan(qtbot, w.lookup, f"GH1|C|{case.case_no}|ZZZZZZ")
    qtbot.waitUntil(lambda: "不正确" in w.lookup.error_label.text(), timeout=WAIT_MS)
    assert w.current_view() is w.lookup
    scan(qtbot, w.lookup, "hello world")
    qtbot.waitUntil(lambda: "无法识别的二维码" in w.lookup.error_label.text(), timeout=WAIT_MS)
    scan(qtbot, w.lookup, "GH1|T|COUNTY|20261123|A001|5|XYZ")
    qtbot.waitUntil(lambda: "排队取号" in w.lookup.error_label.text(), timeout=WAIT_MS)
    type_keys(qtbot, w.lookup.keypad, "2026112399999")
    click(qtbot, w.lookup.code_field)
    type_keys(qtbot, w.lookup.keypad, "ABC234")
    click(qtbot, w.lookup.submit_button)
    qtbot.waitUntil(lambda: "不正确" in w.lookup.error_label.text(), timeout=WAIT_MS)
    # a receipt scanned on the home screen opens the lookup by itself
    kiosk.go_home()
    with qtbot.waitSignal(kiosk.progressShown, timeout=WAIT_MS):
        scan(qtbot, w.home, case.qr_data)
    wait_view(qtbot, kiosk, w.progress)


def test_repeated_wrong_codes_are_slowed_down(qtbot, demo, make_kiosk):
    case = accept_case(demo)
    kiosk = make_kiosk(demo)
    now = [1000.0]
    kiosk.throttle = LookupThrottle(clock=lambda: now[0])
    w = kiosk.window
    open_lookup(qtbot, kiosk)
    for i in range(5):
        now[0] += 10
        scan(qtbot, w.lookup, f"GH1|C|{case.case_no}|WRONG{i}")
        qtbot.waitUntil(lambda: "不正确" in w.lookup.error_label.text() and not kiosk.busy, timeout=WAIT_MS)
        w.lookup.show_error("")
    # the sixth attempt, even with the right code, waits
    scan(qtbot, w.lookup, case.qr_data)
    qtbot.waitUntil(lambda: "请稍后再试" in w.lookup.error_label.text(), timeout=WAIT_MS)
    assert "（15 秒）" in w.lookup.error_label.text() and w.current_view() is w.lookup
    now[0] += 16
    scan(qtbot, w.lookup, f"GH1|C|{case.case_no}|WRONG6")  # allowed again, and wrong again: a longer wait
    qtbot.waitUntil(lambda: "不正确" in w.lookup.error_label.text() and not kiosk.busy, timeout=WAIT_MS)
    scan(qtbot, w.lookup, case.qr_data)
    qtbot.waitUntil(lambda: "（30 秒）" in w.lookup.error_label.text(), timeout=WAIT_MS)
    now[0] += 31
    with qtbot.waitSignal(kiosk.progressShown, timeout=WAIT_MS):
        scan(qtbot, w.lookup, case.qr_data)


def test_throttle_window_and_cap():
    now = [0.0]
    t = LookupThrottle(free_failures=5, window_s=600, base_delay_s=15, max_delay_s=300, clock=lambda: now[0])
    for _ in range(4):
        t.record_failure()
    assert t.wait_seconds() == 0
    t.record_failure()
    assert t.wait_seconds() == 15
    for _ in range(10):
        t.record_failure()
    assert t.wait_seconds() == 300  # capped
    now[0] = 601  # failures older than ten minutes are forgotten
    assert t.wait_seconds() == 0


def test_lookup_screens_in_english_and_elderly_mode(qtbot, demo, make_kiosk):
    from kiosk import i18n

    case = accept_case(demo)
    kiosk = make_kiosk(demo)
    w = kiosk.window
    click(qtbot, w.header.language_button)
    click(qtbot, w.header.elderly_button)
    open_lookup(qtbot, kiosk)
    assert w.lookup.submit_button.text() == "Check Progress"
    click(qtbot, w.lookup.submit_button)
    assert w.lookup.error_label.text() == "Please enter the case number"
    scan(qtbot, w.lookup, f"GH1|C|{case.case_no}|ZZZZZZ")
    qtbot.waitUntil(lambda: "Wrong case number" in w.lookup.error_label.text(), timeout=WAIT_MS)
    scan(qtbot, w.lookup, case.qr_data)
    wait_view(qtbot, kiosk, w.progress)
    assert any("Received" in s for s in w.progress.step_texts())
    assert i18n.missing_translations() == set()
