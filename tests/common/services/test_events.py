"""The hall event channel: publish in the writer's transaction, follow with poll / wait (LISTEN on PostgreSQL)."""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import text

from common.db import connect
from common.db.models import Site
from common.domain import SiteLevel
from common.services import events
from common.services.events import EventCursor, publish


def _site(db, code="S1") -> int:
    with db.write() as s:
        site = Site(code=code, name=f"站点{code}", level=SiteLevel.COUNTY)
        s.add(site)
        s.flush()
        return site.id


def _publish(db, kind, payload, site_id):
    with db.write() as s:
        return publish(s, kind, payload, site_id)


def test_poll_returns_new_events_of_the_site_in_order(db):
    site, other = _site(db, "S1"), _site(db, "S2")
    _publish(db, "ticket.issued", {"number": "A000"}, site)  # before the cursor: not returned
    cur = EventCursor(db, site)
    assert cur.poll() == []
    ids = [_publish(db, "ticket.issued", {"number": "A001"}, site),
           _publish(db, "ticket.called", {"number": "A001", "window_number": 3}, other),
           _publish(db, "hall.notice", {"text": "全厅通知"}, None),
           _publish(db, "ticket.called", {"number": "A001", "window_number": 1}, site)]
    got = cur.poll()
    assert [e.kind for e in got] == ["ticket.issued", "hall.notice", "ticket.called"]
    assert [e.id for e in got] == [ids[0], ids[2], ids[3]]
    assert got[0].payload == {"number": "A001"} and got[0].site_id == site and got[0].at.tzinfo is not None
    assert cur.poll() == []
    assert cur.last_id == ids[3]


def test_poll_limit_and_rolled_back_events(db):
    site = _site(db)
    cur = EventCursor(db, site)
    for i in range(5):
        _publish(db, "ticket.issued", {"i": i}, site)
    with pytest.raises(RuntimeError):
        with db.write() as s:
            publish(s, "ticket.issued", {"i": "never"}, site)
            raise RuntimeError("rolled back")
    assert [e.payload["i"] for e in cur.poll(limit=2)] == [0, 1]
    assert [e.payload["i"] for e in cur.poll(limit=10)] == [2, 3, 4]
    assert cur.poll() == []


def test_queue_engine_events_reach_the_cursor(db):
    from tests.common.services.queue_fixtures import NOW, make_hall
    from common.services import queue as qs

    hall = make_hall(db)
    cur = EventCursor(db, hall.site_id)
    t = hall.issue("A")
    qs.call_next(db, hall.clerk(1), hall.w(1), now=NOW)
    got = cur.poll()
    assert [e.kind for e in got] == ["ticket.issued", "ticket.called"]
    assert got[1].payload["number"] == t.number and got[1].payload["window_number"] == 1


def test_wait_returns_events_published_meanwhile(db):
    site = _site(db)
    cur = EventCursor(db, site)
    assert cur.wait(0.3) == []

    def later():
        time.sleep(0.3)
        other = connect(db.url)
        _publish(other, "ticket.called", {"number": "B007"}, site)
        other.dispose()

    th = threading.Thread(target=later)
    th.start()
    got = cur.wait(30)
    th.join()
    cur.close()
    assert [e.payload for e in got] == [{"number": "B007"}]


@pytest.mark.postgres
def test_listen_wakes_up_on_notify_and_survives_a_lost_connection(pg_db):
    site = _site(pg_db)
    cur = EventCursor(pg_db, site)
    assert cur.wait(0.2) == []  # opens the LISTEN connection
    assert cur._listener is not None
    # With LISTEN, a notification ends the wait long before its 60 s timeout; without it the wait would return []
    # only at the deadline (there are no id gaps to re-poll).
    threading.Timer(0.3, lambda: _publish(pg_db, "ticket.called", {"n": 1}, site)).start()
    assert [e.payload for e in cur.wait(60)] == [{"n": 1}]

    # the server drops the listener's connection: the next wait notices, polls, and listens again
    pid = cur._listener.info.backend_pid
    with pg_db.engine.connect() as conn:
        conn.execute(text("SELECT pg_terminate_backend(:p)"), {"p": pid})
        conn.commit()
    threading.Timer(0.3, lambda: _publish(pg_db, "ticket.called", {"n": 2}, site)).start()
    got = cur.wait(60)
    if not got:  # the failure was noticed first; the event comes with the next wait
        got = cur.wait(60)
    assert [e.payload for e in got] == [{"n": 2}]
    threading.Timer(0.3, lambda: _publish(pg_db, "ticket.called", {"n": 3}, site)).start()
    assert [e.payload for e in cur.wait(60)] == [{"n": 3}]
    assert cur._listener is not None and cur._listener.info.backend_pid != pid
    cur.close()


@pytest.mark.postgres
def test_late_commit_of_a_smaller_id_is_not_lost(pg_db):
    """PostgreSQL hands out ids at INSERT, so a transaction may commit a smaller id after a bigger one was read."""
    site = _site(pg_db)
    cur = EventCursor(pg_db, site)
    slow = pg_db._write_factory()
    slow.begin()
    first_id = publish(slow, "ticket.issued", {"who": "slow"}, site)  # not committed yet
    fast_id = _publish(pg_db, "ticket.issued", {"who": "fast"}, site)
    assert fast_id > first_id
    assert [e.payload["who"] for e in cur.poll()] == ["fast"]
    slow.commit()
    slow.close()
    assert [e.payload["who"] for e in cur.poll()] == ["slow"]
    assert cur.poll() == []
    assert cur.last_id == fast_id


def test_gaps_are_skipped_after_a_while(db, monkeypatch):
    site = _site(db)
    cur = EventCursor(db, site)
    first = _publish(db, "a", {}, site)
    cur.poll()
    # pretend an id was skipped forever (a rolled-back insert on PostgreSQL)
    second = _publish(db, "b", {}, site)
    third = _publish(db, "c", {}, site)
    with db.write() as s:
        s.execute(text("DELETE FROM hall_event WHERE id = :i"), {"i": second})
    assert [e.kind for e in cur.poll()] == ["c"]
    assert cur.last_id == first  # the hole at `second` is remembered …
    monkeypatch.setattr(events, "GAP_TIMEOUT_S", 0.0)
    assert cur.poll() == []
    assert cur.last_id == third  # … until it is old enough to be a rollback
