"""预约登记: a clerk books a later visit for the citizen at the window (e.g. to come back with the missing materials):
business, day, slot with what is left, and the person. Layout and local checks only."""

from __future__ import annotations

from typing import Any

from counter.qt import QComboBox, QFormLayout, QLineEdit, QListWidget, QListWidgetItem, Qt, QWidget, Signal
from counter.views.dialogs import FormDialog
from counter.views.widgets import make_label


class AppointmentDialog(FormDialog):
    name = "appointment"
    queueChosen = Signal(int)  # queue id → the controller loads its open days
    dayChosen = Signal(int, object)  # queue id, day → the controller loads the slots

    def __init__(self, queues: list[Any], parent: QWidget | None = None):
        super().__init__("预约登记", "预约", parent)
        self.setMinimumWidth(560)
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        self.queue_box = QComboBox()
        self.queue_box.setObjectName("appointment_queue")
        for q in queues:
            special = q.appointment_only and "预约" not in q.name
            self.queue_box.addItem(f"{q.prefix} {q.name}" + ("（预约专窗）" if special else ""), q.id)
        self.day_box = QComboBox()
        self.day_box.setObjectName("appointment_day")
        self.slot_list = QListWidget()
        self.slot_list.setObjectName("appointment_slots")
        self.slot_list.setMinimumHeight(150)
        self.name_edit = QLineEdit()
        self.name_edit.setObjectName("appointment_name")
        self.name_edit.setMaxLength(50)
        self.id_edit = QLineEdit()
        self.id_edit.setObjectName("appointment_id")
        self.id_edit.setMaxLength(22)
        self.id_edit.setPlaceholderText("18 位身份证号码")
        self.phone_edit = QLineEdit()
        self.phone_edit.setObjectName("appointment_phone")
        self.phone_edit.setMaxLength(20)
        self.phone_edit.setPlaceholderText("手机号码（可不填）")
        form.addRow("业务", self.queue_box)
        form.addRow("日期", self.day_box)
        form.addRow("时段", self.slot_list)
        form.addRow("姓名", self.name_edit)
        form.addRow("身份证号", self.id_edit)
        form.addRow("手机", self.phone_edit)
        self.body.addLayout(form)
        self.hint = make_label("每个时段的余量随预约实时变化；约满的时段不能选。", "hint", wrap=True)
        self.body.addWidget(self.hint)
        self.queue_box.currentIndexChanged.connect(lambda _i: self._queue_changed())
        self.day_box.currentIndexChanged.connect(lambda _i: self._day_changed())

    def start(self) -> None:
        """Ask for the first queue's days (after the controller connected the signals)."""
        self._queue_changed()

    def _queue_changed(self) -> None:
        self.day_box.clear()
        self.slot_list.clear()
        if self.queue_box.currentData() is not None:
            self.queueChosen.emit(int(self.queue_box.currentData()))

    def _day_changed(self) -> None:
        self.slot_list.clear()
        if self.queue_box.currentData() is not None and self.day_box.currentData() is not None:
            self.dayChosen.emit(int(self.queue_box.currentData()), self.day_box.currentData())

    def set_days(self, days: list[Any]) -> None:
        self.day_box.blockSignals(True)
        self.day_box.clear()
        for d in days:
            self.day_box.addItem(f"{d.month}月{d.day}日 星期{'一二三四五六日'[d.weekday()]}", d)
        self.day_box.blockSignals(False)
        if not days:
            self.show_error("该业务近期没有可预约的日期。")
        self._day_changed()

    def set_slots(self, slots: list[Any]) -> None:
        self.slot_list.clear()
        first = None
        for sl in slots:
            full = sl.left <= 0 or not sl.bookable
            why = "已开始" if not sl.bookable else ("已约满" if sl.left <= 0 else f"余 {sl.left}")
            item = QListWidgetItem(f"{sl.label}    {why}")
            item.setData(Qt.ItemDataRole.UserRole, sl.start)
            if full:
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEnabled & ~Qt.ItemFlag.ItemIsSelectable)
            elif first is None:
                first = item
            self.slot_list.addItem(item)
        if first is not None:
            self.slot_list.setCurrentItem(first)

    def values(self) -> dict[str, Any]:
        item = self.slot_list.currentItem()
        if self.queue_box.currentData() is None or self.day_box.currentData() is None:
            raise ValueError("请选择业务和日期。")
        if item is None or not (item.flags() & Qt.ItemFlag.ItemIsEnabled):
            raise ValueError("请选择一个还有余量的时段。")
        name = self.name_edit.text().strip()
        id_number = self.id_edit.text().strip()
        if not name:
            raise ValueError("请填写预约人姓名。")
        if not id_number:
            raise ValueError("请填写预约人身份证号码。")
        return {"queue_id": int(self.queue_box.currentData()), "day": self.day_box.currentData(),
                "slot": item.data(Qt.ItemDataRole.UserRole), "name": name, "id_number": id_number,
                "phone": self.phone_edit.text().strip()}
