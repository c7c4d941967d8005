"""好差评 from the rating pad: once per ticket, skipped ratings count, low ratings need reasons; statistics."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from common.db.models import HallEvent, Rating
from common.domain import TicketStatus
from common.errors import Conflict, InvalidInput, NotFound
from common.services import ratings as rt
from tests.common.services.test_attendance import DAY, NOW, make_hall, make_ticket


@pytest.fixture
def hall(db):
    return make_hall(db)


def _done(db, hall, prefix, seq, window, staff_no, minutes_ago=1):
    return make_ticket(
        db, hall, prefix, seq, TicketStatus.DONE, window=window, staff_no=staff_no,
        finished_at=NOW - dt.timedelta(minutes=minutes_ago),
    )


def test_constants():
    assert rt.LOW_RATING_REASONS[:2] == ["服务态度差", "办事效率低"] and "其他" in rt.LOW_RATING_REASONS
    assert rt.LEVELS == [(5, "非常满意"), (4, "满意"), (3, "基本满意"), (2, "不满意"), (1, "非常不满意")]


def test_pending_rating_then_rate_once(db, hall):
    w1, clerk = hall.windows[1], hall.staff["C001"]
    assert rt.pending_rating(db, w1, now=NOW) is None
    _done(db, hall, "A", 1, 1, "C001", minutes_ago=5)
    tid = _done(db, hall, "A", 2, 1, "C001", minutes_ago=1)
    p = rt.pending_rating(db, w1, now=NOW)
    assert (p.ticket_id, p.ticket_number, p.staff_name, p.staff_no, p.window_number) == (tid, "A002", "张三", "C001", 1)

    info = rt.submit_rating(
        db, ticket_id=tid, window_id=w1, staff_id=clerk, level=5,
        dimensions={"attitude": 5, "efficiency": 4}, reasons=[], comment="很好", now=NOW,
    )
    assert info.rated and info.level_label == "非常满意" and info.dimensions == {"attitude": 5, "efficiency": 4}
    assert info.business_day == DAY
    # the newest ticket is rated: the pad stops asking (the older one counts as missed)
    assert rt.pending_rating(db, w1, now=NOW) is None
    with pytest.raises(Conflict):
        rt.submit_rating(db, ticket_id=tid, window_id=w1, staff_id=clerk, level=4, now=NOW)
    with db.read() as s:
        assert len(s.scalars(select(Rating)).all()) == 1
        assert s.scalar(select(HallEvent.kind).where(HallEvent.kind == "rating.submitted")) is not None


def test_pending_rating_expires_after_ten_minutes(db, hall):
    _done(db, hall, "A", 1, 1, "C001", minutes_ago=11)
    assert rt.pending_rating(db, hall.windows[1], now=NOW) is None
    assert rt.pending_rating(db, hall.windows[2], now=NOW) is None


def test_low_rating_needs_reasons_and_valid_scores(db, hall):
    tid = _done(db, hall, "A", 1, 1, "C001")
    kw = dict(ticket_id=tid, window_id=hall.windows[1], staff_id=hall.staff["C001"], now=NOW)
    with pytest.raises(InvalidInput) as exc:
        rt.submit_rating(db, level=2, **kw)
    assert exc.value.message == "请选择不满意的原因。"
    for bad in (0, 6, True, "5"):
        with pytest.raises(InvalidInput):
            rt.submit_rating(db, level=bad, **kw)
    with pytest.raises(InvalidInput):
        rt.submit_rating(db, level=4, dimensions={"attitude": 9}, **kw)
    with pytest.raises(InvalidInput):
        rt.submit_rating(db, level=1, reasons=["随便写的"], **kw)
    info = rt.submit_rating(db, level=1, reasons=["等候时间长", "其他"], comment="等了一小时", **kw)
    assert info.reasons == ["等候时间长", "其他"] and info.level_label == "非常不满意"


def test_rating_needs_a_served_ticket(db, hall):
    waiting = make_ticket(db, hall, "A", 1)
    with pytest.raises(Conflict):
        rt.submit_rating(db, ticket_id=waiting, window_id=hall.windows[1], staff_id=hall.staff["C001"], level=5)
    with pytest.raises(NotFound):
        rt.submit_rating(db, ticket_id=9999, window_id=hall.windows[1], staff_id=hall.staff["C001"], level=5)
    with pytest.raises(InvalidInput):
        rt.submit_rating(db, window_id=hall.windows[1], staff_id=hall.staff["C001"], level=5)


def test_skipped_rating_counts_and_can_be_replaced(db, hall):
    w1, clerk = hall.windows[1], hall.staff["C001"]
    tid = _done(db, hall, "A", 1, 1, "C001")
    skipped = rt.record_skipped(db, ticket_id=tid, window_id=w1, staff_id=clerk, now=NOW)
    assert not skipped.rated and skipped.level is None
    assert rt.record_skipped(db, ticket_id=tid, window_id=w1, staff_id=clerk, now=NOW).id == skipped.id
    assert rt.pending_rating(db, w1, now=NOW) is None
    (stat,) = rt.rating_stats(db, hall.site_id, DAY, DAY)
    assert (stat.served, stat.rated, stat.skipped, stat.rating_rate, stat.owes_explanation) == (1, 0, 1, 0.0, True)
    # the citizen came back and rated after all
    info = rt.submit_rating(db, ticket_id=tid, window_id=w1, staff_id=clerk, level=4, now=NOW)
    assert info.id == skipped.id and info.rated
    with pytest.raises(Conflict):
        rt.record_skipped(db, ticket_id=tid, window_id=w1, staff_id=clerk, now=NOW)
    (stat,) = rt.rating_stats(db, hall.site_id, DAY, DAY)
    assert (stat.rated, stat.skipped, stat.rating_rate, stat.owes_explanation) == (1, 0, 1.0, False)


def test_rating_stats_rate_satisfaction_and_explanation(db, hall):
    w1, w2 = hall.windows[1], hall.windows[2]
    c1, c2 = hall.staff["C001"], hall.staff["C002"]
    t = [_done(db, hall, "A", i, 1, "C001") for i in range(1, 5)]
    u = _done(db, hall, "B", 1, 2, "C002")
    _done(db, hall, "B", 2, 2, "C002")
    rt.submit_rating(db, ticket_id=t[0], window_id=w1, staff_id=c1, level=5, now=NOW)
    rt.submit_rating(db, ticket_id=t[1], window_id=w1, staff_id=c1, level=3, now=NOW)
    rt.submit_rating(db, ticket_id=t[2], window_id=w1, staff_id=c1, level=2, reasons=["办事效率低"], now=NOW)
    rt.record_skipped(db, ticket_id=t[3], window_id=w1, staff_id=c1, now=NOW)
    rt.submit_rating(db, ticket_id=u, window_id=w2, staff_id=c2, level=5, now=NOW)

    s1, s2 = rt.rating_stats(db, hall.site_id, DAY, DAY, by="window")
    assert (s1.key, s1.name) == (w1, "1号窗口 综合受理")
    assert (s1.served, s1.rated, s1.skipped, s1.missed, s1.low_count) == (4, 3, 1, 1, 1)
    assert s1.rating_rate == pytest.approx(0.75)
    assert s1.satisfaction == pytest.approx(2 / 3) and s1.very_satisfied == pytest.approx(1 / 3)
    assert s1.owes_explanation and len(s1.explanation_reasons) == 2
    assert s1.by_level == {5: 1, 4: 0, 3: 1, 2: 1, 1: 0}
    # window 2: one of two served tickets never rated -> 漏评, although everyone who rated was satisfied
    assert (s2.served, s2.rated, s2.rating_rate, s2.satisfaction) == (2, 1, 0.5, 1.0)
    assert s2.owes_explanation and s2.explanation_reasons == ["漏评 1 次"]

    by_staff = {r.key: r for r in rt.rating_stats(db, hall.site_id, DAY, DAY, by="staff")}
    assert by_staff[c1].name == "张三（C001）" and by_staff[c1].served == 4
    assert by_staff[c2].rated == 1
    assert rt.rating_stats(db, hall.site_id, DAY + dt.timedelta(days=1), DAY + dt.timedelta(days=1)) == []
    with pytest.raises(InvalidInput):
        rt.rating_stats(db, hall.site_id, DAY, DAY, by="queue")


def test_full_satisfaction_owes_nothing(db, hall):
    tid = _done(db, hall, "C", 1, 3, "C004")
    rt.submit_rating(db, ticket_id=tid, window_id=hall.windows[3], staff_id=hall.staff["C004"], level=3, now=NOW)
    (stat,) = rt.rating_stats(db, hall.site_id, DAY, DAY)
    assert (stat.rating_rate, stat.satisfaction, stat.very_satisfied, stat.owes_explanation) == (1.0, 1.0, 0.0, False)
