"""The workspace's dialogs. Layout and local checks only; the controller runs the service call.

A dialog stays open until the call succeeds: on an error (a Chinese message, e.g. the database is down) it
shows the message and keeps everything the clerk typed. Dialogs are window-modal and opened with `open()`
(never a nested event loop), so the workspace keeps its timers and events running behind them.
"""

from __future__ import annotations

import re
from typing import Any

from counter import format as fmt
from counter.qt import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    Qt,
    QTabWidget,
    QVBoxLayout,
    QWidget,
    Signal,
)
from counter.views.widgets import Banner, make_label

NUMBER_RE = re.compile(r"^[A-Z]{1,4}\d{1,4}$")


class FormDialog(QDialog):
    """Title, a body for fields, an error line, and 确定 / 取消. `submitted(dict)` when the fields are valid."""

    name = "dialog"
    submitted = Signal(dict)

    def __init__(self, title: str, ok_text: str = "确定", parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName(f"dialog_{self.name}")
        self.setWindowTitle(title)
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.setMinimumWidth(460)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(22, 18, 22, 18)
        outer.setSpacing(12)
        self.title_label = make_label(title, "app_title")
        outer.addWidget(self.title_label)
        self.body = QVBoxLayout()
        self.body.setSpacing(10)
        outer.addLayout(self.body, 1)
        self.error = Banner()
        self.error.setObjectName("dialog_error")
        outer.addWidget(self.error)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.cancel_button = QPushButton("取消")
        self.cancel_button.setObjectName("dialog_cancel")
        self.cancel_button.setAutoDefault(False)
        self.cancel_button.clicked.connect(self.reject)
        self.ok_button = QPushButton(ok_text)
        self.ok_button.setObjectName("dialog_ok")
        self.ok_button.setProperty("kind", "primary")
        self.ok_button.setDefault(True)
        self.ok_button.clicked.connect(self.submit)
        self._ok_text = ok_text
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.ok_button)
        outer.addLayout(buttons)

    def values(self) -> dict[str, Any]:
        """The fields as a dict; raise ValueError("中文提示") when something is missing."""
        return {}

    def submit(self) -> None:
        if not self.ok_button.isEnabled():
            return
        try:
            data = self.values()
        except ValueError as exc:
            self.show_error(str(exc))
            return
        self.error.clear_message()
        self.submitted.emit(data)

    def set_busy(self, busy: bool) -> None:
        self.ok_button.setEnabled(not busy)
        self.ok_button.setText("正在提交…" if busy else self._ok_text)

    def show_error(self, text: str) -> None:
        self.error.show_message(text, "error")


class NoShowDialog(FormDialog):
    name = "no_show"

    def __init__(self, number: str, parent: QWidget | None = None):
        super().__init__(f"过号：{number}", "确认过号", parent)
        self.body.addWidget(make_label(f"{number} 号多次呼叫未到，标记为过号。", wrap=True))
        self.requeue = QCheckBox("重新排队（群众稍后到场时可再次叫到）")
        self.requeue.setObjectName("requeue")
        self.body.addWidget(self.requeue)

    def values(self) -> dict[str, Any]:
        return {"requeue": self.requeue.isChecked()}


class ParkDialog(FormDialog):
    name = "park"
    SUGGESTIONS = ["等候补充材料", "等候后台审核", "群众临时离开", "系统故障"]

    def __init__(self, number: str, parent: QWidget | None = None):
        super().__init__(f"挂起：{number}", "挂起", parent)
        self.body.addWidget(make_label("挂起后可先办理下一位，稍后在“挂起的号码”中恢复。", "hint", wrap=True))
        self.note = QComboBox()
        self.note.setObjectName("park_note")
        self.note.setEditable(True)
        self.note.addItems([""] + self.SUGGESTIONS)
        self.note.lineEdit().setPlaceholderText("挂起原因（可不填）")
        self.note.lineEdit().setMaxLength(200)
        form = QFormLayout()
        form.addRow("原因", self.note)
        self.body.addLayout(form)

    def values(self) -> dict[str, Any]:
        return {"note": self.note.currentText().strip()}


class CallNumberDialog(FormDialog):
    name = "call_specific"

    def __init__(self, parent: QWidget | None = None):
        super().__init__("指定叫号", "叫号", parent)
        self.number = QLineEdit()
        self.number.setObjectName("number")
        self.number.setPlaceholderText("如 A012")
        self.number.setMaxLength(8)
        self.number.textEdited.connect(self._upper)
        form = QFormLayout()
        form.addRow("号码", self.number)
        self.body.addLayout(form)
        self.body.addWidget(make_label("可叫本窗口队列中等候的号码，或转给本窗口的号码。", "hint", wrap=True))
        self.number.returnPressed.connect(self.submit)

    def _upper(self, text: str) -> None:
        pos = self.number.cursorPosition()
        self.number.setText(text.upper())
        self.number.setCursorPosition(pos)

    def values(self) -> dict[str, Any]:
        number = self.number.text().strip().upper()
        if not number:
            raise ValueError("请输入号码，如 A012。")
        if not NUMBER_RE.match(number):
            raise ValueError(f"号码“{number}”格式不对：应为字母加数字，如 A012。")
        return {"number": number}


class WalkDirectDialog(FormDialog):
    name = "walk_direct"

    def __init__(self, queues: list[Any], parent: QWidget | None = None):
        super().__init__("无号办理", "开始办理", parent)
        self.body.addWidget(
            make_label("群众未取号直接到窗口（如预约、绿色通道、简单咨询转办理）时使用，系统会补记一个号码。", "hint",
                       wrap=True)
        )
        self.queue = QComboBox()
        self.queue.setObjectName("walk_queue")
        for q in queues:
            self.queue.addItem(f"{q.prefix}  {q.name}", q.queue_id)
        self.note = QLineEdit()
        self.note.setObjectName("walk_note")
        self.note.setMaxLength(200)
        self.note.setPlaceholderText("说明（可不填），如：绿色通道、预约到场")
        form = QFormLayout()
        form.addRow("业务", self.queue)
        form.addRow("说明", self.note)
        self.body.addLayout(form)

    def values(self) -> dict[str, Any]:
        if self.queue.currentData() is None:
            raise ValueError("请选择业务队列。")
        return {"queue_id": int(self.queue.currentData()), "note": self.note.text().strip()}


class BreakDialog(FormDialog):
    name = "pause"

    def __init__(self, reasons: list[str], parent: QWidget | None = None):
        super().__init__("暂停服务", "暂停服务", parent)
        self.body.addWidget(make_label("请选择暂停原因。暂停期间本窗口不叫号，叫号屏显示“暂停服务”。", "hint", wrap=True))
        self.group = QButtonGroup(self)
        grid = QGridLayout()
        grid.setHorizontalSpacing(24)
        grid.setVerticalSpacing(8)
        if "其他" not in reasons:
            reasons = [*reasons, "其他"]
        self.radios: dict[str, QRadioButton] = {}
        for i, reason in enumerate(reasons):
            radio = QRadioButton(reason)
            radio.setObjectName(f"reason_{i}")
            self.group.addButton(radio)
            self.radios[reason] = radio
            grid.addWidget(radio, i // 2, i % 2)
        self.body.addLayout(grid)
        self.detail = QLineEdit()
        self.detail.setObjectName("reason_detail")
        self.detail.setMaxLength(120)
        self.detail.setPlaceholderText("补充说明（选“其他”时必填）")
        self.body.addWidget(self.detail)

    def values(self) -> dict[str, Any]:
        checked = self.group.checkedButton()
        if checked is None:
            raise ValueError("请选择暂停原因。")
        reason = checked.text()
        detail = self.detail.text().strip()
        if reason == "其他":
            if not detail:
                raise ValueError("选择“其他”时请填写原因。")
            return {"reason": f"其他：{detail}"}
        return {"reason": f"{reason}：{detail}" if detail else reason}


class TransferDialog(FormDialog):
    name = "transfer"

    def __init__(self, number: str, targets: Any, parent: QWidget | None = None):
        super().__init__(f"转移：{number}", "转移", parent)
        self.setMinimumSize(560, 520)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("transfer_tabs")
        self.queue_list = self._list("transfer_queues")
        for q in targets.queues:
            self._add(self.queue_list, f"{q.prefix}  {q.name}（等候 {q.waiting} 人）", q.queue_id)
        self.window_list = self._list("transfer_windows")
        for w in targets.windows:
            self._add(self.window_list, w.label, w.id)
        self.clerk_list = self._list("transfer_clerks")
        for c in targets.clerks:
            self._add(self.clerk_list, c.label, c.staff_id)
        if not targets.clerks:
            self.clerk_list.addItem(QListWidgetItem("（暂无其他已签到的工作人员）"))
            self.clerk_list.item(0).setFlags(Qt.ItemFlag.NoItemFlags)
        self.tabs.addTab(self.queue_list, "转到队列")
        self.tabs.addTab(self.window_list, "转到窗口")
        self.tabs.addTab(self.clerk_list, "转给工作人员")
        self.body.addWidget(self.tabs, 1)
        self.note = QPlainTextEdit()
        self.note.setObjectName("transfer_note")
        self.note.setPlaceholderText("转移说明（对方窗口可见），如：已核对身份证，需办理税务登记")
        self.note.setFixedHeight(76)
        self.note.setTabChangesFocus(True)
        self.body.addWidget(self.note)
        self.return_after = QCheckBox("办完后返回原队列（继续在本业务办理）")
        self.return_after.setObjectName("return_after")
        self.body.addWidget(self.return_after)

    @staticmethod
    def _list(name: str) -> QListWidget:
        lw = QListWidget()
        lw.setObjectName(name)
        return lw

    @staticmethod
    def _add(lw: QListWidget, text: str, value: int) -> None:
        item = QListWidgetItem(text)
        item.setData(Qt.ItemDataRole.UserRole, value)
        lw.addItem(item)

    def select(self, tab: int, row: int) -> None:
        self.tabs.setCurrentIndex(tab)
        lw = (self.queue_list, self.window_list, self.clerk_list)[tab]
        lw.setCurrentRow(row)

    def values(self) -> dict[str, Any]:
        tab = self.tabs.currentIndex()
        lw = (self.queue_list, self.window_list, self.clerk_list)[tab]
        item = lw.currentItem()
        value = item.data(Qt.ItemDataRole.UserRole) if item is not None else None
        if value is None:
            raise ValueError(("请选择要转到的队列。", "请选择要转到的窗口。", "请选择要转给的工作人员。")[tab])
        note = self.note.toPlainText().strip()
        if len(note) > 500:
            raise ValueError("转移说明不能超过 500 个字。")
        key = ("to_queue_id", "to_window_id", "to_staff_id")[tab]
        return {key: int(value), "note": note, "return_after": self.return_after.isChecked()}


class ConsultationDialog(FormDialog):
    name = "consult"

    def __init__(self, windows: list[Any], ticket: Any = None, parent: QWidget | None = None):
        super().__init__("首问登记", "登记", parent)
        self.setMinimumWidth(540)
        self.ticket_id = ticket.ticket_id if ticket is not None else None
        self.body.addWidget(
            make_label("首问负责：群众咨询非本窗口业务时，登记咨询内容和引导去向。", "hint", wrap=True)
        )
        self.topic = QPlainTextEdit()
        self.topic.setObjectName("topic")
        self.topic.setPlaceholderText("咨询内容，如：个体户营业执照变更经营范围需要哪些材料")
        self.topic.setMinimumHeight(96)
        self.topic.setTabChangesFocus(True)
        self.directed_to = QComboBox()
        self.directed_to.setObjectName("directed_to")
        self.directed_to.setEditable(True)
        self.directed_to.addItem("")
        self.directed_to.addItem("当场解答")
        for w in windows:
            self.directed_to.addItem(w.label)
        self.directed_to.lineEdit().setPlaceholderText("引导去向，如：5号窗口 税务办理")
        self.directed_to.lineEdit().setMaxLength(200)
        self.item_code = QLineEdit()
        self.item_code.setObjectName("item_code")
        self.item_code.setPlaceholderText("事项编码（可不填）")
        self.item_code.setMaxLength(64)
        form = QFormLayout()
        form.addRow("咨询内容", self.topic)
        form.addRow("引导去向", self.directed_to)
        form.addRow("事项编码", self.item_code)
        self.body.addLayout(form)
        if ticket is not None:
            self.body.addWidget(make_label(f"关联号码：{ticket.number}", "hint"))

    def values(self) -> dict[str, Any]:
        topic = self.topic.toPlainText().strip()
        directed = self.directed_to.currentText().strip()
        if not topic:
            raise ValueError("请填写咨询内容。")
        if not directed:
            raise ValueError("请填写引导去向（当场解答的请选“当场解答”）。")
        return {"topic": topic, "directed_to": directed, "item_code": self.item_code.text().strip() or None,
                "ticket_id": self.ticket_id}


class ConfirmDialog(FormDialog):
    """A question with a primary answer; `choices` adds more buttons, each submitting {"choice": key}."""

    name = "confirm"

    def __init__(self, title: str, text: str, ok_text: str, *, name: str = "confirm",
                 choices: list[tuple[str, str]] | None = None, parent: QWidget | None = None):
        self.name = name
        super().__init__(title, ok_text, parent)
        self.body.addWidget(make_label(text, wrap=True))
        self.extra: dict[str, QPushButton] = {}
        if choices:
            layout = self.layout().itemAt(self.layout().count() - 1).layout()  # the button row
            for key, label in choices:
                button = QPushButton(label)
                button.setObjectName(f"choice_{key}")
                button.setAutoDefault(False)
                button.clicked.connect(lambda _=False, k=key: self._choose(k))
                layout.insertWidget(1, button)
                self.extra[key] = button

    def _choose(self, key: str) -> None:
        self.error.clear_message()
        self.submitted.emit({"choice": key})

    def values(self) -> dict[str, Any]:
        return {"choice": "ok"}

    def set_busy(self, busy: bool) -> None:
        super().set_busy(busy)
        for button in self.extra.values():
            button.setEnabled(not busy)


def ticket_summary(ticket: Any) -> str:
    prio = f"（{fmt.priority_label(ticket.priority)}）" if fmt.is_priority(ticket.priority) else ""
    return f"{ticket.number} {ticket.queue_name}{prio}"
