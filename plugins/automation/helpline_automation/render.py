"""Placeholders in macro replies and notes: `{{ticket.number}}`, `{{requester.name}}`…

Only these names are replaced, by plain text substitution: nothing in a reply is ever executed.
"""

from __future__ import annotations

import re
from typing import Any

from helpline.errors import Invalid
from helpline.model import Actor, Ticket
from helpline.services.users import people, team_names

PLACEHOLDER = re.compile(r"\{\{\s*([a-z_]+)\.([a-z_]+)\s*\}\}")

NAMES: dict[str, tuple[str, ...]] = {
    "ticket": ("number", "subject", "status", "priority", "type", "channel", "tags"),
    "requester": ("name", "first_name", "email"),
    "assignee": ("name", "first_name", "email"),
    "agent": ("name", "first_name", "email"),
    "team": ("name",),
}


def check(text: str, field: str) -> str:
    """Refuse a text naming a placeholder that does not exist (Invalid on `field`)."""
    for match in PLACEHOLDER.finditer(text or ""):
        if match[2] not in NAMES.get(match[1], ()):
            raise Invalid(field, f"unknown placeholder {match[0]}")
    return text or ""


def _person(row: dict[str, Any] | None) -> dict[str, str]:
    if not row:
        return {"name": "", "first_name": "", "email": ""}
    name = row.get("name") or ""
    return {"name": name, "first_name": name.split(" ")[0], "email": row.get("email") or ""}


async def values(ticket: Ticket, agent: Actor | None) -> dict[str, dict[str, str]]:
    found = await people({ticket.requester_id, ticket.assignee_id})
    teams = await team_names({ticket.team_id}) if ticket.team_id else {}
    fields = {
        "number": str(ticket.number),
        "subject": ticket.subject,
        "status": ticket.status,
        "priority": ticket.priority,
        "type": ticket.type,
        "channel": ticket.channel,
        "tags": ", ".join(ticket.tags),
    }
    agent_row = {"name": agent.name, "email": agent.email} if agent else {"name": "Helpline"}
    return {
        "ticket": fields,
        "requester": _person(found.get(ticket.requester_id)),
        "assignee": _person(found.get(ticket.assignee_id)),
        "agent": _person(agent_row),
        "team": {"name": teams.get(ticket.team_id, "")},
    }


async def render(text: str, ticket: Ticket, agent: Actor | None) -> str:
    if "{{" not in (text or ""):
        return text or ""
    known = await values(ticket, agent)
    return PLACEHOLDER.sub(lambda m: known.get(m[1], {}).get(m[2], ""), text)
