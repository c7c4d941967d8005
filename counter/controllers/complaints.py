"""投诉处理 for supervisors and hall managers: lists the hall's complaints (待处理 first), saves 处理意见 and closes
them. The list follows the hall's event channel, so a complaint filed at the kiosk shows up without a refresh."""

from __future__ import annotations

from typing import Any

from counter.controllers.base import TabController
from counter.qt import QObject, QTimer, Signal
from counter.views.complaints import ComplaintsView

EVENT_DEBOUNCE_MS = 400


class ComplaintsController(TabController):
    listed = Signal(object)  # list[ComplaintInfo] (tests, self-test)
    followedUp = Signal(object)  # ComplaintInfo

    def __init__(self, services: Any, worker: Any, view: ComplaintsView, actor: Any, *, timezone: str | None = None,
                 parent: QObject | None = None):
        super().__init__(services, worker, view, actor, parent)
        view.timezone = timezone
        view.note.clear()
        view.set_rows([])
        view.set_busy(False)
        self.wire((view.refreshRequested, self.refresh), (view.followUpRequested, self.follow_up))
        self.event_timer = QTimer(self)
        self.event_timer.setSingleShot(True)
        self.event_timer.setInterval(EVENT_DEBOUNCE_MS)
        self.event_timer.timeout.connect(lambda: self.refresh(self.view.status_filter()))

    def first_load(self) -> None:
        self.refresh(self.view.status_filter())

    def stop(self) -> None:
        self.event_timer.stop()
        super().stop()

    def on_events(self, events: list[Any]) -> None:
        if self._started and any(getattr(e, "kind", "").startswith("complaint") for e in events):
            self.event_timer.start()

    def refresh(self, status: str = "") -> None:
        def shown(rows: list[Any]) -> None:
            self.view.set_rows(rows)
            self.listed.emit(rows)

        self.run(lambda: self.services.complaints(self.actor, status or None), shown)

    def follow_up(self, ref_no: str, note: str, close: bool) -> None:
        def saved(info: Any) -> None:
            self.view.replace(info)
            self.view.banner.show_message(f"投诉 {info.ref_no} {'已办结' if close else '已添加处理意见'}。", "ok")
            self.followedUp.emit(info)

        self.run(lambda: self.services.follow_up_complaint(self.actor, ref_no, note, close), saved)
