"""A chat's transcript on the wire: the ticket's public messages after a sequence number.

The sequence number of a chat message is the id of its core message: a client that saw up to
`seq` asks for what follows, and gets every public message of the ticket, wherever it was
written (the widget, the console, the ticket page, an email reply).
"""

from __future__ import annotations

from typing import Any

from helpline.model import Actor, Message
from helpline.runtime import Helpline
from helpline.services import messages, users
from helpline.tables import Message as MessageRow
from helpline.tables import Ticket as TicketRow


async def after(
    helpline: Helpline, actor: Actor, number: int, seq: int, limit: int = 200
) -> list[Message]:
    """Public messages of ticket `number` with an id above `seq` (as `actor` may read them)."""
    latest = await (
        MessageRow.select(MessageRow.id)
        .where(
            (MessageRow.ticket.number == number)
            & (MessageRow.id > seq)
            & (MessageRow.kind == "public")
        )
        .first()
    )
    if latest is None:  # nothing new: skip the full, permission-checked read
        return []
    found = [
        m
        for m in await messages.list_messages(helpline, actor, number)
        if m.id > seq and m.kind == "public"
    ]
    found.sort(key=lambda m: m.id)
    return found[-limit:]


async def last_seq(number: int) -> int:
    row = await (
        MessageRow.select(MessageRow.id)
        .where((MessageRow.ticket.number == number) & (MessageRow.kind == "public"))
        .order_by(MessageRow.id, ascending=False)
        .first()
    )
    return row["id"] if row else 0


async def ticket_requester(number: int) -> int | None:
    row = await TicketRow.select(TicketRow.requester).where(TicketRow.number == number).first()
    return row["requester"] if row else None


async def wire(
    found: list[Message], visitor_id: int, file_url: Any, *, names: dict[int, Any] | None = None
) -> list[dict[str, Any]]:
    """JSON-ready messages; `file_url(attachment_id)` gives each attachment's link."""
    people = names if names is not None else await users.people({m.author_id for m in found})
    out = []
    for m in found:
        author = people.get(m.author_id) or {}
        out.append(
            {
                "type": "message",
                "seq": m.id,
                "from": "visitor" if m.author_id == visitor_id else "agent",
                "name": author.get("name") or "Support",
                "body": m.body,
                "at": m.created_at.isoformat(),
                "cid": (m.meta or {}).get("chat_cid"),
                "files": [
                    {"name": a.filename, "size": a.size, "url": file_url(a.id)}
                    for a in m.attachments
                ],
            }
        )
    return out
