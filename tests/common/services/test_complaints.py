"""投诉与建议: filed at the kiosk (no login), linked to window, clerk, item and case; listed and followed up by
supervisors with permission checks; reference numbers unique; the reference slip."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import select

from common.db.models import AuditLog, Complaint, WindowSession
from common.domain import Role
from common.errors import InvalidInput, NotFound, PermissionDenied
from common.services import cases, complaints
from common.services.complaints import (
    CATEGORIES,
    PHRASES,
    complaint_slip_layout,
    follow_up,
    get_complaint,
    list_complaint_windows,
    list_complaints,
    submit_complaint,
)
from common.services.permissions import Actor
from tests.common.services.test_cases_support import at, make_hall, request

REF = re.compile(r"^TS-\d{8}-[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{4}$")


@pytest.fixture
def hall(db):
    return make_hall(db)


def sign_in(db, hall, staff_no: str, window: int, when: dt.datetime) -> None:
    with db.write() as s:
        s.add(WindowSession(staff_id=hall.actors[staff_no].staff_id, window_id=hall.windows[window],
                            business_day=when.date(), started_at=when))


def test_submit_links_window_clerk_item_and_case(db, hall):
    sign_in(db, hall, "C002", 2, at(2026, 3, 2, 9))
    case = cases.accept_promised(db, hall.actors["C001"], request(hall, "PRO-001"), now=at(2026, 3, 2))
    info = submit_complaint(
        db, hall.site_id, category="服务态度", phrases=["工作人员态度生硬", "请回电话联系我"], window_number=2,
        item_code="PRO-001", case_no=case.case_no, phone="138 1234 5678", device="kiosk:1", now=at(2026, 3, 2, 11))
    assert REF.match(info.ref_no) and info.ref_no.startswith("TS-20260302-")
    assert info.text == "工作人员态度生硬；请回电话联系我"
    assert (info.window_number, info.staff_name, info.item_code, info.case_no) == (2, "李四", "PRO-001", case.case_no)
    assert info.phone == "13812345678" and info.phone_masked == "138****5678"
    assert info.status == "open" and info.status_label == "待处理"
    with db.read() as s:
        row = s.scalar(select(Complaint).where(Complaint.ref_no == info.ref_no))
        assert row.staff_id == hall.actors["C002"].staff_id
        assert s.scalar(select(AuditLog.action).where(AuditLog.entity_id == info.ref_no)) == "complaint.submitted"
    # the hall as a whole: no window, no clerk; a window nobody is signed in at: no clerk
    whole = submit_complaint(db, hall.site_id, category="环境设施", phrases=["座位不够"], now=at(2026, 3, 2, 12))
    assert whole.window_number is None and whole.staff_name == ""
    empty = submit_complaint(db, hall.site_id, category="办事效率", phrases=["等候时间太长"], window_number=9)
    assert empty.window_number == 9 and empty.staff_name == ""


def test_submit_rejects_bad_input(db, hall):
    with pytest.raises(InvalidInput, match="类别"):
        submit_complaint(db, hall.site_id, category="随便", phrases=["x"])
    with pytest.raises(InvalidInput, match="至少选择"):
        submit_complaint(db, hall.site_id, category="其他", phrases=[" ", ""])
    with pytest.raises(InvalidInput, match="手机"):
        submit_complaint(db, hall.site_id, category="其他", phrases=["其他问题，请电话联系我"], phone="12345")
    with pytest.raises(NotFound, match="77 号窗口"):
        submit_complaint(db, hall.site_id, category="服务态度", phrases=["窗口无人"], window_number=77)
    with pytest.raises(InvalidInput, match="过长"):
        submit_complaint(db, hall.site_id, category="其他", text="长" * 600)
    with db.read() as s:
        assert s.scalar(select(Complaint.id)) is None


def test_reference_numbers_are_unique_even_when_the_random_code_clashes(db, hall, monkeypatch):
    codes = iter(["TS-20260302-AAAA", "TS-20260302-AAAA", "TS-20260302-AAAA", "TS-20260302-BBBB"])
    monkeypatch.setattr(complaints, "_new_ref", lambda day: next(codes))
    first = submit_complaint(db, hall.site_id, category="其他", phrases=["希望改进"])
    second = submit_complaint(db, hall.site_id, category="其他", phrases=["希望改进"])
    assert (first.ref_no, second.ref_no) == ("TS-20260302-AAAA", "TS-20260302-BBBB")
    monkeypatch.setattr(complaints, "_new_ref", lambda day: "TS-20260302-AAAA")
    with pytest.raises(InvalidInput, match="编号"):
        submit_complaint(db, hall.site_id, category="其他", phrases=["希望改进"])


def test_supervisors_list_and_follow_up_with_permission_checks(db, hall):
    a = submit_complaint(db, hall.site_id, category="服务态度", phrases=["窗口无人"], window_number=1,
                         now=at(2026, 3, 2, 10))
    b = submit_complaint(db, hall.site_id, category="材料要求不一致", phrases=["不同窗口要求的材料不一样"],
                         now=at(2026, 3, 3, 10))
    supervisor, manager, clerk = hall.actors["S001"], hall.actors["M001"], hall.actors["C001"]
    with pytest.raises(PermissionDenied):
        list_complaints(db, clerk)
    with pytest.raises(PermissionDenied):
        follow_up(db, clerk, a.ref_no, "我来处理")
    assert [c.ref_no for c in list_complaints(db, supervisor)] == [b.ref_no, a.ref_no]  # newest first
    assert [c.ref_no for c in list_complaints(db, manager, category="服务态度")] == [a.ref_no]
    assert [c.ref_no for c in list_complaints(db, supervisor, day_from=dt.date(2026, 3, 3))] == [b.ref_no]
    stranger = Actor(staff_id=None, staff_no="X", name="外站监察", roles=frozenset({Role.SUPERVISOR}),
                     site_id=hall.site_id + 99)
    with pytest.raises(PermissionDenied):
        list_complaints(db, stranger, hall.site_id)
    with pytest.raises(PermissionDenied):
        get_complaint(db, stranger, a.ref_no)

    with pytest.raises(InvalidInput, match="处理意见"):
        follow_up(db, supervisor, a.ref_no, "  ")
    step = follow_up(db, supervisor, a.ref_no, "已约谈 1 号窗口工作人员", now=at(2026, 3, 2, 15))
    assert step.status == "in_progress" and step.handled_by == "褚监察"
    assert step.follow_up == "[2026-03-02 15:00] 褚监察：已约谈 1 号窗口工作人员"
    done = follow_up(db, manager, a.ref_no.lower(), "已电话回复群众，群众满意", close=True, now=at(2026, 3, 3, 9))
    assert done.status == "closed" and done.follow_up.count("\n") == 1 and done.handled_by == "陈主任"
    with pytest.raises(InvalidInput, match="已办结"):
        follow_up(db, supervisor, a.ref_no, "再补一句")
    assert [c.ref_no for c in list_complaints(db, supervisor, status="open")] == [b.ref_no]
    with pytest.raises(InvalidInput):
        list_complaints(db, supervisor, status="whatever")
    with pytest.raises(NotFound):
        follow_up(db, supervisor, "TS-20990101-ZZZZ", "x")
    with db.read() as s:
        actions = s.scalars(select(AuditLog.action).where(AuditLog.entity_id == a.ref_no).order_by(AuditLog.id)).all()
    assert actions == ["complaint.submitted", "complaint.follow_up", "complaint.closed"]


def test_windows_for_the_kiosk_and_categories():
    assert set(PHRASES) == set(CATEGORIES) and "材料要求不一致" in CATEGORIES


def test_complaint_windows_say_what_each_window_does(db, hall):
    assert list_complaint_windows(db, hall.site_id) == [(1, "综合窗口"), (2, "市场监"), (9, "出件窗口")]


def test_reference_slip(db, hall):
    info = submit_complaint(db, hall.site_id, category="办事效率", phrases=["等候时间太长"], window_number=1,
                            phone="13812345678", now=at(2026, 3, 2, 10, 30))
    text = "\n".join(getattr(b, "text", "") or f"{getattr(b, 'left', '')} {getattr(b, 'right', '')}"
                     for b in complaint_slip_layout(info, "测试县政务服务中心", timezone="Asia/Shanghai"))
    assert info.ref_no in text and "138****5678" in text and "13812345678" not in text
    assert "2026-03-02 10:30" in text and "1号窗口" in text and "等候时间太长" in text
