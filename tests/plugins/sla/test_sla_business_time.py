"""Business-time arithmetic, checked on many generated instants and durations (hypothesis)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpline_sla.calendar import BusinessCalendar
from helpline_sla.hours import parse_hours

FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
BERLIN = ZoneInfo("Europe/Berlin")

OFFICE = BusinessCalendar(
    "Europe/Berlin",
    parse_hours(["mon-fri 09:00-12:30,13:30-17:00", "sat 10:00-14:00"]),
    [date(2024, 12, 24), date(2024, 12, 25), date(2024, 12, 26), date(2025, 1, 1)],
)
NEW_YORK = BusinessCalendar("America/New_York", parse_hours(["mon-fri 08:00-18:00"]), country="US")
NIGHTS = BusinessCalendar("Asia/Tokyo", parse_hours(["mon-fri 22:00-06:00"]))
ROUND_THE_CLOCK = BusinessCalendar("Europe/London", parse_hours(["24/7"]), [date(2025, 12, 25)])
CALENDARS = st.sampled_from([OFFICE, NEW_YORK, NIGHTS, ROUND_THE_CLOCK])

instants = st.datetimes(
    min_value=datetime(2023, 1, 1), max_value=datetime(2027, 12, 31), timezones=st.just(UTC)
).map(lambda d: d.replace(microsecond=0))
minutes = st.integers(min_value=1, max_value=60 * 24 * 30)


def forward(cal: BusinessCalendar, t: datetime) -> datetime:
    """t itself inside working time, else the next interval's start."""
    return cal.next_open(t)


@FAST
@given(CALENDARS, instants, minutes)
def test_adding_then_subtracting_returns_to_the_start(cal, start, m):
    due = cal.add(start, timedelta(minutes=m))
    assert cal.subtract(due, timedelta(minutes=m)) == forward(cal, start)


@FAST
@given(CALENDARS, instants, minutes)
def test_the_working_time_between_start_and_due_is_the_amount_added(cal, start, m):
    due = cal.add(start, timedelta(minutes=m))
    assert cal.between(start, due) == timedelta(minutes=m)
    assert due >= start


@FAST
@given(CALENDARS, instants, instants, minutes)
def test_a_later_start_is_never_due_earlier(cal, a, b, m):
    a, b = min(a, b), max(a, b)
    assert cal.add(a, timedelta(minutes=m)) <= cal.add(b, timedelta(minutes=m))


@FAST
@given(CALENDARS, instants, minutes, minutes)
def test_more_minutes_are_never_due_earlier(cal, start, m1, m2):
    small, large = sorted((m1, m2))
    assert cal.add(start, timedelta(minutes=small)) <= cal.add(start, timedelta(minutes=large))


@FAST
@given(CALENDARS, instants, minutes, minutes)
def test_adding_in_two_steps_is_adding_once(cal, start, m1, m2):
    once = cal.add(start, timedelta(minutes=m1 + m2))
    assert cal.add(cal.add(start, timedelta(minutes=m1)), timedelta(minutes=m2)) == once


@FAST
@given(instants, minutes)
def test_due_times_land_in_working_hours_or_at_their_end(start, m):
    due = OFFICE.add(start, timedelta(minutes=m))
    local = due.astimezone(BERLIN)
    assert local.date() not in OFFICE.holidays
    assert OFFICE.is_open(due) or OFFICE.is_open(due - timedelta(microseconds=1))


@FAST
@given(instants, minutes)
def test_holidays_hold_no_working_time(start, m):
    due = OFFICE.add(start, timedelta(minutes=m))
    for day in (date(2024, 12, 25), date(2025, 1, 1)):
        begin = datetime(day.year, day.month, day.day, tzinfo=BERLIN)
        assert OFFICE.between(begin, begin + timedelta(days=1)) == timedelta(0)
    assert OFFICE.between(start, due) == timedelta(minutes=m)


@FAST
@given(
    st.sampled_from([date(2024, 3, 31), date(2024, 10, 27), date(2025, 3, 30), date(2025, 10, 26)])
)
def test_a_round_the_clock_day_lasts_as_long_as_the_clocks_say_on_dst_days(day):
    cal = BusinessCalendar(
        "Europe/Berlin", parse_hours(["24/7"]), [date(2000, 1, 1)]
    )  # not the shortcut
    begin = datetime(day.year, day.month, day.day, tzinfo=BERLIN)
    end = datetime(day.year, day.month, day.day, tzinfo=BERLIN) + timedelta(days=1)
    real = end.astimezone(UTC) - begin.astimezone(UTC)
    assert real in (timedelta(hours=23), timedelta(hours=25))
    assert cal.between(begin, end) == real
    assert cal.add(begin, real) == end.astimezone(UTC)


def test_office_hours_keep_their_wall_clock_across_a_dst_change():
    cal = BusinessCalendar("Europe/Berlin", parse_hours(["mon-fri 09:00-17:00"]))
    friday = datetime(2024, 3, 29, 16, 0, tzinfo=BERLIN)  # CET; Monday 1 April is CEST
    due = cal.add(friday, timedelta(hours=2))
    assert due.astimezone(BERLIN) == datetime(2024, 4, 1, 10, 0, tzinfo=BERLIN)
    assert due.astimezone(BERLIN).utcoffset() == timedelta(hours=2)


def test_an_interval_inside_the_spring_gap_starts_when_the_clocks_jump():
    cal = BusinessCalendar("Europe/Berlin", parse_hours(["sun 02:30-04:00"]))
    sunday = datetime(2024, 3, 31, 0, 0, tzinfo=BERLIN)
    assert cal.between(sunday, sunday + timedelta(days=1)) == timedelta(hours=1)  # 03:00-04:00 CEST


def test_targets_cross_weekends_and_year_ends():
    friday = datetime(
        2024, 12, 27, 16, 0, tzinfo=BERLIN
    )  # Saturday 28th 10-14, Monday 30th, Tue 31st
    due = OFFICE.add(
        friday,
        timedelta(hours=1) + timedelta(hours=4) + timedelta(hours=7) * 2 + timedelta(hours=1),
    )
    assert due.astimezone(BERLIN) == datetime(
        2025, 1, 2, 10, 0, tzinfo=BERLIN
    )  # 1 January is a holiday


def test_country_holidays_come_from_the_holidays_package():
    cal = BusinessCalendar(
        "Europe/Berlin", parse_hours(["mon-fri 09:00-17:00"]), country="DE", subdivision="BY"
    )
    assert cal.is_holiday(date(2025, 1, 6))  # Epiphany, Bavaria only
    assert not BusinessCalendar(
        "Europe/Berlin", parse_hours(["mon-fri 09:00-17:00"]), country="DE"
    ).is_holiday(date(2025, 1, 6))


def test_a_calendar_without_hours_is_refused():
    with pytest.raises(ValueError):
        BusinessCalendar("UTC", [[] for _ in range(7)])
