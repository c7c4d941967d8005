"""Setting up a database: the demo hall (`load_demo_hall`) and a real, empty hall (`init_hall`).

The demo hall comes from resources/demo/hall.json (sites, settings, queues, windows, staff) and
resources/demo/catalog.json (departments, items, bundles; loaded through catalog_io, so the demo file is also a
test of the import). Everything is written in ONE transaction: a failure leaves the database as it was.
Loading into a database that already has data is refused; `reset=True` wipes every table first (destructive).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from common import clock
from common.db.engine import Database
from common.db.models import (
    Base,
    Bundle,
    Department,
    Queue,
    ServiceItem,
    Site,
    Staff,
    StaffRole,
    Window,
    WindowQueue,
)
from common.domain import ItemStatus, Post, Role, SiteLevel, WindowKind
from common.errors import Conflict, InvalidInput
from common.services import audit
from common.services.calendar import enter_provisional_in, years_missing_through
from common.services.catalog import bump_revision
from common.services.catalog_io import import_into_session, parse_json_data
from common.services.passwords import hash_password
from common.services.permissions import Actor
from common.services.settings import set_setting

DEMO_PASSWORD = "demo1234"
HALL_FORMAT = "govhall-hall"


def demo_file(name: str) -> Path:
    try:
        from common.paths import resource_path
    except ImportError:  # pragma: no cover - paths.py is part of the tree now
        return Path(__file__).resolve().parents[2] / "resources" / "demo" / name
    return resource_path("demo", name)


@dataclass(frozen=True)
class DemoSummary:
    hall_name: str
    hall_site: str
    sites: int
    departments: int
    items: int  # all items, cancelled ones included (kept for history)
    items_in_force: int
    bundles: int
    queues: int
    windows: int
    staff: int
    password: str  # the demo password of every demo account
    admin_staff_no: str
    warnings: list[str] = field(default_factory=list)
    appointments: list[str] = field(default_factory=list)  # "YY…  12月8日 09:30 预约专窗" to try the kiosk's 预约签到


@dataclass(frozen=True)
class InitSummary:
    hall_name: str
    site_code: str
    site_name: str
    admin_staff_no: str


# ----------------------------------------------------------------------------------------------- helpers


def _existing_data(s: Session) -> dict[str, int]:
    counts = {
        "站点": s.scalar(select(func.count(Site.id))) or 0,
        "部门": s.scalar(select(func.count(Department.id))) or 0,
        "事项": s.scalar(select(func.count(ServiceItem.id))) or 0,
        "队列": s.scalar(select(func.count(Queue.id))) or 0,
        "工作人员": s.scalar(select(func.count(Staff.id))) or 0,
    }
    return {k: v for k, v in counts.items() if v}


def wipe_all(s: Session) -> None:
    """Delete every row of every table (children first). Destructive: only for `demo-data --reset` and tests."""
    s.execute(update(ServiceItem).values(current_version_id=None))  # the item ↔ version cycle
    s.execute(update(Site).values(parent_id=None))
    s.execute(update(Staff).values(default_window_id=None))
    for table in reversed(Base.metadata.sorted_tables):
        s.execute(table.delete())
    s.flush()


def _time(value: Any, what: str) -> dt.time:
    try:
        h, m = str(value).split(":")
        return dt.time(int(h), int(m))
    except (ValueError, TypeError):
        raise InvalidInput(f"演示数据 hall.json：{what}的时间“{value}”格式应为 HH:MM。") from None


def _load_json(path: Path, fmt: str) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        raise InvalidInput(f"找不到演示数据文件 {path}。") from None
    except (OSError, ValueError) as exc:
        raise InvalidInput(f"无法读取演示数据文件 {path}：{exc}") from None
    if not isinstance(data, dict) or data.get("format") != fmt:
        raise InvalidInput(f"{path.name} 不是 {fmt} 格式的文件。")
    return data


# ----------------------------------------------------------------------------------------------- demo hall


def load_demo_hall(
    db: Database,
    *,
    reset: bool = False,
    actor: Optional[Actor] = None,
    hall_path: Optional[Path] = None,
    catalog_path: Optional[Path] = None,
) -> DemoSummary:
    """Load the demo hall. Refuses a database that has data unless `reset` (which wipes everything first)."""
    hall = _load_json(Path(hall_path) if hall_path else demo_file("hall.json"), HALL_FORMAT)
    catalog_data = _load_json(Path(catalog_path) if catalog_path else demo_file("catalog.json"), "govhall-catalog")
    parsed = parse_json_data(catalog_data)
    password_hash = hash_password(DEMO_PASSWORD)  # once, outside the transaction: Argon2 is slow on purpose

    with db.write() as s:
        existing = _existing_data(s)
        if existing and not reset:
            what = "、".join(f"{n} 个{k}" for k, n in existing.items())
            raise Conflict(
                f"数据库中已有数据（{what}），演示数据只能载入空数据库。"
                "如要清空全部数据并重新载入演示数据，请运行 hall demo-data --reset（将删除所有数据，包括业务记录）。"
            )
        if reset:
            wipe_all(s)

        # sites (parents first, whatever the order in the file)
        sites: dict[str, Site] = {}
        pending = list(hall.get("sites", []))
        while pending:
            progressed = False
            for raw in list(pending):
                parent = raw.get("parent")
                if parent and parent not in sites:
                    continue
                try:
                    level = SiteLevel(raw["level"])
                except (KeyError, ValueError):
                    raise InvalidInput(f"演示数据 hall.json：站点“{raw.get('code')}”的级别“{raw.get('level')}”无效。") from None
                site = Site(
                    code=raw["code"], name=raw["name"], level=level, parent_id=sites[parent].id if parent else None,
                    timezone=hall.get("settings", {}).get("timezone", "Asia/Shanghai"),
                    address=raw.get("address", ""), active=True,
                )
                s.add(site)
                s.flush()
                sites[site.code] = site
                pending.remove(raw)
                progressed = True
            if not progressed:
                codes = "、".join(str(r.get("code")) for r in pending)
                raise InvalidInput(f"演示数据 hall.json：站点的上级站点不存在或成环：{codes}。")
        hall_code = hall.get("hall_site") or next(iter(sites), None)
        if hall_code not in sites:
            raise InvalidInput(f"演示数据 hall.json：hall_site“{hall_code}”不是已定义的站点。")
        hall_site = sites[hall_code]

        # settings: global values, the hall site, and each other site's own name on its tickets
        settings = dict(hall.get("settings", {}))
        for key, value in settings.items():
            set_setting(s, key, value)
        set_setting(s, "hall_site", hall_code)
        for code, site in sites.items():
            if code != hall_code:
                set_setting(s, "hall_name", site.name, site.id)

        # queues (before the catalog: items name their queue)
        queues: dict[str, Queue] = {}
        for pos, raw in enumerate(hall.get("queues", []), start=1):
            prefix = str(raw["prefix"]).upper()
            rng = raw.get("range", [1, 999])
            q = Queue(
                site_id=hall_site.id, prefix=prefix, name=raw["name"], name_en=raw.get("name_en", ""),
                zone=raw.get("zone", ""), range_start=int(rng[0]), range_end=int(rng[1]),
                daily_cap=int(raw.get("daily_cap", 0)), opens_at=_time(raw.get("opens", "09:00"), f"队列 {prefix}"),
                closes_at=_time(raw.get("closes", "17:00"), f"队列 {prefix}"),
                target_wait_minutes=int(raw.get("target_wait_minutes", 15)),
                appointment_only=bool(raw.get("appointment_only", False)), position=pos, active=True,
            )
            for key in ("ratio_normal", "ratio_priority", "ageing_minutes", "max_recalls"):
                if key in raw:
                    setattr(q, key, int(raw[key]))
            s.add(q)
            queues[prefix] = q
        s.flush()

        # the catalog: departments, items, bundles
        report = import_into_session(s, actor, parsed)
        if report.errors:
            lines = "\n".join(e.message_zh for e in report.errors[:20])
            more = f"\n……共 {len(report.errors)} 处问题" if len(report.errors) > 20 else ""
            raise InvalidInput(f"演示事项目录 catalog.json 有误：\n{lines}{more}")
        departments = {d.code: d.id for d in s.scalars(select(Department)).all()}

        # windows
        windows: dict[int, Window] = {}
        for raw in hall.get("windows", []):
            dept_code = raw.get("department")
            if dept_code and dept_code not in departments:
                raise InvalidInput(f"演示数据 hall.json：{raw['number']} 号窗口的部门“{dept_code}”不存在。")
            try:
                kind = WindowKind(raw.get("kind", "department"))
            except ValueError:
                raise InvalidInput(f"演示数据 hall.json：{raw['number']} 号窗口的类型“{raw.get('kind')}”无效。") from None
            w = Window(
                site_id=hall_site.id, number=int(raw["number"]), name=raw.get("name") or f"{raw['number']}号窗口",
                zone=raw.get("zone", ""), kind=kind, department_id=departments.get(dept_code) if dept_code else None,
                active=True,
            )
            for prefix, weight in (raw.get("queues") or {}).items():
                queue = queues.get(str(prefix).upper())
                if queue is None:
                    raise InvalidInput(f"演示数据 hall.json：{raw['number']} 号窗口的队列“{prefix}”不存在。")
                w.queues.append(WindowQueue(queue_id=queue.id, weight=int(weight)))
            s.add(w)
            windows[w.number] = w
        s.flush()

        # staff: one Argon2 hash shared by every demo account
        from common.services.auth import normalize_staff_no

        admin_no = ""
        for raw in hall.get("staff", []):
            staff_no = normalize_staff_no(raw["staff_no"])
            dept_code = raw.get("department")
            if dept_code and dept_code not in departments:
                raise InvalidInput(f"演示数据 hall.json：工作人员 {staff_no} 的部门“{dept_code}”不存在。")
            site_code = raw.get("site") or hall_code
            if site_code not in sites:
                raise InvalidInput(f"演示数据 hall.json：工作人员 {staff_no} 的站点“{site_code}”不存在。")
            window_no = raw.get("window")
            if window_no is not None and int(window_no) not in windows:
                raise InvalidInput(f"演示数据 hall.json：工作人员 {staff_no} 的窗口“{window_no}”不存在。")
            try:
                roles = [Role(r) for r in raw.get("roles", [])] or [Role.CLERK]
                post = Post(raw.get("post", "A"))
            except ValueError as exc:
                raise InvalidInput(f"演示数据 hall.json：工作人员 {staff_no} 的角色或岗位无效：{exc}") from None
            staff = Staff(
                staff_no=staff_no, name=raw["name"], site_id=sites[site_code].id,
                department_id=departments.get(dept_code) if dept_code else None, title=raw.get("title", ""),
                post=post, default_window_id=windows[int(window_no)].id if window_no is not None else None,
                password_hash=password_hash, failed_logins=0, active=True,
                roles=[StaffRole(role=r) for r in dict.fromkeys(roles)],
            )
            s.add(staff)
            if Role.ADMIN in roles and not admin_no:
                admin_no = staff_no
        s.flush()

        # The demo runs on any date: a year the built-in holidays don't cover yet gets the law's days off (预估).
        calendar_warnings = []
        today = clock.business_day(clock.utcnow(), hall_site.timezone)
        for year in years_missing_through(s, today + dt.timedelta(days=366)):
            days_off = enter_provisional_in(s, year)
            calendar_warnings.append(f"{year} 年的放假安排尚未录入，已按放假办法预估 {days_off} 个放假日（不含调休上班日）；"
                                     f"国务院公布后请用 hall calendar set 录入。")

        bump_revision(s)
        summary = DemoSummary(
            hall_name=settings.get("hall_name", hall_site.name),
            hall_site=hall_code,
            sites=len(sites),
            departments=len(departments),
            items=s.scalar(select(func.count(ServiceItem.id))) or 0,
            items_in_force=s.scalar(
                select(func.count(ServiceItem.id)).where(ServiceItem.status == ItemStatus.IN_FORCE)
            ) or 0,
            bundles=s.scalar(select(func.count(Bundle.id))) or 0,
            queues=len(queues),
            windows=len(windows),
            staff=s.scalar(select(func.count(Staff.id))) or 0,
            password=DEMO_PASSWORD,
            admin_staff_no=admin_no,
            warnings=[w.message_zh for w in report.warnings] + calendar_warnings,
        )
        audit.record(s, actor, "demo.load", "hall", hall_code, {
            "reset": reset, "sites": summary.sites, "departments": summary.departments, "items": summary.items,
            "bundles": summary.bundles, "queues": summary.queues, "windows": summary.windows, "staff": summary.staff,
        })
    booked = book_demo_appointments(db, actor)
    return dataclasses.replace(summary, appointments=[f"{a.code}  {a.day.month}月{a.day.day}日 {a.slot_text} "
                                                      f"{a.queue_name}（{a.name_masked}）" for a in booked])


DEMO_BOOKINGS = (("林秀英", "35010219580612002X", "13805910001"), ("陈志强", "350103198203150019", "13905910002"),
                 ("黄丽", "350104199011080045", "13705910003"), ("吴建华", "350105197507220037", "13605910004"))


def book_demo_appointments(db: Database, actor: Optional[Actor] = None) -> list[Any]:
    """A few bookings in the hall's appointment-only queues on the next open days, so the kiosk's 预约签到 can be
    tried with real codes (two each on the first two days that still have slots)."""
    from common.services import appointments as ap

    with db.read() as s:
        queues = s.scalars(select(Queue.id).where(Queue.appointment_only.is_(True), Queue.active.is_(True))
                           .order_by(Queue.position)).all()
    if not queues:
        return []
    booker = actor if actor is not None and actor.has(*ap.BOOK_ROLES) else Actor(
        staff_id=None, staff_no="demo", name="演示数据", roles=frozenset({Role.ADMIN}))
    booked = []
    people = iter(DEMO_BOOKINGS)
    for day in ap.open_days(db, queues[0])[:2]:
        free = [sl for sl in ap.slots(db, queues[0], day) if sl.bookable and sl.left]
        for slot in free[:2]:
            name, id_no, phone = next(people)
            booked.append(ap.book(db, booker, queues[0], day, slot.start, name=name, id_number=id_no, phone=phone))
    return booked


# ----------------------------------------------------------------------------------------------- a real hall


_SITE_CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$")


def init_hall(
    db: Database,
    hall_name: str,
    site_code: str,
    admin_password: str,
    *,
    site_name: Optional[str] = None,
    level: str = SiteLevel.COUNTY.value,
    timezone: str = "Asia/Shanghai",
    admin_staff_no: str = "ADMIN",
    admin_name: str = "系统管理员",
    actor: Optional[Actor] = None,
) -> InitSummary:
    """A real hall in an empty database: one site, its settings and one admin account (no demo data)."""
    from common.services.auth import check_password_policy, normalize_staff_no

    hall_name = " ".join((hall_name or "").split())
    if not hall_name:
        raise InvalidInput("请填写大厅名称（如“某某县政务服务中心”）。")
    if len(hall_name) > 100:
        raise InvalidInput(f"大厅名称过长：最多 100 个字，当前 {len(hall_name)} 个字。")
    site_code = (site_code or "").strip()
    if not _SITE_CODE_RE.match(site_code):
        raise InvalidInput("站点编码应为 1–32 位字母、数字、- 或 _（如 COUNTY、340101）。")
    try:
        site_level = SiteLevel(level)
    except ValueError:
        raise InvalidInput(f"站点级别“{level}”无效，应为 city、county、township 或 village。") from None
    try:
        from zoneinfo import ZoneInfo

        ZoneInfo(timezone)
    except Exception:  # noqa: BLE001 - any failure means an unusable zone name
        raise InvalidInput(f"时区“{timezone}”无效，例如 Asia/Shanghai。") from None
    staff_no = normalize_staff_no(admin_staff_no)
    check_password_policy(admin_password, staff_no)
    password_hash = hash_password(admin_password)

    with db.write() as s:
        existing = s.scalars(select(Site.code).limit(3)).all()
        if existing:
            raise Conflict(
                f"数据库已经初始化（已有站点 {'、'.join(existing)}）。如需新增站点或管理员，请使用相应的管理命令。"
            )
        if s.scalar(select(Staff.id).where(Staff.staff_no == staff_no)) is not None:
            raise Conflict(f"工号“{staff_no}”已存在。")
        site = Site(code=site_code, name=site_name or hall_name, level=site_level, timezone=timezone, active=True)
        s.add(site)
        s.flush()
        set_setting(s, "hall_name", hall_name)
        set_setting(s, "timezone", timezone)
        set_setting(s, "hall_site", site_code)
        admin = Staff(
            staff_no=staff_no, name=admin_name, site_id=site.id, title="系统管理员", post=Post.A,
            password_hash=password_hash, failed_logins=0, active=True, roles=[StaffRole(role=Role.ADMIN)],
        )
        s.add(admin)
        s.flush()
        audit.record(s, actor, "hall.init", "site", site_code, {"hall_name": hall_name, "admin": staff_no})
        return InitSummary(hall_name, site_code, site.name, staff_no)
