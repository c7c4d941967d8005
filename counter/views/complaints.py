"""投诉处理: the complaints and suggestions citizens filed at the kiosk, for supervisors (电子监察) and hall managers to
follow up — read one, call the citizen back, add dated 处理意见, close it. Layout only;
`counter.controllers.complaints` runs the service calls."""

from __future__ import annotations

from typing import Any

from common.domain import window_title
from counter import format as fmt
from counter import theme
from counter.qt import (
    QColor,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    Qt,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
    Signal,
)
from counter.views.widgets import Banner, Card, make_label, make_table

# (status filter value, label); "" = every complaint
STATUS_FILTERS = (("", "全部"), ("open", "待处理"), ("in_progress", "处理中"), ("closed", "已办结"))
NOTE_MAX = 1000


class ComplaintsView(QWidget):
    name = "complaints"
    refreshRequested = Signal(str)  # status filter
    followUpRequested = Signal(str, str, bool)  # reference number, note, close

    COLUMNS = ["投诉编号", "时间", "类别", "窗口", "工作人员", "内容", "状态"]

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        root = QVBoxLayout(self)
        root.setContentsMargins(16, 12, 16, 12)
        root.setSpacing(10)
        head = QHBoxLayout()
        self.title = make_label("投诉与建议", "app_title", name="complaints_title")
        self.counts = make_label("", "hint", name="complaints_counts")
        self.status_box = QComboBox()
        self.status_box.setObjectName("complaints_status")
        for value, label in STATUS_FILTERS:
            self.status_box.addItem(label, value)
        self.status_box.setCurrentIndex(1)  # 待处理 first: what needs doing
        self.status_box.currentIndexChanged.connect(lambda _i: self.request_refresh())
        self.refresh_button = QPushButton("刷新")
        self.refresh_button.setObjectName("complaints_refresh")
        self.refresh_button.clicked.connect(self.request_refresh)
        head.addWidget(self.title)
        head.addSpacing(12)
        head.addWidget(self.counts, 1)
        head.addWidget(make_label("状态", "hint"))
        head.addWidget(self.status_box)
        head.addWidget(self.refresh_button)
        root.addLayout(head)
        self.banner = Banner()
        self.banner.setObjectName("complaints_banner")
        root.addWidget(self.banner)

        split = QSplitter(Qt.Orientation.Horizontal)
        self.table = make_table(self.COLUMNS, "complaints_table", stretch=5)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        split.addWidget(self.table)

        detail = Card("投诉详情")
        grid = QGridLayout()
        grid.setHorizontalSpacing(12)
        self.fields: dict[str, Any] = {}
        for row, (key, label) in enumerate((("ref_no", "编号"), ("created", "时间"), ("category", "类别"),
                                            ("where", "窗口"), ("case", "办件"), ("phone", "回访电话"),
                                            ("status", "状态"))):
            grid.addWidget(make_label(label, "hint"), row, 0, Qt.AlignmentFlag.AlignTop)
            value = make_label("—", "value_small", wrap=True, name=f"complaint_{key}")
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            grid.addWidget(value, row, 1)
            self.fields[key] = value
        grid.setColumnStretch(1, 1)
        detail.body.addLayout(grid)
        detail.body.addWidget(make_label("内容", "hint"))
        self.text = make_label("", "value_small", wrap=True, name="complaint_text")
        detail.body.addWidget(self.text)
        detail.body.addWidget(make_label("处理记录", "hint"))
        self.history = make_label("（尚未处理）", "value_small", wrap=True, name="complaint_history")
        detail.body.addWidget(self.history)
        self.note = QPlainTextEdit()
        self.note.setObjectName("complaint_note")
        self.note.setPlaceholderText("处理意见，如：已电话联系群众，核实情况属实，已对窗口人员批评教育并整改")
        self.note.setFixedHeight(90)
        detail.body.addWidget(self.note)
        buttons = QHBoxLayout()
        self.add_button = QPushButton("添加处理意见")
        self.add_button.setObjectName("complaint_add")
        self.add_button.clicked.connect(lambda: self._follow_up(False))
        self.close_button = QPushButton("办结")
        self.close_button.setObjectName("complaint_close")
        self.close_button.setProperty("kind", "primary")
        self.close_button.clicked.connect(lambda: self._follow_up(True))
        buttons.addStretch(1)
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.close_button)
        detail.body.addLayout(buttons)
        detail.body.addStretch(1)
        split.addWidget(detail)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        root.addWidget(split, 1)

        self.rows: list[Any] = []
        self.timezone: str | None = None
        self._busy = False
        self._selection_changed()

    # -- input -----------------------------------------------------------------------------------

    def status_filter(self) -> str:
        return self.status_box.currentData() or ""

    def request_refresh(self) -> None:
        self.refreshRequested.emit(self.status_filter())

    def selected(self) -> Any:
        rows = self.table.selectionModel().selectedRows()
        return self.rows[rows[0].row()] if rows and rows[0].row() < len(self.rows) else None

    def select(self, ref_no: str) -> None:
        for i, c in enumerate(self.rows):
            if c.ref_no == ref_no:
                self.table.selectRow(i)
                return

    def _follow_up(self, close: bool) -> None:
        c = self.selected()
        if c is None or self._busy:
            return
        note = " ".join(self.note.toPlainText().split())
        if not note:
            self.banner.show_message("请先填写处理意见（如回访结果、整改措施）。", "error")
            self.note.setFocus()
            return
        if len(note) > NOTE_MAX:
            self.banner.show_message(f"处理意见过长：最多 {NOTE_MAX} 个字，当前 {len(note)} 个字。", "error")
            return
        self.followUpRequested.emit(c.ref_no, note, close)

    # -- output ----------------------------------------------------------------------------------

    def set_rows(self, rows: list[Any], keep: str | None = None) -> None:
        keep = keep or (self.selected().ref_no if self.selected() is not None else None)
        self.rows = list(rows)
        self.table.setRowCount(0)
        for c in self.rows:
            i = self.table.rowCount()
            self.table.insertRow(i)
            where = f"{c.window_number}号窗口" if c.window_number else "大厅"
            values = [c.ref_no, fmt.date_time(c.created_at, self.timezone), c.category, where, c.staff_name or "—",
                      c.text, c.status_label]
            for col, v in enumerate(values):
                self.table.setItem(i, col, QTableWidgetItem(v))
            if c.status == "open":
                self.table.item(i, len(values) - 1).setForeground(QColor(theme.DANGER))
        self.table.resizeRowsToContents()
        waiting = sum(1 for c in rows if c.status == "open")
        self.counts.setText(f"共 {len(rows)} 件" + (f"，待处理 {waiting} 件" if waiting else ""))
        if keep:
            self.select(keep)
        self._selection_changed()

    def replace(self, info: Any) -> None:
        """One complaint changed (a follow-up saved): show it in place and clear the note."""
        self.rows = [info if c.ref_no == info.ref_no else c for c in self.rows]
        self.set_rows(self.rows, keep=info.ref_no)
        self.note.clear()

    def set_busy(self, busy: bool) -> None:
        self._busy = busy
        self.refresh_button.setEnabled(not busy)
        self._selection_changed()

    def _selection_changed(self) -> None:
        c = self.selected()
        open_ = c is not None and c.status != "closed"
        for b in (self.add_button, self.close_button):
            b.setEnabled(open_ and not self._busy)
        self.note.setEnabled(open_)
        if c is None:
            for v in self.fields.values():
                v.setText("—")
            self.text.setText("请在左侧选择一件投诉或建议。")
            self.history.setText("")
            return
        self.fields["ref_no"].setText(c.ref_no)
        self.fields["created"].setText(fmt.date_time(c.created_at, self.timezone))
        self.fields["category"].setText(c.category)
        where = window_title(c.window_number, c.window_name) if c.window_number else "大厅（未指明窗口）"
        self.fields["where"].setText(where + (f" · 当时在岗：{c.staff_name}" if c.staff_name else ""))
        self.fields["case"].setText(" ".join(x for x in (c.case_no, c.item_name) if x) or "—")
        self.fields["phone"].setText(c.phone or "未留电话")
        self.fields["status"].setText(c.status_label + (f"（{c.handled_by}）" if c.handled_by else ""))
        self.text.setText(c.text)
        self.history.setText(c.follow_up or "（尚未处理）")
