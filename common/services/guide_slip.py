"""The 一次性告知单 (one-time notice / material checklist slip) of an item or a 一件事 bundle, and its QR code.

Half the people in a hall only need to know what to bring: the kiosk prints this slip from the same guide version
it shows, so the citizen comes back once with everything (“最多跑一次”). ONE layout (`guide_slip_layout`) for items
and bundles, rendered by `common.printing` (ESC/POS raster or GB18030, PNG preview).

The QR code reopens exactly the guide that was printed:

    GH1|G|<item code>|v<version>       an item's guide version (old versions stay readable: versions are immutable)
    GH1|B|<bundle code>|<revision>     a bundle; revision = a short fingerprint of its items and their versions

`parse_guide_qr` reads them back; `open_guide_ref` loads the guide (and says whether it is no longer the current
one). Plain values in, blocks out; the only database access is `open_guide_ref`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from typing import Iterable, Optional, Union

from common.db.engine import Database
from common.qrcodes import GuideRef, bundle_guide_payload, is_guide_qr, item_guide_payload, parse_guide_qr  # noqa: F401
from common.errors import InvalidInput
from common.printing.layout import Block, Columns, QrBlock, Rule, Spacer, Text
from common.services.catalog import BundleGuide, ItemGuide, WindowRef, get_bundle_guide, get_item_guide

DEFAULT_HOTLINE = "12345"


# ----------------------------------------------------------------------------------------------- QR payloads


item_qr_payload = item_guide_payload


def bundle_revision(guide: BundleGuide) -> str:
    """8 hex digits that change whenever the bundle's items or any of their guide versions change."""
    basis = guide.code + ";" + ";".join(f"{x.code}:{x.version}" for x in guide.items)
    return hashlib.sha1(basis.encode("utf-8")).hexdigest()[:8]


def bundle_qr_payload(guide: BundleGuide) -> str:
    return bundle_guide_payload(guide.code, bundle_revision(guide))


@dataclass(frozen=True)
class OpenedGuide:
    guide: Union[ItemGuide, BundleGuide]
    outdated: bool  # the printed slip is not the current guide (an item's old version is shown as printed)


def open_guide_ref(db: Database, ref: GuideRef) -> OpenedGuide:
    """The guide a slip's QR points at. Items: exactly the printed version. Bundles: the current bundle (their
    material list is derived from the items' current versions); `outdated` when its revision changed."""
    if ref.kind == "item":
        guide = get_item_guide(db, ref.code, ref.version)
        return OpenedGuide(guide, guide.version != guide.current_version)
    bundle = get_bundle_guide(db, ref.code)
    return OpenedGuide(bundle, bundle_revision(bundle) != ref.revision)


# ----------------------------------------------------------------------------------------------- the slip


@dataclass(frozen=True)
class SlipMaterial:
    name: str
    originals: int
    copies: int
    required: bool
    may_be_missing: bool  # 容缺: may be handed in after acceptance
    notes: str = ""
    for_items: tuple[str, ...] = ()  # bundles: the items that need it (when not all of them)


@dataclass(frozen=True)
class GuideSlip:
    kind: str  # "item" | "bundle"
    hall_name: str
    code: str
    name: str
    version_label: str  # 第 3 版 / 版本 1a2b3c4d
    qr_data: str
    department: str
    materials: tuple[SlipMaterial, ...]
    promised_days: int
    statutory_days: int = 0
    handling_label: str = ""
    fee: str = ""
    place: str = ""
    online: bool = False
    items: tuple[str, ...] = ()  # bundles: the items it covers
    printed_at: Optional[dt.datetime] = None  # hall-local
    hotline: str = DEFAULT_HOTLINE


def copies_text(originals: int, copies: int) -> str:
    """“原件 1 份、复印件 2 份” (the everyday wording of a material's counts)."""
    parts = []
    if originals:
        parts.append(f"原件 {originals} 份")
    if copies:
        parts.append(f"复印件 {copies} 份")
    return "、".join(parts) or "按需提供"


def place_text(zone: str, windows: Iterable[WindowRef]) -> str:
    """“A区 1、2、3号窗口”; windows in several zones are listed per zone."""
    by_zone: dict[str, list[int]] = {}
    for w in windows:
        by_zone.setdefault(w.zone or zone or "", []).append(w.number)
    if not by_zone:
        return zone or ""
    parts = []
    for z, numbers in by_zone.items():
        nums = "、".join(str(n) for n in sorted(set(numbers)))
        parts.append(f"{z} {nums}号窗口".strip())
    return "；".join(parts)


def item_slip(guide: ItemGuide, hall_name: str, printed_at: Optional[dt.datetime] = None,
              hotline: str = DEFAULT_HOTLINE) -> GuideSlip:
    return GuideSlip(
        kind="item", hall_name=hall_name, code=guide.code, name=guide.name, version_label=f"第 {guide.version} 版",
        qr_data=item_qr_payload(guide.code, guide.version), department=guide.department,
        materials=tuple(SlipMaterial(m.name, m.originals, m.copies, m.required, m.may_be_missing, m.notes)
                        for m in guide.materials),
        promised_days=guide.promised_days, statutory_days=guide.statutory_days,
        handling_label=guide.handling_label, fee=guide.fee, place=place_text(guide.zone, guide.windows),
        online=guide.online, printed_at=printed_at, hotline=hotline or DEFAULT_HOTLINE,
    )


def bundle_slip(guide: BundleGuide, hall_name: str, printed_at: Optional[dt.datetime] = None,
                hotline: str = DEFAULT_HOTLINE) -> GuideSlip:
    every = len(guide.items)
    materials = tuple(
        SlipMaterial(m.name, m.originals, m.copies, m.required, m.may_be_missing, m.notes,
                     tuple(m.item_names) if len(m.item_codes) < every else ())
        for m in guide.materials
    )
    return GuideSlip(
        kind="bundle", hall_name=hall_name, code=guide.code, name=guide.name,
        version_label=f"版本 {bundle_revision(guide)}", qr_data=bundle_qr_payload(guide),
        department="、".join(guide.departments), materials=materials, promised_days=guide.max_promised_days,
        handling_label=guide.kind_label, items=tuple(x.name for x in guide.items), printed_at=printed_at,
        hotline=hotline or DEFAULT_HOTLINE,
    )


def _material_blocks(n: int, m: SlipMaterial) -> list[Block]:
    blocks: list[Block] = [Text(f"□ {n}. {m.name}", bold=True)]
    detail = copies_text(m.originals, m.copies)
    if m.may_be_missing:
        detail += "；可容缺（可先受理，后补交）"
    blocks.append(Text(f"    {detail}"))
    if m.for_items:
        blocks.append(Text(f"    用于：{'、'.join(m.for_items)}"))
    if m.notes:
        blocks.append(Text(f"    说明：{m.notes}"))
    return blocks


def guide_slip_layout(slip: GuideSlip) -> list[Block]:
    """THE 一次性告知单 layout (items and bundles): every material at once, time limit, place, and the QR code."""
    what = "一件事" if slip.kind == "bundle" else "办理事项"
    blocks: list[Block] = [
        Text(slip.hall_name, size="large", align="center", bold=True),
        Text("一次性告知单", size="large", align="center", bold=True),
        Text("（办事材料清单）", align="center"),
        Rule(),
        Text(f"{what}：{slip.name}", bold=True),
        Columns("办事指南", slip.version_label),
    ]
    if slip.department:
        blocks.append(Text(f"{'承办部门' if slip.kind == 'item' else '涉及部门'}：{slip.department}"))
    if slip.items:
        blocks.append(Text(f"包含事项（{len(slip.items)} 项，一次提交）：", bold=True))
        blocks += [Text(f"  · {name}") for name in slip.items]
    blocks.append(Rule())
    required = [m for m in slip.materials if m.required]
    optional = [m for m in slip.materials if not m.required]
    if not slip.materials:
        blocks.append(Text("本事项无需提交纸质材料，请携带本人有效身份证件。", bold=True))
    if required:
        blocks.append(Text(f"请携带以下材料（共 {len(required)} 项）：", bold=True))
        for n, m in enumerate(required, start=1):
            blocks += _material_blocks(n, m)
    if optional:
        blocks += [Spacer(1), Text("视情况提供：", bold=True)]
        for n, m in enumerate(optional, start=len(required) + 1):
            blocks += _material_blocks(n, m)
    blocks.append(Rule())
    if slip.kind == "item":
        if slip.promised_days:
            blocks.append(Columns("承诺时限", f"{slip.promised_days} 个工作日"))
        else:
            blocks.append(Columns("承诺时限", "当场办结"))
        if slip.statutory_days:
            blocks.append(Columns("法定时限", f"{slip.statutory_days} 个工作日"))
        blocks.append(Columns("收费", slip.fee or "不收费"))
        if slip.place:
            blocks.append(Text(f"办理地点：{slip.place}"))
        blocks.append(Text("网上可办：是，也可通过政务服务网办理" if slip.online else "网上可办：否，请到窗口办理"))
    else:
        blocks.append(Columns("最长办理时限", f"{slip.promised_days} 个工作日" if slip.promised_days else "当场办结"))
    blocks += [
        Rule(),
        QrBlock(slip.qr_data, size_mm=26),
        Text("在大厅自助终端扫描此码，可再次查看本指南", align="center"),
        Text("材料带齐，最多跑一次", align="center", bold=True),
    ]
    if slip.printed_at is not None:
        blocks.append(Text(f"打印时间：{slip.printed_at:%Y-%m-%d %H:%M}", align="center"))
    blocks.append(Text(f"咨询投诉电话：{slip.hotline}", align="center"))
    return blocks
