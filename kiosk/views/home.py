"""Home: one big 取号 tile and four smaller ones (事项查询, 预约签到, 进度查询, 评价与投诉).

A feature listed in COMING_SOON carries a 即将开放 tag and opens the placeholder page.
"""

from __future__ import annotations

from kiosk.i18n import tr
from kiosk.qt import QGridLayout, Qt, QWidget, Signal
from kiosk.views.base import View
from kiosk.widgets import Tile

# (key, title, subtitle) — source strings are Chinese.
FEATURES = [
    ("lookup", "事项查询", "办事指南与所需材料"),
    ("checkin", "预约签到", "已预约的群众在此签到"),
    ("progress", "进度查询", "查询办件进度"),
    ("feedback", "评价与投诉", "对服务进行评价或投诉"),
]
COMING_SOON: frozenset[str] = frozenset()  # every home feature is built


class HomeView(View):
    name = "home"
    takeTicketRequested = Signal()
    featureRequested = Signal(str)  # a FEATURES key

    def __init__(self, parent: QWidget | None = None):
        super().__init__("欢迎办事，请点击下方按钮", back=False, home=False, parent=parent)
        self.take_tile = Tile(accent=True, min_height=240)
        self.take_tile.setObjectName("take_ticket")
        self.take_tile.title_label.setProperty("kind", "hero_title")
        self.take_tile.subtitle_label.setProperty("kind", "hero_sub")
        self.take_tile.title_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.take_tile.subtitle_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.take_tile.clicked.connect(self.takeTicketRequested)
        self.feature_tiles: dict[str, Tile] = {}
        for key, _title, _sub in FEATURES:
            tile = Tile(min_height=200)
            tile.setObjectName(f"feature_{key}")
            tile.clicked.connect(lambda _c=False, k=key: self.featureRequested.emit(k))
            self.feature_tiles[key] = tile
        self.grid = QGridLayout()
        self.grid.setSpacing(28)
        self.content.addLayout(self.grid, 1)
        self._portrait = None
        self.set_orientation(False)
        self.retranslate()

    def set_orientation(self, portrait: bool) -> None:
        if portrait == self._portrait:
            return
        self._portrait = portrait
        for tile in [self.take_tile, *self.feature_tiles.values()]:
            self.grid.removeWidget(tile)
        for i in range(4):
            self.grid.setRowStretch(i, 0)
            self.grid.setColumnStretch(i, 0)
        tiles = list(self.feature_tiles.values())
        if portrait:  # 取号 across the top, 2×2 below
            self.grid.addWidget(self.take_tile, 0, 0, 1, 2)
            for i, tile in enumerate(tiles):
                self.grid.addWidget(tile, 1 + i // 2, i % 2)
            self.grid.setRowStretch(0, 3)
            for r in (1, 2):
                self.grid.setRowStretch(r, 2)
        else:  # 取号 on the left over two rows, 2×2 on the right
            self.grid.addWidget(self.take_tile, 0, 0, 2, 1)
            for i, tile in enumerate(tiles):
                self.grid.addWidget(tile, i // 2, 1 + i % 2)
            self.grid.setColumnStretch(0, 5)
            self.grid.setColumnStretch(1, 4)
            self.grid.setColumnStretch(2, 4)
            self.grid.setRowStretch(0, 1)
            self.grid.setRowStretch(1, 1)
        for c in range(2 if portrait else 3):
            self.grid.setColumnStretch(c, self.grid.columnStretch(c) or 1)

    def retranslate(self) -> None:
        super().retranslate()
        self.take_tile.set_texts(tr("取号"), tr("选择业务，领取排队号"))
        for key, title, sub in FEATURES:
            self.feature_tiles[key].set_texts(tr(title), tr(sub), tag=tr("即将开放") if key in COMING_SOON else "")
