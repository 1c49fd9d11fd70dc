"""The JSON bodies webhooks send, built when the event happens (inside its transaction)."""

from __future__ import annotations

import uuid
from typing import Any

from helpline.model import Actor, Message, Ticket
from helpline.runtime import Helpline
from helpline.services.users import people, team_names


def new_uid() -> str:
    return str(uuid.uuid4())


def _person(found: dict[int, dict[str, Any]], user_id: int | None) -> dict[str, Any] | None:
    if user_id is None or user_id not in found:
        return None
    return {"id": user_id, "email": found[user_id]["email"], "name": found[user_id]["name"]}


async def ticket_json(helpline: Helpline, ticket: Ticket) -> dict[str, Any]:
    found = await people({ticket.requester_id, ticket.assignee_id})
    teams = await team_names({ticket.team_id}) if ticket.team_id else {}
    return {
        "number": ticket.number,
        "subject": ticket.subject,
        "status": ticket.status,
        "status_category": ticket.status_category,
        "priority": ticket.priority,
        "type": ticket.type,
        "channel": ticket.channel,
        "tags": list(ticket.tags),
        "requester": _person(found, ticket.requester_id),
        "assignee": _person(found, ticket.assignee_id),
        "team": teams.get(ticket.team_id) if ticket.team_id else None,
        "custom_fields": dict(ticket.custom_fields),
        "created_at": ticket.created_at,
        "updated_at": ticket.updated_at,
        "url": f"{helpline.settings.base_url.rstrip('/')}/tickets/{ticket.number}",
    }


def message_json(message: Message) -> dict[str, Any]:
    return {
        "id": message.id,
        "kind": message.kind,
        "internal": message.kind == "internal",
        "author_id": message.author_id,
        "channel": message.channel,
        "body": message.body,
        "attachments": [
            {"filename": a.filename, "content_type": a.content_type, "size": a.size}
            for a in message.attachments
        ],
        "created_at": message.created_at,
    }


async def first_message_json(ticket: Ticket) -> dict[str, Any] | None:
    """The public message a ticket was opened with (never an internal note), or None."""
    from helpline.tables import Message as MessageRow

    row = (
        await MessageRow.select(
            MessageRow.id,
            MessageRow.kind,
            MessageRow.author,
            MessageRow.channel,
            MessageRow.body,
            MessageRow.created_at,
        )
        .where(MessageRow.ticket == ticket.id)
        .order_by(MessageRow.id)
        .first()
    )
    if row is None or row["kind"] != "public":
        return None
    return {
        "id": row["id"],
        "kind": "public",
        "internal": False,
        "author_id": row["author"],
        "channel": row["channel"],
        "body": row["body"],
        "created_at": row["created_at"],
    }


def actor_json(actor: Actor | None) -> dict[str, Any] | None:
    if actor is None:
        return None
    return {"id": actor.id, "email": actor.email, "name": actor.name, "staff": actor.staff}
