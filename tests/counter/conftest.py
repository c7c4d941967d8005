"""Counter fixtures: the demo hall in a real database, counter apps driven through their real widgets, and a
leak check (no top-level widget survives a test)."""

from __future__ import annotations

import contextlib
import shutil
import sqlite3
from typing import Any

import pytest

from counter.controllers.main import CounterController, CounterOptions
from counter.qt import QApplication, QEvent, Qt
from counter.selftest import open_queues_all_day
from counter.services import CounterServices

DEMO_PASSWORD = "demo1234"


@pytest.fixture(scope="session")
def demo_template(sqlite_template, tmp_path_factory):
    """The migrated template with the demo hall loaded once per session (queues open around the clock)."""
    from common.db import connect
    from common.services.demo import load_demo_hall

    path = tmp_path_factory.mktemp("counter-demo") / "demo.db"
    shutil.copy(sqlite_template, path)
    db = connect(f"sqlite:///{path}")
    load_demo_hall(db)
    open_queues_all_day(db)
    db.dispose()
    with contextlib.closing(sqlite3.connect(path)) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path


@pytest.fixture
def hall(demo_template, tmp_path):
    """A fresh SQLite database holding the demo hall."""
    from common.db import connect

    path = tmp_path / "hall.db"
    shutil.copy(demo_template, path)
    db = connect(f"sqlite:///{path}")
    yield db
    db.dispose()


@pytest.fixture
def pg_hall(pg_db):
    from common.services.demo import load_demo_hall

    load_demo_hall(pg_db)
    open_queues_all_day(pg_db)
    return pg_db


@pytest.fixture(autouse=True)
def no_leaked_windows(qapp):
    """Python's GC runs on the GUI thread only (as in the app), and no top-level widget outlives a test."""
    from counter.worker import GarbageCollector

    before = {id(w) for w in QApplication.topLevelWidgets()}
    guard = GarbageCollector().install()
    yield
    guard.uninstall()

    guard.deleteLater()
    for _ in range(5):
        QApplication.processEvents()
        QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)
    leaked = [w for w in QApplication.topLevelWidgets() if id(w) not in before]
    names = [f"{type(w).__name__}({w.objectName() or (w.text() if hasattr(w, 'text') else '')})" for w in leaked]
    for w in leaked:
        w.deleteLater()
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)
    assert not leaked, f"top-level widgets leaked: {names}"


def type_text(widget, text: str) -> None:
    """Type text the way an input method commits it (QTest.keyClicks only knows ASCII)."""
    from counter.qt import QEvent, QKeyEvent

    for ch in text:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(widget, QKeyEvent(kind, 0, Qt.KeyboardModifier.NoModifier, ch))


def window_id(db: Any, number: int) -> int:
    from common.services.sites import resolve_site
    from counter.queries import window_by_number

    return window_by_number(db, resolve_site(db).id, number).id


def issue(db: Any, prefix: str, count: int = 1) -> list[Any]:
    from sqlalchemy import select

    from common.db.models import Queue
    from common.services.queue import issue_ticket

    with db.read() as s:
        qid = s.scalar(select(Queue.id).where(Queue.prefix == prefix))
    return [issue_ticket(db, qid, device="test") for _ in range(count)]


class Counter:
    """One counter app (its own services, worker and window) driven like a clerk would."""

    def __init__(self, qtbot, db: Any, *, rating_pad: bool = False, events: bool = True, pad_timeout_s: int = 30,
                 window_number: int = 0, services: CounterServices | None = None, notice_output: Any = None,
                 reports_dir: Any = None):
        self.qtbot = qtbot
        self.db = db
        self.services = services or CounterServices(db=db)
        self.c = CounterController(self.services, CounterOptions(
            window_number=window_number, rating_pad=rating_pad, events=events, pad_poll_ms=150,
            pad_timeout_s=pad_timeout_s, heartbeat_ms=30_000, refresh_ms=60_000, notice_output=notice_output,
            open_pdf=False, reports_dir=reports_dir))
        self.w = self.c.window
        self.c.start(show=True)
        qtbot.waitExposed(self.w)
        self._closed = False

    # -- waiting ----------------------------------------------------------------------------------
    def settle(self) -> None:
        assert self.c.wait_idle(20_000), "background jobs did not finish"
        QApplication.processEvents()

    def wait_until(self, cond, timeout: int = 10_000) -> None:
        self.qtbot.waitUntil(lambda: (self.settle() or True) and cond(), timeout=timeout)

    # -- the clerk's hands --------------------------------------------------------------------------
    def activate(self, widget=None) -> None:
        widget = widget or self.w
        widget.windowHandle().requestActivate()
        self.qtbot.waitUntil(lambda: QApplication.activeWindow() is widget, timeout=3000)

    def login(self, staff_no: str, window_number: int, password: str = DEMO_PASSWORD,
              stand_in: str | None = None, expect_ok: bool = True, back_office: bool = False) -> None:
        v = self.w.login
        self.qtbot.waitUntil(lambda: v.window_box.count() > 0, timeout=10_000)
        self.activate()
        v.staff_no.clear()
        self.qtbot.keyClicks(v.staff_no, staff_no)
        if back_office:
            self.qtbot.mouseClick(v.back_office, Qt.MouseButton.LeftButton)
            assert v.back_office.isChecked()
            v.password.clear()
            self.qtbot.keyClicks(v.password, password)
            self.qtbot.keyClick(v.password, Qt.Key.Key_Return)
            self.settle()
            if expect_ok:
                assert self.c.cases is not None and self.c.workspace is None, f"login failed: {v.banner.text()}"
            return
        if v.window_box.isEnabled():
            index = next(i for i in range(v.window_box.count())
                         if v.window_box.itemText(i).startswith(f"{window_number}号窗口"))
            v.window_box.setCurrentIndex(index)
        if stand_in:
            self.qtbot.mouseClick(v.stand_in, Qt.MouseButton.LeftButton)
            v.stand_in.setChecked(True)
            self.qtbot.keyClicks(v.stand_in_no, stand_in)
        v.password.clear()
        self.qtbot.keyClicks(v.password, password)
        self.qtbot.keyClick(v.password, Qt.Key.Key_Return)
        self.settle()
        if expect_ok:
            assert self.c.workspace is not None, f"login failed: {v.banner.text()}"
            self.wait_until(lambda: self.ws.figures is not None)

    @property
    def ws(self):
        assert self.c.workspace is not None, "not signed in"
        return self.c.workspace

    def press(self, key: Qt.Key) -> None:
        """A function key on the workspace (goes through the QShortcut, like a real key press)."""
        self.activate()
        self.qtbot.keyClick(self.w.workspace, key)
        self.settle()

    def dialog(self):
        d = self.ws.dialog
        assert d is not None, f"no dialog open ({self.ws.view.banner.text()})"
        self.qtbot.waitExposed(d)
        return d

    def ok(self, d=None) -> None:
        d = d or self.dialog()
        self.qtbot.mouseClick(d.ok_button, Qt.MouseButton.LeftButton)
        self.settle()

    def current_number(self) -> str | None:
        return self.ws.current.number if self.ws.current is not None else None

    def error(self) -> str:
        b = self.ws.view.banner
        return b.text() if b.isVisible() and b.level == "error" else ""

    @property
    def pad(self):
        assert self.c.pad is not None, "no rating pad"
        return self.c.pad

    def pad_wait(self, state: str, timeout: int = 10_000) -> None:
        self.qtbot.waitUntil(lambda: (self.pad.notify() or True) and self.pad.state == state, timeout=timeout)
        self.settle()

    # -- the end --------------------------------------------------------------------------------
    def sign_out(self) -> None:
        self.qtbot.mouseClick(self.w.workspace.sign_out_button, Qt.MouseButton.LeftButton)
        self.settle()
        self.ok()
        assert self.c.workspace is None, f"sign-out failed: {self.w.workspace.banner.text()}"

    def kill(self) -> None:
        """Drop the app without signing out (a crash): stop its threads and timers, delete its windows."""
        self.close(sign_out=False)

    def close(self, sign_out: bool = False) -> None:
        if self._closed:
            return
        self._closed = True
        self.c.shutdown(sign_out=sign_out)
        QApplication.processEvents()


@pytest.fixture
def counters(qtbot):
    made: list[Counter] = []

    def make(db, **kw) -> Counter:
        c = Counter(qtbot, db, **kw)
        made.append(c)
        return c

    yield make
    for c in made:
        c.close()
