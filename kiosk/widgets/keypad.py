"""On-screen numeric keypad: the kiosk never shows a system keyboard."""

from __future__ import annotations

from kiosk.i18n import tr
from kiosk.qt import QGridLayout, QWidget, Signal
from kiosk.widgets.buttons import BigButton

KEY_PX = 110


class NumericKeypad(QWidget):
    """Digits 0–9, 删除 (delete one) and 清空 (clear). Holds its own value; emits `changed(str)`."""

    changed = Signal(str)

    def __init__(self, max_length: int = 11, parent: QWidget | None = None):
        super().__init__(parent)
        self.max_length = max_length
        self._value = ""
        grid = QGridLayout(self)
        grid.setSpacing(16)
        grid.setContentsMargins(0, 0, 0, 0)
        self.digit_buttons: dict[str, BigButton] = {}
        order = ["1", "2", "3", "4", "5", "6", "7", "8", "9"]
        for i, digit in enumerate(order):
            grid.addWidget(self._digit(digit), i // 3, i % 3)
        self.clear_button = BigButton(tr("清空"), "key_action", min_height=KEY_PX, min_width=KEY_PX)
        self.clear_button.clicked.connect(self.clear)
        self.delete_button = BigButton(tr("删除"), "key_action", min_height=KEY_PX, min_width=KEY_PX)
        self.delete_button.clicked.connect(self.backspace)
        grid.addWidget(self.clear_button, 3, 0)
        grid.addWidget(self._digit("0"), 3, 1)
        grid.addWidget(self.delete_button, 3, 2)

    def _digit(self, digit: str) -> BigButton:
        button = BigButton(digit, "key", min_height=KEY_PX, min_width=KEY_PX)
        button.setObjectName(f"key_{digit}")
        button.clicked.connect(lambda _checked=False, d=digit: self.press(d))
        self.digit_buttons[digit] = button
        return button

    def value(self) -> str:
        return self._value

    def set_value(self, value: str) -> None:
        value = "".join(ch for ch in value if ch.isdigit())[: self.max_length]
        if value != self._value:
            self._value = value
            self.changed.emit(value)

    def press(self, digit: str) -> None:
        if len(self._value) < self.max_length:
            self.set_value(self._value + digit)

    def backspace(self) -> None:
        self.set_value(self._value[:-1])

    def clear(self) -> None:
        self.set_value("")

    def retranslate(self) -> None:
        self.clear_button.setText(tr("清空"))
        self.delete_button.setText(tr("删除"))
