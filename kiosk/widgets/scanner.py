"""A USB QR/barcode scanner in keyboard mode ("keyboard wedge"): it types the code and presses Enter.

`ScannerInput` is an application event filter, installed only while `active` (the home, guide, lookup and check-in
screens): printable key presses are collected and consumed; Enter emits `scanned(text)`. Nothing needs keyboard focus, so the kiosk keeps
its touch-only widgets (no visible line edit, no system keyboard). Keys typed more than `gap_ms` apart start a new
code (a half-read code is never glued to the next one).
"""

from __future__ import annotations

from kiosk.qt import QApplication, QElapsedTimer, QEvent, QObject, Qt, Signal

_ENTER = {Qt.Key.Key_Return, Qt.Key.Key_Enter}
MAX_CODE_CHARS = 512


class ScannerInput(QObject):
    scanned = Signal(str)

    def __init__(self, parent: QObject | None = None, *, gap_ms: int = 1500):
        super().__init__(parent)
        self.gap_ms = gap_ms
        self.active = False
        self._installed = False
        self._buffer: list[str] = []
        self._clock = QElapsedTimer()
        self._clock.start()
        self._last = -10**9

    def set_active(self, active: bool) -> None:
        """Listen (install the filter on the application) or stop listening."""
        self.active = active
        self._buffer.clear()
        app = QApplication.instance()
        if app is None or active == self._installed:
            return
        if active:
            app.installEventFilter(self)
        else:
            app.removeEventFilter(self)
        self._installed = active

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        if not self.active or event.type() != QEvent.Type.KeyPress:
            return False
        key = event.key()
        now = self._clock.elapsed()
        if now - self._last > self.gap_ms:
            self._buffer.clear()
        self._last = now
        if key in _ENTER:
            text = "".join(self._buffer).strip()
            self._buffer.clear()
            if text:
                self.scanned.emit(text)
            return True
        if key == Qt.Key.Key_Backspace:
            if self._buffer:
                self._buffer.pop()
            return True
        text = event.text()
        if text and text.isprintable():
            if len(self._buffer) < MAX_CODE_CHARS:
                self._buffer.append(text)
            return True
        return False  # shift, ctrl …: let them through
