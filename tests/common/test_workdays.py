"""Tests for common.workdays: the legal working-day calendar and the hall's opening calendar."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

import chinese_calendar
import pytest

from common.workdays import (
    CalendarOverride,
    CalendarRangeError,
    HallOpeningCalendar,
    OpeningOverride,
    WorkingCalendar,
    default_weekly_hours,
)

D = date

# State Council announcement for 2026 (国务院办公厅关于2026年部分节假日安排的通知):
HOLIDAYS_2026 = {
    "元旦": (D(2026, 1, 1), D(2026, 1, 3)),
    "春节": (D(2026, 2, 15), D(2026, 2, 23)),
    "清明节": (D(2026, 4, 4), D(2026, 4, 6)),
    "劳动节": (D(2026, 5, 1), D(2026, 5, 5)),
    "端午节": (D(2026, 6, 19), D(2026, 6, 21)),
    "中秋节": (D(2026, 9, 25), D(2026, 9, 27)),
    "国庆节": (D(2026, 10, 1), D(2026, 10, 7)),
}
MAKEUP_2026 = {
    D(2026, 1, 4): "元旦",  # Sunday
    D(2026, 2, 14): "春节",  # Saturday
    D(2026, 2, 28): "春节",  # Saturday
    D(2026, 5, 9): "劳动节",  # Saturday
    D(2026, 9, 20): "国庆节",  # Sunday
    D(2026, 10, 10): "国庆节",  # Saturday
}


@pytest.fixture
def cal() -> WorkingCalendar:
    return WorkingCalendar()


def days(first: date, last: date):
    d = first
    while d <= last:
        yield d
        d += timedelta(days=1)


def brute_add(start: date, n: int) -> date:
    """Oracle straight from chinesecalendar: the n-th working day after start."""
    d = start
    while n:
        d += timedelta(days=1)
        if chinese_calendar.is_workday(d):
            n -= 1
    return d


# -- coverage of the installed package ------------------------------------------------------


def test_installed_chinesecalendar_covers_2026(cal):
    first, last = cal.library_years()
    assert first <= 2025 and last >= 2026
    assert 2026 in cal.known_years()
    # The package itself must know the 2026 make-up days (not just weekday arithmetic).
    assert chinese_calendar.is_workday(D(2026, 2, 14))


# -- the 2026 calendar --------------------------------------------------------------------


@pytest.mark.parametrize("name,span", list(HOLIDAYS_2026.items()))
def test_2026_holidays_are_not_working_days(cal, name, span):
    for d in days(*span):
        assert not cal.is_working_day(d), d
        assert cal.is_legal_holiday(d), d
        assert cal.holiday_name(d) == name


@pytest.mark.parametrize("day,name", list(MAKEUP_2026.items()))
def test_2026_makeup_days_are_working_days(cal, day, name):
    assert day.weekday() >= 5
    assert cal.is_working_day(day)
    assert cal.is_makeup_workday(day)
    assert not cal.is_legal_holiday(day)
    assert cal.holiday_name(day) == name


def test_2026_whole_year_matches_package_and_announcement(cal):
    off = {d for span in HOLIDAYS_2026.values() for d in days(*span)}
    count = 0
    for d in days(D(2026, 1, 1), D(2026, 12, 31)):
        expected = d in MAKEUP_2026 or (d.weekday() < 5 and d not in off)
        assert cal.is_working_day(d) is expected, d
        assert cal.is_working_day(d) is chinese_calendar.is_workday(d), d
        count += expected
    assert count == len(cal.working_days_in(D(2026, 1, 1), D(2026, 12, 31)))


def test_plain_weekend_is_neither_working_nor_legal_holiday(cal):
    assert not cal.is_working_day(D(2026, 3, 7))  # Saturday
    assert not cal.is_legal_holiday(D(2026, 3, 7))
    assert cal.holiday_name(D(2026, 3, 7)) is None
    assert cal.holiday_name(D(2026, 3, 9)) is None


# -- deadlines ----------------------------------------------------------------------------


def test_national_day_2026(cal):
    last_before = D(2026, 9, 30)  # Wednesday, last working day before the break
    assert cal.is_working_day(last_before)
    assert cal.add_working_days(last_before, 1) == D(2026, 10, 8)
    assert cal.add_working_days(last_before, 3) == D(2026, 10, 10)  # make-up Saturday
    # Oct 8 Thu, 9 Fri, 10 Sat (调休), 12 Mon, 13 Tue
    assert cal.add_working_days(last_before, 5) == D(2026, 10, 13)
    assert cal.working_days_between(last_before, D(2026, 10, 13)) == 5


def test_national_day_2026_makeup_sunday_before(cal):
    # Friday 18 Sep + 1 = Sunday 20 Sep (调休上班)
    assert cal.add_working_days(D(2026, 9, 18), 1) == D(2026, 9, 20)
    assert cal.add_working_days(D(2026, 9, 18), 2) == D(2026, 9, 21)


def test_spring_festival_2026(cal):
    # The last working day before the break is the make-up Saturday 14 Feb.
    assert cal.previous_working_day(D(2026, 2, 15)) == D(2026, 2, 14)
    assert cal.add_working_days(D(2026, 2, 14), 1) == D(2026, 2, 24)
    # 24 Tue, 25 Wed, 26 Thu, 27 Fri, 28 Sat (调休)
    assert cal.add_working_days(D(2026, 2, 14), 5) == D(2026, 2, 28)
    assert cal.add_working_days(D(2026, 2, 13), 5) == D(2026, 2, 27)
    assert cal.add_working_days(D(2026, 2, 13), 6) == D(2026, 2, 28)
    assert cal.add_working_days(D(2026, 2, 13), 7) == D(2026, 3, 2)


def test_statutory_twenty_days_across_national_day(cal):
    # 行政许可法 20 working days from Friday 18 Sep 2026.
    due = cal.add_working_days(D(2026, 9, 18), 20)
    assert due == brute_add(D(2026, 9, 18), 20)
    assert due == D(2026, 10, 22)


def test_acceptance_day_does_not_count(cal):
    assert cal.add_working_days(D(2026, 3, 9), 1) == D(2026, 3, 10)  # Mon -> Tue
    assert cal.add_working_days(D(2026, 3, 13), 1) == D(2026, 3, 16)  # Fri -> Mon
    assert cal.add_working_days(D(2026, 3, 7), 1) == D(2026, 3, 9)  # Sat -> Mon
    assert cal.add_working_days(D(2026, 3, 9), 0) == D(2026, 3, 9)
    assert cal.add_working_days(D(2026, 3, 7), 0) == D(2026, 3, 7)


def test_negative_counts_backwards(cal):
    assert cal.add_working_days(D(2026, 10, 8), -1) == D(2026, 9, 30)
    assert cal.add_working_days(D(2026, 2, 24), -1) == D(2026, 2, 14)
    assert cal.working_days_between(D(2026, 10, 13), D(2026, 9, 30)) == -5


def test_accepts_datetimes(cal):
    assert cal.add_working_days(datetime(2026, 9, 30, 16, 45), 5) == D(2026, 10, 13)
    assert cal.is_working_day(datetime(2026, 10, 10, 9, 0))


def test_random_deadlines_match_brute_force(cal):
    rng = random.Random(2026)
    for _ in range(300):
        start = D(2025, 1, 1) + timedelta(days=rng.randrange(0, 640))
        n = rng.randrange(0, 40)
        due = cal.add_working_days(start, n)
        assert due == brute_add(start, n), (start, n)
        assert cal.working_days_between(start, due) == n
        if n:
            assert cal.is_working_day(due)
        # For a working-day start, chinesecalendar's own find_workday agrees.
        if chinese_calendar.is_workday(start):
            assert due == chinese_calendar.find_workday(n, start)


def test_working_days_between(cal):
    assert cal.working_days_between(D(2026, 3, 9), D(2026, 3, 9)) == 0
    assert cal.working_days_between(D(2026, 3, 6), D(2026, 3, 9)) == 1  # (Fri, Mon]
    assert cal.working_days_between(D(2026, 9, 30), D(2026, 10, 7)) == 0
    assert cal.working_days_between(D(2026, 1, 1), D(2026, 1, 31)) == 21  # 22 weekdays - 2 (元旦) + 1 (Sun 4 Jan 调休)


def test_next_working_day(cal):
    assert cal.next_working_day(D(2026, 10, 1)) == D(2026, 10, 8)
    assert cal.next_working_day(D(2026, 10, 8)) == D(2026, 10, 8)
    assert cal.next_working_day(D(2026, 2, 15)) == D(2026, 2, 24)
    assert cal.next_working_day(D(2026, 2, 14)) == D(2026, 2, 14)


# -- overrides and range ------------------------------------------------------------------


def test_out_of_range_year_raises_with_clear_message(cal):
    last = cal.library_years()[1]
    unknown = D(last + 1, 1, 5)
    with pytest.raises(CalendarRangeError) as exc:
        cal.is_working_day(unknown)
    msg = str(exc.value)
    assert unknown.isoformat() in msg
    assert f"{last + 1} 年" in msg
    assert "hall calendar set" in msg
    assert exc.value.year == last + 1
    with pytest.raises(CalendarRangeError):
        cal.is_working_day(D(cal.library_years()[0] - 1, 6, 1))


def test_deadline_running_into_unknown_year_raises(cal):
    last = cal.library_years()[1]
    with pytest.raises(CalendarRangeError):
        cal.add_working_days(D(last, 12, 20), 20)


def test_overrides_win_over_package(cal):
    special = WorkingCalendar(
        {
            D(2026, 3, 9): False,  # a local closure on a Monday
            D(2026, 10, 1): True,  # absurd, but the hall's word wins
        }
    )
    assert cal.is_working_day(D(2026, 3, 9))
    assert not special.is_working_day(D(2026, 3, 9))
    assert special.is_legal_holiday(D(2026, 3, 9))
    assert special.is_working_day(D(2026, 10, 1))
    assert special.add_working_days(D(2026, 3, 6), 1) == D(2026, 3, 10)


def test_overrides_make_next_year_known():
    last = WorkingCalendar().library_years()[1]
    y = last + 1
    jan1 = D(y, 1, 1)
    rows = [
        CalendarOverride(jan1, False, "元旦"),
        CalendarOverride(jan1 + timedelta(days=1), False, "元旦"),
        CalendarOverride(D(y, 1, 10), True, "元旦调休上班"),
    ]
    cal = WorkingCalendar(rows)
    assert y in cal.known_years()
    assert not cal.is_working_day(jan1)
    assert cal.holiday_name(jan1) == "元旦"
    assert cal.is_working_day(D(y, 1, 10))
    assert cal.holiday_name(D(y, 1, 10)) == "元旦调休上班"
    # Outside the override rows the year follows the Monday-Friday rule.
    monday = next(d for d in days(D(y, 3, 1), D(y, 3, 7)) if d.weekday() == 0)
    assert cal.is_working_day(monday)
    assert not cal.is_working_day(monday - timedelta(days=1))
    # A deadline across the year end now works.
    assert cal.add_working_days(D(last, 12, 31), 1) >= jan1
    with pytest.raises(CalendarRangeError):
        cal.is_working_day(D(y + 1, 1, 4))


def test_explicit_override_years():
    last = WorkingCalendar().library_years()[1]
    cal = WorkingCalendar({D(last + 1, 1, 1): False}, override_years=[])
    assert not cal.is_working_day(D(last + 1, 1, 1))  # the row itself still applies
    with pytest.raises(CalendarRangeError):
        cal.is_working_day(D(last + 1, 1, 5))


# -- hall opening calendar ----------------------------------------------------------------


def test_weekly_default_hours():
    hall = HallOpeningCalendar()
    assert hall.hours(D(2026, 3, 9)) == (time(9), time(17))  # Monday
    assert not hall.is_open(D(2026, 3, 7))  # Saturday
    assert hall.next_open_day(D(2026, 3, 7)) == D(2026, 3, 9)


def test_saturday_service():
    week = default_weekly_hours(saturday=(time(9), time(12)))
    hall = HallOpeningCalendar(week)
    assert hall.hours(D(2026, 3, 7)) == (time(9), time(12))
    assert not hall.is_open(D(2026, 3, 8))


def test_opening_overrides():
    hall = HallOpeningCalendar(
        overrides=[
            OpeningOverride(D(2026, 3, 14), True, time(9), time(12), "星期六加班服务"),
            OpeningOverride(D(2026, 3, 10), False, note="系统升级停止服务"),
            OpeningOverride(D(2026, 3, 21), True),  # open, usual working-day hours
        ]
    )
    assert hall.hours(D(2026, 3, 14)) == (time(9), time(12))
    assert hall.note(D(2026, 3, 14)) == "星期六加班服务"
    assert not hall.is_open(D(2026, 3, 10))
    assert hall.next_open_day(D(2026, 3, 10)) == D(2026, 3, 11)
    assert hall.hours(D(2026, 3, 21)) == (time(9), time(17))


def test_closed_on_legal_holidays_and_open_on_makeup_days(cal):
    week = default_weekly_hours(saturday=(time(9), time(12)))
    hall = HallOpeningCalendar(week, working_calendar=cal)
    assert not hall.is_open(D(2026, 10, 1))
    assert not hall.is_open(D(2026, 10, 3))  # a Saturday inside National Day
    assert hall.note(D(2026, 10, 3)) == "国庆节"
    assert hall.hours(D(2026, 10, 10)) == (time(9), time(17))  # 调休 Saturday: full day
    assert hall.hours(D(2026, 9, 20)) == (time(9), time(17))  # 调休 Sunday
    assert hall.hours(D(2026, 3, 7)) == (time(9), time(12))  # ordinary Saturday service
    assert hall.next_open_day(D(2026, 10, 1)) == D(2026, 10, 8)
    assert hall.next_open_day(D(2026, 2, 15)) == D(2026, 2, 24)


def test_holiday_handling_can_be_switched_off(cal):
    hall = HallOpeningCalendar(
        working_calendar=cal, closed_on_legal_holidays=False, open_on_makeup_workdays=False
    )
    assert hall.is_open(D(2026, 10, 1))  # a Thursday; weekly default applies
    assert not hall.is_open(D(2026, 10, 10))


def test_override_beats_holiday(cal):
    hall = HallOpeningCalendar(
        working_calendar=cal,
        overrides={D(2026, 10, 5): OpeningOverride(D(2026, 10, 5), True, time(10), time(15), "国庆值班")},
    )
    assert hall.hours(D(2026, 10, 5)) == (time(10), time(15))
    assert hall.note(D(2026, 10, 5)) == "国庆值班"


def test_is_open_at():
    hall = HallOpeningCalendar()
    assert hall.is_open_at(datetime(2026, 3, 9, 9, 0))
    assert not hall.is_open_at(datetime(2026, 3, 9, 17, 0))
    assert not hall.is_open_at(datetime(2026, 3, 9, 8, 59))


def test_next_open_day_gives_up():
    hall = HallOpeningCalendar({})
    assert hall.next_open_day(D(2026, 3, 9)) is None


def test_bad_hours_rejected():
    with pytest.raises(ValueError):
        HallOpeningCalendar({0: (time(17), time(9))})
    with pytest.raises(ValueError):
        HallOpeningCalendar(overrides=[OpeningOverride(D(2026, 3, 9), True, time(9), None)])


# -- a year not announced yet -------------------------------------------------------------


def test_statutory_holidays_follow_the_law_for_an_unannounced_year():
    from common.workdays import PROVISIONAL_MARK, statutory_holidays

    estimate = statutory_holidays(2027)
    assert all(r.name.endswith(PROVISIONAL_MARK) and not r.is_workday for r in estimate)
    rows = {r.day: r.name for r in estimate}
    # 2027: 春节 is 2027-02-06 (除夕 02-05), 清明 04-05, 端午 06-09, 中秋 09-15.
    assert [d for d, n in rows.items() if n.startswith("春节")][:4] == [D(2027, 2, 5), D(2027, 2, 6), D(2027, 2, 7),
                                                                        D(2027, 2, 8)]
    # 除夕 and 初一 fall on Friday/Saturday, 初二 on Sunday: two weekend days are made up on Tue/Wed after the break.
    assert rows[D(2027, 2, 9)].startswith("春节") and rows[D(2027, 2, 10)].startswith("春节")
    assert rows[D(2027, 4, 5)].startswith("清明") and rows[D(2027, 6, 9)].startswith("端午")
    assert rows[D(2027, 9, 15)].startswith("中秋") and rows[D(2027, 1, 1)].startswith("元旦")
    # 国庆 10-01..03 with 10-02 (Sat) and 10-03 (Sun) made up on Mon 10-04 and Tue 10-05.
    assert [d for d, n in rows.items() if n.startswith("国庆")] == [D(2027, 10, d) for d in range(1, 6)]


def test_statutory_rule_matches_the_announced_years_where_no_bridging_happened():
    """Where the State Council did not bridge or shift, the law alone gives the announced days off."""
    from common.workdays import statutory_holidays

    lib = WorkingCalendar()
    # 2025 端午 (Sat 05-31, made up Mon 06-02) and 2026 清明 (Sun 04-05, made up Mon 04-06) as announced.
    for year, festival in ((2025, "端午"), (2026, "清明")):
        estimated = [r.day for r in statutory_holidays(year) if r.name.startswith(festival)]
        assert all(lib.is_legal_holiday(d) for d in estimated), (year, festival, estimated)


def test_provisional_years_are_reported():
    from common.workdays import statutory_holidays

    last = WorkingCalendar().library_years()[1]
    cal = WorkingCalendar(statutory_holidays(last + 1))
    assert cal.provisional_years() == [last + 1]
    assert not cal.is_working_day(statutory_holidays(last + 1)[0].day)
    assert WorkingCalendar().provisional_years() == []
