"""Setting up calendars and policies for SLA tests, and reading a ticket's clocks."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from helpline import jobs
from helpline_sla import store
from helpline_sla.persist import load_clocks
from helpline_sla.specs import CalendarSpec, Conditions, EscalationSpec, PolicySpec, TargetSpec

BERLIN = ZoneInfo("Europe/Berlin")
#: Monday 6 January 2025, 10:00 in Berlin.
MONDAY_10 = datetime(2025, 1, 6, 10, 0, tzinfo=BERLIN)


def berlin(*args: int) -> datetime:
    return datetime(*args, tzinfo=BERLIN).astimezone(UTC)


async def office(
    helpline: Any, name: str = "office", hours: tuple[str, ...] = ("mon-fri 09:00-17:00",)
) -> None:
    await store.save_calendar(
        helpline, CalendarSpec(name=name, timezone="Europe/Berlin", hours=list(hours))
    )


async def policy(
    helpline: Any,
    name: str = "Standard",
    targets: dict[str, int] | None = None,
    *,
    priority_targets: list[tuple[str, str, int]] = (),
    business: bool = True,
    warn_before: int | None = 0,
    calendar: str | None = "office",
    escalations: list[EscalationSpec] = (),
    conditions: Conditions | None = None,
    position: int = 0,
) -> PolicySpec:
    """A policy; `targets` maps target → minutes for every priority."""
    specs = [
        TargetSpec(target=t, minutes=m, business=business, warn_before=warn_before)
        for t, m in (targets or {"first_response": 60, "resolution": 480}).items()
    ]
    specs += [
        TargetSpec(target=t, minutes=m, priority=p, business=business, warn_before=warn_before)
        for t, p, m in priority_targets
    ]
    spec = PolicySpec(
        name=name,
        targets=specs,
        calendar=calendar,
        escalations=list(escalations),
        conditions=conditions or Conditions(),
        position=position,
    )
    saved = await store.save_policy(helpline, spec)
    await jobs.cancel(helpline, "sla:recompute")  # nothing to recompute in a fresh desk
    return saved


async def clocks(ticket: Any) -> dict[str, Any]:
    return (await load_clocks([ticket.id]))[ticket.id]


async def timers(helpline: Any) -> dict[str, datetime]:
    """Queued SLA timers: target → run_at."""
    found = await jobs.list_jobs(helpline, status="queued", kind="sla.timer")
    return {j["payload"]["target"]: _utc(j["run_at"]) for j in found}


def _utc(value: Any) -> datetime:
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.astimezone(UTC)
