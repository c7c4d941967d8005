"""首问负责: consultations are recorded with where the citizen was sent, and listed per day."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from common.db.models import AuditLog
from common.errors import InvalidInput, NotFound, PermissionDenied
from common.services import consultations as cs
from common.services.permissions import SYSTEM
from tests.common.services.test_attendance import DAY, NOW, make_hall, make_ticket


@pytest.fixture
def hall(db):
    return make_hall(db)


def test_consultation_recorded_and_listed(db, hall):
    clerk, other = hall.actors["C001"], hall.actors["C002"]
    tid = make_ticket(db, hall, "A", 1)
    info = cs.record_consultation(
        db, clerk, hall.windows[1], "  咨询二手房过户需要哪些材料 ", "2号窗口 不动产登记", ticket_id=tid, now=NOW
    )
    assert info.topic == "咨询二手房过户需要哪些材料" and info.directed_to == "2号窗口 不动产登记"
    assert (info.staff_name, info.window_number, info.ticket_number) == ("张三", 1, "A001")
    assert info.created_at == NOW
    cs.record_consultation(db, other, hall.windows[2], "社保卡补办", "3号窗口 社保医保", now=NOW + dt.timedelta(hours=1))
    # the next business day is listed separately
    cs.record_consultation(db, other, hall.windows[2], "明天的问题", "当场解答", now=NOW + dt.timedelta(days=1))

    assert [c.topic for c in cs.list_consultations(db, clerk, DAY)] == ["咨询二手房过户需要哪些材料"]
    supervisor = hall.actors["S001"]
    assert [c.staff_no for c in cs.list_consultations(db, supervisor, DAY)] == ["C001", "C002"]
    assert [c.window_number for c in cs.list_consultations(db, supervisor, DAY, window_id=hall.windows[2])] == [2]
    with db.read() as s:
        assert s.scalar(select(AuditLog.action).where(AuditLog.action == "consultation.record")) is not None


def test_consultation_validation(db, hall):
    clerk = hall.actors["C001"]
    w1 = hall.windows[1]
    with pytest.raises(InvalidInput):
        cs.record_consultation(db, clerk, w1, "   ", "2号窗口", now=NOW)
    with pytest.raises(InvalidInput):
        cs.record_consultation(db, clerk, w1, "问" * 501, "2号窗口", now=NOW)
    with pytest.raises(InvalidInput):
        cs.record_consultation(db, clerk, w1, "问题", "", now=NOW)
    with pytest.raises(NotFound):
        cs.record_consultation(db, clerk, w1, "问题", "2号窗口", item_code="NO-SUCH-ITEM", now=NOW)
    with pytest.raises(PermissionDenied):
        cs.record_consultation(db, SYSTEM, w1, "问题", "2号窗口", now=NOW)
    assert cs.record_consultation(db, clerk, w1, "问" * 500, "2号窗口", now=NOW).id > 0
