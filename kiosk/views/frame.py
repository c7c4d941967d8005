"""The kiosk window with every citizen service: the ticket screens (kiosk.window) plus the service guide,
progress lookup, complaints and appointment check-in screens, and their style in both modes."""

from __future__ import annotations

from kiosk import theme
from kiosk.qt import QResizeEvent, QWidget
from kiosk.views.base import View
from kiosk.views.checkin import CheckinView
from kiosk.views.complaint import ComplaintDoneView, ComplaintView
from kiosk.views.guide import BundleGuideView, GuideListView, GuideSearchView, ItemGuideView
from kiosk.views.lookup import LookupView, ProgressView
from kiosk.widgets.style import extra_stylesheet
from kiosk.window import KioskWindow


class ServiceKioskWindow(KioskWindow):
    def __init__(self, hall_name: str = "", parent: QWidget | None = None):
        super().__init__(hall_name, parent)
        self.setWindowTitle("政务服务中心 自助服务终端")
        self.guide = GuideSearchView()
        self.guide_list = GuideListView()
        self.item_guide = ItemGuideView()
        self.bundle_guide = BundleGuideView()
        self.lookup = LookupView()
        self.progress = ProgressView()
        self.complaint = ComplaintView()
        self.complaint_done = ComplaintDoneView()
        self.checkin = CheckinView()
        self._services = [self.guide, self.guide_list, self.item_guide, self.bundle_guide, self.lookup,
                          self.progress, self.complaint, self.complaint_done, self.checkin]
        for view in self._services:
            self.stack.addWidget(view)
        self._portrait = None  # arrange the new screens too
        self.set_portrait(self.portrait)
        self._styled = None
        self.apply_mode(self.elderly)

    @property
    def views(self) -> list[View]:
        return super().views + list(getattr(self, "_services", []))

    def set_portrait(self, portrait: bool) -> None:
        changing = portrait != self._portrait
        super().set_portrait(portrait)
        if changing:
            # re-arranged widgets (e.g. the ticket card) keep a stale cached size in their parent layout until
            # told: a landscape minimum width would stop the window from turning portrait
            for view in self.views:
                for child in view.findChildren(QWidget):
                    if child.layout() is not None:
                        child.updateGeometry()

    def resize_to(self, width: int, height: int) -> None:
        # While turning, activating the layout may first grow the window to the new arrangement's minimum height
        # (the portrait guide is taller than a landscape screen); that intermediate size must not flip it back.
        self._turning = True
        try:
            super().resize_to(width, height)
        finally:
            self._turning = False
        self.set_portrait(self.portrait)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt API
        if getattr(self, "_turning", False):
            QWidget.resizeEvent(self, event)
            return
        super().resizeEvent(event)

    @property
    def service_views(self) -> list[View]:
        return list(self._services)

    def apply_mode(self, elderly: bool) -> None:
        self.elderly = elderly
        if getattr(self, "_styled", None) != elderly:  # restyling every widget is slow: only on a real change
            self._styled = elderly
            self.setFont(theme.ui_font())
            self.setStyleSheet(theme.stylesheet(elderly) + extra_stylesheet(elderly))
        for view in getattr(self, "_services", []):
            if hasattr(view, "set_elderly"):
                view.set_elderly(elderly)
        self.header.set_elderly(elderly)
