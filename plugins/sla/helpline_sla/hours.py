"""Working hours as people write them (`mon-fri 09:00-17:00`, `24/7`), holidays from iCal files."""

from __future__ import annotations

import re
from datetime import date, datetime

from helpline_sla.calendar import DAY, Interval

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_DAY_NAMES = {name: i for i, name in enumerate(DAYS)} | {
    full: i
    for i, full in enumerate(
        ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
    )
}
_TIME = re.compile(r"^(\d{1,2}):(\d{2})$")
ALWAYS = "24/7"


class HoursError(ValueError):
    """Working hours that cannot be read; the message says what is wrong."""


def _minute(text: str) -> int:
    match = _TIME.match(text.strip())
    if not match:
        raise HoursError(f"{text.strip()!r} is not a time like 09:00")
    hours, minutes = int(match.group(1)), int(match.group(2))
    if minutes > 59 or hours > 24 or (hours == 24 and minutes):
        raise HoursError(f"{text.strip()!r} is not a time of day")
    return hours * 60 + minutes


def _days(text: str) -> list[int]:
    days: list[int] = []
    for part in text.lower().split(","):
        part = part.strip()
        first, _, last = part.partition("-")
        if first not in _DAY_NAMES or (last and last not in _DAY_NAMES):
            raise HoursError(f"{part!r} is not a day or range of days like mon-fri")
        start = _DAY_NAMES[first]
        end = _DAY_NAMES[last] if last else start
        i = start
        while True:  # ranges may wrap around the week: fri-mon
            days.append(i)
            if i == end:
                break
            i = (i + 1) % 7
    return days


def parse_hours(specs: list[str]) -> list[list[Interval]]:
    """Seven lists of intervals from lines like `mon-fri 09:00-12:00,13:00-17:00` or `24/7`.

    An interval that ends before it starts (`fri 22:00-06:00`) runs past midnight into the next
    day. Several lines for the same day add up.
    """
    week: list[list[Interval]] = [[] for _ in DAYS]
    if not specs:
        raise HoursError("give working hours, e.g. 'mon-fri 09:00-17:00' or '24/7'")
    for spec in specs:
        spec = " ".join(spec.split())
        if spec.lower() in (ALWAYS, "24x7", "always"):
            for day in week:
                day.append((0, DAY))
            continue
        days_text, _, times_text = spec.partition(" ")
        if not times_text:
            raise HoursError(f"{spec!r}: write days then times, e.g. 'mon-fri 09:00-17:00'")
        days = _days(days_text)
        for piece in times_text.replace(" ", "").split(","):
            start_text, dash, end_text = piece.partition("-")
            if not dash:
                raise HoursError(f"{piece!r} is not a range of times like 09:00-17:00")
            start, end = _minute(start_text), _minute(end_text)
            if start == end or start == DAY:
                raise HoursError(f"{piece!r} is an empty range")
            for day in days:
                if end > start:
                    week[day].append((start, end))
                else:  # past midnight
                    week[day].append((start, DAY))
                    if end:
                        week[(day + 1) % 7].append((0, end))
    if not any(week):
        raise HoursError("the working hours are empty")
    return [_merged(day) for day in week]


def _merged(intervals: list[Interval]) -> list[Interval]:
    out: list[list[int]] = []
    for start, end in sorted(intervals):
        if out and start <= out[-1][1]:
            out[-1][1] = max(out[-1][1], end)
        else:
            out.append([start, end])
    return [(s, e) for s, e in out]


def _clock(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


def format_hours(week: list[list[Interval]]) -> list[str]:
    """The shortest lines that `parse_hours` reads back to the same week."""
    if all(day == [(0, DAY)] for day in week):
        return [ALWAYS]
    lines: list[str] = []
    i = 0
    while i < 7:
        j = i
        while j + 1 < 7 and week[j + 1] == week[i]:
            j += 1
        if week[i]:
            days = DAYS[i] if i == j else f"{DAYS[i]}-{DAYS[j]}"
            times = ",".join(f"{_clock(s)}-{_clock(e)}" for s, e in week[i])
            lines.append(f"{days} {times}")
        i = j + 1
    return lines


def parse_date(text: str, field: str = "holiday") -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise HoursError(f"{field}: {text.strip()!r} is not a date like 2025-12-25") from None


def ical_holidays(data: bytes | str) -> list[tuple[date, str]]:
    """All-day (and timed) events of an iCalendar file as (local date, name) pairs.

    A multi-day event gives one date per day; recurring yearly events are expanded for the
    years from their start to five years ahead.
    """
    import icalendar

    try:
        calendar = icalendar.Calendar.from_ical(data)
    except Exception as exc:  # icalendar raises ValueError and friends for junk
        raise HoursError(f"not an iCalendar file: {exc}") from exc
    found: dict[date, str] = {}
    for event in calendar.walk("VEVENT"):
        start = event.get("dtstart")
        if start is None:
            continue
        first = _as_date(start.dt)
        end = event.get("dtend")
        last = _as_date(end.dt) if end is not None else first
        if end is not None and not isinstance(end.dt, datetime) and last > first:
            last = date.fromordinal(last.toordinal() - 1)  # DTEND of all-day events is exclusive
        name = str(event.get("summary") or "Holiday")
        years = [0]
        rule = event.get("rrule")
        if rule and [str(f).upper() for f in rule.get("FREQ", [])] == ["YEARLY"]:
            years = list(range(0, 6))
        for shift in years:
            for ordinal in range(first.toordinal(), last.toordinal() + 1):
                day = date.fromordinal(ordinal)
                try:
                    day = day.replace(year=day.year + shift)
                except ValueError:  # 29 February
                    continue
                found.setdefault(day, name)
    if not found:
        raise HoursError("the iCalendar file has no events")
    return sorted(found.items())


def _as_date(value: date | datetime) -> date:
    return value.date() if isinstance(value, datetime) else value
