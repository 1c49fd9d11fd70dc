"""Business minutes for the reports plugin (`reports_business_minutes`), from the SLA calendars.

The calendar is the one of the SLA policy that applies to the ticket; without a matching policy
that names a calendar there is no answer (the reports then use calendar minutes). The reports
ask for a batch of spans at a time (a rebuild: about two per ticket, a thousand tickets per
batch), so the rules are loaded once and the tickets in one query per batch.
"""

from __future__ import annotations

from datetime import datetime

from helpline import hookimpl
from helpline.runtime import Helpline
from helpline.tables import Ticket as TicketRow

Span = tuple[int, datetime, datetime]
#: Ticket ids per query, well below both databases' limits on bound parameters.
CHUNK = 1000


@hookimpl(optionalhook=True)
async def reports_business_minutes(
    helpline: Helpline, spans: list[Span]
) -> list[float | None] | None:
    return await business_minutes(helpline, spans)


async def business_minutes(helpline: Helpline, spans: list[Span]) -> list[float | None] | None:
    """Worked minutes of each (ticket id, start, end) under the calendar of the ticket's policy,
    aligned with `spans` (None where no calendar applies); None when no policy has a calendar."""
    from helpline_sla.rules import load_rules
    from helpline_sla.timers import load_tickets

    rules = await load_rules(helpline)
    if rules is None:
        return None
    if not any(p.calendar in rules.calendars for p in rules.policies if p.calendar):
        return None
    if not spans:
        return []
    ids = sorted({ticket_id for ticket_id, _, _ in spans})
    tickets = []
    for i in range(0, len(ids), CHUNK):
        tickets += await load_tickets(TicketRow.id.is_in(ids[i : i + CHUNK]))
    calendars = {}
    for ticket in tickets:
        policy = rules.match(ticket)
        if policy is not None and policy.calendar is not None:
            calendars[ticket.id] = rules.calendars.get(policy.calendar)
    answers: list[float | None] = []
    for ticket_id, start, end in spans:
        calendar = calendars.get(ticket_id)
        if calendar is None or start is None or end is None:
            answers.append(None)
        else:
            answers.append(calendar.between(start, end).total_seconds() / 60)
    return answers
