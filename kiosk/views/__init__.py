"""Kiosk screens. Views only lay out and emit signals; kiosk.controller decides what happens."""

from kiosk.views.admin import AdminPinView
from kiosk.views.base import View
from kiosk.views.checkin import CheckinView
from kiosk.views.complaint import ComplaintDoneView, ComplaintView
from kiosk.views.guide import BundleGuideView, GuideListView, GuideSearchView, ItemGuideView, ListEntry
from kiosk.views.home import HomeView
from kiosk.views.lookup import LookupView, ProgressView
from kiosk.views.phone import PhoneView
from kiosk.views.placeholder import PlaceholderView
from kiosk.views.priority import PriorityView
from kiosk.views.queues import QueueChoiceView
from kiosk.views.ticket import TicketView

__all__ = [
    "AdminPinView", "BundleGuideView", "CheckinView", "ComplaintDoneView", "ComplaintView", "GuideListView",
    "GuideSearchView", "HomeView", "ItemGuideView", "ListEntry", "LookupView", "PhoneView", "PlaceholderView",
    "PriorityView", "ProgressView", "QueueChoiceView", "TicketView", "View",
]  # fmt: skip
