"""Sign-in screen: staff number + password (Enter submits), the window, an optional B岗 stand-in."""

from __future__ import annotations

from typing import Any

from counter.qt import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    Qt,
    QVBoxLayout,
    QWidget,
    Signal,
)
from counter.views.widgets import Banner, Card, make_label


class LoginView(QWidget):
    name = "login"
    submitted = Signal(dict)  # staff_no, password, window_id, stand_in_for

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._fixed_window: int | None = None
        self._window_fixed = False
        outer = QVBoxLayout(self)
        outer.setContentsMargins(24, 24, 24, 24)
        outer.addStretch(1)
        row = QHBoxLayout()
        row.addStretch(1)
        card = Card()
        card.setFixedWidth(520)
        card.body.setContentsMargins(36, 28, 36, 28)
        card.body.setSpacing(14)
        self.hall_label = make_label("政务服务中心", "section", align=Qt.AlignmentFlag.AlignCenter)
        self.title_label = make_label("窗口工作台 · 登录", "app_title", align=Qt.AlignmentFlag.AlignCenter)
        card.body.addWidget(self.hall_label)
        card.body.addWidget(self.title_label)

        form = QFormLayout()
        form.setSpacing(12)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.staff_no = QLineEdit()
        self.staff_no.setObjectName("staff_no")
        self.staff_no.setPlaceholderText("请输入工号")
        self.staff_no.setMaxLength(32)
        self.password = QLineEdit()
        self.password.setObjectName("password")
        self.password.setPlaceholderText("请输入密码")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setMaxLength(128)
        self.window_box = QComboBox()
        self.window_box.setObjectName("window")
        self.window_box.setMinimumWidth(300)
        self.window_hint = make_label("", "hint", wrap=True)
        self.window_hint.hide()
        self.stand_in = QCheckBox("B岗代岗（替 A岗人员顶岗）")
        self.stand_in.setObjectName("stand_in")
        self.stand_in_no = QLineEdit()
        self.stand_in_no.setObjectName("stand_in_no")
        self.stand_in_no.setPlaceholderText("被代岗人员工号")
        self.stand_in_no.setMaxLength(32)
        self.stand_in_no.setEnabled(False)
        self.stand_in.toggled.connect(self._on_stand_in)
        form.addRow("工号", self.staff_no)
        form.addRow("密码", self.password)
        form.addRow("窗口", self.window_box)
        form.addRow("", self.window_hint)
        form.addRow("", self.stand_in)
        form.addRow("被代岗工号", self.stand_in_no)
        self.back_office = QCheckBox("后台审批（不在窗口签到）")
        self.back_office.setObjectName("back_office")
        self.back_office.toggled.connect(self._on_back_office)
        form.addRow("", self.back_office)
        card.body.addLayout(form)

        self.banner = Banner()
        self.banner.setObjectName("login_error")
        card.body.addWidget(self.banner)
        self.submit_button = QPushButton("登录并签到")
        self.submit_button.setObjectName("login_submit")
        self.submit_button.setProperty("kind", "primary")
        self.submit_button.setMinimumHeight(44)
        self.submit_button.clicked.connect(self._submit)
        card.body.addWidget(self.submit_button)
        hint = make_label("按 Enter 登录。登录后自动在所选窗口签到；退出程序时自动签退。", "hint", wrap=True)
        card.body.addWidget(hint)
        row.addWidget(card)
        row.addStretch(1)
        outer.addLayout(row)
        outer.addStretch(2)

        for edit in (self.staff_no, self.password, self.stand_in_no):
            edit.returnPressed.connect(self._submit)
        self.setTabOrder(self.staff_no, self.password)
        self.setTabOrder(self.password, self.window_box)

    # -- filling ----------------------------------------------------------------------------------

    def set_hall_name(self, name: str) -> None:
        self.hall_label.setText(name or "政务服务中心")

    def set_windows(self, windows: list[Any], selected_number: int | None = None, *, fixed: bool = False) -> None:
        """`windows`: WindowChoice list. A fixed window (configured for this PC) cannot be changed."""
        current = self.selected_window_id()
        self.window_box.clear()
        for w in windows:
            self.window_box.addItem(w.label, w.id)
            self.window_box.setItemData(self.window_box.count() - 1, w.number, Qt.ItemDataRole.UserRole + 1)
        index = -1
        if selected_number:
            for i in range(self.window_box.count()):
                if self.window_box.itemData(i, Qt.ItemDataRole.UserRole + 1) == selected_number:
                    index = i
        elif current is not None:
            index = self.window_box.findData(current)
        if index >= 0:
            self.window_box.setCurrentIndex(index)
        elif not fixed:
            self.window_box.setCurrentIndex(-1)
            self.window_box.setPlaceholderText("请选择窗口")
        self._window_fixed = fixed
        self.window_box.setEnabled(not fixed and not self.back_office.isChecked())
        if fixed:
            self.window_hint.setText("本机已固定为该窗口（配置 [machine] window）")
            self.window_hint.show()
        else:
            self.window_hint.hide()

    def selected_window_id(self) -> int | None:
        data = self.window_box.currentData()
        return int(data) if data is not None else None

    # -- state ------------------------------------------------------------------------------------

    def _on_back_office(self, on: bool) -> None:
        """Approvers and chief reps deciding cases from the back office do not sign in at a window."""
        self.window_box.setEnabled(not on and not self._window_fixed)
        self.stand_in.setEnabled(not on)
        if on:
            self.stand_in.setChecked(False)
        self.submit_button.setText("登录" if on else "登录并签到")

    def _on_stand_in(self, on: bool) -> None:
        self.stand_in_no.setEnabled(on)
        if on:
            self.stand_in_no.setFocus()

    def _submit(self) -> None:
        if not self.submit_button.isEnabled():
            return
        staff_no = self.staff_no.text().strip()
        password = self.password.text()
        if not staff_no:
            self.show_error("请输入工号。")
            self.staff_no.setFocus()
            return
        if not password:
            self.show_error("请输入密码。")
            self.password.setFocus()
            return
        if self.back_office.isChecked():
            self.submitted.emit({"staff_no": staff_no, "password": password, "window_id": None,
                                 "stand_in_for": None, "back_office": True})
            return
        window_id = self.selected_window_id()
        if window_id is None:
            self.show_error("请选择窗口。")
            self.window_box.setFocus()
            return
        stand_in = self.stand_in_no.text().strip() if self.stand_in.isChecked() else ""
        if self.stand_in.isChecked() and not stand_in:
            self.show_error("B岗代岗请填写被代岗人员的工号。")
            self.stand_in_no.setFocus()
            return
        self.submitted.emit({"staff_no": staff_no, "password": password, "window_id": window_id,
                             "stand_in_for": stand_in or None})

    def set_busy(self, busy: bool) -> None:
        self.submit_button.setEnabled(not busy)
        self.submit_button.setText("正在登录…" if busy else ("登录" if self.back_office.isChecked() else "登录并签到"))

    def show_error(self, text: str) -> None:
        self.banner.show_message(text, "error")

    def show_info(self, text: str) -> None:
        self.banner.show_message(text, "info")

    def clear_error(self) -> None:
        self.banner.clear_message()

    def reset(self, *, keep_staff_no: bool = True) -> None:
        """Back to an empty form (after sign-out); the password is always cleared."""
        if not keep_staff_no:
            self.staff_no.clear()
        self.password.clear()
        self.stand_in.setChecked(False)
        self.stand_in_no.clear()
        self.back_office.setChecked(False)
        self.banner.clear_message()
        self.set_busy(False)
        (self.password if self.staff_no.text() else self.staff_no).setFocus()
