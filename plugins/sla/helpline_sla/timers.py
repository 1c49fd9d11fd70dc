"""Job handlers: a clock's timer firing, a deferred notification, recomputing after changes."""

from __future__ import annotations

import json
import logging
from typing import Any

from helpline import db
from helpline.model import Ticket
from helpline.runtime import Helpline
from helpline.tables import Ticket as TicketRow
from helpline.tables import TicketTag
from helpline_sla import escalate, persist
from helpline_sla.clock_row import COLUMNS as CLOCK_COLUMNS
from helpline_sla.clock_row import Clock, parse_time
from helpline_sla.clocks import DONE_CATEGORIES, Session
from helpline_sla.rules import load_rules

log = logging.getLogger("helpline.sla")
BATCH = 500


async def on_timer(helpline: Helpline, payload: dict[str, Any]) -> None:
    """A clock reached (or passed) its next threshold: mark it, announce it, act, reschedule.

    Timers fire by the thousand, so the ticket, its tags and its clocks come in one statement
    and the rules in another.
    """
    async with helpline.transaction():
        loaded = await load_for_timer(helpline, payload["ticket"])
        clock = loaded[1].get(payload["target"]) if loaded else None
        if loaded is None or clock is None:
            return
        ticket, clocks = loaded
        rules = await load_rules(helpline, empty=True)
        assert rules is not None
        session = Session(rules, ticket, clocks, helpline.now())
        fired = session.fire(clock)
        clock.dirty = True  # reschedule even when nothing was due yet: this job is used up
        await persist.save(helpline, session, cancel=False)
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


_TIMES = ("created_at", "updated_at", "first_response_at", "solved_at", "closed_at")
_TAGS = {
    "sqlite": "(SELECT json_group_array(tag) FROM "
    "(SELECT x.tag FROM ticket_tag x WHERE x.ticket = t.id ORDER BY x.tag))",
    "postgres": "(SELECT COALESCE(json_agg(x.tag ORDER BY x.tag), '[]') "
    "FROM ticket_tag x WHERE x.ticket = t.id)",
}


async def load_for_timer(helpline: Helpline, ticket_id: int) -> tuple[Ticket, dict] | None:
    """A ticket (row locked on PostgreSQL), its tags and its clocks, in one statement."""
    ticket_columns = ", ".join(f"t.{c}" for c in _COLUMNS)
    clock_columns = ", ".join(f"c.{c} AS c_{c}" for c in ("id", *CLOCK_COLUMNS))
    tags = _TAGS["postgres" if helpline.is_postgres else "sqlite"]
    lock = " FOR UPDATE OF t" if helpline.is_postgres else ""
    rows = await db.fetch(
        helpline.engine,
        f"SELECT {ticket_columns}, {tags} AS tag_list, {clock_columns} FROM ticket t "
        f"LEFT JOIN sla_clock c ON c.ticket = t.id WHERE t.id = {{}}{lock}",
        ticket_id,
    )
    if not rows:
        return None
    data = {_RENAMED.get(c, c): rows[0][c] for c in _COLUMNS}
    for key in _TIMES:
        data[key] = parse_time(data[key])
    fields = data["custom_fields"]
    data["custom_fields"] = json.loads(fields) if isinstance(fields, str) else fields or {}
    tag_list = rows[0]["tag_list"]
    tags_found = json.loads(tag_list) if isinstance(tag_list, str) else list(tag_list or [])
    ticket = Ticket(tags=tags_found, **data)
    clocks: dict[str, Clock] = {}
    for row in rows:
        if row["c_id"] is None:
            continue
        values = {c: row[f"c_{c}"] for c in ("id", *CLOCK_COLUMNS)}
        values["ticket"] = ticket_id
        values["business"] = bool(values["business"])
        clock = Clock.from_row(values)
        clocks[clock.target] = clock
    return ticket, clocks
