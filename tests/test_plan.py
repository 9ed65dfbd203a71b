"""The personal plan's clock-time arithmetic (explainer.models.plan): midnight, daylight saving,
the 24-hour driving rule, and gentle refusals of impossible input."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from explainer import formatting as fmt
from explainer.content import strings
from explainer.models.plan import (
    PlanInputError,
    PlanRules,
    exists_locally,
    happens_twice,
    make_plan,
    parse_date,
    parse_time,
)
from explainer.models.plan_calendar import ClinicCalendar, course_dates

WHEN = strings.text("clinic", "plan.when")


def when(moment) -> str:
    return fmt.when(moment, WHEN)


def clock(moment) -> str:
    return fmt.clock(moment)

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


def test_a_start_in_the_skipped_hour_is_read_as_a_calendar_reads_it_with_a_note():
    # London, 29 March 2026: 01:00 GMT becomes 02:00 BST, so 01:30 does not exist. RFC 5545
    # (and calendars) read it with the offset before the change: 01:30 GMT = 02:30 BST.
    assert not exists_locally(date(2026, 3, 29), time(1, 30), LONDON)
    p = _plan("2026-03-29", "01:30")
    assert clock(p.first.start) == "02:30"
    [gap] = [n for n in p.notes if n.kind == "gap"]
    assert gap.typed == time(1, 30) and clock(gap.moment) == "02:30" and gap.session == 1


def test_the_us_spring_forward_gap_and_autumn_repeat():
    # Chicago, 14 March 2027: 02:00 CST becomes 03:00 CDT; 7 November 2027: 02:00 CDT -> 01:00.
    spring = _plan("2027-03-14", "02:30", tz=CHICAGO, end=120)
    assert when(spring.first.start) == "Sunday 14 March 2027 at 03:30"
    assert [n.kind for n in spring.notes if n.kind in ("gap", "repeat")] == ["gap"]
    autumn = _plan("2027-11-07", "01:30", tz=CHICAGO, end=120)
    assert happens_twice(date(2027, 11, 7), time(1, 30), CHICAGO)
    assert autumn.first.start.utcoffset() == timedelta(hours=-5)  # the first 01:30 (CDT)
    assert [n.kind for n in autumn.notes if n.kind in ("gap", "repeat")] == ["repeat"]
    # the 2-hour drip runs from 01:30 CDT across the change: it ends at 02:30 CST
    [change] = [n for n in autumn.notes if n.kind == "clocks"]
    assert change.direction == "back" and clock(autumn.drip_to) == "02:30"


def test_a_drip_across_a_clock_change_has_a_note_and_an_ordinary_one_none():
    p = _plan("2026-03-29", "00:30")
    assert [(n.kind, n.direction) for n in p.notes] == [("weekend", ""), ("clocks", "forward")]
    assert _plan("2026-03-02", "09:30").notes == ()


WEEKDAYS_ONLY = ClinicCalendar(frozenset(range(5)),
                               frozenset({date(2026, 12, 25), date(2026, 12, 28)}))


def test_a_course_of_5_days_follows_a_weekdays_only_calendar():
    # Started on a Wednesday: Wed, Thu, Fri, then Mon and Tue (not Saturday and Sunday).
    p = make_plan("2026-03-04", "09:30", LONDON, RULES, treatment_from_min=0,
                  treatment_to_min=240, session_days=(0, 1, 2, 3, 4), calendar=WEEKDAYS_ONLY)
    assert [s.start.strftime("%a %d") for s in p.sessions] == [
        "Wed 04", "Thu 05", "Fri 06", "Mon 09", "Tue 10"]
    moved = [(n.session, n.planned, n.day, n.reason) for n in p.notes if n.kind == "moved"]
    assert moved == [(4, date(2026, 3, 7), date(2026, 3, 9), "weekday"),
                     (5, date(2026, 3, 8), date(2026, 3, 10), "weekday")]


def test_closed_dates_move_sessions_and_a_closed_first_date_is_refused():
    p = make_plan("2026-12-23", "09:30", LONDON, RULES, treatment_from_min=0,
                  treatment_to_min=240, session_days=(0, 1, 2), calendar=WEEKDAYS_ONLY)
    assert [s.start.date() for s in p.sessions] == [date(2026, 12, 23), date(2026, 12, 24),
                                                    date(2026, 12, 29)]
    assert [n.reason for n in p.notes if n.kind == "moved"] == ["date"]
    with pytest.raises(PlanInputError) as err:
        make_plan("2026-12-25", "09:30", LONDON, RULES, treatment_from_min=0,
                  treatment_to_min=240, calendar=WEEKDAYS_ONLY)
    assert err.value.code == "closed_date" and err.value.field == "date"
    with pytest.raises(PlanInputError) as err:
        make_plan("2026-12-26", "09:30", LONDON, RULES, treatment_from_min=0,
                  treatment_to_min=240, calendar=WEEKDAYS_ONLY)
    assert err.value.code == "closed_weekday"


def test_weekly_sessions_keep_their_weekday_unless_a_day_is_closed():
    days = course_dates(date(2026, 12, 14), (0, 7, 14, 21), WEEKDAYS_ONLY)
    assert [d.day for d in days] == [date(2026, 12, 14), date(2026, 12, 21),
                                     date(2026, 12, 29), date(2027, 1, 4)]
    assert [d.moved for d in days] == [False, False, True, False]


def test_without_a_calendar_a_weekend_session_gets_a_note():
    p = _plan("2026-03-05", "09:30", days=(0, 1, 2))
    assert [(n.kind, n.session) for n in p.notes] == [("weekend", 3)]


def test_a_date_in_the_past_is_a_question_not_a_refusal():
    p = make_plan("2026-03-02", "09:30", LONDON, RULES, treatment_from_min=0,
                  treatment_to_min=240, today=date(2026, 12, 5))
    assert [n.kind for n in p.notes] == ["past"]
    assert make_plan("2027-03-02", "09:30", LONDON, RULES, treatment_from_min=0,
                     treatment_to_min=240, today=date(2026, 12, 5)).notes == ()


@pytest.mark.parametrize("text,code", [("7pm", "time_form"), ("25:00", "time_range")])
def test_refusals_name_their_problem_and_box(text, code):
    with pytest.raises(PlanInputError) as err:
        parse_time(text)
    assert (err.value.code, err.value.field) == (code, "time")


def test_a_calendar_with_no_open_day_is_refused():
    with pytest.raises(ValueError):
        ClinicCalendar(frozenset())


def test_a_later_session_in_the_skipped_hour_moves_forward():
    p = _plan("2026-03-28", "01:30", days=(0, 1))
    assert clock(p.sessions[1].start) == "02:30"
    assert [(n.kind, n.session) for n in p.notes if n.kind == "gap"] == [("gap", 2)]


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
