"""Month calendars of the activities, laid out at build time as weeks of days (Monday first)."""

from __future__ import annotations

import calendar
import dataclasses
import datetime

from wenming.model import urls

WEEKDAYS = ("星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日")


@dataclasses.dataclass(frozen=True)
class CalendarDay:
    date: datetime.date
    in_month: bool
    events: tuple


@dataclasses.dataclass(frozen=True)
class MonthCalendar:
    year: int
    month: int
    weeks: tuple[tuple[CalendarDay, ...], ...]
    events: tuple

    @property
    def url(self) -> str:
        return urls.activities_month(self.year, self.month)

    @property
    def label(self) -> str:
        return f"{self.year}年{self.month}月"


def month_calendar(year: int, month: int, events) -> MonthCalendar:
    """The month's weeks; each day holds the published activities taking place on it."""
    in_month = tuple(e for e in events if e.is_published and (e.start.year, e.start.month) == (year, month))
    weeks = tuple(
        tuple(CalendarDay(day, day.month == month, tuple(e for e in events if e.is_published and e.on(day)))
              for day in week)
        for week in calendar.Calendar(firstweekday=calendar.MONDAY).monthdatescalendar(year, month)
    )
    return MonthCalendar(year, month, weeks, in_month)


def shift(year: int, month: int, months: int) -> tuple[int, int]:
    index = year * 12 + month - 1 + months
    return index // 12, index % 12 + 1


def activity_months(events) -> list[tuple[int, int]]:
    """Every month from the first to the last published activity (so month pages can link to neighbours)."""
    starts = [(e.start.year, e.start.month) for e in events if e.is_published]
    if not starts:
        return []
    months, current = [], min(starts)
    while current <= max(starts):
        months.append(current)
        current = shift(*current, 1)
    return months
