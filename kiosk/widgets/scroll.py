"""A vertical scroll area for touch: swipe with kinetic scrolling (QScroller), no overshoot bounce, taps never
delayed. Used by the guide pages, lists and the progress page."""

from __future__ import annotations

from kiosk.qt import QFrame, QScrollArea, QScroller, QScrollerProperties, Qt, QVBoxLayout, QWidget


def enable_kinetic_scrolling(area: QScrollArea) -> None:
    viewport = area.viewport()
    QScroller.grabGesture(viewport, QScroller.ScrollerGestureType.LeftMouseButtonGesture)
    scroller = QScroller.scroller(viewport)
    props = scroller.scrollerProperties()
    off = QScrollerProperties.OvershootPolicy.OvershootAlwaysOff
    props.setScrollMetric(QScrollerProperties.ScrollMetric.VerticalOvershootPolicy, off)
    props.setScrollMetric(QScrollerProperties.ScrollMetric.HorizontalOvershootPolicy, off)
    props.setScrollMetric(QScrollerProperties.ScrollMetric.MousePressEventDelay, 0.0)
    scroller.setScrollerProperties(props)


class KineticScrollArea(QScrollArea):
    """A scroll area whose content is a plain QWidget with a QVBoxLayout (`self.body`)."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.inner = QWidget()
        self.body = QVBoxLayout(self.inner)
        self.body.setContentsMargins(0, 0, 16, 0)
        self.body.setSpacing(16)
        self.setWidget(self.inner)
        enable_kinetic_scrolling(self)

    def clear(self) -> None:
        """Remove every widget and layout item from the body."""
        while self.body.count():
            item = self.body.takeAt(0)
            widget = item.widget()
            if widget is not None:
                widget.hide()
                widget.setParent(None)
                widget.deleteLater()
            elif item.layout() is not None:
                _delete_layout(item.layout())

    def scroll_to_top(self) -> None:
        QScroller.scroller(self.viewport()).stop()
        self.verticalScrollBar().setValue(0)


def _delete_layout(layout) -> None:
    while layout.count():
        item = layout.takeAt(0)
        if item.widget() is not None:
            item.widget().hide()
            item.widget().setParent(None)
            item.widget().deleteLater()
        elif item.layout() is not None:
            _delete_layout(item.layout())
    layout.deleteLater()
