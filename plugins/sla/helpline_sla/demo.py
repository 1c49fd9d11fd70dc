"""`helpline demo` data: an office-hours calendar and a standard policy, so badges show at once.

The core writes demo tickets in bulk, so no clock was started for them; saving the policy queues
the plugin's recompute job, which gives every unsolved demo ticket its clocks (the worker that
`helpline serve` runs picks it up). Escalation actions are left out: a year of demo tickets is
mostly overdue, and nobody should be notified about invented tickets.
"""

from __future__ import annotations

from helpline.runtime import Helpline
from helpline_sla import store
from helpline_sla.specs import CalendarSpec, PolicySpec, TargetSpec

CALENDAR = CalendarSpec(
    name="Office hours", timezone="Europe/London", hours=["mon-fri 09:00-17:30"], country="GB"
)
#: Minutes of business time per target and priority.
TARGETS = {
    "first_response": {"urgent": 30, "high": 120, "normal": 240, "low": 480},
    "next_response": {"urgent": 60, "high": 240, "normal": 480, "low": 960},
    "resolution": {"urgent": 240, "high": 960, "normal": 2400, "low": 4800},
}
POLICY = PolicySpec(
    name="Standard",
    calendar=CALENDAR.name,
    targets=[
        TargetSpec(target=target, minutes=minutes, priority=priority)  # type: ignore[arg-type]
        for target, by_priority in TARGETS.items()
        for priority, minutes in by_priority.items()
    ],
)


async def load(helpline: Helpline) -> bool:
    """Add the demo calendar and policy unless the desk has policies; True when added."""
    if await store.policies(helpline):
        return False  # an earlier demo run, or an admin's own policies: leave them alone
    await store.save_calendar(helpline, CALENDAR)
    await store.save_policy(helpline, POLICY)
    return True
