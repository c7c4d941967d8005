"""`hall-kiosk --self-test` and `--screenshots DIR`: visit every screen with real widgets and a real database.

The tour drives the controller the way a citizen would (取号 → queue → priority → phone → ticket),
issues one real ticket, then shows a printer failure, the 即将开放 pages and the admin PIN screen.
Each screen can be grabbed in Chinese, English and elderly mode (QWidget.grab → PNG).
"""

from __future__ import annotations

import datetime as dt
import sys
import tempfile
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from common.db import DatabaseUnavailable
from kiosk import i18n
from kiosk.controller import KioskController, KioskOptions
from kiosk.printing import PrintFailed
from kiosk.qt import QApplication
from kiosk.services import KioskServices
from kiosk.views.home import FEATURES
from kiosk.window import LANDSCAPE, PORTRAIT

MODES = ("zh", "en", "elderly")
SAMPLE_PHONE = "13812345678"


class TourPrinter:
    """Records slips instead of printing (a self-test must not feed paper); can be told to fail."""

    enabled = True

    def __init__(self) -> None:
        self.slips: list[Any] = []
        self.fail_with: str | None = None

    def print_slip(self, slip: Any) -> None:
        if self.fail_with:
            raise PrintFailed(self.fail_with)
        self.slips.append(slip)


@dataclass
class TourResult:
    shown: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    saved: list[Path] = field(default_factory=list)
    ticket: Any = None

    @property
    def ok(self) -> bool:
        return not self.failures


def prepare_database(db_url: str | None, site: str | None = None
                     ) -> tuple[str, tempfile.TemporaryDirectory | None, Callable[[], dt.datetime] | None]:
    """The given database (real time), or a temporary SQLite file holding the demo hall.

    For the demo hall the tour's clock is pinned to a moment when the hall takes numbers (10:00 local on
    the first day from today with an open queue), so the self-test passes at night and on Sundays too.
    """
    if db_url:
        return db_url, None, None
    from common.db import open_database

    tmp = tempfile.TemporaryDirectory(prefix="hall-kiosk-selftest-")
    url = f"sqlite:///{Path(tmp.name) / 'hall.db'}"
    db = open_database(url)
    try:
        load_demo(db)
        at = opening_moment(db, site)
    finally:
        db.dispose()
    return url, tmp, (lambda: at)


def opening_moment(db: Any, site: str | None = None, *, days: int = 14) -> dt.datetime:
    """10:00 local on the first day (from today) when the hall has a queue open for walk-up tickets."""
    from common.clock import utcnow, zone
    from common.services.queue import list_queue_status
    from common.services.sites import resolve_site

    info = resolve_site(db, site)
    today = utcnow().astimezone(zone(info.timezone)).date()
    for offset in range(days):
        at = dt.datetime.combine(today + dt.timedelta(days=offset), dt.time(10, 0), zone(info.timezone))
        if any(q.is_open and not q.appointment_only for q in list_queue_status(db, info.id, now=at)):
            return at.astimezone(dt.timezone.utc)
    return utcnow()


def load_demo(db: Any) -> None:
    from common.services.demo import load_demo_hall

    load_demo_hall(db)


class Tour:
    def __init__(self, controller: KioskController, printer: TourPrinter, out_dir: Path | None = None,
                 modes: tuple[str, ...] = ("zh",)):
        self.c = controller
        self.w = controller.window
        self.printer = printer
        self.out_dir = out_dir
        self.modes = modes
        self.result = TourResult()

    # -- helpers --------------------------------------------------------------------------------

    def _settle(self) -> None:
        if not self.c.wait_idle():
            raise RuntimeError("后台任务超时未完成")
        for _ in range(3):
            QApplication.processEvents()

    def _set_mode(self, mode: str) -> None:
        i18n.set_language(i18n.EN if mode == "en" else i18n.ZH)
        self.c.set_elderly(mode == "elderly")  # also retranslates
        self._settle()

    def capture(self, name: str, expected_view: Any = None, modes: tuple[str, ...] | None = None) -> None:
        """Check the expected screen is up, then grab it in each mode."""
        if expected_view is not None and self.w.current_view() is not expected_view:
            raise AssertionError(f"应显示 {expected_view.name}，实际为 {self.w.current_view().name}")
        self.result.shown.append(name)
        for mode in modes or self.modes:
            self._set_mode(mode)
            pixmap = self.w.grab()
            if pixmap.isNull() or pixmap.width() < 100:
                raise AssertionError(f"{name}_{mode}: 截图为空")
            if self.out_dir is not None:
                path = self.out_dir / f"{name}_{mode}.png"
                if not pixmap.save(str(path), "PNG"):
                    raise OSError(f"无法保存 {path}")
                self.result.saved.append(path)
        self._set_mode("zh")

    def step(self, name: str, fn: Callable[[], None]) -> None:
        try:
            fn()
        except Exception as exc:  # noqa: BLE001 - report every failed screen, then carry on
            self.result.failures.append(f"{name}: {exc!r}\n{traceback.format_exc()}")

    # -- the tour -------------------------------------------------------------------------------

    def run(self) -> TourResult:
        c, w = self.c, self.w
        self._settle()  # the hall name
        self.step("home", lambda: self.capture("home", w.home))
        for key, _title, _sub in FEATURES:
            self.step(f"placeholder_{key}", lambda key=key: self._feature(key))
        self.step("queues", self._queues)
        self.step("priority", self._priority)
        self.step("phone", self._phone)
        self.step("ticket", self._ticket)
        self.step("error_printer", self._printer_error)
        self.step("error_db", self._db_error)
        self.step("admin", self._admin)
        self.step("portrait", self._portrait)
        c.go_home()
        return self.result

    def _feature(self, key: str) -> None:
        self.c.go_home()
        self.w.home.featureRequested.emit(key)
        self.capture(f"placeholder_{key}", self.w.placeholder, modes=self.modes[:1] if key != "lookup" else None)

    def _queues(self) -> None:
        self.c.go_home()
        self.w.home.take_tile.click()
        self._settle()
        if self.w.message_bar.level == "error":
            raise RuntimeError(self.w.message_bar.text())
        if not self.w.queues.tiles:
            raise RuntimeError("没有任何业务队列")
        self.capture("queues", self.w.queues)

    def _priority(self) -> None:
        tile = next((t for t in self.w.queues.tiles if t.isEnabled()), None)
        if tile is None:
            raise RuntimeError("没有可取号的业务队列")
        tile.click()
        self.capture("priority", self.w.priority)

    def _phone(self) -> None:
        self.w.priority.buttons[next(iter(self.w.priority.buttons))].click()
        for digit in SAMPLE_PHONE:
            self.w.phone.keypad.digit_buttons[digit].click()
        self.capture("phone", self.w.phone)

    def _ticket(self) -> None:
        self.w.phone.confirm_button.click()
        self._settle()
        if self.w.current_view() is not self.w.ticket:
            raise RuntimeError(f"未能取号：{self.w.message_bar.text()}")
        self.result.ticket = self.c.ticket
        self.c.countdown_timer.stop()
        self.capture("ticket", self.w.ticket)

    def _printer_error(self) -> None:
        if self.c.ticket is None:
            raise RuntimeError("没有号票，无法演示打印故障")
        self.printer.fail_with = "打印机缺纸，请联系工作人员更换纸卷"
        try:
            self.c.reprint()
            self._settle()
            self.c.countdown_timer.stop()
            if self.w.ticket.status_label.property("level") != "error":
                raise AssertionError("打印故障未显示")
            self.capture("error_printer", self.w.ticket)
        finally:
            self.printer.fail_with = None

    def _db_error(self) -> None:
        self.c.go_home()
        self.c.show_error(DatabaseUnavailable(
            "无法连接数据库（postgresql+psycopg://hall@10.0.0.5/hall），请检查网络或数据库服务，或联系工作人员。"))
        self.capture("error_db", self.w.home, modes=("zh",))
        self.w.message_bar.clear_message()

    def _admin(self) -> None:
        self.c.go_home()
        self.w.header.adminRequested.emit()
        for digit in "1234":
            self.w.admin.keypad.digit_buttons[digit].click()
        self.capture("admin", self.w.admin, modes=("zh",))

    def _portrait(self) -> None:
        self.c.go_home()
        self.w.resize_to(*PORTRAIT)
        try:
            self._settle()
            self.capture("home_portrait", self.w.home, modes=("zh", "elderly") if len(self.modes) > 1 else None)
            self.w.home.take_tile.click()
            self._settle()
            self.capture("queues_portrait", self.w.queues, modes=("zh", "elderly") if len(self.modes) > 1 else None)
        finally:
            self.w.resize_to(*LANDSCAPE)
            self.c.go_home()
            self._settle()


def run_tour(db_url: str | None, *, site: str | None = None, out_dir: Path | None = None,
             modes: tuple[str, ...] = ("zh",)) -> TourResult:
    """Set up a database if needed, run the tour on an offscreen window, tear everything down."""
    hook_errors: list[str] = []
    old_hook = sys.excepthook

    def hook(exc_type, exc, tb):  # exceptions raised inside Qt slots end up here
        hook_errors.append("".join(traceback.format_exception(exc_type, exc, tb)))

    url, tmp, clock = prepare_database(db_url, site)
    sys.excepthook = hook
    printer = TourPrinter()
    controller = KioskController(
        KioskServices(db_url=url, site_code=site, device="kiosk:self-test", clock=clock), printer,
        KioskOptions(fullscreen=False, admin_pin="0000", idle_timeout_ms=600_000, ticket_return_s=30),
    )
    try:
        if out_dir is not None:
            out_dir.mkdir(parents=True, exist_ok=True)
        controller.start(show=True, size=LANDSCAPE)
        result = Tour(controller, printer, out_dir, modes).run()
    finally:
        controller.shutdown()
        QApplication.processEvents()
        sys.excepthook = old_hook
        i18n.set_language(i18n.ZH)
        if tmp is not None:
            tmp.cleanup()
    result.failures.extend(f"未捕获的异常：{e}" for e in hook_errors)
    return result
