"""Ticket events: the immutable record of every change."""

from __future__ import annotations

from typing import Any

from helpline.model import Actor, Event, Ticket
from helpline.runtime import Helpline
from helpline.services.users import people, team_names
from helpline.tables import TicketEvent

#: Fields whose stored value is an id; history keeps what a reader recognises instead.
_USER_FIELDS = {"assignee_id": "assignee", "requester_id": "requester"}


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    return str(value)


async def record(
    helpline: Helpline,
    ticket_id: int,
    actor: Actor | None,
    kind: str,
    *,
    field: str | None = None,
    old: Any = None,
    new: Any = None,
    via: str | None = None,
) -> None:
    await TicketEvent.insert(
        TicketEvent(
            ticket=ticket_id,
            actor=actor.id if actor else None,
            via=via,
            kind=kind,
            field=field,
            old=_text(old),
            new=_text(new),
            at=helpline.now(),
        )
    )


async def record_changes(
    helpline: Helpline,
    ticket: Ticket,
    actor: Actor | None,
    changes: dict[str, Any],
    *,
    via: str | None = None,
    kind: str = "field_changed",
) -> None:
    """One event per changed field, with readable old and new values."""
    users = await people(
        {getattr(ticket, f) for f in _USER_FIELDS if f in changes}
        | {changes[f] for f in _USER_FIELDS if f in changes}
    )
    teams = await team_names(
        {ticket.team_id, changes.get("team_id")} if "team_id" in changes else set()
    )
    rows = []
    for field, new in changes.items():
        old = getattr(ticket, field, None)
        name = field
        if field in _USER_FIELDS:
            name = _USER_FIELDS[field]
            old, new = (users[v]["email"] if v in users else None for v in (old, new))
        elif field == "team_id":
            name = "team"
            old, new = teams.get(old), teams.get(new)
        elif field == "merged_into_id":
            continue
        rows.append(
            TicketEvent(
                ticket=ticket.id,
                actor=actor.id if actor else None,
                via=via,
                kind=kind,
                field=name,
                old=_text(old),
                new=_text(new),
                at=helpline.now(),
            )
        )
    if rows:
        await TicketEvent.insert(*rows)


async def events(ticket_id: int) -> list[Event]:
    rows = (
        await TicketEvent.select()
        .where(TicketEvent.ticket == ticket_id)
        .order_by(TicketEvent.at)
        .order_by(TicketEvent.id)
    )
    return [
        Event(
            id=r["id"],
            ticket_id=r["ticket"],
            actor_id=r["actor"],
            via=r["via"],
            kind=r["kind"],
            field=r["field"],
            old=r["old"],
            new=r["new"],
            at=r["at"],
        )
        for r in rows
    ]
