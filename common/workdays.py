"""Legal working days (工作日) and the hall's own opening days (开放日).

Two calendars, kept apart on purpose:

* :class:`WorkingCalendar` answers "is this a legal working day?" and computes deadlines
  (法定时限 / 承诺时限 in working days). Sources, in order: the hall's overrides (entered by
  ``hall calendar set``, e.g. next year's State Council announcement before the
  ``chinesecalendar`` package has it), then ``chinesecalendar`` (holidays and 调休 make-up
  working days). A date in a year neither source knows raises :class:`CalendarRangeError`;
  it is never silently taken as a plain weekday, because a wrong deadline is worse than none.

* :class:`HallOpeningCalendar` answers "is the hall open, and when?" (a hall may open some
  Saturdays: 星期六加班服务). It never changes how deadlines are counted.

Pure module: the DB layer loads ``calendar_override`` / ``hall_opening_day`` rows and passes
them in as :class:`CalendarOverride` / :class:`OpeningOverride` values or plain mappings.
"""

from __future__ import annotations

from common.errors import HallError

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import chinese_calendar
from chinese_calendar import constants as _cc

__all__ = [
    "CalendarRangeError",
    "CalendarOverride",
    "WorkingCalendar",
    "OpeningOverride",
    "WeeklyHours",
    "HallOpeningCalendar",
    "HOLIDAY_NAMES_ZH",
    "PROVISIONAL_MARK",
    "statutory_holidays",
    "default_weekly_hours",
]


class CalendarRangeError(HallError, LookupError):
    """The working-day status of a date is unknown (its year's holidays were never entered)."""

    def __init__(self, day: date, known: Iterable[int] = ()) -> None:
        self.day = day
        self.year = day.year
        known = sorted(known)
        span = f"（当前已知年份：{_format_years(known)}）" if known else ""
        HallError.__init__(
            self,
            f"无法确定 {day.isoformat()} 是否为工作日：系统中没有 {day.year} 年的节假日安排{span}。"
            f"请管理员运行 `hall calendar set` 录入 {day.year} 年的法定节假日和调休上班日。"
        )


def _format_years(years: list[int]) -> str:
    # Collapse runs: [2004..2026, 2027] -> "2004–2027"
    parts: list[str] = []
    start = prev = years[0]
    for y in years[1:] + [None]:  # type: ignore[list-item]
        if y is not None and y == prev + 1:
            prev = y
            continue
        parts.append(str(start) if start == prev else f"{start}–{prev}")
        if y is not None:
            start = prev = y
    return "、".join(parts)


# chinesecalendar names festivals in English; the hall shows Chinese.
HOLIDAY_NAMES_ZH: dict[str, str] = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日",
}


@dataclass(frozen=True)
class CalendarOverride:
    """One row of ``calendar_override``: the hall's word on one date.

    ``is_workday=True`` makes the date a working day (e.g. a 调休 Saturday),
    ``False`` makes it a holiday. ``name`` is shown to users, e.g. "春节" or "春节调休上班".
    """

    day: date
    is_workday: bool
    name: str = ""


# Marks a day entered from the law alone, before the State Council announced the year's arrangement.
PROVISIONAL_MARK = "（预估）"


def statutory_holidays(year: int) -> list[CalendarOverride]:
    """A year's days off as 《全国年节及纪念日放假办法》(2024 revision) fixes them, for a year the
    State Council has not announced yet: 元旦 1 day, 春节 4 (除夕–正月初三), 清明 1, 劳动节 2 (5/1–5/2),
    端午 1, 中秋 1, 国庆 3 (10/1–10/3); a statutory day on a weekend is made up on the next weekday
    after its festival (适逢周六、周日，应当在工作日补假).

    The yearly announcement also bridges festivals into longer breaks with make-up working weekends
    (调休); those cannot be derived, so every name ends in :data:`PROVISIONAL_MARK` and the hall
    replaces the rows with `hall calendar set` once the announcement is out.
    """
    from lunardate import LunarDate

    def lunar(month: int, day: int) -> date:
        return LunarDate(year, month, day).to_solar_date()

    spring = lunar(1, 1)
    qingming = next(d for d, name in chinese_calendar.get_solar_terms(date(year, 4, 1), date(year, 4, 10))
                    if name == "清明")
    festivals = [
        ("元旦", [date(year, 1, 1)]),
        ("春节", [spring - timedelta(days=1), spring, spring + timedelta(days=1), spring + timedelta(days=2)]),
        ("清明节", [qingming]),
        ("劳动节", [date(year, 5, 1), date(year, 5, 2)]),
        ("端午节", [lunar(5, 5)]),
        ("中秋节", [lunar(8, 15)]),
        ("国庆节", [date(year, 10, 1), date(year, 10, 2), date(year, 10, 3)]),
    ]
    taken: dict[date, str] = {}
    for name, days in festivals:
        for d in days:
            taken.setdefault(d, name)
    for name, days in sorted(festivals, key=lambda f: f[1][0]):
        owed = sum(1 for d in days if d.weekday() >= 5)
        d = max(days)
        while owed:
            d += timedelta(days=1)
            if d.weekday() < 5 and d not in taken:
                taken[d] = name
                owed -= 1
    return [CalendarOverride(d, False, name + PROVISIONAL_MARK) for d, name in sorted(taken.items())]


def _as_date(d: date) -> date:
    # datetime is a date subclass; compare and hash as a plain date.
    return d.date() if isinstance(d, datetime) else d


class WorkingCalendar:
    """Legal working days: hall overrides first, then ``chinesecalendar``.

    ``overrides`` is a mapping ``date -> bool`` (True = working day) or an iterable of
    :class:`CalendarOverride`. A year counts as known when ``chinesecalendar`` covers it or
    when at least one override falls in it (entering a year's announcement with
    ``hall calendar set`` makes the rest of that year follow the Monday–Friday rule).
    Pass ``override_years`` to state explicitly which years the overrides fully cover;
    then overrides in other years still apply but do not make their year known.
    """

    def __init__(
        self,
        overrides: Mapping[date, bool] | Iterable[CalendarOverride] | None = None,
        *,
        override_years: Iterable[int] | None = None,
    ) -> None:
        self._overrides: dict[date, bool] = {}
        self._names: dict[date, str] = {}
        if overrides is None:
            pass
        elif isinstance(overrides, Mapping):
            for d, working in overrides.items():
                self._overrides[_as_date(d)] = bool(working)
        else:
            for row in overrides:
                d = _as_date(row.day)
                self._overrides[d] = bool(row.is_workday)
                if row.name:
                    self._names[d] = row.name
        lib_years = {d.year for d in _cc.holidays} | {d.year for d in _cc.workdays}
        self._lib_range = (min(lib_years), max(lib_years))
        self._lib_years = frozenset(range(self._lib_range[0], self._lib_range[1] + 1))
        if override_years is None:
            self._override_years = frozenset(d.year for d in self._overrides)
        else:
            self._override_years = frozenset(override_years)

    # -- what is known ----------------------------------------------------

    def known_years(self) -> list[int]:
        """Years whose working days are known (chinesecalendar's plus the overridden ones)."""
        return sorted(self._lib_years | self._override_years)

    def provisional_years(self) -> list[int]:
        """Known years whose days off came from :func:`statutory_holidays`, not an announcement."""
        return sorted({d.year for d, name in self._names.items()
                       if name.endswith(PROVISIONAL_MARK) and d.year not in self._lib_years})

    def library_years(self) -> tuple[int, int]:
        """First and last year the installed ``chinesecalendar`` covers."""
        return self._lib_range

    def _check_known(self, d: date) -> None:
        if d.year not in self._lib_years and d.year not in self._override_years:
            raise CalendarRangeError(d, self.known_years())

    # -- single days ------------------------------------------------------

    def is_working_day(self, d: date) -> bool:
        """True on a legal working day, including 调休 make-up Saturdays/Sundays."""
        d = _as_date(d)
        if d in self._overrides:
            return self._overrides[d]
        self._check_known(d)
        if d.year in self._lib_years:
            return chinese_calendar.is_workday(d)
        return d.weekday() < 5

    def is_legal_holiday(self, d: date) -> bool:
        """True on a statutory holiday day (节假日放假), weekends inside the break included.

        An ordinary weekend is not a legal holiday; neither is a make-up working day.
        """
        d = _as_date(d)
        if d in self._overrides:
            # The hall records a non-working date only to declare a holiday.
            return not self._overrides[d]
        self._check_known(d)
        if d.year in self._lib_years:
            return d in _cc.holidays
        return False

    def is_makeup_workday(self, d: date) -> bool:
        """True on a 调休 day: a Saturday or Sunday that is a working day."""
        d = _as_date(d)
        return d.weekday() >= 5 and self.is_working_day(d)

    def holiday_name(self, d: date) -> str | None:
        """Chinese name of the festival a date belongs to, for holidays and 调休 days alike.

        ``None`` for ordinary days. Override names win; chinesecalendar's English names are
        translated (元旦, 春节, 清明节, 劳动节, 端午节, 中秋节, 国庆节).
        """
        d = _as_date(d)
        if d in self._names:
            return self._names[d]
        if d.year not in self._lib_years:
            return None
        name = _cc.holidays.get(d) or _cc.workdays.get(d)
        if name is None:
            return None
        english = getattr(name, "value", name)
        return HOLIDAY_NAMES_ZH.get(english, english)

    # -- spans ------------------------------------------------------------

    def next_working_day(self, d: date) -> date:
        """``d`` itself if it is a working day, else the first working day after it."""
        d = _as_date(d)
        while not self.is_working_day(d):
            d += timedelta(days=1)
        return d

    def previous_working_day(self, d: date) -> date:
        """``d`` itself if it is a working day, else the last working day before it."""
        d = _as_date(d)
        while not self.is_working_day(d):
            d -= timedelta(days=1)
        return d

    def add_working_days(self, start: date, n: int) -> date:
        """The ``n``-th working day after ``start`` (deadline semantics).

        The day of acceptance does not count, whether or not it is itself a working day:
        a case accepted on Monday with a 1-working-day limit is due on Tuesday; accepted on
        a Saturday, it is due on the following Monday. ``n == 0`` returns ``start``
        unchanged (即办件: due the same day). Negative ``n`` counts backwards (the ``|n|``-th
        working day before ``start``), e.g. for a yellow warning N days before a deadline.
        Raises :class:`CalendarRangeError` if the count runs into an unknown year.
        """
        d = _as_date(start)
        step = timedelta(days=1 if n >= 0 else -1)
        remaining = abs(n)
        while remaining:
            d += step
            if self.is_working_day(d):
                remaining -= 1
        return d

    def working_days_between(self, a: date, b: date) -> int:
        """Number of working days in the half-open interval ``(a, b]``.

        Negative when ``b < a`` (minus the count in ``(b, a]``). For a working day ``b`` this
        is the inverse of :meth:`add_working_days`: ``add_working_days(a, k) == b``.
        Used for 已用时限 / 剩余时限 and overdue-by figures.
        """
        a, b = _as_date(a), _as_date(b)
        if b < a:
            return -self.working_days_between(b, a)
        count = 0
        d = a
        while d < b:
            d += timedelta(days=1)
            if self.is_working_day(d):
                count += 1
        return count

    def working_days_in(self, first: date, last: date) -> list[date]:
        """All working days in ``[first, last]``, e.g. for a monthly bulletin's denominator."""
        out: list[date] = []
        d = _as_date(first)
        last = _as_date(last)
        while d <= last:
            if self.is_working_day(d):
                out.append(d)
            d += timedelta(days=1)
        return out


# ---------------------------------------------------------------------------
# The hall's opening calendar
# ---------------------------------------------------------------------------

WeeklyHours = Mapping[int, "tuple[time, time] | None"]
"""Weekday (Monday=0 … Sunday=6) -> (opens_at, closes_at), or None / missing when closed."""


def default_weekly_hours(
    opens_at: time = time(9, 0),
    closes_at: time = time(17, 0),
    saturday: tuple[time, time] | None = None,
    sunday: tuple[time, time] | None = None,
) -> dict[int, tuple[time, time] | None]:
    """Monday–Friday ``opens_at``–``closes_at``; optional Saturday/Sunday hours."""
    week: dict[int, tuple[time, time] | None] = {i: (opens_at, closes_at) for i in range(5)}
    week[5] = saturday
    week[6] = sunday
    return week


@dataclass(frozen=True)
class OpeningOverride:
    """One row of ``hall_opening_day``: the hall's decision for one date.

    Open with no hours given means "open with the usual hours for a working day".
    """

    day: date
    is_open: bool
    opens_at: time | None = None
    closes_at: time | None = None
    note: str = ""


class HallOpeningCalendar:
    """When the hall (one site) is open to the public.

    Decision for a date, in order:

    1. a per-date :class:`OpeningOverride` (open/closed, hours, note);
    2. if a ``working_calendar`` is given: closed on legal holidays when
       ``closed_on_legal_holidays``, and open with ``workday_hours`` on 调休 make-up
       working days when ``open_on_makeup_workdays``;
    3. the weekly default.

    ``workday_hours`` defaults to Monday's weekly hours (or 09:00–17:00 if Monday is closed).
    """

    def __init__(
        self,
        weekly: WeeklyHours | None = None,
        overrides: Mapping[date, OpeningOverride] | Iterable[OpeningOverride] = (),
        *,
        working_calendar: WorkingCalendar | None = None,
        closed_on_legal_holidays: bool = True,
        open_on_makeup_workdays: bool = True,
        workday_hours: tuple[time, time] | None = None,
    ) -> None:
        self._weekly: dict[int, tuple[time, time] | None] = dict(
            default_weekly_hours() if weekly is None else weekly
        )
        for wd, span in self._weekly.items():
            if not 0 <= wd <= 6:
                raise ValueError(f"weekday must be 0..6, got {wd}")
            if span is not None:
                _check_span(span, f"weekday {wd}")
        rows = overrides.values() if isinstance(overrides, Mapping) else overrides
        self._overrides: dict[date, OpeningOverride] = {}
        for row in rows:
            if row.is_open and (row.opens_at is None) != (row.closes_at is None):
                raise ValueError(f"{row.day}: give both opens_at and closes_at, or neither")
            if row.is_open and row.opens_at is not None:
                _check_span((row.opens_at, row.closes_at), str(row.day))  # type: ignore[arg-type]
            self._overrides[_as_date(row.day)] = row
        self._calendar = working_calendar
        self._closed_on_holidays = closed_on_legal_holidays
        self._open_on_makeup = open_on_makeup_workdays
        self._workday_hours = workday_hours or self._weekly.get(0) or (time(9), time(17))

    def hours(self, d: date) -> tuple[time, time] | None:
        """(opens_at, closes_at) on ``d``, or None when the hall is closed."""
        d = _as_date(d)
        row = self._overrides.get(d)
        if row is not None:
            if not row.is_open:
                return None
            if row.opens_at is not None and row.closes_at is not None:
                return (row.opens_at, row.closes_at)
            return self._weekly.get(d.weekday()) or self._workday_hours
        cal = self._calendar
        if cal is not None:
            if self._closed_on_holidays and cal.is_legal_holiday(d):
                return None
            if self._open_on_makeup and cal.is_makeup_workday(d):
                return self._workday_hours
        return self._weekly.get(d.weekday())

    def is_open(self, d: date) -> bool:
        return self.hours(d) is not None

    def note(self, d: date) -> str:
        """The override note for ``d`` (e.g. "星期六加班服务"), else the legal holiday name, else ""."""
        d = _as_date(d)
        row = self._overrides.get(d)
        if row is not None and row.note:
            return row.note
        if self._calendar is not None:
            try:
                return self._calendar.holiday_name(d) or ""
            except CalendarRangeError:
                return ""
        return ""

    def next_open_day(self, d: date, *, max_days: int = 366) -> date | None:
        """``d`` if open, else the first open day after it; None if none within ``max_days``."""
        d = _as_date(d)
        for _ in range(max_days + 1):
            if self.is_open(d):
                return d
            d += timedelta(days=1)
        return None

    def is_open_at(self, moment: datetime) -> bool:
        """True if the hall is open at a local wall-clock ``moment`` (closing time excluded)."""
        span = self.hours(moment.date())
        return span is not None and span[0] <= moment.time() < span[1]


def _check_span(span: tuple[time, time], where: str) -> None:
    opens_at, closes_at = span
    if not opens_at < closes_at:
        raise ValueError(f"{where}: opening time {opens_at} must be before closing time {closes_at}")
