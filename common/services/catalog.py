"""The service catalog (事项目录 / 办事指南): departments, items with versioned guides, 一件事 bundles.

Guide content is versioned: publishing a change creates a NEW `ServiceItemVersion` and moves
`ServiceItem.current_version_id`; a published version is never edited, so a printed notice that names
“第 3 版” can be reproduced word for word later. Kiosk, notice and counter all read the same version, which makes
“不同窗口、不同工作人员对材料的要求不一致” (004) impossible.

Cancelled items (“凡是取消的项目，一律不得录入办证软件”, 000) stay in the database for history, are never listed for
new tickets or cases, never found by search, and are left out of bundle guides.

Every function here is one transaction and returns plain dataclasses.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
import uuid
from dataclasses import dataclass, field, replace
from typing import Any, Iterable, Optional

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from common.db.engine import Database
from common.db.models import (
    Bundle,
    BundleItem,
    Department,
    Material,
    Queue,
    ServiceItem,
    ServiceItemVersion,
    Site,
    Window,
    WindowQueue,
)
from common.domain import BundleKind, ItemFlag, ItemHandling, ItemStatus, Role
from common.errors import InvalidInput, NotFound
from common.services import audit
from common.services.permissions import Actor, require
from common.services.search import CATALOG_REVISION_KEY, name_keys
from common.services.settings import get_setting, set_setting

# ----------------------------------------------------------------------------------------------- limits & labels

MAX_CODE = 64
MAX_NAME = 200
MAX_CATEGORY = 40
MAX_FEE = 200
MAX_ZONE = 40
MAX_TEXT = 20_000
MAX_SYNONYM = 40
MAX_SYNONYMS = 30
MAX_DAYS = 3650
MAX_COUNT = 99  # originals / copies of one material
MAX_DEPT_CODE = 32
MAX_DEPT_NAME = 100
MAX_DEPT_SHORT = 40
MAX_BUNDLE_CODE = 32
MAX_BUNDLE_NAME = 100

ITEM_LABELS: dict[str, str] = {
    "code": "事项编码",
    "name": "事项名称",
    "department": "部门编码",
    "category": "事项类别",
    "handling": "办理类型",
    "statutory_days": "法定时限（工作日）",
    "promised_days": "承诺时限（工作日）",
    "conditions": "受理条件",
    "procedure": "办理流程",
    "fee": "收费标准",
    "fee_basis": "收费依据",
    "legal_basis": "设定依据",
    "zone": "办理区域",
    "queue": "叫号队列",
    "online": "网上可办",
    "flags": "事项标签",
    "major_project": "重大项目",
    "status": "状态",
    "synonyms": "同义词",
}
MATERIAL_LABELS: dict[str, str] = {
    "item": "事项编码",
    "position": "序号",
    "name": "材料名称",
    "originals": "原件份数",
    "copies": "复印件份数",
    "required": "是否必需",
    "may_be_missing": "可容缺",
    "notes": "备注",
}
DEPARTMENT_LABELS = {"code": "部门编码", "name": "部门名称", "short_name": "部门简称"}
BUNDLE_LABELS = {
    "code": "编码",
    "name": "名称",
    "kind": "类型",
    "description": "说明",
    "items": "包含事项",
    "synonyms": "同义词",
}

_FLAG_ORDER = [f.value for f in ItemFlag]


# ----------------------------------------------------------------------------------------------- dataclasses out


@dataclass(frozen=True)
class DepartmentInfo:
    id: int
    code: str
    name: str
    short_name: str
    active: bool
    item_count: int  # in-force items


@dataclass(frozen=True)
class MaterialInfo:
    position: int
    name: str
    originals: int
    copies: int
    required: bool
    may_be_missing: bool  # 容缺
    notes: str


@dataclass(frozen=True)
class ItemSummary:
    id: int
    code: str
    name: str
    department: str  # department name
    department_code: str
    handling: str  # immediate | promised
    handling_label: str  # 即办件 | 承诺件
    promised_days: int
    statutory_days: int
    flags: list[str]
    online: bool
    zone: str
    queue: Optional[str]  # queue prefix
    version: int
    status: str
    category: str = ""


@dataclass(frozen=True)
class WindowRef:
    number: int
    name: str
    zone: str


@dataclass(frozen=True)
class ItemGuide:
    id: int
    code: str
    status: str
    status_label: str
    department: str
    department_code: str
    department_short: str
    version: int  # the version shown
    version_id: int
    current_version: int  # the published (current) version of the item
    published_at: dt.datetime
    name: str
    category: str
    handling: str
    handling_label: str
    statutory_days: int
    promised_days: int
    conditions: str
    procedure: str
    fee: str
    fee_basis: str
    legal_basis: str
    zone: str
    online: bool
    flags: list[str]
    flag_labels: list[str]
    major_project: bool
    synonyms: list[str]
    materials: list[MaterialInfo]
    queue: Optional[str]  # prefix
    queue_name: str
    windows: list[WindowRef]  # windows serving the queue


@dataclass(frozen=True)
class VersionInfo:
    version: int
    version_id: int
    name: str
    published_at: dt.datetime
    current: bool


@dataclass(frozen=True)
class BundleInfo:
    id: int
    code: str
    name: str
    kind: str
    kind_label: str
    description: str
    synonyms: list[str]
    item_codes: list[str]


@dataclass(frozen=True)
class BundleMaterial:
    """One line of a bundle's merged material list."""

    name: str
    originals: int  # the most any item asks for
    copies: int
    required: bool  # required if any item requires it
    may_be_missing: bool  # 容缺 only if every item allows it
    notes: str
    item_codes: list[str]  # the items that need it
    item_names: list[str]


@dataclass(frozen=True)
class BundleGuide:
    id: int
    code: str
    name: str
    kind: str
    kind_label: str
    description: str
    synonyms: list[str]
    items: list[ItemSummary]  # in-force items only
    materials: list[BundleMaterial]
    departments: list[str]
    max_promised_days: int


# ----------------------------------------------------------------------------------------------- drafts in


@dataclass
class MaterialDraft:
    name: str
    originals: int = 1
    copies: int = 0
    required: bool = True
    may_be_missing: bool = False
    notes: str = ""


@dataclass
class ItemDraft:
    """What an admin publishes. `status` None keeps the item's status (new items are in force)."""

    code: str
    name: str
    department: str  # department code
    handling: str = ItemHandling.PROMISED.value
    category: str = ""
    statutory_days: int = 0
    promised_days: int = 0
    conditions: str = ""
    procedure: str = ""
    fee: str = ""
    fee_basis: str = ""
    legal_basis: str = ""
    zone: str = ""
    queue: Optional[str] = None  # queue prefix; None = no queue
    online: bool = False
    flags: list[str] = field(default_factory=list)
    major_project: bool = False
    status: Optional[str] = None
    synonyms: list[str] = field(default_factory=list)
    materials: list[MaterialDraft] = field(default_factory=list)


@dataclass
class BundleDraft:
    code: str
    name: str
    kind: str = BundleKind.LIFE_EVENT.value
    description: str = ""
    items: list[str] = field(default_factory=list)  # item codes, in order
    synonyms: list[str] = field(default_factory=list)


@dataclass
class DepartmentDraft:
    code: str
    name: str
    short_name: str = ""


@dataclass(frozen=True)
class Problem:
    """A validation problem in one field (`field` is the draft's attribute; materials: ``materials.3.name``)."""

    field: str
    message: str  # Chinese, without the row/column prefix


# ----------------------------------------------------------------------------------------------- normalising & checks


def item_code_and_name(s: Session, item_id: Optional[int]) -> tuple[str, str]:
    """(code, current name) of an item for a record that points at it; ("", "") when there is none."""
    if not item_id:
        return "", ""
    item = s.get(ServiceItem, item_id)
    if item is None:
        return "", ""
    name = ""
    if item.current_version_id:
        name = s.scalar(select(ServiceItemVersion.name).where(ServiceItemVersion.id == item.current_version_id)) or ""
    return item.code, name


def _text(value: Any) -> str:
    if value is None:
        return ""
    return str(value).replace("\r\n", "\n").replace("\r", "\n").strip()


def _line(value: Any) -> str:
    return " ".join(_text(value).split())


def _str_list(values: Iterable[Any] | None) -> list[str]:
    out: list[str] = []
    for v in values or []:
        t = _line(v)
        if t and t not in out:
            out.append(t)
    return out


def normalize_item_draft(draft: ItemDraft) -> ItemDraft:
    """Trim text, canonical flag order, de-duplicated synonyms. Idempotent (an export re-imports unchanged)."""
    flags = [str(f).strip() for f in draft.flags or []]
    flags = sorted(set(flags), key=lambda f: (_FLAG_ORDER.index(f) if f in _FLAG_ORDER else 99, f))
    return replace(
        draft,
        code=_line(draft.code),
        name=_line(draft.name),
        department=_line(draft.department),
        handling=_line(draft.handling),
        category=_line(draft.category),
        conditions=_text(draft.conditions),
        procedure=_text(draft.procedure),
        fee=_text(draft.fee),
        fee_basis=_text(draft.fee_basis),
        legal_basis=_text(draft.legal_basis),
        zone=_line(draft.zone),
        queue=(_line(draft.queue).upper() or None) if draft.queue is not None else None,
        flags=flags,
        status=_line(draft.status) or None if draft.status is not None else None,
        synonyms=_str_list(draft.synonyms),
        materials=[
            replace(m, name=_line(m.name), notes=_text(m.notes)) for m in draft.materials or []
        ],
    )


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _too_long(label: str, value: str, limit: int) -> str:
    return f"{label}过长：最多 {limit} 个字，当前 {len(value)} 个字。"


def check_item_draft(draft: ItemDraft) -> list[Problem]:
    """Field checks that need no database (call `normalize_item_draft` first)."""
    p: list[Problem] = []
    L = ITEM_LABELS

    def need(name: str, value: str, limit: int) -> None:
        if not value:
            p.append(Problem(name, f"{L[name]}不能为空。"))
        elif len(value) > limit:
            p.append(Problem(name, _too_long(L[name], value, limit)))

    def cap(name: str, value: str, limit: int) -> None:
        if len(value) > limit:
            p.append(Problem(name, _too_long(L[name], value, limit)))

    need("code", draft.code, MAX_CODE)
    need("name", draft.name, MAX_NAME)
    need("department", draft.department, MAX_DEPT_CODE)
    valid_handling = [h.value for h in ItemHandling]
    if not draft.handling:
        p.append(Problem("handling", "办理类型不能为空，应为“即办件”或“承诺件”。"))
    elif draft.handling not in valid_handling:
        p.append(Problem("handling", f"办理类型“{draft.handling[:20]}”无效，应为“即办件”或“承诺件”。"))
    days_ok = True
    for name in ("statutory_days", "promised_days"):
        value = getattr(draft, name)
        if not _is_int(value):
            p.append(Problem(name, f"{L[name]}应为整数（工作日），当前为“{str(value)[:20]}”。"))
            days_ok = False
        elif not 0 <= value <= MAX_DAYS:
            p.append(Problem(name, f"{L[name]}应在 0 到 {MAX_DAYS} 个工作日之间，当前为 {value}。"))
            days_ok = False
    if days_ok and draft.statutory_days > 0 and draft.promised_days > draft.statutory_days:
        p.append(Problem(
            "promised_days",
            f"承诺时限（{draft.promised_days} 个工作日）不能超过法定时限（{draft.statutory_days} 个工作日）。",
        ))
    cap("category", draft.category, MAX_CATEGORY)
    cap("fee", draft.fee, MAX_FEE)
    cap("zone", draft.zone, MAX_ZONE)
    for name in ("conditions", "procedure", "fee_basis", "legal_basis"):
        cap(name, getattr(draft, name), MAX_TEXT)
    if draft.queue is not None and len(draft.queue) > 4:
        p.append(Problem("queue", f"叫号队列应为队列字母前缀（最多 4 位），当前为“{draft.queue[:20]}”。"))
    for flag in draft.flags:
        if flag not in _FLAG_ORDER:
            valid = "、".join(f"{f.value}（{f.label}）" for f in ItemFlag)
            p.append(Problem("flags", f"未知事项标签“{flag[:20]}”。可用标签：{valid}。"))
    if draft.status is not None and draft.status not in (s.value for s in ItemStatus):
        p.append(Problem("status", f"状态“{draft.status[:20]}”无效，应为“在用”或“已取消”。"))
    if len(draft.synonyms) > MAX_SYNONYMS:
        p.append(Problem("synonyms", f"同义词过多：最多 {MAX_SYNONYMS} 个，当前 {len(draft.synonyms)} 个。"))
    for syn in draft.synonyms:
        if len(syn) > MAX_SYNONYM:
            p.append(Problem("synonyms", f"同义词“{syn[:20]}…”过长：每个最多 {MAX_SYNONYM} 个字。"))
    for n, m in enumerate(draft.materials, start=1):
        p.extend(check_material(m, prefix=f"materials.{n}."))
    return p


def check_material(m: MaterialDraft, prefix: str = "") -> list[Problem]:
    p: list[Problem] = []
    L = MATERIAL_LABELS
    if not m.name:
        p.append(Problem(prefix + "name", "材料名称不能为空。"))
    elif len(m.name) > MAX_NAME:
        p.append(Problem(prefix + "name", _too_long(L["name"], m.name, MAX_NAME)))
    for name in ("originals", "copies"):
        value = getattr(m, name)
        if not _is_int(value):
            p.append(Problem(prefix + name, f"{L[name]}应为整数，当前为“{str(value)[:20]}”。"))
        elif not 0 <= value <= MAX_COUNT:
            p.append(Problem(prefix + name, f"{L[name]}应在 0 到 {MAX_COUNT} 之间，当前为 {value}。"))
    for name in ("required", "may_be_missing"):
        if not isinstance(getattr(m, name), bool):
            p.append(Problem(prefix + name, f"{L[name]}应为“是”或“否”。"))
    if len(m.notes) > MAX_TEXT:
        p.append(Problem(prefix + "notes", _too_long(L["notes"], m.notes, MAX_TEXT)))
    return p


def normalize_bundle_draft(draft: BundleDraft) -> BundleDraft:
    items: list[str] = []
    for code in draft.items or []:
        c = _line(code)
        if c and c not in items:
            items.append(c)
    return replace(
        draft, code=_line(draft.code), name=_line(draft.name), kind=_line(draft.kind),
        description=_text(draft.description), items=items, synonyms=_str_list(draft.synonyms),
    )


def check_bundle_draft(draft: BundleDraft) -> list[Problem]:
    p: list[Problem] = []
    L = BUNDLE_LABELS
    for name, limit in (("code", MAX_BUNDLE_CODE), ("name", MAX_BUNDLE_NAME)):
        value = getattr(draft, name)
        if not value:
            p.append(Problem(name, f"一件事{L[name]}不能为空。"))
        elif len(value) > limit:
            p.append(Problem(name, _too_long("一件事" + L[name], value, limit)))
    if not draft.kind:
        p.append(Problem("kind", "一件事类型不能为空，应为“个人一件事”或“企业一件事”。"))
    elif draft.kind not in (k.value for k in BundleKind):
        p.append(Problem("kind", f"一件事类型“{draft.kind[:20]}”无效，应为“个人一件事”或“企业一件事”。"))
    if not draft.items:
        p.append(Problem("items", "一件事至少要包含一个事项。"))
    if len(draft.description) > MAX_TEXT:
        p.append(Problem("description", _too_long("说明", draft.description, MAX_TEXT)))
    for syn in draft.synonyms:
        if len(syn) > MAX_SYNONYM:
            p.append(Problem("synonyms", f"同义词“{syn[:20]}…”过长：每个最多 {MAX_SYNONYM} 个字。"))
    return p


def check_department_draft(draft: DepartmentDraft) -> list[Problem]:
    p: list[Problem] = []
    for name, limit in (("code", MAX_DEPT_CODE), ("name", MAX_DEPT_NAME), ("short_name", MAX_DEPT_SHORT)):
        value = getattr(draft, name)
        label = DEPARTMENT_LABELS[name]
        if not value and name != "short_name":
            p.append(Problem(name, f"{label}不能为空。"))
        elif len(value) > limit:
            p.append(Problem(name, _too_long(label, value, limit)))
    return p


def _raise_problems(problems: list[Problem], labels: dict[str, str]) -> None:
    if problems:
        raise InvalidInput("；".join(pr.message for pr in problems))


# ----------------------------------------------------------------------------------------------- session helpers


def bump_revision(s: Session) -> None:
    """Mark the catalog changed, so kiosks reload their search index (see search.catalog_revision).

    A random token rather than a counter: after a wipe and reload (ids restart) the fingerprint still changes.
    """
    set_setting(s, CATALOG_REVISION_KEY, uuid.uuid4().hex)


def queue_ids_by_prefix(s: Session) -> dict[str, int]:
    """Queue prefix → queue id; with several sites, the hall site's queue wins (setting `hall_site`)."""
    hall_code = get_setting(s, "hall_site")
    hall_site_id = s.scalar(select(Site.id).where(Site.code == hall_code)) if hall_code else None
    out: dict[str, int] = {}
    for qid, prefix, site_id in s.execute(select(Queue.id, Queue.prefix, Queue.site_id).order_by(Queue.id)).all():
        key = prefix.upper()
        if key not in out or site_id == hall_site_id:
            out[key] = qid
    return out


def _version_content(v: ServiceItemVersion) -> tuple:
    return (
        v.name, v.category, ItemHandling(v.handling).value, v.statutory_days, v.promised_days, v.conditions,
        v.procedure, v.fee, v.fee_basis, v.legal_basis, v.zone, bool(v.online),
        sorted(v.flags or [], key=lambda f: _FLAG_ORDER.index(f) if f in _FLAG_ORDER else 99),
        bool(v.major_project), list(v.synonyms or []),
        [(m.name, m.originals, m.copies, bool(m.required), bool(m.may_be_missing), m.notes) for m in v.materials],
    )


def _draft_content(d: ItemDraft) -> tuple:
    return (
        d.name, d.category, d.handling, d.statutory_days, d.promised_days, d.conditions, d.procedure, d.fee,
        d.fee_basis, d.legal_basis, d.zone, bool(d.online), list(d.flags), bool(d.major_project),
        list(d.synonyms),
        [(m.name, m.originals, m.copies, bool(m.required), bool(m.may_be_missing), m.notes) for m in d.materials],
    )


def _new_version(s: Session, item: ServiceItem, d: ItemDraft, number: int) -> ServiceItemVersion:
    v = _build_version(item.id, d, number)
    s.add(v)
    s.flush()
    return v


def _build_version(item_id: int, d: ItemDraft, number: int) -> ServiceItemVersion:
    full, initials = name_keys(d.name)
    return ServiceItemVersion(
        item_id=item_id, version=number, name=d.name, category=d.category, handling=ItemHandling(d.handling),
        statutory_days=d.statutory_days, promised_days=d.promised_days, conditions=d.conditions,
        procedure=d.procedure, fee=d.fee, fee_basis=d.fee_basis, legal_basis=d.legal_basis, zone=d.zone,
        online=bool(d.online), flags=list(d.flags), major_project=bool(d.major_project),
        synonyms=list(d.synonyms), pinyin=full[:800], initials=initials[:200],
        materials=[
            Material(position=n, name=m.name, originals=m.originals, copies=m.copies, required=bool(m.required),
                     may_be_missing=bool(m.may_be_missing), notes=m.notes)
            for n, m in enumerate(d.materials, start=1)
        ],
    )


def create_items(s: Session, rows: list[tuple[ItemDraft, int, Optional[int]]]) -> list[ServiceItem]:
    """Create many new items at once (draft, department id, queue id), each with its version 1.

    Three batched flushes instead of several statements per item: a catalog of thousands imports quickly even
    over a network connection to PostgreSQL.
    """
    items = [
        ServiceItem(code=d.code, department_id=dept_id, queue_id=queue_id,
                    status=ItemStatus(d.status or ItemStatus.IN_FORCE.value))
        for d, dept_id, queue_id in rows
    ]
    s.add_all(items)
    s.flush()
    versions = [_build_version(item.id, d, 1) for item, (d, _dept, _q) in zip(items, rows)]
    s.add_all(versions)
    s.flush()
    for item, v in zip(items, versions):
        item.current_version_id = v.id
    s.flush()
    return items


def load_items_for_update(s: Session, codes: Iterable[str]) -> dict[str, ServiceItem]:
    """Existing items by code with their current version and materials, locked (PostgreSQL) for the change."""
    codes = list(codes)
    out: dict[str, ServiceItem] = {}
    for start in range(0, len(codes), 500):
        chunk = codes[start:start + 500]
        rows = s.scalars(
            select(ServiceItem).where(ServiceItem.code.in_(chunk))
            .options(selectinload(ServiceItem.current_version).selectinload(ServiceItemVersion.materials))
            .with_for_update(of=ServiceItem)
        ).all()
        out.update({r.code: r for r in rows})
    return out


def apply_item(
    s: Session,
    d: ItemDraft,
    department_id: int,
    queue_id: Optional[int],
    existing: Optional[ServiceItem] = None,
) -> tuple[str, ServiceItem]:
    """Create or update one item from a normalized, checked draft: 'created' | 'updated' | 'unchanged'.

    Content changes make a new version; department, queue and status are the item's own (unversioned) fields.
    """
    item = existing
    if item is None:
        item = s.scalar(select(ServiceItem).where(ServiceItem.code == d.code).with_for_update())
    if item is None:
        return "created", create_items(s, [(d, department_id, queue_id)])[0]
    changed = False
    current = item.current_version
    if current is None or _version_content(current) != _draft_content(d):
        last = s.scalar(select(func.max(ServiceItemVersion.version)).where(ServiceItemVersion.item_id == item.id))
        v = _new_version(s, item, d, (last or 0) + 1)
        item.current_version_id = v.id
        item.current_version = v
        changed = True
    if item.department_id != department_id:
        item.department_id = department_id
        changed = True
    if item.queue_id != queue_id:
        item.queue_id = queue_id
        changed = True
    if d.status is not None and ItemStatus(item.status).value != d.status:
        item.status = ItemStatus(d.status)
        changed = True
    if changed:
        s.flush()
    return ("updated" if changed else "unchanged"), item


def apply_bundle(s: Session, d: BundleDraft, item_ids: list[int], existing: Optional[Bundle] = None) -> tuple[str, Bundle]:
    """Create or update one bundle in place (its material list is derived from its items' versions)."""
    bundle = existing if existing is not None else s.scalar(select(Bundle).where(Bundle.code == d.code))
    full, initials = name_keys(d.name)
    values = dict(
        name=d.name, kind=BundleKind(d.kind), description=d.description, synonyms=list(d.synonyms),
        pinyin=full[:400], initials=initials[:100],
    )
    if bundle is None:
        bundle = Bundle(code=d.code, active=True, **values)
        bundle.items = [BundleItem(item_id=iid, position=n) for n, iid in enumerate(item_ids, start=1)]
        s.add(bundle)
        s.flush()
        return "created", bundle
    changed = False
    for key, value in values.items():
        old = getattr(bundle, key)
        if key == "kind":
            old = BundleKind(old)
        if old != value:
            setattr(bundle, key, value)
            changed = True
    if not bundle.active:
        bundle.active = True
        changed = True
    if [bi.item_id for bi in bundle.items] != item_ids:
        bundle.items.clear()
        s.flush()
        bundle.items.extend(BundleItem(item_id=iid, position=n) for n, iid in enumerate(item_ids, start=1))
        changed = True
    if changed:
        s.flush()
    return ("updated" if changed else "unchanged"), bundle


def apply_department(s: Session, d: DepartmentDraft, existing: Optional[Department] = None) -> tuple[str, Department]:
    dept = existing if existing is not None else s.scalar(select(Department).where(Department.code == d.code))
    if dept is None:
        dept = Department(code=d.code, name=d.name, short_name=d.short_name, active=True)
        s.add(dept)
        s.flush()
        return "created", dept
    if (dept.name, dept.short_name) != (d.name, d.short_name):
        dept.name, dept.short_name = d.name, d.short_name
        s.flush()
        return "updated", dept
    return "unchanged", dept


# ----------------------------------------------------------------------------------------------- reading


def _summary(item: ServiceItem, v: ServiceItemVersion, dept: Department, queue_prefix: Optional[str]) -> ItemSummary:
    handling = ItemHandling(v.handling)
    return ItemSummary(
        id=item.id, code=item.code, name=v.name, department=dept.name, department_code=dept.code,
        handling=handling.value, handling_label=handling.label, promised_days=v.promised_days,
        statutory_days=v.statutory_days, flags=list(v.flags or []), online=bool(v.online), zone=v.zone,
        queue=queue_prefix, version=v.version, status=ItemStatus(item.status).value, category=v.category,
    )


def _summary_query():
    return (
        select(ServiceItem, ServiceItemVersion, Department, Queue.prefix)
        .join(ServiceItemVersion, ServiceItemVersion.id == ServiceItem.current_version_id)
        .join(Department, Department.id == ServiceItem.department_id)
        .outerjoin(Queue, Queue.id == ServiceItem.queue_id)
    )


def list_departments(db: Database, include_inactive: bool = False) -> list[DepartmentInfo]:
    with db.read() as s:
        counts = dict(
            s.execute(
                select(ServiceItem.department_id, func.count(ServiceItem.id))
                .where(ServiceItem.status == ItemStatus.IN_FORCE).group_by(ServiceItem.department_id)
            ).all()
        )
        q = select(Department).order_by(Department.code)
        if not include_inactive:
            q = q.where(Department.active.is_(True))
        return [
            DepartmentInfo(d.id, d.code, d.name, d.short_name, d.active, counts.get(d.id, 0))
            for d in s.scalars(q).all()
        ]


def list_items(
    db: Database,
    department_code: Optional[str] = None,
    high_frequency: Optional[bool] = None,
    include_cancelled: bool = False,
) -> list[ItemSummary]:
    """Items with their current version, by department then code. Cancelled items only when asked (history)."""
    with db.read() as s:
        q = _summary_query().order_by(Department.code, ServiceItem.code)
        if not include_cancelled:
            q = q.where(ServiceItem.status == ItemStatus.IN_FORCE)
        if department_code:
            q = q.where(Department.code == department_code)
        out = [_summary(i, v, d, p) for i, v, d, p in s.execute(q).all()]
    if high_frequency is not None:
        hf = ItemFlag.HIGH_FREQUENCY.value
        out = [x for x in out if (hf in x.flags) == high_frequency]
    return out


def get_item_summary(db: Database, code: str) -> ItemSummary:
    with db.read() as s:
        row = s.execute(_summary_query().where(ServiceItem.code == code)).first()
        if row is None:
            raise NotFound(f"找不到事项“{code}”。")
        return _summary(*row)


def get_item_guide(db: Database, code: str, version: Optional[int] = None) -> ItemGuide:
    """The guide of an item: its current version, or an older one by number (e.g. to reprint a notice)."""
    with db.read() as s:
        item = s.scalar(select(ServiceItem).where(ServiceItem.code == code))
        if item is None:
            raise NotFound(f"找不到事项“{code}”。")
        current = s.get(ServiceItemVersion, item.current_version_id) if item.current_version_id else None
        if version is None:
            v = current
        else:
            v = s.scalar(
                select(ServiceItemVersion).where(
                    ServiceItemVersion.item_id == item.id, ServiceItemVersion.version == version
                )
            )
        if v is None:
            raise NotFound(f"事项“{code}”没有第 {version} 版办事指南。" if version else f"事项“{code}”尚未发布办事指南。")
        dept = s.get(Department, item.department_id)
        queue = s.get(Queue, item.queue_id) if item.queue_id else None
        windows: list[WindowRef] = []
        if queue is not None:
            windows = [
                WindowRef(n, name, zone)
                for n, name, zone in s.execute(
                    select(Window.number, Window.name, Window.zone)
                    .join(WindowQueue, WindowQueue.window_id == Window.id)
                    .where(WindowQueue.queue_id == queue.id, Window.active.is_(True))
                    .order_by(Window.number)
                ).all()
            ]
        handling = ItemHandling(v.handling)
        status = ItemStatus(item.status)
        flags = list(v.flags or [])
        return ItemGuide(
            id=item.id, code=item.code, status=status.value, status_label=status.label,
            department=dept.name, department_code=dept.code, department_short=dept.short_name,
            version=v.version, version_id=v.id, current_version=current.version if current else v.version,
            published_at=v.published_at, name=v.name, category=v.category, handling=handling.value,
            handling_label=handling.label, statutory_days=v.statutory_days, promised_days=v.promised_days,
            conditions=v.conditions, procedure=v.procedure, fee=v.fee, fee_basis=v.fee_basis,
            legal_basis=v.legal_basis, zone=v.zone, online=bool(v.online), flags=flags,
            flag_labels=[ItemFlag(f).label for f in flags if f in _FLAG_ORDER],
            major_project=bool(v.major_project), synonyms=list(v.synonyms or []),
            materials=[
                MaterialInfo(m.position, m.name, m.originals, m.copies, bool(m.required), bool(m.may_be_missing),
                             m.notes)
                for m in v.materials
            ],
            queue=queue.prefix if queue else None, queue_name=queue.name if queue else "", windows=windows,
        )


def list_item_versions(db: Database, code: str) -> list[VersionInfo]:
    with db.read() as s:
        item = s.scalar(select(ServiceItem).where(ServiceItem.code == code))
        if item is None:
            raise NotFound(f"找不到事项“{code}”。")
        rows = s.execute(
            select(ServiceItemVersion.version, ServiceItemVersion.id, ServiceItemVersion.name,
                   ServiceItemVersion.published_at)
            .where(ServiceItemVersion.item_id == item.id).order_by(ServiceItemVersion.version)
        ).all()
        return [VersionInfo(n, vid, name, at, vid == item.current_version_id) for n, vid, name, at in rows]


def list_bundles(db: Database) -> list[BundleInfo]:
    with db.read() as s:
        bundles = s.scalars(
            select(Bundle).where(Bundle.active.is_(True)).order_by(Bundle.code)
            .options(selectinload(Bundle.items).selectinload(BundleItem.item))
        ).all()
        out = []
        for b in bundles:
            kind = BundleKind(b.kind)
            codes = [bi.item.code for bi in b.items if ItemStatus(bi.item.status) == ItemStatus.IN_FORCE]
            out.append(BundleInfo(b.id, b.code, b.name, kind.value, kind.label, b.description,
                                  list(b.synonyms or []), codes))
        return out


_COPY_WORDS = ("原件及复印件", "原件和复印件", "原件、复印件", "原件与复印件", "复印件", "原件")
# Everyday and formal names of the same document, so a bundle lists it once.
MATERIAL_ALIASES = {
    "身份证": "居民身份证",
    "申请人身份证": "居民身份证",
    "申请人居民身份证": "居民身份证",
    "本人身份证": "居民身份证",
    "本人居民身份证": "居民身份证",
    "有效身份证件": "居民身份证",
    "申请人有效身份证件": "居民身份证",
    "户口本": "居民户口簿",
    "户口簿": "居民户口簿",
    "申请人户口簿": "居民户口簿",
    "营业执照副本": "营业执照",
}


def material_key(name: str) -> str:
    """The merge key of a material name: width-folded, no spaces, no “原件/复印件” suffix, aliases resolved."""
    t = unicodedata.normalize("NFKC", name or "")
    t = re.sub(r"\s+", "", t).lower()
    t = t.rstrip("。.;；,，")
    changed = True
    while changed:
        changed = False
        m = re.fullmatch(r"(.+?)\(([^()]*)\)", t)
        if m and m.group(2) in _COPY_WORDS:
            t, changed = m.group(1), True
        for word in _COPY_WORDS:
            if t.endswith(word) and len(t) > len(word):
                t, changed = t[: -len(word)], True
                break
    return MATERIAL_ALIASES.get(t, t)


def merge_materials(items: list[tuple[str, str, list[MaterialInfo]]]) -> list[BundleMaterial]:
    """One list from several items' lists (item code, item name, materials), merged by `material_key`."""
    merged: dict[str, dict[str, Any]] = {}
    for code, name, materials in items:
        for m in materials:
            key = material_key(m.name)
            row = merged.get(key)
            if row is None:
                merged[key] = row = dict(name=m.name, originals=0, copies=0, required=False, may_be_missing=True,
                                         notes=[], codes=[], names=[])
            row["originals"] = max(row["originals"], m.originals)
            row["copies"] = max(row["copies"], m.copies)
            row["required"] = row["required"] or m.required
            row["may_be_missing"] = row["may_be_missing"] and m.may_be_missing
            if m.notes and m.notes not in row["notes"]:
                row["notes"].append(m.notes)
            if code not in row["codes"]:
                row["codes"].append(code)
                row["names"].append(name)
    return [
        BundleMaterial(r["name"], r["originals"], r["copies"], r["required"], r["may_be_missing"],
                       "；".join(r["notes"]), r["codes"], r["names"])
        for r in merged.values()
    ]


def get_bundle_guide(db: Database, code: str) -> BundleGuide:
    with db.read() as s:
        bundle = s.scalar(select(Bundle).where(Bundle.code == code))
        if bundle is None or not bundle.active:
            raise NotFound(f"找不到一件事“{code}”。")
        item_ids = [bi.item_id for bi in bundle.items]
        rows = {
            i.id: (i, v, d, p)
            for i, v, d, p in s.execute(_summary_query().where(ServiceItem.id.in_(item_ids or [-1]))).all()
        }
        summaries: list[ItemSummary] = []
        lists: list[tuple[str, str, list[MaterialInfo]]] = []
        for iid in item_ids:
            row = rows.get(iid)
            if row is None or ItemStatus(row[0].status) != ItemStatus.IN_FORCE:
                continue  # cancelled items are never offered
            item, v, dept, prefix = row
            summaries.append(_summary(item, v, dept, prefix))
            lists.append((item.code, v.name, [
                MaterialInfo(m.position, m.name, m.originals, m.copies, bool(m.required), bool(m.may_be_missing),
                             m.notes)
                for m in v.materials
            ]))
        departments: list[str] = []
        for x in summaries:
            if x.department not in departments:
                departments.append(x.department)
        kind = BundleKind(bundle.kind)
        return BundleGuide(
            id=bundle.id, code=bundle.code, name=bundle.name, kind=kind.value, kind_label=kind.label,
            description=bundle.description, synonyms=list(bundle.synonyms or []), items=summaries,
            materials=merge_materials(lists), departments=departments,
            max_promised_days=max((x.promised_days for x in summaries), default=0),
        )


# ----------------------------------------------------------------------------------------------- writing


def _require_editor(actor: Actor, action: str) -> None:
    require(actor, Role.MANAGER, Role.ADMIN, action=action)


def publish_item(db: Database, actor: Actor, data: ItemDraft) -> ItemSummary:
    """Create an item or publish a new version of its guide (only when something changed). Manager/admin."""
    _require_editor(actor, "发布办事指南")
    d = normalize_item_draft(data)
    _raise_problems(check_item_draft(d), ITEM_LABELS)
    with db.write() as s:
        dept = s.scalar(select(Department).where(Department.code == d.department))
        if dept is None:
            raise NotFound(f"找不到部门编码“{d.department}”。")
        queue_id = None
        if d.queue:
            queue_id = queue_ids_by_prefix(s).get(d.queue)
            if queue_id is None:
                raise NotFound(f"找不到叫号队列“{d.queue}”。")
        before = s.scalar(select(ServiceItem.current_version_id).where(ServiceItem.code == d.code))
        outcome, item = apply_item(s, d, dept.id, queue_id)
        v = s.get(ServiceItemVersion, item.current_version_id)
        if outcome != "unchanged":
            audit.record(
                s, actor, f"catalog.item.{outcome}", "service_item", item.code,
                {"version": v.version, "name": v.name, "new_version": item.current_version_id != before,
                 "status": ItemStatus(item.status).value},
            )
            bump_revision(s)
        prefix = s.scalar(select(Queue.prefix).where(Queue.id == item.queue_id)) if item.queue_id else None
        return _summary(item, v, dept, prefix)


def cancel_item(db: Database, actor: Actor, code: str, reason: str = "") -> ItemSummary:
    """Cancel an item: kept for history, never offered for new tickets or cases. Manager/admin."""
    _require_editor(actor, "取消事项")
    with db.write() as s:
        item = s.scalar(select(ServiceItem).where(ServiceItem.code == code).with_for_update())
        if item is None:
            raise NotFound(f"找不到事项“{code}”。")
        if ItemStatus(item.status) != ItemStatus.CANCELLED:
            item.status = ItemStatus.CANCELLED
            s.flush()
            audit.record(s, actor, "catalog.item.cancelled", "service_item", item.code, {"reason": _text(reason)})
            bump_revision(s)
        row = s.execute(_summary_query().where(ServiceItem.id == item.id)).first()
        return _summary(*row)


def publish_bundle(db: Database, actor: Actor, data: BundleDraft) -> BundleInfo:
    """Create or update a 一件事 bundle. Manager/admin."""
    _require_editor(actor, "编辑一件事")
    d = normalize_bundle_draft(data)
    _raise_problems(check_bundle_draft(d), BUNDLE_LABELS)
    with db.write() as s:
        ids = dict(s.execute(select(ServiceItem.code, ServiceItem.id).where(ServiceItem.code.in_(d.items))).all())
        missing = [c for c in d.items if c not in ids]
        if missing:
            raise NotFound(f"一件事包含的事项不存在：{'、'.join(missing)}。")
        outcome, bundle = apply_bundle(s, d, [ids[c] for c in d.items])
        if outcome != "unchanged":
            audit.record(s, actor, f"catalog.bundle.{outcome}", "bundle", bundle.code,
                         {"name": bundle.name, "items": d.items})
            bump_revision(s)
        kind = BundleKind(bundle.kind)
        return BundleInfo(bundle.id, bundle.code, bundle.name, kind.value, kind.label, bundle.description,
                          list(bundle.synonyms or []), list(d.items))
