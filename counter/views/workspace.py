"""The clerk's main screen: the ticket in service, the window's queues, today's figures, parked tickets and the
action buttons (each with its keyboard shortcut printed on it)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from counter import format as fmt
from counter.qt import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSizePolicy,
    Qt,
    QVBoxLayout,
    QWidget,
    Signal,
)
from counter.views.widgets import ActionButton, Banner, Card, make_label, set_state

# (key, label, shortcut, accent). The order is the order on screen; the keys never conflict with text entry
# (function keys only), so a shortcut can never fire while the clerk types in a dialog field.
ACTIONS: list[tuple[str, str, str, str]] = [
    ("call_next", "叫号（下一位）", "F1", "call"),
    ("recall", "重呼", "F2", ""),
    ("start", "开始办理", "F11", ""),
    ("intake", "受理办件", "F12", "intake"),
    ("finish", "办结", "F8", "finish"),
    ("no_show", "过号", "F3", ""),
    ("park", "挂起", "F4", ""),
    ("transfer", "转移", "F5", ""),
    ("call_specific", "指定叫号", "F6", ""),
    ("walk_direct", "无号办理", "F7", ""),
    ("pause", "暂停服务", "F9", ""),
    ("consult", "首问登记", "F10", ""),
]
SHORTCUTS = {key: shortcut for key, _label, shortcut, _accent in ACTIONS}


class ServingPanel(Card):
    """The ticket in service, large; or 'no ticket' / 'paused' states."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__("", kind="serving", parent=parent)
        self.setObjectName("serving_panel")
        self.body.setContentsMargins(24, 16, 24, 18)
        self.body.setSpacing(6)
        top = QHBoxLayout()
        self.caption = make_label("当前办理", "section")
        self.status_badge = make_label("", "ticket_status")
        self.status_badge.setObjectName("ticket_status")
        self.status_badge.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        top.addWidget(self.caption)
        top.addStretch(1)
        top.addWidget(self.status_badge)
        self.body.addLayout(top)

        mid = QHBoxLayout()
        mid.setSpacing(28)
        self.number = make_label("", "ticket_number", name="ticket_number")
        self.number.setMinimumWidth(240)
        mid.addWidget(self.number)
        info = QVBoxLayout()
        info.setSpacing(6)
        head = QHBoxLayout()
        self.business = make_label("", "business", name="business")
        self.priority = make_label("", "priority", name="priority")
        self.walk_tag = make_label("无号办理", "priority")
        head.addWidget(self.business)
        head.addWidget(self.priority)
        head.addWidget(self.walk_tag)
        head.addStretch(1)
        info.addLayout(head)
        self.fields_box = QWidget()
        grid = QGridLayout(self.fields_box)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(28)
        grid.setVerticalSpacing(2)
        self.fields: dict[str, QLabel] = {}
        for col, (key, title) in enumerate(
            [("service", "办理用时"), ("waited", "已等候"), ("issued", "取号时间"), ("recalls", "重呼次数")]
        ):
            grid.addWidget(make_label(title, "field"), 0, col)
            value = make_label("—", "timer" if key == "service" else "value", name=f"field_{key}")
            grid.addWidget(value, 1, col)
            self.fields[key] = value
        info.addWidget(self.fields_box)
        mid.addLayout(info, 1)
        self.body.addLayout(mid)
        self.note = make_label("", "note", wrap=True, name="transfer_note")
        self.body.addWidget(self.note)
        self.body.addStretch(1)
        self.ticket: Any = None
        self.timezone: str | None = None
        self.show_idle()

    def show_idle(self, text: str = "当前没有办理中的号码", sub: str = "按 F1 叫下一位") -> None:
        self.ticket = None
        set_state(self, "state", "idle")
        set_state(self.number, "state", "idle")
        self.number.setText(text)
        self.status_badge.hide()
        self.business.setText(sub)
        self.priority.hide()
        self.walk_tag.hide()
        for value in self.fields.values():
            value.setText("—")
        self.fields_box.hide()
        self.note.hide()

    def show_break(self, reason: str, since: dt.datetime | None) -> None:
        self.show_idle(f"暂停服务中（{reason}）", f"自 {fmt.clock(since, self.timezone)} 起 · 按 F9 恢复服务")
        set_state(self, "state", "break")
        set_state(self.number, "state", "break")

    def show_ticket(self, ticket: Any, now: dt.datetime) -> None:
        self.ticket = ticket
        set_state(self, "state", "active")
        set_state(self.number, "state", "active")
        self.number.setText(ticket.number)
        self.status_badge.setText(fmt.status_label(ticket.status))
        set_state(self.status_badge, "state", str(ticket.status))
        self.status_badge.show()
        self.fields_box.show()
        self.business.setText(ticket.queue_name)
        self.priority.setText(fmt.priority_label(ticket.priority))
        self.priority.setVisible(fmt.is_priority(ticket.priority))
        self.walk_tag.setVisible(bool(getattr(ticket, "walk_direct", False)))
        self.fields["issued"].setText(fmt.clock(ticket.issued_at, self.timezone))
        max_recalls = getattr(ticket, "max_recalls", 0) or 0
        self.fields["recalls"].setText(
            f"{ticket.recall_count} / {max_recalls}" if max_recalls else str(ticket.recall_count)
        )
        self.fields["waited"].setText(fmt.minutes_text(ticket.waited_seconds))
        lines = []
        if getattr(ticket, "transferred_from", None):
            lines.append(f"转自：{ticket.transferred_from}")
        if ticket.note:
            lines.append(f"备注：{ticket.note}")
        if getattr(ticket, "return_after", False):
            lines.append("办结后将返回原队列继续办理")
        self.note.setText("\n".join(lines))
        self.note.setVisible(bool(lines))
        self.tick(now)

    def tick(self, now: dt.datetime) -> None:
        t = self.ticket
        if t is None:
            return
        began = t.started_at or t.called_at
        self.fields["service"].setText(fmt.duration((now - began).total_seconds()) if began else "—")


class WorkspaceView(QWidget):
    name = "workspace"
    actionRequested = Signal(str)  # one of the ACTIONS keys
    signOutRequested = Signal()
    parkedActivated = Signal(int)  # ticket_id (double-click on a parked ticket)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        root = QHBoxLayout(self)
        root.setContentsMargins(16, 12, 16, 12)
        root.setSpacing(14)

        left = QVBoxLayout()
        left.setSpacing(12)
        self.header = make_label("", "app_title", name="workspace_header")
        left.addWidget(self.header)
        self.serving = ServingPanel()
        self.serving.setMinimumHeight(230)
        left.addWidget(self.serving, 2)
        self.banner = Banner()
        self.banner.setObjectName("workspace_banner")
        left.addWidget(self.banner)
        self.rating_banner = Banner()
        self.rating_banner.setObjectName("rating_banner")
        left.addWidget(self.rating_banner)

        lower = QHBoxLayout()
        lower.setSpacing(12)
        self.queues_card = Card("本窗口队列（等候人数）")
        self.queues_grid = QGridLayout()
        self.queues_grid.setHorizontalSpacing(12)
        self.queues_grid.setVerticalSpacing(6)
        self.queues_card.body.addLayout(self.queues_grid)
        self.queues_card.body.addStretch(1)
        self.total_waiting = make_label("", "hint", name="total_waiting")
        self.queues_card.body.addWidget(self.total_waiting)
        lower.addWidget(self.queues_card, 3)

        self.parked_card = Card("挂起的号码")
        self.parked_list = QListWidget()
        self.parked_list.setObjectName("parked_list")
        self.parked_list.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.parked_list.itemDoubleClicked.connect(
            lambda item: self.parkedActivated.emit(int(item.data(Qt.ItemDataRole.UserRole)))
        )
        self.parked_card.body.addWidget(self.parked_list)
        self.parked_hint = make_label("选中后按 F4 恢复办理", "hint")
        self.parked_card.body.addWidget(self.parked_hint)
        lower.addWidget(self.parked_card, 3)

        self.figures_card = Card("今日本人")
        self.figure_values: dict[str, QLabel] = {}
        fig_grid = QGridLayout()
        fig_grid.setVerticalSpacing(2)
        for row, (key, title) in enumerate([("served", "已办结"), ("avg", "平均办理用时"), ("no_shows", "过号")]):
            value = make_label("0", "figure", name=f"figure_{key}")
            fig_grid.addWidget(value, row * 2, 0)
            fig_grid.addWidget(make_label(title, "figure_label"), row * 2 + 1, 0)
            self.figure_values[key] = value
        self.figures_card.body.addLayout(fig_grid)
        self.figures_card.body.addStretch(1)
        lower.addWidget(self.figures_card, 2)
        left.addLayout(lower, 4)
        root.addLayout(left, 1)

        right = QVBoxLayout()
        right.setSpacing(8)
        self.buttons: dict[str, ActionButton] = {}
        for key, label, shortcut, accent in ACTIONS:
            button = ActionButton(key, label, shortcut, accent)
            button.clicked.connect(lambda _=False, k=key: self.actionRequested.emit(k))
            self.buttons[key] = button
            right.addWidget(button)
        right.addStretch(1)
        self.sign_out_button = QPushButton("签退")
        self.sign_out_button.setObjectName("sign_out")
        self.sign_out_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.sign_out_button.setMinimumHeight(40)
        self.sign_out_button.clicked.connect(self.signOutRequested)
        right.addWidget(self.sign_out_button)
        panel = QWidget()
        panel.setFixedWidth(230)
        panel.setLayout(right)
        root.addWidget(panel)
        self._queue_rows: list[QWidget] = []

    # -- content ----------------------------------------------------------------------------------

    def set_header(self, text: str) -> None:
        self.header.setText(text)

    def set_timezone(self, tz: str | None) -> None:
        self.serving.timezone = tz

    def set_queues(self, statuses: list[Any]) -> None:
        for w in self._queue_rows:
            self.queues_grid.removeWidget(w)
            w.deleteLater()
        self._queue_rows = []
        total = 0
        for row, q in enumerate(statuses):
            prefix = make_label(q.prefix, "queue_prefix", align=Qt.AlignmentFlag.AlignCenter)
            name = make_label(q.name, "value")
            waiting = make_label(f"{q.waiting} 人", "queue_waiting", name=f"waiting_{q.prefix}")
            est = make_label(fmt.wait_range(q.est_wait_min, q.est_wait_max), "hint")
            for col, w in enumerate((prefix, name, waiting, est)):
                self.queues_grid.addWidget(w, row, col)
                self._queue_rows.append(w)
            total += int(q.waiting)
        self.queues_grid.setColumnStretch(1, 1)
        self.total_waiting.setText(f"共 {total} 人等候" if statuses else "本窗口未配置队列")
        self.total_waiting.setProperty("total", total)

    def set_parked(self, parked: list[Any]) -> None:
        selected = self.selected_parked()
        self.parked_list.clear()
        for p in parked:
            since = fmt.clock(p.parked_at, self.serving.timezone) if p.parked_at else ""
            text = f"{p.number}  {p.queue_name}" + (f"  · {since} 挂起" if since else "")
            if p.note:
                text += f"\n    {p.note}"
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, p.ticket_id)
            self.parked_list.addItem(item)
            if p.ticket_id == selected:
                self.parked_list.setCurrentItem(item)
        if self.parked_list.count() and self.parked_list.currentRow() < 0:
            self.parked_list.setCurrentRow(0)
        self.parked_hint.setText("选中后按 F4 恢复办理" if parked else "暂无挂起的号码")

    def selected_parked(self) -> int | None:
        item = self.parked_list.currentItem()
        return int(item.data(Qt.ItemDataRole.UserRole)) if item is not None else None

    def set_figures(self, figures: Any) -> None:
        self.figure_values["served"].setText(str(figures.served))
        self.figure_values["avg"].setText(fmt.duration(figures.avg_service_seconds))
        self.figure_values["no_shows"].setText(str(figures.no_shows))

    def update_actions(self, *, busy: bool, current: Any, on_break: bool, has_parked: bool,
                       signed_in: bool = True) -> None:
        """Enable what makes sense now; everything is disabled while a call is in flight."""
        status = str(current.status) if current is not None else ""
        holding = current is not None
        idle = signed_in and not holding and not on_break
        enabled = {
            "call_next": idle,
            "recall": holding and status == "called",
            "start": holding and status == "called",
            "finish": holding,
            "no_show": holding and status == "called",
            "park": signed_in and not on_break and (holding or has_parked),
            "transfer": holding,
            "call_specific": idle,
            "walk_direct": idle,
            "pause": signed_in and not holding,
            "consult": signed_in,
            "intake": signed_in and not on_break,
        }
        self.buttons["park"].set_label("挂起" if holding or not has_parked else "恢复挂起号")
        self.buttons["pause"].set_label("恢复服务" if on_break else "暂停服务")
        for key, button in self.buttons.items():
            button.setEnabled(enabled.get(key, False) and not busy)
        self.sign_out_button.setEnabled(signed_in and not holding and not busy)
