"""QR codes drawn with QPainter from the `qrcode` matrix (crisp: whole pixels per module)."""

from __future__ import annotations

import qrcode
from qrcode.constants import ERROR_CORRECT_M

from kiosk.qt import QColor, QImage, QPainter, QPixmap, Qt

QUIET_ZONE = 4  # modules; scanners need it


def qr_image(data: str, size_px: int = 320) -> QImage:
    """A square QImage at most `size_px` wide (a whole number of pixels per module, at least 2)."""
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=QUIET_ZONE, box_size=1)
    code.add_data(data)
    code.make(fit=True)
    matrix = code.get_matrix()  # includes the quiet zone
    n = len(matrix)
    module = max(2, size_px // n)
    side = module * n
    image = QImage(side, side, QImage.Format.Format_RGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor("black"))
    for y, row in enumerate(matrix):
        for x, dark in enumerate(row):
            if dark:
                painter.drawRect(x * module, y * module, module, module)
    painter.end()
    return image


def qr_pixmap(data: str, size_px: int = 320) -> QPixmap:
    return QPixmap.fromImage(qr_image(data, size_px))
