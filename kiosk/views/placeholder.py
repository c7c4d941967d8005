"""A clearly marked "即将开放" page for features that are not built yet (no fake screens)."""

from __future__ import annotations

from kiosk.i18n import tr
from kiosk.qt import Qt, QWidget
from kiosk.views.base import View
from kiosk.widgets import make_label


class PlaceholderView(View):
    name = "placeholder"

    def __init__(self, parent: QWidget | None = None):
        super().__init__("", back=False, home=True, parent=parent)
        self.feature = ""
        self.big_label = make_label("", "placeholder", align=Qt.AlignmentFlag.AlignCenter)
        self.big_label.setObjectName("coming_soon")
        self.note_label = make_label("", "subtitle", wrap=True, align=Qt.AlignmentFlag.AlignCenter)
        self.content.addStretch(2)
        self.content.addWidget(self.big_label)
        self.content.addWidget(self.note_label)
        self.content.addStretch(3)
        self.retranslate()

    def set_feature(self, title: str) -> None:
        """`title`: the Chinese source name of the feature, e.g. "事项查询"."""
        self.feature = title
        self.set_title(title)

    def retranslate(self) -> None:
        super().retranslate()
        self.home_button.setText(tr("返回首页"))
        self.big_label.setText(tr("即将开放"))
        self.note_label.setText(tr("该功能正在建设中，敬请期待。如需办理，请咨询大厅工作人员。"))
