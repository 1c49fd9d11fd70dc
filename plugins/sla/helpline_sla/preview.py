""" "A ticket created now with priority high would be due at …": what a policy promises."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import msgspec

from helpline.model import Ticket
from helpline.runtime import Helpline
from helpline_sla.rules import Rules, load_rules, target_for
from helpline_sla.specs import TARGETS, PolicySpec


class PreviewIn(msgspec.Struct, forbid_unknown_fields=True):
    """An imagined ticket; only what policies look at."""

    priority: str = "normal"
    type: str = "question"
    team: str | None = None
    channel: str = "web"
    organization: str | None = None
    tags: list[str] = []
    custom_fields: dict[str, Any] = {}
    #: When it is created; now when left out.
    created_at: datetime | None = None


class PreviewTarget(msgspec.Struct):
    target: str
    minutes: int
    business: bool
    calendar: str | None
    #: If the clock ran from creation without a pause.
    due_at: datetime


class PreviewOut(msgspec.Struct):
    policy: str | None
    created_at: datetime
    targets: list[PreviewTarget]


async def preview(
    helpline: Helpline, data: PreviewIn, policy: PolicySpec | None = None
) -> PreviewOut:
    """Which policy applies (or what `policy` would promise) to such a ticket, and its due times."""
    rules = await load_rules(helpline, empty=True)
    assert rules is not None
    if policy is not None:
        rules = Rules([policy], rules.calendars, rules.team_ids, rules.organization_ids)
    start = data.created_at or helpline.now()
    if start.tzinfo is None:
        raise ValueError("created_at needs a timezone offset")
    ticket = Ticket(
        id=0,
        number=0,
        subject="",
        status="new",
        status_category="new",
        priority=data.priority,
        type=data.type,
        requester_id=0,
        organization_id=await _org_id(data.organization),
        assignee_id=None,
        team_id=await _team_id(data.team),
        channel=data.channel,
        tags=data.tags,
        custom_fields=data.custom_fields,
        merged_into_id=None,
        created_at=start,
        updated_at=start,
        first_response_at=None,
        solved_at=None,
        closed_at=None,
        version=1,
    )
    if policy is not None:
        # Previewing one policy as edited: its conditions were checked by the form, not here.
        found: PolicySpec | None = policy
    else:
        found = rules.match(ticket)
    targets = []
    for name in TARGETS if found else ():
        spec = target_for(found, name, data.priority)
        if spec is None:
            continue
        cal = rules.calendar(found, spec)
        targets.append(
            PreviewTarget(
                target=name,
                minutes=spec.minutes,
                business=spec.business and found.calendar is not None,
                calendar=found.calendar if spec.business else None,
                due_at=cal.add(start, timedelta(minutes=spec.minutes)),
            )
        )
    return PreviewOut(policy=found.name if found else None, created_at=start, targets=targets)


async def _team_id(name: str | None) -> int | None:
    from helpline.tables import Team

    if not name:
        return None
    row = await Team.select(Team.id).where(Team.name == name).first()
    return row["id"] if row else -1


async def _org_id(name: str | None) -> int | None:
    from helpline.tables import Organization

    if not name:
        return None
    row = await Organization.select(Organization.id).where(Organization.name == name).first()
    return row["id"] if row else -1
