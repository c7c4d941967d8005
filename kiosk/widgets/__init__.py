"""Reusable touch widgets for the kiosk (no service calls here)."""

from kiosk.widgets.buttons import BigButton, Tile, make_label
from kiosk.widgets.header import HeaderBar
from kiosk.widgets.keypad import NumericKeypad
from kiosk.widgets.message import MessageBar
from kiosk.widgets.qr import qr_image, qr_pixmap

__all__ = ["BigButton", "HeaderBar", "MessageBar", "NumericKeypad", "Tile", "make_label", "qr_image", "qr_pixmap"]
