"""What the channel writes beside tickets: system notes, bouncing addresses, followers."""

from __future__ import annotations

from typing import Any

from helpline import db
from helpline.model import Message
from helpline.runtime import Helpline
from helpline.services import history, messages
from helpline_email.tables import Address, Follower

VIA = "plugin:email"


async def system_note(
    helpline: Helpline,
    ticket_id: int,
    body: str,
    *,
    author_id: int | None = None,
    meta: dict[str, Any] | None = None,
) -> Message:
    """A system message on a ticket (agents see it; customers do not), recorded in its history."""
    async with helpline.transaction():
        message = await messages.insert_message(
            helpline,
            ticket_id,
            author_id=author_id,
            kind="system",
            body=body,
            channel="email",
            meta=meta,
        )
        await history.record(
            helpline, ticket_id, None, "message", field="system", new=str(message.id), via=VIA
        )
    return message


async def flag_bouncing(helpline: Helpline, address: str, reason: str) -> None:
    await db.fetch(
        helpline.engine,
        "INSERT INTO email_address (address, bouncing, bounce_reason, bounce_count, bounced_at) "
        "VALUES ({}, {}, {}, 1, {}) ON CONFLICT (address) DO UPDATE SET "
        "bouncing = excluded.bouncing, bounce_reason = excluded.bounce_reason, "
        "bounced_at = excluded.bounced_at, bounce_count = email_address.bounce_count + 1",
        address.lower(),
        True,
        reason[:500],
        helpline.now(),
    )


async def clear_bouncing(address: str) -> None:
    await Address.update({Address.bouncing: False}).where(Address.address == address.lower())


async def bouncing(addresses: list[str]) -> dict[str, dict[str, Any]]:
    """Bouncing addresses among these, with why and when."""
    wanted = sorted({a.lower() for a in addresses if a})
    if not wanted:
        return {}
    rows = await Address.select().where(Address.address.is_in(wanted) & (Address.bouncing == True))  # noqa: E712
    return {r["address"]: r for r in rows}


async def suggest_followers(
    helpline: Helpline, ticket_id: int, people: list[tuple[str, str]]
) -> None:
    """Offer people copied on a message as followers of its ticket (an agent accepts them)."""
    for name, address in people:
        await db.fetch(
            helpline.engine,
            "INSERT INTO email_follower (key, ticket, address, name, state, created_at) "
            "VALUES ({}, {}, {}, {}, 'suggested', {}) ON CONFLICT (key) DO NOTHING",
            f"{ticket_id}:{address}",
            ticket_id,
            address,
            name[:200],
            helpline.now(),
        )


async def set_follower(
    helpline: Helpline, ticket_id: int, address: str, state: str | None, name: str = ""
) -> None:
    """Make someone a follower (`state="follower"`), keep them offered, or drop them (None)."""
    key = f"{ticket_id}:{address.lower()}"
    if state is None:
        await Follower.delete().where(Follower.key == key)
        return
    await db.fetch(
        helpline.engine,
        "INSERT INTO email_follower (key, ticket, address, name, state, created_at) "
        "VALUES ({}, {}, {}, {}, {}, {}) ON CONFLICT (key) DO UPDATE SET state = excluded.state",
        key,
        ticket_id,
        address.lower(),
        name[:200],
        state,
        helpline.now(),
    )


async def followers(ticket_id: int, state: str | None = None) -> list[dict[str, Any]]:
    query = Follower.select().where(Follower.ticket == ticket_id)
    if state:
        query = query.where(Follower.state == state)
    return await query.order_by(Follower.id)
