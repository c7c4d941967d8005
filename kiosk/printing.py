"""The kiosk's seam to the ticket printer.

`TicketPrinter` turns an issued ticket into the one ticket layout (`common.printing.TicketSlip`) and
sends it to the configured printer. Every failure becomes `PrintFailed` with a Chinese message; the
controller shows it next to the ticket (which is already committed) with a 重新打印 button.
Printing runs on the worker thread: a dead network printer must never freeze the screen.
"""

from __future__ import annotations

import dataclasses
import logging
from typing import Any, Mapping

from common.clock import local
from common.printing import PrinterError, PrinterSettings, TicketSlip, print_ticket
from kiosk.format import wait_range_zh

log = logging.getLogger(__name__)


class PrintFailed(Exception):
    """Printing did not work; `message` is Chinese and can be shown as is."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def build_slip(ticket: Any, hall_name: str, footer: str | None, timezone: str | None = None) -> TicketSlip:
    """The printed ticket for an IssuedTicket (always Chinese: the slip is handed to the clerk too)."""
    from common.domain import Priority

    priority = Priority(ticket.priority)
    issued = local(ticket.issued_at, timezone) if ticket.issued_at.tzinfo else ticket.issued_at
    slip = TicketSlip(
        hall_name=hall_name,
        display_number=ticket.number,
        queue_name=ticket.queue_name,
        people_ahead=ticket.people_ahead,
        issued_at=issued,
        qr_data=ticket.qr_data,
        priority_label=None if priority is Priority.NORMAL else priority.label,
        estimated_wait=wait_range_zh(ticket.est_wait_min, ticket.est_wait_max),
    )
    if footer:
        slip = dataclasses.replace(slip, footer=footer)
    return slip


class TicketPrinter:
    """Prints ticket slips on the machine's configured printer (config [printer])."""

    def __init__(self, settings: PrinterSettings | Mapping[str, Any] | Any | None = None):
        if settings is None:
            settings = PrinterSettings()
        elif isinstance(settings, Mapping):
            settings = PrinterSettings.from_mapping(settings)
        elif not isinstance(settings, PrinterSettings):  # common.config.PrinterOptions
            settings = PrinterSettings.from_mapping(dataclasses.asdict(settings))
        self.settings: PrinterSettings = settings

    @property
    def enabled(self) -> bool:
        return self.settings.kind != "none"

    def print_slip(self, slip: TicketSlip) -> None:
        try:
            print_ticket(self.settings, slip)
        except PrinterError as exc:
            raise PrintFailed(exc.message_zh) from exc
        except Exception as exc:  # noqa: BLE001 - a driver bug must not take the kiosk down
            log.exception("printing failed")
            raise PrintFailed(f"打印机故障（{type(exc).__name__}），请联系工作人员") from exc
