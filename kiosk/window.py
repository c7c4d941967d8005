"""The kiosk's one window: header bar (every screen), message line, and the stack of every citizen screen:
ticketing, service guide, progress lookup, complaints and appointment check-in."""

from __future__ import annotations

from kiosk import theme
from kiosk.qt import QLayout, QResizeEvent, QStackedWidget, Qt, QVBoxLayout, QWidget
from kiosk.views import AdminPinView, HomeView, PhoneView, PlaceholderView, PriorityView, QueueChoiceView, TicketView, View
from kiosk.views.checkin import CheckinView
from kiosk.views.complaint import ComplaintDoneView, ComplaintView
from kiosk.views.guide import BundleGuideView, GuideListView, GuideSearchView, ItemGuideView
from kiosk.views.lookup import LookupView, ProgressView
from kiosk.widgets import HeaderBar, MessageBar

LANDSCAPE = (1920, 1080)
PORTRAIT = (1080, 1920)


class KioskWindow(QWidget):
    def __init__(self, hall_name: str = "", parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("KioskRoot")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setWindowTitle("政务服务中心 自助服务终端")
        self.elderly = False
        self.header = HeaderBar(hall_name)
        self.message_bar = MessageBar()
        self.message_bar.setObjectName("message_bar")
        self.stack = QStackedWidget()
        self.home = HomeView()
        self.queues = QueueChoiceView()
        self.priority = PriorityView()
        self.phone = PhoneView()
        self.ticket = TicketView()
        self.placeholder = PlaceholderView()
        self.admin = AdminPinView()
        self.guide = GuideSearchView()
        self.guide_list = GuideListView()
        self.item_guide = ItemGuideView()
        self.bundle_guide = BundleGuideView()
        self.lookup = LookupView()
        self.progress = ProgressView()
        self.complaint = ComplaintView()
        self.complaint_done = ComplaintDoneView()
        self.checkin = CheckinView()
        for view in self.views:
            self.stack.addWidget(view)
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(0)
        box.addWidget(self.header)
        box.addWidget(self.message_bar)
        box.addWidget(self.stack, 1)
        self._portrait: bool | None = None
        self._styled: bool | None = None
        self._turning = False
        self.apply_mode(False)
        self.resize(*LANDSCAPE)

    @property
    def views(self) -> list[View]:
        return [self.home, self.queues, self.priority, self.phone, self.ticket, self.placeholder, self.admin,
                *self.service_views]

    @property
    def service_views(self) -> list[View]:
        return [self.guide, self.guide_list, self.item_guide, self.bundle_guide, self.lookup, self.progress,
                self.complaint, self.complaint_done, self.checkin]

    def current_view(self) -> View:
        return self.stack.currentWidget()  # type: ignore[return-value]

    def show_view(self, view: View) -> None:
        self.message_bar.clear_message()
        self.stack.setCurrentWidget(view)

    def apply_mode(self, elderly: bool) -> None:
        self.elderly = elderly
        if self._styled != elderly:  # restyling every widget is slow: only on a real change
            self._styled = elderly
            theme.apply(self, elderly)
        for view in self.views:
            view.set_elderly(elderly)
        self.header.set_elderly(elderly)

    def retranslate(self) -> None:
        self.header.retranslate()
        for view in self.views:
            view.retranslate()

    @property
    def portrait(self) -> bool:
        return self.height() > self.width()

    def set_portrait(self, portrait: bool) -> None:
        """Arrange every screen for a portrait (tall) or landscape display."""
        if portrait != self._portrait:
            self._portrait = portrait
            self.header.set_compact(portrait)
            for view in self.views:
                view.set_orientation(portrait)
                # hidden pages keep stale cached minimum sizes (a landscape width would block the resize)
                for layout in [view.layout(), *view.findChildren(QLayout)]:
                    layout.invalidate()
                # re-arranged widgets (e.g. the ticket card) keep a stale cached size in their parent layout
                # until told: a landscape minimum width would stop the window from turning portrait
                for child in view.findChildren(QWidget):
                    if child.layout() is not None:
                        child.updateGeometry()

    def resize_to(self, width: int, height: int) -> None:
        """Resize, re-arranging first: a landscape layout may be wider than a portrait screen allows."""
        self.set_portrait(height > width)
        # While turning, activating the layout may first grow the window to the new arrangement's minimum
        # height (the portrait guide is taller than a landscape screen); that size must not flip it back.
        self._turning = True
        try:
            self.stack.updateGeometry()
            self.layout().invalidate()
            self.layout().activate()  # recompute the window's minimum size before asking for the new size
            self.resize(width, height)
        finally:
            self._turning = False
        self.set_portrait(self.portrait)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt API
        super().resizeEvent(event)
        if not self._turning:
            self.set_portrait(self.portrait)
