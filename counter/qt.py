"""The one place the counter package imports Qt.

Every other counter module does `from counter.qt import QLabel, Signal, ...`. Swapping bindings, pinning a
version check or adding a shim happens here only.
"""

from __future__ import annotations

from PySide6.QtCore import (
    QDate,
    QDateTime,
    QElapsedTimer,
    QEvent,
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
    QUrl,
    Signal,
    Slot,
)
from PySide6.QtCharts import QBarCategoryAxis, QBarSeries, QBarSet, QChart, QChartView, QValueAxis
from PySide6.QtGui import (
    QCloseEvent,
    QColor,
    QDesktopServices,
    QFont,
    QFontDatabase,
    QGuiApplication,
    QIcon,
    QImage,
    QKeyEvent,
    QKeySequence,
    QPainter,
    QPainterPath,
    QPen,
    QPixmap,
    QScreen,
    QShortcut,
)
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QApplication,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QFormLayout,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QSizePolicy,
    QSpinBox,
    QSplitter,
    QStackedWidget,
    QStatusBar,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)


__all__ = [
    "QBarCategoryAxis", "QBarSeries", "QBarSet", "QChart", "QChartView", "QValueAxis",
    "QAbstractButton", "QAbstractItemView", "QApplication", "QDate", "QDateEdit", "QDesktopServices", "QHeaderView",
    "QImage", "QScrollArea", "QSpinBox", "QSplitter", "QTableWidget", "QTableWidgetItem", "QUrl", "QButtonGroup", "QCheckBox", "QCloseEvent", "QColor", "QComboBox",
    "QDateTime", "QDialog", "QElapsedTimer", "QEvent", "QFont", "QFontDatabase", "QFormLayout", "QFrame",
    "QGridLayout", "QGuiApplication", "QHBoxLayout", "QIcon", "QKeyEvent", "QKeySequence", "QLabel", "QLineEdit",
    "QListWidget", "QListWidgetItem", "QMainWindow", "QObject", "QPainter", "QPainterPath", "QPen", "QPixmap",
    "QPlainTextEdit", "QPoint", "QPointF", "QPushButton", "QRadioButton", "QRect", "QRectF", "QRunnable",
    "QScreen", "QShortcut", "QSize", "QSizePolicy", "QStackedWidget", "QStatusBar", "QTabWidget", "QThread",
    "QThreadPool", "QTimer", "QVBoxLayout", "QWidget", "Qt", "Signal", "Slot",
]  # fmt: skip
