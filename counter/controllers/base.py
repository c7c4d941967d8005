"""Shared by the counter's controllers: running a service call on the worker and turning errors into Chinese."""

from __future__ import annotations

import logging

from common.db import DatabaseUnavailable
from common.errors import HallError

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
