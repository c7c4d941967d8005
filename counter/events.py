"""The hall's event channel in a QThread: `changed(list)` on the GUI thread when other terminals act.

`EventCursor.wait()` blocks (LISTEN/NOTIFY on PostgreSQL, a light poll on SQLite), so it runs here, never on the
GUI thread. A database outage is reported with `failed(str)` and retried with a growing pause; the thread ends
promptly when asked (`stop()`).
"""

from __future__ import annotations

import logging
import threading
from collections import deque
from typing import Any, Callable

from counter.qt import QThread, Signal

log = logging.getLogger(__name__)

WAIT_S = 0.5
BACKOFF_S = (1, 2, 4, 8, 15, 30)


class EventThread(QThread):
    """`changed` carries no arguments: the events wait in `take()` (no Python object crosses threads in a
    queued signal; PySide 6 has had reference-count bugs there)."""

    changed = Signal()
    failed = Signal(str)
    recovered = Signal()

    def __init__(self, cursor_factory: Callable[[], Any], parent=None):
        super().__init__(parent)
        self._factory = cursor_factory
        self._pending: deque[Any] = deque()
        self._lock = threading.Lock()
        self.setObjectName("counter-events")

    def take(self) -> list[Any]:
        """The events received since the last call (GUI thread)."""
        with self._lock:
            out = list(self._pending)
            self._pending.clear()
        return out

    def _sleep(self, seconds: float) -> None:
        for _ in range(int(seconds * 10)):
            if self.isInterruptionRequested():
                return
            self.msleep(100)

    def run(self) -> None:
        cursor = None
        failures = 0
        while not self.isInterruptionRequested():
            try:
                if cursor is None:
                    cursor = self._factory()
                events = cursor.wait(WAIT_S)
            except Exception as exc:  # noqa: BLE001 - a broken database must not end the thread
                msg = getattr(exc, "message", None) or str(exc)
                log.warning("event channel: %s", msg)
                if cursor is not None:
                    try:
                        cursor.close()
                    except Exception:  # noqa: BLE001
                        pass
                cursor = None
                self.failed.emit(msg)
                self._sleep(BACKOFF_S[min(failures, len(BACKOFF_S) - 1)])
                failures += 1
                continue
            if failures:
                failures = 0
                self.recovered.emit()
            if events:
                with self._lock:
                    self._pending.extend(events)
                self.changed.emit()
        if cursor is not None:
            try:
                cursor.close()
            except Exception:  # noqa: BLE001
                pass

    def stop(self, timeout_ms: int = 5000) -> None:
        self.requestInterruption()
        self.wait(timeout_ms)
