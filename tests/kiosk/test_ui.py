"""Screens, modes and kiosk behaviour: idle timeout, language, elderly mode, admin exit, touch sizes."""

from __future__ import annotations

from common.domain import Priority
from kiosk import i18n
from kiosk.qt import QPushButton, Qt
from kiosk.views.home import COMING_SOON, FEATURES
from tests.kiosk.conftest import RecordingPrinter
from tests.kiosk.test_flow import WAIT_MS, click, open_queues, take_ticket, wait_view


def test_idle_timeout_returns_home_and_restores_defaults(qtbot, hall, make_kiosk):
    kiosk = make_kiosk(hall, idle_timeout_ms=400)
    w = kiosk.window
    open_queues(qtbot, kiosk)
    click(qtbot, w.header.language_button)
    click(qtbot, w.header.elderly_button)
    assert i18n.is_english() and w.elderly
    wait_view(qtbot, kiosk, w.home)
    assert not i18n.is_english() and not w.elderly
    assert w.home.take_tile.title_label.text() == "取号"


def test_touches_keep_the_kiosk_awake(qtbot, hall, make_kiosk):
    kiosk = make_kiosk(hall, idle_timeout_ms=600)
    w = kiosk.window
    open_queues(qtbot, kiosk)
    click(qtbot, w.queues.tile_for(hall.queues["A"]))
    click(qtbot, w.priority.buttons[Priority.NORMAL])
    for digit in "13812345":  # a touch every 250 ms for 2 s: longer than the timeout
        click(qtbot, w.phone.keypad.digit_buttons[digit])
        qtbot.wait(250)
        assert w.current_view() is w.phone
    wait_view(qtbot, kiosk, w.home)  # then left alone, it goes home


def test_ticket_screen_counts_down_to_home(qtbot, hall, make_kiosk):
    kiosk = make_kiosk(hall, ticket_return_s=2)
    take_ticket(qtbot, kiosk, hall.queues["A"])
    wait_view(qtbot, kiosk, kiosk.window.ticket)
    assert "秒后自动返回首页" in kiosk.window.ticket.countdown_label.text()
    qtbot.waitUntil(lambda: kiosk.window.current_view() is kiosk.window.home, timeout=5000)


def test_language_switch_changes_visible_texts(qtbot, hall, make_kiosk):
    kiosk = make_kiosk(hall)
    w = kiosk.window
    assert w.home.take_tile.title_label.text() == "取号"
    assert w.header.language_button.text() == "English"
    click(qtbot, w.header.language_button)
    assert w.home.take_tile.title_label.text() == "Take a Number"
    assert w.home.feature_tiles["lookup"].title_label.text() == "Service Guide"
    assert w.header.language_button.text() == "中文"
    open_queues(qtbot, kiosk)
    tile = w.queues.tile_for(hall.queues["B"])
    assert tile.name_label.text() == "Real Estate Registration"
    assert "0 waiting" in tile.info_label.text()
    assert w.queues.back_button.plain_text().endswith("Back")
    click(qtbot, w.header.language_button)
    assert tile.name_label.text() == "不动产登记"
    assert w.queues.title_label.text() == "请选择要办理的业务"


def test_every_screen_in_english_has_a_translation(qtbot, hall, make_kiosk):
    kiosk = make_kiosk(hall, printer=RecordingPrinter("缺纸"))
    w = kiosk.window
    click(qtbot, w.header.language_button)
    click(qtbot, w.header.elderly_button)
    for key, _t, _s in FEATURES:
        click(qtbot, w.home.feature_tiles[key])
        qtbot.waitUntil(lambda: not kiosk.busy, timeout=WAIT_MS)
        assert w.current_view() is not w.placeholder
        kiosk.go_home()
    take_ticket(qtbot, kiosk, hall.queues["A"], phone="1")
    qtbot.waitUntil(lambda: w.phone.error_label.text() != "", timeout=WAIT_MS)
    click(qtbot, w.phone.skip_button)
    wait_view(qtbot, kiosk, w.ticket)
    qtbot.waitUntil(lambda: w.ticket.reprint_button.isVisible(), timeout=WAIT_MS)
    assert w.ticket.reprint_button.text() == "Print Again"
    kiosk.show_admin()
    assert i18n.missing_translations() == set()


def font_px(widget) -> int:
    widget.ensurePolished()
    return widget.font().pixelSize()


def test_elderly_mode_enlarges_fonts_and_keeps_touch_targets(qtbot, hall, make_kiosk):
    kiosk = make_kiosk(hall)
    w = kiosk.window
    before = {name: font_px(widget) for name, widget in {
        "tile": w.home.take_tile.title_label, "title": w.home.title_label,
        "key": w.phone.keypad.digit_buttons["5"], "number": w.ticket.number_label,
        "clock": w.header.clock_label,
    }.items()}  # fmt: skip
    click(qtbot, w.header.elderly_button)
    assert w.elderly and w.header.elderly_button.isChecked()
    after = {name: font_px(widget) for name, widget in {
        "tile": w.home.take_tile.title_label, "title": w.home.title_label,
        "key": w.phone.keypad.digit_buttons["5"], "number": w.ticket.number_label,
        "clock": w.header.clock_label,
    }.items()}  # fmt: skip
    for name in before:
        assert after[name] > before[name], name
    assert after["title"] >= before["title"] * 1.3
    assert w.header.elderly_button.text() == "退出长者模式"
    click(qtbot, w.header.elderly_button)
    assert font_px(w.home.title_label) == before["title"]


def test_touch_targets_are_big(qtbot, hall, make_kiosk):
    kiosk = make_kiosk(hall)
    w = kiosk.window
    open_queues(qtbot, kiosk)
    for elderly in (False, True):
        w.apply_mode(elderly)
        for view in w.views:
            w.stack.setCurrentWidget(view)
            qtbot.wait(10)
            for button in view.findChildren(QPushButton):
                if not button.isVisible():
                    continue
                assert button.height() >= 96, (view.name, button.objectName(), button.height())
                assert button.width() >= 96, (view.name, button.objectName(), button.width())
        for tile in [w.home.take_tile, *w.home.feature_tiles.values(), *w.queues.tiles]:
            assert tile.height() >= 160
        for button in (w.header.language_button, w.header.elderly_button):
            assert button.height() >= 48


def test_placeholders_are_clearly_marked(qtbot, hall, make_kiosk):
    kiosk = make_kiosk(hall)
    w = kiosk.window
    for key, _title, _sub in FEATURES:  # built features carry no 即将开放 tag
        assert w.home.feature_tiles[key].tag_label.isHidden() == (key not in COMING_SOON)
    for key, title, _sub in (f for f in FEATURES if f[0] in COMING_SOON):
        assert w.home.feature_tiles[key].tag_label.text() == "即将开放"
        click(qtbot, w.home.feature_tiles[key])
        assert w.current_view() is w.placeholder
        assert w.placeholder.title_label.text() == title
        assert w.placeholder.big_label.text() == "即将开放"
        click(qtbot, w.placeholder.home_button)
        assert w.current_view() is w.home


def test_back_buttons_walk_back(qtbot, hall, make_kiosk):
    kiosk = make_kiosk(hall)
    w = kiosk.window
    open_queues(qtbot, kiosk)
    click(qtbot, w.queues.tile_for(hall.queues["A"]))
    click(qtbot, w.priority.buttons[Priority.DISABLED])
    click(qtbot, w.phone.back_button)
    assert w.current_view() is w.priority
    click(qtbot, w.priority.back_button)
    assert w.current_view() is w.queues
    click(qtbot, w.queues.home_button)
    assert w.current_view() is w.home


def test_admin_exit_needs_five_taps_and_the_pin(qtbot, hall, make_kiosk):
    kiosk = make_kiosk(hall)
    w = kiosk.window
    for _ in range(4):
        qtbot.mouseClick(w.header.hall_label, Qt.MouseButton.LeftButton)
    assert w.current_view() is w.home
    qtbot.mouseClick(w.header.hall_label, Qt.MouseButton.LeftButton)
    assert w.current_view() is w.admin
    for digit in "1111":
        click(qtbot, w.admin.keypad.digit_buttons[digit])
    assert w.admin.display.text() == "●●●●"
    click(qtbot, w.admin.ok_button)
    assert w.admin.error_label.text() == "密码错误，请重新输入"
    assert w.admin.keypad.value() == ""
    for digit in "2468":
        click(qtbot, w.admin.keypad.digit_buttons[digit])
    with qtbot.waitSignal(kiosk.exitRequested, timeout=1000):
        click(qtbot, w.admin.ok_button)


def test_admin_exit_long_press(qtbot, hall, make_kiosk, monkeypatch):
    from kiosk.widgets import header

    kiosk = make_kiosk(hall)
    w = kiosk.window
    w.header.hall_label._long_press.setInterval(200)
    qtbot.mousePress(w.header.hall_label, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: w.current_view() is w.admin, timeout=2000)
    qtbot.mouseRelease(w.header.hall_label, Qt.MouseButton.LeftButton)
    assert header.LONG_PRESS_MS >= 2000  # the real hold is long enough not to trigger by accident


def test_admin_exit_disabled_without_pin(qtbot, hall, make_kiosk):
    kiosk = make_kiosk(hall, admin_pin="")
    w = kiosk.window
    kiosk.show_admin()
    click(qtbot, w.admin.ok_button)
    assert "未设置管理员密码" in w.admin.error_label.text()


def test_portrait_layout_fits_1080_wide(qtbot, hall, make_kiosk):
    kiosk = make_kiosk(hall)
    w = kiosk.window
    w.resize_to(1080, 1920)
    qtbot.waitUntil(lambda: w.width() == 1080, timeout=2000)
    for elderly in (False, True):
        w.apply_mode(elderly)
        for lang in (i18n.ZH, i18n.EN):
            i18n.set_language(lang)
            w.retranslate()
            assert w.minimumSizeHint().width() <= 1080, (elderly, lang, w.minimumSizeHint())
    assert w.queues.columns == 2
