"""The rating pad (满意度评价器) the citizen sees: idle 亮牌 card, the number being served, five big faces, the
reasons page for a low rating, and thanks. Layout and painting only; `counter.rating_pad` drives it.

Large touch targets (buttons at least 110 px high), big type, high contrast, and each level has a face AND a word
(never colour alone). Chinese by default; the 中文/English button switches the words.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from counter import theme
from counter.qt import (
    QAbstractButton,
    QColor,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPainter,
    QPainterPath,
    QPen,
    QPixmap,
    QPointF,
    QPushButton,
    QRectF,
    QSize,
    QSizePolicy,
    QStackedWidget,
    Qt,
    QVBoxLayout,
    QWidget,
    Signal,
)
from counter.views.widgets import make_label, set_state

PAD_SIZE = (1280, 800)

LEVEL_WORDS = {
    5: ("非常满意", "Very satisfied"),
    4: ("满意", "Satisfied"),
    3: ("基本满意", "Fair"),
    2: ("不满意", "Dissatisfied"),
    1: ("非常不满意", "Very dissatisfied"),
}

# English for the pad's fixed texts (the Chinese text is the key).
EN = {
    "亮牌服务": "Serving you today",
    "工号": "Staff No.",
    "号窗口": "Window",
    "本窗口暂停服务": "This window is closed",
    "暂停服务": "Service paused",
    "请稍候": "Please wait a moment",
    "正在为您办理": "Now serving",
    "请对本次服务进行评价": "Please rate our service",
    "请选择不满意的原因（可多选）": "What went wrong? (choose one or more)",
    "提交评价": "Submit",
    "返回": "Back",
    "感谢您的评价！": "Thank you for your feedback!",
    "您的意见将帮助我们改进服务": "Your opinion helps us serve you better",
    "秒后自动返回": "s until this page closes",
    "网络异常，评价未提交，请稍候再试": "Network problem: not submitted yet, please try again",
    "为您服务的是": "Served by",
    "欢迎办事": "Welcome",
}
REASONS_EN = {
    "服务态度差": "Unfriendly staff",
    "办事效率低": "Too slow",
    "材料要求反复": "Paperwork requests kept changing",
    "一次性告知不清": "Requirements not explained clearly",
    "等候时间长": "Long wait",
    "其他": "Other",
}


def photo_pixmap(path: str, size: QSize) -> QPixmap:
    """The clerk's photo scaled to `size`, or a neutral silhouette when there is none."""
    if path and Path(path).is_file():
        pm = QPixmap(path)
        if not pm.isNull():
            return pm.scaled(size, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation)
    pm = QPixmap(size)
    pm.fill(QColor("#DDE3EA"))
    p = QPainter(pm)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(QColor("#9AA7B6"))
    w, h = size.width(), size.height()
    r = w * 0.2
    p.drawEllipse(QPointF(w / 2, h * 0.36), r, r)
    body = QPainterPath()
    body.moveTo(w * 0.14, h)
    body.cubicTo(w * 0.14, h * 0.62, w * 0.86, h * 0.62, w * 0.86, h)
    body.closeSubpath()
    p.drawPath(body)
    p.end()
    return pm


class FaceButton(QAbstractButton):
    """One of the five levels: a coloured tile with a face and the word under it."""

    def __init__(self, level: int, parent: QWidget | None = None):
        super().__init__(parent)
        self.level = level
        self.setObjectName(f"level_{level}")
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setMinimumSize(190, 280)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.english = False
        self.setText(LEVEL_WORDS[level][0])

    def set_english(self, on: bool) -> None:
        self.english = on
        self.setText(LEVEL_WORDS[self.level][1 if on else 0])
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(220, 320)

    def paintEvent(self, _event) -> None:
        bg, fg = theme.LEVEL_COLOURS[self.level]
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        rect = QRectF(self.rect()).adjusted(4, 4, -4, -4)
        colour = QColor(bg).darker(125) if self.isDown() else QColor(bg)
        p.setPen(QPen(QColor(bg).darker(140), 3))
        p.setBrush(colour)
        p.drawRoundedRect(rect, 26, 26)
        # face
        d = min(rect.width() * 0.72, rect.height() * 0.5)
        cx, cy = rect.center().x(), rect.top() + rect.height() * 0.36
        face = QRectF(cx - d / 2, cy - d / 2, d, d)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(QColor("#FFFFFF"))
        p.drawEllipse(face)
        ink = QColor(bg).darker(150)
        p.setBrush(ink)
        eye = d * 0.085
        p.drawEllipse(QPointF(cx - d * 0.18, cy - d * 0.12), eye, eye)
        p.drawEllipse(QPointF(cx + d * 0.18, cy - d * 0.12), eye, eye)
        pen = QPen(ink, max(4.0, d * 0.06))
        pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        p.setPen(pen)
        p.setBrush(Qt.BrushStyle.NoBrush)
        curve = {5: 0.26, 4: 0.15, 3: 0.0, 2: -0.13, 1: -0.24}[self.level]
        mouth = QPainterPath()
        y0 = cy + d * 0.2 - (curve * d * 0.35 if curve < 0 else 0)
        mouth.moveTo(cx - d * 0.24, y0)
        mouth.quadTo(cx, y0 + curve * d, cx + d * 0.24, y0)
        p.drawPath(mouth)
        # word
        font = theme.ui_font(26 if self.english else 36)
        font.setBold(True)
        p.setFont(font)
        p.setPen(QColor(fg))
        text_rect = QRectF(rect.left() + 8, rect.top() + rect.height() * 0.66, rect.width() - 16, rect.height() * 0.32)
        p.drawText(text_rect, int(Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap), self.text())
        p.end()


class RatingPadWindow(QWidget):
    levelChosen = Signal(int)
    reasonsSubmitted = Signal(list)
    reasonsBack = Signal()
    languageToggled = Signal()

    PAGES = ("idle", "serving", "rating", "reasons", "thanks")

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("RatingPad")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setWindowTitle("满意度评价器")
        self.english = False
        self._card: Any = None
        self._serving: str | None = None
        self._pending: Any = None
        self._reasons: list[str] = []
        self._countdown: int | None = None

        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        header = QFrame()
        header.setProperty("kind", "pad_header")
        header.setFixedHeight(96)
        hl = QHBoxLayout(header)
        hl.setContentsMargins(32, 10, 24, 10)
        self.hall_label = make_label("", "pad_hall")
        self.window_label = make_label("", "pad_window", name="pad_window")
        self.lang_button = QPushButton("English")
        self.lang_button.setObjectName("pad_lang")
        self.lang_button.setProperty("kind", "lang")
        self.lang_button.setMinimumWidth(160)
        self.lang_button.clicked.connect(self.languageToggled)
        hl.addWidget(self.hall_label, 1)
        hl.addWidget(self.window_label)
        hl.addSpacing(28)
        hl.addWidget(self.lang_button)
        outer.addWidget(header)

        self.stack = QStackedWidget()
        outer.addWidget(self.stack, 1)
        self.pages: dict[str, QWidget] = {}
        self._build_idle()
        self._build_serving()
        self._build_rating()
        self._build_reasons()
        self._build_thanks()
        theme.apply_pad(self)
        self.resize(*PAD_SIZE)
        self.show_page("idle")

    # -- building -----------------------------------------------------------------------------------

    def _page(self, name: str) -> QVBoxLayout:
        page = QWidget()
        page.setObjectName(f"pad_{name}")
        box = QVBoxLayout(page)
        box.setContentsMargins(48, 24, 48, 24)
        box.setSpacing(18)
        self.pages[name] = page
        self.stack.addWidget(page)
        return box

    def _build_idle(self) -> None:
        box = self._page("idle")
        box.addStretch(1)
        card = QFrame()
        card.setProperty("kind", "pad_card")
        cl = QHBoxLayout(card)
        cl.setContentsMargins(48, 40, 48, 40)
        cl.setSpacing(48)
        self.photo = QLabel()
        self.photo.setObjectName("pad_photo")
        self.photo.setFixedSize(260, 330)
        self.photo.setAlignment(Qt.AlignmentFlag.AlignCenter)
        cl.addWidget(self.photo)
        info = QVBoxLayout()
        info.setSpacing(18)
        self.idle_badge = make_label("", "pad_badge")
        self.idle_name = make_label("", "pad_name", name="pad_clerk_name")
        self.idle_no = make_label("", "pad_field", name="pad_staff_no")
        self.idle_title = make_label("", "pad_field")
        self.idle_window = make_label("", "pad_field")
        row = QHBoxLayout()
        row.addWidget(self.idle_badge)
        row.addStretch(1)
        info.addLayout(row)
        for w in (self.idle_name, self.idle_no, self.idle_title, self.idle_window):
            info.addWidget(w)
        info.addStretch(1)
        cl.addLayout(info, 1)
        box.addWidget(card)
        box.addStretch(1)

    def _build_serving(self) -> None:
        box = self._page("serving")
        box.addStretch(1)
        self.serving_title = make_label("", "pad_title", align=Qt.AlignmentFlag.AlignCenter)
        self.serving_number = make_label("", "pad_number", align=Qt.AlignmentFlag.AlignCenter, name="pad_number")
        self.serving_clerk = make_label("", "pad_sub", align=Qt.AlignmentFlag.AlignCenter, wrap=True)
        for w in (self.serving_title, self.serving_number, self.serving_clerk):
            box.addWidget(w)
        box.addStretch(1)

    def _build_rating(self) -> None:
        box = self._page("rating")
        self.rating_title = make_label("", "pad_title", align=Qt.AlignmentFlag.AlignCenter, wrap=True)
        self.rating_sub = make_label("", "pad_sub", align=Qt.AlignmentFlag.AlignCenter, name="pad_rating_sub",
                                     wrap=True)
        box.addWidget(self.rating_title)
        box.addWidget(self.rating_sub)
        row = QHBoxLayout()
        row.setSpacing(22)
        self.face_buttons: dict[int, FaceButton] = {}
        for level in (5, 4, 3, 2, 1):
            b = FaceButton(level)
            b.clicked.connect(lambda _=False, lv=level: self.levelChosen.emit(lv))
            self.face_buttons[level] = b
            row.addWidget(b)
        box.addLayout(row, 1)
        self.rating_error = make_label("", "pad_error", wrap=True, align=Qt.AlignmentFlag.AlignCenter)
        self.rating_error.hide()
        box.addWidget(self.rating_error)
        self.rating_countdown = make_label("", "pad_countdown", align=Qt.AlignmentFlag.AlignCenter)
        box.addWidget(self.rating_countdown)

    def _build_reasons(self) -> None:
        box = self._page("reasons")
        self.reasons_title = make_label("", "pad_title", align=Qt.AlignmentFlag.AlignCenter, wrap=True)
        box.addWidget(self.reasons_title)
        self.reasons_grid = QGridLayout()
        self.reasons_grid.setSpacing(20)
        box.addLayout(self.reasons_grid, 1)
        self.reason_buttons: list[QPushButton] = []
        self.reasons_error = make_label("", "pad_error", wrap=True, align=Qt.AlignmentFlag.AlignCenter)
        self.reasons_error.hide()
        box.addWidget(self.reasons_error)
        row = QHBoxLayout()
        row.setSpacing(24)
        self.reasons_back = QPushButton()
        self.reasons_back.setObjectName("pad_reasons_back")
        self.reasons_back.setProperty("kind", "pad_secondary")
        self.reasons_back.clicked.connect(self.reasonsBack)
        self.reasons_submit = QPushButton()
        self.reasons_submit.setObjectName("pad_reasons_submit")
        self.reasons_submit.setProperty("kind", "pad_primary")
        self.reasons_submit.setEnabled(False)
        self.reasons_submit.clicked.connect(lambda: self.reasonsSubmitted.emit(self.chosen_reasons()))
        row.addWidget(self.reasons_back, 1)
        row.addWidget(self.reasons_submit, 2)
        box.addLayout(row)
        self.reasons_countdown = make_label("", "pad_countdown", align=Qt.AlignmentFlag.AlignCenter)
        box.addWidget(self.reasons_countdown)

    def _build_thanks(self) -> None:
        box = self._page("thanks")
        box.addStretch(1)
        self.thanks_title = make_label("", "pad_thanks", align=Qt.AlignmentFlag.AlignCenter, name="pad_thanks",
                                       wrap=True)
        self.thanks_sub = make_label("", "pad_sub", align=Qt.AlignmentFlag.AlignCenter, wrap=True)
        box.addWidget(self.thanks_title)
        box.addWidget(self.thanks_sub)
        box.addStretch(1)

    # -- content ------------------------------------------------------------------------------------

    def t(self, zh: str) -> str:
        return EN.get(zh, zh) if self.english else zh

    def set_english(self, on: bool) -> None:
        self.english = on
        self.lang_button.setText("中文" if on else "English")
        for b in self.face_buttons.values():
            b.set_english(on)
        self.retranslate()

    def set_hall(self, name: str) -> None:
        self.hall_label.setText(name)

    def set_card(self, card: Any) -> None:
        self._card = card
        self.retranslate()

    def set_serving(self, number: str | None) -> None:
        self._serving = number
        self.retranslate()

    def set_pending(self, pending: Any) -> None:
        self._pending = pending
        self.rating_error.hide()
        self.retranslate()

    def set_reasons(self, reasons: list[str]) -> None:
        if reasons == self._reasons and self.reason_buttons:
            return
        self._reasons = list(reasons)
        for b in self.reason_buttons:
            self.reasons_grid.removeWidget(b)
            b.deleteLater()
        self.reason_buttons = []
        for i, reason in enumerate(reasons):
            b = QPushButton()
            b.setObjectName(f"reason_{i}")
            b.setProperty("kind", "reason")
            b.setProperty("reason", reason)
            b.setCheckable(True)
            b.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
            b.toggled.connect(self._reasons_changed)
            self.reasons_grid.addWidget(b, i // 2, i % 2)
            self.reason_buttons.append(b)
        self.retranslate()

    def reset_reasons(self) -> None:
        for b in self.reason_buttons:
            b.setChecked(False)
        self.reasons_error.hide()
        self._reasons_changed()

    def chosen_reasons(self) -> list[str]:
        return [str(b.property("reason")) for b in self.reason_buttons if b.isChecked()]

    def _reasons_changed(self, *_args) -> None:
        self.reasons_submit.setEnabled(bool(self.chosen_reasons()))

    def set_countdown(self, seconds: int | None) -> None:
        self._countdown = seconds
        text = ""
        if seconds is not None:
            text = f"{seconds} {self.t('秒后自动返回')}" if self.english else f"{seconds} 秒后自动返回"
        self.rating_countdown.setText(text)
        self.reasons_countdown.setText(text)

    def show_error(self, text: str) -> None:
        for label in (self.rating_error, self.reasons_error):
            label.setText(text)
            label.show()

    def clear_error(self) -> None:
        self.rating_error.hide()
        self.reasons_error.hide()

    def show_page(self, name: str) -> None:
        self.stack.setCurrentWidget(self.pages[name])

    def current_page(self) -> str:
        return self.stack.currentWidget().objectName().removeprefix("pad_")

    def set_busy(self, busy: bool) -> None:
        for b in self.face_buttons.values():
            b.setEnabled(not busy)
        self.reasons_submit.setEnabled(not busy and bool(self.chosen_reasons()))
        self.reasons_back.setEnabled(not busy)

    def retranslate(self) -> None:
        t = self.t
        c = self._card
        if c is not None:
            self.window_label.setText(f"{c.window_number}{t('号窗口')}" if not self.english
                                      else f"{t('号窗口')} {c.window_number}")
            self.photo.setPixmap(photo_pixmap(c.photo_path, self.photo.size()))
            if c.staff_id is None:
                self.idle_badge.setText(t("本窗口暂停服务"))
                set_state(self.idle_badge, "state", "closed")
                self.idle_name.setText(t("请稍候"))
                self.idle_no.setText("")
                self.idle_title.setText("")
            else:
                paused = bool(getattr(c, "on_break", False))
                self.idle_badge.setText(t("暂停服务") if paused else t("亮牌服务"))
                set_state(self.idle_badge, "state", "paused" if paused else "open")
                self.idle_name.setText(c.staff_name)
                self.idle_no.setText(f"{t('工号')}：{c.staff_no}" if not self.english else f"{t('工号')} {c.staff_no}")
                self.idle_title.setText("" if self.english else c.title)
            self.idle_title.setVisible(bool(self.idle_title.text()))
            self.idle_window.setText(c.window_name if not self.english else "")
            self.idle_window.setVisible(bool(self.idle_window.text()) and c.window_name != f"{c.window_number}号窗口")
        self.serving_title.setText(t("正在为您办理"))
        self.serving_number.setText(self._serving or "")
        if c is not None and c.staff_id is not None:
            self.serving_clerk.setText(f"{t('为您服务的是')}：{c.staff_name}（{t('工号')} {c.staff_no}）"
                                       if not self.english else f"{t('为您服务的是')} {c.staff_name} ({c.staff_no})")
        else:
            self.serving_clerk.setText("")
        self.rating_title.setText(t("请对本次服务进行评价"))
        p = self._pending
        if p is not None:
            self.rating_sub.setText(
                f"{p.ticket_number} · {p.staff_name}（{t('工号')} {p.staff_no}）" if not self.english
                else f"{p.ticket_number} · {p.staff_name} ({t('工号')} {p.staff_no})"
            )
        self.reasons_title.setText(t("请选择不满意的原因（可多选）"))
        for b in self.reason_buttons:
            reason = str(b.property("reason"))
            b.setText(REASONS_EN.get(reason, reason) if self.english else reason)
        self.reasons_back.setText("‹ " + t("返回"))
        self.reasons_submit.setText(t("提交评价"))
        self.thanks_title.setText(t("感谢您的评价！"))
        self.thanks_sub.setText(t("您的意见将帮助我们改进服务"))
        self.set_countdown(self._countdown)
