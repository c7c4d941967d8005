"""`hall print-test`: a sample ticket to the printer, or to a PNG preview."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from common.printing.backends import PrinterSettings
from common.printing.documents import TicketSlip, ticket_layout
from common.printing.jobs import print_blocks
from common.printing.layout import Block, Rule, Text
from common.printing.raster import save_png


def sample_ticket(issued_at: datetime | None = None) -> TicketSlip:
    return TicketSlip(
        hall_name="示例政务服务中心",
        display_number="A001",
        queue_name="综合受理",
        people_ahead=3,
        issued_at=issued_at or datetime.now().replace(second=0, microsecond=0),
        qr_data="GH1|T|TEST|00000000|A001|0|TEST",  # a ticket payload no hall can match
        footer="打印测试，本票无效",
        estimated_wait="约 10–20 分钟",
    )


def print_test_layout(settings: PrinterSettings | None = None, issued_at: datetime | None = None) -> list[Block]:
    """The sample ticket plus lines that exercise rare characters and punctuation."""
    blocks = ticket_layout(sample_ticket(issued_at))
    info = f"{settings.describe()}" if settings else "预览"
    blocks += [
        Rule(),
        Text("打印测试", align="center", bold=True),
        Text("姓名：吉𠮷（生僻字 U+20BB7）"),
        Text("——————"),
        Text("。。。※※※", align="center"),
        Text(info, align="center"),
    ]
    return blocks


def print_test(settings: PrinterSettings, out_png: str | Path | None = None) -> Path | None:
    """Send the test slip to the configured printer, or write a PNG preview.

    Returns the PNG path when `out_png` is given. Printer failures raise
    PrinterError with a Chinese message for the CLI to show.
    """
    blocks = print_test_layout(settings)
    if out_png is not None:
        return save_png(blocks, out_png, int(settings.paper_width_mm))
    print_blocks(settings, blocks)
    return None
