"""Document dataclasses and their one layout each."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from common.printing.layout import Block, Columns, QrBlock, Rule, Spacer, Text


@dataclass(frozen=True)
class TicketSlip:
    """What a queue ticket shows; plain values, no ORM objects."""

    hall_name: str
    display_number: str  # e.g. "A012"
    queue_name: str  # the business, e.g. "不动产登记"
    people_ahead: int
    issued_at: datetime
    qr_data: str
    footer: str = "请留意叫号，过号请重新取号"
    priority_label: str | None = None  # e.g. "优先" (老年人/残疾人/军人)
    estimated_wait: str | None = None  # e.g. "约 10–20 分钟"
    qr_hint: str | None = "扫码查看排队进度"


def ticket_layout(slip: TicketSlip) -> list[Block]:
    """THE queue ticket layout: used for raster, GB18030 text and the preview."""
    blocks: list[Block] = [
        Text(slip.hall_name, size="large", align="center", bold=True),
        Rule(),
        Text(slip.queue_name, align="center"),
        Text(slip.display_number, size="huge", align="center", bold=True),
    ]
    if slip.priority_label:
        blocks.append(Text(f"【{slip.priority_label}】", size="large", align="center", bold=True))
    # No spacer after the number: the huge line's descent already leaves room.
    blocks.append(Columns("前面等候", f"{slip.people_ahead} 人", bold=True))
    if slip.estimated_wait:
        blocks.append(Columns("预计等候", slip.estimated_wait))
    blocks += [
        Columns("取号时间", slip.issued_at.strftime("%Y-%m-%d %H:%M")),
        Rule(),
        QrBlock(slip.qr_data, size_mm=26),
    ]
    if slip.qr_hint:
        blocks.append(Text(slip.qr_hint, align="center"))
    if slip.footer:
        blocks += [Spacer(1), Text(slip.footer, align="center")]
    return blocks
