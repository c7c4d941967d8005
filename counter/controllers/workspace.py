"""Wires the workspace screen to the queue engine, attendance and consultations for one signed-in session.

- Every service call runs on the shared `Worker`; while an ACTION is in flight all action buttons (and their
  shortcuts) are disabled, so a double press can never call two numbers.
- Each action that changes a ticket refreshes the whole screen from the database afterwards (one snapshot job);
  hall events from other terminals (kiosk issues, other windows call) refresh it too, debounced.
- Dialogs stay open until their call succeeds; an error (including a lost database) is shown inside the dialog
  and the clerk's input stays.
- The ticket timer ticks every second on the GUI thread; the heartbeat (attendance) runs every 30 s.
"""

from __future__ import annotations

import logging
from typing import Any, Callable

from common.clock import utcnow
from common.domain import window_title
from common.errors import Conflict
from counter.controllers.base import DialogHost, error_text, is_db_error
from counter.qt import QKeySequence, QObject, QShortcut, QTimer, QWidget, Qt, Signal
from counter.views import dialogs as dlg
from counter.views.workspace import ACTIONS, WorkspaceView

log = logging.getLogger(__name__)

HEARTBEAT_MS = 30_000
REFRESH_MS = 20_000  # a fallback when no hall event arrives
EVENT_DEBOUNCE_MS = 150
RATING_WAIT_MS = 35_000  # a little longer than the pad's own timeout


class WorkspaceController(QObject, DialogHost):
    dbFailed = Signal(object)  # the DatabaseUnavailable
    dbOk = Signal()
    sessionLost = Signal(str)  # the session was closed elsewhere (taken over, day end)
    ticketFinished = Signal(object)  # the ServingTicket just finished (the rating pad asks the citizen)
    signedOut = Signal()
    refreshed = Signal()  # after each snapshot is shown (tests, self-test)
    busyChanged = Signal(bool)
    intakeRequested = Signal(object)  # the ticket in service (None: no ticket) → the case controller's 受理

    def __init__(self, services: Any, worker: Any, view: WorkspaceView, actor: Any, session: Any, *,
                 dialog_parent: QWidget, shortcut_parent: QWidget | None = None, timezone: str | None = None,
                 heartbeat_ms: int = HEARTBEAT_MS, refresh_ms: int = REFRESH_MS, windows: list[Any] | None = None,
                 parent: QObject | None = None):
        super().__init__(parent)
        self.services = services
        self.worker = worker
        self.view = view
        self.actor = actor
        self.session = session
        self.window_id: int = session.window_id
        self.dialog_parent = dialog_parent
        self.timezone = timezone
        self.windows: list[Any] = list(windows or [])  # the hall's windows (consultation: 引导去向)
        self.current: Any = None
        self.queues: list[Any] = []
        self.parked: list[Any] = []
        self.figures: Any = None
        self.on_break = bool(session.on_break)
        self.dialog: dlg.FormDialog | None = None
        self.busy = False
        self._closed = False
        self._refreshing = False
        self._refresh_again = False
        self._awaiting_rating: int | None = None  # ticket id the pad is asking about
        self.other_dialog: Callable[[], bool] = lambda: False  # a case dialog is open (set by the main controller)

        view.set_timezone(timezone)
        view.set_header(self._header_text())
        view.banner.clear_message()
        view.rating_banner.clear_message()
        view.serving.show_idle()
        view.actionRequested.connect(self.trigger)
        view.signOutRequested.connect(self.request_sign_out)
        view.parkedActivated.connect(self._resume_ticket)
        self.shortcuts: dict[str, QShortcut] = {}
        for key, _label, shortcut, _accent in ACTIONS:
            sc = QShortcut(QKeySequence(shortcut), shortcut_parent or dialog_parent)
            sc.setContext(Qt.ShortcutContext.WindowShortcut)
            sc.setAutoRepeat(False)
            sc.activated.connect(lambda k=key: self.trigger(k))
            self.shortcuts[key] = sc

        self.tick_timer = QTimer(self)
        self.tick_timer.setInterval(1000)
        self.tick_timer.timeout.connect(self._tick)
        self.heartbeat_timer = QTimer(self)
        self.heartbeat_timer.setInterval(heartbeat_ms)
        self.heartbeat_timer.timeout.connect(self.heartbeat)
        self.refresh_timer = QTimer(self)
        self.refresh_timer.setInterval(refresh_ms)
        self.refresh_timer.timeout.connect(self.refresh)
        self.debounce = QTimer(self)
        self.debounce.setSingleShot(True)
        self.debounce.setInterval(EVENT_DEBOUNCE_MS)
        self.debounce.timeout.connect(self.refresh)
        self.rating_timer = QTimer(self)
        self.rating_timer.setSingleShot(True)
        self.rating_timer.setInterval(RATING_WAIT_MS)
        self.rating_timer.timeout.connect(self._rating_wait_over)
        self._update_actions()

    # ------------------------------------------------------------------ life cycle

    def start(self) -> None:
        self.tick_timer.start()
        self.heartbeat_timer.start()
        self.refresh_timer.start()
        if self.session.on_break:
            self.view.serving.show_break(self.session.break_reason or "", self.session.break_started_at)
        if getattr(self.session, "resumed", False):
            self.view.banner.show_message("已恢复本窗口的签到；如有未办完的号码，已显示在上方。", "info")
        self.refresh()

    def stop(self) -> None:
        """Stop timers and shortcuts (sign-out, close, or the app being dropped)."""
        if self._closed:
            return
        self._closed = True
        for timer in (self.tick_timer, self.heartbeat_timer, self.refresh_timer, self.debounce, self.rating_timer):
            timer.stop()
        for sc in self.shortcuts.values():
            sc.setEnabled(False)
            sc.deleteLater()
        self.shortcuts.clear()
        for signal, slot in ((self.view.actionRequested, self.trigger),
                             (self.view.signOutRequested, self.request_sign_out),
                             (self.view.parkedActivated, self._resume_ticket)):
            try:
                signal.disconnect(slot)
            except (RuntimeError, TypeError):
                pass
        self.close_dialog()

    def _header_text(self) -> str:
        s = self.session
        text = f"{window_title(s.window_number, s.window_name)}　·　{s.staff_name}（{s.staff_no}）"
        if s.stand_in_for_name:
            text += f"　·　B岗代岗：{s.stand_in_for_name}"
        return text

    # ------------------------------------------------------------------ running calls

    def run(self, fn: Callable[[], Any], on_result: Callable[[Any], None] | None = None, *, action: bool = False,
            dialog: dlg.FormDialog | None = None, on_error: Callable[[BaseException], None] | None = None) -> None:
        if self._closed:
            return
        if action:
            self._set_busy(True)
            if dialog is not None:
                dialog.set_busy(True)

        def done(result: Any) -> None:
            if action:
                self._set_busy(False)
            if self._closed:
                return
            self.dbOk.emit()
            if dialog is not None and dialog is self.dialog:
                self.close_dialog(accepted=True)
            if on_result is not None:
                on_result(result)
            if action:
                self.refresh()

        def failed(exc: BaseException) -> None:
            if action:
                self._set_busy(False)
            if self._closed:
                return
            if is_db_error(exc):
                self.dbFailed.emit(exc)
            if on_error is not None:
                on_error(exc)
                return
            text = error_text(exc)
            if dialog is not None and dialog is self.dialog:
                dialog.set_busy(False)
                dialog.show_error(text)
            else:
                self.view.banner.show_message(text, "error")
            if action and not is_db_error(exc):
                self.refresh()  # the state may have changed under us (another window, a stale screen)

        self.worker.submit(fn, done, failed)

    def _set_busy(self, busy: bool) -> None:
        self.busy = busy
        self._update_actions()
        self.busyChanged.emit(busy)

    def _update_actions(self) -> None:
        self.view.update_actions(busy=self.busy or self._closed, current=self.current, on_break=self.on_break,
                                 has_parked=bool(self.parked), signed_in=not self._closed)
        for key, sc in self.shortcuts.items():
            sc.setEnabled(self.view.buttons[key].isEnabled())

    # ------------------------------------------------------------------ refreshing

    def refresh(self) -> None:
        """Read the whole screen (current ticket, queues, parked, figures, session) in one job."""
        if self._closed:
            return
        if self._refreshing:
            self._refresh_again = True
            return
        self._refreshing = True
        actor, window_id, session_id = self.actor, self.window_id, self.session.id

        def done(snap: Any) -> None:
            self._refreshing = False
            if self._closed:
                return
            self.apply_snapshot(snap)
            if self._refresh_again:
                self._refresh_again = False
                self.refresh()

        def failed(exc: BaseException) -> None:
            self._refreshing = False
            self._refresh_again = False
            if self._closed:
                return
            if is_db_error(exc):
                self.dbFailed.emit(exc)
            else:
                self.view.banner.show_message(error_text(exc), "error")

        self.worker.submit(lambda: self.services.snapshot(actor, window_id, session_id), done, failed)

    def on_events(self, events: list[Any]) -> None:
        """Hall events from the event thread: refresh soon; note ratings of the ticket the pad is asking about."""
        if self._closed:
            return
        for ev in events:
            payload = ev.payload or {}
            if ev.kind in ("rating.submitted", "rating.skipped") and payload.get("ticket_id") == self._awaiting_rating:
                self._rating_done(ev.kind == "rating.submitted")
        self.debounce.start()  # a closed session (taken over elsewhere) is noticed by the refresh

    def apply_snapshot(self, snap: Any) -> None:
        self.dbOk.emit()
        if snap.session is None:
            self.sessionLost.emit("本窗口的签到已结束（可能已在其他电脑签到或被日终签退），请重新登录。")
            return
        self.session = snap.session
        self.current = snap.current
        self.queues = list(snap.queues)
        self.parked = list(snap.parked)
        self.figures = snap.figures
        self.on_break = bool(snap.session.on_break)
        now = utcnow()
        if self.current is not None:
            self.view.serving.show_ticket(self.current, now)
        elif self.on_break:
            self.view.serving.show_break(snap.session.break_reason or "", snap.session.break_started_at)
        else:
            self.view.serving.show_idle()
        self.view.set_queues(self.queues)
        self.view.set_parked(self.parked)
        self.view.set_figures(self.figures)
        self._update_actions()
        self.refreshed.emit()

    def _tick(self) -> None:
        self.view.serving.tick(utcnow())

    def heartbeat(self) -> None:
        session_id = self.session.id

        def failed(exc: BaseException) -> None:
            if is_db_error(exc):
                self.dbFailed.emit(exc)
            elif isinstance(exc, Conflict):
                self.sessionLost.emit(getattr(exc, "message", str(exc)))
            else:
                log.warning("heartbeat failed: %s", exc)

        self.worker.submit(lambda: self.services.heartbeat(session_id), lambda _r: self.dbOk.emit(), failed)

    # ------------------------------------------------------------------ dialogs

    # ------------------------------------------------------------------ actions

    def trigger(self, key: str) -> None:
        """A button press or its function key."""
        if self._closed or self.busy or self.dialog is not None or self.other_dialog():
            return
        button = self.view.buttons.get(key)
        if button is None or not button.isEnabled():
            return
        self.view.banner.clear_message()
        getattr(self, f"do_{key}")()

    def _svc(self, name: str, *args: Any, **kwargs: Any) -> Callable[[], Any]:
        fn = getattr(self.services, name)
        actor, window_id = self.actor, self.window_id
        return lambda: fn(actor, window_id, *args, **kwargs)

    def do_call_next(self) -> None:
        def done(ticket: Any) -> None:
            if ticket is None:
                self.view.banner.show_message("当前没有等候的群众。", "info")
            else:
                self._clear_rating_wait()

        self.run(self._svc("call_next"), done, action=True)

    def do_recall(self) -> None:
        t = self.current
        self.run(self._svc("recall", t.ticket_id),
                 lambda r: self.view.banner.show_message(f"已重呼 {r.number}（第 {r.recall_count} 次）。", "info"),
                 action=True)

    def do_start(self) -> None:
        self.run(self._svc("start_service", self.current.ticket_id), action=True)

    def do_finish(self) -> None:
        t = self.current

        def done(_r: Any) -> None:
            self.ticketFinished.emit(t)
            if getattr(t, "return_after", False):
                self.view.banner.show_message(f"{t.number} 已办完本环节，已返回原队列继续办理。", "ok")
            else:
                self._await_rating(t)

        self.run(self._svc("finish", t.ticket_id), done, action=True)

    def do_no_show(self) -> None:
        t = self.current
        d = dlg.NoShowDialog(t.number, self.dialog_parent)
        self.open_dialog(d, lambda v: self.run(self._svc("no_show", t.ticket_id, requeue=bool(v["requeue"])),
                                               action=True, dialog=d))

    def do_park(self) -> None:
        t = self.current
        if t is None:
            ticket_id = self.view.selected_parked() or (self.parked[0].ticket_id if self.parked else None)
            if ticket_id is not None:
                self._resume_ticket(ticket_id)
            return
        d = dlg.ParkDialog(t.number, self.dialog_parent)
        self.open_dialog(d, lambda v: self.run(self._svc("park", t.ticket_id, note=v["note"]), action=True, dialog=d))

    def _resume_ticket(self, ticket_id: int) -> None:
        if self._closed or self.busy or self.current is not None or self.on_break:
            return
        self.run(self._svc("resume", ticket_id), action=True)

    def do_transfer(self) -> None:
        t = self.current
        window_id = self.window_id

        def loaded(targets: Any) -> None:
            if self.current is None or self.current.ticket_id != t.ticket_id:
                return
            d = dlg.TransferDialog(t.number, targets, self.dialog_parent)
            self.open_dialog(d, lambda v: self.run(self._svc("transfer", t.ticket_id, **v), action=True, dialog=d))

        self.run(lambda: self.services.transfer_targets(window_id), loaded, action=True)

    def do_call_specific(self) -> None:
        d = dlg.CallNumberDialog(self.dialog_parent)
        self.open_dialog(d, lambda v: self.run(self._svc("call_specific", v["number"]), action=True, dialog=d))
        d.number.setFocus()

    def do_walk_direct(self) -> None:
        d = dlg.WalkDirectDialog(self.queues, self.dialog_parent)
        self.open_dialog(d, lambda v: self.run(self._svc("walk_direct", v["queue_id"], note=v["note"]), action=True,
                                               dialog=d))

    def do_pause(self) -> None:
        actor, session_id = self.actor, self.session.id
        if self.on_break:
            self.run(lambda: self.services.end_break(actor, session_id),
                     lambda _r: self.view.banner.show_message("已恢复服务。", "ok"), action=True)
            return
        d = dlg.BreakDialog(self.services.break_reasons(), self.dialog_parent)
        self.open_dialog(d, lambda v: self.run(lambda: self.services.start_break(actor, session_id, v["reason"]),
                                               action=True, dialog=d))

    def do_consult(self) -> None:
        others = [w for w in self.windows if w.id != self.window_id]
        d = dlg.ConsultationDialog(others, self.current, self.dialog_parent)
        self.open_dialog(d, lambda v: self.run(
            self._svc("record_consultation", v["topic"], v["directed_to"], item_code=v["item_code"],
                      ticket_id=v["ticket_id"]),
            lambda _r: self.view.banner.show_message("首问登记已保存。", "ok"), action=True, dialog=d))
        d.topic.setFocus()

    def do_intake(self) -> None:
        self.intakeRequested.emit(self.current)

    # ------------------------------------------------------------------ rating wait

    def _await_rating(self, ticket: Any) -> None:
        self._awaiting_rating = ticket.ticket_id
        self.view.rating_banner.show_message(f"{ticket.number} 已办结，等待群众评价…（可继续叫号）", "info")
        self.rating_timer.start(RATING_WAIT_MS)

    def _rating_done(self, rated: bool) -> None:
        self._awaiting_rating = None
        self.rating_timer.stop()
        if rated:
            self.view.rating_banner.show_message("群众已完成评价，谢谢。", "ok")
        else:
            self.view.rating_banner.show_message("群众未评价（评价器已超时）。", "info")
        self.rating_timer.start(4000)

    def _rating_wait_over(self) -> None:
        self._clear_rating_wait()

    def _clear_rating_wait(self) -> None:
        self._awaiting_rating = None
        self.rating_timer.stop()
        self.view.rating_banner.clear_message()

    # ------------------------------------------------------------------ sign out

    def request_sign_out(self) -> None:
        if self._closed or self.busy or self.dialog is not None or self.other_dialog():
            return
        d = dlg.ConfirmDialog("签退", f"确定在 {self.session.window_number} 号窗口签退吗？签退后本窗口不再叫号。",
                              "签退", name="sign_out", parent=self.dialog_parent)
        self.open_dialog(d, lambda _v: self.sign_out(dialog=d))

    def sign_out(self, reason: str = "signed_out", dialog: dlg.FormDialog | None = None,
                 on_done: Callable[[], None] | None = None) -> None:
        actor, session_id = self.actor, self.session.id

        def done(_r: Any) -> None:
            self.signedOut.emit()
            if on_done is not None:
                on_done()

        self.run(lambda: self.services.sign_out(actor, session_id, reason), done, action=True, dialog=dialog)
