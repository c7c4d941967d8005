"""Wires the hall display together: feed worker (events, snapshots) → view, and calls → the voice player.

    controller = DisplayController(db, site_id, DisplayOptions.from_config(cfg))
    controller.start()            # shows the screen, starts the feed thread
    …
    controller.shutdown()         # stops the thread, the voice and closes the screen

A `ticket.called` / `ticket.recalled` event changes the big line at once (from the event's payload, no query),
flashes it and queues the announcement; the snapshot that follows refreshes windows, waiting counts and the recent
calls. Tickets that stop being called (started, finished, no-show, transferred) are dropped from the voice queue
if not yet announced. Events older than `announce_max_age_s` (redelivered after a long outage) are shown, not
spoken. `callShown(number, epoch)` / `snapshotApplied(snapshot, epoch)` report when the screen changed (tests,
benchmark).
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from common.clock import utcnow, zone as tz_zone
from common.services.display import DisplaySnapshot
from common.services.voice_queue import Announcement, VoiceSettings
from kiosk.display.views import LANDSCAPE, PORTRAIT, DisplayView
from kiosk.display.voice import AudioOut, VoicePlayer, VoiceSetup, make_voice
from kiosk.display.worker import FeedWorker
from kiosk.qt import QApplication, QObject, Qt, QTimer, Signal

log = logging.getLogger(__name__)

CALL_KINDS = ("ticket.called", "ticket.recalled")
# After these the ticket no longer needs announcing (the citizen is at the window, or it left the window).
GONE_KINDS = ("ticket.started", "ticket.finished", "ticket.no_show", "ticket.transferred", "ticket.returned",
              "ticket.parked")


@dataclass
class DisplayOptions:
    orientation: str = "landscape"  # or "portrait"
    fullscreen: bool = True
    zone: str = ""  # "" = the whole hall
    voice_backend: str = "qt"  # qt / clips / chime / none
    voice: VoiceSettings = field(default_factory=VoiceSettings)
    tts_engine: str = ""  # "" = the platform's default engine; "mock" in tests
    audio_out: AudioOut | None = None  # None = the default sound device; a WavSink in tests
    sounds_dir: str | Path | None = None
    stale_after_s: float = 6.0  # no contact with the database for this long → "数据更新中断"
    wait_s: float = 1.0
    refresh_s: float = 30.0
    recent: int = 8
    announce_max_age_s: float = 90.0

    @classmethod
    def from_config(cls, cfg: Any, **overrides: Any) -> "DisplayOptions":
        d = cfg.display
        opts = cls(
            orientation=d.orientation,
            zone=d.zone_filter,
            voice_backend=d.voice_backend,
            voice=VoiceSettings.from_config(d),
        )
        for k, v in overrides.items():
            setattr(opts, k, v)
        return opts

    @property
    def portrait(self) -> bool:
        return self.orientation == "portrait"


class DisplayController(QObject):
    callShown = Signal(str, float)  # number, time.time() when the big line showed it
    snapshotApplied = Signal(object, float)  # DisplaySnapshot, time.time()
    staleChanged = Signal(bool)

    def __init__(self, db: Any, site_id: int, options: DisplayOptions | None = None, *,
                 clock: Callable[[], dt.datetime] | None = None, parent: QObject | None = None):
        super().__init__(parent)
        self.db = db
        self.site_id = site_id
        self.options = options or DisplayOptions()
        self.clock = clock
        self.view = DisplayView(self.options.portrait)
        self.snapshot: DisplaySnapshot | None = None
        self.timezone = "Asia/Shanghai"
        self.stale = False
        self._last_contact = time.time()
        self._started = False
        self._closed = False  # after shutdown: late signals from the feed thread are ignored

        self.voice_setup: VoiceSetup = make_voice(
            self.options.voice_backend, tts_engine=self.options.tts_engine, out=self.options.audio_out,
            sounds_dir=self.options.sounds_dir, parent=self,
        )
        self.voice = VoicePlayer(self.voice_setup.backend, self.options.voice, self)
        self.voice.statusChanged.connect(lambda text: self.view.set_voice_status(text, False))
        self.view.set_voice_status(self.voice_setup.status, self.voice_setup.ok)
        self.view.set_stale(None)

        self.worker = FeedWorker(db, site_id, self.options.zone, clock=clock, wait_s=self.options.wait_s,
                                 refresh_s=self.options.refresh_s, recent=self.options.recent)
        self.worker.eventsArrived.connect(self._on_events, Qt.ConnectionType.QueuedConnection)
        self.worker.snapshotReady.connect(self._on_snapshot, Qt.ConnectionType.QueuedConnection)
        self.worker.connectionLost.connect(self._on_lost, Qt.ConnectionType.QueuedConnection)
        self.worker.connectionRestored.connect(self._on_restored, Qt.ConnectionType.QueuedConnection)
        self.worker.heartbeat.connect(self._on_beat, Qt.ConnectionType.QueuedConnection)

        self._tick = QTimer(self)
        self._tick.setInterval(1000)
        self._tick.timeout.connect(self._on_tick)

    # -- life cycle ------------------------------------------------------------------------------

    def start(self, show: bool = True) -> None:
        self._started = True
        self._on_tick()
        self.worker.start()
        self._tick.start()
        if show:
            self._show()

    def _show(self) -> None:
        if self.options.fullscreen:
            self.view.setCursor(Qt.CursorShape.BlankCursor)
            self.view.showFullScreen()
        else:
            self.view.show()

    def shutdown(self) -> None:
        self._closed = True
        self._tick.stop()
        self.voice.shutdown()
        if self.worker.isRunning():
            self.worker.stop()
        out = self.voice_setup.out
        if out is not None and hasattr(out, "close"):
            out.close()
        self.view.close()
        self.view.deleteLater()

    def set_orientation(self, orientation: str) -> None:
        """Rebuild the screen for landscape / portrait (keeps the current call and data)."""
        self.options.orientation = orientation
        old = self.view
        self.view = DisplayView(self.options.portrait)
        self.view.set_voice_status(self.voice_setup.status, self.voice_setup.ok)
        self.view.set_stale(self._stale_since() if self.stale else None)
        if old.headline.current is not None:
            self.view.headline.show_call(*old.headline.current)
        if self.snapshot is not None:
            self.view.apply_snapshot(self.snapshot)
        self._on_tick()
        was_visible = old.isVisible()
        old.close()
        old.deleteLater()
        if was_visible:
            self._show()

    def resize_view(self, size: tuple[int, int] | None = None) -> None:
        self.view.resize(*(size or (PORTRAIT if self.options.portrait else LANDSCAPE)))

    # -- feed --------------------------------------------------------------------------------------

    def _now(self) -> dt.datetime:
        return self.clock() if self.clock is not None else utcnow()

    def _covers(self, window_id: Any) -> bool:
        if not self.options.zone:
            return True
        return self.snapshot is not None and window_id in self.snapshot.window_ids

    def _on_events(self, events: list) -> None:
        if self._closed:
            return
        self._contact()
        now = self._now()
        for e in events:
            payload = e.payload or {}
            if e.kind in CALL_KINDS:
                if not self._covers(payload.get("window_id")):
                    continue
                recall = e.kind == "ticket.recalled"
                number = str(payload.get("number") or "")
                if not number:
                    continue
                self.view.show_call(number, payload.get("window_id"), payload.get("window_number"),
                                    str(payload.get("window_name") or ""), recall=recall)
                self.callShown.emit(number, time.time())
                at = e.at if e.at.tzinfo is not None else e.at.replace(tzinfo=dt.timezone.utc)
                if (now - at).total_seconds() <= self.options.announce_max_age_s:
                    self.voice.offer(Announcement.from_payload(payload, recall=recall, event_id=e.id))
            elif e.kind in GONE_KINDS:
                self.voice.cancel(payload.get("ticket_id"))

    def _on_snapshot(self, snap: DisplaySnapshot) -> None:
        if self._closed:
            return
        self._contact()
        self.snapshot = snap
        self.timezone = snap.timezone
        self.view.apply_snapshot(snap)
        self.snapshotApplied.emit(snap, time.time())

    def _on_lost(self, message: str, last_contact: float) -> None:
        if self._closed:
            return
        log.warning("hall display lost the database: %s", message)
        self._last_contact = min(self._last_contact, last_contact)
        self._set_stale(True)

    def _on_restored(self) -> None:
        self._contact()

    def _on_beat(self, _epoch: float) -> None:
        self._contact()

    def _contact(self) -> None:
        if self._closed:
            return
        self._last_contact = time.time()
        if self.stale:
            self._set_stale(False)

    def _stale_since(self) -> dt.datetime:
        """The last good contact, on the display's own clock (hall time)."""
        ago = dt.timedelta(seconds=max(0.0, time.time() - self._last_contact))
        return (self._now() - ago).astimezone(tz_zone(self.timezone))

    def _set_stale(self, stale: bool) -> None:
        if stale == self.stale:
            return
        self.stale = stale
        self.view.set_stale(self._stale_since() if stale else None)
        self.staleChanged.emit(stale)

    def _on_tick(self) -> None:
        self.view.set_time(self._now().astimezone(tz_zone(self.timezone)))
        if self._started and not self.stale and time.time() - self._last_contact > self.options.stale_after_s:
            self._set_stale(True)

    # -- helpers for tests and the self-test -----------------------------------------------------

    def wait_for(self, predicate: Callable[[], bool], timeout_s: float = 10.0) -> bool:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            QApplication.processEvents()
            if predicate():
                return True
            time.sleep(0.005)
        return predicate()
