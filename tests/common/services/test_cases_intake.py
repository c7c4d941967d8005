"""Intake of the seven handling types (七类事项办理制), end to end at the service level, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import func, select

from common.db.models import AuditLog, Case, CaseEvent, CaseTask, HallEvent
from common.domain import CaseStatus, CaseType, TaskStatus
from common.errors import InvalidInput, NotFound, PermissionDenied
from common.services import cases
from common.services.cases import JointPart
from tests.common.services.test_cases_support import AGENT_ID, USCC, applicant, at, make_hall, request


@pytest.fixture
def hall(db):
    return make_hall(db)


def _events(db, case_no):
    with db.read() as s:
        cid = s.scalar(select(Case.id).where(Case.case_no == case_no))
        return [e.kind for e in s.scalars(select(CaseEvent).where(CaseEvent.case_id == cid).order_by(CaseEvent.id))]


# --------------------------------------------------------------------------------------------- 即办件


def test_immediate_is_accepted_and_completed_in_one_call(db, hall):
    clerk = hall.actors["C001"]
    now = at(2026, 3, 2, 9, 30)
    r = cases.accept_immediate(db, clerk, request(hall, "IMM-001"), now=now)
    assert re.fullmatch(r"T01-20260302-\d{5}", r.case_no)
    assert r.case_no.endswith("-00001")
    assert re.fullmatch(r"[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{6}", r.check_code)
    assert (r.status, r.case_type) == ("completed", "immediate")
    assert r.accepted_day == dt.date(2026, 3, 2) and r.deadline == dt.date(2026, 3, 2) and r.days_limit == 0
    assert r.qr_data == f"GH1|C|{r.case_no}|{r.check_code}"
    assert _events(db, r.case_no) == ["accepted", "completed"]
    detail = cases.get_case(db, clerk, r.case_no, now=now)
    assert detail.finished_at == now and detail.picked_up_at == now
    assert detail.first_contact_staff == "张三" and detail.accepting_window.startswith("1号窗口")
    assert detail.applicant_id_masked.startswith("110") and "*" in detail.applicant_id_masked
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(AuditLog).where(AuditLog.action == "case.accepted")) == 1
        kinds = s.scalars(select(HallEvent.kind)).all()
        assert kinds.count("case.changed") == 2
    second = cases.accept_immediate(db, clerk, request(hall, "IMM-001"), now=now)
    assert second.case_no.endswith("-00002")


def test_immediate_needs_every_required_material(db, hall):
    clerk = hall.actors["C001"]
    req = request(hall, "IMM-001", provided=hall.material_ids("IMM-001", "身份证件"))
    with pytest.raises(InvalidInput, match="经营场所使用证明"):
        cases.accept_immediate(db, clerk, req, now=at(2026, 3, 2))
    # the optional material is not needed
    ok = request(hall, "IMM-001", provided=hall.material_ids("IMM-001", "身份证件", "经营场所使用证明"))
    assert cases.accept_immediate(db, clerk, ok, now=at(2026, 3, 2)).status == "completed"


def test_applicant_validation_and_enterprise(db, hall):
    clerk = hall.actors["C001"]
    with pytest.raises(InvalidInput, match="身份证"):
        cases.accept_immediate(db, clerk, request(hall, "IMM-001", applicant=applicant(id_no="110105194912310021")),
                               now=at(2026, 3, 2))
    with pytest.raises(InvalidInput, match="统一社会信用代码"):
        cases.accept_immediate(db, clerk, request(hall, "IMM-001", applicant=applicant(kind="enterprise",
                               name="示例科技有限公司", id_no="91110108MA00000010")), now=at(2026, 3, 2))
    r = cases.accept_immediate(db, clerk, request(hall, "IMM-001", applicant=applicant(
        kind="enterprise", name="示例科技有限公司", id_no=USCC, agent_name="李经办", agent_id_no=AGENT_ID)),
        now=at(2026, 3, 2))
    d = cases.get_case(db, clerk, r.case_no)
    assert d.applicant_kind == "enterprise" and d.applicant_id_no == USCC and d.agent_name == "李经办"
    with pytest.raises(PermissionDenied):
        cases.accept_immediate(db, hall.actors["A001"], request(hall, "IMM-001"), now=at(2026, 3, 2))
    with pytest.raises(NotFound):
        cases.accept_immediate(db, clerk, request(hall, "NOPE", provided=set()), now=at(2026, 3, 2))


# --------------------------------------------------------------------------------------------- 退办件


def test_reject_needs_a_reason_and_opens_no_accepted_case(db, hall):
    clerk = hall.actors["C001"]
    with pytest.raises(InvalidInput, match="理由"):
        cases.reject(db, clerk, request(hall, "PRO-001", reason="  "), now=at(2026, 3, 2))
    r = cases.reject(db, clerk, request(hall, "PRO-001", reason="经营项目属于国家明令禁止的类别"), now=at(2026, 3, 2))
    assert (r.status, r.case_type, r.accepted_day, r.deadline) == ("rejected", "rejected", None, None)
    d = cases.get_case(db, clerk, r.case_no)
    assert d.reject_reason == "经营项目属于国家明令禁止的类别" and d.accepted_at is None
    assert _events(db, r.case_no) == ["rejected"]


def test_rejecting_a_major_project_needs_the_chief_rep(db, hall):
    clerk = hall.actors["C001"]
    req = request(hall, "MAJ-001", reason="不符合本县产业发展规划")
    with pytest.raises(PermissionDenied, match="首席代表"):
        cases.reject(db, clerk, req, now=at(2026, 3, 2))
    with pytest.raises(PermissionDenied):
        cases.reject(db, clerk, req, approved_by=hall.actors["C002"], now=at(2026, 3, 2))
    with pytest.raises(PermissionDenied, match="所属部门"):  # a chief rep of another department
        cases.reject(db, clerk, req, approved_by=hall.actors["R001"], now=at(2026, 3, 2))
    r = cases.reject(db, clerk, req, approved_by=hall.actors["R002"], now=at(2026, 3, 2))
    assert r.status == "rejected"
    with db.read() as s:
        data = s.scalar(select(CaseEvent.data).where(CaseEvent.kind == "rejected"))
        assert data["approved_by"] == "R002" and data["major_project"] is True
        assert s.scalar(select(AuditLog.detail).where(AuditLog.action == "case.rejected"))["approved_by"] == "R002"


# --------------------------------------------------------------------------------------------- 补办件 → 承诺件


def test_correction_lists_every_missing_material_then_supply_converts_to_promised(db, hall):
    clerk = hall.actors["C001"]
    only_form = hall.material_ids("PRO-001", "食品经营许可申请书")
    r = cases.request_correction(db, clerk, request(hall, "PRO-001", provided=only_form), now=at(2026, 3, 2))
    assert (r.status, r.case_type, r.deadline, r.accepted_day) == ("awaiting_materials", "correction", None, None)
    assert r.missing_materials == ["营业执照", "经营场所平面图", "从业人员健康证明"]  # every one, at once
    with pytest.raises(InvalidInput, match="无需补正"):
        cases.request_correction(db, clerk, request(hall, "PRO-001"), now=at(2026, 3, 2))

    # something not on the case's list is refused: nothing beyond the one-time notice
    with pytest.raises(InvalidInput, match="清单"):
        cases.supply_materials(db, clerk, r.case_no, hall.material_ids("IMM-001", "身份证件"), now=at(2026, 3, 4))
    part = cases.supply_materials(db, clerk, r.case_no, hall.material_ids("PRO-001", "营业执照"), now=at(2026, 3, 4))
    assert part.status == "awaiting_materials" and part.deadline is None
    assert part.missing_materials == ["经营场所平面图", "从业人员健康证明"]

    done = cases.supply_materials(db, clerk, r.case_no, hall.material_ids("PRO-001", "经营场所平面图", "从业人员健康证明"),
                                  now=at(2026, 3, 6, 15))
    assert (done.status, done.case_type) == ("accepted", "promised")
    assert done.accepted_day == dt.date(2026, 3, 6)  # the clock starts on the day the materials are complete
    assert done.deadline == dt.date(2026, 3, 13)  # 5 working days after Fri 6 March
    assert done.missing_materials == []
    assert _events(db, r.case_no) == ["correction_requested", "materials_supplied", "materials_supplied", "accepted"]
    with db.read() as s:
        task = s.scalar(select(CaseTask).join(Case).where(Case.case_no == r.case_no))
        assert task.kind == "approval" and task.deadline == dt.date(2026, 3, 13)


# --------------------------------------------------------------------------------------------- 承诺件 / 容缺 / 告知承诺


def test_promised_with_deferred_material(db, hall):
    clerk, approver = hall.actors["C001"], hall.actors["A001"]
    provided = hall.material_ids("PRO-001", "食品经营许可申请书", "营业执照", "经营场所平面图")
    health = hall.items["PRO-001"]["从业人员健康证明"]
    form = hall.items["PRO-001"]["营业执照"]
    now = at(2026, 3, 2)
    with pytest.raises(InvalidInput, match="补办件"):  # missing without 容缺
        cases.accept_promised(db, clerk, request(hall, "PRO-001", provided=provided), now=now)
    with pytest.raises(InvalidInput, match="不属于可容缺材料"):
        cases.accept_promised(db, clerk, request(hall, "PRO-001", provided=provided - {form},
                                                 deferred={health: dt.date(2026, 3, 9), form: dt.date(2026, 3, 9)}),
                              now=now)
    with pytest.raises(InvalidInput, match="晚于今天"):
        cases.accept_promised(db, clerk, request(hall, "PRO-001", provided=provided,
                                                 deferred={health: dt.date(2026, 3, 2)}), now=now)
    r = cases.accept_promised(db, clerk, request(hall, "PRO-001", provided=provided,
                                                 deferred={health: dt.date(2026, 3, 9)}), now=now)
    assert (r.status, r.case_type, r.days_limit) == ("accepted", "promised", 5)
    assert r.deadline == dt.date(2026, 3, 9) and r.statutory_deadline == dt.date(2026, 3, 30)
    assert r.missing_materials == ["从业人员健康证明"]
    d = cases.get_case(db, clerk, r.case_no, now=now)
    assert [m.deferred_until for m in d.materials if m.name == "从业人员健康证明"] == [dt.date(2026, 3, 9)]
    after = cases.supply_materials(db, clerk, r.case_no, {health}, now=at(2026, 3, 5))
    assert after.missing_materials == [] and after.status == "accepted" and after.deadline == dt.date(2026, 3, 9)
    # 受办分离: the back office of the item's department decides
    [row] = cases.inbox(db, approver, now=at(2026, 3, 5))
    assert row.case_no == r.case_no and row.task_kind == "approval"
    decision = cases.decide_task(db, approver, row.task_id, True, "符合条件，准予许可", now=at(2026, 3, 6))
    assert decision.case_status == "approved"


def test_commitment_only_for_flagged_items_and_is_checked_later(db, hall):
    clerk = hall.actors["C001"]
    with pytest.raises(InvalidInput, match="告知承诺"):
        cases.accept_promised(db, clerk, request(hall, "PRO-001", commitment_signed=True), now=at(2026, 3, 2))
    r = cases.accept_promised(db, clerk, request(hall, "COM-001", commitment_signed=True), now=at(2026, 3, 2))
    d = cases.get_case(db, clerk, r.case_no)
    assert d.commitment_signed is True and d.commitment_checked is None
    cases.record_commitment_check(db, hall.actors["A005"], r.case_no, True, "现场核查，与承诺一致")
    assert cases.get_case(db, clerk, r.case_no).commitment_checked is True
    other = cases.accept_promised(db, clerk, request(hall, "PRO-001"), now=at(2026, 3, 2))
    with pytest.raises(InvalidInput):
        cases.record_commitment_check(db, hall.actors["A001"], other.case_no, True, "无")


def test_first_contact_and_agent_point(db, hall):
    agent = hall.actors["G001"]  # 代办员 at a village point: no window, site from the actor
    r = cases.accept_promised(db, agent, request(hall, "PRO-001", window_id=None, first_contact_staff_no="C002"),
                              now=at(2026, 3, 2))
    d = cases.get_case(db, agent, r.case_no)
    assert d.first_contact_staff == "李四" and d.accepting_staff == "王代办" and d.accepting_window == ""
    with pytest.raises(NotFound):
        cases.accept_promised(db, agent, request(hall, "PRO-001", first_contact_staff_no="X999"), now=at(2026, 3, 2))


# --------------------------------------------------------------------------------------------- 联办件


def test_joint_case_with_one_department_timing_out(db, hall):
    clerk = hall.actors["C001"]
    now = at(2026, 3, 2)  # Monday
    req = request(hall, "PRO-010", joint_parts=(JointPart("FIRE", 3), JointPart("NRES", 5)))
    r = cases.accept_joint(db, clerk, req, now=now)
    assert (r.case_type, r.status, r.deadline) == ("joint", "accepted", dt.date(2026, 3, 16))
    d = cases.get_case(db, clerk, r.case_no, now=now)
    assert [(t.department, t.lead, t.deadline) for t in d.tasks] == [
        ("县住房和城乡建设局", True, dt.date(2026, 3, 16)),
        ("县消防救援大队", False, dt.date(2026, 3, 5)),
        ("县自然资源局", False, dt.date(2026, 3, 9)),
    ]
    fire_task = d.tasks[1].id
    nres_task = d.tasks[2].id
    lead_task = d.tasks[0].id
    # NRES answers in time; FIRE never answers
    cases.decide_task(db, hall.actors["A004"], nres_task, True, "同意", now=at(2026, 3, 4))
    assert cases.get_case(db, clerk, r.case_no).status == "in_review"
    assert cases.resolve_timeouts(db, now=at(2026, 3, 5, 17)) == []  # the deadline day itself is still in time
    assert cases.resolve_timeouts(db, now=at(2026, 3, 6, 8)) == [r.case_no]
    d = cases.get_case(db, clerk, r.case_no)
    fire = next(t for t in d.tasks if t.id == fire_task)
    assert fire.status == "deemed_approved" and fire.opinion == "超时默认同意"
    assert d.status == "in_review"  # the lead has not decided yet: no deemed consent for the lead
    assert cases.resolve_timeouts(db, now=at(2026, 3, 20)) == []  # the lead is never deemed
    with pytest.raises(PermissionDenied):  # another department's approver
        cases.decide_task(db, hall.actors["A001"], lead_task, True, "同意")
    out = cases.decide_task(db, hall.actors["A002"], lead_task, True, "准予施工许可", now=at(2026, 3, 10))
    assert out.case_status == "approved"
    assert "task_deemed_approved" in _events(db, r.case_no)


def test_joint_denial_needs_opinion_and_denies_case(db, hall):
    clerk = hall.actors["C001"]
    r = cases.accept_joint(db, clerk, request(hall, "PRO-010", joint_parts=(JointPart("FIRE", 3),)),
                           now=at(2026, 3, 2))
    fire = cases.inbox(db, hall.actors["A003"], now=at(2026, 3, 3))[0]
    with pytest.raises(InvalidInput, match="审批意见"):
        cases.decide_task(db, hall.actors["A003"], fire.task_id, False, "")
    out = cases.decide_task(db, hall.actors["A003"], fire.task_id, False, "消防设计不合格", now=at(2026, 3, 3))
    assert out.case_status == "denied"
    d = cases.get_case(db, clerk, r.case_no)
    assert d.result == "消防设计不合格" and d.finished_at == at(2026, 3, 3)
    from common.errors import Conflict
    with pytest.raises((Conflict, InvalidInput)):
        cases.decide_task(db, hall.actors["A003"], fire.task_id, True, "")


def test_joint_validation(db, hall):
    clerk = hall.actors["C001"]
    with pytest.raises(InvalidInput, match="联办部门"):
        cases.accept_joint(db, clerk, request(hall, "PRO-010"), now=at(2026, 3, 2))
    with pytest.raises(InvalidInput, match="牵头"):
        cases.accept_joint(db, clerk, request(hall, "PRO-010", joint_parts=(JointPart("HOUSING", 3),)),
                           now=at(2026, 3, 2))
    with pytest.raises(InvalidInput, match="不超过"):
        cases.accept_joint(db, clerk, request(hall, "PRO-010", joint_parts=(JointPart("FIRE", 11),)),
                           now=at(2026, 3, 2))
    with pytest.raises(NotFound):
        cases.accept_joint(db, clerk, request(hall, "PRO-010", joint_parts=(JointPart("NOPE", 3),)),
                           now=at(2026, 3, 2))


# --------------------------------------------------------------------------------------------- 上报件


def test_escalated_case_is_tracked_by_the_department(db, hall):
    clerk = hall.actors["C001"]
    with pytest.raises(InvalidInput, match="上级机关"):
        cases.escalate(db, clerk, request(hall, "ESC-001"), now=at(2026, 3, 2))
    r = cases.escalate(db, clerk, request(hall, "ESC-001", escalated_to="市自然资源和规划局"), now=at(2026, 3, 2))
    assert (r.case_type, r.status, r.days_limit, r.deadline) == ("escalated", "escalated", 15, dt.date(2026, 3, 23))
    d = cases.get_case(db, clerk, r.case_no)
    assert d.escalated_to == "市自然资源和规划局" and d.tasks[0].kind == "escalation"
    [row] = cases.inbox(db, hall.actors["A004"], now=at(2026, 3, 3))
    assert row.task_kind_label == "上报跟踪"
    out = cases.decide_task(db, hall.actors["A004"], row.task_id, True, "市局已批复同意", now=at(2026, 3, 20))
    assert out.case_status == "approved"


# --------------------------------------------------------------------------------------------- 特办件


def test_urgent_case_shortened_deadline_and_top_of_inbox(db, hall):
    clerk, approver = hall.actors["C001"], hall.actors["A001"]
    normal = cases.accept_promised(db, clerk, request(hall, "PRO-001"), now=at(2026, 3, 2))  # due 9 March
    with pytest.raises(InvalidInput, match="特办理由"):
        cases.accept_urgent(db, clerk, request(hall, "PRO-001"), now=at(2026, 3, 3))
    urgent = cases.accept_urgent(db, clerk, request(hall, "PRO-001", reason="抗灾物资保障企业"), now=at(2026, 3, 3))
    assert urgent.urgent and urgent.case_type == "urgent"
    assert urgent.days_limit == 2 and urgent.deadline == dt.date(2026, 3, 5)  # half of 5, rounded down
    custom = cases.accept_urgent(db, clerk, request(hall, "PRO-001", reason="重点项目", urgent_days=4),
                                 now=at(2026, 3, 3))
    assert custom.days_limit == 4 and custom.deadline == dt.date(2026, 3, 9)
    with pytest.raises(InvalidInput, match="不能长于"):
        cases.accept_urgent(db, clerk, request(hall, "PRO-001", reason="x", urgent_days=6), now=at(2026, 3, 3))
    rows = cases.inbox(db, approver, now=at(2026, 3, 4))
    # both urgent ones first (even the one due after the normal case), then the normal one
    assert [r.case_no for r in rows] == [urgent.case_no, custom.case_no, normal.case_no]
    assert rows[0].urgent and rows[0].warning == "yellow"
    assert cases.urgent_limit(1) == 1 and cases.urgent_limit(20) == 10 and cases.urgent_limit(5, percent=30) == 1


# --------------------------------------------------------------------------------------------- cancelled


def test_cancelled_item_can_never_be_taken_in(db, hall):
    clerk = hall.actors["C001"]
    req = request(hall, "CAN-001", reason="理由", escalated_to="市局", joint_parts=(JointPart("FIRE", 1),))
    for fn in (cases.accept_immediate, cases.reject, cases.request_correction, cases.accept_promised,
               cases.accept_joint, cases.escalate, cases.accept_urgent):
        with pytest.raises(InvalidInput) as err:
            fn(db, clerk, req, now=at(2026, 3, 2))
        assert err.value.message == "该事项已取消，不能受理"
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(Case)) == 0
    assert cases.intake_checklist(db, "CAN-001").cancelled is True


def test_take_in_dispatches_on_the_clerks_decision(db, hall):
    clerk = hall.actors["C001"]
    r = cases.take_in(db, clerk, request(hall, "PRO-001", case_type=CaseType.PROMISED), now=at(2026, 3, 2))
    assert r.case_type == "promised"
    with pytest.raises(InvalidInput, match="办件类型"):
        cases.take_in(db, clerk, request(hall, "PRO-001"), now=at(2026, 3, 2))
    checklist = cases.intake_checklist(db, "PRO-001")
    assert [m.name for m in checklist.materials if m.may_be_missing] == ["经营场所平面图", "从业人员健康证明"]
    assert checklist.version == 2 and checklist.promised_days == 5


# --------------------------------------------------------------------------------------------- delivery


def test_pickup_and_mail(db, hall):
    clerk, approver = hall.actors["C001"], hall.actors["A001"]
    r = cases.accept_promised(db, clerk, request(hall, "PRO-001"), now=at(2026, 3, 2))
    with pytest.raises(InvalidInput):
        cases.mark_ready(db, clerk, r.case_no, now=at(2026, 3, 3))
    [row] = cases.inbox(db, approver, now=at(2026, 3, 3))
    cases.decide_task(db, approver, row.task_id, True, "", now=at(2026, 3, 4))
    assert cases.mark_ready(db, clerk, r.case_no, now=at(2026, 3, 4, 15)).status == "ready"
    with pytest.raises(InvalidInput):
        cases.record_pickup(db, clerk, r.case_no, "", now=at(2026, 3, 5))
    done = cases.record_pickup(db, clerk, r.case_no, "张小三", now=at(2026, 3, 5))
    assert done.status == "completed"
    d = cases.get_case(db, clerk, r.case_no)
    assert d.picked_up_at == at(2026, 3, 5) and d.warning == "normal"
    assert [e.kind for e in d.events][-3:] == ["approved", "ready", "picked_up"]

    m = cases.accept_promised(db, clerk, request(hall, "PRO-001", delivery="mail", mail_address="测试县幸福路8号"),
                              now=at(2026, 3, 2))
    with pytest.raises(InvalidInput, match="邮寄地址"):
        cases.accept_promised(db, clerk, request(hall, "PRO-001", delivery="mail"), now=at(2026, 3, 2))
    [row] = cases.inbox(db, approver, now=at(2026, 3, 3))
    cases.decide_task(db, approver, row.task_id, True, "", now=at(2026, 3, 4))
    mailed = cases.mail(db, clerk, m.case_no, "SF1234567890", now=at(2026, 3, 4))
    assert mailed.status == "mailed"
    assert cases.get_case(db, clerk, m.case_no).tracking_no == "SF1234567890"


def test_immediate_by_mail_waits_for_the_tracking_number(db, hall):
    clerk = hall.actors["C001"]
    r = cases.accept_immediate(db, clerk, request(hall, "IMM-001", delivery="mail", mail_address="幸福路8号"),
                               now=at(2026, 3, 2))
    assert r.status == "approved"
    assert cases.mail(db, clerk, r.case_no, "EMS0001", now=at(2026, 3, 2, 16)).status == "mailed"


def test_case_events_use_the_database_clock(db, hall):
    clerk = hall.actors["C001"]
    before = dt.datetime.now(dt.timezone.utc) - dt.timedelta(minutes=2)
    r = cases.accept_promised(db, clerk, request(hall, "PRO-001"), now=at(2026, 3, 2))  # an injected business time
    d = cases.get_case(db, clerk, r.case_no)
    after = dt.datetime.now(dt.timezone.utc) + dt.timedelta(minutes=2)
    assert d.accepted_at == at(2026, 3, 2)
    assert before <= d.events[0].at <= after  # set by the server, not by the caller's `now`
    assert before <= d.created_at <= after
    with db.read() as s:
        assert s.scalar(select(CaseTask.status)) == TaskStatus.PENDING
        assert s.scalar(select(Case.status)) == CaseStatus.ACCEPTED


# --------------------------------------------------------------------------------------------- the demo hall


def _demo_actor(db, staff_no):
    from common.db.models import Staff
    from common.services.permissions import Actor

    with db.read() as s:
        st = s.scalar(select(Staff).where(Staff.staff_no == staff_no))
        return Actor(staff_id=st.id, staff_no=st.staff_no, name=st.name, roles=frozenset(r.role for r in st.roles),
                     site_id=st.site_id, department_id=st.department_id), st.default_window_id


def test_cases_on_the_demo_hall(db):
    demo = pytest.importorskip("common.services.demo")
    summary = demo.load_demo_hall(db)
    clerk, window_id = _demo_actor(db, "1001")
    checklist = cases.intake_checklist(db, "SCJGJ-001")
    required = frozenset(m.material_id for m in checklist.materials if m.required)
    req = cases.IntakeRequest(item_code="SCJGJ-001", applicant=applicant(), window_id=window_id,
                              provided_material_ids=required)
    r = cases.accept_promised(db, clerk, req, now=at(2026, 9, 30, 10))
    assert r.days_limit == checklist.promised_days == 1 and r.deadline == dt.date(2026, 10, 8)
    notice = cases.case_notice(db, clerk, r.case_no, "acceptance")
    assert notice.hall_name == summary.hall_name and notice.item_name == "企业设立登记"
    # a major project of the demo catalog cannot be rejected without its department's chief rep
    major = "ZJ-001"  # major_project in the demo catalog
    with pytest.raises(PermissionDenied):
        cases.reject(db, clerk, cases.IntakeRequest(item_code=major, applicant=applicant(), window_id=window_id,
                                                    reason="不符合产业政策"), now=at(2026, 9, 30, 11))
