"""The kiosk's progress lookup, the case QR, print records and the 即办即录 report."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from sqlalchemy import select, update

from common.db.models import Case, DocumentPrint, Ticket
from common.errors import InvalidInput, PermissionDenied
from common.services import cases
from tests.common.services.test_cases_support import PERSON_ID, at, make_hall, request


@pytest.fixture
def hall(db):
    return make_hall(db)


def test_parse_case_qr():
    assert cases.parse_case_qr("GH1|C|T01-20261013-00012|ABC234") == ("T01-20261013-00012", "ABC234")
    assert cases.parse_case_qr("  GH1|C|T01-20261013-00012|abc234\n") == ("T01-20261013-00012", "ABC234")
    for bad in ("", "hello", "GH1|C|T01-20261013-00012", "GH1|X|T01-20261013-00012|ABC234",
                "GH1|C|T01-2026-1|ABC234", "GH1|C|T01-20261013-00012|AB|CD"):
        with pytest.raises(InvalidInput, match="二维码"):
            cases.parse_case_qr(bad)
    with pytest.raises(InvalidInput, match="排队取号"):
        cases.parse_case_qr("GH1|T|T01|20261013|A001|5|XYZ")
    assert cases.case_qr_payload("T01-20261013-00012", "ABC234") == "GH1|C|T01-20261013-00012|ABC234"


def test_mask_name():
    assert cases.mask_name("张三") == "张*"
    assert cases.mask_name("张小三") == "张*三"
    assert cases.mask_name("欧阳小明") == "欧**明"
    assert cases.mask_name("王𠮷") == "王*"  # a rare character counts as one
    assert cases.mask_name("阿卜杜拉·买买提") == "阿******提"
    assert cases.mask_name("示例科技有限公司", enterprise=True) == "示例**有限公司"
    assert cases.mask_name("李") == "*"


def test_public_progress_shows_progress_and_nothing_personal(db, hall):
    clerk, approver = hall.actors["C001"], hall.actors["A001"]
    only_form = hall.material_ids("PRO-001", "食品经营许可申请书", "营业执照")
    r = cases.request_correction(db, clerk, request(hall, "PRO-001", provided=only_form), now=at(2026, 3, 2))
    p = cases.public_progress(db, r.case_no, r.check_code, now=at(2026, 3, 2))
    assert p.applicant == "张*三" and p.status_label == "待补正"
    assert [m.name for m in p.missing_materials] == ["经营场所平面图", "从业人员健康证明"]
    assert [s.label for s in p.steps][:3] == ["收件", "一次性告知补正", "受理"]
    assert p.steps[1].current and not p.steps[2].done
    flat = repr(dataclasses.asdict(p))
    for secret in (PERSON_ID, "13812345678", "张小三"):
        assert secret not in flat

    # wrong code and unknown number get the same answer
    for no, code in ((r.case_no, "ZZZZZZ"), ("T01-20260302-09999", r.check_code)):
        with pytest.raises(InvalidInput) as err:
            cases.public_progress(db, no, code)
        assert err.value.message == "案件编号或查询码不正确"
    with pytest.raises(InvalidInput):
        cases.public_progress(db, r.case_no, "")

    cases.supply_materials(db, clerk, r.case_no, hall.material_ids("PRO-001", "经营场所平面图", "从业人员健康证明"),
                           now=at(2026, 3, 3))
    p = cases.public_progress(db, r.case_no, r.check_code.lower(), now=at(2026, 3, 4))
    assert p.status_label == "已受理" and p.deadline == dt.date(2026, 3, 10) and p.days_limit == 5
    assert "2026年3月10日" in p.message
    [row] = cases.inbox(db, approver, now=at(2026, 3, 4))
    cases.decide_task(db, approver, row.task_id, True, "内部意见不公开", now=at(2026, 3, 5))
    cases.mark_ready(db, clerk, r.case_no, now=at(2026, 3, 5))
    p = cases.public_progress(db, r.case_no, r.check_code, now=at(2026, 3, 5))
    assert p.status_label == "待领取" and "9号窗口" in p.pickup_place and "9号窗口" in p.message
    assert p.finished_day == dt.date(2026, 3, 5)
    assert [(s.label, s.done) for s in p.steps][-3:] == [("审批", True), ("办结", True), ("领取", False)]
    assert "内部意见不公开" not in repr(dataclasses.asdict(p))
    cases.record_pickup(db, clerk, r.case_no, "张小三", now=at(2026, 3, 6))
    p = cases.public_progress(db, r.case_no, r.check_code, now=at(2026, 3, 6))
    assert p.steps[-1] == cases.ProgressStep("领取", dt.date(2026, 3, 6), True, False)


def test_public_progress_of_rejected_and_joint(db, hall):
    clerk = hall.actors["C001"]
    rej = cases.reject(db, clerk, request(hall, "PRO-001", reason="不属于本中心受理范围"), now=at(2026, 3, 2))
    p = cases.public_progress(db, rej.case_no, rej.check_code)
    assert p.status_label == "不予受理" and p.deadline is None and "不予受理告知书" in p.message
    assert "不属于本中心受理范围" not in p.message
    j = cases.accept_joint(db, clerk, request(hall, "PRO-010", joint_parts=(cases.JointPart("FIRE", 3),)),
                           now=at(2026, 3, 2))
    p = cases.public_progress(db, j.case_no, j.check_code, now=at(2026, 3, 3))
    assert "联合审批" in [s.label for s in p.steps]


def test_record_print_counts_reprints(db, hall):
    clerk = hall.actors["C001"]
    r = cases.accept_promised(db, clerk, request(hall, "PRO-001"), now=at(2026, 3, 2))
    assert cases.record_print(db, clerk, r.case_no, "acceptance", "前台热敏打印机").copy_no == 1
    assert cases.record_print(db, clerk, r.case_no, "acceptance", "A4").copy_no == 2
    assert cases.record_print(db, clerk, r.case_no, "completion").copy_no == 1
    with pytest.raises(InvalidInput):
        cases.record_print(db, clerk, r.case_no, "receipt")
    with db.read() as s:
        assert s.scalars(select(DocumentPrint.copy_no).order_by(DocumentPrint.id)).all() == [1, 2, 1]
    assert cases.get_case(db, clerk, r.case_no).prints == 3
    notice = cases.case_notice(db, clerk, r.case_no, "acceptance")
    assert notice.copy_no == 3  # the next print is the third copy (补打)
    with pytest.raises(InvalidInput, match="尚未办结"):
        cases.case_notice(db, clerk, r.case_no, "completion")
    with pytest.raises(InvalidInput):
        cases.case_notice(db, clerk, r.case_no, "rejection")


def test_staff_of_another_site_cannot_see_a_case(db, hall):
    from common.services.permissions import Actor
    from common.domain import Role

    r = cases.accept_promised(db, hall.actors["C001"], request(hall, "PRO-001"), now=at(2026, 3, 2))
    stranger = Actor(staff_id=None, staff_no="X1", name="外站", roles=frozenset({Role.CLERK}), site_id=hall.site_id + 99)
    with pytest.raises(PermissionDenied):
        cases.get_case(db, stranger, r.case_no)
    assert cases.get_case(db, hall.actors["S001"], r.case_no).case_no == r.case_no


def test_batch_entry_report(db, hall):
    clerk, supervisor = hall.actors["C001"], hall.actors["S001"]
    real_now = dt.datetime.now(dt.timezone.utc)
    with db.write() as s:
        tickets = []
        for seq, served in ((1, real_now - dt.timedelta(days=2)), (2, real_now - dt.timedelta(minutes=20))):
            t = Ticket(site_id=hall.site_id, queue_id=_queue(s, hall), origin_queue_id=_queue(s, hall),
                       business_day=served.date(), seq=seq, number=f"A{seq:03d}", issued_at=served,
                       queued_at=served, started_at=served)
            s.add(t)
            s.flush()
            tickets.append(t.id)
    late = cases.accept_promised(db, clerk, request(hall, "PRO-001", ticket_id=tickets[0]))  # DB clock
    prompt = cases.accept_promised(db, clerk, request(hall, "PRO-001", ticket_id=tickets[1]))
    # a burst of 5 cases entered within 10 minutes on Friday 2026-03-06 (last working day of the week) and
    # 5 on Wednesday 2026-03-04: only the Friday burst is flagged
    burst, midweek = [], []
    for day, bucket in ((6, burst), (4, midweek)):
        for i in range(5):
            r = cases.accept_promised(db, clerk, request(hall, "PRO-001"), now=at(2026, 3, day, 17, 2 * i))
            bucket.append(r.case_no)
            with db.write() as s:
                s.execute(update(Case).where(Case.case_no == r.case_no).values(created_at=at(2026, 3, day, 17, 2 * i)))
    with pytest.raises(PermissionDenied):
        cases.batch_entry_report(db, clerk, hall.site_id, dt.date(2026, 3, 1), dt.date(2026, 3, 31))
    march = cases.batch_entry_report(db, supervisor, hall.site_id, dt.date(2026, 3, 1), dt.date(2026, 3, 31))
    assert sorted(r.case_no for r in march) == sorted(burst)
    assert all("集中录入" in r.reasons[0] and r.staff_name == "张三" for r in march)
    today = real_now.astimezone(at(2026, 1, 1).tzinfo).date()
    recent = cases.batch_entry_report(db, supervisor, hall.site_id, today - dt.timedelta(days=1), today)
    flagged = {r.case_no: r for r in recent}
    assert late.case_no in flagged and prompt.case_no not in flagged
    assert flagged[late.case_no].lag_hours >= 47 and "补录" in flagged[late.case_no].reasons[0]


def _queue(s, hall) -> int:
    from common.db.models import Queue

    qid = s.scalar(select(Queue.id).where(Queue.site_id == hall.site_id, Queue.prefix == "A"))
    if qid is None:
        q = Queue(site_id=hall.site_id, prefix="A", name="综合业务")
        s.add(q)
        s.flush()
        qid = q.id
    return qid
