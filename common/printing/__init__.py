"""Receipt printing: layouts, ESC/POS (raster / GB18030), PNG preview, backends, fonts.

No Qt here: dataclasses in, bytes and Pillow images out.
"""

from common.printing.backends import (
    PrinterError,
    PrinterSettings,
    PrinterStatus,
    query_status,
    send,
)
from common.printing.documents import TicketSlip, ticket_layout
from common.printing.escpos_out import render_escpos
from common.printing.jobs import print_blocks, print_ticket, render_for_settings
from common.printing.layout import Block, Columns, Paper, QrBlock, Rule, Spacer, Text
from common.printing.preview import print_test
from common.printing.raster import render_png, render_raster, save_png

__all__ = [
    "Block",
    "Columns",
    "Paper",
    "PrinterError",
    "PrinterSettings",
    "PrinterStatus",
    "QrBlock",
    "Rule",
    "Spacer",
    "Text",
    "TicketSlip",
    "print_blocks",
    "print_test",
    "print_ticket",
    "query_status",
    "render_escpos",
    "render_for_settings",
    "render_png",
    "render_raster",
    "save_png",
    "send",
    "ticket_layout",
]
