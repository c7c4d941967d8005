"""The hall display end to end: real database (SQLite and PostgreSQL), real feed thread, real widgets, real voice
player (clips into a WAV file); calls made through the queue engine as a clerk makes them."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from common.clock import utcnow, zone
from common.db import DatabaseUnavailable
from common.db.models import Window
from common.services.events import HallEventInfo
from common.services.queue import call_next, finish, recall
from common.services.voice_queue import VoiceSettings
from kiosk.display.controller import DisplayController, DisplayOptions
from kiosk.display.voice import WavSink
from tests.common.services.queue_fixtures import make_hall

TZ = "Asia/Shanghai"


def live_hall(db, windows: int = 3):
    """make_hall for real time: sessions today, queues open all day."""
    today = utcnow().astimezone(zone(TZ)).date()
    wins = {n: [("A", 1)] for n in range(1, windows + 1)}
    return make_hall(db, windows=wins, session_day=today, all_day=True)


@pytest.fixture
def displays(qtbot, tmp_path):
    made: list[DisplayController] = []

    def make(db, site_id: int, *, sink: bool = True, **options: Any) -> DisplayController:
        opts = dict(fullscreen=False, voice_backend="clips", voice=VoiceSettings(repeat=1), wait_s=0.3)
        if sink:
            opts["audio_out"] = WavSink(tmp_path / f"voice{len(made)}.wav")
        opts.update(options)
        c = DisplayController(db, site_id, DisplayOptions(**opts))
        made.append(c)
        c.start(show=True)
        qtbot.waitUntil(lambda: c.snapshot is not None, timeout=30_000)
        return c

    yield make
    for c in made:
        c.shutdown()


def spoken(c: DisplayController) -> list[str]:
    return [label for label, _ in c.voice_setup.out.played]


def test_a_call_is_shown_and_announced(qtbot, db, displays):
    hall = live_hall(db)
    t = hall.issue("A", at=utcnow())
    c = displays(db, hall.site_id)
    shown = []
    c.callShown.connect(lambda number, at: shown.append(number))
    served = call_next(db, hall.clerk(2), hall.w(2))
    assert served.number == t.number
    qtbot.waitUntil(lambda: c.view.headline.number.text() == t.number, timeout=20_000)
    assert c.view.headline.line2.text() == "到 2 号窗口" and c.view.headline.flashing
    assert shown == [t.number]
    qtbot.waitUntil(lambda: spoken(c) == [f"{t.number}→2"], timeout=20_000)
    qtbot.waitUntil(lambda: c.snapshot.window(hall.w(2)).current_number == t.number, timeout=20_000)
    card = c.view.windows.card(hall.w(2))
    assert card.number.text() == t.number and card.clerk.text() == "窗*"
    assert not c.stale and c.view.status.data.text() == "数据实时更新"


def test_ten_quick_calls_are_announced_in_order(qtbot, sqlite_db, displays):
    hall = live_hall(sqlite_db, windows=10)
    for _ in range(10):
        hall.issue("A", at=utcnow())
    c = displays(sqlite_db, hall.site_id, voice=VoiceSettings(repeat=2, english=True))
    order = [call_next(sqlite_db, hall.clerk(n), hall.w(n)) for n in range(1, 11)]
    expected = [f"{s.number}→{n}" for n, s in zip(range(1, 11), order)]
    qtbot.waitUntil(lambda: spoken(c) == expected, timeout=30_000)
    assert c.view.headline.number.text() == order[-1].number
    assert [h[0] for h in c.voice.history] == ["start", "end"] * 10


def test_recall_repeats_and_finished_tickets_are_dropped(qtbot, sqlite_db, displays):
    hall = live_hall(sqlite_db)
    for _ in range(3):
        hall.issue("A", at=utcnow())
    c = displays(sqlite_db, hall.site_id)
    first = call_next(sqlite_db, hall.clerk(1), hall.w(1))
    qtbot.waitUntil(lambda: spoken(c) == [f"{first.number}→1"], timeout=20_000)
    recall(sqlite_db, hall.clerk(1), hall.w(1), first.ticket_id)
    qtbot.waitUntil(lambda: len(spoken(c)) == 2, timeout=20_000)
    assert spoken(c)[1] == f"{first.number}→1（重呼）"
    assert c.view.headline.number.text() == first.number

    # a ticket finished before its turn came is not announced (events of one batch, deterministic)
    now = utcnow()

    def ev(i, kind, ticket_id, number, window):
        return HallEventInfo(10_000 + i, hall.site_id, now, kind, {
            "ticket_id": ticket_id, "number": number, "window_id": hall.w(window), "window_number": window,
            "window_name": f"{window}号窗口"})

    c._on_events([ev(1, "ticket.called", 901, "A901", 2), ev(2, "ticket.called", 902, "A902", 3),
                  ev(3, "ticket.started", 901, "A901", 2)])
    qtbot.waitUntil(lambda: len(spoken(c)) == 3, timeout=20_000)
    qtbot.wait(100)
    assert spoken(c)[2:] == ["A902→3"]
    assert c.view.headline.number.text() == "A902"
    # an old call redelivered after an outage is shown, not spoken
    old = HallEventInfo(20_000, hall.site_id, now - dt.timedelta(minutes=10), "ticket.called",
                        {"ticket_id": 903, "number": "A903", "window_id": hall.w(1), "window_number": 1})
    c._on_events([old])
    qtbot.wait(100)
    assert c.view.headline.number.text() == "A903" and len(spoken(c)) == 3


def test_zone_display_shows_only_its_windows(qtbot, sqlite_db, displays):
    hall = live_hall(sqlite_db)
    with sqlite_db.write() as s:
        for n, z in ((1, "A区"), (2, "A区"), (3, "B区")):
            s.get(Window, hall.w(n)).zone = z
    for _ in range(2):
        hall.issue("A", at=utcnow())
    c = displays(sqlite_db, hall.site_id, zone="B区")
    assert [w.number for w in c.snapshot.windows] == [3]
    a = call_next(sqlite_db, hall.clerk(1), hall.w(1))  # zone A: not on this screen
    b = call_next(sqlite_db, hall.clerk(3), hall.w(3))
    qtbot.waitUntil(lambda: c.view.headline.number.text() == b.number, timeout=20_000)
    qtbot.waitUntil(lambda: len(spoken(c)) == 1, timeout=20_000)
    assert spoken(c) == [f"{b.number}→3"]
    assert all(call.number != a.number for call in c.snapshot.calls)
    assert c.view.header.zone.text() == "B区 叫号屏"


class FlakyDb:
    """The real database, which can be 'unplugged' (every read fails as a lost connection would)."""

    def __init__(self, db):
        self._db = db
        self.down = False

    def __getattr__(self, name):
        return getattr(self._db, name)

    def read(self):
        if self.down:
            raise DatabaseUnavailable("无法连接数据库（测试：网络中断）")
        return self._db.read()


def test_lost_database_shows_stale_marker_and_recovers(qtbot, sqlite_db, displays):
    hall = live_hall(sqlite_db)
    for _ in range(2):
        hall.issue("A", at=utcnow())
    flaky = FlakyDb(sqlite_db)
    c = displays(flaky, hall.site_id, stale_after_s=2.0)
    c.worker.retry_max_s = 0.3
    before = dt.datetime.now(zone(TZ)).replace(microsecond=0)
    flaky.down = True
    qtbot.waitUntil(lambda: c.stale, timeout=20_000)
    marker = c.view.header.stale.text()
    assert c.view.header.stale_box.isVisible() and marker.startswith("数据更新中断 ")
    shown_at = dt.datetime.strptime(marker.split()[-1], "%H:%M:%S").time()
    assert abs((dt.datetime.combine(before.date(), shown_at, before.tzinfo) - before).total_seconds()) <= 5
    assert "正在重新连接" in c.view.status.data.text()
    # a call made while the display is cut off appears once it is back
    served = call_next(sqlite_db, hall.clerk(1), hall.w(1))
    qtbot.wait(500)
    flaky.down = False
    qtbot.waitUntil(lambda: not c.stale, timeout=20_000)
    qtbot.waitUntil(lambda: c.view.headline.number.text() == served.number, timeout=20_000)
    assert not c.view.header.stale_box.isVisible()
    qtbot.waitUntil(lambda: spoken(c) == [f"{served.number}→1"], timeout=20_000)


def test_orientation_switch_keeps_the_screen(qtbot, sqlite_db, displays):
    hall = live_hall(sqlite_db)
    hall.issue("A", at=utcnow())
    c = displays(sqlite_db, hall.site_id)
    s = call_next(sqlite_db, hall.clerk(1), hall.w(1))
    qtbot.waitUntil(lambda: c.view.headline.number.text() == s.number, timeout=20_000)
    old = c.view
    c.set_orientation("portrait")
    assert c.view is not old and c.view.portrait
    assert c.view.headline.number.text() == s.number
    assert len(c.view.windows.cards) == 3
    c.resize_view()
    assert c.view.height() > c.view.width()


def test_options_from_config():
    from common.config import parse_config_text

    cfg = parse_config_text('[display]\norientation = "portrait"\nvoice_backend = "clips"\nvoice_repeat = 3\n'
                            'voice_english = true\nnumber_reading = "natural"\nzone_filter = "B区"\n')
    o = DisplayOptions.from_config(cfg, fullscreen=False)
    assert (o.orientation, o.voice_backend, o.zone, o.fullscreen) == ("portrait", "clips", "B区", False)
    assert o.voice == VoiceSettings(repeat=3, english=True, number_reading="natural")


# --------------------------------------------------------------------------------------------- latency


def test_every_call_from_a_counter_process_reaches_the_display(qtbot, db):
    """A counter PROCESS calls numbers; the display (this process) shows every one of them.

    How fast is measured by benchmarks/display_latency.py (BENCHMARKS.md), not asserted here.
    """
    from kiosk.display.latency import measure, setup_hall

    hall = setup_hall(db, windows=3, tickets=14)
    result = measure(db, hall, calls=12, interval_s=0.2, jitter_s=0.08, timeout_s=90, wait_s=1.0)
    assert not result.errors, result.errors
    assert not result.missing, f"never shown: {result.missing}"
    assert len(result.label_ms) == 12
