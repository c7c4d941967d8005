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
- 事项查询: the catalog search index is loaded on the worker (reloaded when the catalog revision changed) and
  searched on the GUI thread on every key (in memory, a few ms); guides are read on the worker; the
  一次性告知单 prints on the worker; 取号办理 enters the ticket flow with the item code.
- 进度查询: a scanner's keystrokes (ScannerInput) or the keypad; wrong codes are slowed down (LookupThrottle).
- 投诉与建议 and 预约签到: forms on the keypad; results and slips as above.
"""

from __future__ import annotations

import logging
import socket
from dataclasses import dataclass
from typing import Any, Callable

from common.db import DatabaseUnavailable
from common.domain import Priority
from common.errors import HallError, InvalidInput
from common.services.cases import WRONG_CODE, parse_case_qr
from common.services.complaints import complaint_slip_layout
from common.services.guide_slip import guide_slip_layout, is_guide_qr
from common.validation import ValidationError, validate_mobile
from kiosk import i18n
from kiosk.i18n import tr
from kiosk.printing import PrintFailed, TicketPrinter, build_slip
from kiosk.qt import QApplication, QEvent, QGuiApplication, QObject, QTimer, Signal
from kiosk.services import KioskServices, LookupThrottle, print_document
from kiosk.views.guide import MAX_RESULTS, ListEntry, hit_entry, item_entry
from kiosk.views.home import FEATURES
from kiosk.views.lookup import normalize_case_no
from kiosk.widgets import ScannerInput
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
    guideShown = Signal(object)  # the ItemGuide / BundleGuide now on screen
    slipPrinted = Signal(object)  # the GuideSlip just printed
    progressShown = Signal(object)  # the PublicProgress now on screen
    complaintSubmitted = Signal(object)  # the ComplaintInfo
    indexLoaded = Signal()  # the search index is in memory

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
        self.index: Any = None  # the catalog SearchIndex (in memory; searched on the GUI thread)
        self.frequent: list[Any] = []  # high-frequency items, shown before anything is typed
        self.item_code: str | None = None  # the item a ticket is taken for (from a guide page)
        self._ticket_origin: Any = None  # the guide page the ticket flow started from
        self._nav: list[tuple[Any, Any]] = []  # (view, its list state) to go back to from guide pages
        self.complaint: Any = None  # the ComplaintInfo on screen
        self.throttle = LookupThrottle()
        self.scanner = ScannerInput(self)
        self.scanner.scanned.connect(self.on_scanned)

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
        w.priority.backRequested.connect(self._priority_back)
        w.priority.priorityChosen.connect(self.choose_priority)
        w.phone.backRequested.connect(lambda: self._show(w.priority))
        w.phone.submitted.connect(self.submit_phone)
        w.ticket.doneRequested.connect(self.go_home)
        w.ticket.reprintRequested.connect(self.reprint)
        w.admin.backRequested.connect(self.go_home)
        w.admin.pinEntered.connect(self.check_pin)
        # 事项查询
        w.guide.backRequested.connect(self.go_home)
        w.guide.queryChanged.connect(self.on_query)
        w.guide.entryChosen.connect(self.open_entry)
        w.guide.browseRequested.connect(self.browse)
        w.guide_list.backRequested.connect(self.nav_back)
        w.guide_list.entryChosen.connect(self.open_entry)
        for view in (w.item_guide, w.bundle_guide):
            view.backRequested.connect(self.nav_back)
            view.printRequested.connect(self.print_guide_slip)
            view.ticketRequested.connect(self.take_ticket_for_guide)
        w.item_guide.currentRequested.connect(lambda: self.open_item(w.item_guide.guide.code))
        w.bundle_guide.itemChosen.connect(self.open_item)
        # 进度查询
        w.lookup.backRequested.connect(self.go_home)
        w.lookup.submitted.connect(self.submit_lookup)
        w.progress.backRequested.connect(self.open_lookup)
        # 投诉与建议
        w.complaint.submitted.connect(self.submit_complaint)
        w.complaint_done.doneRequested.connect(self.go_home)
        w.complaint_done.reprintRequested.connect(self.print_complaint_slip)
        # 预约签到
        w.checkin.backRequested.connect(self.go_home)
        w.checkin.submitted.connect(self.submit_checkin)

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
        self.scanner.set_active(False)
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
        w = self.window
        self.scanner.set_active(view in (w.home, w.guide, w.lookup, w.progress, w.checkin))
        self.window.show_view(view)

    def go_home(self) -> None:
        self._generation += 1
        self.queue = None
        self.priority = Priority.NORMAL
        self.item_code = None
        self._ticket_origin = None
        self._nav.clear()
        self.complaint = None
        w = self.window
        w.phone.reset()
        # nothing a citizen typed or looked up stays on screen for the next one
        w.guide.reset()
        w.guide_list.set_list("", "", [])
        w.item_guide.clear()
        w.bundle_guide.clear()
        w.lookup.reset()
        w.progress.clear()
        w.complaint.reset()
        w.checkin.reset()
        self._show(w.home)

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
        opened = {"lookup": self.open_guide, "progress": self.open_lookup, "feedback": self.open_complaint,
                  "checkin": self.open_checkin}.get(key)
        if opened is not None:
            opened()
            return
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

    def _priority_back(self) -> None:
        if self._ticket_origin is not None:  # the ticket flow started on a guide page
            origin, self._ticket_origin, self.item_code = self._ticket_origin, None, None
            self._show(origin)
        else:
            self._show(self.window.queues)

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
        queue_id, priority, item_code = self.queue.queue_id, self.priority, self.item_code
        if item_code:
            self.run(lambda: self.services.issue_for_item(queue_id, priority, phone, item_code), self._on_issued)
        else:
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

    # ------------------------------------------------------------------ navigation inside the guide

    def _forward(self, view, fill: Callable[[], None] | None = None) -> None:
        """Show `view` (after `fill` prepared it), remembering where 返回 goes (and a list's contents)."""
        current = self.window.current_view()
        state = current.state() if current is self.window.guide_list else None
        if current is not view or state is not None:
            self._nav.append((current, state))
        if fill is not None:
            fill()
        self._show(view)

    def nav_back(self) -> None:
        while self._nav:
            view, state = self._nav.pop()
            if view is self.window.home:
                break
            if state is not None:
                view.restore(state)
            self._show(view)
            return
        self.go_home()

    # ------------------------------------------------------------------ 事项查询: search and browse

    def open_guide(self) -> None:
        """The search screen; the index is (re)loaded in the background if the catalog changed."""
        self._nav.clear()
        self.window.guide.reset()
        self._show(self.window.guide)
        self._show_frequent()

        def fetch():
            return self.services.search_index(), self.services.items(high_frequency=True)

        def loaded(result) -> None:
            self.index, items = result
            self.frequent = sorted(items, key=lambda x: (len(x.name), x.code))  # short everyday names first
            self.indexLoaded.emit()
            self.on_query(self.window.guide.query())

        self.run(fetch, loaded, blocking=False)

    def _show_frequent(self) -> None:
        view = self.window.guide
        if self.frequent:
            view.set_entries([item_entry(x) for x in self.frequent], "常办事项（共 {n} 项）", n=len(self.frequent))
        elif self.index is None:
            view.set_entries([], "正在加载事项目录，请稍候…")
        else:
            view.set_entries([], "请输入拼音首字母，或点选常用词")

    def on_query(self, query: str) -> None:
        """Every key: search the in-memory index on the GUI thread (milliseconds), show the hits at once."""
        view = self.window.guide
        if not query:
            self._show_frequent()
            return
        if self.index is None:
            view.set_entries([], "正在加载事项目录，请稍候…")
            return
        hits = self.index.search(query, limit=MAX_RESULTS)
        if not hits:
            view.set_entries([], "没有找到，请换个说法，或咨询服务台")
        elif len(hits) >= MAX_RESULTS:
            view.set_entries([hit_entry(h) for h in hits], "显示前 {n} 项，继续输入可缩小范围", n=len(hits))
        else:
            view.set_entries([hit_entry(h) for h in hits], "找到 {n} 项", n=len(hits))

    def browse(self, what: str) -> None:
        lst = self.window.guide_list
        if what == "departments":
            def show(depts) -> None:
                entries = [ListEntry(("dept", d.code, d.name), d.name, ("{n} 项事项", {"n": d.item_count}))
                           for d in depts]
                self._forward(lst, lambda: lst.set_list("按部门查找", "共 {n} 个部门", entries, n=len(entries)))

            self.run(self.services.departments, show)
        elif what == "bundles":
            def show(bundles) -> None:
                life = [b for b in bundles if b.kind == "life_event"]
                business = [b for b in bundles if b.kind != "life_event"]
                entries = [ListEntry(("bundle", b.code), b.name, ("包含 {n} 项事项，一次办好", {"n": len(b.item_codes)}),
                                     section=b.kind_label) for b in life + business]
                self._forward(lst, lambda: lst.set_list(
                    "一件事", "多个部门的事项一次提交、材料只交一次", entries))

            self.run(self.services.bundles, show)
        else:
            def show(items) -> None:
                entries = [item_entry(x) for x in items]
                self._forward(lst, lambda: lst.set_list("常办事项", "共 {n} 项", entries, n=len(entries)))

            self.run(lambda: self.services.items(high_frequency=True), show)

    def open_entry(self, key: Any) -> None:
        kind = key[0]
        if kind == "item":
            self.open_item(key[1])
        elif kind == "bundle":
            self.open_bundle(key[1])
        elif kind == "dept":
            _kind, code, name = key
            lst = self.window.guide_list

            def show(items) -> None:
                entries = [item_entry(x) for x in items]
                self._forward(lst, lambda: lst.set_list(name, "共 {n} 项事项", entries, title_is_data=True,
                                                        n=len(entries)))

            self.run(lambda: self.services.items(department_code=code), show)

    def open_item(self, code: str, version: int | None = None, *, outdated: bool = False) -> None:
        def show(guide) -> None:
            self._show_guide(self.window.item_guide, guide, outdated)

        self.run(lambda: self.services.item_guide(code, version), show)

    def open_bundle(self, code: str) -> None:
        self.run(lambda: self.services.bundle_guide(code), lambda g: self._show_guide(self.window.bundle_guide, g))

    def _show_guide(self, view, guide: Any, outdated: bool = False) -> None:
        self._forward(view, lambda: view.show_guide(guide, outdated))
        self.guideShown.emit(guide)

    def open_guide_qr(self, text: str) -> None:
        """A scanned 一次性告知单: open exactly the guide it was printed from."""
        from common.services.catalog import ItemGuide

        def show(opened) -> None:
            view = self.window.item_guide if isinstance(opened.guide, ItemGuide) else self.window.bundle_guide
            self._show_guide(view, opened.guide, opened.outdated)

        self.run(lambda: self.services.open_guide_qr(text), show)

    # ------------------------------------------------------------------ 事项查询: slip and ticket

    def print_guide_slip(self) -> None:
        view = self.window.current_view()
        guide = getattr(view, "guide", None)
        if guide is None:
            return
        if not getattr(self.printer, "enabled", True):
            view.set_status("info", "本机未连接打印机，请拍照保存材料清单")
            return
        view.set_status("info", "正在打印告知单…")

        def job():
            slip = self.services.guide_slip(guide)
            try:
                print_document(self.printer, guide_slip_layout(slip))
            except PrintFailed as exc:
                return slip, exc.message
            return slip, None

        def done(result) -> None:
            slip, error = result
            if view.guide is not guide:
                return
            if error:
                view.set_status("error", "打印失败：{msg}", msg=error)
            else:
                view.set_status("ok", "已打印，请取走告知单")
                self.slipPrinted.emit(slip)

        def failed(exc: BaseException) -> None:
            view.set_status("error", "打印失败：{msg}", msg=str(getattr(exc, "message", exc)))

        self.run(job, done, on_error=failed)

    def take_ticket_for_guide(self) -> None:
        """取号办理 from an item or bundle page: straight to the priority step of the item's queue."""
        from common.services.catalog import ItemGuide

        view = self.window.current_view()
        guide = getattr(view, "guide", None)
        if guide is None:
            return
        if isinstance(guide, ItemGuide):
            code, prefix = guide.code, guide.queue
        else:  # a bundle is taken in at the queue of its lead (first) item that has one
            lead = next((x for x in guide.items if x.queue), None)
            code, prefix = (lead.code, lead.queue) if lead else (guide.code, None)
        if not prefix:
            self.window.message_bar.show_message(tr("该事项暂未设置取号业务，请到服务台咨询。"), "error")
            return

        def loaded(status) -> None:
            if status is None:
                self.window.message_bar.show_message(tr("该事项暂未设置取号业务，请到服务台咨询。"), "error")
            elif status.appointment_only:
                self.window.message_bar.show_message(tr("本业务仅限预约办理，请使用“预约签到”"), "error")
            elif not status.is_open:
                reason = status.closed_reason or ""
                text = f"{tr('暂停取号')}：{reason}" if reason else tr("暂停取号")
                self.window.message_bar.show_message(text, "error")
            else:
                self.queue = status
                self.item_code = code
                self.priority = Priority.NORMAL
                self._ticket_origin = view
                self.window.phone.reset()
                self._show(self.window.priority)

        self.run(lambda: self.services.queue_by_prefix(prefix), loaded)

    # ------------------------------------------------------------------ 进度查询

    def open_lookup(self) -> None:
        self.window.lookup.reset()
        self.window.progress.clear()
        self._show(self.window.lookup)

    def submit_lookup(self, typed_case_no: str, check_code: str) -> None:
        site_code = self.site.code if self.site is not None else ""
        self._lookup(normalize_case_no(typed_case_no, site_code), check_code)

    def on_scanned(self, text: str) -> None:
        """A code from the USB scanner (typed keys + Enter) on the home, guide, lookup or check-in screen."""
        w = self.window
        if self._closed or not w.stack.isEnabled():
            return  # a job is running; the citizen scans again
        self.idle_timer.start()  # the scanner's keys never reach the idle filter
        current = w.current_view()
        if is_guide_qr(text):
            self.open_guide_qr(text)
            return
        if current is w.checkin and not text.upper().startswith("GH1|"):
            w.checkin.keypad.set_value(text)
            self.submit_checkin(w.checkin.keypad.value())
            return
        if current is not w.lookup:
            self.open_lookup()
        try:
            case_no, code = parse_case_qr(text)
        except InvalidInput as exc:
            w.lookup.show_error(exc.message)
            return
        self._lookup(case_no, code)

    def _lookup(self, case_no: str, check_code: str) -> None:
        wait = self.throttle.wait_seconds()
        if wait:
            self.window.lookup.show_error("请稍后再试（{n} 秒）", n=wait)
            return
        self.run(lambda: self.services.public_progress(case_no, check_code), self._on_progress,
                 on_error=self._on_lookup_error)

    def _on_progress(self, progress: Any) -> None:
        w = self.window
        w.lookup.reset()  # the typed number and code do not stay on screen
        w.progress.show_progress(progress)
        self._show(w.progress)
        self.progressShown.emit(progress)

    def _on_lookup_error(self, exc: BaseException) -> None:
        lookup = self.window.lookup
        if isinstance(exc, InvalidInput) and exc.message == WRONG_CODE:
            self.throttle.record_failure()
            lookup.show_error("案件编号或查询码不正确，请核对通知书后重新输入")
        elif isinstance(exc, HallError):
            lookup.show_error(exc.message)
        else:
            self.show_error(exc)
        if self.window.current_view() is not lookup:
            self._show(lookup)

    # ------------------------------------------------------------------ 投诉与建议

    def open_complaint(self) -> None:
        view = self.window.complaint
        view.reset()
        self._show(view)
        self.run(self.services.complaint_windows, view.set_windows, blocking=False)

    def submit_complaint(self, data: dict) -> None:
        view = self.window.complaint
        phone = data.get("phone") or ""
        if phone:
            try:
                phone = validate_mobile(phone)
            except ValidationError as exc:
                view.show_error(exc.message)
                return

        def failed(exc: BaseException) -> None:
            if isinstance(exc, HallError):
                view.show_error(exc.message)
            else:
                self.show_error(exc)

        self.run(lambda: self.services.submit_complaint(data["category"], data["phrases"], data["window_number"],
                                                        phone), self._on_complaint, on_error=failed)

    def _on_complaint(self, info: Any) -> None:
        self.complaint = info
        done = self.window.complaint_done
        done.show_info(info)
        self.window.complaint.reset()
        self._show(done)
        self.complaintSubmitted.emit(info)
        self.print_complaint_slip()

    def print_complaint_slip(self) -> None:
        view, info = self.window.complaint_done, self.complaint
        if info is None:
            return
        if not getattr(self.printer, "enabled", True):
            view.set_status("info", "本机未连接打印机，请拍照保存受理编号")
            return
        view.set_status("info", "正在打印回执…")
        hall, tz = self.hall_name or "政务服务中心", self.timezone

        def job():
            try:
                print_document(self.printer, complaint_slip_layout(info, hall, timezone=tz,
                                                                   hotline=self.services.hotline()))
            except PrintFailed as exc:
                return exc.message
            return None

        def done(error) -> None:
            if self.complaint is not info:
                return
            if error:
                view.set_status("error", "打印失败：{msg}", msg=error)
            else:
                view.set_status("ok", "已打印，请取走回执")

        self.run(job, done, on_error=lambda exc: view.set_status("error", "打印失败：{msg}",
                                                                  msg=str(getattr(exc, "message", exc))))

    # ------------------------------------------------------------------ 预约签到

    def open_checkin(self) -> None:
        self.window.checkin.reset()
        self._show(self.window.checkin)

    def submit_checkin(self, code: str) -> None:
        view = self.window.checkin

        def failed(exc: BaseException) -> None:
            if isinstance(exc, HallError):
                view.show_error(exc.message)
            else:
                self.show_error(exc)

        self.run(lambda: self.services.check_in(code), self._on_issued, on_error=failed)
