"""The working-day calendar as the hall sees it: chinesecalendar plus the hall's overrides in the database."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session

from common.db.engine import Database
from common.db.models import CalendarOverride as OverrideRow
from common.db.models import HallOpeningDay
from common.domain import Role
from common.errors import Conflict, InvalidInput
from common.services.permissions import Actor, require
from common.workdays import (
    CalendarOverride,
    CalendarRangeError,
    HallOpeningCalendar,
    OpeningOverride,
    PROVISIONAL_MARK,
    WorkingCalendar,
    statutory_holidays,
)


@dataclass(frozen=True)
class DayInfo:
    day: dt.date
    weekday: str
    working: bool | None  # None: outside the known years
    name: str
    overridden: bool
    hall_open: bool | None
    hours: str


WEEKDAYS = "一二三四五六日"


def working_calendar_in(session: Session, site_id: int | None = None) -> WorkingCalendar:
    """Global overrides, then the site's own (a site's row wins over a global one for the same day)."""
    rows = session.execute(
        select(OverrideRow.day, OverrideRow.is_workday, OverrideRow.name, OverrideRow.site_id)
        .where(or_(OverrideRow.site_id.is_(None), OverrideRow.site_id == site_id))
        .order_by(OverrideRow.site_id.is_not(None))  # global first, site-specific last so it wins
    ).all()
    return WorkingCalendar([CalendarOverride(r.day, r.is_workday, r.name) for r in rows])


def load_working_calendar(db: Database, site_id: int | None = None) -> WorkingCalendar:
    with db.read() as s:
        return working_calendar_in(s, site_id)


def opening_calendar_in(session: Session, site_id: int, working: WorkingCalendar | None = None) -> HallOpeningCalendar:
    rows = session.scalars(select(HallOpeningDay).where(HallOpeningDay.site_id == site_id)).all()
    return HallOpeningCalendar(
        overrides=[OpeningOverride(r.day, r.is_open, r.opens_at, r.closes_at, r.note) for r in rows],
        working_calendar=working or working_calendar_in(session, site_id),
    )


def set_override(db: Database, actor: Actor, day: dt.date, is_workday: bool, name: str = "",
                 site_id: int | None = None) -> None:
    """Enter one day of the official announcement (放假/调休上班) when the package lags.

    The first day entered for a year drops that year's provisional (预估) rows: the announcement is entered whole."""
    require(actor, Role.MANAGER, action="修改法定工作日历")
    if len(name) > 60:
        raise InvalidInput("名称过长（最多 60 个字）。")
    with db.write() as s:
        if site_id is None:  # the announcement replaces the whole estimate of its year
            s.execute(delete(OverrideRow).where(
                OverrideRow.site_id.is_(None), OverrideRow.name.endswith(PROVISIONAL_MARK),
                OverrideRow.day >= dt.date(day.year, 1, 1), OverrideRow.day <= dt.date(day.year, 12, 31)))
        row = s.scalar(select(OverrideRow).where(OverrideRow.day == day, OverrideRow.site_id.is_(None) if site_id is None
                                                 else OverrideRow.site_id == site_id))
        if row is None:
            s.add(OverrideRow(day=day, is_workday=is_workday, name=name, site_id=site_id))
        else:
            row.is_workday, row.name = is_workday, name
        _audit(s, actor, "calendar.set", str(day), {"is_workday": is_workday, "name": name, "site_id": site_id})


def enter_provisional_in(session: Session, year: int) -> int:
    """Enter a year's statutory days off (see `statutory_holidays`), marked 预估, as global overrides.

    For a year neither chinesecalendar nor the hall knows, so deadlines into it can be computed and are
    visibly provisional until the announcement is entered. Returns the number of days entered."""
    cal = working_calendar_in(session)
    if year in cal.known_years():
        raise Conflict(f"{year} 年的节假日安排已经有了（内置数据或大厅录入），不需要预估。")
    rows = statutory_holidays(year)
    for r in rows:
        session.add(OverrideRow(day=r.day, is_workday=False, name=r.name, site_id=None))
    return len(rows)


def enter_provisional_year(db: Database, actor: Actor, year: int) -> int:
    """`hall calendar provisional YEAR`: the law's days off for a year not yet announced."""
    require(actor, Role.MANAGER, action="修改法定工作日历")
    with db.write() as s:
        count = enter_provisional_in(s, year)
        _audit(s, actor, "calendar.provisional", str(year), {"days": count})
        return count


def years_missing_through(session: Session, last_day: dt.date) -> list[int]:
    """Years after the built-in data, up to `last_day`'s, whose days off nobody has entered."""
    cal = working_calendar_in(session)
    first = cal.library_years()[1] + 1
    return [y for y in range(first, last_day.year + 1) if y not in cal.known_years()]


def remove_override(db: Database, actor: Actor, day: dt.date, site_id: int | None = None) -> bool:
    require(actor, Role.MANAGER, action="修改法定工作日历")
    with db.write() as s:
        result = s.execute(delete(OverrideRow).where(
            OverrideRow.day == day, OverrideRow.site_id.is_(None) if site_id is None else OverrideRow.site_id == site_id))
        _audit(s, actor, "calendar.unset", str(day), {"site_id": site_id})
        return result.rowcount > 0


def set_opening_day(db: Database, actor: Actor, site_id: int, day: dt.date, is_open: bool,
                    hours: tuple[dt.time, dt.time] | None = None, note: str = "") -> None:
    """The hall's own opening calendar, e.g. 星期六加班服务 (001)."""
    require(actor, Role.MANAGER, action="修改大厅开放日历")
    if hours and hours[0] >= hours[1]:
        raise InvalidInput("开放时间的开始必须早于结束，例如 09:00-12:00。")
    with db.write() as s:
        row = s.scalar(select(HallOpeningDay).where(HallOpeningDay.site_id == site_id, HallOpeningDay.day == day))
        if row is None:
            row = HallOpeningDay(site_id=site_id, day=day, is_open=is_open)
            s.add(row)
        row.is_open, row.note = is_open, note
        row.opens_at, row.closes_at = (hours or (None, None))
        _audit(s, actor, "opening.set", str(day), {"site_id": site_id, "is_open": is_open, "note": note,
                                                   "hours": [str(h) for h in hours] if hours else None})


def month_view(db: Database, year: int, month: int, site_id: int | None = None) -> list[DayInfo]:
    with db.read() as s:
        cal = working_calendar_in(s, site_id)
        overridden = set(s.scalars(select(OverrideRow.day).where(
            or_(OverrideRow.site_id.is_(None), OverrideRow.site_id == site_id))).all())
        opening = opening_calendar_in(s, site_id, cal) if site_id is not None else None
    first = dt.date(year, month, 1)
    days = []
    d = first
    while d.month == month:
        try:
            working: bool | None = cal.is_working_day(d)
            name = cal.holiday_name(d) or ("调休上班" if cal.is_makeup_workday(d) else "")
        except CalendarRangeError:
            working, name = None, "（未知年份）"
        hall_open, hours = None, ""
        if opening is not None:
            try:
                span = opening.hours(d)
                hall_open = span is not None
                hours = f"{span[0]:%H:%M}–{span[1]:%H:%M}" if span else ""
            except CalendarRangeError:
                pass
        days.append(DayInfo(d, "星期" + WEEKDAYS[d.weekday()], working, name, d in overridden, hall_open, hours))
        d += dt.timedelta(days=1)
    return days


def _audit(session: Session, actor: Actor, action: str, entity_id: str, detail: dict) -> None:
    from common.services import audit

    audit.record(session, actor, action, entity="calendar", entity_id=entity_id, detail=detail)
