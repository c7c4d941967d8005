"""The 一次性告知单: QR payloads, parsing, one layout for items and bundles (PNG preview decoded). No Qt."""

from __future__ import annotations

import datetime as dt

import pytest

from common.errors import InvalidInput
from common.printing import render_png
from common.services.catalog import get_bundle_guide, get_item_guide
from common.services.guide_slip import (
    bundle_revision,
    bundle_slip,
    guide_slip_layout,
    is_guide_qr,
    item_qr_payload,
    item_slip,
    open_guide_ref,
    parse_guide_qr,
    place_text,
)
from common.services.catalog import WindowRef
from tests.common.test_printing import decode_qr
from tests.kiosk.test_guide_support import demo, demo_template  # noqa: F401 - fixtures


def test_parse_guide_qr():
    ref = parse_guide_qr(" GH1|G|SCJGJ-001|v3\n")
    assert (ref.kind, ref.code, ref.version) == ("item", "SCJGJ-001", 3)
    ref = parse_guide_qr("GH1|B|B-BIRTH|0a1B2c3D")
    assert (ref.kind, ref.code, ref.revision) == ("bundle", "B-BIRTH", "0a1b2c3d")
    assert item_qr_payload("SCJGJ-001", 3) == "GH1|G|SCJGJ-001|v3"
    for bad in ("", "GH1|G|SCJGJ-001", "GH1|G|SCJGJ-001|3", "GH1|B|B-BIRTH|xyz", "GH1|C|T01-20260101-00001|ABC234",
                "GH1|G|A B|v1"):
        with pytest.raises(InvalidInput, match="告知单"):
            parse_guide_qr(bad)
    assert is_guide_qr("GH1|B|x|00000000") and not is_guide_qr("GH1|C|x|y")


def test_place_text():
    windows = [WindowRef(3, "", "A区"), WindowRef(1, "", "A区"), WindowRef(19, "", "E区")]
    assert place_text("A区", windows) == "A区 1、3号窗口；E区 19号窗口"
    assert place_text("B区", []) == "B区"


def test_item_slip_lists_every_material_and_its_qr_decodes(demo):
    guide = get_item_guide(demo.db, "SCJGJ-010")
    slip = item_slip(guide, "示例县政务服务中心", dt.datetime(2026, 11, 23, 10, 5), "12345")
    blocks = guide_slip_layout(slip)
    text = "\n".join(getattr(b, "text", "") or f"{getattr(b, 'left', '')} {getattr(b, 'right', '')}" for b in blocks)
    for m in guide.materials:
        assert m.name in text
    assert "可容缺" in text and "一次性告知单" in text and f"第 {guide.version} 版" in text
    assert "承诺时限" in text and "2026-11-23 10:05" in text
    for paper in (58, 80):
        assert decode_qr(render_png(blocks, paper)) == [f"GH1|G|SCJGJ-010|v{guide.version}"]


def test_bundle_slip_and_revision(demo):
    bundle = get_bundle_guide(demo.db, "B-BIRTH")
    slip = bundle_slip(bundle, "示例县政务服务中心")
    assert slip.qr_data == f"GH1|B|B-BIRTH|{bundle_revision(bundle)}"
    assert [m.name for m in slip.materials] == [m.name for m in bundle.materials]
    partial = [m for m in slip.materials if m.for_items]
    assert partial and all(len(m.for_items) < len(bundle.items) for m in partial)
    assert decode_qr(render_png(guide_slip_layout(slip), 80)) == [slip.qr_data]
    opened = open_guide_ref(demo.db, parse_guide_qr(slip.qr_data))
    assert opened.guide.code == "B-BIRTH" and not opened.outdated
    stale = open_guide_ref(demo.db, parse_guide_qr("GH1|B|B-BIRTH|00000000"))
    assert stale.outdated
