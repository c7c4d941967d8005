"""Kiosk fixtures: a small real hall in SQLite, a kiosk driven through its real widgets, leak checks."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Callable

import pytest

from common.clock import zone
from common.db.models import Queue, Setting, Site
from common.domain import SiteLevel
from kiosk.printing import PrintFailed

TZ = "Asia/Shanghai"
HALL_NAME = "测试县政务服务中心"


@dataclass
class Hall:
    db: Any
    site_id: int
    queues: dict[str, int]  # prefix → queue id
    now: dt.datetime  # a moment inside opening hours (10:00 local today)

    def clock(self) -> dt.datetime:
        return self.now


def add_queue(db, site_id: int, prefix: str, name: str, name_en: str = "", position: int = 0, **kw) -> int:
    with db.write() as s:
        q = Queue(site_id=site_id, prefix=prefix, name=name, name_en=name_en, position=position,
                  opens_at=dt.time(0, 0), closes_at=dt.time(23, 59), **kw)
        s.add(q)
        s.flush()
        return q.id


@pytest.fixture
def hall(sqlite_db) -> Hall:
    """One county hall with three walk-up queues and one appointment-only queue (ORM rows only)."""
    with sqlite_db.write() as s:
        site = Site(code="TEST", name=HALL_NAME, level=SiteLevel.COUNTY, timezone=TZ)
        s.add(site)
        s.flush()
        site_id = site.id
        s.add(Setting(key="hall_name", value=HALL_NAME, site_id=site_id))
        s.add(Setting(key="ticket_footer", value="请留意叫号屏", site_id=site_id))
    queues = {
        "A": add_queue(sqlite_db, site_id, "A", "综合受理", "General Services", 0),
        "B": add_queue(sqlite_db, site_id, "B", "不动产登记", "Real Estate Registration", 1),
        "C": add_queue(sqlite_db, site_id, "C", "社保医保", "Social Insurance", 2),
        "Y": add_queue(sqlite_db, site_id, "Y", "企业开办预约", "Business Start-up (booked)", 3, appointment_only=True),
    }
    today = dt.datetime.now(zone(TZ)).date()
    now = dt.datetime.combine(today, dt.time(10, 0), zone(TZ)).astimezone(dt.timezone.utc)
    return Hall(sqlite_db, site_id, queues, now)


class RecordingPrinter:
    """Records the slips it is asked to print; `fail_with` makes it fail with that Chinese message."""

    enabled = True

    def __init__(self, fail_with: str | None = None):
        self.slips: list[Any] = []
        self.fail_with = fail_with
        self.attempts = 0

    def print_slip(self, slip: Any) -> None:
        self.attempts += 1
        if self.fail_with:
            raise PrintFailed(self.fail_with)
        self.slips.append(slip)


@dataclass
class KioskFactory:
    made: list[Any] = field(default_factory=list)

    def __call__(self, hall: Hall | None = None, *, printer: Any = None, services: Any = None, **options) -> Any:
        from kiosk.controller import KioskController, KioskOptions
        from kiosk.services import KioskServices

        if services is None:
            services = KioskServices(hall.db, clock=hall.clock, device="kiosk:test")
        opts = dict(fullscreen=False, admin_pin="2468", idle_timeout_ms=600_000, ticket_return_s=600)
        opts.update(options)
        controller = KioskController(services, printer if printer is not None else RecordingPrinter(),
                                     KioskOptions(**opts))
        self.made.append(controller)
        controller.start(show=True)
        return controller


@pytest.fixture
def make_kiosk(qtbot) -> Callable[..., Any]:
    """Build kiosks; each is shut down (jobs finished, window closed and deleted) after the test."""
    factory = KioskFactory()
    yield factory
    for controller in factory.made:
        controller.shutdown()


@pytest.fixture(autouse=True)
def _no_leaks(qapp):
    """napari style: a test must not leave top-level widgets (or a changed language) behind."""
    from kiosk import i18n
    from kiosk.qt import QApplication, QEvent

    i18n.set_language(i18n.ZH)
    yield
    i18n.set_language(i18n.ZH)
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    QApplication.processEvents()
    leaked = list(QApplication.topLevelWidgets())
    for w in leaked:
        w.close()
        w.deleteLater()
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    assert not leaked, f"top-level widgets left behind: {[type(w).__name__ for w in leaked]}"
