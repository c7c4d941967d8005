"""Optional mobile number, typed on the on-screen keypad; 跳过 takes the number without it."""

from __future__ import annotations

from kiosk.format import format_phone
from kiosk.i18n import tr
from kiosk.qt import QHBoxLayout, Qt, QVBoxLayout, QWidget, Signal
from kiosk.views.base import View
from kiosk.widgets import BigButton, NumericKeypad, make_label


class PhoneView(View):
    name = "phone"
    submitted = Signal(str)  # the typed digits ("" when skipped)

    def __init__(self, parent: QWidget | None = None):
        super().__init__("留下手机号（可选）", "用于必要时联系您，不需要可直接跳过", parent=parent)
        self.keypad = NumericKeypad(max_length=11)
        self.keypad.changed.connect(self._show_value)
        self.display = make_label("", "display", align=Qt.AlignmentFlag.AlignCenter)
        self.display.setObjectName("phone_display")
        self.display.setMinimumHeight(120)
        self.error_label = make_label("", "error", wrap=True, align=Qt.AlignmentFlag.AlignCenter)
        self.error_label.setObjectName("phone_error")
        self.error_label.setMinimumHeight(60)
        self.confirm_button = BigButton("", "accent", min_height=130)
        self.confirm_button.setObjectName("confirm")
        self.confirm_button.clicked.connect(lambda: self.submitted.emit(self.keypad.value()))
        self.skip_button = BigButton("", "primary", min_height=130)
        self.skip_button.setObjectName("skip")
        self.skip_button.clicked.connect(self._skip)

        left = QVBoxLayout()
        left.setSpacing(20)
        left.addWidget(self.display)
        left.addWidget(self.error_label)
        left.addStretch(1)
        left.addWidget(self.confirm_button)
        left.addWidget(self.skip_button)
        self.row = QHBoxLayout()
        self.row.setSpacing(48)
        self.row.addLayout(left, 5)
        self.row.addWidget(self.keypad, 4)
        self.content.addLayout(self.row, 1)
        self.retranslate()

    def reset(self) -> None:
        self.keypad.clear()
        self.clear_error()
        self._show_value("")

    def _skip(self) -> None:
        self.keypad.clear()
        self.submitted.emit("")

    def show_error(self, message: str) -> None:
        self.error_label.setText(message)

    def clear_error(self) -> None:
        self.error_label.setText("")

    def _show_value(self, value: str) -> None:
        self.clear_error()
        self.display.setText(format_phone(value) if value else tr("请输入 11 位手机号"))
        # the prompt is smaller and grey so it never looks like a typed number
        self.display.setProperty("empty", not value)
        self.display.style().unpolish(self.display)
        self.display.style().polish(self.display)

    def set_orientation(self, portrait: bool) -> None:
        self.row.setDirection(QVBoxLayout.Direction.TopToBottom if portrait else QHBoxLayout.Direction.LeftToRight)

    def retranslate(self) -> None:
        super().retranslate()
        self.keypad.retranslate()
        self.confirm_button.setText(tr("确认取号"))
        self.skip_button.setText(tr("跳过，直接取号"))
        self._show_value(self.keypad.value())

