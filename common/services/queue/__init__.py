"""The queue engine (排队叫号): taking numbers, calling them, and everything that happens in between.

Kiosk side: list_queue_status, issue_ticket, get_ticket, record_reprint, check_in_appointment.
Counter side: call_next, call_specific, recall, start_service, mark_no_show, park, resume, transfer, walk_direct,
finish, current_ticket, parked_tickets, window_queues, pause_window, resume_window.
Day end: close_day.

Every state change writes a TicketEvent and a HallEvent in the same transaction (see common.services.events).
"""

from common.services.queue._base import (
    IssuedTicket,
    QueueStatus,
    ServingTicket,
    format_number,
    parse_qr,
    qr_payload,
)
from common.services.queue.dayclose import close_day
from common.services.queue.engine import (
    call_next,
    call_specific,
    choose_head,
    current_ticket,
    finish,
    mark_no_show,
    park,
    parked_tickets,
    pause_window,
    priority_due,
    recall,
    resume,
    resume_window,
    start_service,
    transfer,
    walk_direct,
)
from common.services.queue.estimates import invalidate_stats, list_queue_status, window_queues
from common.services.queue.issuing import check_in_appointment, get_ticket, issue_ticket, next_seq, record_reprint

__all__ = [
    "IssuedTicket",
    "QueueStatus",
    "ServingTicket",
    "call_next",
    "call_specific",
    "check_in_appointment",
    "choose_head",
    "close_day",
    "current_ticket",
    "finish",
    "format_number",
    "get_ticket",
    "invalidate_stats",
    "issue_ticket",
    "list_queue_status",
    "mark_no_show",
    "next_seq",
    "park",
    "parked_tickets",
    "parse_qr",
    "pause_window",
    "priority_due",
    "qr_payload",
    "recall",
    "record_reprint",
    "resume",
    "resume_window",
    "start_service",
    "transfer",
    "walk_direct",
    "window_queues",
]
