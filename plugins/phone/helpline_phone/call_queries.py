"""Reading calls: one shape for every page and the API, and who may see which calls."""

from __future__ import annotations

from typing import Any

from piccolo.columns.combination import WhereRaw

from helpline.errors import Forbidden
from helpline.model import Actor
from helpline.visibility import visible_tickets
from helpline_phone import numbers
from helpline_phone.tables import PhoneCall

DIRECTIONS = {"inbound": "Inbound", "outbound": "Outbound"}
OUTCOMES = {
    "answered": "Answered",
    "missed": "Missed",
    "voicemail": "Voicemail",
    "busy": "Busy",
    "no_answer": "No answer",
    "failed": "Failed",
}


#: What a call still going on shows instead of an outcome.
STATES = {"ringing": "Ringing", "answered": "In progress", "ended": "Ended"}


def format_duration(seconds: int | None) -> str:
    seconds = int(seconds or 0)
    return f"{seconds // 60}:{seconds % 60:02d}"


COLUMNS = (
    PhoneCall.id,
    PhoneCall.call_id,
    PhoneCall.direction,
    PhoneCall.number,
    PhoneCall.line,
    PhoneCall.customer,
    PhoneCall.customer.name.as_alias("customer_name"),
    PhoneCall.agent,
    PhoneCall.agent.name.as_alias("agent_name"),
    PhoneCall.ticket,
    PhoneCall.ticket.number.as_alias("ticket_number"),
    PhoneCall.ticket.subject.as_alias("ticket_subject"),
    PhoneCall.state,
    PhoneCall.outcome,
    PhoneCall.duration,
    PhoneCall.notes,
    PhoneCall.recording_url,
    PhoneCall.agent_extension,
    PhoneCall.source,
    PhoneCall.started_at,
    PhoneCall.answered_at,
    PhoneCall.ended_at,
)


def _decorate(row: dict[str, Any]) -> dict[str, Any]:
    return {
        **row,
        "display": numbers.display(row["number"]),
        "duration_text": format_duration(row["duration"]),
        "outcome_label": OUTCOMES.get(row["outcome"])
        or STATES.get(row["state"], row["outcome"] or row["state"]),
        "direction_label": DIRECTIONS.get(row["direction"], row["direction"]),
    }


async def get_calls(*where: Any, limit: int = 0, offset: int = 0) -> list[dict[str, Any]]:
    query = PhoneCall.select(*COLUMNS).where(*where).order_by(PhoneCall.started_at, ascending=False)
    query = query.order_by(PhoneCall.id, ascending=False)
    if limit:
        query = query.limit(limit).offset(offset)
    return [_decorate(r) for r in await query]


def visible_calls(actor: Actor) -> Any:
    """Which calls `actor` may see: those on tickets it can see (the one visibility function),
    and, for staff, calls on no ticket that it handled or that nobody took."""
    if not actor.staff or not actor.active:
        return WhereRaw("1 = 0")
    if actor.can("tickets.view_all"):
        return WhereRaw("1 = 1")
    # Correlated, so only the tickets of the calls at hand are checked, not every visible one.
    on_visible = WhereRaw(
        'EXISTS (SELECT 1 FROM "ticket" WHERE "ticket"."id" = "phone_call"."ticket" AND {})',
        visible_tickets(actor).querystring,
    )
    own = (PhoneCall.agent == actor.id) | PhoneCall.agent.is_null()
    return on_visible | (PhoneCall.ticket.is_null() & own)


async def list_calls(
    actor: Actor,
    *,
    customer: int | None = None,
    agent: int | None = None,
    ticket_id: int | None = None,
    page: int = 1,
    per_page: int = 50,
) -> tuple[list[dict[str, Any]], int]:
    """A page of the calls `actor` may see, newest first, and how many there are in all."""
    if not actor.staff:
        raise Forbidden("calls are for staff")
    where = [visible_calls(actor)]
    if customer is not None:
        where.append(PhoneCall.customer == customer)
    if agent is not None:
        where.append(PhoneCall.agent == agent)
    if ticket_id is not None:
        where.append(PhoneCall.ticket == ticket_id)
    page = max(page, 1)
    total = await PhoneCall.count().where(*where)
    rows = await get_calls(*where, limit=per_page, offset=(page - 1) * per_page)
    return rows, total
