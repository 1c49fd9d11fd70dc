"""Job handlers: a clock's timer firing, a deferred notification, recomputing after changes."""

from __future__ import annotations

import json
import logging
from typing import Any

from helpline.model import Ticket
from helpline.runtime import Helpline
from helpline.services.tickets import SYSTEM, locked_ticket
from helpline.tables import Ticket as TicketRow
from helpline.tables import TicketTag
from helpline_sla import escalate, persist
from helpline_sla.clocks import DONE_CATEGORIES, Session
from helpline_sla.rules import load_rules

log = logging.getLogger("helpline.sla")
BATCH = 500


async def on_timer(helpline: Helpline, payload: dict[str, Any]) -> None:
    """A clock reached (or passed) its next threshold: mark it, announce it, act, reschedule."""
    async with helpline.transaction():
        row = (
            await TicketRow.select(TicketRow.number)
            .where(TicketRow.id == payload["ticket"])
            .first()
        )
        if row is None:
            return
        (ticket,) = await locked_ticket(helpline, SYSTEM, row["number"])
        session = await persist.open_session(helpline, ticket)
        clock = session.clocks.get(payload["target"]) if session else None
        if session is None or clock is None:
            return
        fired = session.fire(clock)
        clock.dirty = True  # reschedule even when nothing was due yet: this job is used up
        await persist.save(helpline, session)
        if fired:
            await escalate.carry_out(helpline, session, clock, fired)


async def on_notify(helpline: Helpline, payload: dict[str, Any]) -> None:
    """A notification held back until the calendar's working hours."""
    ticket = await persist.ticket_by_id(helpline, payload["ticket"])
    async with helpline.transaction():
        await escalate.deliver(helpline, payload, ticket)


async def on_recompute(helpline: Helpline, payload: dict[str, Any]) -> int:
    """Apply the current policies to every unsolved ticket; returns how many tickets changed."""
    return await recompute_all(helpline, payload.get("reason", "policies changed"))


async def recompute_all(helpline: Helpline, reason: str, batch: int = BATCH) -> int:
    rules = await load_rules(helpline, empty=True)
    assert rules is not None
    changed = 0
    last = 0
    while True:
        async with helpline.transaction():
            chunk = await load_open_tickets(last, batch)
            if not chunk:
                break
            last = chunk[-1].id
            clocks = await persist.load_clocks([t.id for t in chunk])
            sessions = []
            for ticket in chunk:
                session = Session(rules, ticket, clocks[ticket.id], helpline.now())
                session.recompute(reason)
                if any(c.dirty for c in session.clocks.values()):
                    sessions.append(session)
            changed += len(sessions)
            await persist.save_many(helpline, sessions)
    return changed


_COLUMNS = (
    "id",
    "number",
    "subject",
    "status",
    "status_category",
    "priority",
    "type",
    "requester",
    "organization",
    "assignee",
    "team",
    "channel",
    "custom_fields",
    "merged_into",
    "created_at",
    "updated_at",
    "first_response_at",
    "solved_at",
    "closed_at",
    "version",
)
_RENAMED = {
    "requester": "requester_id",
    "organization": "organization_id",
    "assignee": "assignee_id",
    "team": "team_id",
    "merged_into": "merged_into_id",
}


async def load_open_tickets(after_id: int, limit: int) -> list[Ticket]:
    """Unsolved tickets with ids above `after_id`, in id order (for batch work, no visibility)."""
    where = (TicketRow.id > after_id) & TicketRow.status_category.not_in(list(DONE_CATEGORIES))
    return await load_tickets(where, limit)


async def load_tickets(where: Any, limit: int = 0) -> list[Ticket]:
    """Ticket snapshots in id order; callers decide visibility (the where clause)."""
    query = (
        TicketRow.select(*(getattr(TicketRow, c) for c in _COLUMNS))
        .where(where)
        .order_by(TicketRow.id)
    )
    rows = await (query.limit(limit) if limit else query)
    if not rows:
        return []
    tags: dict[int, list[str]] = {r["id"]: [] for r in rows}
    for tag in await TicketTag.select(TicketTag.ticket, TicketTag.tag).where(
        TicketTag.ticket.is_in(list(tags))
    ):
        tags[tag["ticket"]].append(tag["tag"])
    found = []
    for row in rows:
        data = {_RENAMED.get(k, k): v for k, v in row.items()}
        fields = data["custom_fields"]
        data["custom_fields"] = json.loads(fields) if isinstance(fields, str) else fields or {}
        found.append(Ticket(tags=sorted(tags[row["id"]]), **data))
    return found
