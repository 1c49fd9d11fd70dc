"""Writing and reading the plugin's notes."""

from __future__ import annotations

from typing import Any

from helpline.runtime import Helpline
from helpline.tables import Ticket

from helpline_greeter.tables import GreeterNote


async def write_note(helpline: Helpline, payload: dict[str, Any]) -> None:
    """Job `greeter.note`: note a new ticket (skipped if it was deleted meanwhile)."""
    row = (
        await Ticket.select(Ticket.number, Ticket.subject)
        .where(Ticket.id == payload["ticket"])
        .first()
    )
    if row is None:
        return
    text = f"Ticket #{row['number']} arrived: {row['subject']}"
    await GreeterNote.insert(GreeterNote(ticket=payload["ticket"], text=text))


async def notes_for(ticket_id: int) -> list[dict[str, Any]]:
    query = GreeterNote.select().where(GreeterNote.ticket == ticket_id)
    return await query.order_by(GreeterNote.id)


async def latest(limit: int = 50) -> list[dict[str, Any]]:
    return (
        await GreeterNote.select(
            GreeterNote.text,
            GreeterNote.created_at,
            GreeterNote.ticket.number.as_alias("ticket_number"),
        )
        .order_by(GreeterNote.id, ascending=False)
        .limit(limit)
    )


async def count() -> int:
    return await GreeterNote.count()
