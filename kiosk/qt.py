"""The one place the kiosk package imports Qt (qutebrowser's `qt` module style).

Every other kiosk module does `from kiosk.qt import QLabel, Signal, ...`. Swapping bindings, pinning
a version check or adding a shim happens here only.
"""

from __future__ import annotations

from PySide6.QtCore import (
    QByteArray,
    QBuffer,
    QDateTime,
    QElapsedTimer,
    QEvent,
    QIODevice,
    QLocale,
    QObject,
    QPoint,
    QPointF,
    QRect,
    QRectF,
    QRunnable,
    QSize,
    Qt,
    QThread,
    QThreadPool,
    QTimer,
    Signal,
    Slot,
    qInstallMessageHandler,
)
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontDatabase,
    QFontInfo,
    QFontMetrics,
    QGuiApplication,
    QImage,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QPalette,
    QPen,
    QPixmap,
    QResizeEvent,
)
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QBoxLayout,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLayout,
    QMainWindow,
    QPushButton,
    QScrollArea,
    QScroller,
    QScrollerProperties,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

__all__ = [
    "QAbstractButton", "QApplication", "QBoxLayout", "QBuffer", "QByteArray", "QColor", "QDateTime", "QElapsedTimer",
    "QEvent", "QFont", "QFontDatabase", "QFontInfo", "QFontMetrics", "QFrame", "QGridLayout", "QGuiApplication",
    "QHBoxLayout", "QIODevice", "QImage", "QLabel", "QLayout", "QLocale", "QMainWindow", "QMouseEvent",
    "QObject", "QPainter", "QPainterPath", "QPalette", "QPen", "QPixmap", "QPoint", "QPointF", "QPushButton", "QRect", "QRectF", "QResizeEvent",
    "QRunnable", "QScrollArea", "QScroller", "QScrollerProperties", "QSize", "QSizePolicy",
    "QStackedWidget", "QThread", "QThreadPool", "QTimer", "QVBoxLayout", "QWidget", "Qt", "Signal", "Slot",
    "qInstallMessageHandler",
    "optional_module",
]  # fmt: skip


# Optional Qt modules (PySide6-Addons: QtTextToSpeech, QtMultimedia) are imported on first use only, so the kiosk
# starts without them and the hall display can say "no speech engine" instead of failing to start.
_optional: dict[str, tuple[object, str]] = {}


def optional_module(name: str) -> tuple[object | None, str]:
    """(`PySide6.<name>` module or None, why it is missing), e.g. optional_module("QtTextToSpeech")."""
    if name not in _optional:
        import importlib

        try:
            _optional[name] = (importlib.import_module(f"PySide6.{name}"), "")
        except ImportError as exc:  # not installed (PySide6-Addons), or a system library is missing (libpulse)
            _optional[name] = (None, str(exc))
    return _optional[name]  # type: ignore[return-value]
