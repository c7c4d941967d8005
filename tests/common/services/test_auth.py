"""Staff accounts and sign-in, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select

from common.db.models import AuditLog, Department, Staff
from common.domain import Role
from common.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from common.services import audit, auth
from common.services.auth import AccountLocked, LoginFailed
from common.services.permissions import Actor

ADMIN = Actor(staff_id=None, staff_no="t-admin", name="测试管理员", roles=frozenset({Role.ADMIN}))
MANAGER = Actor(staff_id=None, staff_no="t-mgr", name="测试主任", roles=frozenset({Role.MANAGER}))
CLERK = Actor(staff_id=None, staff_no="t-clerk", name="测试窗口", roles=frozenset({Role.CLERK}))
PW = "hall2024ok"
T0 = dt.datetime(2024, 5, 6, 2, 0, 0, tzinfo=dt.timezone.utc)  # 10:00 in Shanghai


def _add(db, staff_no="A001", name="张三", roles=("clerk",), **kw):
    return auth.create_staff(db, ADMIN, staff_no, name, kw.pop("password", PW), list(roles), **kw)


def _actions(db) -> list[str]:
    with db.read() as s:
        return list(s.scalars(select(AuditLog.action).order_by(AuditLog.id)))


def _staff_row(db, staff_no="A001") -> Staff:
    with db.read() as s:
        return s.scalar(select(Staff).where(Staff.staff_no == staff_no))


def test_password_is_hashed_with_argon2id(db):
    info = _add(db)
    assert info.staff_no == "A001" and info.roles == ["clerk"] and info.active and info.locked_until is None
    row = _staff_row(db)
    assert row.password_hash.startswith("$argon2id$")
    assert PW not in row.password_hash
    assert _actions(db) == ["staff.create"]
    with db.read() as s:
        assert "hall2024" not in str(s.scalars(select(AuditLog.detail)).all())


def test_login_success_returns_actor_and_is_audited(db):
    with db.write() as s:
        s.add(Department(code="GA", name="公安局"))
    info = _add(db, roles=["clerk", "chief_rep"], department_code="GA")
    assert info.department == "GA"
    actor = auth.login(db, "a001", PW, now=T0)  # staff numbers are case-insensitive
    assert actor.staff_id == info.id and actor.staff_no == "A001" and actor.name == "张三"
    assert actor.roles == frozenset({Role.CLERK, Role.CHIEF_REP})
    assert actor.department_id is not None
    assert _actions(db) == ["staff.create", "login.success"]
    assert audit.verify(db).ok


def test_lockout_after_five_failures_and_release_after_lock_time(db):
    _add(db)
    for i in range(4):
        with pytest.raises(LoginFailed) as exc:
            auth.login(db, "A001", "wrong-pass1", now=T0 + dt.timedelta(seconds=i))
        assert not isinstance(exc.value, AccountLocked)
    assert _staff_row(db).failed_logins == 4
    with pytest.raises(AccountLocked) as exc:
        auth.login(db, "A001", "wrong-pass1", now=T0 + dt.timedelta(seconds=4))
    locked_until = exc.value.locked_until
    assert locked_until == T0 + dt.timedelta(seconds=4) + auth.LOCK_DURATION
    # the right password is refused while locked, with the local (Beijing) time it ends: 10:15:04 → 10:16
    with pytest.raises(AccountLocked) as exc:
        auth.login(db, "A001", PW, now=T0 + dt.timedelta(minutes=5))
    assert "2024-05-06 10:16" in exc.value.message and "北京时间" in exc.value.message
    info = auth.list_staff(db, ADMIN, now=T0 + dt.timedelta(minutes=5))[0]
    assert info.locked_until == locked_until
    # after the lock time the right password works and the counter is reset
    actor = auth.login(db, "A001", PW, now=locked_until + dt.timedelta(seconds=1))
    assert actor.staff_no == "A001"
    row = _staff_row(db)
    assert row.failed_logins == 0 and row.locked_until is None
    acts = _actions(db)
    assert acts.count("login.failure") == 5 and acts.count("login.lockout") == 1
    assert acts.count("login.refused_locked") == 1 and acts[-1] == "login.success"
    assert audit.verify(db).ok


def test_success_resets_the_failure_counter(db):
    _add(db)
    for _ in range(4):
        with pytest.raises(LoginFailed):
            auth.login(db, "A001", "wrong-pass1", now=T0)
    auth.login(db, "A001", PW, now=T0)
    for _ in range(4):
        with pytest.raises(LoginFailed) as exc:
            auth.login(db, "A001", "wrong-pass1", now=T0)
        assert not isinstance(exc.value, AccountLocked)


def test_unknown_staff_and_wrong_password_look_the_same_but_are_audited(db):
    _add(db)
    with pytest.raises(LoginFailed) as unknown:
        auth.login(db, "Z999", PW, now=T0)
    with pytest.raises(LoginFailed) as wrong:
        auth.login(db, "A001", "wrong-pass1", now=T0)
    assert unknown.value.message == wrong.value.message
    assert type(unknown.value) is type(wrong.value)
    with db.read() as s:
        rows = s.scalars(select(AuditLog).where(AuditLog.action == "login.failure").order_by(AuditLog.id)).all()
        assert [(r.entity_id, r.detail["reason"]) for r in rows] == [("Z999", "unknown_staff"), ("A001", "wrong_password")]
    with pytest.raises(LoginFailed):
        auth.login(db, "", "", now=T0)


def test_racing_wrong_logins_all_count_and_lock(db):
    _add(db)
    errors: list[BaseException] = []

    def attempt() -> None:
        try:
            auth.login(db, "A001", "wrong-pass1", now=T0)
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=attempt) for _ in range(5)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(errors) == 5 and all(isinstance(e, LoginFailed) for e in errors)
    assert sum(isinstance(e, AccountLocked) for e in errors) == 1  # exactly the fifth one locked it
    row = _staff_row(db)
    assert row.locked_until is not None and row.locked_until > T0
    with pytest.raises(AccountLocked):
        auth.login(db, "A001", PW, now=T0)
    assert audit.verify(db).ok


def test_outdated_hash_is_rehashed_on_login(db):
    _add(db)
    weak = PasswordHasher(time_cost=1, memory_cost=8 * 1024, parallelism=1).hash(PW)
    with db.write() as s:
        s.scalar(select(Staff).where(Staff.staff_no == "A001")).password_hash = weak
    auth.login(db, "A001", PW, now=T0)
    new = _staff_row(db).password_hash
    assert new != weak and new.startswith("$argon2id$") and "m=65536" in new
    auth.login(db, "A001", PW, now=T0)


def test_clerk_cannot_create_staff(db):
    with pytest.raises(PermissionDenied):
        auth.create_staff(db, CLERK, "A002", "李四", PW, ["clerk"])
    with db.read() as s:
        assert s.scalar(select(Staff.id)) is None
        assert s.scalar(select(AuditLog.id)) is None


def test_manager_manages_staff_but_not_admins(db):
    auth.create_staff(db, MANAGER, "A002", "李四", PW, ["clerk"])
    with pytest.raises(PermissionDenied):
        auth.create_staff(db, MANAGER, "A003", "王五", PW, ["admin"])
    _add(db, "ROOT1", "赵六", ["admin"])
    with pytest.raises(PermissionDenied):
        auth.set_password(db, MANAGER, "ROOT1", "other2024pw")
    with pytest.raises(PermissionDenied):
        auth.set_roles(db, MANAGER, "A002", ["admin"])
    with pytest.raises(PermissionDenied):
        auth.list_staff(db, CLERK)


def test_validation_messages(db):
    with pytest.raises(InvalidInput, match="太短"):
        _add(db, password="ab1")
    with pytest.raises(InvalidInput, match="字母和数字"):
        _add(db, password="abcdefghij")
    with pytest.raises(InvalidInput, match="字母和数字"):
        _add(db, password="1234567890")
    with pytest.raises(InvalidInput, match="工号"):
        _add(db, staff_no="张三")
    with pytest.raises(InvalidInput, match="姓名"):
        _add(db, name="")
    with pytest.raises(InvalidInput, match="角色"):
        _add(db, roles=["boss"])
    with pytest.raises(InvalidInput, match="角色"):
        _add(db, roles=[])
    with pytest.raises(NotFound, match="部门"):
        _add(db, department_code="NOPE")
    _add(db)
    with pytest.raises(Conflict, match="已存在"):
        _add(db, staff_no="a001")


def test_set_password_unlocks_and_old_password_stops_working(db):
    _add(db)
    for _ in range(5):
        with pytest.raises(LoginFailed):
            auth.login(db, "A001", "wrong-pass1", now=T0)
    auth.set_password(db, ADMIN, "A001", "newpass2024")
    with pytest.raises(LoginFailed):
        auth.login(db, "A001", PW, now=T0)
    assert auth.login(db, "A001", "newpass2024", now=T0).staff_no == "A001"
    assert "staff.password_set" in _actions(db)


def test_change_own_password(db):
    _add(db)
    me = auth.login(db, "A001", PW, now=T0)
    with pytest.raises(LoginFailed, match="原密码"):
        auth.change_own_password(db, me, "wrong-pass1", "newpass2024")
    assert "staff.password_change_failed" in _actions(db)  # the failure was committed
    auth.change_own_password(db, me, PW, "newpass2024")
    assert auth.login(db, "A001", "newpass2024", now=T0).staff_id == me.staff_id
    assert auth.get_staff(db, me, "A001").name == "张三"
    with pytest.raises(PermissionDenied):
        auth.get_staff(db, me, "ROOT1")


def test_roles_deactivate_and_unlock(db):
    _add(db)
    info = auth.set_roles(db, ADMIN, "A001", ["approver", "clerk"])
    assert info.roles == ["clerk", "approver"]
    info = auth.set_roles(db, ADMIN, "A001", [Role.APPROVER])
    assert info.roles == ["approver"]
    for _ in range(5):
        with pytest.raises(LoginFailed):
            auth.login(db, "A001", "wrong-pass1")
    assert auth.unlock(db, ADMIN, "A001").locked_until is None
    assert auth.login(db, "A001", PW).roles == frozenset({Role.APPROVER})
    assert auth.deactivate(db, ADMIN, "A001").active is False
    with pytest.raises(LoginFailed, match="停用"):
        auth.login(db, "A001", PW)
    with pytest.raises(NotFound):
        auth.unlock(db, ADMIN, "NOBODY")
    assert _actions(db).count("staff.roles_set") == 2
    assert audit.verify(db).ok
