"""HTML the plugin puts on other pages: the ticket panel and the popup container."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from helpline.model import Actor, Ticket
from helpline.runtime import Helpline
from helpline_phone import calls, numbers

_ENV = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=select_autoescape(default=True, default_for_string=True),
    trim_blocks=True,
    lstrip_blocks=True,
)


def partial(name: str, **context: Any) -> Markup:
    """A small template of this plugin rendered to HTML, for panels and popups."""
    return Markup(_ENV.get_template(name).render(**context))


def popup_container() -> Markup:
    return partial("_popups.html")


async def ticket_panel(
    helpline: Helpline,
    ticket: Ticket,
    actor: Actor,
    *,
    values: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    saved: bool = False,
) -> Markup:
    """The ticket's calls and a short form to log one (the form posts with htmx)."""
    rows, total = await calls.list_calls(actor, ticket_id=ticket.id, per_page=5)
    known = await numbers.numbers_of(ticket.requester_id)
    if values is None:
        values = {
            "number": known[0]["display"] if known else "",
            "direction": "outbound",
            "outcome": "answered",
            "duration": "",
            "notes": "",
            "remember": "",
        }
        values["known"] = bool(known)
    return partial(
        "_panel.html",
        ticket=ticket,
        calls=rows,
        total=total,
        values=values,
        errors=errors or {},
        saved=saved,
        known=known,
        directions=calls.DIRECTIONS,
        outcomes=calls.OUTCOMES,
    )
