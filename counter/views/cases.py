"""办件 screens: the case desk (find a case, its detail, the actions on it), the approvers' inbox, and the small
dialogs of the case actions. Layout only; `counter.controllers.cases` runs the service calls.

Deadline warnings are never colour alone: every yellow/red mark also says 黄灯预警 / 红牌超期 in words.
"""

from __future__ import annotations

from typing import Any

from counter import format as fmt
from counter import theme
from counter.qt import (
    QButtonGroup,
    QCheckBox,
    QColor,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QSplitter,
    Qt,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
    Signal,
)
from counter.views.dialogs import FormDialog
from counter.views.widgets import Banner, Card, fill_table, make_label, make_table, set_state

WARNING_WORDS = {"red": "红牌超期", "yellow": "黄灯预警", "normal": "正常"}
RUNNING = ("accepted", "in_review", "escalated")
DECIDED = ("approved", "denied", "ready", "mailed", "completed")

# (key, label) of the actions on a case, in the order of the buttons.
CASE_ACTIONS: list[tuple[str, str]] = [
    ("supply", "补交材料"),
    ("stop", "暂停计时"),
    ("restart", "恢复计时"),
    ("extend", "申请延期"),
    ("ready", "通知领取"),
    ("mail", "邮寄送达"),
    ("pickup", "领取登记"),
    ("print", "打印文书"),
]


def warning_text(level: str, urgent: bool = False) -> str:
    word = WARNING_WORDS.get(level, "正常")
    mark = "●" if level in ("red", "yellow") else "○"
    return ("特办 · " if urgent else "") + f"{mark} {word}"


class WarningTag(QLabel):
    """A deadline mark: colour AND words (红牌超期 / 黄灯预警 / 正常)."""

    def __init__(self, name: str = "warning_tag"):
        super().__init__()
        self.setObjectName(name)
        self.setProperty("kind", "warn_tag")
        self.level = "normal"

    def set_level(self, level: str, extra: str = "", decided: bool = False) -> None:
        """`decided`: the case was decided, so the mark says whether on time (按时办结 / 超期办结)."""
        self.level = level
        if decided:
            set_state(self, "level", "late" if level == "red" else "normal")
            self.setText("● 超期办结" if level == "red" else "○ 按时办结")
            return
        set_state(self, "level", level)
        self.setText(warning_text(level) + (f" · {extra}" if extra else ""))


def _paint_row(table: QTableWidget, row: int, level: str) -> None:
    colours = {"red": (theme.DANGER_SOFT, theme.DANGER), "yellow": (theme.WARN_SOFT, theme.WARN)}
    if level not in colours:
        return
    bg, fg = colours[level]
    for c in range(table.columnCount()):
        item = table.item(row, c)
        if item is not None:
            item.setBackground(QColor(bg))
    first = table.item(row, 0)
    if first is not None:
        first.setForeground(QColor(fg))
        font = first.font()
        font.setBold(True)
        first.setFont(font)


# --------------------------------------------------------------------------------------------- case detail


class CaseDetailPanel(QWidget):
    actionRequested = Signal(str)  # one of CASE_ACTIONS

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.detail: Any = None
        self.timezone: str | None = None
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(8)

        head = QHBoxLayout()
        head.setSpacing(8)
        self.case_no = make_label("", "case_no", name="detail_case_no")
        self.case_no.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.type_badge = make_label("", "badge", name="detail_type")
        self.status_badge = make_label("", "badge", name="detail_status")
        self.warning = WarningTag("detail_warning")
        head.addWidget(self.case_no)
        head.addWidget(self.type_badge)
        head.addWidget(self.status_badge)
        head.addWidget(self.warning)
        head.addStretch(1)
        lay.addLayout(head)
        self.item_line = make_label("", "business", wrap=True, name="detail_item")
        lay.addWidget(self.item_line)

        self.facts_card = Card()
        self.facts = QGridLayout()
        self.facts.setHorizontalSpacing(14)
        self.facts.setVerticalSpacing(4)
        self.facts_card.body.addLayout(self.facts)
        lay.addWidget(self.facts_card)
        self._fact_widgets: list[QWidget] = []

        actions = QHBoxLayout()
        actions.setSpacing(6)
        self.buttons: dict[str, QPushButton] = {}
        for key, label in CASE_ACTIONS:
            b = QPushButton(label)
            b.setObjectName(f"case_{key}")
            b.setAutoDefault(False)
            b.clicked.connect(lambda _=False, k=key: self.actionRequested.emit(k))
            self.buttons[key] = b
            actions.addWidget(b)
        actions.addStretch(1)
        lay.addLayout(actions)

        self.tabs = QTabWidget()
        self.tabs.setObjectName("detail_tabs")
        self.events = make_table(["时间", "环节", "经办人", "窗口", "说明"], "detail_events", stretch=4)
        self.materials = make_table(["材料", "要求", "情况"], "detail_materials", stretch=0)
        self.tasks = make_table(["承办部门", "环节", "状态", "期限", "预警", "审批人", "意见"], "detail_tasks", stretch=6)
        self.stops = make_table(["事由", "说明", "暂停时间", "恢复时间", "不计时工作日"], "detail_stops", stretch=1)
        self.tabs.addTab(self.events, "办理记录")
        self.tabs.addTab(self.materials, "材料")
        self.tabs.addTab(self.tasks, "审批环节")
        self.tabs.addTab(self.stops, "暂停计时")
        lay.addWidget(self.tabs, 1)
        self.empty = make_label("输入办件编号（或扫描告知书二维码）、申请人姓名或证件号码查询办件。", "hint", wrap=True,
                                name="detail_empty")
        lay.addWidget(self.empty)
        self.clear()

    def clear(self) -> None:
        self.detail = None
        for w in (self.case_no, self.type_badge, self.status_badge, self.warning, self.item_line, self.facts_card,
                  self.tabs):
            w.hide()
        for b in self.buttons.values():
            b.hide()
        self.empty.show()

    def _set_facts(self, pairs: list[tuple[str, str]]) -> None:
        for w in self._fact_widgets:
            self.facts.removeWidget(w)
            w.deleteLater()
        self._fact_widgets = []
        for i, (label, value) in enumerate(pairs):
            row, col = divmod(i, 2)
            lw = make_label(label, "field")
            vw = make_label(value or "—", "value_small", wrap=True)
            vw.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.facts.addWidget(lw, row, col * 2)
            self.facts.addWidget(vw, row, col * 2 + 1)
            self._fact_widgets += [lw, vw]
        self.facts.setColumnStretch(1, 1)
        self.facts.setColumnStretch(3, 1)

    def show_case(self, d: Any) -> None:
        self.detail = d
        tz = self.timezone
        self.empty.hide()
        for w in (self.case_no, self.type_badge, self.status_badge, self.warning, self.item_line, self.facts_card,
                  self.tabs):
            w.show()
        for b in self.buttons.values():
            b.show()
        self.case_no.setText(d.case_no)
        self.type_badge.setText(d.case_type_label + ("（特办）" if d.urgent and d.case_type != "urgent" else ""))
        set_state(self.type_badge, "state", "urgent" if d.urgent else d.case_type)
        self.status_badge.setText(d.status_label)
        set_state(self.status_badge, "state", d.status)
        extra = fmt.remaining_text(d.remaining_days) if d.remaining_days is not None else ""
        self.warning.set_level(d.warning, extra, decided=d.status in DECIDED)
        self.warning.setVisible(d.status not in ("rejected", "awaiting_materials", "withdrawn"))
        self.item_line.setText(f"{d.item_name}（第{d.item_version}版）· {d.department}")

        applicant = f"{d.applicant_name}（{d.applicant_kind_label}，{d.applicant_id_masked}）"
        limit = "当场办结" if d.days_limit == 0 and d.accepted_day else (
            f"{d.days_limit} 个工作日" if d.days_limit else "—")
        if d.extension_days:
            limit += f" + 延期 {d.extension_days} 日"
        if d.stopped_working_days:
            limit += f"（暂停计时 {d.stopped_working_days} 日不计）"
        delivery = d.delivery_label + (f"：{d.mail_address}" if d.mail_address else "")
        if d.tracking_no:
            delivery += f"，单号 {d.tracking_no}"
        pairs = [
            ("申请人", applicant),
            ("联系电话", d.applicant_phone_masked),
            ("代理人", f"{d.agent_name}（{d.agent_id_masked}）" if d.agent_name else ""),
            ("受理窗口", f"{d.accepting_window} {d.accepting_staff}".strip()),
            ("受理日期", fmt.cn_date(d.accepted_day) if d.accepted_day else "未受理"),
            ("办理时限", limit),
            ("办结期限", fmt.cn_date(d.deadline) if d.deadline else "—"),
            ("法定期限", fmt.cn_date(d.statutory_deadline) if d.statutory_deadline else "—"),
            ("送达方式", delivery),
            ("查询码", d.check_code),
        ]
        if d.escalated_to:
            pairs.append(("上报机关", d.escalated_to))
        if d.commitment_signed:
            pairs.append(("告知承诺", "已签署" + ("" if d.commitment_checked is None
                                                 else ("，核查属实" if d.commitment_checked else "，核查不实"))))
        if d.reject_reason:
            pairs.append(("不予受理理由", d.reject_reason))
        if d.result:
            pairs.append(("办理结果", d.result))
        if d.finished_at:
            pairs.append(("办结时间", fmt.date_time(d.finished_at, tz)))
        if d.picked_up_at and d.status == "completed" and d.case_type != "immediate":
            pairs.append(("领取时间", fmt.date_time(d.picked_up_at, tz)))
        self._set_facts(pairs)

        fill_table(self.events, [[fmt.date_time(self._event_time(e), tz), e.label, e.staff, e.window,
                             self._event_note(e)] for e in d.events])
        self.events.scrollToBottom()
        mats = []
        for m in d.materials:
            if m.provided:
                state = f"已收（{fmt.date_time(m.provided_at, tz)}）" if m.provided_at else "已收"
            elif m.deferred_until:
                state = f"容缺，{fmt.cn_date(m.deferred_until)} 前补交"
            else:
                state = "缺" if m.required else "未提交（选交）"
            mats.append([m.name, "必交" if m.required else "选交", state])
        fill_table(self.materials, mats)
        fill_table(self.tasks, [[t.department, t.kind_label, t.status_label, fmt.cn_date(t.deadline),
                            WARNING_WORDS.get(t.warning, "") if t.status == "pending" else "",
                            t.decided_by, t.opinion] for t in d.tasks])
        for r, t in enumerate(d.tasks):
            if t.status == "pending":
                _paint_row(self.tasks, r, t.warning)
        fill_table(self.stops, [[s.reason_label, s.note, fmt.date_time(s.started_at, tz),
                            fmt.date_time(s.ended_at, tz) if s.ended_at else "暂停中", str(s.working_days)]
                           for s in d.stops])
        self.tabs.setTabText(1, f"材料（{sum(1 for m in d.materials if m.provided)}/{len(d.materials)}）")
        self.tabs.setTabText(2, f"审批环节（{len(d.tasks)}）")
        self.tabs.setTabText(3, f"暂停计时（{len(d.stops)}）")
        self.update_actions(False)

    @staticmethod
    def _event_time(e: Any) -> Any:
        """The business time the service acted at (`data["at"]`), else when the event was written."""
        import datetime as dt

        raw = (e.data or {}).get("at")
        if isinstance(raw, str):
            try:
                return dt.datetime.fromisoformat(raw)
            except ValueError:
                pass
        return e.at

    @staticmethod
    def _event_note(e: Any) -> str:
        note = e.note or ""
        data = e.data or {}
        if e.kind == "printed":
            labels = {"acceptance": "受理通知书", "correction": "一次性告知书", "rejection": "不予受理告知书",
                      "completion": "办结通知书"}
            note = labels.get(data.get("document", ""), note) + (f" 第{data.get('copy_no')}份"
                                                                  if data.get("copy_no") else "")
        elif e.kind == "correction_requested" and data.get("missing_names"):
            note = "缺：" + "、".join(data["missing_names"])
        elif e.kind == "rejected" and data.get("approved_by_name"):
            note += f"（首席代表 {data['approved_by_name']} 确认）"
        elif e.kind == "extended":
            note = f"延长 {data.get('days')} 个工作日，{data.get('approved_by_name', '')} 批准：{note}"
        elif e.kind == "picked_up" and data.get("picked_by"):
            note = f"领取人：{data['picked_by']}"
        return note

    def update_actions(self, busy: bool) -> None:
        d = self.detail
        if d is None:
            return
        status = d.status
        pending_materials = any(not m.provided and (m.deferred_until or status == "awaiting_materials")
                                for m in d.materials if m.required)
        enabled = {
            "supply": pending_materials and status not in ("rejected", "withdrawn"),
            "stop": status in RUNNING and d.deadline is not None,
            "restart": status == "clock_stopped",
            "extend": (status in RUNNING or status == "clock_stopped") and not d.extension_days,
            "ready": status in ("approved", "denied"),
            "mail": status in ("approved", "denied", "ready") and bool(d.mail_address),
            "pickup": status == "ready",
            "print": True,
        }
        for key, b in self.buttons.items():
            b.setEnabled(enabled[key] and not busy)


class CaseDeskView(QWidget):
    """办件 tab: find cases (number, QR, applicant), the list, and the detail of the chosen one."""

    name = "cases"
    searchRequested = Signal(str)
    todayRequested = Signal()
    bookRequested = Signal()  # 预约登记
    caseActivated = Signal(str)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        root = QVBoxLayout(self)
        root.setContentsMargins(16, 12, 16, 12)
        root.setSpacing(10)
        bar = QHBoxLayout()
        self.search = QLineEdit()
        self.search.setObjectName("case_search")
        self.search.setPlaceholderText("办件编号 / 扫描告知书二维码 / 申请人姓名或证件号码，按 Enter 查询")
        self.search.setClearButtonEnabled(True)
        self.search.setMaxLength(200)
        self.search.returnPressed.connect(self._search)
        self.search_button = QPushButton("查询")
        self.search_button.setObjectName("case_search_button")
        self.search_button.setProperty("kind", "primary")
        self.search_button.clicked.connect(self._search)
        self.today_button = QPushButton("本窗口今日办件")
        self.today_button.setObjectName("case_today")
        self.today_button.clicked.connect(self.todayRequested)
        bar.addWidget(self.search, 1)
        bar.addWidget(self.search_button)
        bar.addWidget(self.today_button)
        self.book_button = QPushButton("预约登记")
        self.book_button.setObjectName("case_book")
        self.book_button.clicked.connect(self.bookRequested)
        bar.addWidget(self.book_button)
        root.addLayout(bar)
        self.banner = Banner()
        self.banner.setObjectName("cases_banner")
        root.addWidget(self.banner)

        split = QSplitter(Qt.Orientation.Horizontal)
        split.setChildrenCollapsible(False)
        left = Card("查询结果")
        self.list_title = left.title_label
        self.results = QListWidget()
        self.results.setObjectName("case_results")
        self.results.setWordWrap(True)
        self.results.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.results.setSpacing(2)
        self.results.itemActivated.connect(self._activated)
        self.results.itemClicked.connect(self._activated)
        left.body.addWidget(self.results, 1)
        left.setMinimumWidth(300)
        split.addWidget(left)
        right = Card()
        right.title_label.hide()
        self.detail = CaseDetailPanel()
        right.body.addWidget(self.detail, 1)
        split.addWidget(right)
        split.setStretchFactor(0, 0)
        split.setStretchFactor(1, 1)
        split.setSizes([330, 900])
        root.addWidget(split, 1)
        self.rows: list[Any] = []

    def _search(self) -> None:
        text = self.search.text().strip()
        if not text:
            self.banner.show_message("请输入办件编号、申请人姓名或证件号码。", "info")
            return
        self.searchRequested.emit(text)

    def _activated(self, item: QListWidgetItem) -> None:
        self.caseActivated.emit(str(item.data(Qt.ItemDataRole.UserRole)))

    def set_results(self, rows: list[Any], title: str) -> None:
        self.rows = list(rows)
        self.list_title.setText(title)
        current = self.detail.detail.case_no if self.detail.detail is not None else None
        self.results.clear()
        for r in rows:
            mark = ""
            if r.status in DECIDED:
                mark = " · 超期办结" if r.warning == "red" else ""
            elif r.warning in ("red", "yellow") and r.status not in ("rejected", "awaiting_materials"):
                mark = f" · {WARNING_WORDS[r.warning]}"
            text = (f"{r.case_no}\n{r.item_name}\n{r.applicant_name} · {r.case_type_label} · {r.status_label}"
                    + (f" · 期限 {fmt.month_day(r.deadline)}" if r.deadline and r.status in RUNNING + ("clock_stopped",)
                       else "") + mark)
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, r.case_no)
            if r.warning == "red" and mark:
                item.setBackground(QColor(theme.DANGER_SOFT))
            elif r.warning == "yellow" and mark:
                item.setBackground(QColor(theme.WARN_SOFT))
            self.results.addItem(item)
            if r.case_no == current:
                self.results.setCurrentItem(item)
        if not rows:
            self.results.addItem(QListWidgetItem("（没有找到办件）"))
            self.results.item(0).setFlags(Qt.ItemFlag.NoItemFlags)


# --------------------------------------------------------------------------------------------- inbox


class InboxView(QWidget):
    """审批待办: the pending tasks of the approver's department, 特办 and overdue first, with approve / deny."""

    name = "inbox"
    decideRequested = Signal(int, bool, str)  # task id, approve, opinion
    openRequested = Signal(str)  # case number
    refreshRequested = Signal()

    COLUMNS = ["预警", "办件编号", "事项", "类型", "环节", "申请人", "办结期限", "剩余时间", "办件状态"]

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        root = QVBoxLayout(self)
        root.setContentsMargins(16, 12, 16, 12)
        root.setSpacing(10)
        head = QHBoxLayout()
        self.title = make_label("审批待办", "app_title", name="inbox_title")
        self.counts = make_label("", "hint", name="inbox_counts")
        self.refresh_button = QPushButton("刷新")
        self.refresh_button.setObjectName("inbox_refresh")
        self.refresh_button.clicked.connect(self.refreshRequested)
        head.addWidget(self.title)
        head.addSpacing(12)
        head.addWidget(self.counts, 1)
        head.addWidget(self.refresh_button)
        root.addLayout(head)
        self.banner = Banner()
        self.banner.setObjectName("inbox_banner")
        root.addWidget(self.banner)
        self.table = make_table(self.COLUMNS, "inbox_table", stretch=2)
        self.table.itemDoubleClicked.connect(lambda _i: self._open())
        self.table.itemSelectionChanged.connect(self._selection_changed)
        root.addWidget(self.table, 1)

        panel = Card("审批")
        self.selected_label = make_label("请选择一件待办", "value_small", wrap=True, name="inbox_selected")
        panel.body.addWidget(self.selected_label)
        row = QHBoxLayout()
        self.opinion = QLineEdit()
        self.opinion.setObjectName("inbox_opinion")
        self.opinion.setPlaceholderText("审批意见（不同意时必填），如：材料齐全，符合条件，同意")
        self.opinion.setMaxLength(1000)
        self.approve_button = QPushButton("同意")
        self.approve_button.setObjectName("inbox_approve")
        self.approve_button.setProperty("kind", "primary")
        self.approve_button.clicked.connect(lambda: self._decide(True))
        self.deny_button = QPushButton("不同意")
        self.deny_button.setObjectName("inbox_deny")
        self.deny_button.setProperty("kind", "danger")
        self.deny_button.clicked.connect(lambda: self._decide(False))
        self.open_button = QPushButton("查看办件详情")
        self.open_button.setObjectName("inbox_open")
        self.open_button.clicked.connect(self._open)
        row.addWidget(self.opinion, 1)
        row.addWidget(self.approve_button)
        row.addWidget(self.deny_button)
        row.addWidget(self.open_button)
        panel.body.addLayout(row)
        root.addWidget(panel)
        self.rows: list[Any] = []
        self._busy = False
        self._selection_changed()

    def set_rows(self, rows: list[Any]) -> None:
        keep = self.selected()
        self.rows = list(rows)
        self.table.setRowCount(0)
        for r in self.rows:
            i = self.table.rowCount()
            self.table.insertRow(i)
            values = [warning_text(r.warning, r.urgent), r.case_no, r.item_name, r.case_type_label,
                      r.task_kind_label, r.applicant_name, fmt.cn_date(r.deadline),
                      fmt.remaining_text(r.remaining_days) + ("（暂停计时）" if r.clock_stopped else ""),
                      r.case_status_label]
            for c, v in enumerate(values):
                item = QTableWidgetItem(v)
                item.setData(Qt.ItemDataRole.UserRole, r.task_id)
                self.table.setItem(i, c, item)
            _paint_row(self.table, i, r.warning)
            if r.urgent and r.warning == "normal":
                self.table.item(i, 0).setForeground(QColor(theme.DANGER))
        self.table.resizeRowsToContents()
        red = sum(1 for r in rows if r.warning == "red")
        yellow = sum(1 for r in rows if r.warning == "yellow")
        urgent = sum(1 for r in rows if r.urgent)
        self.title.setText(f"审批待办（{len(rows)} 件）")
        self.counts.setText(f"特办 {urgent} 件 · 红牌超期 {red} 件 · 黄灯预警 {yellow} 件　（特办件、超期件排在最前）")
        if keep is not None:
            for i, r in enumerate(self.rows):
                if r.task_id == keep.task_id:
                    self.table.selectRow(i)
                    break
        if self.table.currentRow() < 0 and self.rows:
            self.table.selectRow(0)
        self._selection_changed()

    def select_case(self, case_no: str, lead: bool | None = None) -> bool:
        for i, r in enumerate(self.rows):
            if r.case_no == case_no and (lead is None or r.lead == lead):
                self.table.selectRow(i)
                return True
        return False

    def selected(self) -> Any:
        row = self.table.currentRow()
        if row < 0 or row >= len(self.rows):
            return None
        return self.rows[row]

    def _selection_changed(self) -> None:
        r = self.selected()
        if r is None:
            self.selected_label.setText("暂无待办。" if not self.rows else "请选择一件待办")
        else:
            self.selected_label.setText(
                f"{r.case_no}　{r.item_name}　{r.task_kind_label}　申请人：{r.applicant_name}　"
                f"期限：{fmt.cn_date(r.deadline)}（{warning_text(r.warning, r.urgent)}）")
        self.set_busy(self._busy)

    def _decide(self, approve: bool) -> None:
        r = self.selected()
        if r is None:
            self.banner.show_message("请先选择一件待办。", "info")
            return
        opinion = self.opinion.text().strip()
        if not approve and not opinion:
            self.banner.show_message("不同意时请填写审批意见（理由）。", "error")
            self.opinion.setFocus()
            return
        self.decideRequested.emit(r.task_id, approve, opinion)

    def _open(self) -> None:
        r = self.selected()
        if r is not None:
            self.openRequested.emit(r.case_no)

    def set_busy(self, busy: bool) -> None:
        self._busy = busy
        r = self.selected()
        can = r is not None and not busy
        self.approve_button.setEnabled(can and not r.clock_stopped)
        self.deny_button.setEnabled(can and not r.clock_stopped)
        self.open_button.setEnabled(r is not None)
        self.refresh_button.setEnabled(not busy)


# --------------------------------------------------------------------------------------------- action dialogs


class SupplyDialog(FormDialog):
    name = "supply"

    def __init__(self, detail: Any, parent: QWidget | None = None):
        super().__init__(f"补交材料：{detail.case_no}", "确认补交", parent)
        self.setMinimumWidth(560)
        intro = ("补办件材料补齐后转为承诺件，当日起计算办理时限，并出具受理通知书。"
                 if detail.status == "awaiting_materials" else "登记容缺受理材料的补交。")
        self.body.addWidget(make_label(f"{detail.item_name} · 申请人 {detail.applicant_name}", "value_small", wrap=True))
        self.body.addWidget(make_label(intro, "hint", wrap=True))
        self.list = QListWidget()
        self.list.setObjectName("supply_list")
        for m in detail.materials:
            if m.provided or m.material_id is None:
                continue
            note = f"（容缺，{fmt.cn_date(m.deferred_until)} 前）" if m.deferred_until else (
                "（必交）" if m.required else "（选交）")
            item = QListWidgetItem(f"{m.name}{note}")
            item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsSelectable)
            item.setCheckState(Qt.CheckState.Unchecked)
            item.setData(Qt.ItemDataRole.UserRole, m.material_id)
            self.list.addItem(item)
        if self.list.count():
            self.list.setCurrentRow(0)
        self.list.setMinimumHeight(min(320, 44 * max(2, self.list.count())))
        self.body.addWidget(self.list)
        self.body.addWidget(make_label("Space 勾选，Enter 确认。", "hint"))
        self.list.setFocus()

    def check_all(self) -> None:
        for i in range(self.list.count()):
            self.list.item(i).setCheckState(Qt.CheckState.Checked)

    def values(self) -> dict[str, Any]:
        ids = {int(self.list.item(i).data(Qt.ItemDataRole.UserRole)) for i in range(self.list.count())
               if self.list.item(i).checkState() == Qt.CheckState.Checked}
        if not ids:
            raise ValueError("请勾选本次补交的材料。")
        return {"material_ids": ids}


class StopClockDialog(FormDialog):
    name = "stop_clock"
    REASONS = [("inspection", "现场勘验"), ("expert_review", "专家评审"), ("hearing", "听证"),
               ("testing", "检验检测"), ("correction", "补正材料"), ("other", "其他法定事由")]

    def __init__(self, case_no: str, parent: QWidget | None = None):
        super().__init__(f"暂停计时：{case_no}", "暂停计时", parent)
        self.setMinimumWidth(540)
        self.body.addWidget(make_label("依法需要现场勘验、听证、检验检测、专家评审的，所需时间不计入办理时限"
                                       "（中午 12 点前暂停，当日不计）。", "hint", wrap=True))
        grid = QGridLayout()
        self.group = QButtonGroup(self)
        self.radios: dict[str, QRadioButton] = {}
        for i, (key, label) in enumerate(self.REASONS):
            r = QRadioButton(label)
            r.setObjectName(f"stop_{key}")
            self.group.addButton(r)
            self.radios[key] = r
            grid.addWidget(r, i // 3, i % 3)
        self.radios["inspection"].setChecked(True)
        self.body.addLayout(grid)
        self.note = QLineEdit()
        self.note.setObjectName("stop_note")
        self.note.setMaxLength(500)
        self.note.setPlaceholderText("说明（必填），如：现场勘验定于3月18日上午")
        self.body.addWidget(self.note)
        self.note.returnPressed.connect(self.submit)
        self.note.setFocus()

    def values(self) -> dict[str, Any]:
        key = next(k for k, r in self.radios.items() if r.isChecked())
        note = self.note.text().strip()
        if not note:
            self.note.setFocus()
            raise ValueError("请填写暂停计时的说明（如勘验时间、地点）。")
        return {"reason": key, "note": note}


class RestartClockDialog(FormDialog):
    name = "restart_clock"

    def __init__(self, case_no: str, parent: QWidget | None = None):
        super().__init__(f"恢复计时：{case_no}", "恢复计时", parent)
        self.body.addWidget(make_label("恢复后，办结期限顺延暂停的工作日数。", "hint", wrap=True))
        self.note = QLineEdit()
        self.note.setObjectName("restart_note")
        self.note.setMaxLength(500)
        self.note.setPlaceholderText("说明（可不填），如：现场勘验已完成，符合条件")
        self.body.addWidget(self.note)
        self.note.returnPressed.connect(self.submit)
        self.note.setFocus()

    def values(self) -> dict[str, Any]:
        return {"note": self.note.text().strip()}


class ExtendDialog(FormDialog):
    name = "extend"

    def __init__(self, case_no: str, can_self_approve: bool, parent: QWidget | None = None):
        super().__init__(f"申请延期：{case_no}", "延期", parent)
        self.setMinimumWidth(560)
        self.body.addWidget(make_label("依法只能延期一次，最多 10 个工作日，须经本部门首席代表或中心管理人员批准。", "hint",
                                       wrap=True))
        grid = QGridLayout()
        self.days = QSpinBox()
        self.days.setObjectName("extend_days")
        self.days.setRange(1, 10)
        self.days.setValue(10)
        self.days.setSuffix(" 个工作日")
        self.reason = QLineEdit()
        self.reason.setObjectName("extend_reason")
        self.reason.setMaxLength(500)
        self.reason.setPlaceholderText("延期理由（必填）")
        self.self_approve = QCheckBox("本人批准（首席代表/中心管理）")
        self.self_approve.setObjectName("extend_self")
        self.self_approve.setVisible(can_self_approve)
        self.signer_no = QLineEdit()
        self.signer_no.setObjectName("extend_signer_no")
        self.signer_no.setPlaceholderText("批准人工号")
        self.signer_pw = QLineEdit()
        self.signer_pw.setObjectName("extend_signer_password")
        self.signer_pw.setPlaceholderText("批准人密码")
        self.signer_pw.setEchoMode(QLineEdit.EchoMode.Password)
        self.self_approve.toggled.connect(lambda on: (self.signer_no.setEnabled(not on),
                                                      self.signer_pw.setEnabled(not on)))
        grid.addWidget(make_label("延长", "field"), 0, 0)
        grid.addWidget(self.days, 0, 1)
        grid.addWidget(make_label("理由", "field"), 1, 0)
        grid.addWidget(self.reason, 1, 1, 1, 2)
        grid.addWidget(make_label("批准人", "field"), 2, 0)
        grid.addWidget(self.signer_no, 2, 1)
        grid.addWidget(self.signer_pw, 2, 2)
        grid.addWidget(self.self_approve, 3, 1, 1, 2)
        self.body.addLayout(grid)

    def values(self) -> dict[str, Any]:
        reason = self.reason.text().strip()
        if not reason:
            raise ValueError("请填写延期理由。")
        signer = None
        if not (self.self_approve.isVisible() and self.self_approve.isChecked()):
            if not self.signer_no.text().strip() or not self.signer_pw.text():
                raise ValueError("请批准人（首席代表或中心管理人员）输入工号和密码。")
            signer = (self.signer_no.text().strip(), self.signer_pw.text())
        return {"days": int(self.days.value()), "reason": reason, "signer": signer}


class MailDialog(FormDialog):
    name = "mail"

    def __init__(self, case_no: str, address: str, parent: QWidget | None = None):
        super().__init__(f"邮寄送达：{case_no}", "登记邮寄", parent)
        self.body.addWidget(make_label(f"邮寄地址：{address}", "value_small", wrap=True))
        self.tracking = QLineEdit()
        self.tracking.setObjectName("tracking_no")
        self.tracking.setMaxLength(60)
        self.tracking.setPlaceholderText("邮件单号（可扫码枪录入）")
        self.body.addWidget(self.tracking)
        self.tracking.returnPressed.connect(self.submit)
        self.tracking.setFocus()

    def values(self) -> dict[str, Any]:
        no = self.tracking.text().strip()
        if not no:
            raise ValueError("请填写邮件单号。")
        return {"tracking_no": no}


class PickupDialog(FormDialog):
    name = "pickup"

    def __init__(self, case_no: str, applicant: str, agent: str, parent: QWidget | None = None):
        super().__init__(f"领取登记：{case_no}", "确认领取", parent)
        self.body.addWidget(make_label("请核验领取人有效身份证件；委托他人领取的，核验授权委托书。", "hint", wrap=True))
        self.picked_by = QLineEdit()
        self.picked_by.setObjectName("picked_by")
        self.picked_by.setMaxLength(50)
        self.picked_by.setPlaceholderText("领取人姓名")
        self.picked_by.setText(agent or applicant)
        self.picked_by.selectAll()
        form = QGridLayout()
        form.addWidget(make_label("领取人", "field"), 0, 0)
        form.addWidget(self.picked_by, 0, 1)
        self.body.addLayout(form)
        self.picked_by.returnPressed.connect(self.submit)
        self.picked_by.setFocus()

    def values(self) -> dict[str, Any]:
        name = self.picked_by.text().strip()
        if not name:
            raise ValueError("请填写领取人姓名。")
        return {"picked_by": name}

