"""进度查询: scan the receipt's QR code, or type the case number and check code on the keypad; then the progress.

The scanner (a USB reader typing like a keyboard) is handled by the controller's ScannerInput while this screen
is up, so the screen itself has no text box. The progress page shows only what the notice already shows: the item,
status, steps with dates, the deadline, what is missing and where to pick up; the applicant's name is masked.
"""

from __future__ import annotations

import re
from typing import Any

from common.printing.case_documents import cn_date
from kiosk.i18n import is_english, language, tr
from kiosk.qt import QBoxLayout, QFrame, QGridLayout, QHBoxLayout, QSizePolicy, Qt, QVBoxLayout, QWidget, Signal
from kiosk.views.base import View
from kiosk.widgets import DIGITS, LETTERS, BigButton, CharKeypad, KineticScrollArea, make_label

FIELD_PX = 100
_CASE_NO = re.compile(r"^(.*?)-?(\d{8})-?(\d{5})$")


def normalize_case_no(typed: str, site_code: str = "") -> str:
    """What a citizen typed → a case number. "2026112300007" (the digits only) becomes
    "<this hall's code>-20261123-00007"; "COUNTY2026112300007" and "COUNTY-20261123-00007" are kept whole."""
    t = "".join((typed or "").split()).upper()
    m = _CASE_NO.match(t)
    if m is None:
        return t
    prefix = m.group(1).strip("-") or site_code
    return f"{prefix}-{m.group(2)}-{m.group(3)}" if prefix else t


def format_date(day: Any) -> str:
    if day is None:
        return ""
    return day.strftime("%d %b %Y") if is_english() else cn_date(day)


class LookupView(View):
    """Scan hint on top; the two fields and 查询 in one row; the keypad full width below (big keys)."""

    name = "lookup"
    submitted = Signal(str, str)  # typed case number, check code

    def __init__(self, parent: QWidget | None = None):
        super().__init__("进度查询", parent=parent)
        self._error: tuple[str, dict] = ("", {})
        self.scan_label = make_label("", "scan", wrap=True, align=Qt.AlignmentFlag.AlignCenter)
        self.scan_label.setObjectName("scan_hint")
        self.case_caption = make_label("", "field_caption")
        self.case_field = BigButton("", "field", min_height=FIELD_PX)
        self.case_field.setObjectName("case_no_field")
        self.code_caption = make_label("", "field_caption")
        self.code_field = BigButton("", "field", min_height=FIELD_PX)
        self.code_field.setObjectName("check_code_field")
        for field in (self.case_field, self.code_field):
            field.setCheckable(True)
            field.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.case_field.clicked.connect(lambda: self.select_field("case"))
        self.code_field.clicked.connect(lambda: self.select_field("code"))
        self.field_hint = make_label("", "hint", wrap=True)
        self.error_label = make_label("", "error", wrap=True)
        self.error_label.setObjectName("lookup_error")
        self.submit_button = BigButton("", "accent", min_height=FIELD_PX, min_width=240)
        self.submit_button.setObjectName("lookup_submit")
        self.submit_button.clicked.connect(self._submit)
        self.keypad = CharKeypad(DIGITS + "-" + LETTERS, columns=13, max_length=32)
        self.keypad.changed.connect(self._typed)
        self.values = {"case": "", "code": ""}
        self.active = "case"

        self.fields = QGridLayout()
        self.fields.setHorizontalSpacing(16)
        self.fields.setVerticalSpacing(12)
        self.content.addWidget(self.scan_label)
        self.content.addLayout(self.fields)
        self.content.addWidget(self.field_hint)
        self.content.addWidget(self.error_label)
        self.content.addStretch(1)
        self.content.addWidget(self.keypad)
        self._portrait: bool | None = None
        self.set_orientation(False)
        self.select_field("case")
        self.retranslate()

    def select_field(self, which: str) -> None:
        self.active = which
        self.keypad.blockSignals(True)
        self.keypad.max_length = 32 if which == "case" else 8
        self.keypad.set_value(self.values[which])
        self.keypad.blockSignals(False)
        self.case_field.setChecked(which == "case")
        self.code_field.setChecked(which == "code")
        self._render()

    def _typed(self, value: str) -> None:
        self.values[self.active] = value
        self.show_error("")
        self._render()

    def set_values(self, case_no: str, code: str) -> None:
        self.values = {"case": case_no, "code": code}
        self.select_field(self.active)

    def _submit(self) -> None:
        case, code = self.values["case"], self.values["code"]
        if not case:
            self.select_field("case")
            self.show_error("请输入案件编号")
            return
        if not code:
            self.select_field("code")
            self.show_error("请输入查询码")
            return
        self.submitted.emit(case, code)

    def reset(self) -> None:
        self.values = {"case": "", "code": ""}
        self.show_error("")
        self.select_field("case")

    def show_error(self, source: str, **fmt: Any) -> None:
        """`source`: a Chinese source string (or a service message), translated when shown."""
        self._error = (source, fmt)
        self.error_label.setText(tr(source).format(**fmt) if source else "")
        self.error_label.setVisible(bool(source))
        self.field_hint.setVisible(not source)  # one line or the other: the keypad keeps its place

    def _render(self) -> None:
        for field, which, prompt in ((self.case_field, "case", "请输入编号中的数字"),
                                     (self.code_field, "code", "6 位字母或数字")):
            value = self.values[which]
            field.setText(value or tr(prompt))
            field.setProperty("empty", not value)  # the prompt is smaller and grey: it never looks typed
            field.style().unpolish(field)
            field.style().polish(field)

    def set_orientation(self, portrait: bool) -> None:
        if portrait == self._portrait:
            return
        self._portrait = portrait
        for w in (self.case_caption, self.case_field, self.code_caption, self.code_field, self.submit_button):
            self.fields.removeWidget(w)
        if portrait:  # captions above their fields, one field per row
            self.fields.addWidget(self.case_caption, 0, 0, 1, 2)
            self.fields.addWidget(self.case_field, 1, 0, 1, 2)
            self.fields.addWidget(self.code_caption, 2, 0, 1, 2)
            self.fields.addWidget(self.code_field, 3, 0)
            self.fields.addWidget(self.submit_button, 3, 1)
            for c, stretch in enumerate((3, 2, 0, 0, 0)):
                self.fields.setColumnStretch(c, stretch)
            self.keypad.set_columns(8)
        else:
            for c, w in enumerate((self.case_caption, self.case_field, self.code_caption, self.code_field,
                                   self.submit_button)):
                self.fields.addWidget(w, 0, c)
            for c, stretch in enumerate((0, 5, 0, 3, 0)):
                self.fields.setColumnStretch(c, stretch)
            self.keypad.set_columns(13, actions_at=11)  # 1…0 - 删除 清空 / A…M / N…Z

    def retranslate(self) -> None:
        super().retranslate()
        self.scan_label.setText(tr("有通知书的，把通知书上的二维码对准扫描口即可查询；没有的，请在下面输入"))
        self.case_caption.setText(tr("案件编号"))
        self.code_caption.setText(tr("查询码"))
        self.field_hint.setText(tr("编号印在通知书上方，如 COUNTY-20261123-00001，只需输入后面的数字；先点选要输入的一栏"))
        self.submit_button.setText(tr("查询进度"))
        self.keypad.retranslate()
        self.show_error(self._error[0], **self._error[1])
        self._render()


class ProgressView(View):
    """A case's public progress: status, message, steps with dates, deadline, missing materials, pickup."""

    name = "progress"

    def __init__(self, parent: QWidget | None = None):
        super().__init__("办件进度", parent=parent)
        self.progress: Any = None
        self._built: tuple | None = None
        self._serial = 0  # bumped for every case shown: the page is rebuilt, never reused for another case
        self._portrait = False
        self.row: Any = None
        self.scroll = KineticScrollArea()
        self.content.addWidget(self.scroll, 1)
        self.retranslate()

    def show_progress(self, progress: Any) -> None:
        self.progress = progress
        self._serial += 1
        self.retranslate()
        self.scroll.scroll_to_top()

    def clear(self) -> None:
        """Forget the case (idle timeout, home): the next citizen must not see it."""
        self.progress = None
        self._serial += 1
        self.retranslate()

    def step_texts(self) -> list[str]:
        return [w.text() for w in self.scroll.inner.findChildren(QWidget) if w.property("kind") == "step"]

    def _build(self) -> None:
        """Landscape: status and facts on the left, the steps, missing materials and pickup on the right."""
        p = self.progress
        row_widget = QWidget()
        self.row = QBoxLayout(QBoxLayout.Direction.TopToBottom if self._portrait else QBoxLayout.Direction.LeftToRight,
                              row_widget)
        self.row.setContentsMargins(0, 0, 0, 0)
        self.row.setSpacing(48)
        left, right = QVBoxLayout(), QVBoxLayout()
        left.setSpacing(16)
        right.setSpacing(8)
        self.row.addLayout(left, 1)
        self.row.addLayout(right, 1)
        self.scroll.body.addWidget(row_widget)

        status = make_label(tr(p.status_label), "big_status", align=Qt.AlignmentFlag.AlignCenter)
        status.setObjectName("progress_status")
        level = {"rejected": "error", "denied": "error", "awaiting_materials": "error",
                 "ready": "ok", "completed": "ok", "mailed": "ok", "approved": "ok"}.get(p.status, "info")
        status.setProperty("level", level)
        status_row = QHBoxLayout()
        status_row.addWidget(status)
        status_row.addStretch(1)
        left.addLayout(status_row)
        message = make_label(p.message, "material_name", wrap=True)
        message.setObjectName("progress_message")
        left.addWidget(message)
        facts = QGridLayout()
        facts.setHorizontalSpacing(24)
        facts.setVerticalSpacing(8)
        rows = [(tr("案件编号"), p.case_no), (tr("申请人"), p.applicant), (tr("办理部门"), p.department),
                (tr("办件类型"), tr(p.case_type_label))]
        if p.accepted_day:
            rows.append((tr("受理日期"), format_date(p.accepted_day)))
        if p.deadline:
            limit = tr("{n} 个工作日").format(n=p.days_limit) if p.days_limit else ""
            rows.append((tr("办结期限"), format_date(p.deadline) + (f"（{limit}）" if limit else "")))
        if p.finished_day:
            rows.append((tr("办结日期"), format_date(p.finished_day)))
        for r, (k, v) in enumerate(rows):
            facts.addWidget(make_label(k, "material_info"), r, 0, Qt.AlignmentFlag.AlignTop)
            facts.addWidget(make_label(v, "body", wrap=True), r, 1)
        facts.setColumnStretch(1, 1)
        left.addLayout(facts)
        left.addWidget(make_label(tr("领取方式"), "section"))
        if p.delivery_label == "邮寄送达" or p.tracking_no:
            text = tr("邮寄送达")
            if p.tracking_no:
                text += "  " + tr("邮件单号 {no}").format(no=p.tracking_no)
        else:
            text = tr("到窗口领取：{place}").format(place=p.pickup_place)
        left.addWidget(make_label(text, "body", wrap=True))
        left.addStretch(1)

        right.addWidget(make_label(tr("办理进度"), "section"))
        for step in p.steps:
            if step.done and not step.current:
                mark, state = "✓", "done"
            elif step.current:
                mark, state = "▶", "current"
            else:
                mark, state = "○", "todo"
            text = f"{mark}  {tr(step.label)}"
            if step.day:
                text += f"    {format_date(step.day)}"
            elif step.current:
                text += f"    {tr('进行中')}"
            label = make_label(text, "step", wrap=True)
            label.setProperty("state", state)
            right.addWidget(label)
        if p.missing_materials:
            right.addWidget(make_label(tr("还需补交的材料（共 {n} 项）").format(n=len(p.missing_materials)), "section"))
            for n, m in enumerate(p.missing_materials, start=1):
                card = QFrame()
                card.setProperty("kind", "material")
                box = QVBoxLayout(card)
                box.setContentsMargins(24, 12, 24, 12)
                box.addWidget(make_label(f"{n}. {m.name}", "material_name", wrap=True))
                if m.due:
                    box.addWidget(make_label(tr("请于 {d} 前补交").format(d=format_date(m.due)), "material_info"))
                right.addWidget(card)
        right.addStretch(1)
        self.scroll.body.addWidget(make_label(
            tr("为保护个人信息，本页只显示姓名的部分字。如有疑问请咨询服务台或拨打 12345。"), "hint", wrap=True))

    def set_orientation(self, portrait: bool) -> None:
        self._portrait = portrait
        if self.row is not None:
            self.row.setDirection(QBoxLayout.Direction.TopToBottom if portrait else QBoxLayout.Direction.LeftToRight)

    def retranslate(self) -> None:
        super().retranslate()
        self.back_button.setText("‹ " + tr("重新查询"))
        if self.progress is not None:
            self.subtitle_label.setText(self.progress.item_name)
            self.subtitle_label.show()
        key = (self._serial, language())
        if key == self._built:  # a mode change needs no rebuild
            return
        self._built = key
        self.scroll.clear()
        self.row = None
        if self.progress is not None:
            self._build()
        self.scroll.body.addStretch(1)
