"""Big touch buttons and tiles.

Touch targets: the architecture asks for at least 48 px (≈ 9 mm); on a 21–32" kiosk screen we use
much more: buttons are at least 96 px high, tiles at least 160 px.
"""

from __future__ import annotations

from kiosk.qt import QHBoxLayout, QLabel, QPushButton, QSize, QSizePolicy, Qt, QVBoxLayout, QWidget

MIN_BUTTON_PX = 96
MIN_TILE_PX = 160


def make_label(text: str = "", kind: str = "", *, wrap: bool = False, align=None, parent: QWidget | None = None) -> QLabel:
    """A QLabel carrying a style `kind` (see kiosk.theme)."""
    label = QLabel(text, parent)
    if kind:
        label.setProperty("kind", kind)
    label.setWordWrap(wrap)
    if align is not None:
        label.setAlignment(align)
    return label


class BigButton(QPushButton):
    """A push button sized for fingers. `kind`: primary | accent | secondary | key | key_action."""

    def __init__(self, text: str = "", kind: str = "primary", *, min_height: int = MIN_BUTTON_PX,
                 min_width: int = 0, parent: QWidget | None = None):
        super().__init__(parent)
        self.setText(text)
        self.setProperty("kind", kind)
        self.setMinimumHeight(max(min_height, 48))
        if min_width:
            self.setMinimumWidth(min_width)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # no focus rectangles on a touch screen
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)

    def setText(self, text: str) -> None:  # noqa: N802 - Qt API
        """Plain text: "&" is shown, never turned into a keyboard mnemonic ("fire & rescue")."""
        super().setText(text.replace("&", "&&"))

    def plain_text(self) -> str:
        return super().text().replace("&&", "&")


class Tile(QPushButton):
    """A large button with rich content: a title, an optional subtitle, an optional tag and extra lines.

    Child labels ignore the mouse, so a touch anywhere on the tile presses the tile.
    """

    def __init__(self, title: str = "", subtitle: str = "", *, accent: bool = False,
                 min_height: int = MIN_TILE_PX, parent: QWidget | None = None):
        super().__init__(parent)
        self.setProperty("kind", "tile_accent" if accent else "tile")
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setMinimumHeight(max(min_height, 100))
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(36, 24, 36, 24)
        self._layout.setSpacing(10)
        self.title_label = self._add(make_label(title, "tile_title", wrap=True))
        self.tag_label = self._add(make_label("", "tile_tag"))
        self.tag_label.hide()
        self.subtitle_label = self._add(make_label(subtitle, "tile_sub", wrap=True))
        tag_row = QHBoxLayout()
        tag_row.addStretch(1)
        tag_row.addWidget(self.tag_label)
        self._layout.addLayout(tag_row)  # the tag sits in the corner, never squeezing the title
        self._layout.addStretch(1)
        self._layout.addWidget(self.title_label)
        self._layout.addWidget(self.subtitle_label)
        self._layout.addStretch(1)
        self.subtitle_label.setVisible(bool(subtitle))

    def _add(self, label: QLabel) -> QLabel:
        label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        return label

    def set_texts(self, title: str, subtitle: str = "", tag: str = "") -> None:
        self.title_label.setText(title)
        self.subtitle_label.setText(subtitle)
        self.subtitle_label.setVisible(bool(subtitle))
        self.tag_label.setText(tag)
        self.tag_label.setVisible(bool(tag))

    def text(self) -> str:  # what a screen reader / test sees
        return self.title_label.text()

    def sizeHint(self) -> QSize:
        hint = self._layout.sizeHint()
        return QSize(max(hint.width(), 200), max(hint.height(), self.minimumHeight()))

    def minimumSizeHint(self) -> QSize:
        hint = self._layout.minimumSize()
        return QSize(min(hint.width(), 200), max(hint.height(), self.minimumHeight()))
