"""The event channel between terminals (叫号屏, 窗口, 取号机, 评价器).

Writers call `publish(session, kind, payload, site_id)` inside their own transaction: the event row is committed
with the change it describes, or not at all. On PostgreSQL the same statement also calls
`pg_notify('hall_events', '<id>')`, which PostgreSQL delivers only when the transaction commits.

Readers keep an `EventCursor`: `poll()` returns the events after the last one seen; `wait(timeout_s)` blocks
until something may have happened (LISTEN on a dedicated psycopg connection on PostgreSQL, a short sleep on
SQLite) and then polls. No Qt here: the GUI runs `wait()` in a worker thread.

Ids on PostgreSQL come from a sequence and are handed out at INSERT time, so a transaction that started
earlier can commit a *smaller* id after a larger one was already seen. The cursor therefore remembers holes
in the id range for `GAP_TIMEOUT_S` (a rolled-back insert leaves a hole forever) and picks up late arrivals.
"""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func, insert, select, text
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.orm import Session

from common.clock import utcnow
from common.db.engine import Database
from common.db.models import HallEvent

log = logging.getLogger(__name__)

CHANNEL = "hall_events"
SQLITE_POLL_INTERVAL_S = 0.15
GAP_TIMEOUT_S = 30.0
_HE = HallEvent.__table__

# One statement on PostgreSQL: insert the event and queue the notification (sent at COMMIT).
# `{ctes}` lets a caller put more data-modifying CTEs in front (the queue engine adds its ticket event), so one
# state change costs one round trip.
PG_PUBLISH_SQL = (
    "WITH {ctes}h AS (INSERT INTO hall_event (site_id, at, kind, payload) "
    "VALUES (:he_site_id, :he_at, :he_kind, CAST(:he_payload AS json)) RETURNING id) "
    "SELECT h.id, pg_notify('" + CHANNEL + "', CAST(h.id AS text)) FROM h"
)


@dataclass(frozen=True)
class HallEventInfo:
    id: int
    site_id: int | None
    at: datetime
    kind: str
    payload: dict[str, Any]


def pg_publish_params(kind: str, payload: dict[str, Any] | None, site_id: int | None, at: datetime) -> dict[str, Any]:
    """Bind parameters of `PG_PUBLISH_SQL`."""
    return {
        "he_site_id": site_id,
        "he_at": at,
        "he_kind": kind,
        "he_payload": json.dumps(payload or {}, ensure_ascii=False, default=str),
    }


_PG_PUBLISH = text(PG_PUBLISH_SQL.format(ctes=""))
_INSERT = insert(_HE).returning(_HE.c.id)  # built once: statement construction costs more than the insert


def publish(
    session: Session | Connection, kind: str, payload: dict[str, Any] | None, site_id: int | None, *, at: datetime | None = None
) -> int:
    """Append a hall event in the caller's transaction; returns its id."""
    at = at or utcnow()
    if dialect_name(session) == "postgresql":
        return int(session.execute(_PG_PUBLISH, pg_publish_params(kind, payload, site_id, at)).scalar_one())
    return int(session.execute(_INSERT, hall_event_values(kind, payload, site_id, at)).scalar_one())


def hall_event_values(kind: str, payload: dict[str, Any] | None, site_id: int | None, at: datetime) -> dict[str, Any]:
    """The hall_event row (SQLite path; the queue engine inserts it with its prepared statement)."""
    return {"site_id": site_id, "at": at, "kind": kind, "payload": payload or {}}


def dialect_name(conn: Session | Connection) -> str:
    """The dialect of a Session or a Connection (hot paths execute on the Connection: less overhead)."""
    dialect = getattr(conn, "dialect", None)
    return (dialect or conn.get_bind().dialect).name


def latest_event_id(db: Database) -> int:
    with db.read() as s:
        return int(s.scalar(select(func.max(_HE.c.id))) or 0)


@dataclass
class EventCursor:
    """Follows the hall events of one site (and site-less, hall-wide events)."""

    db: Database
    site_id: int | None
    last_id: int | None = None  # None: start after the newest event now in the table
    _seen: set[int] = field(default_factory=set, repr=False)  # delivered ids above last_id
    _gaps: dict[int, float] = field(default_factory=dict, repr=False)  # missing id -> when first noticed
    _listener: Any = field(default=None, repr=False)

    def __post_init__(self) -> None:
        if self.last_id is None:
            self.last_id = latest_event_id(self.db)

    # ------------------------------------------------------------------------------------------- polling
    def poll(self, limit: int = 200) -> list[HallEventInfo]:
        """Events after the last one seen (at most `limit`), oldest first."""
        floor = self.last_id or 0
        with self.db.read() as s:
            rows = s.execute(
                select(_HE.c.id, _HE.c.site_id, _HE.c.at, _HE.c.kind, _HE.c.payload)
                .where(_HE.c.id > floor)
                .order_by(_HE.c.id)
                .limit(limit + len(self._seen))
            ).all()
        out: list[HallEventInfo] = []
        present = set()
        for rid, site_id, at, kind, payload in rows:
            present.add(rid)
            if rid in self._seen:
                continue
            self._seen.add(rid)
            self._gaps.pop(rid, None)
            if self.site_id is None or site_id is None or site_id == self.site_id:
                out.append(HallEventInfo(rid, site_id, at, kind, payload or {}))
                if len(out) >= limit:
                    break
        self._advance(floor, present)
        return out

    def _advance(self, floor: int, present: set[int]) -> None:
        """Move last_id over every id that was delivered or whose hole is old enough to be a rollback."""
        if not self._seen:
            return
        now = time.monotonic()
        top = max(self._seen)
        for missing in range(floor + 1, top):
            if missing not in self._seen and missing not in present:
                self._gaps.setdefault(missing, now)
        new_floor = floor
        while True:
            nxt = new_floor + 1
            if nxt in self._seen:
                self._seen.discard(nxt)
                new_floor = nxt
            elif nxt in self._gaps and now - self._gaps[nxt] >= GAP_TIMEOUT_S:
                del self._gaps[nxt]
                new_floor = nxt
            else:
                break
        if len(self._gaps) > 10_000:  # pathological: give up on the oldest holes
            for gid in sorted(self._gaps)[:-10_000]:
                del self._gaps[gid]
        self.last_id = new_floor

    # ------------------------------------------------------------------------------------------- waiting
    def wait(self, timeout_s: float) -> list[HallEventInfo]:
        """Block up to `timeout_s` for new events and return them (possibly empty)."""
        if self.db.is_sqlite:
            return self._wait_sqlite(timeout_s)
        return self._wait_pg(timeout_s)

    def _wait_sqlite(self, timeout_s: float) -> list[HallEventInfo]:
        deadline = time.monotonic() + timeout_s
        while True:
            events = self.poll()
            remaining = deadline - time.monotonic()
            if events or remaining <= 0:
                return events
            time.sleep(min(SQLITE_POLL_INTERVAL_S, remaining))

    def _wait_pg(self, timeout_s: float) -> list[HallEventInfo]:
        deadline = time.monotonic() + timeout_s
        listening = self._ensure_listener()  # LISTEN before polling: nothing committed after the poll is missed
        events = self.poll()
        if events:
            return events
        if not listening:  # the server is unreachable: behave like SQLite until it is back
            time.sleep(min(SQLITE_POLL_INTERVAL_S * 2, max(0.0, deadline - time.monotonic())))
            return self.poll()
        import psycopg

        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return self.poll() if self._gaps else []
            try:
                got = False
                for _ in self._listener.notifies(timeout=remaining, stop_after=1):
                    got = True
                if got:
                    for _ in self._listener.notifies(timeout=0.0):  # drain what else arrived with it
                        pass
            except psycopg.Error as exc:  # lost connection: reconnect next time, poll now
                log.warning("hall event listener lost its connection: %s", exc)
                self._close_listener()
                return self.poll()
            events = self.poll()
            if events:
                return events
            # a notification for another site, or one for an id we already had: keep waiting

    def _ensure_listener(self) -> bool:
        if self._listener is not None and not self._listener.closed:
            return True
        import psycopg

        try:
            url = make_url(self.db.url).set(drivername="postgresql")
            conninfo = url.render_as_string(hide_password=False)
            conn = psycopg.connect(conninfo, autocommit=True, connect_timeout=5)
            conn.execute(f"LISTEN {CHANNEL}")
        except psycopg.Error as exc:
            log.warning("cannot LISTEN for hall events: %s", exc)
            self._listener = None
            return False
        self._listener = conn
        return True

    def _close_listener(self) -> None:
        if self._listener is not None:
            try:
                self._listener.close()
            except Exception:  # noqa: BLE001 - closing a broken connection may fail again
                pass
            self._listener = None

    def close(self) -> None:
        self._close_listener()

    def __enter__(self) -> "EventCursor":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
