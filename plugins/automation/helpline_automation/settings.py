"""`[plugin.automation]` settings and the business-hours test rules may use."""

from __future__ import annotations

import re
from datetime import datetime, time
from zoneinfo import ZoneInfo

import msgspec

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_SPAN = re.compile(
    r"^(?P<d1>[a-z]{3})(?:-(?P<d2>[a-z]{3}))?\s+(?P<t1>\d\d:\d\d)-(?P<t2>\d\d:\d\d)$"
)


class AutomationSettings(msgspec.Struct, forbid_unknown_fields=True):
    #: Opening hours for the "within business hours" operator, e.g. `["mon-fri 09:00-17:00"]`.
    business_hours: list[str] = msgspec.field(default_factory=lambda: ["mon-fri 09:00-17:00"])
    timezone: str = "UTC"
    #: Rounds of follow-ups (rules reacting to changes rules made) before a cycle is cut.
    max_depth: int = 5
    #: Caps on automatic messages (notifications, macro replies by rules) per day.
    messages_per_ticket_per_day: int = 10
    messages_per_recipient_per_day: int = 20
    #: Rule log entries older than this many days are dropped (daily).
    log_days: int = 90

    def __post_init__(self) -> None:
        for span in self.business_hours:
            parse_span(span)
        try:
            ZoneInfo(self.timezone)
        except Exception as exc:
            raise ValueError(f"unknown timezone {self.timezone!r}") from exc


def parse_span(span: str) -> tuple[set[int], time, time]:
    """`"mon-fri 09:00-17:00"` → ({0..4}, 09:00, 17:00)."""
    match = _SPAN.match(span.strip().lower())
    if not match or match["d1"] not in DAYS or (match["d2"] or match["d1"]) not in DAYS:
        raise ValueError(f"business hours {span!r}: write e.g. 'mon-fri 09:00-17:00'")
    first, last = DAYS.index(match["d1"]), DAYS.index(match["d2"] or match["d1"])
    days = set(range(first, last + 1)) if first <= last else {*range(first, 7), *range(last + 1)}
    start, end = time.fromisoformat(match["t1"]), time.fromisoformat(match["t2"])
    if end <= start:
        raise ValueError(f"business hours {span!r}: the end must be after the start")
    return days, start, end


def settings_of(helpline) -> AutomationSettings:
    return helpline.plugin_settings.get("automation") or AutomationSettings()


def within_business_hours(settings: AutomationSettings, moment: datetime) -> bool:
    local = moment.astimezone(ZoneInfo(settings.timezone))
    for span in settings.business_hours:
        days, start, end = parse_span(span)
        if local.weekday() in days and start <= local.time() < end:
            return True
    return False
