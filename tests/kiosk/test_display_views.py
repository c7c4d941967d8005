"""The hall display's screen with real widgets: both orientations, nothing clipped, calls flash, stale marker."""

from __future__ import annotations

import datetime as dt

import pytest

from common.services.display import CALLING, CLOSED, IDLE, PAUSED, SERVING, DisplaySnapshot, QueueWaiting, RecentCall, WindowBoard
from kiosk.display.views import FLASH, LANDSCAPE, PORTRAIT, DisplayView

UTC = dt.timezone.utc
AT = dt.datetime(2026, 3, 2, 2, 0, tzinfo=UTC)


def snapshot(n_windows: int = 25, zone: str = "", n_queues: int = 11) -> DisplaySnapshot:
    states = [CALLING, SERVING, IDLE, PAUSED, CLOSED]
    windows = []
    for i in range(1, n_windows + 1):
        state = states[i % len(states)]
        windows.append(WindowBoard(
            window_id=100 + i, number=i, name=f"{i}号窗口", zone=zone, services="不动产登记" if i % 2 else "社保",
            state=state, current_number=f"B{i:03d}" if state in (CALLING, SERVING) else None,
            clerk="王*" if state != CLOSED else "", photo_path=""))
    calls = tuple(RecentCall(500 + i, f"B{i:03d}", 100 + i, i, f"{i}号窗口", AT - dt.timedelta(minutes=i), "called")
                  for i in range(1, 9))
    names = ["企业开办", "税务办理", "不动产登记", "住房公积金", "社保医保", "户政出入境", "车驾管业务", "综合受理",
             "工程建设项目", "预约专窗", "出件领证"]
    queues = tuple(QueueWaiting(i, chr(65 + i), names[i % len(names)], zone, i * 3) for i in range(n_queues))
    return DisplaySnapshot(site_id=1, hall_name="示例县政务服务中心", zone=zone, notice="欢迎来到政务服务中心，请按号就座，听从叫号。" * 3,
                           taken_at=AT, business_day=AT.date(), timezone="Asia/Shanghai", last_event_id=1,
                           calls=calls, windows=tuple(windows), queues=queues,
                           window_ids=frozenset(w.window_id for w in windows))


@pytest.fixture
def make_view(qtbot):
    made = []

    def make(portrait: bool = False, size: tuple[int, int] | None = None) -> DisplayView:
        view = DisplayView(portrait)
        made.append(view)
        view.resize(*(size or (PORTRAIT if portrait else LANDSCAPE)))
        view.show()
        qtbot.waitExposed(view)
        return view

    yield make
    for view in made:
        view.close()
        view.deleteLater()


@pytest.mark.parametrize("portrait", [False, True], ids=["landscape", "portrait"])
@pytest.mark.parametrize("n_windows", [1, 6, 25, 36])
def test_full_screen_nothing_clipped_nothing_tiny(make_view, qtbot, portrait, n_windows):
    view = make_view(portrait)
    view.apply_snapshot(snapshot(n_windows))
    view.set_time(dt.datetime(2026, 3, 2, 10, 5, 7))
    qtbot.wait(20)
    assert view.clipped_texts() == []
    assert view.too_small_texts(18 if n_windows <= 25 else 14, 12) == []
    assert len(view.windows.cards) == n_windows
    assert view.headline.number.text() == "B001"  # the snapshot's latest call until an event comes
    assert view.header.clock.text() == "10:05:07" and "星期一" in view.header.date.text()


def test_headline_is_the_biggest_text(make_view, qtbot):
    view = make_view()
    view.apply_snapshot(snapshot())
    qtbot.wait(10)
    number_px = view.headline.number.fitted_px()
    assert number_px >= 150
    assert all(card.number.fitted_px() < number_px for card in view.windows.cards)


def test_call_flashes_and_updates_the_card(make_view, qtbot):
    view = make_view()
    snap = snapshot(6)
    view.apply_snapshot(snap)
    idle = next(c for c in view.windows.cards if c.board.state == IDLE)
    view.show_call("C042", idle.window_id, idle.board.number, idle.board.name)
    assert view.headline.number.text() == "C042"
    assert view.headline.line2.text() == f"到 {idle.board.number} 号窗口"
    assert view.headline.flashing
    assert idle.number.text() == "C042" and idle.state.text() == "正在呼叫"
    qtbot.waitUntil(lambda: view.headline.bg == FLASH, timeout=10_000)
    # the previous headline goes to the top of the recent calls
    assert view.recent.rows[0][0].text() == "B001"
    view.headline.stop_flash()
    assert not view.headline.flashing and view.headline.bg != FLASH
    view.show_call("C043", None, None, "不动产登记窗口")
    assert view.headline.line2.text() == "到 不动产登记窗口"


def test_stale_marker_and_voice_status(make_view):
    view = make_view(portrait=True)
    view.apply_snapshot(snapshot(4))
    view.set_stale(dt.datetime(2026, 3, 2, 10, 1, 2))
    assert view.header.stale_box.isVisible()
    assert view.header.stale.text() == "数据更新中断 10:01:02"
    assert "正在重新连接" in view.status.data.text()
    view.set_stale(None)
    assert not view.header.stale_box.isVisible() and view.status.data.text() == "数据实时更新"
    view.set_voice_status("语音不可用：未检测到音频输出设备（叫号仅显示在屏幕上）", ok=False)
    assert "未检测到音频输出设备" in view.status.voice.text()


def test_zone_screen_and_empty_states(make_view):
    view = make_view()
    view.apply_snapshot(snapshot(3, zone="B区", n_queues=2))
    assert view.header.zone.text() == "B区 叫号屏" and view.header.zone.isVisible()
    empty = DisplaySnapshot(site_id=1, hall_name="大厅", zone="C区", notice="", taken_at=AT, business_day=AT.date(),
                            timezone="Asia/Shanghai", last_event_id=0)
    view2 = make_view()
    view2.apply_snapshot(empty)
    assert view2.windows.empty.isVisible()
    assert view2.headline.idle.isVisible() and not view2.headline.number.isVisible()
    assert all(not n.text() for n, _ in view2.recent.rows)


def test_window_cards_show_states_and_masked_clerks(make_view):
    view = make_view()
    view.apply_snapshot(snapshot(5))
    by_state = {c.board.state: c for c in view.windows.cards}
    assert by_state[PAUSED].number.text() == "暂停服务"
    assert by_state[CLOSED].number.text() == "暂未开放" and by_state[CLOSED].clerk.text() == ""
    assert by_state[IDLE].number.text() == "等待叫号"
    assert by_state[SERVING].state.text() == "正在办理" and by_state[SERVING].clerk.text() == "王*"


def test_photo_is_shown_when_set(make_view, qtbot, tmp_path):
    from kiosk.qt import QColor, QImage

    img = QImage(60, 80, QImage.Format.Format_RGB32)
    img.fill(QColor("#336699"))
    path = tmp_path / "clerk.png"
    img.save(str(path))
    snap = snapshot(2)
    boards = (snap.windows[0].__class__(**{**snap.windows[0].__dict__, "photo_path": str(path)}), snap.windows[1])
    view = make_view()
    view.apply_snapshot(DisplaySnapshot(**{**snap.__dict__, "windows": boards}))
    qtbot.wait(20)  # new cards are shown by their layout on the next event loop turn
    assert view.windows.cards[0].photo.has_photo and view.windows.cards[0].photo.isVisible()
    assert not view.windows.cards[1].photo.has_photo


def test_notice_scrolls_when_long(make_view, qtbot):
    view = make_view()
    view.apply_snapshot(snapshot(2))
    assert view.notice.scrolling
    qtbot.waitUntil(lambda: view.notice._offset > 0, timeout=10_000)
    view.notice.setText("短通知")
    assert not view.notice.scrolling
