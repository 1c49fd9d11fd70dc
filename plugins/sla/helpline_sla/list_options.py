"""The SLA's sort and filters for every ticket list: the queue, saved views and the REST API."""

from __future__ import annotations

from datetime import timedelta

from helpline.runtime import Helpline
from helpline.services.ticket_lists import TicketFilter, TicketSort

SOON = timedelta(hours=1)
#: Clocks of the ticket row being listed that still count: not met, not cancelled.
_OPEN = 'c.ticket = "ticket"."id" AND c.met_at IS NULL AND c.state <> \'cancelled\''


def _soon(helpline: Helpline) -> list:
    return [helpline.now() + SOON]


OPTIONS = [
    # Running clocks only: paused and stopped ones have no due time, so those tickets come last.
    TicketSort(
        "sla_due",
        "SLA: next due",
        f"SELECT MIN(c.due_at) FROM sla_clock c WHERE {_OPEN} AND c.resumed_at IS NOT NULL",
    ),
    TicketFilter(
        "sla_breached",
        "SLA breached",
        f"EXISTS (SELECT 1 FROM sla_clock c WHERE {_OPEN} AND c.breached_at IS NOT NULL)",
    ),
    TicketFilter(
        "sla_due_soon",
        "SLA due within an hour",
        f"EXISTS (SELECT 1 FROM sla_clock c WHERE {_OPEN} AND c.breached_at IS NULL "
        "AND c.resumed_at IS NOT NULL AND c.due_at <= {})",
        params=_soon,
    ),
]
