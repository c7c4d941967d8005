"""The hall display's screen (叫号屏): big, high-contrast, readable across the hall, nothing clipped.

Every piece of text is drawn by `FitText`, which picks the largest font that fits its box (never clipped, never
elided), so the same widgets work at 1920×1080, 1080×1920 and on a small per-zone screen. The view holds layout
only; `DisplayController` feeds it snapshots and calls.

    ┌ header: hall name · zone ······························ stale marker · date · time ┐
    │ now calling (flashes): 请 A012 号 / 到 5 号窗口 │ windows: number, current ticket,     │
    │ recent calls                                  │ state, clerk 王* (亮牌) with photo    │
    │ waiting per queue                                                                   │
    │ scrolling notice                                                                    │
    └ status line: voice · data                                                           ┘
Portrait stacks the same parts top to bottom.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from common.services.display import CALLING, CLOSED, IDLE, PAUSED, SERVING, DisplaySnapshot, QueueWaiting, RecentCall, WindowBoard
from kiosk import theme
from kiosk.qt import (
    QColor,
    QFont,
    QFontMetrics,
    QGridLayout,
    QHBoxLayout,
    QPainter,
    QPainterPath,
    QPen,
    QPixmap,
    QRectF,
    QSizePolicy,
    Qt,
    QTimer,
    QVBoxLayout,
    QWidget,
)

LANDSCAPE = (1920, 1080)
PORTRAIT = (1080, 1920)

# Colours: light text on a deep blue, numbers in yellow, states in green / amber / grey, calls flash red.
BG = "#04152B"
PANEL = "#0B2748"
PANEL_EDGE = "#1F4F86"
HEADER = "#0A3C78"
TEXT = "#FFFFFF"
MUTED = "#B4C7E0"
NUMBER = "#FFD83D"
FLASH = "#C4001D"
CALLING_EDGE = "#FF4D4D"
GREEN = "#4BE07A"
AMBER = "#FFB02E"
GREY = "#8D9BB0"
STALE_BG = "#C4001D"

STATE_COLOURS = {CALLING: CALLING_EDGE, SERVING: GREEN, IDLE: GREEN, PAUSED: AMBER, CLOSED: GREY}
FLASH_MS = 500
FLASH_TIMES = 6  # on/off pairs: about six seconds

WEEKDAYS = "一二三四五六日"


def _font(px: int, weight: int = 700) -> QFont:
    f = theme.ui_font()
    f.setPixelSize(max(1, int(px)))
    f.setWeight(QFont.Weight(weight))
    return f


class FitText(QWidget):
    """One line of text in the largest font (up to `max_px`) that fits the widget: nothing is ever clipped."""

    def __init__(self, text: str = "", *, color: str = TEXT, weight: int = 700, max_px: int = 400,
                 fill: float = 0.78, align: Qt.AlignmentFlag = Qt.AlignmentFlag.AlignCenter,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self._text = text
        self.color = color
        self.weight = weight
        self.max_px = max_px
        self.fill = fill  # share of the height the font may take
        self.align = align
        self.secondary = False  # a side label (service, status line): may be smaller than the main texts
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(10, 10)
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents, True)

    def text(self) -> str:
        return self._text

    def setText(self, text: str) -> None:
        if text != self._text:
            self._text = text
            self.update()

    def set_color(self, color: str) -> None:
        if color != self.color:
            self.color = color
            self.update()

    def fitted_px(self) -> int:
        """The pixel size the text is drawn at (0 when empty)."""
        if not self._text:
            return 0
        px = int(min(self.max_px, self.height() * self.fill))
        if px <= 1:
            return 1
        width = QFontMetrics(_font(px, self.weight)).horizontalAdvance(self._text)
        avail = self.width() - 4
        while width > avail and px > 6:
            px = max(6, min(px - 1, int(px * avail / max(1, width))))
            width = QFontMetrics(_font(px, self.weight)).horizontalAdvance(self._text)
        return px

    def fits(self) -> bool:
        if not self._text:
            return True
        px = self.fitted_px()
        fm = QFontMetrics(_font(px, self.weight))
        ink = fm.tightBoundingRect(self._text)  # the glyphs as drawn, centred vertically
        return fm.horizontalAdvance(self._text) <= self.width() and ink.height() <= self.height()

    def paintEvent(self, _event) -> None:
        if not self._text:
            return
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
        p.setFont(_font(self.fitted_px(), self.weight))
        p.setPen(QColor(self.color))
        p.drawText(self.rect(), int(self.align | Qt.AlignmentFlag.AlignVCenter), self._text)
        p.end()


class Panel(QWidget):
    """A rounded box with a background and an optional coloured edge."""

    def __init__(self, bg: str = PANEL, edge: str | None = PANEL_EDGE, radius: int = 14, edge_px: int = 2,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.bg = bg
        self.edge = edge
        self.radius = radius
        self.edge_px = edge_px

    def set_colours(self, bg: str | None = None, edge: str | None = None, edge_px: int | None = None) -> None:
        self.bg = bg or self.bg
        self.edge = edge
        if edge_px is not None:
            self.edge_px = edge_px
        self.update()

    def paintEvent(self, _event) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        half = self.edge_px / 2 if self.edge else 0
        r = QRectF(self.rect()).adjusted(half, half, -half, -half)
        p.setBrush(QColor(self.bg))
        p.setPen(QPen(QColor(self.edge), self.edge_px) if self.edge else Qt.PenStyle.NoPen)
        p.drawRoundedRect(r, self.radius, self.radius)
        p.end()


class CallLine(QWidget):
    """"请 A012 号" on one line: the number large in yellow, the words smaller, fitted and centred together."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.number = ""
        self.number_color = NUMBER
        self.word_scale = 0.5
        self.max_px = 400
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(10, 10)

    def segments(self, px: int) -> list[tuple[str, QFont, str]]:
        word = _font(px * self.word_scale, 800)
        return [("请 ", word, TEXT), (self.number, _font(px, 900), self.number_color), (" 号", word, TEXT)]

    def _width(self, px: int) -> int:
        return sum(QFontMetrics(f).horizontalAdvance(t) for t, f, _ in self.segments(px))

    def fitted_px(self) -> int:
        if not self.number:
            return 0
        px = int(min(self.max_px, self.height() * 0.92))
        avail = self.width() - 8
        width = self._width(px)
        while width > avail and px > 8:
            px = max(8, min(px - 1, int(px * avail / max(1, width))))
            width = self._width(px)
        return px

    def text(self) -> str:
        return self.number

    def setText(self, number: str) -> None:
        self.number = number
        self.update()

    def set_color(self, color: str) -> None:
        self.number_color = color
        self.update()

    def fits(self) -> bool:
        px = self.fitted_px()
        ink = QFontMetrics(_font(px, 900)).tightBoundingRect(self.number)
        return self._width(px) <= self.width() and ink.height() <= self.height()

    def paintEvent(self, _event) -> None:
        if not self.number:
            return
        px = self.fitted_px()
        segs = self.segments(px)
        x = (self.width() - self._width(px)) / 2
        number_fm = QFontMetrics(segs[1][1])
        baseline = (self.height() + number_fm.capHeight()) / 2  # the number's capitals centred vertically
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
        for text, font, colour in segs:
            p.setFont(font)
            p.setPen(QColor(colour))
            p.drawText(int(x), int(baseline), text)
            x += QFontMetrics(font).horizontalAdvance(text)
        p.end()


def _vbox(widget: QWidget, margins: tuple[int, int, int, int] = (0, 0, 0, 0), spacing: int = 0) -> QVBoxLayout:
    box = QVBoxLayout(widget)
    box.setContentsMargins(*margins)
    box.setSpacing(spacing)
    return box


def _hbox(widget: QWidget | None = None, margins: tuple[int, int, int, int] = (0, 0, 0, 0),
          spacing: int = 0) -> QHBoxLayout:
    box = QHBoxLayout(widget) if widget is not None else QHBoxLayout()
    box.setContentsMargins(*margins)
    box.setSpacing(spacing)
    return box


# --------------------------------------------------------------------------------------------- header


class Header(Panel):
    def __init__(self, portrait: bool, parent: QWidget | None = None):
        super().__init__(HEADER, None, 0, parent=parent)
        self.hall = FitText("", color=TEXT, weight=800, max_px=60, align=Qt.AlignmentFlag.AlignLeft)
        self.zone = FitText("", color=NUMBER, weight=700, max_px=44, align=Qt.AlignmentFlag.AlignLeft)
        self.stale = FitText("", color=TEXT, weight=800, max_px=38)
        self.stale_box = Panel(STALE_BG, "#FFFFFF", 10, 3)
        _hbox(self.stale_box, (14, 4, 14, 4)).addWidget(self.stale)
        self.stale_box.hide()
        self.date = FitText("", color=MUTED, weight=600, max_px=34, align=Qt.AlignmentFlag.AlignRight)
        self.clock = FitText("", color=TEXT, weight=800, max_px=56, align=Qt.AlignmentFlag.AlignRight)
        if portrait:
            box = _vbox(self, (28, 10, 28, 10), 4)
            top = _hbox(spacing=16)
            top.addWidget(self.hall, 5)
            top.addWidget(self.clock, 2)
            bottom = _hbox(spacing=16)
            bottom.addWidget(self.zone, 2)
            bottom.addWidget(self.stale_box, 3)
            bottom.addWidget(self.date, 3)
            box.addLayout(top, 3)
            box.addLayout(bottom, 2)
        else:
            box = _hbox(self, (32, 10, 32, 10), 24)
            left = QVBoxLayout()
            left.setSpacing(0)
            left.addWidget(self.hall, 3)
            box.addLayout(left, 9)
            box.addWidget(self.zone, 2)
            box.addWidget(self.stale_box, 5)
            right = QVBoxLayout()
            right.setSpacing(0)
            right.addWidget(self.clock, 3)
            right.addWidget(self.date, 2)
            box.addLayout(right, 3)

    def set_time(self, local: dt.datetime) -> None:
        self.clock.setText(local.strftime("%H:%M:%S"))
        self.date.setText(f"{local.year}年{local.month}月{local.day}日 星期{WEEKDAYS[local.weekday()]}")

    def set_stale(self, text: str | None) -> None:
        self.stale.setText(text or "")
        self.stale_box.setVisible(bool(text))


# --------------------------------------------------------------------------------------------- now calling


class Headline(Panel):
    """The latest call, very large; flashes for a few seconds when a call (or recall) comes in."""

    def __init__(self, portrait: bool, parent: QWidget | None = None):
        super().__init__(PANEL, NUMBER, 18, 4, parent)
        self.caption = FitText("正在呼叫", color=MUTED, weight=700, max_px=44)
        self.number = CallLine()
        self.line2 = FitText("", color=TEXT, weight=800, max_px=150, fill=0.8)
        self.idle = FitText("请留意叫号", color=MUTED, weight=700, max_px=90, fill=0.5)
        box = _vbox(self, (24, 12, 24, 16), 0)
        box.addWidget(self.caption, 2)
        box.addWidget(self.number, 9 if not portrait else 8)
        box.addWidget(self.line2, 5)
        box.addWidget(self.idle, 0)
        self.idle.hide()
        self._flash_left = 0
        self._flash_on = False
        self._timer = QTimer(self)
        self._timer.setInterval(FLASH_MS)
        self._timer.timeout.connect(self._tick)
        self.current: tuple[str, int | None, str] | None = None
        self.show_call(None)

    def show_call(self, number: str | None, window_number: int | None = None, window_name: str = "",
                  *, flash: bool = False) -> None:
        if not number:
            self.current = None
            for w in (self.number, self.line2):
                w.hide()
            self.idle.show()
            self.layout().setStretchFactor(self.idle, 14)
            return
        self.current = (number, window_number, window_name)
        self.idle.hide()
        for w in (self.number, self.line2):
            w.show()
        self.number.setText(number)
        self.line2.setText(f"到 {window_number} 号窗口" if window_number else f"到 {window_name}")
        if flash:
            self._flash_left = FLASH_TIMES * 2
            self._flash_on = False
            self._tick()
            self._timer.start()

    @property
    def flashing(self) -> bool:
        return self._timer.isActive()

    @property
    def flash_on(self) -> bool:
        return self._flash_on

    def _tick(self) -> None:
        if self._flash_left <= 0:
            self._timer.stop()
            self._flash_on = False
        else:
            self._flash_left -= 1
            self._flash_on = not self._flash_on
        self.set_colours(FLASH if self._flash_on else PANEL, NUMBER, 4)
        self.number.set_color(TEXT if self._flash_on else NUMBER)
        self.caption.set_color(TEXT if self._flash_on else MUTED)

    def stop_flash(self) -> None:
        self._flash_left = 0
        self._tick()


class RecentCalls(Panel):
    """The calls before the latest one: number → window. `horizontal`: one row with the title on its left."""

    def __init__(self, rows: int, columns: int = 1, *, horizontal: bool = False, parent: QWidget | None = None):
        super().__init__(PANEL, PANEL_EDGE, 14, 2, parent)
        grid = QGridLayout()
        grid.setHorizontalSpacing(18 if horizontal else 28)
        grid.setVerticalSpacing(2)
        if horizontal:
            self.title = FitText("最近叫号", color=MUTED, weight=700, max_px=34, fill=0.6)
            box = _hbox(self, (18, 6, 18, 6), 18)
            box.addWidget(self.title, 3)
            box.addLayout(grid, 10 * columns)
        else:
            self.title = FitText("最近叫号", color=MUTED, weight=700, max_px=36, align=Qt.AlignmentFlag.AlignLeft)
            box = _vbox(self, (22, 8, 22, 10), 4)
            box.addWidget(self.title, 2)
            box.addLayout(grid, 3 * rows)
        self.rows: list[tuple[FitText, FitText]] = []
        for i in range(rows * columns):
            num = FitText("", color=NUMBER, weight=800, max_px=64, align=Qt.AlignmentFlag.AlignLeft)
            win = FitText("", color=TEXT, weight=700, max_px=52, align=Qt.AlignmentFlag.AlignLeft)
            r, c = i % rows, i // rows
            grid.addWidget(num, r, c * 2)
            grid.addWidget(win, r, c * 2 + 1)
            grid.setColumnStretch(c * 2, 4)
            grid.setColumnStretch(c * 2 + 1, 5)
            self.rows.append((num, win))

    def set_calls(self, calls: list[RecentCall]) -> None:
        for i, (num, win) in enumerate(self.rows):
            if i < len(calls):
                c = calls[i]
                num.setText(c.number)
                win.setText(f"{c.window_number}号窗口" if c.window_number else c.window_name)
            else:
                num.setText("")
                win.setText("")


# --------------------------------------------------------------------------------------------- windows


class Avatar(QWidget):
    """The clerk's photo (亮牌), rounded; hidden when there is none."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._pix: QPixmap | None = None
        self._path = ""
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Expanding)

    def set_path(self, path: str) -> None:
        if path == self._path:
            return
        self._path = path
        pix = QPixmap(path) if path and Path(path).is_file() else QPixmap()
        self._pix = None if pix.isNull() else pix
        self.setVisible(self._pix is not None)
        self.update()

    @property
    def has_photo(self) -> bool:
        return self._pix is not None

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        w = int(self.height() * 0.78)
        if self.width() != w:
            self.setFixedWidth(max(10, w))

    def paintEvent(self, _event) -> None:
        if self._pix is None:
            return
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        p.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)
        r = QRectF(self.rect()).adjusted(1, 1, -1, -1)
        path = QPainterPath()
        path.addRoundedRect(r, 6, 6)
        p.setClipPath(path)
        scaled = self._pix.scaled(self.size(), Qt.AspectRatioMode.KeepAspectRatioByExpanding,
                                  Qt.TransformationMode.SmoothTransformation)
        p.drawPixmap(int((self.width() - scaled.width()) / 2), int((self.height() - scaled.height()) / 2), scaled)
        p.setClipping(False)
        p.setPen(QPen(QColor(TEXT), 2))
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.drawRoundedRect(r, 6, 6)
        p.end()


NUMBER_MAX_PX = 200  # a card's ticket number (fitted to the card, so smaller on a full-hall screen)
STATE_MAX_PX = 64  # 等待叫号 / 暂停服务 / 暂未开放: smaller than a number, so numbers stand out


class WindowCard(Panel):
    """One window: its number and service, the ticket it is calling/serving or its state, the clerk (王*)."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(PANEL, PANEL_EDGE, 12, 2, parent)
        self.window_id: int | None = None
        self.title = FitText("", color=TEXT, weight=800, max_px=56, align=Qt.AlignmentFlag.AlignLeft)
        self.services = FitText("", color=MUTED, weight=600, max_px=36, align=Qt.AlignmentFlag.AlignRight)
        self.services.secondary = True
        self.number = FitText("", color=NUMBER, weight=900, max_px=NUMBER_MAX_PX, fill=0.92)
        self.photo = Avatar()
        self.clerk = FitText("", color=TEXT, weight=700, max_px=44, align=Qt.AlignmentFlag.AlignLeft)
        self.state = FitText("", color=GREEN, weight=700, max_px=44, align=Qt.AlignmentFlag.AlignRight)
        box = _vbox(self, (12, 6, 12, 8), 2)
        top = _hbox(spacing=8)
        top.addWidget(self.title, 5)
        top.addWidget(self.services, 6)
        box.addLayout(top, 3)
        box.addWidget(self.number, 6)
        bottom = _hbox(spacing=8)
        bottom.addWidget(self.photo, 0)
        bottom.addWidget(self.clerk, 4)
        bottom.addWidget(self.state, 5)
        box.addLayout(bottom, 3)
        self.photo.hide()
        self.board: WindowBoard | None = None

    def set_board(self, b: WindowBoard) -> None:
        self.board = b
        self.window_id = b.window_id
        self.title.setText(f"{b.number}号窗口" if b.number else b.name)
        self.services.setText(b.services)
        colour = STATE_COLOURS.get(b.state, TEXT)
        if b.current_number:
            self.number.setText(b.current_number)
            self.number.set_color(NUMBER)
            self.number.max_px = NUMBER_MAX_PX
        else:
            self.number.setText({IDLE: "等待叫号", PAUSED: "暂停服务", CLOSED: "暂未开放"}.get(b.state, ""))
            self.number.set_color(colour)
            self.number.max_px = STATE_MAX_PX
            self.number.update()
        self.state.setText(b.state_label if b.current_number or b.state in (IDLE,) else "")
        self.state.set_color(colour)
        self.clerk.setText(b.clerk)
        self.photo.set_path(b.photo_path)
        if b.state == CALLING:
            self.set_colours(PANEL, CALLING_EDGE, 4)
        elif b.state in (PAUSED, CLOSED):
            self.set_colours("#0A1D36", "#2A3F5C", 2)
        else:
            self.set_colours(PANEL, PANEL_EDGE, 2)

    def show_number(self, number: str, calling: bool = True) -> None:
        """Immediate update from an event (before the next snapshot)."""
        self.number.setText(number)
        self.number.set_color(NUMBER)
        self.number.max_px = NUMBER_MAX_PX
        self.state.setText("正在呼叫" if calling else "正在办理")
        self.state.set_color(CALLING_EDGE if calling else GREEN)
        if calling:
            self.set_colours(PANEL, CALLING_EDGE, 4)


class WindowGrid(QWidget):
    """The windows as cards, in as many columns as fit the area's shape."""

    def __init__(self, portrait: bool, parent: QWidget | None = None):
        super().__init__(parent)
        self.portrait = portrait
        self.grid = QGridLayout(self)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setSpacing(10)
        self.cards: list[WindowCard] = []
        self.empty = FitText("本区域暂无窗口", color=MUTED, weight=700, max_px=60, fill=0.3)
        self.grid.addWidget(self.empty, 0, 0)
        self._columns = 0

    def columns_for(self, n: int) -> int:
        if n <= 0:
            return 1
        if self.portrait:
            return 1 if n == 1 else 2 if n <= 4 else 3 if n <= 9 else 4 if n <= 28 else 5
        return 1 if n == 1 else 2 if n <= 4 else 3 if n <= 9 else 4 if n <= 16 else 5 if n <= 25 else 6

    def set_windows(self, boards: tuple[WindowBoard, ...]) -> None:
        n = len(boards)
        cols = self.columns_for(n)
        if n != len(self.cards) or cols != self._columns:
            for card in self.cards:
                self.grid.removeWidget(card)
                card.deleteLater()
            self.cards = []
            for i in range(n):
                card = WindowCard(self)
                self.grid.addWidget(card, i // cols, i % cols)
                self.cards.append(card)
            rows = max(1, (n + cols - 1) // cols)
            for r in range(rows):
                self.grid.setRowStretch(r, 1)
            for c in range(cols):
                self.grid.setColumnStretch(c, 1)
            self._columns = cols
        self.empty.setVisible(n == 0)
        for card, b in zip(self.cards, boards):
            card.set_board(b)

    def card(self, window_id: int | None) -> WindowCard | None:
        return next((c for c in self.cards if c.window_id == window_id), None)


# --------------------------------------------------------------------------------------------- queues


class QueueRow(QWidget):
    """One queue: "A 企业开办" and its waiting count, on one line."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.name = FitText("", color=TEXT, weight=700, max_px=40, align=Qt.AlignmentFlag.AlignLeft)
        self.count = FitText("", color=NUMBER, weight=800, max_px=44, align=Qt.AlignmentFlag.AlignRight)
        box = _hbox(self, (4, 0, 4, 0), 8)
        box.addWidget(self.name, 7)
        box.addWidget(self.count, 3)

    def set_queue(self, q: QueueWaiting) -> None:
        self.name.setText(f"{q.prefix} {q.name}")
        self.count.setText(f"{q.waiting} 人")
        self.count.set_color(NUMBER if q.waiting else MUTED)


class WaitingPanel(Panel):
    """Waiting people per queue (等候人数), in `columns` columns."""

    def __init__(self, columns: int, parent: QWidget | None = None):
        super().__init__(PANEL, PANEL_EDGE, 14, 2, parent)
        self.columns = columns
        self.title = FitText("等候人数", color=MUTED, weight=700, max_px=36, align=Qt.AlignmentFlag.AlignLeft)
        box = _vbox(self, (20, 8, 20, 10), 4)
        box.addWidget(self.title, 2)
        self.grid = QGridLayout()
        self.grid.setHorizontalSpacing(36)
        self.grid.setVerticalSpacing(4)
        box.addLayout(self.grid, 12)
        self.tiles: list[QueueRow] = []

    def set_queues(self, queues: tuple[QueueWaiting, ...]) -> None:
        if len(queues) != len(self.tiles):
            for t in self.tiles:
                self.grid.removeWidget(t)
                t.deleteLater()
            self.tiles = []
            rows = max(1, (len(queues) + self.columns - 1) // self.columns)
            for i in range(len(queues)):
                t = QueueRow(self)
                self.grid.addWidget(t, i % rows, i // rows)  # down the first column, then the next
                self.tiles.append(t)
            for c in range(self.columns):
                self.grid.setColumnStretch(c, 1)
            for r in range(rows):
                self.grid.setRowStretch(r, 1)
        for t, q in zip(self.tiles, queues):
            t.set_queue(q)


# --------------------------------------------------------------------------------------------- notice, status


class Marquee(Panel):
    """The hall's notice, scrolling right to left (static when it fits)."""

    STEP_PX = 3
    TICK_MS = 30

    def __init__(self, parent: QWidget | None = None):
        super().__init__("#06203F", None, 0, parent=parent)
        self._text = ""
        self._offset = 0.0
        self._timer = QTimer(self)
        self._timer.setInterval(self.TICK_MS)
        self._timer.timeout.connect(self._step)

    def text(self) -> str:
        return self._text

    def setText(self, text: str) -> None:
        text = " ".join((text or "").split())
        if text != self._text:
            self._text = text
            self._offset = 0.0
            self.update()

    def _px(self) -> int:
        return max(12, int(self.height() * 0.58))

    def _text_width(self) -> int:
        return QFontMetrics(_font(self._px(), 700)).horizontalAdvance(self._text)

    @property
    def scrolling(self) -> bool:
        return bool(self._text) and self._text_width() > self.width() - 40

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self._timer.start()

    def hideEvent(self, event) -> None:
        super().hideEvent(event)
        self._timer.stop()

    def _step(self) -> None:
        if not self.scrolling:
            return
        self._offset += self.STEP_PX
        if self._offset > self._text_width() + self.width() * 0.5:
            self._offset = -self.width() * 0.5
        self.update()

    def paintEvent(self, event) -> None:
        super().paintEvent(event)
        if not self._text:
            return
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
        p.setFont(_font(self._px(), 700))
        p.setPen(QColor(TEXT))
        x = 24 - self._offset if self.scrolling else (self.width() - self._text_width()) / 2
        p.drawText(QRectF(x, 0, self._text_width() + 10, self.height()),
                   int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter), self._text)
        p.end()


class StatusLine(QWidget):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.voice = FitText("", color=MUTED, weight=600, max_px=24, align=Qt.AlignmentFlag.AlignLeft)
        self.data = FitText("", color=MUTED, weight=600, max_px=24, align=Qt.AlignmentFlag.AlignRight)
        self.voice.secondary = self.data.secondary = True
        box = _hbox(self, (24, 2, 24, 4), 24)
        box.addWidget(self.voice, 3)
        box.addWidget(self.data, 2)

    def set_voice(self, text: str, ok: bool = True) -> None:
        self.voice.setText(text)
        self.voice.set_color(MUTED if ok else AMBER)

    def set_data(self, text: str, ok: bool = True) -> None:
        self.data.setText(text)
        self.data.set_color(MUTED if ok else "#FF7A7A")


# --------------------------------------------------------------------------------------------- the screen


class DisplayView(QWidget):
    """The whole screen in one orientation. `apply_snapshot`, `show_call`, `set_stale`, `set_voice_status`."""

    def __init__(self, portrait: bool = False, parent: QWidget | None = None):
        super().__init__(parent)
        self.portrait = portrait
        self.setObjectName("HallDisplay")
        self.setWindowTitle("政务服务中心 叫号屏")
        self.setAutoFillBackground(True)
        pal = self.palette()
        pal.setColor(self.backgroundRole(), QColor(BG))
        self.setPalette(pal)
        self.header = Header(portrait)
        self.headline = Headline(portrait)
        self.recent = RecentCalls(rows=2, columns=3) if portrait else RecentCalls(rows=1, columns=5, horizontal=True)
        self.windows = WindowGrid(portrait)
        self.queues = WaitingPanel(columns=3 if portrait else 2)
        self.notice = Marquee()
        self.status = StatusLine()
        self.snapshot: DisplaySnapshot | None = None
        if portrait:
            self._layout_portrait()
        else:
            self._layout_landscape()
        self.resize(*(PORTRAIT if portrait else LANDSCAPE))

    def _layout_landscape(self) -> None:
        box = _vbox(self, (0, 0, 0, 0), 0)
        box.addWidget(self.header, 96)
        body = _hbox(margins=(16, 14, 16, 8), spacing=16)
        left = QVBoxLayout()
        left.setSpacing(14)
        left.addWidget(self.headline, 54)
        left.addWidget(self.queues, 46)
        body.addLayout(left, 38)
        body.addWidget(self.windows, 62)
        box.addLayout(body, 790)
        strip = _hbox(margins=(16, 0, 16, 10))
        strip.addWidget(self.recent)
        box.addLayout(strip, 104)
        box.addWidget(self.notice, 60)
        box.addWidget(self.status, 30)

    def _layout_portrait(self) -> None:
        box = _vbox(self, (0, 0, 0, 0), 0)
        box.addWidget(self.header, 130)
        body = QVBoxLayout()
        body.setContentsMargins(16, 14, 16, 8)
        body.setSpacing(12)
        body.addWidget(self.headline, 380)
        body.addWidget(self.recent, 160)
        body.addWidget(self.windows, 880)
        body.addWidget(self.queues, 240)
        box.addLayout(body, 1700)
        box.addWidget(self.notice, 70)
        box.addWidget(self.status, 34)

    # -- updates ---------------------------------------------------------------------------------

    def apply_snapshot(self, snap: DisplaySnapshot, *, headline: RecentCall | None = None) -> None:
        self.snapshot = snap
        self.header.hall.setText(snap.hall_name)
        self.header.zone.setText(f"{snap.zone} 叫号屏" if snap.zone else "")
        self.header.zone.setVisible(bool(snap.zone))
        self.windows.set_windows(snap.windows)
        self.queues.set_queues(snap.queues)
        self.notice.setText(snap.notice)
        latest = headline or snap.latest
        if self.headline.current is None and latest is not None:
            self.headline.show_call(latest.number, latest.window_number, latest.window_name)
        shown = self.headline.current
        rest = [c for c in snap.calls if shown is None or (c.number, c.window_number) != (shown[0], shown[1])]
        self.recent.set_calls(rest)

    def show_call(self, number: str, window_id: int | None, window_number: int | None, window_name: str = "",
                  *, recall: bool = False) -> None:
        """A call (or recall) just happened: big line, flashing; the window's card at once."""
        previous = self.headline.current
        self.headline.show_call(number, window_number, window_name, flash=True)
        card = self.windows.card(window_id)
        if card is not None:
            card.show_number(number, calling=True)
        if previous is not None and previous[0] != number and not recall:
            calls = [(n.text(), w.text()) for n, w in self.recent.rows if n.text()]
            calls = [c for c in calls if c[0] != number]
            label = f"{previous[1]}号窗口" if previous[1] else previous[2]
            calls.insert(0, (previous[0], label))
            for (num, win), (a, b) in zip(self.recent.rows, calls + [("", "")] * len(self.recent.rows)):
                num.setText(a)
                win.setText(b)

    def set_time(self, local: dt.datetime) -> None:
        self.header.set_time(local)

    def set_stale(self, since: dt.datetime | None) -> None:
        """None: data is live. Otherwise show "数据更新中断 hh:mm:ss" (the last good update, hall time)."""
        if since is None:
            self.header.set_stale(None)
            self.status.set_data("数据实时更新", True)
        else:
            text = f"数据更新中断 {since:%H:%M:%S}"
            self.header.set_stale(text)
            self.status.set_data(f"{text}，正在重新连接…", False)

    def set_voice_status(self, text: str, ok: bool = True) -> None:
        self.status.set_voice(text, ok)

    # -- checks (tests, self-test) ---------------------------------------------------------------

    def clipped_texts(self) -> list[str]:
        """Visible texts that do not fit their box (should be none)."""
        out = []
        for w in [*self.findChildren(FitText), *self.findChildren(CallLine)]:
            if w.isVisible() and w.text() and not w.fits():
                out.append(w.text())
        return out

    def too_small_texts(self, min_px: int = 18, secondary_px: int = 14) -> list[tuple[str, int]]:
        """Visible texts drawn smaller than `min_px` (side labels: `secondary_px`)."""
        return [(w.text(), w.fitted_px()) for w in self.findChildren(FitText)
                if w.isVisible() and w.text() and w.fitted_px() < (secondary_px if w.secondary else min_px)]
