"""A small hall for the case tests (built with the ORM) and shared helpers. Holds no tests itself."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from common.db.models import (
    Department,
    Material,
    ServiceItem,
    ServiceItemVersion,
    Site,
    Staff,
    StaffRole,
    Window,
)
from common.domain import ItemHandling, ItemStatus, Role, SiteLevel, WindowKind
from common.services.cases import ApplicantInput, IntakeRequest
from common.services.permissions import Actor
from common.validation import id_check_char, uscc_check_char

TZ = ZoneInfo("Asia/Shanghai")


def at(y: int, m: int, d: int, hh: int = 10, mm: int = 0) -> dt.datetime:
    """A hall-local moment (Asia/Shanghai)."""
    return dt.datetime(y, m, d, hh, mm, tzinfo=TZ)


def person_id(first17: str = "11010519491231002") -> str:
    return first17 + id_check_char(first17)


PERSON_ID = person_id()  # 11010519491231002X
AGENT_ID = person_id("44030619900101123")
USCC = "91110108MA0000001" + uscc_check_char("91110108MA0000001")


@dataclass
class Hall:
    site_id: int
    depts: dict[str, int]
    windows: dict[int, int]
    actors: dict[str, Actor]
    items: dict[str, dict[str, int]]  # item code -> material name -> Material.id

    def material_ids(self, code: str, *names: str) -> set[int]:
        mats = self.items[code]
        return {mats[n] for n in (names or mats)}


# code, name, department, handling, promised, statutory, materials, flags, major, status
# materials: (name, required, may_be_missing)
ITEMS = [
    ("IMM-001", "个体工商户设立登记", "MKT", ItemHandling.IMMEDIATE, 0, 15,
     [("身份证件", True, False), ("经营场所使用证明", True, False), ("委托书", False, False)], [], False,
     ItemStatus.IN_FORCE),
    ("PRO-001", "食品经营许可", "MKT", ItemHandling.PROMISED, 5, 20,
     [("食品经营许可申请书", True, False), ("营业执照", True, False), ("经营场所平面图", True, True),
      ("从业人员健康证明", True, True), ("其他说明材料", False, False)], [], False, ItemStatus.IN_FORCE),
    ("PRO-010", "建筑工程施工许可", "HOUSING", ItemHandling.PROMISED, 10, 20,
     [("施工许可申请表", True, False), ("用地批准手续", True, False), ("施工图审查合格书", True, False)], [], False,
     ItemStatus.IN_FORCE),
    ("MAJ-001", "企业投资项目核准", "DRC", ItemHandling.PROMISED, 20, 20,
     [("项目申请报告", True, False)], [], True, ItemStatus.IN_FORCE),
    ("ESC-001", "采矿权新立登记", "NRES", ItemHandling.PROMISED, 15, 20,
     [("采矿权申请登记书", True, False), ("矿产资源开发利用方案", True, False)], [], False, ItemStatus.IN_FORCE),
    ("COM-001", "公共场所卫生许可", "HEALTH", ItemHandling.PROMISED, 3, 20,
     [("卫生许可申请书", True, False), ("卫生检测报告", True, True)], ["notify_commit"], False, ItemStatus.IN_FORCE),
    ("CAN-001", "已取消的旧事项", "MKT", ItemHandling.PROMISED, 5, 20,
     [("申请书", True, False)], [], False, ItemStatus.CANCELLED),
]

DEPTS = [("MKT", "县市场监督管理局"), ("HOUSING", "县住房和城乡建设局"), ("FIRE", "县消防救援大队"),
         ("NRES", "县自然资源局"), ("DRC", "县发展和改革局"), ("HEALTH", "县卫生健康局")]

PEOPLE = [
    # staff_no, name, roles, dept, window
    ("C001", "张三", {Role.CLERK}, None, 1),
    ("C002", "李四", {Role.CLERK}, "MKT", 2),
    ("G001", "王代办", {Role.AGENT}, None, None),
    ("A001", "赵审批", {Role.APPROVER}, "MKT", None),
    ("A002", "钱审批", {Role.APPROVER}, "HOUSING", None),
    ("A003", "孙审批", {Role.APPROVER}, "FIRE", None),
    ("A004", "周审批", {Role.APPROVER}, "NRES", None),
    ("A005", "吴审批", {Role.APPROVER}, "HEALTH", None),
    ("R001", "郑首代", {Role.CHIEF_REP}, "MKT", None),
    ("R002", "冯首代", {Role.CHIEF_REP}, "DRC", None),
    ("M001", "陈主任", {Role.MANAGER}, None, None),
    ("S001", "褚监察", {Role.SUPERVISOR}, None, None),
]


def make_hall(db) -> Hall:
    with db.write() as s:
        site = Site(code="T01", name="测试县政务服务中心", level=SiteLevel.COUNTY, timezone="Asia/Shanghai",
                    address="测试县人民路1号")
        s.add(site)
        s.flush()
        depts = {}
        for code, name in DEPTS:
            d = Department(code=code, name=name, short_name=name[1:4])
            s.add(d)
            s.flush()
            depts[code] = d.id
        windows = {}
        for number, name, kind, dept in ((1, "综合受理", WindowKind.COMPREHENSIVE, None),
                                         (2, "市场监管", WindowKind.DEPARTMENT, "MKT"),
                                         (9, "综合出件", WindowKind.PICKUP, None)):
            w = Window(site_id=site.id, number=number, name=name, kind=kind,
                       department_id=depts[dept] if dept else None)
            s.add(w)
            s.flush()
            windows[number] = w.id
        actors = {}
        for no, name, roles, dept, window in PEOPLE:
            st = Staff(staff_no=no, name=name, site_id=site.id, department_id=depts[dept] if dept else None,
                       default_window_id=windows[window] if window else None)
            st.roles = [StaffRole(role=r) for r in roles]
            s.add(st)
            s.flush()
            actors[no] = Actor(staff_id=st.id, staff_no=no, name=name, roles=frozenset(roles), site_id=site.id,
                               department_id=depts[dept] if dept else None)
        items = {}
        for code, name, dept, handling, promised, statutory, mats, flags, major, status in ITEMS:
            item = ServiceItem(code=code, department_id=depts[dept], status=status)
            s.add(item)
            s.flush()
            v = ServiceItemVersion(item_id=item.id, version=2, name=name, handling=handling, promised_days=promised,
                                   statutory_days=statutory, flags=flags, major_project=major)
            v.materials = [Material(position=i, name=n, required=req, may_be_missing=mbm, originals=1,
                                    copies=1 if i % 2 else 0, notes="加盖公章" if i == 1 else "")
                           for i, (n, req, mbm) in enumerate(mats, 1)]
            s.add(v)
            s.flush()
            item.current_version_id = v.id
            items[code] = {m.name: m.id for m in v.materials}
        return Hall(site.id, depts, windows, actors, items)


def applicant(**kw) -> ApplicantInput:
    values = dict(kind="person", name="张小三", id_no=PERSON_ID, phone="13812345678")
    values.update(kw)
    return ApplicantInput(**values)


def request(hall: Hall, code: str, *, provided: set[int] | None = None, **kw) -> IntakeRequest:
    """All required materials provided unless `provided` says otherwise."""
    if provided is None:
        provided = hall.material_ids(code)
    kw.setdefault("applicant", applicant())
    kw.setdefault("window_id", hall.windows[1])
    return IntakeRequest(item_code=code, provided_material_ids=frozenset(provided), **kw)
