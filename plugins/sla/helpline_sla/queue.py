"""Tickets by SLA urgency: overdue first, then soonest due; for the SLA queue, widget and API."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from helpline import db
from helpline.model import Actor
from helpline.runtime import Helpline
from helpline.tables import Ticket as TicketRow
from helpline.visibility import visible_tickets
from helpline_sla.clock_row import parse_time
from helpline_sla.timers import load_tickets

SHOWS = {
    "all": "All with a running or paused target",
    "breached": "Overdue",
    "soon": "Due within an hour",
    "paused": "Paused",
}
SOON = timedelta(hours=1)


def _visible(actor: Actor) -> Any:
    return TicketRow.select(TicketRow.id).where(visible_tickets(actor)).querystrings[0]


def _having(show: str) -> tuple[str, bool]:
    """The HAVING clause for a view, and whether it compares with "an hour from now"."""
    due = "MIN(CASE WHEN c.resumed_at IS NOT NULL THEN c.due_at END)"
    if show == "breached":
        return "HAVING MIN(c.breached_at) IS NOT NULL", False
    if show == "soon":
        return f"HAVING MIN(c.breached_at) IS NULL AND {due} <= {{}}", True
    if show == "paused":
        return f"HAVING {due} IS NULL AND MIN(c.breached_at) IS NULL", False
    return "", False


async def urgent_tickets(
    helpline: Helpline, actor: Actor, show: str = "all", page: int = 1, per_page: int = 25
) -> tuple[list[dict[str, Any]], int]:
    """A page of `{ticket, next_due, breached_at}` the actor may see, most urgent first."""
    having, soon = _having(show if show in SHOWS else "all")
    args = [helpline.now() + SOON] if soon else []
    inner = (
        "SELECT c.ticket AS id, MIN(c.breached_at) AS breached_at, "
        "MIN(CASE WHEN c.resumed_at IS NOT NULL THEN c.due_at END) AS next_due "
        "FROM sla_clock c WHERE c.met_at IS NULL AND c.state <> 'cancelled' "
        f"AND c.ticket IN ({{}}) GROUP BY c.ticket {having}"
    )
    total = await db.fetchval(
        helpline.engine, f"SELECT COUNT(*) AS n FROM ({inner}) AS urgent", _visible(actor), *args
    )
    rows = await db.fetch(
        helpline.engine,
        f"SELECT * FROM ({inner}) AS urgent ORDER BY (breached_at IS NULL), breached_at, "
        "(next_due IS NULL), next_due, id LIMIT {} OFFSET {}",
        _visible(actor),
        *args,
        per_page,
        (max(page, 1) - 1) * per_page,
    )
    tickets = (
        {t.id: t for t in await load_tickets(TicketRow.id.is_in([r["id"] for r in rows]))}
        if rows
        else {}
    )
    return [
        {
            "ticket": tickets[r["id"]],
            "next_due": parse_time(r["next_due"]),
            "breached_at": parse_time(r["breached_at"]),
        }
        for r in rows
        if r["id"] in tickets
    ], int(total or 0)


async def counts(helpline: Helpline, actor: Actor) -> dict[str, int]:
    found = {}
    for show in ("breached", "soon", "all"):
        found[show] = (await urgent_tickets(helpline, actor, show, per_page=1))[1]
    return found


async def widget(helpline: Helpline, actor: Actor) -> Any:
    from helpline_sla.view import partial

    return partial("_widget.html", counts=await counts(helpline, actor), shows=SHOWS)


__all__ = ["SHOWS", "counts", "urgent_tickets", "widget"]
