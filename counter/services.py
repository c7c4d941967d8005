"""What the counter asks of the hall's services. Every method runs on a worker thread, never the GUI thread.

A thin adapter over `common.services` (auth, attendance, queue engine, ratings, consultations) and the read-only
look-ups in `counter.queries`. It opens the database lazily (a database that is down at start-up shows a message
instead of stopping the app, and the next call retries) and turns connection failures into `DatabaseUnavailable`
with a Chinese message. No Qt here.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.exc import DBAPIError, OperationalError

from common.db import Database, DatabaseUnavailable, open_database
from common.db.engine import describe_url
from common.services.permissions import Actor
from counter import queries


def _unavailable(url: str) -> DatabaseUnavailable:
    return DatabaseUnavailable(f"无法连接数据库（{describe_url(url)}），请检查网络或数据库服务。")


@dataclass(frozen=True)
class WorkspaceSnapshot:
    """Everything the workspace shows, read in one worker job."""

    current: Any  # ServingTicket | None
    queues: list[Any]  # QueueStatus of the queues this window serves
    parked: list[queries.ParkedTicket]
    figures: queries.TodayFigures
    session: Any  # WindowSessionInfo | None (None: the session was closed elsewhere)


@dataclass(frozen=True)
class PadState:
    """What the rating pad shows: the clerk's card, the number being served, a rating to ask for."""

    card: queries.ClerkCard
    serving_number: str | None
    pending: Any  # PendingRating | None
    hall_name: str = ""


@dataclass(frozen=True)
class TransferTargets:
    queues: list[Any] = field(default_factory=list)  # QueueStatus of the site's queues
    windows: list[queries.WindowChoice] = field(default_factory=list)
    clerks: list[queries.ClerkChoice] = field(default_factory=list)


class CounterServices:
    def __init__(self, db: Database | None = None, *, db_url: str | None = None, site_code: str | None = None):
        if db is None and not db_url:
            raise ValueError("either db or db_url is required")
        self._db = db
        self._owns_db = db is None
        self.db_url = db.url if db is not None else str(db_url)
        self.site_code = site_code or None
        self._site = None
        self._lock = threading.Lock()

    # -- plumbing -------------------------------------------------------------------------------

    @property
    def db(self) -> Database:
        with self._lock:
            if self._db is None:
                try:
                    self._db = open_database(self.db_url)
                except DatabaseUnavailable:
                    raise
                except (OperationalError, DBAPIError, OSError) as exc:
                    raise _unavailable(self.db_url) from exc
            return self._db

    def _call(self, fn, *args, **kwargs):
        try:
            return fn(self.db, *args, **kwargs)
        except OperationalError as exc:
            raise _unavailable(self.db_url) from exc

    def close(self) -> None:
        if self._db is not None and self._owns_db:
            self._db.dispose()

    def ping(self) -> bool:
        """A cheap read: raises DatabaseUnavailable while the database is down."""
        from sqlalchemy import text

        def probe(db: Database) -> bool:
            with db.read() as s:
                s.execute(text("SELECT 1"))
            return True

        return self._call(probe)

    # -- hall -----------------------------------------------------------------------------------

    def site(self) -> Any:
        if self._site is None:
            from common.services.sites import resolve_site

            self._site = self._call(resolve_site, self.site_code)
        return self._site

    def windows(self) -> list[queries.WindowChoice]:
        return self._call(queries.list_windows, self.site().id)

    def window_by_number(self, number: int) -> queries.WindowChoice:
        return self._call(queries.window_by_number, self.site().id, number)

    # -- sign in / attendance --------------------------------------------------------------------

    def login(self, staff_no: str, password: str) -> Actor:
        from common.services.auth import login

        return self._call(login, staff_no, password)

    def sign_in(self, actor: Actor, window_id: int, stand_in_for: str | None = None) -> Any:
        from common.services.attendance import sign_in

        return self._call(sign_in, actor, window_id, stand_in_for_staff_no=stand_in_for or None)

    def heartbeat(self, session_id: int) -> Any:
        from common.services.attendance import heartbeat

        return self._call(heartbeat, session_id)

    def sign_out(self, actor: Actor, session_id: int, reason: str = "signed_out") -> Any:
        from common.services.attendance import sign_out

        return self._call(sign_out, actor, session_id, reason)

    def start_break(self, actor: Actor, session_id: int, reason: str) -> Any:
        from common.services.attendance import start_break

        return self._call(start_break, actor, session_id, reason)

    def end_break(self, actor: Actor, session_id: int) -> Any:
        from common.services.attendance import end_break

        return self._call(end_break, actor, session_id)

    def break_reasons(self) -> list[str]:
        from common.services.attendance import BREAK_REASONS

        return list(BREAK_REASONS)

    # -- the workspace -----------------------------------------------------------------------------

    def snapshot(self, actor: Actor, window_id: int, session_id: int | None) -> WorkspaceSnapshot:
        from common.services import queue
        from common.services.attendance import open_session

        current = self._call(queue.current_ticket, window_id)
        statuses = self._call(queue.window_queues, window_id)
        parked = self.parked(window_id)
        figures = self._call(queries.today_figures, window_id, actor.staff_id)
        session = self._call(open_session, window_id)
        if session is not None and session_id is not None and session.id != session_id:
            session = None
        return WorkspaceSnapshot(current, list(statuses), parked, figures, session)

    def parked(self, window_id: int) -> list[queries.ParkedTicket]:
        from common.services import queue

        fn = getattr(queue, "parked_tickets", None)
        if fn is not None:
            return [
                queries.ParkedTicket(
                    p.ticket_id, p.number, getattr(p, "queue_name", ""),
                    getattr(p, "parked_at", None), getattr(p, "note", "") or "",
                )
                for p in self._call(fn, window_id)
            ]
        return self._call(queries.parked_tickets, window_id)

    def transfer_targets(self, window_id: int) -> TransferTargets:
        from common.services import queue

        site_id = self.site().id
        statuses = self._call(queue.list_queue_status, site_id) if hasattr(queue, "list_queue_status") else []
        windows = [w for w in self._call(queries.list_windows, site_id) if w.id != window_id]
        clerks = self._call(queries.transfer_clerks, site_id, window_id)
        return TransferTargets(list(statuses), windows, clerks)

    def window_queues(self, window_id: int) -> list[Any]:
        from common.services import queue

        return list(self._call(queue.window_queues, window_id))

    # -- queue actions (each one transaction in the queue engine) ----------------------------------

    def call_next(self, actor: Actor, window_id: int) -> Any:
        from common.services import queue

        return self._call(queue.call_next, actor, window_id)

    def call_specific(self, actor: Actor, window_id: int, number: str) -> Any:
        from common.services import queue

        return self._call(queue.call_specific, actor, window_id, number)

    def recall(self, actor: Actor, window_id: int, ticket_id: int) -> Any:
        from common.services import queue

        return self._call(queue.recall, actor, window_id, ticket_id)

    def start_service(self, actor: Actor, window_id: int, ticket_id: int) -> Any:
        from common.services import queue

        return self._call(queue.start_service, actor, window_id, ticket_id)

    def no_show(self, actor: Actor, window_id: int, ticket_id: int, requeue: bool = False) -> Any:
        from common.services import queue

        return self._call(queue.mark_no_show, actor, window_id, ticket_id, requeue=requeue)

    def park(self, actor: Actor, window_id: int, ticket_id: int, note: str = "") -> Any:
        from common.services import queue

        return self._call(queue.park, actor, window_id, ticket_id, note=note)

    def resume(self, actor: Actor, window_id: int, ticket_id: int) -> Any:
        from common.services import queue

        return self._call(queue.resume, actor, window_id, ticket_id)

    def transfer(self, actor: Actor, window_id: int, ticket_id: int, *, to_queue_id: int | None = None,
                 to_window_id: int | None = None, to_staff_id: int | None = None, note: str = "",
                 return_after: bool = False) -> Any:
        from common.services import queue

        return self._call(queue.transfer, actor, window_id, ticket_id, to_queue_id=to_queue_id,
                          to_window_id=to_window_id, to_staff_id=to_staff_id, note=note, return_after=return_after)

    def walk_direct(self, actor: Actor, window_id: int, queue_id: int, note: str = "") -> Any:
        from common.services import queue

        return self._call(queue.walk_direct, actor, window_id, queue_id, note=note)

    def finish(self, actor: Actor, window_id: int, ticket_id: int) -> Any:
        from common.services import queue

        return self._call(queue.finish, actor, window_id, ticket_id)

    def record_consultation(self, actor: Actor, window_id: int, topic: str, directed_to: str,
                            item_code: str | None = None, ticket_id: int | None = None) -> Any:
        from common.services.consultations import record_consultation

        return self._call(record_consultation, actor, window_id, topic, directed_to, item_code=item_code or None,
                          ticket_id=ticket_id)

    # -- the rating pad ----------------------------------------------------------------------------

    def pad_state(self, window_id: int) -> PadState:
        from common.services import queue
        from common.services.ratings import pending_rating

        card = self._call(queries.clerk_card, window_id)
        current = self._call(queue.current_ticket, window_id)
        pending = self._call(pending_rating, window_id)
        hall = ""
        try:
            hall = self.site().hall_name
        except Exception:  # noqa: BLE001 - the hall name is decoration
            hall = ""
        return PadState(card, current.number if current is not None else None, pending, hall)

    def submit_rating(self, pending: Any, level: int, reasons: list[str] | None = None) -> Any:
        from common.services.ratings import submit_rating

        return self._call(submit_rating, ticket_id=pending.ticket_id, case_id=pending.case_id,
                          window_id=pending.window_id, staff_id=pending.staff_id, level=level,
                          reasons=list(reasons or []))

    def record_skipped(self, pending: Any) -> Any:
        from common.services.ratings import record_skipped

        return self._call(record_skipped, ticket_id=pending.ticket_id, window_id=pending.window_id,
                          staff_id=pending.staff_id)

    def low_rating_reasons(self) -> list[str]:
        from common.services.ratings import LOW_RATING_REASONS

        return list(LOW_RATING_REASONS)

    # -- event channel -------------------------------------------------------------------------------

    def event_cursor(self) -> Any:
        from common.services.events import EventCursor

        return self._call(EventCursor, self.site().id)
