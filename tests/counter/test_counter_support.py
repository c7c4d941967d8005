"""`common.services.cases.counter_support` (added for the counter's case screens): the deadline preview agrees with
what the intake services then set, and the case finder (number, QR, applicant, today's cases of a window)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from common import clock
from common.errors import InvalidInput, NotFound, PermissionDenied
from common.services import cases
from common.services.auth import login
from common.services.calendar import load_working_calendar
from common.services.cases import JointPart
from common.services.cases.counter_support import find_cases, intake_preview
from common.services.sites import resolve_site
from tests.counter.conftest import DEMO_PASSWORD, window_id


def _req(db, code: str, **kw):
    cl = cases.intake_checklist(db, code)
    return cases.IntakeRequest(item_code=code, applicant=cases.ApplicantInput("person", "张晓明", "11010519491231002X"),
                               window_id=window_id(db, 4), provided_material_ids=frozenset(
                                   m.material_id for m in cl.materials), **kw)


def test_preview_matches_the_intake(hall):
    db = hall
    clerk = login(db, "1004", DEMO_PASSWORD)
    w4 = window_id(db, 4)
    site = resolve_site(db)
    cal = load_working_calendar(db, site.id)
    now = dt.datetime.combine(cal.next_working_day(dt.date(2026, 3, 2)), dt.time(10), clock.zone(site.timezone))
    day = now.date()

    p = intake_preview(db, clerk, "SCJGJ-010", "promised", window_id=w4, now=now)
    made = cases.accept_promised(db, clerk, _req(db, "SCJGJ-010"), now=now)
    assert (p.today, p.days_limit, p.deadline) == (day, 10, made.deadline)
    assert p.statutory_deadline == made.statutory_deadline and "承诺 10 个工作日" in p.text

    p = intake_preview(db, clerk, "SCJGJ-010", "urgent", urgent_days=3, window_id=w4, now=now)
    made = cases.accept_urgent(db, clerk, _req(db, "SCJGJ-010", reason="重点项目", urgent_days=3), now=now)
    assert (p.days_limit, p.deadline) == (3, made.deadline)

    parts = (JointPart("SH", 3), JointPart("ZRZY", 5))
    p = intake_preview(db, clerk, "ZJ-006", "joint", joint_parts=parts, window_id=w4, now=now)
    made = cases.accept_joint(db, clerk, _req(db, "ZJ-006", joint_parts=parts), now=now)
    assert p.deadline == made.deadline
    assert [(j.department_code, j.days, j.deadline) for j in p.joint] == [
        ("SH", 3, cal.add_working_days(day, 3)), ("ZRZY", 5, cal.add_working_days(day, 5))]

    assert intake_preview(db, clerk, "SCJGJ-005", "immediate", window_id=w4, now=now).deadline == day
    assert intake_preview(db, clerk, "SCJGJ-010", "rejected", window_id=w4, now=now).deadline is None
    corr = intake_preview(db, clerk, "SCJGJ-010", "correction", window_id=w4, now=now)
    assert corr.deadline is None and corr.days_limit == 10 and "材料补齐" in corr.text

    with pytest.raises(InvalidInput, match="不能长于"):
        intake_preview(db, clerk, "SCJGJ-010", "urgent", urgent_days=11, window_id=w4, now=now)
    with pytest.raises(InvalidInput, match="牵头部门相同"):
        intake_preview(db, clerk, "ZJ-006", "joint", joint_parts=(JointPart("ZJ", 2),), window_id=w4, now=now)
    with pytest.raises(InvalidInput, match="1 至 10"):
        intake_preview(db, clerk, "ZJ-006", "joint", joint_parts=(JointPart("SH", 11),), window_id=w4, now=now)
    with pytest.raises(NotFound):
        intake_preview(db, clerk, "ZJ-006", "joint", joint_parts=(JointPart("NOPE", 2),), window_id=w4, now=now)
    with pytest.raises(InvalidInput, match="已取消"):
        intake_preview(db, clerk, "SCJGJ-019", "immediate", window_id=w4, now=now)
    with pytest.raises(PermissionDenied):
        intake_preview(db, login(db, "1101", DEMO_PASSWORD), "SCJGJ-010", "promised", now=now)


def test_find_cases_by_number_qr_applicant_and_today(hall):
    db = hall
    clerk = login(db, "1004", DEMO_PASSWORD)
    first = cases.accept_promised(db, clerk, _req(db, "SCJGJ-010"))
    second = cases.request_correction(db, clerk, replace(_req(db, "SCJGJ-001"), provided_material_ids=frozenset()))

    assert [r.case_no for r in find_cases(db, clerk, first.case_no)] == [first.case_no]
    assert [r.case_no for r in find_cases(db, clerk, second.qr_data)] == [second.case_no]
    by_name = find_cases(db, clerk, "张晓明")
    assert [r.case_no for r in by_name] == [second.case_no, first.case_no]  # newest first
    assert [r.case_no for r in find_cases(db, clerk, "11010519491231002x")] == [second.case_no, first.case_no]
    today = find_cases(db, clerk, "", window_id=window_id(db, 4))
    assert {r.case_no for r in today} == {first.case_no, second.case_no}
    assert find_cases(db, clerk, "", window_id=window_id(db, 5)) == []
    assert find_cases(db, clerk, "") == []
    row = next(r for r in today if r.case_no == second.case_no)
    assert (row.status, row.case_type_label, row.deadline) == ("awaiting_materials", "补办件", None)
    assert find_cases(db, clerk, "没有这个人") == []
    with pytest.raises(InvalidInput):
        find_cases(db, clerk, "GH1|T|whatever")  # a ticket's QR, not a case's
