"""满意度评价器: the rating pad's controller, and `hall-counter --rating-pad --window N` for a separate small PC.

States: idle (亮牌: the clerk's name, photo, staff number, window) → serving ("正在为您办理 A012") → rating (five
levels, as soon as `pending_rating` reports the finished ticket) → reasons (for 不满意 / 非常不满意, at least one)
→ thanks → idle. No choice within `rating_timeout_s` records the rating as skipped (`record_skipped`) and goes
back to idle. The pad polls `pad_state` (clerk card, current ticket, pending rating) on its own worker thread, and
polls at once when told something happened (hall events, or the workspace in the same process finishing a ticket).
"""

from __future__ import annotations

import logging
from typing import Any

from common.errors import Conflict
from counter.controllers.base import is_db_error
from counter.qt import QGuiApplication, QObject, QTimer, QWidget, Signal
from counter.views.rating_pad import RatingPadWindow
from counter.worker import Worker

log = logging.getLogger(__name__)

POLL_MS = 1500
RATING_TIMEOUT_S = 30
THANKS_MS = 4000


class RatingPadController(QObject):
    rated = Signal(object)  # RatingInfo after a submit or a skip
    stateChanged = Signal(str)

    def __init__(self, services: Any, window_id: int, *, poll_ms: int = POLL_MS,
                 rating_timeout_s: int = RATING_TIMEOUT_S, thanks_ms: int = THANKS_MS, parent: QObject | None = None):
        super().__init__(parent)
        self.services = services
        self.window_id = window_id
        self.rating_timeout_s = rating_timeout_s
        self.thanks_ms = thanks_ms
        self.worker = Worker(self)
        self.view = RatingPadWindow()
        self.state = "idle"
        self.pending: Any = None
        self._dismissed: set[int] = set()  # tickets this pad already rated or skipped
        self._polling = False
        self._closed = False
        self._remaining = 0
        self._level: int | None = None
        self._submitting = False

        self.poll_timer = QTimer(self)
        self.poll_timer.setInterval(poll_ms)
        self.poll_timer.timeout.connect(self.poll)
        self.countdown_timer = QTimer(self)
        self.countdown_timer.setInterval(1000)
        self.countdown_timer.timeout.connect(self._tick)
        self.thanks_timer = QTimer(self)
        self.thanks_timer.setSingleShot(True)
        self.thanks_timer.setInterval(thanks_ms)
        self.thanks_timer.timeout.connect(self._thanks_over)

        v = self.view
        v.levelChosen.connect(self.choose_level)
        v.reasonsSubmitted.connect(self.submit_reasons)
        v.reasonsBack.connect(self._reasons_back)
        v.languageToggled.connect(lambda: v.set_english(not v.english))
        try:
            v.set_reasons(services.low_rating_reasons())
        except Exception:  # noqa: BLE001 - the list comes with the code, not the database
            log.exception("cannot load the low-rating reasons")

    # ------------------------------------------------------------------ life cycle

    def start(self, *, show: bool = True, fullscreen_on_second_screen: bool = True) -> None:
        if show:
            place_on_screen(self.view, fullscreen_on_second_screen)
        self.poll_timer.start()
        self.poll()

    def set_window(self, window_id: int) -> None:
        if window_id != self.window_id:
            self.window_id = window_id
            self._dismissed.clear()
            self._back_to_idle()

    def shutdown(self) -> None:
        if self._closed:
            return
        self._closed = True
        for timer in (self.poll_timer, self.countdown_timer, self.thanks_timer):
            timer.stop()
        self.worker.shutdown()
        self.worker.wait_idle(2000)
        self.view.close()
        self.view.deleteLater()

    def notify(self, *_args: Any) -> None:
        """Something happened at the hall (an event, a ticket finished here): look now."""
        if not self._closed:
            self.poll()

    # ------------------------------------------------------------------ polling

    def poll(self) -> None:
        if self._closed or self._polling:
            return
        self._polling = True
        window_id = self.window_id

        def done(state: Any) -> None:
            self._polling = False
            if not self._closed and window_id == self.window_id:
                self.apply_state(state)

        def failed(exc: BaseException) -> None:
            self._polling = False
            log.warning("rating pad poll failed: %s", getattr(exc, "message", exc))

        self.worker.submit(lambda: self.services.pad_state(window_id), done, failed)

    def apply_state(self, st: Any) -> None:
        v = self.view
        if st.hall_name:
            v.set_hall(st.hall_name)
        v.set_card(st.card)
        if self.state in ("rating", "reasons", "thanks"):
            return
        pending = st.pending
        if pending is not None and pending.ticket_id not in self._dismissed:
            self.ask(pending)
            return
        v.set_serving(st.serving_number)
        self._set_state("serving" if st.serving_number else "idle")

    def _set_state(self, state: str) -> None:
        self.state = state
        self.view.show_page(state)
        self.stateChanged.emit(state)

    # ------------------------------------------------------------------ rating

    def ask(self, pending: Any) -> None:
        self.thanks_timer.stop()
        self.pending = pending
        self._level = None
        self.view.set_pending(pending)
        self.view.reset_reasons()
        self.view.clear_error()
        self.view.set_busy(False)
        self._remaining = self.rating_timeout_s
        self.view.set_countdown(self._remaining)
        self.countdown_timer.start()
        self._set_state("rating")

    def _tick(self) -> None:
        if self._submitting:
            return  # a submit is in flight
        self._remaining -= 1
        self.view.set_countdown(max(0, self._remaining))
        if self._remaining <= 0:
            self.countdown_timer.stop()
            self.skip()

    def _restart_countdown(self) -> None:
        self._remaining = self.rating_timeout_s
        self.view.set_countdown(self._remaining)

    def choose_level(self, level: int) -> None:
        if self.state != "rating" or self.pending is None or self._submitting:
            return
        self._level = level
        if level <= 2:
            self.view.reset_reasons()
            self._restart_countdown()
            self._set_state("reasons")
            return
        self._submit(level, [])

    def submit_reasons(self, reasons: list[str]) -> None:
        if self.state != "reasons" or self.pending is None or not reasons or self._level is None \
                or self._submitting:
            return
        self._submit(self._level, reasons)

    def _reasons_back(self) -> None:
        if self.state == "reasons":
            self._restart_countdown()
            self._set_state("rating")

    def _submit(self, level: int, reasons: list[str]) -> None:
        pending = self.pending
        self._submitting = True
        self.view.set_busy(True)
        self.view.clear_error()

        def done(info: Any) -> None:
            self._submitting = False
            self.view.set_busy(False)
            self._dismissed.add(pending.ticket_id)
            self.rated.emit(info)
            self._thanks()

        def failed(exc: BaseException) -> None:
            self._submitting = False
            self.view.set_busy(False)
            if isinstance(exc, Conflict):  # rated meanwhile (another pad): nothing left to ask
                self._dismissed.add(pending.ticket_id)
                self._thanks()
                return
            if is_db_error(exc):
                self.view.show_error(self.view.t("网络异常，评价未提交，请稍候再试"))
            else:
                self.view.show_error(getattr(exc, "message", str(exc)))
            self._restart_countdown()

        self.worker.submit(lambda: self.services.submit_rating(pending, level, reasons), done, failed)

    def skip(self) -> None:
        """Nobody chose within the time: record the skip (counts against the rating rate) and go idle."""
        pending = self.pending
        if pending is None:
            self._back_to_idle()
            return
        self._dismissed.add(pending.ticket_id)

        def done(info: Any) -> None:
            self.rated.emit(info)

        self.worker.submit(lambda: self.services.record_skipped(pending), done,
                           lambda exc: log.warning("record_skipped failed: %s", getattr(exc, "message", exc)))
        self._back_to_idle()

    def _thanks(self) -> None:
        self.countdown_timer.stop()
        self.view.set_countdown(None)
        self._set_state("thanks")
        self.thanks_timer.start(self.thanks_ms)

    def _thanks_over(self) -> None:
        if self.state == "thanks":
            self._back_to_idle()

    def _back_to_idle(self) -> None:
        self.countdown_timer.stop()
        self.thanks_timer.stop()
        self.pending = None
        self._level = None
        self.view.set_countdown(None)
        self.view.set_english(False)  # the next citizen starts in Chinese
        self._set_state("serving" if self.view._serving else "idle")
        self.poll()


def place_on_screen(widget: QWidget, fullscreen_on_second_screen: bool = True) -> None:
    """Full screen on the second screen when there is one (the citizen's side), else an ordinary window."""
    screens = QGuiApplication.screens()
    primary = QGuiApplication.primaryScreen()
    others = [s for s in screens if s is not primary]
    if others and fullscreen_on_second_screen:
        target = others[0]
        widget.setScreen(target)
        widget.setGeometry(target.geometry())
        widget.showFullScreen()
    else:
        widget.show()


def run_standalone(services: Any, window_number: int, *, fullscreen: bool = True) -> int:
    """`hall-counter --rating-pad --window N`: the pad on its own (small touchscreen) PC."""
    from counter.events import EventThread
    from counter.qt import QApplication

    app = QApplication.instance()
    try:
        window = services.window_by_number(window_number)
    except Exception as exc:  # noqa: BLE001
        print(f"评价器无法启动：{getattr(exc, 'message', exc)}")
        return 1
    pad = RatingPadController(services, window.id)
    events = EventThread(services.event_cursor)
    events.changed.connect(lambda: (events.take(), pad.notify()))
    events.start()
    if fullscreen:
        pad.view.showFullScreen()
        pad.start(show=False)
    else:
        pad.start(show=True, fullscreen_on_second_screen=False)
    try:
        return app.exec()
    finally:
        events.stop()
        pad.shutdown()
        services.close()
