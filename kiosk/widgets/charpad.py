"""On-screen letter keypads: A–Z for pinyin initials (事项查询), A–Z + 0–9 for case numbers and codes.

Big keys in alphabetical order (older citizens do not know QWERTY), plus 删除 and 清空. Holds its own value and
emits `changed(str)`, like NumericKeypad; `set_columns` re-flows the keys for a portrait screen.
"""

from __future__ import annotations

from kiosk.i18n import tr
from kiosk.qt import QGridLayout, QWidget, Signal
from kiosk.widgets.buttons import BigButton

LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
DIGITS = "1234567890"
KEY_PX = 96


class CharKeypad(QWidget):
    """Keys for `chars` then 删除 / 清空. `key_buttons[ch]` for tests; `press(ch)` types one character."""

    changed = Signal(str)

    def __init__(self, chars: str = LETTERS, *, columns: int = 10, max_length: int = 20,
                 key_px: int = KEY_PX, parent: QWidget | None = None):
        super().__init__(parent)
        self.chars = chars
        self.max_length = max_length
        self._value = ""
        self._columns = 0
        self.grid = QGridLayout(self)
        self.grid.setSpacing(8)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.key_buttons: dict[str, BigButton] = {}
        for ch in chars:
            button = BigButton(ch, "key", min_height=key_px, min_width=key_px)
            button.setObjectName(f"key_{ch}")
            button.clicked.connect(lambda _checked=False, c=ch: self.press(c))
            self.key_buttons[ch] = button
        self.delete_button = BigButton("", "key_action", min_height=key_px, min_width=key_px)
        self.delete_button.setObjectName("key_delete")
        self.delete_button.clicked.connect(self.backspace)
        self.clear_button = BigButton("", "key_action", min_height=key_px, min_width=key_px)
        self.clear_button.setObjectName("key_clear")
        self.clear_button.clicked.connect(self.clear)
        self.set_columns(columns)
        self.retranslate()

    @property
    def buttons(self) -> list[BigButton]:
        return [*self.key_buttons.values(), self.delete_button, self.clear_button]

    def set_columns(self, columns: int, actions_at: int | None = None) -> None:
        """Flow the keys into `columns` columns; 删除/清空 come after the first `actions_at` keys (default: last),
        e.g. 13 columns with actions_at=11: “1…0 -  删除 清空” / “A…M” / “N…Z”."""
        if (columns, actions_at) == (self._columns, getattr(self, "_actions_at", None)):
            return
        self._columns = columns
        self._actions_at = actions_at
        for button in self.buttons:
            self.grid.removeWidget(button)
        keys = list(self.key_buttons.values())
        at = len(keys) if actions_at is None else actions_at
        order = keys[:at] + [self.delete_button, self.clear_button] + keys[at:]
        if actions_at is None and len(keys) % columns + 2 > columns:  # 删除 and 清空 together on a fresh row
            order = keys + [None] * (columns - len(keys) % columns) + [self.delete_button, self.clear_button]
        for i, button in enumerate(order):
            if button is not None:
                self.grid.addWidget(button, i // columns, i % columns)
        for c in range(max(columns, self.grid.columnCount())):
            self.grid.setColumnStretch(c, 1 if c < columns else 0)
        self.grid.invalidate()
        self.updateGeometry()  # the parent layout's cached size of this keypad is stale now

    def value(self) -> str:
        return self._value

    def set_value(self, value: str) -> None:
        value = "".join(ch for ch in value.upper() if ch in self.chars)[: self.max_length]
        if value != self._value:
            self._value = value
            self.changed.emit(value)

    def press(self, ch: str) -> None:
        if len(self._value) < self.max_length:
            self.set_value(self._value + ch)

    def backspace(self) -> None:
        self.set_value(self._value[:-1])

    def clear(self) -> None:
        self.set_value("")

    def retranslate(self) -> None:
        self.delete_button.setText(tr("删除"))
        self.clear_button.setText(tr("清空"))
