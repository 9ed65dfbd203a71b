"""A personal plan: the clock times of a treatment day and the dates of a course (pure).

    from explainer.models.plan import PlanRules, make_plan, parse_date, parse_time
    rules = PlanRules(food_hours=6, clear_fluids_hours=2, arrive_minutes_before=30,
                      observe_minutes=60, no_driving_hours=24)
    plan = make_plan(parse_date("2026-03-29"), parse_time("09:00"), "Europe/London", rules,
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
- A typed local time that does not exist (skipped when the clocks go forward) is refused for
  the first session; for a later session it moves to the first time that exists.
Nothing here stores or logs anything: the functions take values and return values.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

__all__ = [
    "MIN_NO_DRIVING_HOURS",
    "Plan",
    "PlanInputError",
    "PlanRules",
    "SessionTimes",
    "clock",
    "day_words",
    "exists_locally",
    "make_plan",
    "parse_date",
    "parse_time",
    "when",
]

MIN_NO_DRIVING_HOURS = 24.0
_DATE = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})\s*$")
_TIME = re.compile(r"^\s*(\d{1,2})[:.](\d{2})\s*$")


class PlanInputError(ValueError):
    """A typed date, time or rule cannot make a plan; the message is a gentle sentence."""


def parse_date(text: str | date) -> date:
    """``YYYY-MM-DD`` (what a browser's date field sends) to a date; PlanInputError if not."""
    if isinstance(text, date):
        return text
    match = _DATE.match(str(text or ""))
    if not match:
        raise PlanInputError("Please type the date as year-month-day, for example 2026-03-02.")
    try:
        return date(*(int(g) for g in match.groups()))
    except ValueError:
        raise PlanInputError("That date does not exist. Please check the day and month.") from None


def parse_time(text: str | time) -> time:
    """``HH:MM`` (24-hour clock) to a time; PlanInputError for anything else (e.g. 25:70)."""
    if isinstance(text, time):
        return text
    match = _TIME.match(str(text or ""))
    if not match:
        raise PlanInputError("Please type the time as hours and minutes, for example 09:30.")
    hour, minute = (int(g) for g in match.groups())
    if hour > 23 or minute > 59:
        raise PlanInputError("That time does not exist. Use the 24-hour clock, from 00:00 to "
                             "23:59.")
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


def _local(day: date, at: time, zone: ZoneInfo) -> datetime:
    """An aware local datetime; a skipped time moves forward to one that exists."""
    local = datetime.combine(day, at, tzinfo=zone)
    return local.astimezone(UTC).astimezone(zone)


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


def make_plan(first_date: date | str, start_time: time | str, tz: str | ZoneInfo,
              rules: PlanRules, *, treatment_from_min: float, treatment_to_min: float,
              session_days: tuple[int, ...] = (0,)) -> Plan:
    """The plan for a course whose first session starts at ``start_time`` on ``first_date``
    (local time in ``tz``). ``treatment_from_min`` / ``treatment_to_min``: when the drip (or the
    doses) begins and ends, in minutes from the session's start; ``session_days``: day offsets
    of the sessions (0 first). Raises :class:`PlanInputError` with a gentle sentence."""
    zone = _zone(tz)
    day = parse_date(first_date)
    at = parse_time(start_time)
    if not exists_locally(day, at, zone):
        raise PlanInputError("The clocks go forward at that time on that day, so it does not "
                             "exist. Please choose another start time.")
    if not (0 <= treatment_from_min <= treatment_to_min):
        raise PlanInputError("The treatment must end after it starts.")
    if not session_days or session_days[0] != 0 or list(session_days) != sorted(set(session_days)):
        raise PlanInputError("Sessions must start on day 0 and go forward one by one.")

    def utc_plus(moment: datetime, minutes: float) -> datetime:
        return (moment.astimezone(UTC) + timedelta(minutes=minutes)).astimezone(zone)

    sessions = []
    for number, offset in enumerate(session_days, start=1):
        start = _local(day + timedelta(days=offset), at, zone)
        given_from = utc_plus(start, treatment_from_min)
        given_to = utc_plus(start, treatment_to_min)
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
        sessions=tuple(sessions))


def clock(moment: datetime) -> str:
    """``09:30`` (24-hour clock, the time zone's local time)."""
    return moment.strftime("%H:%M")


def clock_label(plan: Plan, minutes_from_start: float, with_day: bool = False) -> str:
    """``09:30``, or ``Tue 09:30`` on a chart of several days: a moment of the chart in clock
    time (the time cursor's readout when the chart shows clock times)."""
    moment = plan.clock_at(minutes_from_start)
    return f"{moment.strftime('%a')} {clock(moment)}" if with_day else clock(moment)


def day_words(moment: datetime | date, year: bool = True) -> str:
    """``Monday 2 March 2026`` (or ``Monday 2 March``)."""
    return f"{moment.strftime('%A')} {moment.day} {moment.strftime('%B %Y' if year else '%B')}"


def when(moment: datetime) -> str:
    """``Monday 2 March 2026 at 09:30``: the one way the pages and the handout show a time."""
    return f"{day_words(moment)} at {clock(moment)}"
