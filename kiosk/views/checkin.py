"""预约签到: the appointment code (letters and digits, from the booking SMS) on the keypad, or scanned."""

from __future__ import annotations

from typing import Any

from kiosk.i18n import tr
from kiosk.qt import QHBoxLayout, QSizePolicy, Qt, QWidget, Signal
from kiosk.views.base import View
from kiosk.widgets import DIGITS, LETTERS, BigButton, CharKeypad, make_label


class CheckinView(View):
    name = "checkin"
    submitted = Signal(str)

    def __init__(self, parent: QWidget | None = None):
        super().__init__("预约签到", parent=parent)
        self._error: tuple[str, dict] = ("", {})
        self.scan_label = make_label("", "scan", wrap=True, align=Qt.AlignmentFlag.AlignCenter)
        self.display = make_label("", "display", align=Qt.AlignmentFlag.AlignCenter)
        self.display.setObjectName("checkin_display")
        self.display.setMinimumHeight(120)
        self.error_label = make_label("", "error", wrap=True, align=Qt.AlignmentFlag.AlignCenter)
        self.error_label.setObjectName("checkin_error")
        self.submit_button = BigButton("", "accent", min_height=120, min_width=300)
        self.submit_button.setObjectName("checkin_submit")
        self.submit_button.clicked.connect(self._submit)
        self.keypad = CharKeypad(LETTERS + DIGITS, columns=13, max_length=16)  # A…M / N…Z / 1…0 删除 清空
        self.keypad.changed.connect(self._typed)
        self.display.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        row = QHBoxLayout()
        row.setSpacing(24)
        row.addWidget(self.display, 1)
        row.addWidget(self.submit_button)
        self.content.addWidget(self.scan_label)
        self.content.addLayout(row)
        self.content.addWidget(self.error_label)
        self.content.addStretch(1)
        self.content.addWidget(self.keypad)
        self.retranslate()

    def _submit(self) -> None:
        if not self.keypad.value():
            self.show_error("请输入预约码。")
            return
        self.submitted.emit(self.keypad.value())

    def _typed(self, _value: str) -> None:
        self.show_error("")
        self._render()

    def reset(self) -> None:
        self.keypad.clear()
        self.show_error("")
        self._render()

    def show_error(self, source: str, **fmt: Any) -> None:
        self._error = (source, fmt)
        self.error_label.setText(tr(source).format(**fmt) if source else "")
        self.error_label.setVisible(bool(source))

    def _render(self) -> None:
        value = self.keypad.value()
        self.display.setText(value or tr("预约码"))
        self.display.setProperty("empty", not value)
        self.display.style().unpolish(self.display)
        self.display.style().polish(self.display)

    def set_orientation(self, portrait: bool) -> None:
        self.keypad.set_columns(8 if portrait else 13)

    def retranslate(self) -> None:
        super().retranslate()
        self.scan_label.setText(tr("请输入预约短信中的预约码；有预约二维码的，对准扫描口即可签到"))
        self.submit_button.setText(tr("签到并取号"))
        self.keypad.retranslate()
        self.show_error(self._error[0], **self._error[1])
        self._render()
