"""A personal plan: the clock times of a treatment day and the dates of a course (pure).

    plan = make_plan("2026-03-29", "09:00", "Europe/London", PlanRules(food_hours=6),
                     treatment_from_min=0, treatment_to_min=240, session_days=(0, 1, 2))
    plan.last_food, plan.drip_to, plan.no_driving_until      # aware datetimes
    [s.start for s in plan.sessions]                          # one per session of the course

Rules of the arithmetic (each tested in tests/test_plan.py):
- Durations are elapsed time: a 4-hour drip that starts at 00:30 on the night the clocks go
  forward ends 4 real hours later (05:30 local, not 04:30). Times are computed in UTC and shown
  in the clinic's time zone (``zoneinfo``).
- Each later session starts at the same local clock time as the first, on its own date.
- "No driving until" is never earlier than ``no_driving_hours`` (at least 24) elapsed hours after
  the treatment ends, nor earlier than the same clock time that many hours later by the
  calendar: across a change of the clocks, the later of the two is shown.
- A typed local time that does not exist (skipped when the clocks go forward) is read with the
  offset in force before the change, as calendars do (RFC 5545): 02:30 on a night the clocks
  jump from 02:00 to 03:00 becomes 03:30. A time that happens twice (the clocks go back) is
  the first of the two. Either way the plan carries a `PlanNote` saying so.
- Sessions follow the clinic's calendar (`explainer.models.plan_calendar`): a closed day moves
  a session to the next open day (with a note); the first date must itself be open. Without
  a calendar, a session on a Saturday or Sunday gets a note to check the clinic is open.
- A first date before ``today`` makes a note (a question), not a refusal; so does a drip
  during which the clocks change.
Nothing here stores or logs anything. Notes are data; their words are in the strings
(`explainer.handout.document.plan_notes`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from explainer import formatting as fmt
from explainer.models.plan_calendar import ClinicCalendar, course_dates

__all__ = ["MIN_NO_DRIVING_HOURS", "Plan", "PlanInputError", "PlanNote", "PlanRules",
           "SessionTimes", "exists_locally", "happens_twice", "make_plan",
           "parse_date", "parse_time"]

MIN_NO_DRIVING_HOURS = 24.0
_DATE = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})\s*$")
_TIME = re.compile(r"^\s*(\d{1,2})[:.](\d{2})\s*$")


class PlanInputError(ValueError):
    """A typed date, time or rule cannot make a plan; the message is a gentle sentence.
    ``code`` names the problem (the pages word it from their strings), ``field`` the box to
    fix (``date``, ``time`` or ``rules``), ``values`` what the words need."""

    def __init__(self, message: str, code: str = "", field: str = "", **values):
        super().__init__(message)
        self.code, self.field, self.values = code, field, values


def parse_date(text: str | date) -> date:
    """``YYYY-MM-DD`` (what a browser's date field sends) to a date; PlanInputError if not."""
    if isinstance(text, date):
        return text
    match = _DATE.match(str(text or ""))
    if not match:
        raise PlanInputError("Please type the date as year-month-day, for example 2026-03-02.",
                             "date_form", "date")
    try:
        return date(*(int(g) for g in match.groups()))
    except ValueError:
        raise PlanInputError("That date does not exist. Please check the day and month.",
                             "date_missing", "date") from None


def parse_time(text: str | time) -> time:
    """``HH:MM`` (24-hour clock) to a time; PlanInputError for anything else (e.g. 25:70)."""
    if isinstance(text, time):
        return text
    match = _TIME.match(str(text or ""))
    if not match:
        raise PlanInputError("Please type the time as hours and minutes, for example 09:30.",
                             "time_form", "time")
    hour, minute = (int(g) for g in match.groups())
    if hour > 23 or minute > 59:
        raise PlanInputError("That time does not exist. Use the 24-hour clock, from 00:00 to "
                             "23:59.", "time_range", "time")
    return time(hour, minute)


def _zone(tz: str | ZoneInfo) -> ZoneInfo:
    if isinstance(tz, ZoneInfo):
        return tz
    try:
        return ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        raise PlanInputError(f"Unknown time zone {tz!r}.") from None


def exists_locally(day: date, at: time, tz: str | ZoneInfo) -> bool:
    """False for a local time skipped when the clocks go forward (e.g. 01:30 in London on the
    last Sunday of March)."""
    zone = _zone(tz)
    local = datetime.combine(day, at, tzinfo=zone)
    back = local.astimezone(UTC).astimezone(zone)
    return back.replace(tzinfo=None) == local.replace(tzinfo=None)


def happens_twice(day: date, at: time, tz: str | ZoneInfo) -> bool:
    """True for a local time that happens twice (the hour repeated when the clocks go back)."""
    zone = _zone(tz)
    first = datetime.combine(day, at, tzinfo=zone)
    return first.utcoffset() != first.replace(fold=1).utcoffset() and exists_locally(day, at, zone)


def _local(day: date, at: time, zone: ZoneInfo) -> datetime:
    """An aware local datetime, as a calendar reads it: a skipped time with the offset before
    the change (so it moves forward by the skipped hour), a repeated time the first time."""
    local = datetime.combine(day, at, tzinfo=zone)
    return local.astimezone(UTC).astimezone(zone)


@dataclass(frozen=True)
class PlanNote:
    """Something the plan must say in words. ``kind``: ``gap`` (the typed time is skipped by
    the clocks: ``moment`` is the time used), ``repeat`` (it happens twice: the first is used),
    ``clocks`` (the clocks change during the treatment: ``moment`` is its end, ``direction``
    forward or back), ``moved`` (a closed ``planned`` day: the session is on ``day``;
    ``reason`` weekday, date or after), ``weekend`` (no calendar, a session on a weekend
    ``day``), ``past`` (the first ``day`` is before today)."""

    kind: str
    session: int = 1
    day: date | None = None
    planned: date | None = None
    typed: time | None = None
    moment: datetime | None = None
    reason: str = ""
    direction: str = ""


@dataclass(frozen=True)
class PlanRules:
    """The clinic's rules (or the explainer's examples) that the times follow."""

    food_hours: float = 6.0
    clear_fluids_hours: float = 2.0
    arrive_minutes_before: float = 30.0
    observe_minutes: float = 60.0
    no_driving_hours: float = MIN_NO_DRIVING_HOURS

    def __post_init__(self):
        for name in ("food_hours", "clear_fluids_hours", "arrive_minutes_before",
                     "observe_minutes", "no_driving_hours"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
                raise PlanInputError(f"{name} must be a number of 0 or more")
        if self.no_driving_hours < MIN_NO_DRIVING_HOURS:
            raise PlanInputError("No driving must last at least 24 hours after the treatment.")


@dataclass(frozen=True)
class SessionTimes:
    """One session's clock times (aware datetimes in the clinic's time zone)."""

    number: int
    start: datetime
    treatment_from: datetime
    treatment_to: datetime
    home_earliest: datetime
    no_driving_until: datetime


@dataclass(frozen=True)
class Plan:
    """The first session's day in clock times, and every session of the course."""

    zone: ZoneInfo
    last_food: datetime
    last_drink: datetime
    arrive: datetime
    sessions: tuple[SessionTimes, ...]
    notes: tuple[PlanNote, ...] = ()

    @property
    def first(self) -> SessionTimes:
        return self.sessions[0]

    @property
    def drip_from(self) -> datetime:
        return self.first.treatment_from

    @property
    def drip_to(self) -> datetime:
        return self.first.treatment_to

    @property
    def home_earliest(self) -> datetime:
        return self.first.home_earliest

    @property
    def no_driving_until(self) -> datetime:
        """After the *last* session of the course (each session has its own, too)."""
        return self.sessions[-1].no_driving_until

    def clock_at(self, minutes_from_start: float) -> datetime:
        """The clock time ``minutes_from_start`` elapsed minutes after the first start (for a
        chart's clock-time axis)."""
        start = self.first.start.astimezone(UTC)
        return (start + timedelta(minutes=minutes_from_start)).astimezone(self.zone)


def _after(moment: datetime, hours: float, zone: ZoneInfo) -> datetime:
    """At least ``hours`` later both in elapsed time and by the wall clock."""
    elapsed = (moment.astimezone(UTC) + timedelta(hours=hours)).astimezone(zone)
    wall = _local(*_split(moment.replace(tzinfo=None) + timedelta(hours=hours)), zone)
    return max(elapsed, wall)


def _split(naive: datetime) -> tuple[date, time]:
    return naive.date(), naive.time()


def _start_notes(number: int, day: date, at: time, start: datetime,
                 zone: ZoneInfo) -> list[PlanNote]:
    if not exists_locally(day, at, zone):
        return [PlanNote("gap", number, day=day, typed=at, moment=start)]
    if happens_twice(day, at, zone):
        return [PlanNote("repeat", number, day=day, typed=at, moment=start)]
    return []


def make_plan(first_date: date | str, start_time: time | str, tz: str | ZoneInfo,
              rules: PlanRules, *, treatment_from_min: float, treatment_to_min: float,
              session_days: tuple[int, ...] = (0,), calendar: ClinicCalendar | None = None,
              today: date | None = None) -> Plan:
    """The plan for a course whose first session starts at ``start_time`` on ``first_date``
    (local time in ``tz``). ``treatment_from_min`` / ``treatment_to_min``: when the drip (or the
    doses) begins and ends, in minutes from the session's start; ``session_days``: day offsets
    of the sessions (0 first); ``calendar``: the clinic's open days (None: every day, and a
    note for weekend sessions); ``today``: for the note on a date in the past. Raises
    :class:`PlanInputError` with a gentle sentence."""
    zone = _zone(tz)
    day = parse_date(first_date)
    at = parse_time(start_time)
    if not (0 <= treatment_from_min <= treatment_to_min):
        raise PlanInputError("The treatment must end after it starts.", "rules", "rules")
    if not session_days or session_days[0] != 0 or list(session_days) != sorted(set(session_days)):
        raise PlanInputError("Sessions must start on day 0 and go forward one by one.", "rules",
                             "rules")
    if calendar is not None and calendar.closed_reason(day):
        raise PlanInputError("The clinic does not treat on that day. Please choose another "
                             "date.", "closed_" + calendar.closed_reason(day), "date", day=day)

    def utc_plus(moment: datetime, minutes: float) -> datetime:
        return (moment.astimezone(UTC) + timedelta(minutes=minutes)).astimezone(zone)

    notes: list[PlanNote] = []
    if today is not None and day < today:
        notes.append(PlanNote("past", 1, day=day))
    sessions = []
    for number, booked in enumerate(course_dates(day, tuple(session_days), calendar), start=1):
        if booked.moved:
            notes.append(PlanNote("moved", number, day=booked.day, planned=booked.planned,
                                  reason=booked.reason or ""))
        elif calendar is None and booked.day.weekday() >= 5:
            notes.append(PlanNote("weekend", number, day=booked.day))
        start = _local(booked.day, at, zone)
        notes += _start_notes(number, booked.day, at, start, zone)
        given_from = utc_plus(start, treatment_from_min)
        given_to = utc_plus(start, treatment_to_min)
        if given_from.utcoffset() != given_to.utcoffset():
            forward = given_to.utcoffset() > given_from.utcoffset()
            notes.append(PlanNote("clocks", number, day=given_from.date(), moment=given_to,
                                  direction="forward" if forward else "back"))
        sessions.append(SessionTimes(
            number=number, start=start, treatment_from=given_from, treatment_to=given_to,
            home_earliest=utc_plus(given_to, rules.observe_minutes),
            no_driving_until=_after(given_to, max(rules.no_driving_hours,
                                                  MIN_NO_DRIVING_HOURS), zone)))
    first_given = sessions[0].treatment_from
    return Plan(
        zone=zone,
        last_food=utc_plus(first_given, -60 * rules.food_hours),
        last_drink=utc_plus(first_given, -60 * rules.clear_fluids_hours),
        arrive=utc_plus(sessions[0].start, -rules.arrive_minutes_before),
        sessions=tuple(sessions), notes=tuple(notes))


def clock_label(plan: Plan, minutes_from_start: float, with_day: bool = False) -> str:
    """``09:30``, or ``Tue 09:30`` on a chart of several days: a moment of the chart in clock
    time (the time cursor's readout when the chart shows clock times), in the page's locale."""
    moment = plan.clock_at(minutes_from_start)
    time_text = fmt.clock(moment)
    return f"{fmt.weekday(moment, short=True)} {time_text}" if with_day else time_text
