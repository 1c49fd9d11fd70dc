"""The core's event hooks, turned into clock changes inside the transaction of the change."""

from __future__ import annotations

from typing import Any

from helpline import hookimpl
from helpline.model import Actor, Message, Ticket
from helpline.runtime import Helpline
from helpline_sla import persist
from helpline_sla.rules import load_rules

#: Fields whose change can choose another policy or target.
MATCHED_FIELDS = {
    "priority": "priority",
    "type": "type",
    "team_id": "team",
    "tags": "tags",
    "custom_fields": "custom fields",
    "channel": "channel",
    "organization_id": "organization",
}


def is_agent_reply(ticket: Ticket, message: Message, actor: Actor | None) -> bool:
    """A public reply a person on the team wrote: not a note, not an automatic message."""
    if message.kind != "public" or actor is None or not actor.staff:
        return False
    if actor.id == ticket.requester_id or message.meta.get("auto") or message.meta.get("automatic"):
        return False
    return True


@hookimpl
async def ticket_created(helpline: Helpline, ticket: Ticket) -> None:
    rules = await load_rules(helpline)
    if rules is None:
        return
    session = await persist.open_session(helpline, ticket, rules)
    if session is not None:
        session.ticket_created()
        await persist.save(helpline, session)


def _show(value: Any) -> str:
    if isinstance(value, list | tuple):
        return ", ".join(map(str, value)) or "none"
    return "none" if value in (None, "", {}) else str(value)


@hookimpl
async def ticket_updated(
    helpline: Helpline, ticket: Ticket, changes: dict[str, tuple[Any, Any]]
) -> None:
    matched = [f for f in changes if f in MATCHED_FIELDS]
    if "status" not in changes and not matched:
        return
    session = await persist.open_session(helpline, ticket)
    if session is None:
        return
    if "status" in changes:
        old_status, new_status = changes["status"]
        old_category = await persist.status_category(old_status) or ""
        session.status_changed(old_category, new_status)
    if matched:
        reason = "; ".join(
            f"{MATCHED_FIELDS[f]} changed from {_show(changes[f][0])} to {_show(changes[f][1])}"
            for f in matched
        )
        session.recompute(reason)
    await persist.save(helpline, session)


@hookimpl
async def message_added(
    helpline: Helpline, ticket: Ticket, message: Message, actor: Actor | None
) -> None:
    if message.kind != "public":
        return
    session = await persist.open_session(helpline, ticket)
    if session is None:
        return
    if is_agent_reply(ticket, message, actor):
        session.agent_replied()
    elif actor is None or not actor.staff or actor.id == ticket.requester_id:
        session.customer_wrote()
    await persist.save(helpline, session)


@hookimpl
async def ticket_merged(helpline: Helpline, source: Ticket) -> None:
    session = await persist.open_session(helpline, source)
    if session is None:
        return
    for clock in session.clocks.values():
        session.cancel(clock, "merged into another ticket")
    await persist.save(helpline, session)
