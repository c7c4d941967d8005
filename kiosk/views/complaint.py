"""投诉与建议: a short touch form in four steps, no typing; then the reference number (and a printed slip).

1. what about (a category)  2. where (a window of the hall, or the hall as a whole)  3. what happened (common
phrases as chips, several allowed)  4. an optional mobile number on the keypad, then 提交.
Categories and phrases come from common.services.complaints (Chinese source text, translated for display, stored
in Chinese).
"""

from __future__ import annotations

from typing import Any, Sequence

from common.domain import WindowKind
from common.services.complaints import CATEGORIES, COMMON_PHRASES, PHRASES, compose_text
from kiosk.format import format_phone
from kiosk.i18n import tr
from kiosk.qt import QBoxLayout, QGridLayout, QHBoxLayout, QSizePolicy, QStackedWidget, Qt, QVBoxLayout, QWidget, Signal
from kiosk.views.base import View
from kiosk.widgets import BigButton, Chip, KineticScrollArea, NumericKeypad, make_label

STEPS = (
    ("您要反映什么问题？", "请选择一类"),
    ("发生在哪个窗口？", "不确定或与窗口无关，请选“整个大厅”"),
    ("具体是什么情况？", "可以选多条，不需要打字"),
    ("留下手机号，方便我们回复（可选）", "只用于回复您，不会公开；不留也可以提交"),
)


class ComplaintView(View):
    name = "complaint"
    submitted = Signal(object)  # dict(category, window_number, phrases, phone)

    def __init__(self, parent: QWidget | None = None):
        super().__init__("", parent=parent)
        self.step = 0
        self.category = ""
        self.window_number: int | None = None
        self.window_chosen = False
        self.picked: list[str] = []
        self._windows: list[tuple[int, str]] = []
        self._portrait = False
        self._elderly = False

        self.pages = QStackedWidget()
        self.content.addWidget(self.pages, 1)

        # 1. category
        page = QWidget()
        self.category_grid = QGridLayout(page)
        self.category_grid.setSpacing(20)
        self.category_buttons: dict[str, BigButton] = {}
        for i, cat in enumerate(CATEGORIES):
            button = BigButton("", "primary", min_height=130)
            button.setObjectName(f"category_{i}")
            button.clicked.connect(lambda _c=False, c=cat: self.choose_category(c))
            self.category_buttons[cat] = button
        self._place_categories()
        self.pages.addWidget(page)

        # 2. window
        page = QWidget()
        box = QVBoxLayout(page)
        box.setSpacing(20)
        self.hall_button = BigButton("", "accent", min_height=110)
        self.hall_button.setObjectName("window_none")
        self.hall_button.clicked.connect(lambda: self.choose_window(None))
        box.addWidget(self.hall_button)
        self.window_scroll = KineticScrollArea()
        self.window_box = QWidget()
        self.window_grid = QGridLayout(self.window_box)
        self.window_grid.setSpacing(12)
        self.window_scroll.body.addWidget(self.window_box)
        self.window_scroll.body.addStretch(1)
        box.addWidget(self.window_scroll, 1)
        self.window_chips: dict[int, Chip] = {}
        self.pages.addWidget(page)

        # 3. phrases
        page = QWidget()
        box = QVBoxLayout(page)
        box.setSpacing(16)
        self.phrase_scroll = KineticScrollArea()
        self.phrase_box = QWidget()
        self.phrase_grid = QGridLayout(self.phrase_box)
        self.phrase_grid.setSpacing(14)
        self.phrase_scroll.body.addWidget(self.phrase_box)
        self.phrase_scroll.body.addStretch(1)
        self.phrase_chips: dict[str, Chip] = {}
        box.addWidget(self.phrase_scroll, 1)
        self.preview_label = make_label("", "body", wrap=True)
        self.preview_label.setObjectName("complaint_preview")
        box.addWidget(self.preview_label)
        self.next_button = BigButton("", "accent", min_height=110)
        self.next_button.setObjectName("phrases_next")
        self.next_button.clicked.connect(self._phrases_done)
        box.addWidget(self.next_button)
        self.pages.addWidget(page)

        # 4. phone
        page = QWidget()
        self.keypad = NumericKeypad(max_length=11)
        self.keypad.changed.connect(self._show_phone)
        self.phone_display = make_label("", "display", align=Qt.AlignmentFlag.AlignCenter)
        self.phone_display.setObjectName("complaint_phone")
        self.phone_display.setMinimumHeight(110)
        self.error_label = make_label("", "error", wrap=True, align=Qt.AlignmentFlag.AlignCenter)
        self.error_label.setObjectName("complaint_error")
        self.submit_button = BigButton("", "accent", min_height=120)
        self.submit_button.setObjectName("complaint_submit")
        self.submit_button.clicked.connect(lambda: self._submit(self.keypad.value()))
        self.skip_button = BigButton("", "primary", min_height=120)
        self.skip_button.setObjectName("complaint_submit_no_phone")
        self.skip_button.clicked.connect(lambda: self._submit(""))
        left = QVBoxLayout()
        left.setSpacing(16)
        left.addWidget(self.phone_display)
        left.addWidget(self.error_label)
        left.addStretch(1)
        left.addWidget(self.submit_button)
        left.addWidget(self.skip_button)
        self.phone_row = QBoxLayout(QBoxLayout.Direction.LeftToRight, page)
        self.phone_row.setSpacing(48)
        self.phone_row.addLayout(left, 5)
        self.phone_row.addWidget(self.keypad, 4)
        self.pages.addWidget(page)

        self.backRequested.connect(self.previous_step)
        self.retranslate()

    # -- steps

    def reset(self) -> None:
        self.category, self.window_number, self.window_chosen, self.picked = "", None, False, []
        self.keypad.clear()
        self.error_label.setText("")
        self.go_to(0)

    def go_to(self, step: int) -> None:
        self.step = step
        self.pages.setCurrentIndex(step)
        self.retranslate()

    def previous_step(self) -> None:
        if self.step > 0:
            self.go_to(self.step - 1)
        else:
            self.homeRequested.emit()

    def choose_category(self, category: str) -> None:
        if category != self.category:
            self.picked = []
        self.category = category
        self._fill_phrases()
        self.go_to(1)

    def set_windows(self, windows: Sequence[tuple[int, str]]) -> None:
        """(number, what it does) of the hall's windows."""
        self._windows = list(windows)
        for chip in self.window_chips.values():
            self.window_grid.removeWidget(chip)
            chip.deleteLater()
        self.window_chips = {}
        for number, _label in self._windows:
            chip = Chip("", min_width=140)
            chip.setMinimumHeight(130)  # two lines: the number and the business
            chip.setObjectName(f"window_{number}")
            chip.clicked.connect(lambda _c=False, n=number: self.choose_window(n))
            self.window_chips[number] = chip
        self._place_windows()
        self.retranslate()

    def choose_window(self, number: int | None) -> None:
        self.window_number = number
        self.window_chosen = True
        self.go_to(2)

    def _fill_phrases(self) -> None:
        for chip in self.phrase_chips.values():
            self.phrase_grid.removeWidget(chip)
            chip.deleteLater()
        self.phrase_chips = {}
        for i, phrase in enumerate([*PHRASES.get(self.category, ()), *COMMON_PHRASES]):
            chip = Chip("", checkable=True, min_width=200)
            chip.setObjectName(f"phrase_{i}")
            chip.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
            chip.setChecked(phrase in self.picked)
            chip.toggled.connect(lambda on, p=phrase: self.toggle_phrase(p, on))
            self.phrase_chips[phrase] = chip
        self._place_phrases()

    def toggle_phrase(self, phrase: str, on: bool) -> None:
        if on and phrase not in self.picked:
            self.picked.append(phrase)
        elif not on and phrase in self.picked:
            self.picked.remove(phrase)
        self._render_preview()

    def _phrases_done(self) -> None:
        if not self.picked:
            self.preview_label.setText(tr("请至少选择一条内容"))
            return
        self.go_to(3)

    def _submit(self, phone: str) -> None:
        self.submitted.emit({"category": self.category, "window_number": self.window_number,
                             "phrases": list(self.picked), "phone": phone})

    def show_error(self, message: str) -> None:
        self.error_label.setText(message)

    def _show_phone(self, value: str) -> None:
        self.error_label.setText("")
        self.phone_display.setText(format_phone(value) if value else tr("请输入 11 位手机号"))
        self.phone_display.setProperty("empty", not value)
        self.phone_display.style().unpolish(self.phone_display)
        self.phone_display.style().polish(self.phone_display)

    def _render_preview(self) -> None:
        if self.picked:
            text = compose_text([tr(p) for p in self.picked])
            self.preview_label.setText(tr("您选择的内容：{text}").format(text=text))
        else:
            self.preview_label.setText(tr("点选上面的内容，可以多选"))

    # -- layout

    def _place_categories(self) -> None:
        cols = 2 if self._portrait else 3
        for i, button in enumerate(self.category_buttons.values()):
            self.category_grid.removeWidget(button)
            self.category_grid.addWidget(button, i // cols, i % cols)
        self.category_grid.setRowStretch((len(self.category_buttons) + cols - 1) // cols, 1)

    def _place_windows(self) -> None:
        cols = (4 if self._elderly else 5) if self._portrait else (6 if self._elderly else 8)
        for i, chip in enumerate(self.window_chips.values()):
            self.window_grid.removeWidget(chip)
            self.window_grid.addWidget(chip, i // cols, i % cols)

    def _place_phrases(self) -> None:
        cols = 1 if self._portrait else 2
        for i, chip in enumerate(self.phrase_chips.values()):
            self.phrase_grid.removeWidget(chip)
            self.phrase_grid.addWidget(chip, i // cols, i % cols)

    def set_elderly(self, elderly: bool) -> None:
        """Large text: fewer window chips per row, so “不动产登记” still fits."""
        if elderly != self._elderly:
            self._elderly = elderly
            self._place_windows()

    def set_orientation(self, portrait: bool) -> None:
        self._portrait = portrait
        self._place_categories()
        self._place_windows()
        self._place_phrases()
        self.phone_row.setDirection(QBoxLayout.Direction.TopToBottom if portrait else QBoxLayout.Direction.LeftToRight)

    def retranslate(self) -> None:
        title, sub = STEPS[self.step]
        self.set_title(title, sub)
        super().retranslate()
        step = tr("第 {n} 步，共 {total} 步").format(n=self.step + 1, total=len(STEPS))
        if self.category and self.step:
            step += f" · {tr(self.category)}"
        self.subtitle_label.setText(f"{step}    {tr(sub)}")
        self.back_button.setText("‹ " + (tr("上一步") if self.step else tr("返回")))
        for cat, button in self.category_buttons.items():
            button.setText(tr(cat))
        self.hall_button.setText(tr("整个大厅 / 不确定是哪个窗口"))
        labels = dict(self._windows)
        kinds = {k.label for k in WindowKind}  # 综合窗口 / 出件窗口 are translated; department names are data
        for number, chip in self.window_chips.items():
            label = labels.get(number, "")
            chip.setText(tr("{n} 号").format(n=number) + "\n" + (tr(label) if label in kinds else label))
        for phrase, chip in self.phrase_chips.items():
            chip.setText(tr(phrase))
        self.next_button.setText(tr("下一步"))
        self.submit_button.setText(tr("提交"))
        self.skip_button.setText(tr("不留电话，直接提交"))
        self.keypad.retranslate()
        self._show_phone(self.keypad.value())
        self._render_preview()


class ComplaintDoneView(View):
    """Thanks, the reference number (big) and the slip's print status."""

    name = "complaint_done"
    doneRequested = Signal()
    reprintRequested = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__("已收到您的意见，谢谢！", back=False, home=False, parent=parent)
        self.info: Any = None
        self._status: tuple[str, str, dict] = ("", "", {})
        self.caption = make_label("", "ticket_caption", align=Qt.AlignmentFlag.AlignCenter)
        self.ref_label = make_label("", "ref_no", align=Qt.AlignmentFlag.AlignCenter)
        self.ref_label.setObjectName("complaint_ref")
        self.detail_label = make_label("", "body", wrap=True, align=Qt.AlignmentFlag.AlignCenter)
        self.next_label = make_label("", "subtitle", wrap=True, align=Qt.AlignmentFlag.AlignCenter)
        self.status_label = make_label("", "status", wrap=True, align=Qt.AlignmentFlag.AlignCenter)
        self.status_label.setObjectName("complaint_print_status")
        self.status_label.hide()
        self.content.addStretch(1)
        for w in (self.caption, self.ref_label, self.detail_label, self.next_label, self.status_label):
            self.content.addWidget(w)
        self.content.addStretch(2)
        bottom = QHBoxLayout()
        self.reprint_button = BigButton("", "primary", min_height=120, min_width=280)
        self.reprint_button.setObjectName("complaint_reprint")
        self.reprint_button.clicked.connect(self.reprintRequested)
        self.reprint_button.hide()
        self.done_button = BigButton("", "accent", min_height=120, min_width=280)
        self.done_button.setObjectName("complaint_done")
        self.done_button.clicked.connect(self.doneRequested)
        bottom.addWidget(self.reprint_button)
        bottom.addStretch(1)
        bottom.addWidget(self.done_button)
        self.content.addLayout(bottom)
        self.retranslate()

    def show_info(self, info: Any) -> None:
        self.info = info
        self.set_status("", "")
        self.retranslate()

    def set_status(self, level: str, source: str, **fmt: Any) -> None:
        self._status = (level, source, fmt)
        self.reprint_button.setVisible(level == "error")
        self._render_status()

    def _render_status(self) -> None:
        level, source, fmt = self._status
        self.status_label.setVisible(bool(source))
        if source:
            self.status_label.setProperty("level", level)
            self.status_label.style().unpolish(self.status_label)
            self.status_label.style().polish(self.status_label)
            self.status_label.setText(tr(source).format(**fmt))

    def retranslate(self) -> None:
        super().retranslate()
        self.caption.setText(tr("受理编号（请拍照或保存回执）"))
        self.done_button.setText(tr("完成"))
        self.reprint_button.setText(tr("重新打印"))
        info = self.info
        if info is not None:
            self.ref_label.setText(info.ref_no)
            where = tr("{n} 号窗口").format(n=info.window_number) if info.window_number else tr("整个大厅")
            self.detail_label.setText(f"{tr(info.category)} · {where}")
            if info.phone:
                self.next_label.setText(tr("我们将在 {n} 个工作日内核实处理，并电话告知结果。").format(n=5))
            else:
                self.next_label.setText(tr("您未留联系电话，我们会认真核实并改进工作。"))
        self._render_status()
