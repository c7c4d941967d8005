"""Common frame of a screen: a title line, the content, and a bottom bar with 返回 / 首页."""

from __future__ import annotations

from kiosk.i18n import tr
from kiosk.qt import QHBoxLayout, QVBoxLayout, QWidget, Signal
from kiosk.widgets import BigButton, make_label

NAV_BUTTON_PX = 110


class View(QWidget):
    """A screen. Subclasses fill `self.content` and implement `retranslate()`."""

    name = "view"  # used for screenshots and logs
    backRequested = Signal()
    homeRequested = Signal()

    def __init__(self, title: str = "", subtitle: str = "", *, back: bool = True, home: bool = True,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self._title_src = title
        self._subtitle_src = subtitle
        outer = QVBoxLayout(self)
        outer.setContentsMargins(48, 28, 48, 28)
        outer.setSpacing(20)
        self.title_label = make_label("", "title", wrap=True)
        self.subtitle_label = make_label("", "subtitle", wrap=True)
        outer.addWidget(self.title_label)
        outer.addWidget(self.subtitle_label)
        self.content = QVBoxLayout()
        self.content.setSpacing(20)
        outer.addLayout(self.content, 1)
        self.nav = QHBoxLayout()
        self.nav.setSpacing(24)
        self.back_button = BigButton("", "secondary", min_height=NAV_BUTTON_PX, min_width=260, parent=self)
        self.back_button.setObjectName("back")
        self.back_button.clicked.connect(self.backRequested)
        self.home_button = BigButton("", "secondary", min_height=NAV_BUTTON_PX, min_width=260, parent=self)
        self.home_button.setObjectName("home")
        self.home_button.clicked.connect(self.homeRequested)
        self.nav.addWidget(self.back_button)
        self.nav.addWidget(self.home_button)
        self.nav.addStretch(1)
        self.back_button.setVisible(back)
        self.home_button.setVisible(home)
        if back or home:
            outer.addLayout(self.nav)
        else:  # parented above, so never a stray top-level window
            self.back_button.hide()
            self.home_button.hide()
        self._retranslate_frame()

    def set_title(self, title: str, subtitle: str | None = None) -> None:
        self._title_src = title
        if subtitle is not None:
            self._subtitle_src = subtitle
        self._retranslate_frame()

    def _retranslate_frame(self) -> None:
        self.title_label.setText(tr(self._title_src) if self._title_src else "")
        self.title_label.setVisible(bool(self._title_src))
        self.subtitle_label.setText(tr(self._subtitle_src) if self._subtitle_src else "")
        self.subtitle_label.setVisible(bool(self._subtitle_src))
        self.back_button.setText("‹ " + tr("返回"))
        self.home_button.setText(tr("首页"))

    def retranslate(self) -> None:
        self._retranslate_frame()

    def set_elderly(self, elderly: bool) -> None:
        """Adjust for elderly mode beyond the stylesheet (e.g. fewer columns); most views need nothing."""

    def set_orientation(self, portrait: bool) -> None:
        """Re-arrange for a portrait (1080×1920) screen; most views need nothing."""
