"""The worker runs jobs on its pool thread, in order, and hands results back on the GUI thread."""

from __future__ import annotations

import threading
import time

from kiosk.worker import Worker


def test_results_and_errors_come_back_on_the_gui_thread(qtbot):
    worker = Worker()
    seen: list[tuple[str, str, object]] = []

    def job(n: int):
        time.sleep(0.02)
        if n == 2:
            raise ValueError("boom")
        return threading.current_thread().name, n

    for n in range(4):
        worker.submit(lambda n=n: job(n),
                      lambda r: seen.append(("ok", threading.current_thread().name, r)),
                      lambda e: seen.append(("err", threading.current_thread().name, str(e))))
    assert worker.busy
    with qtbot.waitSignal(worker.busyChanged, timeout=5000, check_params_cb=lambda busy: busy is False):
        pass
    main = threading.main_thread().name
    assert [s[1] for s in seen] == [main] * 4  # callbacks on the GUI thread
    assert [s[0] for s in seen] == ["ok", "ok", "err", "ok"]  # in submission order
    assert all(r[2][0] != main for r in seen if r[0] == "ok")  # the work itself ran elsewhere
    assert seen[2][2] == "boom"
    assert worker.shutdown()
