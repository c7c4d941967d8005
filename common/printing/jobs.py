"""Glue: render a document for a configured printer and send it."""

from __future__ import annotations

from common.printing.backends import PrinterError, PrinterSettings, send
from common.printing.documents import TicketSlip, ticket_layout
from common.printing.escpos_out import render_escpos
from common.printing.layout import Block


def render_for_settings(blocks: list[Block], settings: PrinterSettings) -> bytes:
    """ESC/POS bytes in the printer's mode, paper width, QR style and cut."""
    settings.validate()
    return render_escpos(
        blocks,
        paper=int(settings.paper_width_mm),
        mode=settings.mode,  # type: ignore[arg-type]
        native_qr=bool(settings.native_qr),
        cut="partial" if settings.partial_cut else "full",
    )


def print_blocks(settings: PrinterSettings, blocks: list[Block], check_paper: bool = False) -> None:
    """Render and send; raises PrinterError (Chinese message) on any failure."""
    if settings.kind == "none":
        raise PrinterError("未配置小票打印机", "not_configured")
    send(settings, render_for_settings(blocks, settings), check_paper=check_paper)


def print_ticket(settings: PrinterSettings, slip: TicketSlip, check_paper: bool = False) -> None:
    print_blocks(settings, ticket_layout(slip), check_paper=check_paper)
