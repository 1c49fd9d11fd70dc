"""Logging a call by hand, on a new or existing ticket (reading calls: `call_queries`)."""

from __future__ import annotations

import re
from typing import Any

from helpline.errors import Forbidden, Invalid
from helpline.model import Actor, Ticket
from helpline.runtime import Helpline
from helpline.services import messages, tickets, users
from helpline_phone import numbers
from helpline_phone.call_queries import (
    DIRECTIONS,
    OUTCOMES,
    format_duration,
    get_calls,
    list_calls,
    visible_calls,
)
from helpline_phone.settings import settings_of
from helpline_phone.tables import PhoneCall

__all__ = ["DIRECTIONS", "OUTCOMES", "format_duration", "get_calls", "list_calls", "log_call"]

VIA = "plugin:phone"
DURATION_RE = re.compile(r"^(?:(\d{1,3}):)?(\d{1,5})$")


def parse_duration(text: str) -> int:
    """Seconds from "245" or "4:05" (minutes:seconds); blank is 0."""
    text = (text or "").strip()
    if not text:
        return 0
    match = DURATION_RE.match(text)
    if not match:
        raise Invalid("duration", "write seconds (245) or minutes:seconds (4:05)")
    minutes, seconds = match.groups()
    if minutes is not None and int(seconds) >= 60:
        raise Invalid("duration", "seconds must be below 60 in minutes:seconds")
    return int(minutes or 0) * 60 + int(seconds)


def summary(direction: str, e164: str, outcome: str, duration: int) -> str:
    way = "from" if direction == "inbound" else "to"
    text = f"{DIRECTIONS.get(direction, direction)} call {way} {numbers.display(e164)}"
    text += f" · {OUTCOMES.get(outcome, outcome)}"
    if duration:
        text += f" · {format_duration(duration)}"
    return text


def may_log(actor: Actor) -> bool:
    return actor.staff and actor.can("tickets.note")


async def customer_for_number(helpline: Helpline, e164: str) -> int:
    """The user this number belongs to, or a new customer known only by it."""
    found = await numbers.user_for_number(e164)
    if found is not None:
        return found["id"]
    # Customers are people with an email address; a caller we do not know gets a placeholder in
    # the reserved .invalid domain, which no mail server accepts, until an agent merges them.
    email = f"{e164.lstrip('+')}@phone.invalid"
    user_id = await users.customer_for_email(helpline, email, numbers.display(e164))
    await numbers.remember(helpline, user_id, e164)
    return user_id


async def log_call(
    helpline: Helpline,
    actor: Actor,
    *,
    number: str,
    direction: str,
    outcome: str,
    duration: str | int = 0,
    notes: str = "",
    ticket: int | None = None,
    subject: str = "",
    requester: str = "",
    remember: bool = False,
    call: int | None = None,
) -> tuple[dict[str, Any], Ticket]:
    """Log a call an agent made or took: on ticket `ticket`, or on a new phone ticket.

    `call` is a call the telephone system reported (the popup's "Log this call"): it is
    completed and filed on the ticket instead of a second call being stored.
    """
    if not may_log(actor):
        raise Forbidden("you may not log calls (needs tickets.note)")
    e164 = numbers.normalize(number, settings_of(helpline).default_region)
    if direction not in DIRECTIONS:
        raise Invalid("direction", "choose inbound or outbound")
    if outcome not in OUTCOMES:
        raise Invalid("outcome", "choose what happened")
    seconds = duration if isinstance(duration, int) else parse_duration(duration)
    if seconds < 0 or seconds > 86400:
        raise Invalid("duration", "must be between 0 and 24 hours")
    notes = (notes or "").strip()
    if len(notes) > 20000:
        raise Invalid("notes", "must be at most 20,000 characters")
    requester = (requester or "").strip()
    if requester and not actor.can("tickets.create_on_behalf"):
        raise Forbidden("you may not act for customers", "requester")
    async with helpline.transaction():
        matched = await numbers.user_for_number(e164)
        if requester:
            customer_id = await users.customer_for_email(helpline, requester)
        elif matched is not None:
            customer_id = matched["id"]
        else:
            customer_id = None
        if ticket is not None:
            found = await tickets.get_ticket(helpline, actor, ticket)
        else:
            if customer_id is None:
                customer_id = await customer_for_number(helpline, e164)
            email = (await users.people({customer_id}))[customer_id]["email"]
            found = await tickets.create_ticket(
                helpline,
                actor,
                subject=subject.strip() or summary(direction, e164, outcome, 0),
                body=notes or summary(direction, e164, outcome, seconds),
                requester=email,
                channel="phone",
                via=VIA,
            )
        if customer_id is None and found.requester_id != actor.id:
            customer_id = found.requester_id
        if remember and customer_id is not None and matched is None:
            if not await numbers.remember(helpline, customer_id, e164):
                raise Invalid("number", "this number belongs to someone else")
        now = helpline.now()
        if call is not None:
            call_id = await _file_reported(actor, call, found, customer_id, outcome, seconds, notes)
        else:
            call_id = await _insert(
                actor, found, customer_id, direction, e164, outcome, seconds, notes, now
            )
        body = summary(direction, e164, outcome, seconds) + (f"\n\n{notes}" if notes else "")
        found, _ = await messages.add_message(
            helpline,
            actor,
            found.number,
            body=body,
            internal=True,
            channel="phone",
            meta={"phone_call": call_id},
            via=VIA,
        )
    return (await get_calls(PhoneCall.id == call_id))[0], found


async def _file_reported(
    actor: Actor,
    call: int,
    ticket: Ticket,
    customer_id: int | None,
    outcome: str,
    seconds: int,
    notes: str,
) -> int:
    """Complete a call the telephone system reported and file it on `ticket`."""
    row = (
        await PhoneCall.select(PhoneCall.id, PhoneCall.ticket, PhoneCall.agent, PhoneCall.customer)
        .where(PhoneCall.id == call, visible_calls(actor))
        .first()
    )
    if row is None:
        raise Invalid("call", "no such call, or you may not see it")
    if row["ticket"] is not None and row["ticket"] != ticket.id:
        raise Invalid("ticket", "this call is already filed on another ticket")
    await PhoneCall.update(
        {
            PhoneCall.ticket: ticket.id,
            PhoneCall.customer: row["customer"] or customer_id,
            PhoneCall.agent: row["agent"] or actor.id,
            PhoneCall.logged_by: actor.id,
            PhoneCall.outcome: outcome,
            PhoneCall.duration: seconds,
            PhoneCall.notes: notes,
        }
    ).where(PhoneCall.id == call)
    return call


async def _insert(
    actor: Actor,
    ticket: Ticket,
    customer_id: int | None,
    direction: str,
    e164: str,
    outcome: str,
    seconds: int,
    notes: str,
    now: Any,
) -> int:
    row = await PhoneCall.insert(
        PhoneCall(
            direction=direction,
            number=e164,
            customer=customer_id,
            agent=actor.id,
            ticket=ticket.id,
            state="ended",
            outcome=outcome,
            duration=seconds,
            notes=notes,
            source="manual",
            logged_by=actor.id,
            started_at=now,
            answered_at=now if outcome == "answered" else None,
            ended_at=now,
        )
    ).returning(PhoneCall.id)
    return row[0]["id"]
