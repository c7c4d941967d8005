"""Optional priority category (优先服务对象); 普通 is the default and the first, biggest button."""

from __future__ import annotations

from common.domain import Priority
from kiosk.i18n import tr
from kiosk.qt import QGridLayout, QWidget, Signal
from kiosk.views.base import View
from kiosk.widgets import BigButton

PRIORITY_BUTTON_PX = 150


class PriorityView(View):
    name = "priority"
    priorityChosen = Signal(object)  # a common.domain.Priority

    def __init__(self, parent: QWidget | None = None):
        super().__init__("您是否属于优先服务对象？", "不属于请选“普通”。优先办理时工作人员可能核验相关证件。", parent=parent)
        self.buttons: dict[Priority, BigButton] = {}
        grid = QGridLayout()
        grid.setSpacing(24)
        normal = BigButton("", "accent", min_height=PRIORITY_BUTTON_PX + 20)
        normal.setObjectName("priority_normal")
        self.buttons[Priority.NORMAL] = normal
        grid.addWidget(normal, 0, 0, 1, 3)
        others = [p for p in Priority if p is not Priority.NORMAL]
        for i, p in enumerate(others):
            button = BigButton("", "primary", min_height=PRIORITY_BUTTON_PX)
            button.setObjectName(f"priority_{p.value}")
            self.buttons[p] = button
            grid.addWidget(button, 1 + i // 3, i % 3)
        for p, button in self.buttons.items():
            button.clicked.connect(lambda _c=False, p=p: self.priorityChosen.emit(p))
        self.content.addLayout(grid)
        self.content.addStretch(1)
        self.retranslate()

    def retranslate(self) -> None:
        super().retranslate()
        for p, button in self.buttons.items():
            button.setText(tr(p.label))
