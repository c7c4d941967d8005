"""The header bar on every screen: hall name, clock, 中文/English switch, 长者模式 toggle.

The hall name doubles as the hidden admin corner: tap it 5 times within 4 s, or hold it for 3 s,
and `adminRequested` is emitted (the controller then asks for the PIN).
"""

from __future__ import annotations

import datetime as dt

from common.clock import local, utcnow
from kiosk.i18n import is_english, tr
from kiosk.qt import QElapsedTimer, QFrame, QGridLayout, QLabel, QMouseEvent, QSizePolicy, QTimer, QWidget, Signal
from kiosk.widgets.buttons import BigButton

ADMIN_TAPS = 5
ADMIN_TAP_WINDOW_MS = 4000
LONG_PRESS_MS = 3000

_WEEKDAYS_ZH = "一二三四五六日"


class HallNameLabel(QLabel):
    """The hall name; counts taps and long presses for the admin exit."""

    adminRequested = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setProperty("kind", "hall_name")
        self.setWordWrap(True)  # a long hall name takes two lines instead of widening the window
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.setMinimumHeight(80)  # a comfortable target even though it is hidden
        self._taps: list[int] = []
        self._clock = QElapsedTimer()
        self._clock.start()
        self._long_press = QTimer(self)
        self._long_press.setSingleShot(True)
        self._long_press.setInterval(LONG_PRESS_MS)
        self._long_press.timeout.connect(self._fire)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self._long_press.start()
        event.accept()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if not self._long_press.isActive():
            return  # the long press already fired
        self._long_press.stop()
        now = self._clock.elapsed()
        self._taps = [t for t in self._taps if now - t <= ADMIN_TAP_WINDOW_MS] + [now]
        if len(self._taps) >= ADMIN_TAPS:
            self._fire()
        event.accept()

    def _fire(self) -> None:
        self._taps.clear()
        self.adminRequested.emit()


class HeaderBar(QFrame):
    languageToggled = Signal()
    elderlyToggled = Signal(bool)
    adminRequested = Signal()

    def __init__(self, hall_name: str = "", timezone: str | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.setProperty("kind", "header")
        self.timezone = timezone
        self._hall_name = hall_name
        self.compact = False  # portrait: the clock shows weekday and time only
        self.grid = QGridLayout(self)
        self.grid.setContentsMargins(32, 12, 24, 12)
        self.grid.setHorizontalSpacing(24)
        self.grid.setVerticalSpacing(4)
        self.hall_label = HallNameLabel()
        self.hall_label.adminRequested.connect(self.adminRequested)
        self.clock_label = QLabel()
        self.clock_label.setProperty("kind", "clock")
        self.language_button = BigButton("", "header_button", min_height=80, min_width=160)
        self.language_button.clicked.connect(self.languageToggled)
        self.elderly_button = BigButton("", "header_button", min_height=80, min_width=180)
        self.elderly_button.setCheckable(True)
        self.elderly_button.toggled.connect(self.elderlyToggled)
        self._place()
        self._timer = QTimer(self)
        self._timer.setInterval(1000)
        self._timer.timeout.connect(self.update_clock)
        self._timer.start()
        self.retranslate()

    def set_hall_name(self, name: str) -> None:
        self._hall_name = name
        self.retranslate()

    def set_elderly(self, on: bool) -> None:
        """Reflect the mode without emitting (the controller owns the state)."""
        self.elderly_button.blockSignals(True)
        self.elderly_button.setChecked(on)
        self.elderly_button.blockSignals(False)
        self.retranslate()

    def _place(self) -> None:
        """Landscape: one row. Portrait (compact): the hall name gets its own row above the controls."""
        widgets = (self.hall_label, self.clock_label, self.language_button, self.elderly_button)
        for w in widgets:
            self.grid.removeWidget(w)
        if self.compact:
            self.grid.addWidget(self.hall_label, 0, 0, 1, 4)
            for col, w in enumerate(widgets[1:], start=1):
                self.grid.addWidget(w, 1, col)
            stretches = (1, 0, 0, 0)
        else:
            for col, w in enumerate(widgets):
                self.grid.addWidget(w, 0, col)
            stretches = (1, 0, 0, 0)
        for col, stretch in enumerate(stretches):
            self.grid.setColumnStretch(col, stretch)

    def set_compact(self, compact: bool) -> None:
        if compact != self.compact:
            self.compact = compact
            self._place()
        self.update_clock()

    def update_clock(self, now: dt.datetime | None = None) -> None:
        t = local(now or utcnow(), self.timezone)
        if is_english():
            text = t.strftime("%a %H:%M") if self.compact else t.strftime("%a %d %b %Y  %H:%M")
        elif self.compact:
            text = f"{t.month}月{t.day}日 {t:%H:%M}"
        else:
            text = f"{t.year}年{t.month}月{t.day}日 星期{_WEEKDAYS_ZH[t.weekday()]}  {t:%H:%M}"
        self.clock_label.setText(text)

    def retranslate(self) -> None:
        self.hall_label.setText(self._hall_name if self._hall_name else tr("政务服务中心"))
        # the button names the language it switches *to*, in that language
        self.language_button.setText("中文" if is_english() else "English")
        self.elderly_button.setText(tr("退出长者模式") if self.elderly_button.isChecked() else tr("长者模式"))
        self.update_clock()

