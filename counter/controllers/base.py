"""Shared by the counter's controllers: running a service call on the worker and turning errors into Chinese."""

from __future__ import annotations

import logging

from typing import Any, Callable

from common.db import DatabaseUnavailable
from common.errors import HallError
from counter.qt import QObject, Signal

log = logging.getLogger(__name__)

DB_LOST_TEXT = "数据库连接中断，正在重试…"
DB_OK_TEXT = "数据库已连接"


def error_text(exc: BaseException) -> str:
    """What a clerk reads for an error from a service call."""
    if isinstance(exc, DatabaseUnavailable):
        return f"{DB_LOST_TEXT}您的操作未完成，已填写的内容仍保留，恢复后请重试。\n（{exc}）"
    if isinstance(exc, HallError):
        return exc.message
    message = getattr(exc, "message", None)
    if isinstance(message, str) and message:
        return message
    log.error("unexpected error in a counter job", exc_info=exc)
    return f"发生意外错误：{type(exc).__name__}: {exc}。请重试，仍有问题请联系管理员。"


class DialogHost:
    """One modal form at a time for a controller: `self.dialog` is the open one (None: none)."""

    dialog = None

    def open_dialog(self, dialog, on_submit=None):
        self.close_dialog()
        self.dialog = dialog
        if on_submit is not None:
            dialog.submitted.connect(on_submit)
        dialog.rejected.connect(lambda d=dialog: self._dialog_closed(d))
        dialog.open()
        return dialog

    def _dialog_closed(self, dialog) -> None:
        if self.dialog is dialog:
            self.dialog = None
        dialog.deleteLater()

    def close_dialog(self, accepted: bool = False) -> None:
        d = self.dialog
        if d is None:
            return
        self.dialog = None
        if accepted:
            d.accept()
        else:
            d.reject()
        d.deleteLater()


def is_db_error(exc: BaseException) -> bool:
    return isinstance(exc, DatabaseUnavailable)


class TabController(QObject):
    """The controller of one back-office tab (督办报表, 投诉处理): one job at a time on the shared worker, its
    errors in the view's banner (the view keeps what was typed), a lost database reported to the main window.
    The view has `banner` and `set_busy(bool)`."""

    dbFailed = Signal(object)
    dbOk = Signal()

    def __init__(self, services: Any, worker: Any, view: Any, actor: Any, parent: QObject | None = None):
        super().__init__(parent)
        self.services = services
        self.worker = worker
        self.view = view
        self.actor = actor
        self.busy = False
        self._closed = False
        self._started = False
        self._connections: list[tuple[Any, Callable]] = []
        view.banner.clear_message()

    def wire(self, *pairs: tuple[Any, Callable]) -> None:
        for signal, slot in pairs:
            signal.connect(slot)
            self._connections.append((signal, slot))

    def start(self) -> None:
        """The first time the tab is shown: `first_load`."""
        if not self._started:
            self._started = True
            self.first_load()

    def first_load(self) -> None:
        raise NotImplementedError

    def stop(self) -> None:
        self._closed = True
        for signal, slot in self._connections:
            try:
                signal.disconnect(slot)
            except (RuntimeError, TypeError):
                pass

    def run(self, fn: Callable[[], Any], on_done: Callable[[Any], None], busy_text: str = "") -> None:
        if self.busy:
            return
        self.busy = True
        self.view.set_busy(True)
        if busy_text:
            self.view.banner.show_message(busy_text, "info")

        def done(result: Any) -> None:
            if self._closed:
                return
            self.busy = False
            self.dbOk.emit()
            on_done(result)
            self.view.set_busy(False)

        def failed(exc: BaseException) -> None:
            if self._closed:
                return
            self.busy = False
            self.view.set_busy(False)
            if is_db_error(exc):
                self.dbFailed.emit(exc)
            self.view.banner.show_message(error_text(exc), "error")

        self.worker.submit(fn, done, failed)
