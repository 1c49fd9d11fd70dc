"""Business minutes for the reports plugin (`reports_business_minutes`), from the SLA calendars.

The calendar is the one of the SLA policy that applies to the ticket; without a matching policy
that names a calendar there is no answer (the reports then use calendar minutes).
"""

from __future__ import annotations

from datetime import datetime

from helpline import hookimpl
from helpline.runtime import Helpline
from helpline.tables import Ticket as TicketRow


@hookimpl(optionalhook=True)
async def reports_business_minutes(
    helpline: Helpline, ticket_id: int, start: datetime, end: datetime
) -> float | None:
    from helpline_sla.rules import load_rules
    from helpline_sla.timers import load_tickets

    rules = await load_rules(helpline)
    if rules is None:
        return None
    found = await load_tickets(TicketRow.id == ticket_id)
    if not found:
        return None
    policy = rules.match(found[0])
    if policy is None or policy.calendar is None or policy.calendar not in rules.calendars:
        return None
    worked = rules.calendars[policy.calendar].between(start, end)
    return worked.total_seconds() / 60
