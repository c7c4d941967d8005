"""The counter app's flow: sign in (login + attendance) → workspace → sign out, the database state in the status
bar (with reconnect attempts on a growing back-off), the hall event thread, the in-process rating pad, and
closing (which signs out as `app_closed`, asking first if a ticket is still being served).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from common.errors import Conflict
from counter.controllers.base import DB_LOST_TEXT, DB_OK_TEXT, error_text, is_db_error
from counter.controllers.appointments import AppointmentController
from counter.controllers.cases import CaseController
from counter.controllers.complaints import ComplaintsController
from counter.controllers.supervision import SupervisionController, can_supervise
from counter.controllers.workspace import HEARTBEAT_MS, REFRESH_MS, WorkspaceController
from counter.events import EventThread
from counter.qt import QApplication, QObject, QTimer, Signal
from counter.views import dialogs as dlg
from counter.views.main_window import CounterWindow
from counter.worker import Worker

log = logging.getLogger(__name__)

RECONNECT_BACKOFF_MS = (1000, 2000, 4000, 8000, 15000, 30000)


@dataclass(frozen=True)
class CounterOptions:
    window_number: int = 0  # this PC's window (config [machine] window); 0 = chosen at login
    rating_pad: bool = True  # open the rating pad (second screen, else its own window) after sign-in
    events: bool = True  # follow the hall's event channel
    heartbeat_ms: int = HEARTBEAT_MS
    refresh_ms: int = REFRESH_MS
    pad_poll_ms: int = 1500
    pad_timeout_s: int = 30
    notice_output: Any = None  # counter.services.NoticeOutput: receipt printer + A4 PDF folder (None: neither)
    open_pdf: bool = True  # open a saved A4 PDF (a notice, an exported report) with the desktop's viewer
    reports_dir: Any = None  # where 督办报表 exports go (None: `<data dir>/reports`)

    @classmethod
    def from_config(cls, cfg: Any, window_number: int | None = None) -> "CounterOptions":
        """This PC's window, its receipt printer ([printer]) and `<data dir>/notices` for the A4 PDFs."""
        from common.config import data_dir
        from common.printing.backends import PrinterSettings
        from counter.services import NoticeOutput

        number = window_number if window_number is not None else int(getattr(cfg.machine, "window", 0) or 0)
        output = NoticeOutput(PrinterSettings.from_config(cfg.printer), data_dir() / "notices")
        return cls(window_number=number, notice_output=output)


class CounterController(QObject):
    signedIn = Signal(object)  # the WorkspaceController
    closed = Signal()
    ready = Signal()  # the login screen has its windows

    def __init__(self, services: Any, options: CounterOptions | None = None, parent: QObject | None = None):
        super().__init__(parent)
        self.services = services
        self.options = options or CounterOptions()
        self.worker = Worker(self)
        self.window = CounterWindow()
        self.workspace: WorkspaceController | None = None
        self.cases: CaseController | None = None
        self.supervision: SupervisionController | None = None
        self.complaints: ComplaintsController | None = None
        self.appointments: AppointmentController | None = None
        self.pad: Any = None
        self.events: EventThread | None = None
        self.site: Any = None
        self.windows: list[Any] = []
        self.db_ok = True
        self._backoff = 0
        self._closed = False
        self._login_busy = False
        self._close_dialog: dlg.FormDialog | None = None

        self.reconnect_timer = QTimer(self)
        self.reconnect_timer.setSingleShot(True)
        self.reconnect_timer.timeout.connect(self._reconnect)
        self.clock_timer = QTimer(self)
        self.clock_timer.setInterval(1000)
        self.clock_timer.timeout.connect(self._tick_clock)

        self.window.login.submitted.connect(self.login)
        self.window.closeRequested.connect(self.request_close)
        self.window.deskSignOutRequested.connect(self._desk_sign_out)
        self.window.tabShown.connect(self._tab_shown)

    # ------------------------------------------------------------------ life cycle

    def start(self, *, show: bool = True) -> None:
        self.window.show_login()
        if show:
            self.window.show()
        self.clock_timer.start()
        self._tick_clock()
        self.load_windows()

    def _tick_clock(self) -> None:
        from common.clock import utcnow
        from counter.format import clock

        tz = self.site.timezone if self.site is not None else None
        self.window.clock_label.setText(clock(utcnow(), tz))

    def load_windows(self) -> None:
        def fetch():
            return self.services.site(), self.services.windows()

        def done(result) -> None:
            self.site, self.windows = result
            self._db_good()
            self.window.login.set_hall_name(self.site.hall_name)
            fixed = self.options.window_number or None
            self.window.login.set_windows(self.windows, fixed, fixed=bool(fixed))
            if fixed and not any(w.number == fixed for w in self.windows):
                self.window.login.show_error(
                    f"本机配置的 {fixed} 号窗口不存在或已停用，请检查配置 [machine] window，或联系管理员。"
                )
            self.ready.emit()

        def failed(exc: BaseException) -> None:
            if is_db_error(exc):
                self._db_bad()
            self.window.login.show_error(error_text(exc))

        self.worker.submit(fetch, done, failed)

    def shutdown(self, *, sign_out: bool = False) -> None:
        """Stop everything and close the window. With `sign_out`, sign out as app_closed first (best effort)."""
        if self._closed:
            return
        ws = self.workspace
        if sign_out and ws is not None:
            try:
                self.worker.wait_idle(5000)
                self.services.sign_out(ws.actor, ws.session.id, "app_closed")
            except Exception as exc:  # noqa: BLE001 - closing must not fail
                log.warning("sign-out on close failed: %s", getattr(exc, "message", exc))
        self._closed = True
        self.clock_timer.stop()
        self.reconnect_timer.stop()
        if ws is not None:
            ws.stop()
            self.workspace = None
        if self.cases is not None:
            self.cases.stop()
            self.cases = None
        self._drop_appointments()
        for sub in (self.supervision, self.complaints):
            if sub is not None:
                sub.stop()
        self.supervision = self.complaints = None
        if self.events is not None:
            self.events.stop()
            self.events = None
        if self.pad is not None:
            self.pad.shutdown()
            self.pad = None
        if self._close_dialog is not None:
            self._close_dialog.reject()
            self._close_dialog.deleteLater()
            self._close_dialog = None
        self.worker.shutdown()
        self.worker.wait_idle(3000)
        self.window.allow_close = True
        self.window.close()
        self.window.deleteLater()
        self.services.close()
        self.closed.emit()

    # ------------------------------------------------------------------ database state

    def _db_bad(self, *_args: Any) -> None:
        if self._closed:
            return
        if self.db_ok:
            self.db_ok = False
            self._backoff = 0
        self.window.set_db_state(False, DB_LOST_TEXT)
        if self.workspace is not None:
            self.workspace.view.banner.show_message(
                f"{DB_LOST_TEXT}暂时无法叫号和保存；已填写的内容不会丢失，恢复后请重试。", "error")
        if not self.reconnect_timer.isActive():
            delay = RECONNECT_BACKOFF_MS[min(self._backoff, len(RECONNECT_BACKOFF_MS) - 1)]
            self._backoff += 1
            self.reconnect_timer.start(delay)

    def _db_good(self) -> None:
        if self._closed:
            return
        was_bad = not self.db_ok
        self.db_ok = True
        self._backoff = 0
        self.reconnect_timer.stop()
        self.window.set_db_state(True, DB_OK_TEXT)
        if was_bad:
            if self.workspace is not None:
                self.workspace.view.banner.show_message("数据库连接已恢复。", "ok")
                self.workspace.refresh()
            elif not self.windows:
                self.window.login.clear_error()
                self.load_windows()

    def _reconnect(self) -> None:
        if self._closed:
            return

        self.worker.submit(self.services.ping, lambda _r: self._db_good(), lambda _exc: self._db_bad())

    # ------------------------------------------------------------------ sign in

    def login(self, data: dict) -> None:
        if self._login_busy or self._closed:
            return
        self._login_busy = True
        view = self.window.login
        view.clear_error()
        view.set_busy(True)

        back_office = bool(data.get("back_office"))

        def job():
            actor = self.services.login(data["staff_no"], data["password"])
            if back_office:
                from common.domain import Role
                from common.errors import PermissionDenied

                if not actor.has(Role.APPROVER, Role.CHIEF_REP, Role.MANAGER, Role.SUPERVISOR):
                    raise PermissionDenied(f"{actor.name}（{actor.staff_no}）不是审批人员，请在窗口签到后办理。")
                return actor, None
            session = self.services.sign_in(actor, data["window_id"], data.get("stand_in_for"))
            return actor, session

        def done(result) -> None:
            self._login_busy = False
            view.set_busy(False)
            self._db_good()
            actor, session = result
            if session is None:
                self.enter_desk(actor)
            else:
                self.enter_workspace(actor, session)

        def failed(exc: BaseException) -> None:
            self._login_busy = False
            view.set_busy(False)
            if is_db_error(exc):
                self._db_bad()
            view.show_error(error_text(exc))
            view.password.clear()
            view.password.setFocus()

        self.worker.submit(job, done, failed)

    def enter_workspace(self, actor: Any, session: Any) -> WorkspaceController:
        o = self.options
        tz = self.site.timezone if self.site is not None else None
        ws = WorkspaceController(self.services, self.worker, self.window.workspace, actor, session,
                                 dialog_parent=self.window, timezone=tz, heartbeat_ms=o.heartbeat_ms,
                                 refresh_ms=o.refresh_ms, windows=self.windows, parent=self)
        ws.dbFailed.connect(self._db_bad)
        ws.dbOk.connect(self._db_good)
        ws.sessionLost.connect(self._session_lost)
        ws.signedOut.connect(self._signed_out)
        self.workspace = ws
        cases = self._make_cases(actor, session.window_id)
        ws.intakeRequested.connect(cases.open_intake)
        ws.other_dialog = lambda: any(c is not None and c.dialog is not None for c in (self.cases, self.appointments))
        cases.message.connect(lambda text, level: self.workspace is not None
                              and self.workspace.view.banner.show_message(text, level))
        self.window.login.reset()
        supervision = self._make_supervision(actor)
        self.window.show_workspace(inbox=cases.can_decide, supervision=supervision is not None)
        self._tab_shown(self.window.current_tab())
        clerk = f"{session.staff_name}（{session.staff_no}）"
        if session.stand_in_for_name:
            clerk += f" · B岗代 {session.stand_in_for_name}"
        self.window.set_identity(clerk, f"{session.window_number}号窗口")
        self._start_events()
        if o.rating_pad:
            self._open_pad(session.window_id)
        if self.pad is not None:
            ws.ticketFinished.connect(self.pad.notify)
        ws.start()
        cases.start()
        self.signedIn.emit(ws)
        return ws

    def _make_cases(self, actor: Any, window_id: int | None) -> CaseController:
        from counter.services import NoticeOutput

        o = self.options
        tz = self.site.timezone if self.site is not None else None
        cases = CaseController(self.services, self.worker, self.window.cases, self.window.inbox, actor,
                               window_id=window_id, dialog_parent=self.window,
                               output=o.notice_output or NoticeOutput(), open_pdf=o.open_pdf, timezone=tz,
                               show_tab=self.window.show_tab, parent=self)
        cases.dbFailed.connect(self._db_bad)
        cases.dbOk.connect(self._db_good)
        self.cases = cases
        self._make_appointments(actor)
        return cases

    def _make_appointments(self, actor: Any) -> None:
        """预约登记 on the 办件 tab for those who book for citizens (clerks, chief reps, managers)."""
        from common.services.appointments import BOOK_ROLES

        desk = self.window.cases
        can_book = actor.has(*BOOK_ROLES)
        desk.book_button.setVisible(can_book)
        if not can_book:
            return
        output = self.options.notice_output
        appts = AppointmentController(self.services, self.worker, actor, dialog_parent=self.window,
                                      printer=output.printer if output is not None and output.has_printer else None,
                                      parent=self)
        desk.bookRequested.connect(appts.open)
        appts.message.connect(desk.banner.show_message)
        self.appointments = appts

    def _make_supervision(self, actor: Any) -> SupervisionController | None:
        """督办报表 for hall managers and supervisors (the report service checks the role again)."""
        if not can_supervise(actor):
            return None
        from common.config import data_dir

        sup = SupervisionController(self.services, self.worker, self.window.supervision, actor,
                                    reports_dir=self.options.reports_dir or data_dir() / "reports",
                                    open_files=self.options.open_pdf, parent=self)
        tz = self.site.timezone if self.site is not None else None
        complaints = ComplaintsController(self.services, self.worker, self.window.complaints, actor, timezone=tz,
                                          parent=self)
        for sub in (sup, complaints):
            sub.dbFailed.connect(self._db_bad)
            sub.dbOk.connect(self._db_good)
        self.supervision, self.complaints = sup, complaints
        return sup

    def _drop_appointments(self) -> None:
        appts = self.appointments
        if appts is None:
            return
        self.appointments = None
        appts.stop()
        for signal, slot in ((self.window.cases.bookRequested, appts.open),):
            try:
                signal.disconnect(slot)
            except (RuntimeError, TypeError):
                pass
        appts.deleteLater()

    def _tab_shown(self, name: str) -> None:
        sub = {"supervision": self.supervision, "complaints": self.complaints}.get(name)
        if sub is not None:
            sub.start()

    def enter_desk(self, actor: Any) -> CaseController:
        """Back office (后台审批): the inbox and the case desk, without a window session."""
        cases = self._make_cases(actor, None)
        self.window.login.reset()
        supervision = self._make_supervision(actor)
        self.window.show_desk(inbox=cases.can_decide, supervision=supervision is not None)
        self._tab_shown(self.window.current_tab())
        self.window.set_identity(f"{actor.name}（{actor.staff_no}）", "后台审批" if cases.can_decide else "后台督办")
        self._start_events()
        cases.start()
        self.signedIn.emit(cases)
        return cases

    def _desk_sign_out(self) -> None:
        if self.cases is None or self.workspace is not None or self.cases.busy:
            return
        self._leave_workspace()
        self.window.login.show_info("已退出登录。")

    def _start_events(self) -> None:
        if not self.options.events or self.events is not None:
            return
        self.events = EventThread(self.services.event_cursor)
        self.events.changed.connect(self._on_events)
        self.events.failed.connect(self._db_bad)
        self.events.start()

    def _on_events(self) -> None:
        events = self.events.take() if self.events is not None else []
        if self.workspace is not None:
            self.workspace.on_events(events)
        if self.cases is not None:
            self.cases.on_events(events)
        if self.complaints is not None:
            self.complaints.on_events(events)
        if self.pad is not None:
            self.pad.notify()

    def _open_pad(self, window_id: int) -> None:
        from counter.rating_pad import RatingPadController

        if self.pad is None:
            self.pad = RatingPadController(self.services, window_id, poll_ms=self.options.pad_poll_ms,
                                           rating_timeout_s=self.options.pad_timeout_s)
            self.pad.start(show=True)
        else:
            self.pad.set_window(window_id)
            self.pad.notify()

    # ------------------------------------------------------------------ leaving the workspace

    def _leave_workspace(self) -> None:
        ws = self.workspace
        if ws is not None:
            ws.stop()
            ws.deleteLater()
            self.workspace = None
        if self.cases is not None:
            self.cases.stop()
            self.cases.deleteLater()
            self.cases = None
        self._drop_appointments()
        for sub in (self.supervision, self.complaints):
            if sub is not None:
                sub.stop()
                sub.deleteLater()
        self.supervision = self.complaints = None
        self.window.set_identity("", "")
        self.window.show_login()
        self.window.login.reset()
        if self.pad is not None:
            self.pad.notify()

    def _signed_out(self) -> None:
        self._leave_workspace()
        self.window.login.show_info("已签退。")

    def _session_lost(self, message: str) -> None:
        self._leave_workspace()
        self.window.login.show_error(message)

    # ------------------------------------------------------------------ closing

    def request_close(self) -> None:
        """The window's close button (or Alt+F4): sign out as app_closed; ask first while holding a ticket."""
        ws = self.workspace
        if self._closed:
            return
        if ws is None:
            self.shutdown()
            return
        if ws.busy or self._close_dialog is not None:
            return
        ws.close_dialog()
        if self.cases is not None:
            self.cases.close_dialog()
        if self.appointments is not None:
            self.appointments.close_dialog()
        if ws.current is not None:
            t = ws.current
            d = dlg.ConfirmDialog(
                "退出窗口工作台",
                f"当前正在办理 {t.number}（{t.queue_name}）。\n"
                "“挂起并签退”：号码挂起，下次登录可在“挂起的号码”中恢复。\n"
                "“保持签到并退出”：不签退，重新打开程序后继续办理该号。",
                "挂起并签退", name="close", choices=[("keep", "保持签到并退出")], parent=self.window,
            )
            d.submitted.connect(lambda v: self._close_choice(v["choice"], d))
            d.rejected.connect(self._close_dialog_gone)
            self._close_dialog = d
            d.open()
            return
        self._close_signing_out()

    def _close_dialog_gone(self) -> None:
        d = self._close_dialog
        self._close_dialog = None
        if d is not None:
            d.deleteLater()

    def _close_choice(self, choice: str, d: dlg.FormDialog) -> None:
        ws = self.workspace
        if ws is None:
            self.shutdown()
            return
        if choice == "keep":
            self._close_dialog = None
            d.accept()
            d.deleteLater()
            self.shutdown(sign_out=False)
            return
        t = ws.current
        actor, window_id, session_id = ws.actor, ws.window_id, ws.session.id
        d.set_busy(True)

        def job():
            if t is not None:
                self.services.park(actor, window_id, t.ticket_id, note="程序关闭时挂起")
            self.services.sign_out(actor, session_id, "app_closed")

        def done(_r) -> None:
            self._close_dialog = None
            d.accept()
            d.deleteLater()
            self.shutdown(sign_out=False)

        def failed(exc: BaseException) -> None:
            d.set_busy(False)
            if is_db_error(exc):
                self._db_bad()
            d.show_error(error_text(exc))

        self.worker.submit(job, done, failed)

    def _close_signing_out(self) -> None:
        ws = self.workspace
        actor, session_id = ws.actor, ws.session.id
        ws.view.banner.show_message("正在签退并退出…", "info")

        def failed(exc: BaseException) -> None:
            if isinstance(exc, Conflict):  # a ticket arrived meanwhile: show it and let the clerk decide
                ws.view.banner.show_message(error_text(exc), "error")
                ws.refresh()
                return
            log.warning("sign-out on close failed (%s); closing anyway", getattr(exc, "message", exc))
            self.shutdown(sign_out=False)

        self.worker.submit(lambda: self.services.sign_out(actor, session_id, "app_closed"),
                           lambda _r: self.shutdown(sign_out=False), failed)

    # ------------------------------------------------------------------ tests and self-test

    def wait_idle(self, timeout_ms: int = 15_000) -> bool:
        ok = self.worker.wait_idle(timeout_ms)
        if self.pad is not None:
            ok = self.pad.worker.wait_idle(timeout_ms) and ok
        QApplication.processEvents()
        return ok
