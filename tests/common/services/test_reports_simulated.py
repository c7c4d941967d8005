"""Two simulated days in the demo hall (through the real services): the report agrees with the raw records and
with the other services, and shows the situations the simulation staged."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from common.db.models import Case, CaseEvent, Rating, Ticket
from common.domain import TicketStatus
from common.errors import Conflict
from common.services.demo_activity import simulate_days, simulation_days
from common.services.ratings import rating_stats
from common.services.reports import hall_report, week_period
from tests.common.services.test_reports import TZ, demo_hall

END = dt.date(2026, 11, 20)


def test_simulated_days_and_their_report(db):
    hall = demo_hall(db)
    summary = simulate_days(db, 2, seed=1, end_day=END, scale=0.25)
    week = week_period(END)
    now = dt.datetime(2026, 11, 23, 10, 0, tzinfo=TZ)
    report = hall_report(db, hall.actor("1901"), hall.site_id, week.day_from, week.day_to, now=now)
    assert summary.days == [dt.date(2026, 11, 19), END]
    assert summary.tickets > 100 and summary.cases > 50 and summary.decisions > 0
    o = report.overview
    with db.read() as s:
        tickets = s.scalar(select(func.count(Ticket.id)))
        done = s.scalar(select(func.count(Ticket.id)).where(Ticket.status == TicketStatus.DONE))
        no_show = s.scalar(select(func.count(Ticket.id)).where(Ticket.status == TicketStatus.NO_SHOW))
        n_cases = s.scalar(select(func.count(Case.id)))
        rated = s.scalar(select(func.count(Rating.id)).where(Rating.rated.is_(True)))
        skipped = s.scalar(select(func.count(Rating.id)).where(Rating.rated.is_(False)))
        first_event, last_event = s.execute(select(func.min(CaseEvent.at), func.max(CaseEvent.at))).one()
        first_case, last_case = s.execute(select(func.min(Case.created_at), func.max(Case.created_at))).one()
    assert (o.tickets_issued, o.tickets_served, o.tickets_no_show) == (tickets, done, no_show)
    assert o.tickets_served == summary.served and o.tickets_no_show == summary.no_show
    assert o.cases_total == n_cases == summary.cases
    assert o.cases_by_type == summary.cases_by_type
    assert (o.ratings_rated, o.ratings_skipped) == (rated, skipped) == (summary.ratings, summary.skipped_ratings)
    assert o.complaints == summary.complaints == 2
    # the database clock columns were set to the simulated instants
    lo = dt.datetime(2026, 11, 19, 8, 0, tzinfo=TZ)
    hi = dt.datetime(2026, 11, 20, 19, 0, tzinfo=TZ)
    for value in (first_event, last_event, first_case, last_case):
        assert lo <= value <= hi
    # the same rating figures as the rating service
    stats = {x.key: x for x in rating_stats(db, hall.site_id, END - dt.timedelta(days=1), END, "window")}
    for row in report.windows:
        if row.window_id in stats:
            st = stats[row.window_id]
            assert (row.served, row.rated, row.missed) == (st.served, st.rated, st.missed)
            assert row.rating_rate == pytest.approx(st.rating_rate)
    # plausible figures
    assert 0 < o.wait_avg_min < 60 and 0.5 < o.service_level <= 1
    assert 0.3 < o.immediate_share < 0.9 and 0.9 < o.satisfaction <= 1 and 0.9 < o.rating_rate <= 1
    assert sum(d.issued for d in report.daily) == tickets and len(report.daily) == 7

    # the situations the simulation staged are in the report
    text = "\n".join(summary.scenarios)
    assert "缺岗" in text and "只进人不办事" in text and "即办即录" in text and "体外循环" in text
    late_day = summary.days[1]
    assert any(u.day == late_day and not u.live for u in report.unstaffed)
    assert any(i.day == summary.days[-1] for i in report.idle_windows)
    outside = next(x.split(" 的进驻事项")[0] for x in summary.scenarios if "体外循环" in x)
    assert any(w.kind == "outside_loop" and w.subject == outside for w in report.warnings)
    kinds = {w.kind for w in report.warnings}
    assert {"unstaffed", "idle_window", "outside_loop", "explanation"} <= kinds

    # the same days are not simulated twice
    with pytest.raises(Conflict):
        simulate_days(db, 1, seed=2, end_day=END, scale=0.1)


def test_simulation_days_are_working_days(db):
    hall = demo_hall(db)
    site, days = simulation_days(hall.db, 3, end_day=dt.date(2026, 11, 23))
    assert site.code == "COUNTY" and days == [dt.date(2026, 11, 19), dt.date(2026, 11, 20), dt.date(2026, 11, 23)]
