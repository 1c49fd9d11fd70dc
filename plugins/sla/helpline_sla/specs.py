"""What a calendar and a policy are, as msgspec Structs: stored as JSON, sent over the API."""

from __future__ import annotations

from typing import Any, Literal

import msgspec

TARGETS = ("first_response", "next_response", "periodic_update", "resolution")
TARGET_LABELS = {
    "first_response": "First response",
    "next_response": "Next response",
    "periodic_update": "Periodic update",
    "resolution": "Resolution",
}
Target = Literal["first_response", "next_response", "periodic_update", "resolution"]
#: Who `notify` reaches.
RECIPIENTS = ("assignee", "team_lead", "managers")
ACTIONS = ("notify", "reassign", "raise_priority", "add_tag")


class Holiday(msgspec.Struct, forbid_unknown_fields=True):
    #: A local date, YYYY-MM-DD.
    date: str
    name: str = "Holiday"


class CalendarSpec(msgspec.Struct, forbid_unknown_fields=True):
    """A business calendar: a timezone, working hours per weekday and holidays."""

    name: str
    timezone: str = "UTC"
    #: Lines like `mon-fri 09:00-17:00`, `sat 10:00-14:00`, `mon 09:00-12:00,13:00-17:00` or `24/7`.
    hours: list[str] = msgspec.field(default_factory=lambda: ["mon-fri 09:00-17:00"])
    #: Holidays entered by hand or imported from an iCal file.
    holidays: list[Holiday] = []
    #: Public holidays of this country (ISO code, e.g. `DE`) from the `holidays` package.
    country: str | None = None
    #: A region of that country (e.g. `BY` for Bavaria).
    subdivision: str | None = None


class Conditions(msgspec.Struct, forbid_unknown_fields=True, omit_defaults=True):
    """Which tickets a policy covers; every given condition must hold, any of its values may."""

    priority: list[str] = []
    type: list[str] = []
    #: Team names.
    team: list[str] = []
    channel: list[str] = []
    #: Organization names.
    organization: list[str] = []
    #: The ticket carries at least one of these tags.
    tags: list[str] = []
    #: Custom field name → accepted values.
    custom_fields: dict[str, list[Any]] = {}


class TargetSpec(msgspec.Struct, forbid_unknown_fields=True):
    """One promise: `target` within `minutes` for tickets of `priority` (`*` for any)."""

    target: Target
    minutes: int
    priority: str = "*"
    #: Count only the calendar's working hours (true) or every minute (false).
    business: bool = True
    #: Warn this many minutes before the due time; null for a fifth of the target, 0 for none.
    warn_before: int | None = None


class Action(msgspec.Struct, forbid_unknown_fields=True, omit_defaults=True):
    """`notify` (to assignee, team_lead or managers), `reassign` (to team), `raise_priority`,
    `add_tag` (tag)."""

    action: Literal["notify", "reassign", "raise_priority", "add_tag"]
    to: str | None = None
    team: str | None = None
    tag: str | None = None


class EscalationSpec(msgspec.Struct, forbid_unknown_fields=True):
    """What happens at a warning, at the breach, or `after` minutes past the due time."""

    when: Literal["warning", "breach", "after"]
    actions: list[Action]
    #: Minutes past the due time (in the target's own business or calendar time), for `after`.
    minutes: int = 0
    #: Only for this target; null for every target.
    target: Target | None = None


class PolicySpec(msgspec.Struct, forbid_unknown_fields=True):
    """Ordered by `position`; the first active policy whose conditions match a ticket applies."""

    name: str
    targets: list[TargetSpec]
    position: int = 0
    active: bool = True
    #: Name of the calendar business-time targets count on; null for round the clock.
    calendar: str | None = None
    conditions: Conditions = msgspec.field(default_factory=Conditions)
    escalations: list[EscalationSpec] = []


def warn_before_seconds(spec: TargetSpec) -> int:
    if spec.warn_before is None:
        return spec.minutes * 60 // 5
    return max(0, min(spec.warn_before, spec.minutes)) * 60
