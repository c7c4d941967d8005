"""Staff accounts (工作人员账号) and sign-in (登录).

- Passwords are hashed with Argon2id (`common.services.passwords`); hashes never leave this module.
- Five consecutive wrong passwords lock an account for 15 minutes. A locked account is refused even with the right
  password. The counter lives on the staff row and is updated in a write transaction (row lock on PostgreSQL,
  BEGIN IMMEDIATE on SQLite), so racing logins cannot lose a failure.
- The slow Argon2 work (verify, rehash) runs outside the write transaction, so a login never holds the SQLite
  write lock for the ~50 ms it takes; the write transaction re-checks that the hash did not change meanwhile.
- An unknown staff number and a wrong password give the same message (no account enumeration); both are audited.
- Every login outcome and every account change writes an audit record in the same transaction.
- Staff numbers are case-insensitive: they are stored and looked up upper-case.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from common.clock import DEFAULT_TZ, local
from common.db.engine import Database
from common.db.models import Department, Site, Staff, StaffRole
from common.domain import Post, Role
from common.errors import Conflict, HallError, InvalidInput, NotFound
from common.services import audit
from common.services.passwords import hash_password, needs_rehash, verify_password
from common.services.permissions import Actor, require

MAX_FAILED_LOGINS = 5
LOCK_DURATION = dt.timedelta(minutes=15)
PASSWORD_MIN_CHARS = 8
PASSWORD_MAX_CHARS = 128
STAFF_NO_RE = re.compile(r"^[A-Z0-9][A-Z0-9_.-]{1,31}$")

_BAD_CREDENTIALS = "工号或密码错误。连续输错 5 次账号将被锁定 15 分钟。"
_DUMMY_HASH: str | None = None  # verified against for unknown staff numbers, so both cases take the same time


class LoginFailed(HallError):
    """Sign-in refused (wrong credentials, locked or deactivated account)."""

    exit_code = 6


class AccountLocked(LoginFailed):
    def __init__(self, message: str, locked_until: dt.datetime):
        super().__init__(message)
        self.locked_until = locked_until


@dataclass(frozen=True)
class StaffInfo:
    id: int
    staff_no: str
    name: str
    roles: list[str]
    department: str | None  # department code
    post: str
    active: bool
    locked_until: dt.datetime | None  # only while the lock is in force
    site: str | None = None  # site code
    title: str = ""


# --------------------------------------------------------------------------------------------- validation


def normalize_staff_no(staff_no: object) -> str:
    return str(staff_no or "").strip().upper()


def _validate_staff_no(staff_no: object) -> str:
    value = normalize_staff_no(staff_no)
    if not value:
        raise InvalidInput("请输入工号。")
    if not STAFF_NO_RE.match(value):
        raise InvalidInput(
            f"工号“{value[:40]}”格式不正确：应为 2–32 位字母或数字，可含 - _ . ，且以字母或数字开头。"
        )
    return value


def _validate_name(name: object) -> str:
    try:
        from common.validation import ValidationError, validate_person_name
    except ImportError:  # the validation module is not there yet: a plain length check
        value = str(name or "").strip()
        if not value:
            raise InvalidInput("请输入姓名。") from None
        if len(value) > 50:
            raise InvalidInput(f"姓名过长：最多 50 个字，当前 {len(value)} 个字。") from None
        return value
    try:
        return validate_person_name(name, max_chars=50)
    except ValidationError as exc:
        raise InvalidInput(str(exc)) from None


def check_password_policy(password: object, staff_no: str | None = None) -> str:
    """Raise InvalidInput unless the password is 8–128 characters with at least one letter and one digit."""
    if not isinstance(password, str) or not password:
        raise InvalidInput("请输入密码。")
    if len(password) < PASSWORD_MIN_CHARS:
        raise InvalidInput(f"密码太短：至少 {PASSWORD_MIN_CHARS} 位，且须同时包含字母和数字。")
    if len(password) > PASSWORD_MAX_CHARS:
        raise InvalidInput(f"密码太长：最多 {PASSWORD_MAX_CHARS} 位。")
    if password != password.strip():
        raise InvalidInput("密码首尾不能有空格。")
    if not any(c.isascii() and c.isalpha() for c in password) or not any(c.isdigit() for c in password):
        raise InvalidInput("密码须同时包含字母和数字。")
    if staff_no and password.upper() == staff_no.upper():
        raise InvalidInput("密码不能与工号相同。")
    return password


def _parse_roles(roles: Iterable[Role | str]) -> list[Role]:
    out: list[Role] = []
    for r in roles or []:
        try:
            role = r if isinstance(r, Role) else Role(str(r).strip().lower())
        except ValueError:
            valid = "、".join(f"{x.value}（{x.label}）" for x in Role)
            raise InvalidInput(f"未知角色“{r}”。可用角色：{valid}。") from None
        if role not in out:
            out.append(role)
    if not out:
        raise InvalidInput("请至少指定一个角色。")
    return out


def _parse_post(post: Post | str) -> Post:
    try:
        return post if isinstance(post, Post) else Post(str(post).strip().upper())
    except ValueError:
        raise InvalidInput(f"岗位“{post}”不正确：应为 A（A岗）或 B（B岗）。") from None


# --------------------------------------------------------------------------------------------- helpers


def _now(now: dt.datetime | None) -> dt.datetime:
    if now is None:
        return dt.datetime.now(dt.timezone.utc)
    if now.tzinfo is None:
        raise ValueError("naive datetime given as now")
    return now.astimezone(dt.timezone.utc)


def _require_admin_or_manager(actor: Actor, action: str) -> None:
    require(actor, Role.MANAGER, action=action)


def _guard_admin_target(actor: Actor, target_roles: Iterable[Role], action: str) -> None:
    """Only an administrator may touch an administrator account or grant the admin role."""
    if Role.ADMIN in set(target_roles) and Role.ADMIN not in actor.roles:
        require(actor, Role.ADMIN, action=action)


def _load_staff(s: Session, staff_no: str, *, for_update: bool = False) -> Staff:
    q = select(Staff).where(Staff.staff_no == normalize_staff_no(staff_no)).options(selectinload(Staff.roles))
    if for_update:
        q = q.with_for_update(of=Staff)
    staff = s.scalar(q)
    if staff is None:
        raise NotFound(f"找不到工号为“{normalize_staff_no(staff_no)[:40]}”的工作人员。")
    return staff


def _roles_of(staff: Staff) -> list[Role]:
    order = list(Role)
    return sorted((r.role for r in staff.roles), key=order.index)


def _is_locked(staff: Staff, now: dt.datetime) -> bool:
    return staff.locked_until is not None and staff.locked_until > now


def _info(s: Session, staff: Staff, now: dt.datetime) -> StaffInfo:
    dept = s.get(Department, staff.department_id) if staff.department_id else None
    site = s.get(Site, staff.site_id) if staff.site_id else None
    return StaffInfo(
        id=staff.id,
        staff_no=staff.staff_no,
        name=staff.name,
        roles=[r.value for r in _roles_of(staff)],
        department=dept.code if dept else None,
        post=staff.post.value,
        active=staff.active,
        locked_until=staff.locked_until if _is_locked(staff, now) else None,
        site=site.code if site else None,
        title=staff.title,
    )


def _zone_for(s: Session, staff: Staff) -> str:
    if staff.site_id:
        tz = s.scalar(select(Site.timezone).where(Site.id == staff.site_id))
        if tz:
            return tz
    return DEFAULT_TZ


def _locked_message(until: dt.datetime, tz: str) -> str:
    until_local = local(until, tz)
    if until_local.second or until_local.microsecond:  # shown to the minute: round up, never too early
        until_local = until_local.replace(second=0, microsecond=0) + dt.timedelta(minutes=1)
    zone_label = "北京时间" if tz == DEFAULT_TZ else f"当地时间 {tz}"
    return (
        f"账号已锁定：连续 {MAX_FAILED_LOGINS} 次密码错误。请于 {until_local:%Y-%m-%d %H:%M}（{zone_label}）之后再试，"
        "或请中心管理员解锁。"
    )


# --------------------------------------------------------------------------------------------- account management


def create_staff(
    db: Database,
    actor: Actor,
    staff_no: str,
    name: str,
    password: str,
    roles: Iterable[Role | str],
    department_code: str | None = None,
    site_code: str | None = None,
    title: str = "",
    post: Post | str = "A",
) -> StaffInfo:
    _require_admin_or_manager(actor, "新增工作人员")
    staff_no = _validate_staff_no(staff_no)
    name = _validate_name(name)
    role_list = _parse_roles(roles)
    _guard_admin_target(actor, role_list, "授予系统管理员角色")
    post_value = _parse_post(post)
    title = (title or "").strip()
    if len(title) > 60:
        raise InvalidInput(f"职务过长：最多 60 个字，当前 {len(title)} 个字。")
    check_password_policy(password, staff_no)
    password_hash = hash_password(password)  # slow: outside the write transaction

    with db.write() as s:
        if s.scalar(select(Staff.id).where(Staff.staff_no == staff_no)) is not None:
            raise Conflict(f"工号“{staff_no}”已存在。")
        department_id = site_id = None
        if department_code:
            department_id = s.scalar(select(Department.id).where(Department.code == department_code.strip()))
            if department_id is None:
                raise NotFound(f"找不到部门编码“{department_code}”。")
        if site_code:
            site_id = s.scalar(select(Site.id).where(Site.code == site_code.strip()))
            if site_id is None:
                raise NotFound(f"找不到站点编码“{site_code}”。")
        staff = Staff(
            staff_no=staff_no,
            name=name,
            department_id=department_id,
            site_id=site_id,
            title=title,
            post=post_value,
            password_hash=password_hash,
            failed_logins=0,
            active=True,
            roles=[StaffRole(role=r) for r in role_list],
        )
        s.add(staff)
        s.flush()
        audit.record(
            s, actor, "staff.create", "staff", staff.staff_no,
            {"name": name, "roles": [r.value for r in role_list], "department": department_code,
             "site": site_code, "post": post_value.value, "title": title},
        )
        return _info(s, staff, _now(None))


def get_staff(db: Database, actor: Actor, staff_no: str) -> StaffInfo:
    if actor.staff_no != normalize_staff_no(staff_no) or actor.staff_id is None:
        require(actor, Role.MANAGER, Role.SUPERVISOR, action="查看工作人员信息")
    with db.read() as s:
        return _info(s, _load_staff(s, staff_no), _now(None))


def list_staff(db: Database, actor: Actor, *, include_inactive: bool = True, now: dt.datetime | None = None) -> list[StaffInfo]:
    require(actor, Role.MANAGER, Role.SUPERVISOR, action="查看工作人员名单")
    now = _now(now)
    with db.read() as s:
        q = select(Staff).options(selectinload(Staff.roles)).order_by(Staff.staff_no)
        if not include_inactive:
            q = q.where(Staff.active.is_(True))
        staff = s.scalars(q).all()
        depts = dict(s.execute(select(Department.id, Department.code)).all())
        sites = dict(s.execute(select(Site.id, Site.code)).all())
        return [
            StaffInfo(
                id=x.id, staff_no=x.staff_no, name=x.name, roles=[r.value for r in _roles_of(x)],
                department=depts.get(x.department_id), post=x.post.value, active=x.active,
                locked_until=x.locked_until if _is_locked(x, now) else None,
                site=sites.get(x.site_id), title=x.title,
            )
            for x in staff
        ]


def set_password(db: Database, actor: Actor, staff_no: str, new_password: str) -> None:
    """An administrator/manager sets someone's password; this also clears a lock and the failure count."""
    _require_admin_or_manager(actor, "重置工作人员密码")
    staff_no = normalize_staff_no(staff_no)
    check_password_policy(new_password, staff_no)
    new_hash = hash_password(new_password)
    with db.write() as s:
        staff = _load_staff(s, staff_no, for_update=True)
        _guard_admin_target(actor, _roles_of(staff), "修改系统管理员的密码")
        was_locked = staff.locked_until is not None
        staff.password_hash = new_hash
        staff.failed_logins = 0
        staff.locked_until = None
        audit.record(s, actor, "staff.password_set", "staff", staff.staff_no, {"unlocked": was_locked})


def change_own_password(db: Database, actor: Actor, old_password: str, new_password: str) -> None:
    """A signed-in staff member changes their own password (the old one is required)."""
    if actor.staff_id is None:
        raise InvalidInput("只有已登录的工作人员才能修改自己的密码。")
    check_password_policy(new_password, actor.staff_no)
    if new_password == old_password:
        raise InvalidInput("新密码不能与原密码相同。")
    with db.read() as s:
        staff = s.get(Staff, actor.staff_id)
        if staff is None or not staff.active:
            raise NotFound("账号不存在或已停用。")
        current_hash = staff.password_hash
    ok = verify_password(current_hash, old_password)
    new_hash = hash_password(new_password) if ok else ""
    with db.write() as s:
        staff = s.scalar(select(Staff).where(Staff.id == actor.staff_id).with_for_update())
        if staff is None:
            raise NotFound("账号不存在或已停用。")
        if ok and staff.password_hash != current_hash:
            raise Conflict("密码刚刚被修改过，请重新登录后再试。")
        audit.record(s, actor, "staff.password_change" if ok else "staff.password_change_failed", "staff", staff.staff_no)
        if ok:
            staff.password_hash = new_hash
            staff.failed_logins = 0
    if not ok:  # raised after the commit, so the failed attempt stays in the audit log
        raise LoginFailed("原密码不正确，密码未修改。")


def set_roles(db: Database, actor: Actor, staff_no: str, roles: Iterable[Role | str]) -> StaffInfo:
    _require_admin_or_manager(actor, "修改工作人员角色")
    role_list = _parse_roles(roles)
    with db.write() as s:
        staff = _load_staff(s, staff_no, for_update=True)
        before = _roles_of(staff)
        _guard_admin_target(actor, before + role_list, "授予或收回系统管理员角色")
        if set(before) != set(role_list):
            staff.roles = [r for r in staff.roles if r.role in role_list]
            have = {r.role for r in staff.roles}
            staff.roles.extend(StaffRole(role=r) for r in role_list if r not in have)
            audit.record(
                s, actor, "staff.roles_set", "staff", staff.staff_no,
                {"before": [r.value for r in before], "after": [r.value for r in role_list]},
            )
        s.flush()
        s.refresh(staff, ["roles"])
        return _info(s, staff, _now(None))


def deactivate(db: Database, actor: Actor, staff_no: str) -> StaffInfo:
    _require_admin_or_manager(actor, "停用工作人员账号")
    with db.write() as s:
        staff = _load_staff(s, staff_no, for_update=True)
        _guard_admin_target(actor, _roles_of(staff), "停用系统管理员账号")
        if actor.staff_id is not None and staff.id == actor.staff_id:
            raise Conflict("不能停用自己的账号。")
        if staff.active:
            staff.active = False
            audit.record(s, actor, "staff.deactivate", "staff", staff.staff_no)
        return _info(s, staff, _now(None))


def unlock(db: Database, actor: Actor, staff_no: str) -> StaffInfo:
    """Clear a login lock and the failure count."""
    _require_admin_or_manager(actor, "解锁工作人员账号")
    with db.write() as s:
        staff = _load_staff(s, staff_no, for_update=True)
        audit.record(
            s, actor, "staff.unlock", "staff", staff.staff_no,
            {"locked_until": staff.locked_until, "failed_logins": staff.failed_logins},
        )
        staff.locked_until = None
        staff.failed_logins = 0
        return _info(s, staff, _now(None))


# --------------------------------------------------------------------------------------------- login


def _dummy_hash() -> str:
    global _DUMMY_HASH
    if _DUMMY_HASH is None:
        _DUMMY_HASH = hash_password("not-a-real-password-0")
    return _DUMMY_HASH


def login(db: Database, staff_no: str, password: str, now: dt.datetime | None = None) -> Actor:
    """Sign in; returns the Actor, or raises LoginFailed / AccountLocked (the failure is committed and audited)."""
    now = _now(now)
    key = normalize_staff_no(staff_no)
    attempt = key[:40]
    password = password if isinstance(password, str) else ""

    # 1. read the hash and check the password outside the write transaction (Argon2 is slow on purpose)
    with db.read() as s:
        stored = s.scalar(select(Staff.password_hash).where(Staff.staff_no == key)) if key else None
    if stored is None:
        verify_password(_dummy_hash(), password)
        ok = False
    else:
        ok = verify_password(stored, password)
    new_hash = hash_password(password) if ok and needs_rehash(stored) else None

    # 2. apply the outcome under the write lock; errors are raised only after the commit
    error: LoginFailed | None = None
    with db.write() as s:
        staff = (
            s.scalar(select(Staff).where(Staff.staff_no == key).options(selectinload(Staff.roles)).with_for_update(of=Staff))
            if key else None
        )
        if staff is None:
            audit.record(s, None, "login.failure", "staff", attempt, {"staff_no": attempt, "reason": "unknown_staff"}, at=now)
            error = LoginFailed(_BAD_CREDENTIALS)
        else:
            if staff.password_hash != stored:  # changed since step 1 (rare): decide on the current hash
                ok = verify_password(staff.password_hash, password)
                new_hash = None
            if _is_locked(staff, now):
                audit.record(
                    s, None, "login.refused_locked", "staff", staff.staff_no,
                    {"staff_no": staff.staff_no, "locked_until": staff.locked_until, "password_ok": ok}, at=now,
                )
                error = AccountLocked(_locked_message(staff.locked_until, _zone_for(s, staff)), staff.locked_until)
            elif not ok:
                staff.failed_logins = (staff.failed_logins or 0) + 1
                audit.record(
                    s, None, "login.failure", "staff", staff.staff_no,
                    {"staff_no": staff.staff_no, "reason": "wrong_password", "failed_logins": staff.failed_logins},
                    at=now,
                )
                if staff.failed_logins >= MAX_FAILED_LOGINS:
                    staff.locked_until = now + LOCK_DURATION
                    staff.failed_logins = 0  # after the lock the staff member gets five fresh attempts
                    audit.record(
                        s, None, "login.lockout", "staff", staff.staff_no,
                        {"staff_no": staff.staff_no, "locked_until": staff.locked_until}, at=now,
                    )
                    error = AccountLocked(
                        _locked_message(staff.locked_until, _zone_for(s, staff)), staff.locked_until
                    )
                else:
                    error = LoginFailed(_BAD_CREDENTIALS)
            elif not staff.active:
                audit.record(s, None, "login.refused_inactive", "staff", staff.staff_no, {"staff_no": staff.staff_no}, at=now)
                error = LoginFailed("该账号已停用，请联系中心管理员。")
            else:
                staff.failed_logins = 0
                staff.locked_until = None
                if new_hash is not None:
                    staff.password_hash = new_hash
                result = Actor(
                    staff_id=staff.id,
                    staff_no=staff.staff_no,
                    name=staff.name,
                    roles=frozenset(_roles_of(staff)),
                    site_id=staff.site_id,
                    department_id=staff.department_id,
                )
                audit.record(s, result, "login.success", "staff", staff.staff_no, {"rehashed": new_hash is not None}, at=now)
    if error is not None:
        raise error
    return result
