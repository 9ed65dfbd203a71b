"""The personal plan's clock-time arithmetic (explainer.models.plan): midnight, daylight saving,
the 24-hour driving rule, and gentle refusals of impossible input."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from explainer.models.plan import (
    PlanInputError,
    PlanRules,
    clock,
    exists_locally,
    make_plan,
    parse_date,
    parse_time,
    when,
)

LONDON = ZoneInfo("Europe/London")
CHICAGO = ZoneInfo("America/Chicago")
RULES = PlanRules(food_hours=6, clear_fluids_hours=2, arrive_minutes_before=30,
                  observe_minutes=60, no_driving_hours=24)


def _plan(day, at, tz=LONDON, rules=RULES, start=0, end=240, days=(0,)):
    return make_plan(day, at, tz, rules, treatment_from_min=start, treatment_to_min=end,
                     session_days=days)


def test_an_ordinary_day_in_clock_times():
    p = _plan("2026-03-02", "09:30")
    assert [clock(t) for t in (p.last_food, p.last_drink, p.arrive, p.drip_from, p.drip_to,
                               p.home_earliest)] == ["03:30", "07:30", "09:00", "09:30",
                                                     "13:30", "14:30"]
    assert when(p.no_driving_until) == "Tuesday 3 March 2026 at 13:30"


def test_fasting_reaches_back_across_midnight():
    p = _plan("2026-03-02", "00:15")
    assert p.last_food.date() == date(2026, 3, 1) and clock(p.last_food) == "18:15"
    assert p.arrive.date() == date(2026, 3, 1) and clock(p.arrive) == "23:45"


def test_a_drip_running_past_midnight_ends_the_next_day():
    p = _plan("2026-03-02", "22:00")
    assert p.drip_to.date() == date(2026, 3, 3) and clock(p.drip_to) == "02:00"
    assert when(p.home_earliest) == "Tuesday 3 March 2026 at 03:00"


def test_clocks_going_forward_during_the_drip_keep_real_hours():
    # London, 29 March 2026: 01:00 GMT becomes 02:00 BST.
    p = _plan("2026-03-29", "00:30")
    assert clock(p.drip_to) == "05:30"  # 4 real hours, one of them skipped by the clock
    elapsed = p.drip_to.astimezone(UTC) - p.drip_from.astimezone(UTC)
    assert elapsed == timedelta(hours=4)


def test_clocks_going_back_during_the_drip_keep_real_hours():
    # London, 25 October 2026: 02:00 BST becomes 01:00 GMT.
    p = _plan("2026-10-25", "00:30")
    assert clock(p.drip_to) == "03:30"
    assert p.drip_to.astimezone(UTC) - p.drip_from.astimezone(UTC) == \
        timedelta(hours=4)


def test_no_driving_across_the_clocks_going_back_is_not_earlier_by_the_wall_clock():
    # Drip ends 16:00 BST on Saturday 24 October; 24 elapsed hours is 15:00 GMT on Sunday,
    # which would read as "an hour less than a day": the plan shows 16:00.
    p = _plan("2026-10-24", "12:00")
    assert when(p.no_driving_until) == "Sunday 25 October 2026 at 16:00"
    assert p.no_driving_until.astimezone(UTC) - p.drip_to.astimezone(UTC) >= \
        timedelta(hours=24)


def test_no_driving_across_the_clocks_going_forward_is_24_real_hours():
    p = _plan("2026-03-28", "12:00")
    assert when(p.no_driving_until) == "Sunday 29 March 2026 at 17:00"
    assert p.no_driving_until.astimezone(UTC) - p.drip_to.astimezone(UTC) == \
        timedelta(hours=24)


def test_a_course_keeps_its_local_start_time_across_a_clock_change():
    p = _plan("2026-10-23", "09:00", days=(0, 1, 2, 3))
    assert [(s.start.day, clock(s.start)) for s in p.sessions] == [
        (23, "09:00"), (24, "09:00"), (25, "09:00"), (26, "09:00")]
    assert p.no_driving_until == p.sessions[-1].no_driving_until


def test_the_us_zone_changes_on_its_own_date():
    # Chicago, 8 March 2026: 02:00 CST becomes 03:00 CDT.
    p = _plan("2026-03-08", "00:30", tz=CHICAGO)
    assert clock(p.drip_to) == "05:30"


def test_a_longer_no_driving_rule_is_followed():
    rules = PlanRules(no_driving_hours=48)
    p = _plan("2026-03-02", "09:00", rules=rules)
    assert when(p.no_driving_until) == "Wednesday 4 March 2026 at 13:00"


def test_a_rule_under_24_hours_is_refused():
    with pytest.raises(PlanInputError, match="at least 24 hours"):
        PlanRules(no_driving_hours=12)


@pytest.mark.parametrize("text", ["2026-02-30", "2026-13-01", "2025-02-29"])
def test_impossible_dates_are_refused_gently(text):
    with pytest.raises(PlanInputError, match="does not exist"):
        parse_date(text)


@pytest.mark.parametrize("text", ["", "tomorrow", "02/03/2026", None])
def test_dates_in_other_forms_are_refused_gently(text):
    with pytest.raises(PlanInputError, match="year-month-day"):
        parse_date(text)


@pytest.mark.parametrize("text", ["25:70", "24:00", "12:60"])
def test_impossible_times_are_refused_gently(text):
    with pytest.raises(PlanInputError, match="does not exist"):
        parse_time(text)


def test_times_accept_a_dot_and_one_digit_hours():
    assert parse_time("9.05") == time(9, 5)
    assert parse_date(" 2028-02-29 ") == date(2028, 2, 29)


def test_a_start_in_the_skipped_hour_is_refused():
    assert not exists_locally(date(2026, 3, 29), time(1, 30), LONDON)
    with pytest.raises(PlanInputError, match="clocks go forward"):
        _plan("2026-03-29", "01:30")


def test_a_later_session_in_the_skipped_hour_moves_forward():
    p = _plan("2026-03-28", "01:30", days=(0, 1))
    assert clock(p.sessions[1].start) == "02:30"


def test_clock_at_follows_elapsed_minutes():
    p = _plan("2026-03-29", "00:00")
    assert clock(p.clock_at(60)) == "02:00"  # 00:00 GMT + 1 h = 01:00 GMT = 02:00 BST


ZONES = st.sampled_from(["Europe/London", "America/New_York", "America/Chicago",
                         "Australia/Sydney", "UTC"])


@settings(max_examples=300, deadline=None)
@given(day=st.dates(min_value=date(2025, 1, 1), max_value=date(2030, 12, 31)),
       hour=st.integers(0, 23), minute=st.integers(0, 59), tz=ZONES,
       length=st.integers(1, 6048), hours=st.floats(24, 168),
       days=st.lists(st.integers(1, 30), max_size=9, unique=True))
def test_no_driving_is_never_earlier_than_24_hours_after_the_drip(day, hour, minute, tz, length,
                                                                     hours, days):
    at = time(hour, minute)
    if not exists_locally(day, at, tz):
        return
    p = _plan(day, at, tz=tz, rules=PlanRules(no_driving_hours=hours), end=length,
              days=(0, *sorted(days)))
    for s in p.sessions:
        ended = s.treatment_to
        assert s.no_driving_until.astimezone(UTC) - ended.astimezone(UTC) >= \
            timedelta(hours=hours) - timedelta(microseconds=1)
        wall = ended.replace(tzinfo=None) + timedelta(hours=hours)
        assert s.no_driving_until.replace(tzinfo=None) >= wall
        assert s.home_earliest >= s.treatment_to >= s.treatment_from >= s.start
    assert p.last_food <= p.last_drink <= p.drip_from
    assert isinstance(p.first.start, datetime)
