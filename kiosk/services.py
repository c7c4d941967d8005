"""What the kiosk asks of the hall's services. Every method runs on the worker thread, never the GUI.

A thin adapter over `common.services` (queue engine, sites, settings): it opens the database lazily
(so a database that is down at start-up shows a message instead of stopping the kiosk, and retries
on the next touch) and turns connection failures into `DatabaseUnavailable` with a Chinese message.
"""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any, Callable

from sqlalchemy.exc import DBAPIError, OperationalError

from common.db import Database, DatabaseUnavailable, open_database
from common.db.engine import describe_url
from common.domain import DeviceKind, Priority


def _unavailable(url: str) -> DatabaseUnavailable:
    return DatabaseUnavailable(
        f"无法连接数据库（{describe_url(url)}），请检查网络或数据库服务，或联系工作人员。"
    )


class KioskServices:
    def __init__(self, db: Database | None = None, *, db_url: str | None = None, site_code: str | None = None,
                 device: str = "", clock: Callable[[], dt.datetime] | None = None):
        if db is None and not db_url:
            raise ValueError("either db or db_url is required")
        self._db = db
        self.db_url = db.url if db is not None else str(db_url)
        self.site_code = site_code or None
        self.device = device or DeviceKind.KIOSK.value
        self.clock = clock  # None: the real time. Self-test and tests pin "now" inside opening hours.
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
        except OperationalError as exc:  # e.g. the server went away during migration or a read
            raise _unavailable(self.db_url) from exc

    def _now(self) -> dt.datetime | None:
        return self.clock() if self.clock is not None else None

    def close(self) -> None:
        if self._db is not None:
            self._db.dispose()

    # -- calls ----------------------------------------------------------------------------------

    def site(self) -> Any:
        """SiteInfo of this kiosk's hall (cached after the first success)."""
        if self._site is None:
            from common.services.sites import resolve_site

            self._site = self._call(resolve_site, self.site_code)
        return self._site

    def ticket_footer(self) -> str:
        from common.services.settings import get_setting

        site = self.site()

        def read(db: Database) -> str:
            with db.read() as s:
                return get_setting(s, "ticket_footer", site.id) or ""

        return self._call(read)

    def list_queues(self) -> list[Any]:
        from common.services.queue import list_queue_status

        return self._call(list_queue_status, self.site().id, now=self._now())

    def issue(self, queue_id: int, priority: Priority = Priority.NORMAL, phone: str = "") -> Any:
        from common.services.queue import issue_ticket

        return self._call(issue_ticket, queue_id, priority=priority, phone=phone, device=self.device, now=self._now())

    def reprint(self, ticket_id: int) -> Any:
        """Record the reprint (an event) and return the ticket as it is now."""
        from common.services.queue import get_ticket, record_reprint

        ticket = self._call(get_ticket, ticket_id, now=self._now())
        self._call(record_reprint, ticket_id, self.device)
        return ticket
