"""Every printed QR payload round-trips, and scanning the wrong kind of code says so in Chinese."""

import datetime as dt

import pytest

from common import qrcodes
from common.errors import InvalidInput


def test_ticket_round_trip():
    data = qrcodes.ticket_payload("COUNTY", dt.date(2026, 11, 23), "A012", 42, "K7QX")
    assert data == "GH1|T|COUNTY|20261123|A012|42|K7QX"
    assert qrcodes.parse_ticket_qr(data) == {"site_code": "COUNTY", "business_day": dt.date(2026, 11, 23),
                                             "number": "A012", "ticket_id": 42, "check_code": "K7QX"}
    assert qrcodes.kind_of(data) == "ticket"


def test_case_round_trip_and_wrong_kind():
    data = qrcodes.case_payload("COUNTY-20261123-00007", "ab12cd")
    assert qrcodes.parse_case_qr(data) == ("COUNTY-20261123-00007", "AB12CD")
    with pytest.raises(InvalidInput, match="排队取号凭证"):
        qrcodes.parse_case_qr("GH1|T|COUNTY|20261123|A012|42|K7QX")
    for junk in ["", "hello", "GH1|C|x|y", "GH1|C|COUNTY-2026-1|ABCD", "https://example.com/?q=1", "𠮷" * 10_000]:
        with pytest.raises(InvalidInput, match="无法识别"):
            qrcodes.parse_case_qr(junk)


def test_guide_round_trip():
    assert qrcodes.parse_guide_qr(qrcodes.item_guide_payload("SCJGJ-001", 3)) == qrcodes.GuideRef("item", "SCJGJ-001", 3)
    ref = qrcodes.parse_guide_qr(qrcodes.bundle_guide_payload("B-BIRTH", "0a1b2c3d"))
    assert (ref.kind, ref.code, ref.revision) == ("bundle", "B-BIRTH", "0a1b2c3d")
    assert qrcodes.is_guide_qr("GH1|B|B-BIRTH|0a1b2c3d") and not qrcodes.is_guide_qr("GH1|C|x|y")
    with pytest.raises(InvalidInput):
        qrcodes.parse_guide_qr("GH1|G|SCJGJ-001|latest")
    with pytest.raises(InvalidInput):
        qrcodes.parse_ticket_qr("GH1|T|COUNTY|2026-11-23|A012|x|K")
