"""Wires the kiosk's screens to the hall's services.

- Every database call and every print job runs on `Worker` (one pool thread); callbacks come back on
  the GUI thread. While a blocking job runs the screen shows "正在处理，请稍候…" and ignores touches,
  so a double tap can never issue two tickets.
- Errors never end the program: DatabaseUnavailable, InvalidInput (queue closed/full/appointment only)
  and validation errors are shown in Chinese on the screen the citizen is on.
- The ticket is committed before printing; a printer failure shows the error next to the ticket and
  its QR, and 重新打印 reprints (get_ticket + record_reprint + print).
- Idle timeout (any touch restarts it) returns to the home screen and restores language and mode.
- Admin exit: tap the hall name 5 times or hold it 3 s → PIN keypad → `exitRequested` if it matches.
"""

from __future__ import annotations

import logging
import socket
from dataclasses import dataclass
from typing import Any, Callable

from common.db import DatabaseUnavailable
from common.domain import Priority
from common.errors import HallError
from common.validation import ValidationError, validate_mobile
from kiosk import i18n
from kiosk.i18n import tr
from kiosk.printing import PrintFailed, TicketPrinter, build_slip
from kiosk.qt import QApplication, QEvent, QGuiApplication, QObject, QTimer, Signal
from kiosk.services import KioskServices
from kiosk.views.home import FEATURES
from kiosk.window import LANDSCAPE, KioskWindow
from kiosk.worker import Worker

log = logging.getLogger(__name__)

_ACTIVITY_EVENTS = {
    QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonRelease, QEvent.Type.TouchBegin,
    QEvent.Type.TouchUpdate, QEvent.Type.KeyPress, QEvent.Type.Wheel,
}  # fmt: skip


@dataclass(frozen=True)
class KioskOptions:
    """What the controller needs from the machine config (kept small so tests can build it)."""

    idle_timeout_ms: int = 90_000
    ticket_return_s: int = 30  # the ticket screen counts down, then goes home
    admin_pin: str = ""
    fullscreen: bool = True
    elderly_default: bool = False
    language: str = i18n.ZH

    @classmethod
    def from_config(cls, cfg: Any, *, windowed: bool = False) -> "KioskOptions":
        return cls(
            idle_timeout_ms=int(cfg.kiosk.idle_timeout_s) * 1000,
            admin_pin=cfg.kiosk.admin_pin,
            fullscreen=bool(cfg.kiosk.fullscreen) and not windowed,
            elderly_default=bool(cfg.kiosk.elderly_mode_default),
            language=i18n.EN if cfg.machine.language == i18n.EN else i18n.ZH,
        )


def default_device_name() -> str:
    return f"kiosk:{socket.gethostname()}"[:60]


class KioskController(QObject):
    exitRequested = Signal()
    ticketShown = Signal(object)  # the IssuedTicket now on screen
    printFinished = Signal(bool)  # True: printed; False: failed or no printer

    def __init__(self, services: KioskServices, printer: TicketPrinter | Any | None = None,
                 options: KioskOptions | None = None, parent: QObject | None = None):
        super().__init__(parent)
        self.services = services
        self.printer = printer if printer is not None else TicketPrinter()
        self.options = options or KioskOptions()
        self.worker = Worker(self)
        self.worker.busyChanged.connect(self._on_busy_changed)
        self.window = KioskWindow()
        self.site: Any = None
        self.hall_name = ""
        self.timezone: str | None = None
        self.footer: str | None = None
        self.queue: Any = None  # the chosen QueueStatus
        self.priority = Priority.NORMAL
        self.ticket: Any = None  # the IssuedTicket on screen
        self._blocking = 0
        self._generation = 0  # bumped when the kiosk returns home; late results for old screens are dropped
        self._closed = False

        self.idle_timer = QTimer(self)
        self.idle_timer.setSingleShot(True)
        self.idle_timer.setInterval(self.options.idle_timeout_ms)
        self.idle_timer.timeout.connect(self._on_idle)
        self.countdown_timer = QTimer(self)
        self.countdown_timer.setInterval(1000)
        self.countdown_timer.timeout.connect(self._tick_countdown)
        self._countdown = 0

        self._wire()
        self._restore_defaults()
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)

    # ------------------------------------------------------------------ wiring

    def _wire(self) -> None:
        w = self.window
        w.header.languageToggled.connect(self.toggle_language)
        w.header.elderlyToggled.connect(self.set_elderly)
        w.header.adminRequested.connect(self.show_admin)
        for view in w.views:
            view.homeRequested.connect(self.go_home)
        w.home.takeTicketRequested.connect(self.start_take_ticket)
        w.home.featureRequested.connect(self.show_feature)
        w.queues.backRequested.connect(self.go_home)
        w.queues.queueChosen.connect(self.choose_queue)
        w.priority.backRequested.connect(lambda: self._show(w.queues))
        w.priority.priorityChosen.connect(self.choose_priority)
        w.phone.backRequested.connect(lambda: self._show(w.priority))
        w.phone.submitted.connect(self.submit_phone)
        w.ticket.doneRequested.connect(self.go_home)
        w.ticket.reprintRequested.connect(self.reprint)
        w.admin.backRequested.connect(self.go_home)
        w.admin.pinEntered.connect(self.check_pin)

    # ------------------------------------------------------------------ life cycle

    def start(self, *, show: bool = True, size: tuple[int, int] = LANDSCAPE) -> None:
        """Show the window (full screen if configured) and load the hall's name in the background."""
        screen = QGuiApplication.primaryScreen()
        if self.options.fullscreen and screen is not None:
            geometry = screen.geometry()
            size = (geometry.width(), geometry.height())
        self.window.resize_to(*size)
        if show:
            if self.options.fullscreen:
                self.window.showFullScreen()
            else:
                self.window.show()
        self.idle_timer.start()
        self.load_site()

    def shutdown(self) -> None:
        """Stop timers, wait for running jobs, close the window and release the database."""
        if self._closed:
            return
        self._closed = True
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)
        self.idle_timer.stop()
        self.countdown_timer.stop()
        self.worker.shutdown()
        QApplication.processEvents()  # deliver finished jobs' callbacks while the window exists
        self.window.close()
        self.window.deleteLater()
        self.services.close()

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if event.type() in _ACTIVITY_EVENTS and not self._closed:
            self.idle_timer.start()  # restart
        return False

    # ------------------------------------------------------------------ background jobs

    def run(self, fn: Callable[[], Any], on_result: Callable[[Any], None], *, blocking: bool = True,
            on_error: Callable[[BaseException], None] | None = None) -> None:
        """Run `fn` on the worker; `blocking` jobs disable the screen and show a please-wait line."""
        generation = self._generation
        if blocking:
            self._blocking += 1
            self._set_blocked(True)

        def done(result: Any) -> None:
            self._unblock(blocking)
            if generation == self._generation and not self._closed:
                on_result(result)

        def failed(exc: BaseException) -> None:
            self._unblock(blocking)
            if self._closed:
                return
            (on_error or self.show_error)(exc)

        self.worker.submit(fn, done, failed)

    def _unblock(self, blocking: bool) -> None:
        if blocking:
            self._blocking -= 1
            if self._blocking == 0:
                self._set_blocked(False)

    def _set_blocked(self, blocked: bool) -> None:
        if self._closed:
            return
        self.window.stack.setEnabled(not blocked)
        if blocked:
            self.window.message_bar.show_message(tr("正在处理，请稍候…"), "info")
        elif self.window.message_bar.level == "info":
            self.window.message_bar.clear_message()

    def _on_busy_changed(self, busy: bool) -> None:
        if busy:
            self.idle_timer.stop()  # never walk away from a ticket being issued
        elif not self._closed:
            self.idle_timer.start()

    @property
    def busy(self) -> bool:
        return self.worker.busy

    def wait_idle(self, timeout_ms: int = 15_000) -> bool:
        """Process events until no job is pending (self-test, screenshots)."""
        import time

        deadline = time.monotonic() + timeout_ms / 1000
        while self.worker.busy and time.monotonic() < deadline:
            QApplication.processEvents()
            time.sleep(0.005)
        QApplication.processEvents()
        return not self.worker.busy

    # ------------------------------------------------------------------ messages

    def show_error(self, exc: BaseException) -> None:
        """A clear Chinese message on the current screen; the citizen stays where they are."""
        if isinstance(exc, (HallError, ValidationError)):
            text = exc.message
        elif isinstance(exc, DatabaseUnavailable):
            text = str(exc)
            if i18n.is_english():
                text = tr("数据库暂时无法使用，请稍后再试或联系工作人员。") + "\n" + text
        else:
            log.error("unexpected error in a kiosk job", exc_info=exc)
            text = tr("发生意外错误，请联系工作人员。")
        self.window.message_bar.show_message(text, "error")

    # ------------------------------------------------------------------ navigation

    def _show(self, view) -> None:
        if view is not self.window.ticket:
            self.countdown_timer.stop()
        self.window.show_view(view)

    def go_home(self) -> None:
        self._generation += 1
        self.queue = None
        self.priority = Priority.NORMAL
        self.window.phone.reset()
        self._show(self.window.home)

    def _on_idle(self) -> None:
        if self.worker.busy:
            self.idle_timer.start()
            return
        self._restore_defaults()
        self.go_home()

    def _restore_defaults(self) -> None:
        """The next citizen gets the machine's default language and mode."""
        i18n.set_language(self.options.language)
        self.window.apply_mode(self.options.elderly_default)
        self.window.retranslate()

    def toggle_language(self) -> None:
        i18n.set_language(i18n.ZH if i18n.is_english() else i18n.EN)
        self.window.retranslate()

    def set_elderly(self, on: bool) -> None:
        self.window.apply_mode(on)
        self.window.retranslate()

    def show_feature(self, key: str) -> None:
        title = next(t for k, t, _s in FEATURES if k == key)
        self.window.placeholder.set_feature(title)
        self._show(self.window.placeholder)

    # ------------------------------------------------------------------ site

    def load_site(self) -> None:
        def fetch():
            site = self.services.site()
            return site, self.services.ticket_footer()

        self.run(fetch, self._on_site, blocking=False, on_error=self._on_site_error)

    def _on_site(self, result) -> None:
        self.site, self.footer = result
        self.hall_name = self.site.hall_name
        self.timezone = self.site.timezone
        self.window.header.timezone = self.timezone
        self.window.header.set_hall_name(self.hall_name)

    def _on_site_error(self, exc: BaseException) -> None:
        self.show_error(exc)  # retried on the next 取号

    # ------------------------------------------------------------------ take a ticket

    def start_take_ticket(self) -> None:
        def fetch():
            site = self.services.site()
            footer = self.services.ticket_footer()
            return site, footer, self.services.list_queues()

        def loaded(result) -> None:
            site, footer, statuses = result
            if self.site is None:
                self._on_site((site, footer))
            self.window.queues.set_queues(statuses)
            self._show(self.window.queues)

        self.run(fetch, loaded)

    def refresh_queues(self) -> None:
        self.run(self.services.list_queues, self.window.queues.set_queues)

    def choose_queue(self, status: Any) -> None:
        self.queue = status
        self._show(self.window.priority)

    def choose_priority(self, priority: Priority) -> None:
        self.priority = Priority(priority)
        self.window.phone.reset()
        self._show(self.window.phone)

    def submit_phone(self, digits: str) -> None:
        phone = ""
        if digits:
            try:
                phone = validate_mobile(digits)
            except ValidationError as exc:
                self.window.phone.show_error(exc.message)
                return
        self.issue(phone)

    def issue(self, phone: str = "") -> None:
        if self.queue is None:
            self.go_home()
            return
        queue_id, priority = self.queue.queue_id, self.priority
        self.run(lambda: self.services.issue(queue_id, priority, phone), self._on_issued)

    def _on_issued(self, ticket: Any) -> None:
        self.ticket = ticket
        view = self.window.ticket
        view.show_ticket(ticket, self.timezone)
        self._show(view)
        self._start_countdown()
        self.ticketShown.emit(ticket)
        self.print_current()

    # ------------------------------------------------------------------ printing

    def print_current(self, *, reprint: bool = False) -> None:
        view = self.window.ticket
        if not getattr(self.printer, "enabled", True):
            view.set_print_status("info", "本机未连接打印机，请拍照保存号码和二维码")
            self.printFinished.emit(False)
            return
        view.set_print_status("info", "正在打印号票…")
        current = self.ticket
        hall, footer, tz = self.hall_name or "政务服务中心", self.footer, self.timezone

        def job():
            ticket = self.services.reprint(current.ticket_id) if reprint else current
            try:
                self.printer.print_slip(build_slip(ticket, hall, footer, tz))
            except PrintFailed as exc:
                return ticket, exc.message
            return ticket, None

        def done(result) -> None:
            ticket, error = result
            if self.ticket is None or self.ticket.ticket_id != ticket.ticket_id:
                return
            if error:
                view.set_print_status("error", "打印失败：{msg}", msg=error)
            else:
                view.set_print_status("ok", "已打印，请取走号票")
            self.printFinished.emit(error is None)

        def failed(exc: BaseException) -> None:  # the database failed during a reprint
            view.set_print_status("error", "打印失败：{msg}", msg=str(getattr(exc, "message", exc)))
            self.show_error(exc)
            self.printFinished.emit(False)

        self.run(job, done, blocking=reprint, on_error=failed)

    def reprint(self) -> None:
        if self.ticket is None:
            return
        self._start_countdown()
        self.print_current(reprint=True)

    # ------------------------------------------------------------------ ticket countdown

    def _start_countdown(self) -> None:
        self._countdown = self.options.ticket_return_s
        self.window.ticket.set_countdown(self._countdown)
        self.countdown_timer.start()

    def _tick_countdown(self) -> None:
        if self.worker.busy:
            return
        self._countdown -= 1
        self.window.ticket.set_countdown(self._countdown)
        if self._countdown <= 0:
            self.countdown_timer.stop()
            self.go_home()

    # ------------------------------------------------------------------ admin exit

    def show_admin(self) -> None:
        self.window.admin.reset()
        self._show(self.window.admin)

    def check_pin(self, pin: str) -> None:
        expected = self.options.admin_pin
        if not expected:
            self.window.admin.show_error(tr("本机未设置管理员密码，不能在取号机上退出"))
        elif pin == expected:
            log.info("admin exit")
            self.exitRequested.emit()
        else:
            self.window.admin.show_error(tr("密码错误，请重新输入"))
