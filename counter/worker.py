"""Run service calls off the GUI thread and deliver the result back on it.

One QThreadPool with ONE thread per worker: jobs run in order (SQLite sees one writer from this process, and a
second press can never overtake the first). The callbacks always run on the GUI thread. `busyChanged(bool)` tells
the views to disable their action buttons while a call is in flight, so nothing is done twice.

Nothing but an int crosses threads through Qt: each job's outcome waits in a dict under a lock and the pool thread
emits `_done(job_id)` on one long-lived relay object. No per-job QObjects are created, so Python's garbage
collector (which may run on the pool thread) never has a QObject of ours to destroy there.
"""

from __future__ import annotations

import itertools
import logging
import threading
import time
from typing import Any, Callable

from counter.qt import QApplication, QObject, QRunnable, QThreadPool, Qt, Signal

log = logging.getLogger(__name__)


class _Relay(QObject):
    done = Signal(int)


class _Job(QRunnable):
    def __init__(self, worker: "Worker", job_id: int, fn: Callable[[], Any]):
        super().__init__()
        self.setAutoDelete(True)
        self._worker = worker
        self._id = job_id
        self._fn = fn

    def run(self) -> None:
        try:
            outcome: tuple[Any, BaseException | None] = (self._fn(), None)
        except BaseException as exc:  # noqa: BLE001 - handed to the GUI thread
            outcome = (None, exc)
        self._fn = None
        worker, self._worker = self._worker, None
        worker._finish(self._id, outcome)


class Worker(QObject):
    """`submit(fn, on_result, on_error)`; `busyChanged(bool)` while anything is queued or running."""

    busyChanged = Signal(bool)

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self.pool = QThreadPool()
        self.pool.setMaxThreadCount(1)
        self._relay = _Relay(self)
        self._relay.done.connect(self._deliver, Qt.ConnectionType.QueuedConnection)
        self._lock = threading.Lock()
        self._ids = itertools.count(1)
        self._callbacks: dict[int, tuple[Callable | None, Callable | None]] = {}
        self._outcomes: dict[int, tuple[Any, BaseException | None]] = {}
        self._closed = False

    @property
    def busy(self) -> bool:
        return bool(self._callbacks)

    def submit(self, fn: Callable[[], Any], on_result: Callable[[Any], None] | None = None,
               on_error: Callable[[BaseException], None] | None = None) -> None:
        if self._closed:
            return
        job_id = next(self._ids)
        self._callbacks[job_id] = (on_result, on_error)
        if len(self._callbacks) == 1:
            self.busyChanged.emit(True)
        self.pool.start(_Job(self, job_id, fn))

    def _finish(self, job_id: int, outcome: tuple[Any, BaseException | None]) -> None:
        """Pool thread: park the outcome and wake the GUI thread."""
        with self._lock:
            self._outcomes[job_id] = outcome
        self._relay.done.emit(job_id)

    def _deliver(self, job_id: int) -> None:
        with self._lock:
            result, error = self._outcomes.pop(job_id, (None, None))
        on_result, on_error = self._callbacks.pop(job_id, (None, None))
        try:
            if error is None:
                if on_result is not None:
                    on_result(result)
            elif on_error is not None:
                on_error(error)
            else:
                log.error("unhandled error in a counter job", exc_info=error)
        finally:
            if not self._callbacks:
                self.busyChanged.emit(False)

    def wait_idle(self, timeout_ms: int = 15_000) -> bool:
        """Process events until every job submitted so far has delivered (tests, self-test, shutdown).

        Jobs submitted meanwhile by the callbacks (a refresh after an action) are waited for too; jobs started by
        timers (a periodic poll) while waiting are not, so a steady poll cannot keep this waiting forever.
        """
        deadline = time.monotonic() + timeout_ms / 1000
        while time.monotonic() < deadline:
            waiting = set(self._callbacks)
            if not waiting:
                break
            while waiting & set(self._callbacks) and time.monotonic() < deadline:
                QApplication.processEvents()
                time.sleep(0.002)
            if not (waiting & set(self._callbacks)):
                # follow-ups submitted by those callbacks (ids above the old ones) are part of the same work
                newer = {i for i in self._callbacks if i > max(waiting)}
                if not newer:
                    break
        return time.monotonic() < deadline

    def shutdown(self, timeout_ms: int = 10_000) -> bool:
        """Refuse new jobs and wait for the running ones; True if all finished."""
        self._closed = True
        return self.pool.waitForDone(timeout_ms)


class GarbageCollector(QObject):
    """Run Python's cyclic garbage collector on the GUI thread only (qutebrowser does the same).

    With automatic collection a worker thread may collect a cycle holding a Qt object and destroy it on the wrong
    thread. `install()` disables automatic collection and collects from a timer on the GUI thread instead;
    `uninstall()` restores the previous state (tests).
    """

    INTERVAL_MS = 1000

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        from counter.qt import QTimer

        self._was_enabled = True
        self.timer = QTimer(self)
        self.timer.setInterval(self.INTERVAL_MS)
        self.timer.timeout.connect(self.check)

    def install(self) -> "GarbageCollector":
        import gc

        self._was_enabled = gc.isenabled()
        gc.disable()
        self.timer.start()
        return self

    def check(self) -> None:
        import gc

        gen0, gen1, gen2 = gc.get_count()
        t0, t1, t2 = gc.get_threshold()
        if gen0 > t0:
            gc.collect(0)
            if gen1 > t1:
                gc.collect(1)
                if gen2 > t2:
                    gc.collect(2)

    def uninstall(self) -> None:
        import gc

        self.timer.stop()
        gc.collect()
        if self._was_enabled:
            gc.enable()
