"""A full-width message line under the header: errors in red, progress in blue. Never a modal popup."""

from __future__ import annotations

from kiosk.qt import QLabel, Qt, QWidget


class MessageBar(QLabel):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setProperty("kind", "message")
        self.setWordWrap(True)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.level = ""
        self.hide()

    def show_message(self, text: str, level: str = "error") -> None:
        self.level = level
        self.setProperty("level", level)
        self.style().unpolish(self)
        self.style().polish(self)
        self.setText(text)
        self.show()

    def clear_message(self) -> None:
        self.level = ""
        self.setText("")
        self.hide()
