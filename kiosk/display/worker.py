"""The display's feed: a QThread that waits on the hall event channel and sends events and snapshots to the GUI.

    worker = FeedWorker(db, site_id, zone="B区")
    worker.eventsArrived.connect(...)      # list[HallEventInfo], as soon as they are committed
    worker.snapshotReady.connect(...)      # DisplaySnapshot, right after each batch of events (and every refresh_s)
    worker.connectionLost.connect(...)     # (Chinese message, time of the last good contact as epoch seconds)
    worker.connectionRestored.connect(...)
    worker.start(); …; worker.stop()

The loop: snapshot when something changed, then `EventCursor.wait()` (LISTEN/NOTIFY on PostgreSQL, a light poll on
SQLite). Events are emitted BEFORE the snapshot is queried, so the big "now calling" line changes without waiting
for the snapshot. A failure (database down, network lost) closes the cursor and retries with back-off, resuming
from the last event id seen, so nothing committed meanwhile is missed; the first contact afterwards brings a full
snapshot. No GUI object is touched from this thread: everything goes through queued signals.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from typing import Any, Callable

from common.services.display import display_snapshot
from common.services.events import EventCursor
from kiosk.qt import QThread, Signal

log = logging.getLogger(__name__)


class FeedWorker(QThread):
    eventsArrived = Signal(object)  # list[HallEventInfo]
    snapshotReady = Signal(object)  # DisplaySnapshot
    connectionLost = Signal(str, float)  # message, epoch seconds of the last good contact
    connectionRestored = Signal()
    heartbeat = Signal(float)  # epoch seconds of a good contact (at most every `heartbeat_s`)

    def __init__(
        self,
        db: Any,
        site_id: int,
        zone: str = "",
        *,
        clock: Callable[[], dt.datetime] | None = None,
        wait_s: float = 1.0,
        refresh_s: float = 30.0,
        heartbeat_s: float = 1.0,
        retry_max_s: float = 10.0,
        recent: int = 8,
        parent: Any = None,
    ):
        super().__init__(parent)
        self.db = db
        self.site_id = site_id
        self.zone = zone
        self.clock = clock
        self.wait_s = wait_s
        self.refresh_s = refresh_s
        self.heartbeat_s = heartbeat_s
        self.retry_max_s = retry_max_s
        self.recent = recent
        self._stop = threading.Event()
        self._refresh = threading.Event()
        self.last_id: int | None = None  # resume point after a reconnect
        self.last_contact = time.time()
        self.lost = False
        self.snapshots = 0

    # -- control (GUI thread) -------------------------------------------------------------------

    def stop(self, timeout_ms: int = 10_000) -> bool:
        self._stop.set()
        self.requestInterruption()
        return self.wait(timeout_ms)

    def refresh(self) -> None:
        """Ask for a fresh snapshot soon (e.g. after the screen was rotated)."""
        self._refresh.set()

    # -- the loop (worker thread) ---------------------------------------------------------------

    def _snapshot(self) -> None:
        now = self.clock() if self.clock is not None else None
        snap = display_snapshot(self.db, self.site_id, self.zone or None, now=now, recent=self.recent)
        self.snapshots += 1
        self.snapshotReady.emit(snap)

    def run(self) -> None:  # noqa: C901 - one loop, read top to bottom
        cursor: EventCursor | None = None
        need_snapshot = True
        last_snapshot = 0.0
        last_beat = 0.0
        backoff = 0.5
        while not self._stop.is_set():
            try:
                if cursor is None:
                    cursor = EventCursor(self.db, self.site_id, last_id=self.last_id)
                    self.last_id = cursor.last_id
                    need_snapshot = True
                if need_snapshot or self._refresh.is_set() or time.monotonic() - last_snapshot >= self.refresh_s:
                    self._refresh.clear()
                    self._snapshot()
                    need_snapshot = False
                    last_snapshot = time.monotonic()
                    self._contact()
                    if self.lost:
                        self.lost = False
                        backoff = 0.5
                        self.connectionRestored.emit()
                events = cursor.wait(self.wait_s)
                self.last_id = cursor.last_id
                now = time.time()
                self._contact(now)
                if events:
                    self.eventsArrived.emit(events)
                    need_snapshot = True
                if now - last_beat >= self.heartbeat_s:
                    last_beat = now
                    self.heartbeat.emit(now)
            except Exception as exc:  # noqa: BLE001 - any failure: report, back off, reconnect
                log.warning("hall display feed interrupted: %s", exc)
                if cursor is not None:
                    cursor.close()
                    cursor = None
                if not self.lost:
                    self.lost = True
                    self.connectionLost.emit(_message(exc), self.last_contact)
                self._stop.wait(backoff)
                backoff = min(self.retry_max_s, backoff * 2)
        if cursor is not None:
            cursor.close()

    def _contact(self, now: float | None = None) -> None:
        self.last_contact = now or time.time()


def _message(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text[:200]
