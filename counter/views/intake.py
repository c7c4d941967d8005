"""受理办件: the intake dialog (F12) and the notice dialog shown after it. Layout and local checks only.

The intake dialog is one keyboard-friendly screen in four parts:
① 事项 — type Chinese, pinyin or initials; results as you type (↓ into the list, Enter picks); or a 一件事 bundle,
   then one of its items; ② 申请人 — person or enterprise, ID number / 统一社会信用代码, phone, agent; every field
   is checked when the clerk leaves it and the message stands under the field; ③ 材料 — tick what was handed in
   (Space toggles, "全部已收" Alt+A); 容缺 materials can be deferred with a due date; ④ 办理方式 — the seven handling
   types (Alt+1 … Alt+7) with what each needs, 告知承诺, pickup or mail. The deadline the decision gives is shown
   before confirming (Ctrl+Enter).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from common.validation import ValidationError, validate_id_number, validate_mobile, validate_person_name, validate_uscc
from counter.qt import (
    QAbstractItemView,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDate,
    QDateEdit,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QKeySequence,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPixmap,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QShortcut,
    QSpinBox,
    QStackedWidget,
    Qt,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
    Signal,
)
from counter.views.dialogs import FormDialog
from counter.views.widgets import Card, make_label, set_state

# The seven handling types in the seed's order (七类事项办理制, 000); Alt+1 … Alt+7 pick them.
CASE_TYPES: list[tuple[str, str, str]] = [
    ("immediate", "即办件", "材料齐全、符合条件：当场受理并办结，出具受理通知书。"),
    ("rejected", "退办件", "不予受理：须说明理由，出具不予受理告知书。重大项目须首席代表确认。"),
    ("correction", "补办件", "材料不全：一次性告知需补正的全部材料，补齐之日起计时。"),
    ("promised", "承诺件", "需审核或现场踏勘：出具受理通知书（承诺书），按承诺时限办结。"),
    ("joint", "联办件", "涉及两个以上部门：本部门牵头，联办部门各自限时，逾期视为同意。"),
    ("escalated", "上报件", "窗口初审后报上级机关审批，中心督办并跟踪时限。"),
    ("urgent", "特办件", "时间紧迫、特别重要：按特别程序紧急办理，缩短时限，优先审批。"),
]
TYPE_LABELS = {key: label for key, label, _ in CASE_TYPES}

FIELD_WIDGETS = {"name": "name", "id_number": "id_no", "uscc": "id_no", "mobile": "phone",
                 "agent_name": "agent_name"}


def _material_text(m: Any, always: bool = False) -> str:
    """The name, with the counts when they are not the usual 原件1份 (or always, for the one-time notice list)."""
    if not always and m.originals == 1 and not m.copies:
        return m.name
    counts = [f"原件{m.originals}份"] if m.originals else []
    if m.copies:
        counts.append(f"复印件{m.copies}份")
    return m.name + (f"（{'，'.join(counts)}）" if counts else "")


class FieldError(QLabel):
    """The red line under a field."""

    def __init__(self, name: str):
        super().__init__()
        self.setObjectName(f"error_{name}")
        self.setProperty("kind", "field_error")
        self.setWordWrap(True)
        self.hide()

    def show_text(self, text: str) -> None:
        self.setText(text)
        self.setVisible(bool(text))


class ChecklistTable(QTableWidget):
    """The material checklist. Space toggles 已收 of the current row (or 容缺 in that column)."""

    PROVIDED, NAME, NEED, DEFER = range(4)

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt naming
        super().resizeEvent(event)
        self.resizeRowsToContents()  # long names wrap in the stretched column

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt naming
        if event.key() == Qt.Key.Key_Space and self.currentRow() >= 0:
            col = self.DEFER if self.currentColumn() == self.DEFER else self.PROVIDED
            item = self.item(self.currentRow(), col)
            if item is not None and item.flags() & Qt.ItemFlag.ItemIsUserCheckable:
                checked = item.checkState() == Qt.CheckState.Checked
                item.setCheckState(Qt.CheckState.Unchecked if checked else Qt.CheckState.Checked)
            event.accept()
            return
        super().keyPressEvent(event)


class IntakeDialog(FormDialog):
    name = "intake"
    searchChanged = Signal(str)  # the controller searches the in-memory index and calls set_results
    itemChosen = Signal(str)  # item code: the controller loads the checklist
    bundleChosen = Signal(str)  # bundle code: the controller loads its items
    previewRequested = Signal()  # the decision changed: the controller computes the deadline

    def __init__(self, ticket_text: str = "", parent: QWidget | None = None):
        super().__init__("受理办件" + (f" · {ticket_text}" if ticket_text else " · 未关联排队号"), "确认受理", parent)
        self.setMinimumSize(1200, 750)
        self.ok_button.setDefault(False)
        self.ok_button.setAutoDefault(False)
        self.ok_button.setText("确认受理  Ctrl+Enter")
        self._ok_text = "确认受理  Ctrl+Enter"
        self.checklist: Any = None
        self.hits: list[Any] = []
        self._bundle_items: list[Any] | None = None
        self.today = QDate.currentDate()
        self.signer_needed = False

        cols = QHBoxLayout()
        cols.setSpacing(12)
        self.body.addLayout(cols, 1)
        cols.addWidget(self._build_item_column(), 0)
        cols.addWidget(self._build_applicant_column(), 1)
        cols.addWidget(self._build_type_column(), 0)

        self.preview = make_label("请先选择事项", "deadline", wrap=True, name="deadline_preview")
        self.body.addWidget(self.preview)

        submit = QShortcut(QKeySequence("Ctrl+Return"), self)
        submit.activated.connect(self.submit)
        submit2 = QShortcut(QKeySequence("Ctrl+Enter"), self)
        submit2.activated.connect(self.submit)
        find = QShortcut(QKeySequence("Ctrl+F"), self)
        find.activated.connect(lambda: (self.search.setFocus(), self.search.selectAll()))
        self._set_item_enabled(False)
        self.search.setFocus()

    # ------------------------------------------------------------------ ① the item

    def _build_item_column(self) -> QWidget:
        card = Card("① 选择事项")
        card.setFixedWidth(300)
        self.search = QLineEdit()
        self.search.setObjectName("item_search")
        self.search.setPlaceholderText("名称、拼音或首字母（Ctrl+F）")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self._search_changed)
        self.search.returnPressed.connect(self.pick_current)
        self.search.installEventFilter(self)
        card.body.addWidget(self.search)
        self.results = QListWidget()
        self.results.setObjectName("item_results")
        self.results.setWordWrap(True)
        self.results.itemActivated.connect(lambda _item: self.pick_current())
        self.results.itemDoubleClicked.connect(lambda _item: self.pick_current())
        card.body.addWidget(self.results, 1)
        self.results_hint = make_label("例：yyzz、营业执照、开店。输入后按 ↓ 选择，Enter 确定", "hint", wrap=True)
        card.body.addWidget(self.results_hint)
        self.bundle_box = QComboBox()
        self.bundle_box.setObjectName("bundle_box")
        self.bundle_box.addItem("按“一件事”选择…", None)
        self.bundle_box.activated.connect(self._bundle_activated)
        card.body.addWidget(self.bundle_box)
        self.item_card = make_label("尚未选择事项", "item_card", wrap=True, name="item_card")
        self.item_card.setMinimumHeight(92)
        self.item_card.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        card.body.addWidget(self.item_card)
        return card

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 - Qt naming
        if obj is self.search and event.type() == event.Type.KeyPress and event.key() in (Qt.Key.Key_Down,
                                                                                           Qt.Key.Key_Up):
            if self.results.count():
                self.results.setFocus()
                row = self.results.currentRow()
                step = 1 if event.key() == Qt.Key.Key_Down else -1
                self.results.setCurrentRow(max(0, min(self.results.count() - 1, row + step if row >= 0 else 0)))
            return True
        return super().eventFilter(obj, event)

    def _search_changed(self, text: str) -> None:
        self._bundle_items = None
        self.searchChanged.emit(text.strip())

    def set_results(self, hits: list[Any], hint: str = "") -> None:
        """SearchHit list (items and bundles), best first."""
        self.hits = list(hits)
        self.results.clear()
        for h in self.hits:
            if h.kind == "bundle":
                text = f"【一件事】{h.name}\n    {h.department}"
            else:
                text = f"{h.name}\n    {h.department}"
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, (h.kind, h.code))
            self.results.addItem(item)
        if self.hits:
            self.results.setCurrentRow(0)
        self.results_hint.setText(hint or ("输入后按 ↓ 选择，Enter 确定" if self.hits or not self.search.text()
                                           else "没有找到，请换个说法或用拼音首字母"))

    def set_bundles(self, bundles: list[Any]) -> None:
        for b in bundles:
            self.bundle_box.addItem(f"{b.name}（{len(b.item_codes)} 项）", b.code)

    def _bundle_activated(self, index: int) -> None:
        code = self.bundle_box.itemData(index)
        if code:
            self.bundleChosen.emit(code)

    def show_bundle(self, guide: Any) -> None:
        """A bundle's items in the result list: each is taken in as its own case."""
        self._bundle_items = list(guide.items)
        self.results.clear()
        for it in guide.items:
            item = QListWidgetItem(f"{it.name}\n    {it.department} · {it.handling_label}")
            item.setData(Qt.ItemDataRole.UserRole, ("item", it.code))
            self.results.addItem(item)
        if guide.items:
            self.results.setCurrentRow(0)
        self.results_hint.setText(f"“{guide.name}”共 {len(guide.items)} 项：每项单独受理，选一项后 Enter")
        self.results.setFocus()

    def pick_current(self) -> None:
        item = self.results.currentItem() or (self.results.item(0) if self.results.count() else None)
        if item is None:
            return
        kind, code = item.data(Qt.ItemDataRole.UserRole)
        if kind == "bundle":
            self.bundleChosen.emit(code)
        else:
            self.itemChosen.emit(code)

    def set_checklist(self, cl: Any) -> None:
        """The chosen item's current version and its material list."""
        self.checklist = cl
        limit = "即办：当场办结" if not cl.promised_days else f"承诺 {cl.promised_days} 个工作日"
        if cl.statutory_days:
            limit += f"（法定 {cl.statutory_days} 日）"
        tags = [cl.department, limit]
        flags = []
        if cl.major_project:
            flags.append("重大项目")
        if cl.notify_commit:
            flags.append("可告知承诺")
        self.item_card.setText(f"<b>{cl.item_name}</b><br>{tags[0]}<br>{tags[1]}<br>"
                               f"办事指南第 {cl.version} 版 · {cl.item_code}"
                               + (f"<br><span style='color:#B3261E'>{'、'.join(flags)}</span>" if flags else ""))
        self._fill_materials(cl.materials)
        self.commitment.setEnabled(cl.notify_commit)
        if not cl.notify_commit:
            self.commitment.setChecked(False)
        self.commitment.setText("告知承诺（申请人已签署承诺书）" if cl.notify_commit else "告知承诺（本事项不适用）")
        self.signer_box.setVisible(cl.major_project)
        self.signer_needed = cl.major_project
        if self.group.checkedButton() is None or not self._type_touched:
            self.select_type("immediate" if cl.handling == "immediate" else "promised", touched=False)
        self.urgent_days.setMaximum(max(1, cl.promised_days or cl.statutory_days or 20))
        self.urgent_days.setValue(max(1, (cl.promised_days or cl.statutory_days or 20) // 2))
        limit = cl.promised_days or cl.statutory_days or 20
        for row in range(self.joint_table.rowCount()):
            spin = self.joint_table.cellWidget(row, 1)
            spin.setMaximum(max(1, limit))
            spin.setValue(max(1, limit))
            lead = self.joint_table.item(row, 0).text() == cl.department  # the lead department is not a joint one
            self.joint_table.setRowHidden(row, lead)
            if lead:
                self.joint_table.item(row, 0).setCheckState(Qt.CheckState.Unchecked)
        self._set_item_enabled(True)
        self.field_errors["item"].show_text("")
        current = self.case_type()
        if current is not None:
            self._type_changed(current)  # the new item's flags (告知承诺) and deadline
        self.name.setFocus()

    def _set_item_enabled(self, on: bool) -> None:
        for w in (self.applicant_box, self.materials_box, self.type_box):
            w.setEnabled(on)

    # ------------------------------------------------------------------ ② the applicant, ③ the materials

    def _build_applicant_column(self) -> QWidget:
        col = QWidget()
        lay = QVBoxLayout(col)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(12)
        self.field_errors: dict[str, FieldError] = {"item": FieldError("item")}

        self.applicant_box = Card("② 申请人")
        grid = QGridLayout()
        grid.setHorizontalSpacing(10)
        grid.setVerticalSpacing(2)
        kind_row = QHBoxLayout()
        self.kind_group = QButtonGroup(self)
        self.person = QRadioButton("个人(&P)")
        self.person.setObjectName("kind_person")
        self.enterprise = QRadioButton("企业/单位(&E)")
        self.enterprise.setObjectName("kind_enterprise")
        self.person.setChecked(True)
        for r in (self.person, self.enterprise):
            self.kind_group.addButton(r)
            kind_row.addWidget(r)
        kind_row.addStretch(1)
        self.enterprise.toggled.connect(self._kind_changed)
        grid.addLayout(kind_row, 0, 0, 1, 2)

        def field(name: str, placeholder: str, max_len: int) -> QLineEdit:
            edit = QLineEdit()
            edit.setObjectName(f"applicant_{name}")
            edit.setPlaceholderText(placeholder)
            edit.setMaxLength(max_len)
            edit.returnPressed.connect(self.focusNextChild)
            edit.editingFinished.connect(lambda n=name: self.check_field(n))
            self.field_errors[name] = FieldError(name)
            return edit

        self.name = field("name", "申请人姓名", 200)
        self.id_no = field("id_no", "18 位居民身份证号码", 30)
        self.phone = field("phone", "手机号码（可不填）", 20)
        self.agent_name = field("agent_name", "代理人/经办人姓名（可不填）", 50)
        self.agent_id = field("agent_id", "代理人身份证号码", 30)
        self.name_label = make_label("姓名", "field")
        self.id_label = make_label("身份证号码", "field")
        self.has_agent = QCheckBox("代理人（经办人）办理(&G)")
        self.has_agent.setObjectName("has_agent")
        self.agent_labels = [make_label("代理人姓名", "field"), make_label("代理人身份证号码", "field")]
        cells = [(self.name_label, self.name, "name"), (self.id_label, self.id_no, "id_no"),
                 (make_label("手机号码", "field"), self.phone, "phone"), (None, self.has_agent, None),
                 (self.agent_labels[0], self.agent_name, "agent_name"),
                 (self.agent_labels[1], self.agent_id, "agent_id")]
        for i, (label, edit, key) in enumerate(cells):
            r, c = divmod(i, 2)
            if label is not None:
                grid.addWidget(label, 1 + r * 3, c)
            grid.addWidget(edit, 2 + r * 3, c)
            if key is not None:
                grid.addWidget(self.field_errors[key], 3 + r * 3, c)
        self.has_agent.toggled.connect(self._agent_toggled)
        self._agent_toggled(False)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)
        self.applicant_box.body.addLayout(grid)
        lay.addWidget(self.applicant_box)

        self.materials_box = Card("③ 材料清单")
        self.materials_box.title_label.setToolTip("Space 勾选已收；可容缺的必交材料在“容缺后补”列勾选")
        title_row = QHBoxLayout()
        self.materials_box.body.removeWidget(self.materials_box.title_label)
        title_row.addWidget(self.materials_box.title_label)
        self.materials_summary = make_label("", "hint", name="materials_summary")
        self.materials_summary.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        title_row.addWidget(self.materials_summary, 1)
        self.materials_box.body.addLayout(title_row)
        self.materials = ChecklistTable(0, 4)
        self.materials.setObjectName("materials")
        self.materials.setHorizontalHeaderLabels(["已收", "材料名称（Space 勾选）", "要求", "容缺后补"])
        self.materials.verticalHeader().hide()
        self.materials.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.materials.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.materials.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.materials.setWordWrap(True)
        header = self.materials.horizontalHeader()
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        for c, w in ((0, 52), (2, 70), (3, 84)):
            header.setSectionResizeMode(c, QHeaderView.ResizeMode.Fixed)
            self.materials.setColumnWidth(c, w)
        self.materials.itemChanged.connect(self._material_changed)
        self.materials.setMinimumHeight(150)
        self.materials_box.body.addWidget(self.materials, 1)
        row = QHBoxLayout()
        self.all_button = QPushButton("全部已收(&A)")
        self.all_button.setObjectName("all_materials")
        self.all_button.setAutoDefault(False)
        self.all_button.clicked.connect(self.tick_all)
        row.addWidget(self.all_button)
        self.field_errors["materials"] = FieldError("materials")
        row.addWidget(self.field_errors["materials"], 1)
        row.addStretch(0)
        row.addWidget(make_label("容缺补交期限", "field"))
        self.defer_due = QDateEdit()
        self.defer_due.setObjectName("defer_due")
        self.defer_due.setCalendarPopup(True)
        self.defer_due.setDisplayFormat("yyyy-MM-dd")
        self.defer_due.setDate(self.today.addDays(10))
        self.defer_due.setMinimumDate(self.today.addDays(1))
        self.defer_due.dateChanged.connect(lambda _d: self._materials_summary())
        row.addWidget(self.defer_due)
        self.materials_box.body.addLayout(row)
        lay.addWidget(self.materials_box, 1)
        return col

    def _agent_toggled(self, on: bool) -> None:
        for w in (*self.agent_labels, self.agent_name, self.agent_id):
            w.setVisible(on)
        if not on:
            self.agent_name.clear()
            self.agent_id.clear()
            self.field_errors["agent_name"].show_text("")
            self.field_errors["agent_id"].show_text("")
        else:
            self.agent_name.setFocus()

    def _kind_changed(self, enterprise: bool) -> None:
        self.name_label.setText("企业名称" if enterprise else "姓名")
        self.id_label.setText("统一社会信用代码" if enterprise else "身份证号码")
        self.name.setPlaceholderText("营业执照上的名称" if enterprise else "申请人姓名")
        self.id_no.setPlaceholderText("18 位统一社会信用代码" if enterprise else "18 位居民身份证号码")
        self.field_errors["name"].show_text("")
        self.field_errors["id_no"].show_text("")

    def _fill_materials(self, materials: list[Any]) -> None:
        self.materials.blockSignals(True)
        self.materials.setRowCount(0)
        for m in materials:
            r = self.materials.rowCount()
            self.materials.insertRow(r)
            got = QTableWidgetItem("")
            got.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsSelectable)
            got.setCheckState(Qt.CheckState.Unchecked)
            got.setData(Qt.ItemDataRole.UserRole, m.material_id)
            self.materials.setItem(r, 0, got)
            name = QTableWidgetItem(_material_text(m))
            name.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
            name.setToolTip(m.notes)
            self.materials.setItem(r, 1, name)
            need = QTableWidgetItem("必交" if m.required else "选交")
            need.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
            self.materials.setItem(r, 2, need)
            defer = QTableWidgetItem("" if m.may_be_missing else "—")
            if m.may_be_missing and m.required:
                defer.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable
                               | Qt.ItemFlag.ItemIsSelectable)
                defer.setCheckState(Qt.CheckState.Unchecked)
            else:
                defer.setText("—")
                defer.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
            defer.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
            self.materials.setItem(r, 3, defer)
        self.materials.blockSignals(False)
        self.materials.resizeRowsToContents()
        if materials:
            self.materials.setCurrentCell(0, 0)
        self._materials_summary()

    def _material_changed(self, item: QTableWidgetItem) -> None:
        r, c = item.row(), item.column()
        if c not in (0, 3) or not (item.flags() & Qt.ItemFlag.ItemIsUserCheckable):
            return
        if item.checkState() == Qt.CheckState.Checked:  # 已收 and 容缺 exclude each other
            other = self.materials.item(r, 3 if c == 0 else 0)
            if other is not None and other.flags() & Qt.ItemFlag.ItemIsUserCheckable:
                self.materials.blockSignals(True)
                other.setCheckState(Qt.CheckState.Unchecked)
                self.materials.blockSignals(False)
        self._materials_summary()

    def tick_all(self) -> None:
        self.materials.blockSignals(True)
        for r in range(self.materials.rowCount()):
            self.materials.item(r, 0).setCheckState(Qt.CheckState.Checked)
            defer = self.materials.item(r, 3)
            if defer.flags() & Qt.ItemFlag.ItemIsUserCheckable:
                defer.setCheckState(Qt.CheckState.Unchecked)
        self.materials.blockSignals(False)
        self.materials.viewport().update()
        self._materials_summary()

    def set_provided(self, row: int, provided: bool = True) -> None:
        self.materials.item(row, 0).setCheckState(Qt.CheckState.Checked if provided else Qt.CheckState.Unchecked)

    def _rows(self) -> list[tuple[Any, bool, bool]]:
        """(material, provided, deferred) per row."""
        out = []
        if self.checklist is None:
            return out
        for r, m in enumerate(self.checklist.materials):
            got = self.materials.item(r, 0).checkState() == Qt.CheckState.Checked
            d = self.materials.item(r, 3)
            deferred = bool(d.flags() & Qt.ItemFlag.ItemIsUserCheckable) and d.checkState() == Qt.CheckState.Checked
            out.append((m, got, deferred))
        return out

    def missing_materials(self) -> list[Any]:
        return [m for m, got, deferred in self._rows() if m.required and not got and not deferred]

    def _materials_summary(self) -> None:
        rows = self._rows()
        missing = [m for m, got, deferred in rows if m.required and not got and not deferred]
        deferred = [m for m, _got, d in rows if d]
        parts = [f"已收 {sum(1 for _m, g, _d in rows if g)}/{len(rows)}"]
        if deferred:
            parts.append(f"容缺 {len(deferred)}")
        if missing:
            parts.append(f"缺必交 {len(missing)}")
        self.materials_summary.setText(" · ".join(parts) if rows else "")
        set_state(self.materials_summary, "level", "error" if missing else "")
        self.field_errors["materials"].show_text("")
        self._update_correction_list(missing)

    # ------------------------------------------------------------------ ④ the handling type

    def _build_type_column(self) -> QWidget:
        self.type_box = Card("④ 办理方式（Alt+1 … Alt+7）")
        self.type_box.setFixedWidth(330)
        grid = QGridLayout()
        grid.setHorizontalSpacing(8)
        grid.setVerticalSpacing(4)
        self.group = QButtonGroup(self)
        self.type_radios: dict[str, QRadioButton] = {}
        for i, (key, label, _hint) in enumerate(CASE_TYPES):
            radio = QRadioButton(f"{i + 1} {label}")
            radio.setObjectName(f"type_{key}")
            self.group.addButton(radio)
            self.type_radios[key] = radio
            grid.addWidget(radio, i // 2, i % 2)
            radio.toggled.connect(lambda on, k=key: on and self._type_changed(k))
            radio.clicked.connect(self._type_clicked)
            sc = QShortcut(QKeySequence(f"Alt+{i + 1}"), self)
            sc.activated.connect(lambda k=key: self.type_radios[k].isEnabled() and (self.select_type(k),
                                                                                   self.type_radios[k].setFocus()))
        self.type_box.body.addLayout(grid)
        self._type_touched = False
        self.type_hint = make_label("", "hint", wrap=True, name="type_hint")
        self.type_box.body.addWidget(self.type_hint)

        self.pages = QStackedWidget()
        self.pages.setObjectName("type_pages")
        self.page_index: dict[str, int] = {}
        self.type_box.body.addWidget(self.pages, 1)
        self._build_pages()

        self.commitment = QCheckBox("告知承诺（申请人已签署承诺书）")
        self.commitment.setObjectName("commitment")
        self.type_box.body.addWidget(self.commitment)
        delivery = QHBoxLayout()
        self.delivery_group = QButtonGroup(self)
        self.pickup = QRadioButton("窗口领取")
        self.pickup.setObjectName("delivery_pickup")
        self.mail = QRadioButton("邮寄送达")
        self.mail.setObjectName("delivery_mail")
        self.pickup.setChecked(True)
        for r in (self.pickup, self.mail):
            self.delivery_group.addButton(r)
            delivery.addWidget(r)
        delivery.addStretch(1)
        self.type_box.body.addLayout(delivery)
        self.address = QLineEdit()
        self.address.setObjectName("mail_address")
        self.address.setPlaceholderText("邮寄地址（省市县、街道门牌、收件人电话）")
        self.address.setMaxLength(300)
        self.address.setEnabled(False)
        self.mail.toggled.connect(self.address.setEnabled)
        self.type_box.body.addWidget(self.address)
        self.field_errors["address"] = FieldError("address")
        self.type_box.body.addWidget(self.field_errors["address"])
        return self.type_box

    def _page(self, key: str) -> QVBoxLayout:
        page = QWidget()
        lay = QVBoxLayout(page)
        lay.setContentsMargins(0, 4, 0, 0)
        lay.setSpacing(6)
        self.page_index[key] = self.pages.addWidget(page)
        return lay

    def _build_pages(self) -> None:
        lay = self._page("none")
        lay.addWidget(make_label("选定事项后，按材料情况选择办理方式：材料齐全可即办或承诺办理，"
                                 "材料不全出具一次性告知书（补办件）。", "hint", wrap=True))
        lay.addStretch(1)

        lay = self._page("immediate")
        lay.addWidget(make_label("受理后当场办结，状态为“已办结”；邮寄送达的办结后登记邮件单号。", "hint", wrap=True))
        lay.addStretch(1)

        lay = self._page("rejected")
        lay.addWidget(make_label("不予受理的理由（将印在告知书上）", "field"))
        self.reject_reason = QPlainTextEdit()
        self.reject_reason.setObjectName("reject_reason")
        self.reject_reason.setPlaceholderText("如：申请事项不属于本机关职权范围 / 属国家明令禁止的项目")
        self.reject_reason.setTabChangesFocus(True)
        self.reject_reason.setFixedHeight(72)
        self.reject_reason.textChanged.connect(lambda: self.field_errors["reason"].show_text(""))
        lay.addWidget(self.reject_reason)
        self.field_errors["reason"] = FieldError("reason")
        lay.addWidget(self.field_errors["reason"])
        self.signer_box = QWidget()
        sl = QGridLayout(self.signer_box)
        sl.setContentsMargins(0, 0, 0, 0)
        sl.addWidget(make_label("重大项目不予受理须本部门首席代表确认：", "warn_text", wrap=True), 0, 0, 1, 2)
        self.signer_no = QLineEdit()
        self.signer_no.setObjectName("signer_no")
        self.signer_no.setPlaceholderText("首席代表工号")
        self.signer_no.setMaxLength(32)
        self.signer_pw = QLineEdit()
        self.signer_pw.setObjectName("signer_password")
        self.signer_pw.setPlaceholderText("首席代表密码")
        self.signer_pw.setEchoMode(QLineEdit.EchoMode.Password)
        self.signer_pw.setMaxLength(128)
        sl.addWidget(self.signer_no, 1, 0)
        sl.addWidget(self.signer_pw, 1, 1)
        self.field_errors["signer"] = FieldError("signer")
        sl.addWidget(self.field_errors["signer"], 2, 0, 1, 2)
        self.signer_box.hide()
        lay.addWidget(self.signer_box)
        lay.addStretch(1)

        lay = self._page("correction")
        lay.addWidget(make_label("一次性告知书将列出以下全部缺少的材料：", "field", wrap=True))
        self.correction_list = make_label("（未勾选的必交材料）", "missing_list", wrap=True, name="correction_list")
        self.correction_list.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        lay.addWidget(self.correction_list)
        lay.addWidget(make_label("申请人补齐上述材料后，在“办件”页按编号查到本件，点“补交材料”即转为承诺件。", "hint",
                                 wrap=True))
        lay.addStretch(1)

        lay = self._page("promised")
        lay.addWidget(make_label("受理后转后台审批（受办分离），受理通知书载明承诺办结日期。", "hint", wrap=True))
        lay.addStretch(1)

        lay = self._page("joint")
        lay.addWidget(make_label("勾选联办部门并填写各自时限（工作日）：", "field", wrap=True))
        self.joint_table = QTableWidget(0, 2)
        self.joint_table.setObjectName("joint_table")
        self.joint_table.setHorizontalHeaderLabels(["联办部门", "时限"])
        self.joint_table.verticalHeader().hide()
        self.joint_table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.joint_table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Fixed)
        self.joint_table.setColumnWidth(1, 78)
        self.joint_table.verticalHeader().setDefaultSectionSize(34)
        self.joint_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.joint_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.joint_table.itemChanged.connect(lambda _i: self._joint_changed())
        lay.addWidget(self.joint_table, 1)
        self.field_errors["joint"] = FieldError("joint")
        lay.addWidget(self.field_errors["joint"])

        lay = self._page("escalated")
        lay.addWidget(make_label("报送的上级机关", "field"))
        self.authority = QLineEdit()
        self.authority.setObjectName("escalated_to")
        self.authority.setPlaceholderText("如：示例市住房和城乡建设局")
        self.authority.setMaxLength(200)
        self.authority.textChanged.connect(lambda: self.field_errors["authority"].show_text(""))
        lay.addWidget(self.authority)
        self.field_errors["authority"] = FieldError("authority")
        lay.addWidget(self.field_errors["authority"])
        lay.addWidget(make_label("窗口初审通过后上报；承办部门跟踪上级审批，按时限办理落实。", "hint", wrap=True))
        lay.addStretch(1)

        lay = self._page("urgent")
        lay.addWidget(make_label("特办理由", "field"))
        self.urgent_reason = QLineEdit()
        self.urgent_reason.setObjectName("urgent_reason")
        self.urgent_reason.setPlaceholderText("如：省重点项目，须在开工前取得许可")
        self.urgent_reason.setMaxLength(500)
        self.urgent_reason.textChanged.connect(lambda: self.field_errors["urgent"].show_text(""))
        lay.addWidget(self.urgent_reason)
        self.field_errors["urgent"] = FieldError("urgent")
        lay.addWidget(self.field_errors["urgent"])
        row = QHBoxLayout()
        row.addWidget(make_label("办理时限", "field"))
        self.urgent_days = QSpinBox()
        self.urgent_days.setObjectName("urgent_days")
        self.urgent_days.setRange(1, 20)
        self.urgent_days.setSuffix(" 个工作日")
        self.urgent_days.valueChanged.connect(lambda _v: self.previewRequested.emit())
        row.addWidget(self.urgent_days)
        row.addStretch(1)
        lay.addLayout(row)
        lay.addStretch(1)

    def set_departments(self, departments: list[Any]) -> None:
        """The departments a 联办件 can involve (code, name)."""
        self.joint_table.blockSignals(True)
        self.joint_table.setRowCount(0)
        for d in departments:
            r = self.joint_table.rowCount()
            self.joint_table.insertRow(r)
            item = QTableWidgetItem(d.name)
            item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsSelectable)
            item.setCheckState(Qt.CheckState.Unchecked)
            item.setData(Qt.ItemDataRole.UserRole, d.code)
            self.joint_table.setItem(r, 0, item)
            spin = QSpinBox()
            spin.setRange(1, 60)
            spin.setValue(5)
            spin.setObjectName(f"joint_days_{d.code}")
            spin.valueChanged.connect(lambda _v: self._joint_changed())
            self.joint_table.setCellWidget(r, 1, spin)
        self.joint_table.blockSignals(False)

    def joint_row(self, code: str) -> int:
        for r in range(self.joint_table.rowCount()):
            if self.joint_table.item(r, 0).data(Qt.ItemDataRole.UserRole) == code:
                return r
        raise KeyError(code)

    def _joint_changed(self) -> None:
        self.field_errors["joint"].show_text("")
        self.previewRequested.emit()

    def joint_parts(self) -> list[tuple[str, int]]:
        parts = []
        for r in range(self.joint_table.rowCount()):
            item = self.joint_table.item(r, 0)
            if item.checkState() == Qt.CheckState.Checked:
                parts.append((item.data(Qt.ItemDataRole.UserRole), int(self.joint_table.cellWidget(r, 1).value())))
        return parts

    def select_type(self, key: str, touched: bool = True) -> None:
        self.type_radios[key].setChecked(True)
        self._type_touched = self._type_touched or touched

    def case_type(self) -> str | None:
        for key, radio in self.type_radios.items():
            if radio.isChecked():
                return key
        return None

    def _type_clicked(self) -> None:
        self._type_touched = True  # the clerk chose: a later item change keeps the choice

    def _type_changed(self, key: str) -> None:
        self.pages.setCurrentIndex(self.page_index[key])
        self.type_hint.setText(next(h for k, _l, h in CASE_TYPES if k == key))
        self.ok_button.setText({"rejected": "不予受理", "correction": "出具一次性告知书"}.get(key, "确认受理")
                               + "  Ctrl+Enter")
        self._ok_text = self.ok_button.text()
        for w in (self.pickup, self.mail):
            w.setEnabled(key != "rejected")
        self.address.setEnabled(key != "rejected" and self.mail.isChecked())
        self.commitment.setEnabled(key != "rejected" and self.checklist is not None and self.checklist.notify_commit)
        if self.checklist is not None:
            self.set_preview("正在计算办结期限…", "muted")
        self.previewRequested.emit()

    def _update_correction_list(self, missing: list[Any]) -> None:
        if missing:
            self.correction_list.setText("\n".join(f"{i}. {_material_text(m, True)}" for i, m in enumerate(missing, 1)))
        else:
            self.correction_list.setText("（必交材料已齐全，无需补正）")

    # ------------------------------------------------------------------ the deadline, errors, values

    def set_preview(self, text: str, level: str = "info") -> None:
        self.preview.setText(text)
        set_state(self.preview, "level", level)

    def set_today(self, today: dt.date) -> None:
        self.today = QDate(today.year, today.month, today.day)
        self.defer_due.setMinimumDate(self.today.addDays(1))
        if self.defer_due.date() <= self.today:
            self.defer_due.setDate(self.today.addDays(10))

    def check_field(self, name: str) -> str:
        """Check one applicant field now; show (and return) its message."""
        enterprise = self.enterprise.isChecked()
        text = ""
        try:
            if name == "name":
                if enterprise:
                    if not self.name.text().strip():
                        text = "请输入企业名称"
                else:
                    validate_person_name(self.name.text())
            elif name == "id_no":
                (validate_uscc if enterprise else validate_id_number)(self.id_no.text())
            elif name == "phone":
                if self.phone.text().strip():
                    validate_mobile(self.phone.text())
            elif name == "agent_name":
                if self.has_agent.isChecked():
                    validate_person_name(self.agent_name.text(), field="agent_name")
            elif name == "agent_id":
                if self.has_agent.isChecked():
                    validate_id_number(self.agent_id.text())
        except ValidationError as exc:
            text = exc.message
        self.field_errors[name].show_text(text)
        return text

    def show_field_error(self, field: str, text: str) -> bool:
        """A service's ValidationError for a field; False when the field is not on this screen."""
        name = FIELD_WIDGETS.get(field)
        if name is None:
            return False
        self.field_errors[name].show_text(text)
        getattr(self, name).setFocus()
        return True

    def values(self) -> dict[str, Any]:
        first: QWidget | None = None

        def bad(name: str, text: str, widget: QWidget) -> None:
            nonlocal first
            self.field_errors[name].show_text(text)
            first = first or widget

        if self.checklist is None:
            self.field_errors["item"].show_text("请先选择事项")
            self.search.setFocus()
            raise ValueError("请先选择事项：输入事项名称、拼音或首字母，按 Enter 选定。")
        for name in ("name", "id_no", "phone", "agent_name", "agent_id"):
            if self.check_field(name):
                first = first or getattr(self, name)
        ctype = self.case_type()
        if ctype is None:
            raise ValueError("请选择办理方式（Alt+1 至 Alt+7）。")
        rows = self._rows()
        missing = [m for m, got, d in rows if m.required and not got and not d]
        deferred = {m.material_id: self.defer_due.date().toPython() for m, _g, d in rows if d}
        materials_problem = ""
        if ctype in ("immediate", "promised", "joint", "escalated", "urgent") and missing:
            materials_problem = ("缺少必交材料：" + "、".join(m.name for m in missing)
                                 + "。请收齐，或对可容缺的勾选“容缺后补”，或改为补办件（Alt+3）。")
        elif ctype == "immediate" and deferred:
            materials_problem = "即办件须当场办结，不能容缺受理；请改为承诺件（Alt+4）。"
        elif ctype == "correction" and not missing:
            materials_problem = "必交材料已齐全，无需补正，请直接受理。"
        if materials_problem:
            self.field_errors["materials"].show_text("见下方提示")
            first = first or self.materials
        reason = ""
        if ctype == "rejected":
            reason = self.reject_reason.toPlainText().strip()
            if not reason:
                bad("reason", "请填写不予受理的理由", self.reject_reason)
            if self.signer_needed and not (self.signer_no.text().strip() and self.signer_pw.text()):
                bad("signer", "请首席代表输入工号和密码确认", self.signer_no)
        if ctype == "joint" and not self.joint_parts():
            bad("joint", "请至少勾选一个联办部门", self.joint_table)
        if ctype == "escalated" and not self.authority.text().strip():
            bad("authority", "请填写报送的上级机关", self.authority)
        if ctype == "urgent":
            reason = self.urgent_reason.text().strip()
            if not reason:
                bad("urgent", "请填写特办理由", self.urgent_reason)
        if self.mail.isChecked() and not self.address.text().strip():
            bad("address", "邮寄送达请填写邮寄地址", self.address)
        if first is not None:
            first.setFocus()
            others = any(not e.isHidden() for k, e in self.field_errors.items() if k != "materials")
            if materials_problem:
                raise ValueError(materials_problem + ("另请更正标红的内容。" if others else ""))
            raise ValueError("请更正标红的内容后再提交。")
        signer = None
        if ctype == "rejected" and self.signer_needed:
            signer = (self.signer_no.text().strip(), self.signer_pw.text())
        return {
            "item_code": self.checklist.item_code,
            "applicant": {
                "kind": "enterprise" if self.enterprise.isChecked() else "person",
                "name": self.name.text().strip(), "id_no": self.id_no.text().strip(),
                "phone": self.phone.text().strip(), "agent_name": self.agent_name.text().strip(),
                "agent_id_no": self.agent_id.text().strip(),
            },
            "provided": {m.material_id for m, got, _d in rows if got},
            "deferred": deferred,
            "case_type": ctype,
            "reason": reason,
            "escalated_to": self.authority.text().strip() if ctype == "escalated" else "",
            "urgent_days": int(self.urgent_days.value()) if ctype == "urgent" else None,
            "commitment_signed": self.commitment.isEnabled() and self.commitment.isChecked(),
            "delivery": "mail" if self.mail.isChecked() else "pickup",
            "mail_address": self.address.text().strip() if self.mail.isChecked() else "",
            "joint_parts": self.joint_parts() if ctype == "joint" else [],
            "signer": signer,
        }

    def preview_args(self) -> dict[str, Any] | None:
        """What the deadline preview needs, or None before an item and a type are chosen."""
        ctype = self.case_type()
        if self.checklist is None or ctype is None:
            return None
        return {"item_code": self.checklist.item_code, "case_type": ctype,
                "urgent_days": int(self.urgent_days.value()) if ctype == "urgent" else None,
                "joint_parts": self.joint_parts() if ctype == "joint" else []}


class NoticeDialog(FormDialog):
    """The notice to hand over: what happened, a preview of the receipt, and print / reprint / A4 PDF."""

    name = "notice"
    printRequested = Signal(str)  # document key: print (or reprint) on the receipt printer + PDF, recorded
    openPdfRequested = Signal()
    documentChosen = Signal(str)  # show the preview of another document

    def __init__(self, title: str, case_no: str, documents: list[tuple[str, str]], current: str,
                 parent: QWidget | None = None):
        super().__init__(title, "完成", parent)
        self.setMinimumSize(980, 700)
        self.case_no = case_no
        self.pdf_path: Any = None
        row = QHBoxLayout()
        row.setSpacing(14)
        self.body.addLayout(row, 1)
        left = QVBoxLayout()
        left.setSpacing(8)
        self.summary = make_label("", "notice_summary", wrap=True, name="notice_summary")
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.summary.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        summary_card = Card("办件")
        summary_card.body.addWidget(self.summary)
        left.addWidget(summary_card)
        print_card = Card("出具文书")
        doc_row = QHBoxLayout()
        doc_row.addWidget(make_label("文书", "field"))
        self.document = QComboBox()
        self.document.setObjectName("notice_document")
        for key, label in documents:
            self.document.addItem(label, key)
        self.document.setCurrentIndex(max(0, self.document.findData(current)))
        self.document.currentIndexChanged.connect(lambda _i: self.documentChosen.emit(self.current_document()))
        doc_row.addWidget(self.document, 1)
        print_card.body.addLayout(doc_row)
        self.status = make_label("", "print_status", wrap=True, name="print_status")
        print_card.body.addWidget(self.status)
        buttons = QHBoxLayout()
        self.print_button = QPushButton("打印(&P)")
        self.print_button.setObjectName("notice_print")
        self.print_button.setAutoDefault(False)
        self.print_button.clicked.connect(lambda: self.printRequested.emit(self.current_document()))
        self.pdf_button = QPushButton("打开 A4 PDF(&O)")
        self.pdf_button.setObjectName("notice_pdf")
        self.pdf_button.setAutoDefault(False)
        self.pdf_button.setEnabled(False)
        self.pdf_button.clicked.connect(self.openPdfRequested)
        buttons.addWidget(self.print_button)
        buttons.addWidget(self.pdf_button)
        buttons.addStretch(1)
        print_card.body.addLayout(buttons)
        left.addWidget(print_card)
        left.addStretch(1)
        row.addLayout(left, 1)

        self.preview_label = QLabel()
        self.preview_label.setObjectName("notice_preview")
        self.preview_label.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        self.preview_label.setProperty("kind", "paper")
        self.scroll = QScrollArea()
        self.scroll.setObjectName("notice_scroll")
        self.scroll.setWidgetResizable(True)
        self.scroll.setWidget(self.preview_label)
        self.scroll.setFixedWidth(470)
        row.addWidget(self.scroll)
        self.cancel_button.hide()

    def current_document(self) -> str:
        return str(self.document.currentData())

    def set_summary(self, html: str) -> None:
        self.summary.setText(html)

    def set_preview(self, png: bytes) -> None:
        pixmap = QPixmap()
        pixmap.loadFromData(png, "PNG")
        if not pixmap.isNull():
            pixmap = pixmap.scaledToWidth(432, Qt.TransformationMode.SmoothTransformation)
        self.preview_label.setPixmap(pixmap)

    def set_status(self, text: str, level: str = "info") -> None:
        self.status.setText(text)
        set_state(self.status, "level", level)

    def set_printed(self, copy_no: int) -> None:
        self.print_button.setText("补打(&P)" if copy_no >= 1 else "打印(&P)")

    def set_pdf(self, path: Any) -> None:
        self.pdf_path = path
        self.pdf_button.setEnabled(path is not None)

    def set_busy(self, busy: bool) -> None:
        super().set_busy(False)
        self.print_button.setEnabled(not busy)
        self.document.setEnabled(not busy)
        if busy:
            self.set_status("正在打印…", "info")

