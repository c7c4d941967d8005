"""督办报表: the hall's daily / weekly / monthly figures for managers and supervisors (电子监察), with the items to
follow up (督办事项), the windows' figures and the hourly flow, and export to Excel and PDF. Layout only;
`counter.controllers.supervision` runs the report on the worker."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from counter import format as fmt
from counter import theme
from counter.qt import (
    QBarCategoryAxis,
    QBarSeries,
    QBarSet,
    QChart,
    QChartView,
    QColor,
    QComboBox,
    QDate,
    QDateEdit,
    QFrame,
    QHBoxLayout,
    QPainter,
    QPushButton,
    QSplitter,
    Qt,
    QTabWidget,
    QValueAxis,
    QVBoxLayout,
    QWidget,
    Signal,
)
from counter.views.widgets import Banner, Card, fill_table, make_label, make_table

PERIODS = (("day", "日报"), ("week", "周报"), ("month", "月报"))


@dataclass(frozen=True)
class WindowLine:
    cells: list[str]  # the WINDOW_COLUMNS, as text
    explanation: str  # why the window owes a written explanation ("" if it does not)


class FigureTile(QFrame):
    """One headline figure: the value large, its name under it."""

    def __init__(self, label: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setProperty("kind", "card")
        lay = QVBoxLayout(self)
        lay.setContentsMargins(12, 8, 12, 8)
        lay.setSpacing(2)
        self.value = make_label("—", "figure", align=Qt.AlignmentFlag.AlignCenter)
        self.label = make_label(label, "hint", align=Qt.AlignmentFlag.AlignCenter)
        lay.addWidget(self.value)
        lay.addWidget(self.label)


class SupervisionView(QWidget):
    name = "supervision"
    loadRequested = Signal(str, object)  # period kind, a date in it (datetime.date)
    exportRequested = Signal(str)  # xlsx / pdf

    WARNING_COLUMNS = ["类别", "对象", "说明"]
    WINDOW_COLUMNS = ["窗口", "工作人员", "办结号", "办件", "即办件", "评价率", "满意率", "投诉", "须说明"]

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        root = QVBoxLayout(self)
        root.setContentsMargins(16, 12, 16, 12)
        root.setSpacing(10)

        head = QHBoxLayout()
        self.title = make_label("督办报表", "app_title", wrap=True, name="report_title")
        self.period = QComboBox()
        self.period.setObjectName("report_period")
        for key, label in PERIODS:
            self.period.addItem(label, key)
        self.date = QDateEdit()
        self.date.setObjectName("report_date")
        self.date.setCalendarPopup(True)
        self.date.setDisplayFormat("yyyy-MM-dd")
        self.load_button = QPushButton("统计")
        self.load_button.setObjectName("report_load")
        self.load_button.setProperty("kind", "primary")
        self.load_button.clicked.connect(self.request_load)
        self.xlsx_button = QPushButton("导出 Excel")
        self.xlsx_button.setObjectName("report_xlsx")
        self.xlsx_button.clicked.connect(lambda: self.exportRequested.emit("xlsx"))
        self.pdf_button = QPushButton("导出 PDF")
        self.pdf_button.setObjectName("report_pdf")
        self.pdf_button.clicked.connect(lambda: self.exportRequested.emit("pdf"))
        head.addWidget(self.title)
        head.addStretch(1)
        head.addWidget(make_label("报表", "hint"))
        head.addWidget(self.period)
        head.addWidget(make_label("日期", "hint"))
        head.addWidget(self.date)
        head.addWidget(self.load_button)
        head.addSpacing(12)
        head.addWidget(self.xlsx_button)
        head.addWidget(self.pdf_button)
        root.addLayout(head)

        self.banner = Banner()
        self.banner.setObjectName("report_banner")
        root.addWidget(self.banner)
        self.subtitle = make_label("", "hint", wrap=True, name="report_subtitle")
        root.addWidget(self.subtitle)

        self.tiles_row = QHBoxLayout()
        self.tiles: dict[str, FigureTile] = {}
        root.addLayout(self.tiles_row)
        self.headline = make_label("", "value_small", wrap=True, name="report_headline")
        self.headline.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        root.addWidget(self.headline)

        split = QSplitter(Qt.Orientation.Horizontal)
        warn_card = Card("督办事项")
        self.warning_count = warn_card.title_label
        self.warnings = make_table(self.WARNING_COLUMNS, "report_warnings", stretch=2)
        warn_card.body.addWidget(self.warnings, 1)
        split.addWidget(warn_card)

        self.detail_tabs = QTabWidget()
        self.detail_tabs.setObjectName("report_tabs")
        windows_page = QWidget()
        windows_lay = QVBoxLayout(windows_page)
        windows_lay.setContentsMargins(0, 6, 0, 0)
        self.windows = make_table(self.WINDOW_COLUMNS, "report_windows")
        self.windows_note = make_label("", "hint", wrap=True, name="report_windows_note")
        windows_lay.addWidget(self.windows, 1)
        windows_lay.addWidget(self.windows_note)
        self.detail_tabs.addTab(windows_page, "窗口")
        self.chart = QChart()
        self.chart.setTitle("分时段取号与办结（个）")
        self.chart.legend().setAlignment(Qt.AlignmentFlag.AlignTop)
        self.chart_view = QChartView(self.chart)
        self.chart_view.setObjectName("report_chart")
        self.chart_view.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.detail_tabs.addTab(self.chart_view, "分时段客流")
        split.addWidget(self.detail_tabs)
        split.setStretchFactor(0, 1)
        split.setStretchFactor(1, 1)
        root.addWidget(split, 1)

        self.report: Any = None
        self.extra_tables: dict[str, Any] = {}  # tab title → table (人员, 部门, 业务队列), made on the first report
        self.set_busy(False)

    # -- input -----------------------------------------------------------------------------------

    def set_day(self, day: Any) -> None:
        self.date.setDate(QDate(day.year, day.month, day.day))

    def request_load(self) -> None:
        q = self.date.date()
        self.loadRequested.emit(self.period.currentData(), dt.date(q.year(), q.month(), q.day()))

    def set_busy(self, busy: bool) -> None:
        self.load_button.setEnabled(not busy)
        has = self.report is not None
        self.xlsx_button.setEnabled(not busy and has)
        self.pdf_button.setEnabled(not busy and has)
        if busy:
            self.load_button.setText("统计中…")
        else:
            self.load_button.setText("统计")

    # -- output ----------------------------------------------------------------------------------

    def show_report(self, report: Any, figures: list[tuple[str, str]], headline: str,
                    windows: list[WindowLine], idle_windows: int,
                    tables: list[tuple[str, list[str], list[list[str]]]] = ()) -> None:
        """`figures`: the headline figures as (label, text); `windows`: the windows worked at in the period;
        `tables`: further breakdowns (人员, 部门, 业务队列) as (tab title, columns, rows of text)."""
        self.report = report
        self.title.setText(report.title)
        self.subtitle.setText(f"统计期 {report.period.day_from} 至 {report.period.day_to}，统计截至 "
                              f"{fmt.date_time(report.as_of, report.timezone)}；只统计本服务中心（{report.hall_name}）。")
        for label, text in figures:
            tile = self.tiles.get(label)
            if tile is None:
                tile = self.tiles[label] = FigureTile(label)
                self.tiles_row.addWidget(tile, 1)
            tile.value.setText(text)
        self.headline.setText(headline)
        self.warning_count.setText(f"督办事项（{len(report.warnings)} 项）")
        fill_table(self.warnings, [[w.label, w.subject, w.detail] for w in report.warnings])
        for r, w in enumerate(report.warnings):
            item = self.warnings.item(r, 0)
            item.setForeground(QColor(theme.DANGER if w.kind in ("overdue", "unstaffed", "idle_window") else theme.WARN))
        fill_table(self.windows, [line.cells for line in windows])
        for r, line in enumerate(windows):
            if line.explanation:
                item = self.windows.item(r, len(self.WINDOW_COLUMNS) - 1)
                item.setForeground(QColor(theme.DANGER))
                item.setToolTip(line.explanation)
        self.windows_note.setText(f"另有 {idle_windows} 个窗口本期无人在岗、无办件。" if idle_windows else "")
        for title, columns, rows in tables:
            table = self.extra_tables.get(title)
            if table is None:
                table = self.extra_tables[title] = make_table(columns, f"report_{len(self.extra_tables)}")
                self.detail_tabs.addTab(table, title)
            fill_table(table, rows)
        self._chart(report)
        self.set_busy(False)

    def _chart(self, report: Any) -> None:
        self.chart.removeAllSeries()
        for axis in list(self.chart.axes()):
            self.chart.removeAxis(axis)
        hours = [h for h in report.hourly if h.issued or h.served]
        issued, served = QBarSet("取号"), QBarSet("办结")
        issued.setColor(QColor(theme.PRIMARY))
        served.setColor(QColor("#E8833A"))
        for h in hours:
            issued.append(h.issued)
            served.append(h.served)
        series = QBarSeries()
        series.append(issued)
        series.append(served)
        self.chart.addSeries(series)
        x = QBarCategoryAxis()
        x.append([f"{h.hour}时" for h in hours])
        y = QValueAxis()
        y.setLabelFormat("%d")
        y.setRange(0, max([1] + [max(h.issued, h.served) for h in hours]))
        y.applyNiceNumbers()
        self.chart.addAxis(x, Qt.AlignmentFlag.AlignBottom)
        self.chart.addAxis(y, Qt.AlignmentFlag.AlignLeft)
        series.attachAxis(x)
        series.attachAxis(y)
