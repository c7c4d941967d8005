"""Choose a queue (业务): one tile per queue with waiting count and estimated wait; kinetic scrolling."""

from __future__ import annotations

from typing import Any, Sequence

from kiosk.format import wait_range
from kiosk.i18n import pick, tr
from kiosk.qt import (
    QFrame, QGridLayout, QHBoxLayout, QLabel, QPushButton, QScrollArea, QScroller, QScrollerProperties, QSize,
    QSizePolicy, Qt, QVBoxLayout, QWidget, Signal,
)  # fmt: skip
from kiosk.views.base import View
from kiosk.widgets import make_label

QUEUE_TILE_PX = 190


class QueueTile(QPushButton):
    """A queue: prefix badge and name; waiting count and estimated wait, or why it is closed."""

    def __init__(self, status: Any, parent: QWidget | None = None):
        super().__init__(parent)
        self.status = status
        self.setProperty("kind", "tile")
        self.setObjectName(f"queue_{status.queue_id}")
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setMinimumHeight(QUEUE_TILE_PX)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        box = QVBoxLayout(self)
        box.setContentsMargins(28, 20, 28, 20)
        box.setSpacing(12)
        top = QHBoxLayout()
        top.setSpacing(20)
        self.prefix_label = self._label(status.prefix, "queue_prefix")
        self.prefix_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.name_label = self._label("", "queue_name", wrap=True)
        top.addWidget(self.prefix_label, 0, Qt.AlignmentFlag.AlignTop)
        top.addWidget(self.name_label, 1)
        self.info_label = self._label("", "queue_info", wrap=True)  # 等候 N 人, or why it is closed
        self.wait_label = self._label("", "queue_info", wrap=True)  # 约 10–20 分钟 / 暂无窗口办理
        box.addLayout(top)
        box.addWidget(self.info_label)
        box.addWidget(self.wait_label)
        box.addStretch(1)
        self._layout = box
        self.retranslate()

    def _label(self, text: str, kind: str, wrap: bool = False) -> QLabel:
        label = make_label(text, kind, wrap=wrap)
        label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        return label

    @property
    def available(self) -> bool:
        return bool(self.status.is_open) and not self.status.appointment_only

    def retranslate(self) -> None:
        s = self.status
        self.name_label.setText(pick(s.name, s.name_en))
        wait = ""
        if s.appointment_only:
            info = tr("本业务仅限预约办理，请使用“预约签到”")
        elif not s.is_open:
            reason = s.closed_reason or ""
            info = f"{tr('暂停取号')}：{reason}" if reason else tr("暂停取号")
        else:
            info = tr("等候 {n} 人").format(n=s.waiting)
            wait = wait_range(s.est_wait_min, s.est_wait_max, s.open_windows)
        self.info_label.setText(info)
        self.wait_label.setText(wait)
        self.wait_label.setVisible(bool(wait))
        self.setEnabled(self.available)

    def sizeHint(self) -> QSize:
        hint = self._layout.sizeHint()
        return QSize(max(hint.width(), 300), max(hint.height(), QUEUE_TILE_PX))

    def minimumSizeHint(self) -> QSize:
        return QSize(300, max(self._layout.minimumSize().height(), QUEUE_TILE_PX))

    def hasHeightForWidth(self) -> bool:  # noqa: N802 - Qt API; long names wrap onto a second line
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802
        return max(self._layout.totalHeightForWidth(width), QUEUE_TILE_PX)


class QueueChoiceView(View):
    name = "queues"
    queueChosen = Signal(object)  # the QueueStatus

    def __init__(self, parent: QWidget | None = None):
        super().__init__("请选择要办理的业务", parent=parent)
        self.columns = 3
        self.tiles: list[QueueTile] = []
        self.statuses: list[Any] = []
        self.info_label = make_label("", "hint", wrap=True, align=Qt.AlignmentFlag.AlignCenter)
        self.info_label.hide()
        self.content.addWidget(self.info_label)
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.inner = QWidget()
        self.grid = QGridLayout(self.inner)
        self.grid.setContentsMargins(0, 0, 12, 0)
        self.grid.setSpacing(24)
        self.scroll.setWidget(self.inner)
        self.content.addWidget(self.scroll, 1)
        self.swipe_hint = make_label("", "hint", align=Qt.AlignmentFlag.AlignCenter)
        self.swipe_hint.hide()
        self.content.addWidget(self.swipe_hint)
        self._enable_kinetic_scrolling()
        self.retranslate()

    def _enable_kinetic_scrolling(self) -> None:
        viewport = self.scroll.viewport()
        QScroller.grabGesture(viewport, QScroller.ScrollerGestureType.LeftMouseButtonGesture)
        scroller = QScroller.scroller(viewport)
        props = scroller.scrollerProperties()
        # no overshoot bounce (confusing for elderly users); a tap is never delayed into a drag
        props.setScrollMetric(QScrollerProperties.ScrollMetric.VerticalOvershootPolicy,
                              QScrollerProperties.OvershootPolicy.OvershootAlwaysOff)
        props.setScrollMetric(QScrollerProperties.ScrollMetric.HorizontalOvershootPolicy,
                              QScrollerProperties.OvershootPolicy.OvershootAlwaysOff)
        props.setScrollMetric(QScrollerProperties.ScrollMetric.MousePressEventDelay, 0.0)
        scroller.setScrollerProperties(props)

    def set_loading(self) -> None:
        self.set_queues([])
        self.info_label.setText(tr("正在加载业务列表，请稍候…"))
        self.info_label.show()
        self._loading = True

    def set_queues(self, statuses: Sequence[Any]) -> None:
        self._loading = False
        self.statuses = list(statuses)
        for tile in self.tiles:
            self.grid.removeWidget(tile)
            tile.deleteLater()
        self.tiles = []
        for status in self.statuses:
            tile = QueueTile(status)
            tile.clicked.connect(lambda _c=False, s=status: self.queueChosen.emit(s))
            self.tiles.append(tile)
        self._place()
        self.info_label.setVisible(not self.statuses)
        self.info_label.setText(tr("当前没有可取号的业务，请咨询大厅工作人员。"))
        self.scroll.verticalScrollBar().setValue(0)

    def tile_for(self, queue_id: int) -> QueueTile | None:
        return next((t for t in self.tiles if t.status.queue_id == queue_id), None)

    def _place(self) -> None:
        for i, tile in enumerate(self.tiles):
            self.grid.addWidget(tile, i // self.columns, i % self.columns)
        for c in range(4):
            self.grid.setColumnStretch(c, 1 if c < self.columns else 0)
        rows = (len(self.tiles) + self.columns - 1) // self.columns
        for r in range(self.grid.rowCount()):
            self.grid.setRowStretch(r, 0)
        self.grid.setRowStretch(rows, 1)  # spare height goes below the tiles, not into them
        self.swipe_hint.setVisible(len(self.tiles) > self.columns * 3)

    def set_orientation(self, portrait: bool) -> None:
        columns = 2 if portrait else 3
        if columns != self.columns:
            self.columns = columns
            for tile in self.tiles:
                self.grid.removeWidget(tile)
            self._place()

    def retranslate(self) -> None:
        super().retranslate()
        self.swipe_hint.setText("↕ " + tr("滑动查看更多业务"))
        if getattr(self, "_loading", False):
            self.info_label.setText(tr("正在加载业务列表，请稍候…"))
        else:
            self.info_label.setText(tr("当前没有可取号的业务，请咨询大厅工作人员。"))
        for tile in self.tiles:
            tile.retranslate()
