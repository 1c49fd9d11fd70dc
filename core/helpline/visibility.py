"""The one place deciding what an actor may see; every list, search, export and report uses it."""

from __future__ import annotations

from typing import Any

from piccolo.columns.combination import WhereRaw

from helpline.model import Actor
from helpline.tables import Ticket


def visible_tickets(actor: Actor) -> Any:
    """A Piccolo where-clause selecting the tickets `actor` may see."""
    if not actor.active:
        return WhereRaw("1 = 0")
    if actor.can("tickets.view_all"):
        return WhereRaw("1 = 1")
    if actor.can("tickets.view_team"):
        clause = (Ticket.assignee == actor.id) | Ticket.team.is_null()
        if actor.team_ids:
            clause = clause | Ticket.team.is_in(sorted(actor.team_ids))
        return clause
    # Customers: their own requests, and their organization's when it shares tickets.
    clause = Ticket.requester == actor.id
    if actor.organization_id is not None and actor.organization_shared:
        clause = clause | (Ticket.organization == actor.organization_id)
    return clause


def visible_message_kinds(actor: Actor) -> tuple[str, ...]:
    """Which message kinds an actor may read on a ticket it can see."""
    if actor.staff and actor.can("tickets.view_internal"):
        return ("public", "internal", "system")
    return ("public",)
