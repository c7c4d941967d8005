"""预约登记 from the 办件 tab: the dialog's queues, days and slots come from the services on the worker; the booking
prints the 预约凭条 on the window's receipt printer (or the clerk reads the code out)."""

from __future__ import annotations

from typing import Any

from counter.controllers.base import DialogHost, error_text
from counter.qt import QObject, QWidget, Signal
from counter.views.appointments import AppointmentDialog


class AppointmentController(QObject, DialogHost):
    booked = Signal(object)  # AppointmentInfo (tests, self-test)
    message = Signal(str, str)  # text, level → the desk's banner

    def __init__(self, services: Any, worker: Any, actor: Any, *, dialog_parent: QWidget, printer: Any = None,
                 parent: QObject | None = None):
        super().__init__(parent)
        self.services = services
        self.worker = worker
        self.actor = actor
        self.dialog_parent = dialog_parent
        self.printer = printer
        self.dialog = None
        self._closed = False
        self._opening = False  # the queues are being read: a second press must not open a second dialog

    def stop(self) -> None:
        self._closed = True
        self.close_dialog()

    def open(self) -> None:
        if self.dialog is not None or self._closed or self._opening:
            return
        self._opening = True

        def show(queues: list[Any]) -> None:
            self._opening = False
            d = AppointmentDialog(queues, parent=self.dialog_parent)
            d.queueChosen.connect(lambda qid, d=d: self._load(d, lambda: self.services.appointment_days(qid),
                                                              d.set_days))
            d.dayChosen.connect(lambda qid, day, d=d: self._load(
                d, lambda: self.services.appointment_slots(qid, day), d.set_slots))
            self.open_dialog(d, lambda data, d=d: self._book(d, data))
            d.start()

        def failed(exc: BaseException) -> None:
            self._opening = False
            self.message.emit(error_text(exc), "error")

        self._submit(self.services.appointment_queues, show, failed)

    def _load(self, d: AppointmentDialog, fn, apply) -> None:
        self._submit(fn, lambda result: apply(result) if self.dialog is d else None,
                     lambda exc: d.show_error(error_text(exc)) if self.dialog is d else None)

    def _book(self, d: AppointmentDialog, data: dict) -> None:
        d.set_busy(True)

        def done(result: Any) -> None:
            info, slip = result
            self.close_dialog(accepted=True)
            self.message.emit(f"已预约：预约码 {info.code}，{info.queue_name} {info.when}。{slip}", "ok")
            self.booked.emit(info)

        def failed(exc: BaseException) -> None:
            if self.dialog is d:
                d.set_busy(False)
                d.show_error(error_text(exc))  # everything typed stays

        self._submit(lambda: self.services.book_appointment(
            self.actor, data["queue_id"], data["day"], data["slot"], name=data["name"],
            id_number=data["id_number"], phone=data["phone"], printer=self.printer), done, failed)

    def _submit(self, fn, done, failed) -> None:
        def ok(result: Any) -> None:
            if not self._closed:
                done(result)

        def bad(exc: BaseException) -> None:
            if not self._closed:
                failed(exc)

        self.worker.submit(fn, ok, bad)

