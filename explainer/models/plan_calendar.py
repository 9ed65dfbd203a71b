"""A clinic's calendar for the personal plan: the weekdays it treats and the dates it is closed
(pure).

    cal = ClinicCalendar(open_weekdays=frozenset(range(5)), closed=frozenset({date(2026, 12, 25)}))
    cal.closed_reason(date(2026, 3, 7))         # 'weekday' (a Saturday), 'date' or None
    course_dates(date(2026, 3, 4), (0, 1, 2, 3, 4), cal)
    # -> Wed 4, Thu 5, Fri 6, Mon 9, Tue 10 March: each session on the first open day on or
    #    after its own day, and after the session before it

Rules (tested in tests/test_plan.py): a session whose day is closed moves to the next open
day; it never lands on or before the session before it, so a course of "5 days in a row" on a
weekdays-only calendar becomes 5 weekdays in a row; a calendar with no open day is refused.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

__all__ = ["ALL_WEEK", "ClinicCalendar", "SessionDay", "course_dates"]

ALL_WEEK = frozenset(range(7))
"""Monday (0) to Sunday (6)."""
MAX_SEARCH_DAYS = 400
"""How far a session may move looking for an open day (over a year: the calendar is wrong)."""


@dataclass(frozen=True)
class ClinicCalendar:
    """The weekdays a clinic treats (0 = Monday) and the dates it is closed."""

    open_weekdays: frozenset[int] = ALL_WEEK
    closed: frozenset[date] = field(default_factory=frozenset)

    def __post_init__(self):
        if not self.open_weekdays or not self.open_weekdays <= ALL_WEEK:
            raise ValueError("a clinic calendar needs at least one weekday, from 0 to 6")

    @property
    def every_day(self) -> bool:
        """True when the calendar says nothing (every day open, no closed dates)."""
        return self.open_weekdays == ALL_WEEK and not self.closed

    def closed_reason(self, day: date) -> str | None:
        """'date' (a closed date), 'weekday' (a day of the week it does not treat) or None."""
        if day in self.closed:
            return "date"
        if day.weekday() not in self.open_weekdays:
            return "weekday"
        return None

    def next_open(self, day: date) -> date:
        """``day`` if it is open, else the first open day after it."""
        for step in range(MAX_SEARCH_DAYS):
            candidate = day + timedelta(days=step)
            if self.closed_reason(candidate) is None:
                return candidate
        raise ValueError("the clinic calendar has no open day for over a year")


@dataclass(frozen=True)
class SessionDay:
    """A session's date, and the date the course would have put it on (the same unless that
    day was closed) with why it was closed."""

    day: date
    planned: date
    reason: str | None = None

    @property
    def moved(self) -> bool:
        return self.day != self.planned


def course_dates(first: date, offsets: tuple[int, ...],
                 calendar: ClinicCalendar | None = None) -> list[SessionDay]:
    """The date of each session of a course starting on ``first`` with day ``offsets``
    (0 first), following ``calendar`` (None: every day open)."""
    calendar = calendar or ClinicCalendar()
    days: list[SessionDay] = []
    for offset in offsets:
        planned = first + timedelta(days=offset)
        earliest = planned if not days else max(planned, days[-1].day + timedelta(days=1))
        day = calendar.next_open(earliest)
        reason = calendar.closed_reason(planned) if day != planned else None
        if day != planned and reason is None:  # open, but the session before it moved onto it
            reason = "after"
        days.append(SessionDay(day=day, planned=planned, reason=reason))
    return days
