"""Articles put in front of people: the agent's ticket panel, portal deflection, the widget."""

from __future__ import annotations

from typing import Any

from helpline.model import Actor, Ticket
from helpline.services import messages
from helpline_kb import activity, articles, search
from helpline_kb.snippets import render


async def ticket_text(helpline: Any, actor: Actor, ticket: Ticket) -> str:
    """The subject and the customer's first message: what suggestions are matched against."""
    try:
        found = await messages.list_messages(helpline, actor, ticket.number)
    except Exception:  # the panel must never break the ticket page
        found = []
    first = next((m.body for m in found if m.kind == "public"), "")
    return f"{ticket.subject} {first[:1000]}"


async def panel(helpline: Any, ticket: Ticket, actor: Actor) -> Any:
    hits, _ = await search.search(
        helpline, actor, await ticket_text(helpline, actor, ticket), any_word=True, limit=5
    )
    used_ids = await activity.usage_for_ticket(helpline, ticket.id)
    used = []
    for article_id in used_ids:
        try:
            used.append(await articles.get_article(helpline, actor, article_id))
        except Exception:
            continue
    return render("_panel.html", ticket=ticket, hits=hits, used=used, q="")


async def deflection(helpline: Any, actor: Actor, subject: str, body: str) -> Any:
    """Published articles matching what a customer is typing, with "this solved my problem"."""
    hits, _ = await search.search(helpline, actor, f"{subject} {body}", any_word=True, limit=4)
    if not hits:
        return None
    return render("_deflection.html", hits=hits, subject=subject)


async def widget(helpline: Any) -> Any:
    since = helpline.now().replace(hour=0, minute=0, second=0, microsecond=0)
    from datetime import timedelta

    figures = await activity.report(helpline, since - timedelta(days=30))
    return render("_widget.html", figures=figures)
