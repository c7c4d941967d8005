"""What the kiosk asks of the hall's services. Every method runs on the worker thread, never the GUI.

A thin adapter over `common.services` (queue engine, sites, settings, catalog and search, case lookup,
complaints): it opens the database lazily
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
        self._index = None  # the catalog search index (事项查询), loaded on the worker
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

    # -- service guide (事项查询) -----------------------------------------------------------------

    def search_index(self) -> Any:
        """The catalog search index, held in memory; reloaded when `catalog_revision` changed (one small query)."""
        from common.services.search import SearchIndex, catalog_revision

        def load(db: Database):
            index = self._index
            if index is None or catalog_revision(db) != index.revision:
                index = SearchIndex.load(db)
            return index

        self._index = self._call(load)
        return self._index

    def departments(self) -> list[Any]:
        from common.services.catalog import list_departments

        return [d for d in self._call(list_departments) if d.item_count]

    def items(self, department_code: str | None = None, high_frequency: bool | None = None) -> list[Any]:
        from common.services.catalog import list_items

        return self._call(list_items, department_code, high_frequency)

    def bundles(self) -> list[Any]:
        from common.services.catalog import list_bundles

        return self._call(list_bundles)

    def item_guide(self, code: str, version: int | None = None) -> Any:
        from common.services.catalog import get_item_guide

        return self._call(get_item_guide, code, version)

    def bundle_guide(self, code: str) -> Any:
        from common.services.catalog import get_bundle_guide

        return self._call(get_bundle_guide, code)

    def open_guide_qr(self, text: str) -> Any:
        """The guide a scanned 一次性告知单 points at (OpenedGuide: guide + outdated)."""
        from common.services.guide_slip import open_guide_ref, parse_guide_qr

        return self._call(open_guide_ref, parse_guide_qr(text))

    def hotline(self) -> str:
        from common.services.settings import get_setting

        site = self.site()

        def read(db: Database) -> str:
            with db.read() as s:
                return str(get_setting(s, "hotline", site.id) or "12345")

        return self._call(read)

    def guide_slip(self, guide: Any) -> Any:
        """The 一次性告知单 of a guide on screen (an ItemGuide or BundleGuide), stamped with the local time."""
        from common.clock import local, utcnow
        from common.services.catalog import ItemGuide
        from common.services.guide_slip import bundle_slip, item_slip

        site = self.site()
        now = local(self._now() or utcnow(), site.timezone)
        make = item_slip if isinstance(guide, ItemGuide) else bundle_slip
        return make(guide, site.hall_name, now.replace(tzinfo=None), self.hotline())

    def queue_by_prefix(self, prefix: str) -> Any:
        """The QueueStatus of this hall's queue with that prefix (None if the hall has none)."""
        return next((q for q in self.list_queues() if q.prefix.upper() == (prefix or "").upper()), None)

    def issue_for_item(self, queue_id: int, priority: Priority, phone: str, item_code: str | None) -> Any:
        from common.services.queue import issue_ticket

        return self._call(issue_ticket, queue_id, priority=priority, phone=phone, device=self.device,
                          item_code=item_code, now=self._now())

    # -- progress lookup (进度查询) ----------------------------------------------------------------

    def public_progress(self, case_no: str, check_code: str) -> Any:
        from common.services.cases import public_progress

        return self._call(public_progress, case_no, check_code, now=self._now())

    # -- complaints (投诉与建议) -------------------------------------------------------------------

    def complaint_windows(self) -> list[tuple[int, str]]:
        from common.services.complaints import list_complaint_windows

        return self._call(list_complaint_windows, self.site().id)

    def submit_complaint(self, category: str, phrases: list[str], window_number: int | None, phone: str) -> Any:
        from common.services.complaints import submit_complaint

        return self._call(submit_complaint, self.site().id, category=category, phrases=phrases,
                          window_number=window_number, phone=phone, device=self.device, now=self._now())

    # -- appointments (预约签到) -------------------------------------------------------------------

    def check_in(self, code: str) -> Any:
        from common.services.queue import check_in_appointment

        return self._call(check_in_appointment, code, device=self.device, now=self._now())


class LookupThrottle:
    """Slows down guessing of case numbers / check codes from one kiosk.

    Up to `free_failures` wrong codes within `window_s` cost nothing; after that every further attempt waits
    `base_delay_s` × 2^(extra failures), at most `max_delay_s`, counted from the last failure. Only wrong codes
    count (a typo in a well-formed number is also one); successes do not reset the count.
    """

    def __init__(self, *, free_failures: int = 5, window_s: float = 600.0, base_delay_s: float = 15.0,
                 max_delay_s: float = 300.0, clock: Callable[[], float] | None = None):
        import time

        self.free_failures = free_failures
        self.window_s = window_s
        self.base_delay_s = base_delay_s
        self.max_delay_s = max_delay_s
        self.clock = clock or time.monotonic
        self._failures: list[float] = []

    def _recent(self) -> list[float]:
        now = self.clock()
        self._failures = [t for t in self._failures if now - t < self.window_s]
        return self._failures

    def wait_seconds(self) -> int:
        """0 if a lookup may go ahead now, else the whole seconds to wait."""
        recent = self._recent()
        extra = len(recent) - self.free_failures
        if extra < 0:
            return 0
        delay = min(self.base_delay_s * (2 ** extra), self.max_delay_s)
        remaining = recent[-1] + delay - self.clock()
        return max(0, int(remaining + 0.999))

    def record_failure(self) -> None:
        self._recent()
        self._failures.append(self.clock())


def print_document(printer: Any, blocks: list[Any]) -> None:
    """Print a document (layout blocks) on the kiosk's printer; failures become PrintFailed (Chinese).

    TicketPrinter knows its PrinterSettings; test and tour printers may record blocks themselves (`print_blocks`).
    """
    from common.printing import PrinterError, print_blocks
    from kiosk.printing import PrintFailed

    own = getattr(printer, "print_blocks", None)
    if own is not None:
        own(blocks)
        return
    settings = getattr(printer, "settings", None)
    if settings is None:
        raise PrintFailed("本机打印机不能打印此单据，请联系工作人员")
    try:
        print_blocks(settings, blocks)
    except PrinterError as exc:
        raise PrintFailed(exc.message_zh) from exc
    except Exception as exc:  # noqa: BLE001 - a driver bug must not take the kiosk down
        raise PrintFailed(f"打印机故障（{type(exc).__name__}），请联系工作人员") from exc
