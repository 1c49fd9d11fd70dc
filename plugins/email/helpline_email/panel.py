"""The "Email" panel on the agent's ticket page: threading, outbound mail, bounces, followers."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from helpline.model import Actor, Ticket
from helpline.runtime import Helpline
from helpline.services.users import people
from helpline_email import notes
from helpline_email.outbound import mailbox_for
from helpline_email.tables import Inbound, Outbound

SHOWN = 8


async def email_panel(helpline: Helpline, ticket: Ticket, actor: Actor) -> list[dict[str, Any]]:
    if not actor.staff:
        return []
    return [{"title": "Email", "html": await panel_html(helpline, ticket, actor)}]


async def panel_html(helpline: Helpline, ticket: Ticket, actor: Actor) -> Markup:
    box = await mailbox_for(helpline, ticket)
    requester = (await people({ticket.requester_id})).get(ticket.requester_id, {"email": ""})
    follows = await notes.followers(ticket.id)
    flagged = await notes.bouncing([requester["email"], *[f["address"] for f in follows]])
    inbound = (
        await Inbound.select(Inbound.id, Inbound.action, Inbound.reason, Inbound.from_address)
        .where(Inbound.ticket == ticket.id)
        .order_by(Inbound.id, ascending=False)
        .limit(SHOWN)
    )
    sent = (
        await Outbound.select(
            Outbound.id,
            Outbound.kind,
            Outbound.recipient,
            Outbound.status,
            Outbound.last_error,
            Outbound.attempts,
        )
        .where(Outbound.ticket == ticket.id)
        .order_by(Outbound.id, ascending=False)
        .limit(SHOWN)
    )
    return Markup(
        _environment()
        .get_template("_panel.html")
        .render(
            ticket=ticket,
            mailbox=box,
            flagged=flagged,
            sent=sent,
            inbound=inbound,
            followers=[f for f in follows if f["state"] == "follower"],
            offered=[f for f in follows if f["state"] == "suggested"],
            editable=actor.can("tickets.update"),
        )
    )


@cache
def _environment() -> Environment:
    """The panel is HTML a hook returns, rendered apart from any request: its own environment."""
    return Environment(
        loader=FileSystemLoader(Path(__file__).parent / "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
