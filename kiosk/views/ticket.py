"""The ticket: the BIG number, queue, people ahead, estimated wait, time, a QR to photograph, print status."""

from __future__ import annotations

from typing import Any

from common.clock import local
from kiosk.format import priority_label, wait_range
from kiosk.i18n import pick, tr
from kiosk.qt import QBoxLayout, QFrame, QHBoxLayout, Qt, QVBoxLayout, QWidget, Signal
from kiosk.views.base import View
from kiosk.widgets import BigButton, make_label, qr_pixmap

QR_PX = 340


class TicketView(View):
    name = "ticket"
    reprintRequested = Signal()
    doneRequested = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__("", back=False, home=False, parent=parent)
        self.ticket: Any = None
        self.timezone: str | None = None
        self._status: tuple[str, str, dict] = ("", "", {})

        card = QFrame()
        card.setProperty("kind", "card")
        self.card_row = QBoxLayout(QBoxLayout.Direction.LeftToRight, card)
        self.card_row.setContentsMargins(48, 32, 48, 32)
        self.card_row.setSpacing(48)

        left = QVBoxLayout()
        left.setSpacing(8)
        self.caption_label = make_label("", "ticket_line", align=Qt.AlignmentFlag.AlignCenter)
        self.number_label = make_label("", "number", align=Qt.AlignmentFlag.AlignCenter)
        self.number_label.setObjectName("ticket_number")
        self.queue_label = make_label("", "ticket_strong", wrap=True, align=Qt.AlignmentFlag.AlignCenter)
        self.priority_label = make_label("", "ticket_strong", align=Qt.AlignmentFlag.AlignCenter)
        for w in (self.caption_label, self.number_label, self.queue_label, self.priority_label):
            left.addWidget(w)
        left.addStretch(1)

        middle = QVBoxLayout()
        middle.setSpacing(4)
        self.ahead_label = make_label("", "ticket_strong", wrap=True)
        self.ahead_label.setObjectName("people_ahead")
        self.wait_caption = make_label("", "ticket_caption")
        self.wait_label = make_label("", "ticket_strong", wrap=True)
        self.time_caption = make_label("", "ticket_caption")
        self.time_label = make_label("", "ticket_line", wrap=True)
        middle.addStretch(1)
        middle.addWidget(self.ahead_label)
        middle.addSpacing(24)
        for w in (self.wait_caption, self.wait_label):
            middle.addWidget(w)
        middle.addSpacing(24)
        for w in (self.time_caption, self.time_label):
            middle.addWidget(w)
        middle.addStretch(1)

        right = QVBoxLayout()
        right.setSpacing(8)
        self.qr_label = make_label("", "", align=Qt.AlignmentFlag.AlignCenter)
        self.qr_label.setObjectName("ticket_qr")
        self.qr_label.setMinimumSize(QR_PX, QR_PX)
        self.qr_hint = make_label("", "hint", wrap=True, align=Qt.AlignmentFlag.AlignCenter)
        self.qr_hint.setFixedWidth(QR_PX + 100)
        right.addWidget(self.qr_label, 0, Qt.AlignmentFlag.AlignCenter)
        right.addWidget(self.qr_hint, 0, Qt.AlignmentFlag.AlignCenter)

        self.card_row.addLayout(left, 5)
        self.card_row.addLayout(middle, 4)
        self.card_row.addLayout(right, 0)
        self.content.addWidget(card, 1)

        self.status_label = make_label("", "status", wrap=True, align=Qt.AlignmentFlag.AlignCenter)
        self.status_label.setObjectName("print_status")
        self.content.addWidget(self.status_label)

        bottom = QHBoxLayout()
        bottom.setSpacing(24)
        self.reprint_button = BigButton("", "primary", min_height=120, min_width=280)
        self.reprint_button.setObjectName("reprint")
        self.reprint_button.clicked.connect(self.reprintRequested)
        self.reprint_button.hide()
        self.done_button = BigButton("", "accent", min_height=120, min_width=280)
        self.done_button.setObjectName("done")
        self.done_button.clicked.connect(self.doneRequested)
        self.countdown_label = make_label("", "countdown", wrap=True, align=Qt.AlignmentFlag.AlignCenter)
        bottom.addWidget(self.reprint_button)
        bottom.addWidget(self.countdown_label, 1)
        bottom.addWidget(self.done_button)
        self.content.addLayout(bottom)
        self._seconds = 0
        self.retranslate()

    def show_ticket(self, ticket: Any, timezone: str | None = None) -> None:
        self.ticket = ticket
        self.timezone = timezone
        self.qr_label.setPixmap(qr_pixmap(ticket.qr_data, QR_PX))
        self.set_print_status("", "")
        self.retranslate()

    def set_print_status(self, level: str, source: str, **fmt: Any) -> None:
        """`level`: ok | info | error | "" (hidden); `source`: a Chinese source string, formatted with fmt."""
        self._status = (level, source, fmt)
        self._render_status()
        self.reprint_button.setVisible(level == "error")

    def _render_status(self) -> None:
        level, source, fmt = self._status
        self.status_label.setVisible(bool(source))
        if not source:
            return
        text = tr(source).format(**fmt)
        if level == "error":
            text += "\n" + tr("您的号码已经取好，不会丢失。可拍照保存，或点“重新打印”。")
        self.status_label.setProperty("level", level)
        self.status_label.style().unpolish(self.status_label)
        self.status_label.style().polish(self.status_label)
        self.status_label.setText(text)

    def set_countdown(self, seconds: int) -> None:
        self._seconds = seconds
        self.countdown_label.setText(tr("{n} 秒后自动返回首页").format(n=seconds) if seconds > 0 else "")

    def set_orientation(self, portrait: bool) -> None:
        self.card_row.setDirection(QBoxLayout.Direction.TopToBottom if portrait else QBoxLayout.Direction.LeftToRight)

    def retranslate(self) -> None:
        super().retranslate()
        self.caption_label.setText(tr("您的号码"))
        self.qr_hint.setText(tr("请拍照保存此二维码，凭码查看排队进度"))
        self.reprint_button.setText(tr("重新打印"))
        self.done_button.setText(tr("完成"))
        self.set_countdown(self._seconds)
        self._render_status()
        t = self.ticket
        if t is None:
            return
        self.number_label.setText(t.number)
        self.queue_label.setText(pick(t.queue_name, getattr(t, "queue_name_en", "")))
        label = priority_label(t.priority)
        self.priority_label.setText(tr("优先：{p}").format(p=label) if label else "")
        self.priority_label.setVisible(bool(label))
        self.ahead_label.setText(tr("前面还有 {n} 人").format(n=t.people_ahead))
        self.wait_caption.setText(tr("预计等待"))
        self.wait_label.setText(wait_range(t.est_wait_min, t.est_wait_max))
        issued = local(t.issued_at, self.timezone) if t.issued_at.tzinfo else t.issued_at
        self.time_caption.setText(tr("取号时间"))
        self.time_label.setText(issued.strftime("%H:%M"))  # today, by definition
