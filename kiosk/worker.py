"""Run slow work (database, printer) off the GUI thread and deliver the result back on it.

One QThreadPool per kiosk with ONE thread: jobs run in order, so a double tap can never issue two
tickets at once, and SQLite sees one writer from this process. Results and exceptions come back
through a queued signal, so callbacks always run on the GUI thread.
"""

from __future__ import annotations

import logging
from typing import Any, Callable

from kiosk.qt import QObject, QRunnable, Qt, QThreadPool, Signal

log = logging.getLogger(__name__)


class _Relay(QObject):
    """Lives on the GUI thread; emitted from the pool thread → delivered queued on the GUI thread."""

    finished = Signal(object, object)  # (result, exception or None)


class _Job(QRunnable):
    def __init__(self, fn: Callable[[], Any], relay: _Relay):
        super().__init__()
        self.setAutoDelete(True)
        self._fn = fn
        self._relay = relay

    def run(self) -> None:
        try:
            result = self._fn()
        except BaseException as exc:  # noqa: BLE001 - handed to the GUI thread
            self._relay.finished.emit(None, exc)
        else:
            self._relay.finished.emit(result, None)


class Worker(QObject):
    """`submit(fn, on_result, on_error)`; `busyChanged(bool)` while anything is queued or running."""

    busyChanged = Signal(bool)

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self.pool = QThreadPool()
        self.pool.setMaxThreadCount(1)
        self._relays: set[_Relay] = set()

    @property
    def busy(self) -> bool:
        return bool(self._relays)

    def submit(self, fn: Callable[[], Any], on_result: Callable[[Any], None],
               on_error: Callable[[BaseException], None]) -> None:
        relay = _Relay()
        self._relays.add(relay)

        def deliver(result: Any, error: BaseException | None) -> None:
            self._relays.discard(relay)
            relay.deleteLater()
            try:
                if error is None:
                    on_result(result)
                else:
                    on_error(error)
            finally:
                if not self._relays:
                    self.busyChanged.emit(False)

        relay.finished.connect(deliver, Qt.ConnectionType.QueuedConnection)
        if len(self._relays) == 1:
            self.busyChanged.emit(True)
        self.pool.start(_Job(fn, relay))

    def shutdown(self, timeout_ms: int = 10_000) -> bool:
        """Wait for running jobs (e.g. before closing the database); True if all finished."""
        return self.pool.waitForDone(timeout_ms)
