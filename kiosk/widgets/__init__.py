"""Reusable touch widgets for the kiosk (no service calls here)."""

from kiosk.widgets.buttons import BigButton, Tile, make_label
from kiosk.widgets.charpad import DIGITS, LETTERS, CharKeypad
from kiosk.widgets.chips import Chip, ListTile
from kiosk.widgets.header import HeaderBar
from kiosk.widgets.keypad import NumericKeypad
from kiosk.widgets.message import MessageBar
from kiosk.widgets.qr import qr_image, qr_pixmap
from kiosk.widgets.scanner import ScannerInput
from kiosk.widgets.scroll import KineticScrollArea, enable_kinetic_scrolling

__all__ = [
    "BigButton", "CharKeypad", "Chip", "DIGITS", "HeaderBar", "KineticScrollArea", "LETTERS", "ListTile",
    "MessageBar", "NumericKeypad", "ScannerInput", "Tile", "enable_kinetic_scrolling", "make_label", "qr_image",
    "qr_pixmap",
]  # fmt: skip
