"""Admin exit: the PIN on the numeric keypad (shown as dots)."""

from __future__ import annotations

from kiosk.i18n import tr
from kiosk.qt import QHBoxLayout, Qt, QVBoxLayout, QWidget, Signal
from kiosk.views.base import View
from kiosk.widgets import BigButton, NumericKeypad, make_label


class AdminPinView(View):
    name = "admin"
    pinEntered = Signal(str)

    def __init__(self, parent: QWidget | None = None):
        super().__init__("管理员退出", "请输入管理员密码", back=True, home=False, parent=parent)
        self.keypad = NumericKeypad(max_length=8)
        self.keypad.changed.connect(self._show)
        self.display = make_label("", "display", align=Qt.AlignmentFlag.AlignCenter)
        self.display.setObjectName("pin_display")
        self.display.setMinimumHeight(120)
        self.error_label = make_label("", "error", wrap=True, align=Qt.AlignmentFlag.AlignCenter)
        self.ok_button = BigButton("", "accent", min_height=120)
        self.ok_button.setObjectName("pin_ok")
        self.ok_button.clicked.connect(lambda: self.pinEntered.emit(self.keypad.value()))
        left = QVBoxLayout()
        left.setSpacing(20)
        left.addWidget(self.display)
        left.addWidget(self.error_label)
        left.addStretch(1)
        left.addWidget(self.ok_button)
        row = QHBoxLayout()
        row.setSpacing(48)
        row.addLayout(left, 5)
        row.addWidget(self.keypad, 4)
        self.content.addLayout(row, 1)
        self.retranslate()

    def reset(self) -> None:
        self.keypad.clear()
        self.error_label.setText("")

    def show_error(self, message: str) -> None:
        self.keypad.clear()
        self.error_label.setText(message)

    def _show(self, value: str) -> None:
        self.display.setText("●" * len(value))
        if value:
            self.error_label.setText("")

    def retranslate(self) -> None:
        super().retranslate()
        self.back_button.setText(tr("取消"))
        self.ok_button.setText(tr("退出程序"))
        self.keypad.retranslate()
