"""Chips (a common word, a phrase, a window number) and list tiles (a search result, a department, an item)."""

from __future__ import annotations

from kiosk.qt import QHBoxLayout, QLabel, QPushButton, QSize, QSizePolicy, Qt, QVBoxLayout, QWidget
from kiosk.widgets.buttons import BigButton, make_label

CHIP_PX = 96
LIST_TILE_PX = 110


class Chip(BigButton):
    """A rounded word button; `checkable` chips toggle (multi-select phrases)."""

    def __init__(self, text: str = "", *, checkable: bool = False, min_width: int = CHIP_PX,
                 parent: QWidget | None = None):
        super().__init__(text, "chip", min_height=CHIP_PX, min_width=min_width, parent=parent)
        self.setCheckable(checkable)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)


class ListTile(QPushButton):
    """A full-width row: a name (wraps) with a line below, and an optional tag on the right (一件事, 高频)."""

    def __init__(self, parent: QWidget | None = None, *, min_height: int = LIST_TILE_PX):
        super().__init__(parent)
        self.setProperty("kind", "list_tile")
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setMinimumHeight(min_height)
        self._min_height = min_height
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.key: object = None
        row = QHBoxLayout(self)
        row.setContentsMargins(24, 12, 20, 12)
        row.setSpacing(16)
        texts = QVBoxLayout()
        texts.setSpacing(4)
        self.name_label = self._label("list_name", wrap=True)
        self.sub_label = self._label("list_sub", wrap=True)
        texts.addWidget(self.name_label)
        texts.addWidget(self.sub_label)
        row.addLayout(texts, 1)
        self.tag_label = self._label("list_tag")
        row.addWidget(self.tag_label, 0, Qt.AlignmentFlag.AlignVCenter)
        self._layout = row

    def _label(self, kind: str, wrap: bool = False) -> QLabel:
        label = make_label("", kind, wrap=wrap)
        label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        return label

    def set_texts(self, name: str, sub: str = "", tag: str = "", key: object = None) -> None:
        self.key = key
        for label, text in ((self.name_label, name), (self.sub_label, sub), (self.tag_label, tag)):
            if label.text() != text:  # unchanged rows cost nothing while typing
                label.setText(text)
            if label is not self.name_label and label.isHidden() == bool(text):
                label.setVisible(bool(text))

    def text(self) -> str:  # what a test or screen reader sees
        return self.name_label.text()

    def sizeHint(self) -> QSize:  # noqa: N802
        hint = self._layout.sizeHint()
        return QSize(max(hint.width(), 300), max(hint.height(), self._min_height))

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        return QSize(200, max(self._layout.minimumSize().height(), self._min_height))

    def hasHeightForWidth(self) -> bool:  # noqa: N802 - long names wrap onto a second line
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802
        return max(self._layout.totalHeightForWidth(width), self._min_height)
