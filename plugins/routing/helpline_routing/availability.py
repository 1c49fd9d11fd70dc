"""Working hours: a weekly schedule in the agent's own timezone."""

from __future__ import annotations

from datetime import datetime, time
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from helpline.errors import Invalid

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DAY_LABELS = dict(zip(DAYS, ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"), strict=True))


def _clock(text: str, field: str) -> time:
    try:
        return time.fromisoformat(text.strip())
    except ValueError:
        raise Invalid(field, f"{text!r} is not a time like 09:00") from None


def parse_schedule(values: dict[str, tuple[str, str]]) -> dict[str, list[str]]:
    """{"mon": ("09:00", "17:00"), …} from a form; both empty = not working that day.

    Raises Invalid naming `schedule.<day>`.
    """
    schedule: dict[str, list[str]] = {}
    for day in DAYS:
        start, end = (v.strip() for v in values.get(day, ("", "")))
        if not start and not end:
            continue
        field = f"schedule.{day}"
        if not start or not end:
            raise Invalid(field, "give both a start and an end, or neither")
        a, b = _clock(start, field), _clock(end, field)
        if a == b:
            raise Invalid(field, "the start and the end are the same")
        schedule[day] = [a.strftime("%H:%M"), b.strftime("%H:%M")]
    return schedule


def zone(name: str | None) -> ZoneInfo:
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def working(schedule: dict[str, list[str]], timezone: str | None, now: datetime) -> bool:
    """Whether `now` falls in the schedule ({} = always); a shift may pass midnight."""
    if not schedule:
        return True
    local = now.astimezone(zone(timezone))
    at = local.time().replace(tzinfo=None)
    today = DAYS[local.weekday()]
    yesterday = DAYS[(local.weekday() - 1) % 7]
    if today in schedule:
        start, end = (time.fromisoformat(v) for v in schedule[today])
        if start < end and start <= at < end:
            return True
        if start > end and at >= start:
            return True
    if yesterday in schedule:
        start, end = (time.fromisoformat(v) for v in schedule[yesterday])
        if start > end and at < end:
            return True
    return False


def describe(schedule: dict[str, list[str]]) -> str:
    if not schedule:
        return "always"
    return ", ".join(f"{DAY_LABELS[d]} {s[0]}-{s[1]}" for d, s in schedule.items())
