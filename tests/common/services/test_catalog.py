"""The catalog service: guides, versions, bundles, cancellation, permissions (on SQLite and PostgreSQL)."""

from __future__ import annotations

import copy

import pytest
from sqlalchemy import func, select

from common.db.models import AuditLog, Queue, ServiceItem, ServiceItemVersion, Site, Window, WindowQueue
from common.domain import Role, SiteLevel, WindowKind
from common.errors import InvalidInput, NotFound, PermissionDenied
from common.services import catalog as cat
from common.services.catalog_io import import_catalog
from common.services.permissions import Actor

MANAGER = Actor(staff_id=None, staff_no="M01", name="中心管理员", roles=frozenset({Role.MANAGER}))
CLERK = Actor(staff_id=None, staff_no="C01", name="窗口人员", roles=frozenset({Role.CLERK}))


def _m(name, originals=1, copies=0, required=True, may_be_missing=False, notes=""):
    return {"name": name, "originals": originals, "copies": copies, "required": required,
            "may_be_missing": may_be_missing, "notes": notes}


def _item(code, name, dept, *, handling="promised", statutory=20, promised=5, flags=(), synonyms=(), materials=(),
          status="in_force", queue=None):
    return {
        "code": code, "name": name, "department": dept, "category": "行政许可", "handling_type": handling,
        "statutory_days": statutory, "promised_days": promised, "conditions": "符合法定条件。",
        "procedure": "申请→受理→审查→决定", "fee": "不收费", "fee_basis": "", "legal_basis": "《示例条例》",
        "zone": "A区", "queue": queue, "online": True, "flags": list(flags), "major_project": False,
        "status": status, "synonyms": list(synonyms), "materials": list(materials),
    }


SMALL_CATALOG = {
    "format": "govhall-catalog",
    "version": 1,
    "departments": [
        {"code": "SCJGJ", "name": "县市场监督管理局", "short_name": "市场监管"},
        {"code": "WJ", "name": "县卫生健康局", "short_name": "卫健"},
        {"code": "GA", "name": "县公安局", "short_name": "公安"},
        {"code": "RS", "name": "县人力资源和社会保障局", "short_name": "人社"},
        {"code": "XZ", "name": "县行政审批局", "short_name": "行政审批"},
    ],
    "items": [
        _item("SCJGJ-001", "企业设立登记", "SCJGJ", flags=["at_most_once", "high_frequency"],
              synonyms=["开公司", "注册公司"], materials=[_m("公司章程"), _m("法定代表人身份证")]),
        _item("SCJGJ-005", "个体工商户设立登记", "SCJGJ", handling="immediate", statutory=0, promised=0,
              materials=[_m("申请人身份证"), _m("经营场所使用证明")]),
        _item("SCJGJ-008", "营业执照遗失补领", "SCJGJ", promised=3, materials=[_m("遗失声明")]),
        _item("SCJGJ-009", "营业执照换发", "SCJGJ", flags=["high_frequency"], materials=[_m("营业执照正副本")]),
        _item("SCJGJ-010", "食品经营许可证核发", "SCJGJ", materials=[_m("营业执照"), _m("从业人员健康证明", 0, 1)]),
        _item("WJ-001", "出生医学证明首次签发", "WJ", handling="immediate", statutory=0, promised=0,
              materials=[_m("居民身份证", notes="父母双方"), _m("结婚证")]),
        _item("GA-005", "出生登记", "GA", materials=[
            _m("身份证", 1, 1), _m("户口簿"), _m("出生医学证明"), _m("结婚证", required=False),
        ]),
        _item("RS-001", "社会保障卡申领", "RS", materials=[_m("申请人身份证（复印件）", 0, 2), _m("数码照片")]),
        _item("GA-099", "暂住证核发", "GA", status="cancelled", materials=[_m("身份证"), _m("租房合同")]),
        _item("XZ-001", "行政许可事项变更", "XZ"),
    ],
    "bundles": [
        {"code": "B-BIRTH", "name": "出生一件事", "kind": "life_event", "description": "出生医学证明、户口、社保卡一次办。",
         "items": ["WJ-001", "GA-005", "RS-001", "GA-099"], "synonyms": ["新生儿"]},
        {"code": "B-BIZ", "name": "企业开办一件事", "kind": "business_event", "description": "",
         "items": ["SCJGJ-001", "SCJGJ-010"], "synonyms": []},
    ],
}


def small_catalog() -> dict:
    return copy.deepcopy(SMALL_CATALOG)


def load_small(db) -> None:
    report = import_catalog(db, MANAGER, small_catalog())
    assert report.errors == [], report.errors


def _draft_from_guide(g: cat.ItemGuide) -> cat.ItemDraft:
    return cat.ItemDraft(
        code=g.code, name=g.name, department=g.department_code, handling=g.handling, category=g.category,
        statutory_days=g.statutory_days, promised_days=g.promised_days, conditions=g.conditions,
        procedure=g.procedure, fee=g.fee, fee_basis=g.fee_basis, legal_basis=g.legal_basis, zone=g.zone,
        queue=g.queue, online=g.online, flags=list(g.flags), major_project=g.major_project,
        synonyms=list(g.synonyms),
        materials=[cat.MaterialDraft(m.name, m.originals, m.copies, m.required, m.may_be_missing, m.notes)
                   for m in g.materials],
    )


def test_lists_and_guide(db):
    load_small(db)
    depts = {d.code: d for d in cat.list_departments(db)}
    assert depts["SCJGJ"].item_count == 5 and depts["GA"].item_count == 1  # the cancelled item is not counted
    items = cat.list_items(db)
    assert "GA-099" not in {x.code for x in items}  # never offered
    assert len(items) == 9
    assert {x.code for x in cat.list_items(db, high_frequency=True)} == {"SCJGJ-001", "SCJGJ-009"}
    assert {x.code for x in cat.list_items(db, department_code="GA")} == {"GA-005"}
    assert "GA-099" in {x.code for x in cat.list_items(db, include_cancelled=True)}

    g = cat.get_item_guide(db, "GA-005")
    assert (g.name, g.department, g.handling_label, g.version, g.current_version) == ("出生登记", "县公安局", "承诺件", 1, 1)
    assert [m.name for m in g.materials] == ["身份证", "户口簿", "出生医学证明", "结婚证"]
    assert g.materials[0].copies == 1 and g.materials[3].required is False
    s = cat.get_item_summary(db, "SCJGJ-001")
    assert s.flags == ["at_most_once", "high_frequency"] and s.version == 1 and s.handling == "promised"
    with pytest.raises(NotFound):
        cat.get_item_guide(db, "NOPE")


def test_guide_names_queue_and_windows(db):
    with db.write() as s:
        site = Site(code="COUNTY", name="示例县政务服务中心", level=SiteLevel.COUNTY)
        s.add(site)
        s.flush()
        q = Queue(site_id=site.id, prefix="C", name="社会事务")
        s.add(q)
        s.flush()
        for number in (7, 3):
            w = Window(site_id=site.id, number=number, name=f"{number}号窗口", zone="C区", kind=WindowKind.COMPREHENSIVE)
            w.queues.append(WindowQueue(queue_id=q.id, weight=1))
            s.add(w)
    data = small_catalog()
    data["items"][6]["queue"] = "C"  # GA-005
    assert import_catalog(db, MANAGER, data).errors == []
    g = cat.get_item_guide(db, "GA-005")
    assert g.queue == "C" and g.queue_name == "社会事务"
    assert [(w.number, w.name) for w in g.windows] == [(3, "3号窗口"), (7, "7号窗口")]
    assert cat.get_item_summary(db, "GA-005").queue == "C"


def test_publish_change_creates_version_2_and_keeps_version_1(db):
    load_small(db)
    g1 = cat.get_item_guide(db, "GA-005")
    draft = _draft_from_guide(g1)
    draft.materials.append(cat.MaterialDraft("监护人证明", notes="非父母申报时提供"))
    draft.promised_days = 3
    summary = cat.publish_item(db, MANAGER, draft)
    assert summary.version == 2 and summary.promised_days == 3

    g2 = cat.get_item_guide(db, "GA-005")
    assert g2.version == 2 and g2.current_version == 2 and g2.materials[-1].name == "监护人证明"
    old = cat.get_item_guide(db, "GA-005", version=1)  # a notice printed with version 1 can be reproduced
    assert old.version == 1 and old.current_version == 2
    assert old.promised_days == 5 and [m.name for m in old.materials] == [m.name for m in g1.materials]
    assert old.version_id == g1.version_id

    # publishing the same content again changes nothing
    assert cat.publish_item(db, MANAGER, draft).version == 2
    versions = cat.list_item_versions(db, "GA-005")
    assert [(v.version, v.current) for v in versions] == [(1, False), (2, True)]
    with pytest.raises(NotFound):
        cat.get_item_guide(db, "GA-005", version=9)
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(ServiceItemVersion)
                        .join(ServiceItem, ServiceItem.id == ServiceItemVersion.item_id)
                        .where(ServiceItem.code == "GA-005")) == 2
        actions = s.scalars(select(AuditLog.action).where(AuditLog.entity_id == "GA-005")).all()
    assert actions == ["catalog.item.updated"]


def test_publish_new_item_computes_pinyin_keys(db):
    load_small(db)
    s = cat.publish_item(db, MANAGER, cat.ItemDraft(
        code="SCJGJ-020", name="  营业执照  打印 ", department="SCJGJ", handling="immediate",
        flags=["high_frequency", "at_most_once"], materials=[cat.MaterialDraft("营业执照")],
    ))
    assert s.version == 1 and s.name == "营业执照 打印" and s.flags == ["at_most_once", "high_frequency"]
    with db.read() as session:
        v = session.scalar(select(ServiceItemVersion).join(ServiceItem, ServiceItem.id == ServiceItemVersion.item_id)
                           .where(ServiceItem.code == "SCJGJ-020"))
        assert (v.pinyin, v.initials) == ("yingyezhizhaodayin", "yyzzdy")


def test_publish_checks(db):
    load_small(db)
    with pytest.raises(PermissionDenied):
        cat.publish_item(db, CLERK, cat.ItemDraft(code="X-1", name="某事项", department="GA"))
    with pytest.raises(InvalidInput, match="承诺时限"):
        cat.publish_item(db, MANAGER, cat.ItemDraft(code="X-1", name="某事项", department="GA",
                                                    statutory_days=5, promised_days=9))
    with pytest.raises(InvalidInput, match="事项名称过长"):
        cat.publish_item(db, MANAGER, cat.ItemDraft(code="X-1", name="长" * 201, department="GA"))
    with pytest.raises(InvalidInput, match="未知事项标签"):
        cat.publish_item(db, MANAGER, cat.ItemDraft(code="X-1", name="某事项", department="GA", flags=["vip"]))
    with pytest.raises(NotFound, match="部门"):
        cat.publish_item(db, MANAGER, cat.ItemDraft(code="X-1", name="某事项", department="NOPE"))
    with pytest.raises(NotFound, match="队列"):
        cat.publish_item(db, MANAGER, cat.ItemDraft(code="X-1", name="某事项", department="GA", queue="Z"))
    assert all(x.code != "X-1" for x in cat.list_items(db, include_cancelled=True))


def test_cancel_item_keeps_history(db):
    load_small(db)
    with pytest.raises(PermissionDenied):
        cat.cancel_item(db, CLERK, "SCJGJ-009")
    s = cat.cancel_item(db, MANAGER, "SCJGJ-009", reason="已整合")
    assert s.status == "cancelled"
    assert "SCJGJ-009" not in {x.code for x in cat.list_items(db)}
    g = cat.get_item_guide(db, "SCJGJ-009")
    assert g.status == "cancelled" and g.status_label == "已取消"
    # republishing content keeps it cancelled unless the draft says otherwise
    draft = _draft_from_guide(g)
    draft.conditions = "新条件"
    assert cat.publish_item(db, MANAGER, draft).status == "cancelled"
    draft.status = "in_force"
    assert cat.publish_item(db, MANAGER, draft).status == "in_force"


def test_bundle_guide_merges_materials(db):
    load_small(db)
    bundles = {b.code: b for b in cat.list_bundles(db)}
    assert bundles["B-BIRTH"].item_codes == ["WJ-001", "GA-005", "RS-001"]  # the cancelled item is left out
    g = cat.get_bundle_guide(db, "B-BIRTH")
    assert [x.code for x in g.items] == ["WJ-001", "GA-005", "RS-001"]
    assert g.departments == ["县卫生健康局", "县公安局", "县人力资源和社会保障局"]
    names = [m.name for m in g.materials]
    # 居民身份证 / 身份证 / 申请人身份证（复印件）: one line
    assert names == ["居民身份证", "结婚证", "户口簿", "出生医学证明", "数码照片"]
    idcard = g.materials[0]
    assert (idcard.originals, idcard.copies, idcard.required) == (1, 2, True)
    assert idcard.item_codes == ["WJ-001", "GA-005", "RS-001"]
    assert idcard.notes == "父母双方"
    marriage = g.materials[1]
    assert marriage.required is True and marriage.item_codes == ["WJ-001", "GA-005"]  # required by one of them
    assert g.kind_label == "个人一件事" and g.max_promised_days == 5
    with pytest.raises(NotFound):
        cat.get_bundle_guide(db, "B-NONE")


def test_material_key():
    assert cat.material_key("居民身份证") == cat.material_key("身份证（原件）") == cat.material_key("申请人身份证复印件")
    assert cat.material_key("户口本") == cat.material_key("居民户口簿")
    assert cat.material_key("营业执照") != cat.material_key("结婚证")


def test_publish_bundle(db):
    load_small(db)
    info = cat.publish_bundle(db, MANAGER, cat.BundleDraft(code="B-X", name="营业执照一件事", kind="business_event",
                                                           items=["SCJGJ-008", "SCJGJ-009"]))
    assert info.item_codes == ["SCJGJ-008", "SCJGJ-009"]
    with pytest.raises(NotFound):
        cat.publish_bundle(db, MANAGER, cat.BundleDraft(code="B-Y", name="某", items=["NOPE"]))
    with pytest.raises(PermissionDenied):
        cat.publish_bundle(db, CLERK, cat.BundleDraft(code="B-Y", name="某", items=["GA-005"]))
