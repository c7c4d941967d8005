"""Small building blocks shared by the counter's views."""

from __future__ import annotations

from counter import theme
from counter.qt import (
    QAbstractItemView,
    QFrame,
    QHeaderView,
    QLabel,
    QPushButton,
    QSizePolicy,
    Qt,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)


def make_label(text: str = "", kind: str = "", *, wrap: bool = False, align: Qt.AlignmentFlag | None = None,
               name: str = "") -> QLabel:
    label = QLabel(text)
    if kind:
        label.setProperty("kind", kind)
    label.setWordWrap(wrap)
    if align is not None:
        label.setAlignment(align)
    if name:
        label.setObjectName(name)
    return label


def set_state(widget: QWidget, prop: str, value: str) -> None:
    """Set a dynamic style property and re-polish (no-op if unchanged)."""
    if widget.property(prop) == value:
        return
    widget.setProperty(prop, value)
    theme.repolish(widget)


def make_table(columns: list[str], name: str, stretch: int = -1) -> QTableWidget:
    """A read-only table of whole rows; column `stretch` takes the spare width."""
    t = QTableWidget(0, len(columns))
    t.setObjectName(name)
    t.setHorizontalHeaderLabels(columns)
    t.verticalHeader().hide()
    t.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    t.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    t.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    t.setWordWrap(True)
    t.setAlternatingRowColors(False)
    header = t.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    if stretch >= 0:
        header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    return t


def fill_table(table: QTableWidget, rows: list[list[str]]) -> None:
    table.setRowCount(0)
    for values in rows:
        r = table.rowCount()
        table.insertRow(r)
        for c, v in enumerate(values):
            table.setItem(r, c, QTableWidgetItem(v))
    table.resizeRowsToContents()


class Card(QFrame):
    """A white panel with an optional section title."""

    def __init__(self, title: str = "", kind: str = "card", parent: QWidget | None = None):
        super().__init__(parent)
        self.setProperty("kind", kind)
        self.body = QVBoxLayout(self)
        self.body.setContentsMargins(16, 12, 16, 14)
        self.body.setSpacing(8)
        self.title_label = make_label(title, "section")
        self.body.addWidget(self.title_label)
        self.title_label.setVisible(bool(title))


class Banner(QLabel):
    """A one-line message inside a screen: info (blue), ok (green) or error (red). Never a modal popup."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setProperty("kind", "banner")
        self.setWordWrap(True)
        self.level = ""
        self.hide()

    def show_message(self, text: str, level: str = "error") -> None:
        self.level = level
        set_state(self, "level", level)
        self.setText(text)
        self.show()

    def clear_message(self) -> None:
        self.level = ""
        self.setText("")
        self.hide()


class ActionButton(QPushButton):
    """A workspace action; its keyboard shortcut is printed on it ("F1  叫号")."""

    def __init__(self, key: str, text: str, shortcut: str, accent: str = "", parent: QWidget | None = None):
        super().__init__(parent)
        self.key = key
        self.shortcut_text = shortcut
        self.setObjectName(f"action_{key}")
        self.setProperty("kind", "action")
        if accent:
            self.setProperty("accent", accent)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # keys go to the shortcuts, not to a focused button
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.set_label(text)

    def set_label(self, text: str) -> None:
        self.label_text = text
        self.setText(f"{self.shortcut_text}   {text}" if self.shortcut_text else text)
