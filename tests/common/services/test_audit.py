"""The hash-chained audit log, on SQLite and PostgreSQL: intact chains verify, tampering is named by row id."""

from __future__ import annotations

import datetime as dt
import threading
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select, text

from common.db.models import AuditLog
from common.domain import Role
from common.errors import PermissionDenied
from common.services import audit
from common.services.permissions import SYSTEM, Actor

ADMIN = Actor(staff_id=None, staff_no="t-admin", name="测试管理员", roles=frozenset({Role.ADMIN}))
CLERK = Actor(staff_id=None, staff_no="t-clerk", name="测试窗口", roles=frozenset({Role.CLERK}))


def _fill(db, n: int) -> None:
    base = dt.datetime(2024, 5, 1, 9, 0, 0, 123456, tzinfo=ZoneInfo("Asia/Shanghai"))
    with db.write() as s:
        for i in range(n):
            audit.record(
                s, ADMIN if i % 2 else None, "test.event", "ticket", f"A{i:03d}",
                {"n": i, "姓名": "张三", "nested": {"z": 1, "a": [1, 2, {"y": None, "b": 0.1}]}},
                at=base + dt.timedelta(seconds=i, microseconds=i),
            )


def test_first_row_starts_the_chain(db):
    with db.write() as s:
        rid = audit.record(s, SYSTEM, "test.first")
    with db.read() as s:
        row = s.get(AuditLog, rid)
        assert row.prev_hash == "0" * 64
        assert len(row.hash) == 64
        assert row.actor == "系统（system）"


def test_chain_of_100_records_verifies(db):
    _fill(db, 100)
    result = audit.verify(db)
    assert result.ok, result.problems
    assert result.checked == 100
    assert result.problems == []
    # batched reading gives the same answer
    small = audit.verify(db, batch_size=7)
    assert small.ok and small.checked == 100
    assert small.last_hash == result.last_hash


def test_empty_log_verifies(db):
    result = audit.verify(db)
    assert result.ok and result.checked == 0


def test_links_follow_previous_hash(db):
    _fill(db, 5)
    with db.read() as s:
        rows = s.scalars(select(AuditLog).order_by(AuditLog.id)).all()
    for prev, row in zip(rows, rows[1:]):
        assert row.prev_hash == prev.hash


def test_edited_detail_is_named_by_row_id(db):
    _fill(db, 100)
    with db.write() as s:
        target = s.scalars(select(AuditLog.id).order_by(AuditLog.id).offset(36).limit(1)).one()
        s.execute(text("UPDATE audit_log SET detail = '{\"n\": 999}' WHERE id = :id"), {"id": target})
    result = audit.verify(db)
    assert not result.ok
    assert result.checked == 100
    assert [(p.row_id, p.kind) for p in result.problems] == [(target, "hash_mismatch")]
    assert str(target) in result.problems[0].message_zh


def test_edited_actor_text_is_detected(db):
    _fill(db, 10)
    with db.write() as s:
        s.execute(text("UPDATE audit_log SET actor = '别人' WHERE id = 3"))
    result = audit.verify(db)
    assert [(p.row_id, p.kind) for p in result.problems] == [(3, "hash_mismatch")]


def test_rewritten_hash_breaks_the_next_link(db):
    """A forger who recomputes the edited row's hash is caught at the following row."""
    _fill(db, 10)
    with db.write() as s:
        row = s.get(AuditLog, 4)
        row.detail = {"forged": True}
        row.hash = audit.compute_hash(
            at=row.at, actor_id=row.actor_id, actor=row.actor, action=row.action, entity=row.entity,
            entity_id=row.entity_id, detail=row.detail, prev_hash=row.prev_hash,
        )
    result = audit.verify(db)
    assert [(p.row_id, p.kind) for p in result.problems] == [(5, "broken_link")]


def test_deleted_middle_row_is_detected(db):
    _fill(db, 100)
    with db.write() as s:
        s.execute(text("DELETE FROM audit_log WHERE id = 50"))
    result = audit.verify(db)
    assert not result.ok
    assert result.checked == 99
    assert [(p.row_id, p.kind) for p in result.problems] == [(51, "missing_rows")]
    assert "50" in result.problems[0].message_zh


def test_deleted_first_row_is_detected(db):
    _fill(db, 5)
    with db.write() as s:
        s.execute(text("DELETE FROM audit_log WHERE id = 1"))
    result = audit.verify(db)
    assert [(p.row_id, p.kind) for p in result.problems] == [(2, "missing_rows")]


def test_swapped_rows_are_detected(db):
    _fill(db, 10)
    t = AuditLog.__table__
    cols = [c for c in t.c if c.name != "id"]
    with db.write() as s:
        r6 = dict(s.execute(select(*cols).where(t.c.id == 6)).mappings().one())
        r7 = dict(s.execute(select(*cols).where(t.c.id == 7)).mappings().one())
        s.execute(text("DELETE FROM audit_log WHERE id IN (6, 7)"))
        s.execute(t.insert().values(id=6, **r7))
        s.execute(t.insert().values(id=7, **r6))
    result = audit.verify(db)
    assert not result.ok
    assert {p.row_id for p in result.problems} >= {6}
    assert all(p.kind == "broken_link" for p in result.problems)


def test_record_rolls_back_with_its_transaction(db):
    _fill(db, 3)
    with pytest.raises(RuntimeError):
        with db.write() as s:
            audit.record(s, ADMIN, "test.doomed")
            raise RuntimeError("boom")
    _fill(db, 2)
    result = audit.verify(db)
    assert result.ok, result.problems  # an id gap after a rollback (PostgreSQL sequences) is not tampering
    assert result.checked == 5


def test_detail_with_dates_and_naive_time_rules(db):
    with db.write() as s:
        audit.record(s, ADMIN, "test.types", detail={"when": dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc),
                                                    "tuple": (1, 2), "roles": [Role.CLERK]})
        with pytest.raises(ValueError):
            audit.record(s, ADMIN, "test.naive", at=dt.datetime(2024, 1, 1))
    with db.read() as s:
        row = s.scalars(select(AuditLog)).one()
        assert row.detail == {"when": "2024-01-01 00:00:00+00:00", "tuple": [1, 2], "roles": ["clerk"]}
    assert audit.verify(db).ok


def test_long_fields_are_clipped_consistently(db):
    with db.write() as s:
        audit.record(s, ADMIN, "test.long", "e" * 100, "x" * 100)
    assert audit.verify(db).ok


def test_concurrent_writers_do_not_fork_the_chain(db):
    errors: list[BaseException] = []

    def worker(k: int) -> None:
        try:
            for i in range(10):
                with db.write() as s:
                    audit.record(s, ADMIN, "test.concurrent", "worker", str(k), {"i": i})
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    result = audit.verify(db)
    assert result.ok, result.problems
    assert result.checked == 60
    with db.read() as s:
        prevs = s.scalars(select(AuditLog.prev_hash)).all()
    assert len(set(prevs)) == 60  # no two rows share a predecessor


def test_list_entries_needs_supervisor_or_manager(db):
    _fill(db, 5)
    with pytest.raises(PermissionDenied):
        audit.list_entries(db, CLERK)
    entries = audit.list_entries(db, ADMIN, limit=3)
    assert [e.id for e in entries] == [5, 4, 3]
    assert audit.list_entries(db, ADMIN, limit=2, before_id=3)[0].id == 2
