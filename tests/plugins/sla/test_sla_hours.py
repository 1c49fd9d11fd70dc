"""Working hours as people write them, and holidays from iCal files."""

from __future__ import annotations

from datetime import date

import pytest

from helpline_sla.hours import HoursError, format_hours, ical_holidays, parse_hours

ICS = b"""BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//test//EN
BEGIN:VEVENT
UID:1
DTSTART;VALUE=DATE:20251224
DTEND;VALUE=DATE:20251227
SUMMARY:Christmas break
END:VEVENT
BEGIN:VEVENT
UID:2
DTSTART;VALUE=DATE:20250501
SUMMARY:Labour day
RRULE:FREQ=YEARLY
END:VEVENT
END:VCALENDAR
"""


def test_weekday_ranges_and_several_intervals_a_day():
    week = parse_hours(["mon-fri 09:00-12:00,13:00-17:00", "sat 10:00-14:00"])
    assert week[0] == [(540, 720), (780, 1020)]
    assert week[5] == [(600, 840)]
    assert week[6] == []
    assert format_hours(week) == ["mon-fri 09:00-12:00,13:00-17:00", "sat 10:00-14:00"]


def test_round_the_clock():
    assert parse_hours(["24/7"]) == [[(0, 1440)]] * 7
    assert format_hours(parse_hours(["24/7"])) == ["24/7"]


def test_a_night_shift_runs_past_midnight():
    week = parse_hours(["fri 22:00-06:00"])
    assert week[4] == [(1320, 1440)]
    assert week[5] == [(0, 360)]


@pytest.mark.parametrize(
    "bad", ["mon-fri", "funday 09:00-17:00", "mon 9-17", "mon 09:00-09:00", "mon 25:00-26:00"]
)
def test_unreadable_hours_say_what_is_wrong(bad):
    with pytest.raises(HoursError):
        parse_hours([bad])


def test_ical_events_become_holidays_and_yearly_ones_repeat():
    found = dict(ical_holidays(ICS))
    assert found[date(2025, 12, 24)] == "Christmas break"
    assert date(2025, 12, 26) in found and date(2025, 12, 27) not in found  # DTEND is exclusive
    assert found[date(2027, 5, 1)] == "Labour day"


def test_a_file_that_is_not_ical_is_refused():
    with pytest.raises(HoursError):
        ical_holidays(b"hello")
