"""Greeter: a Helpline plugin that notes every new ticket and shows the notes."""

from __future__ import annotations

from typing import Any

from helpline import hookimpl, jobs
from helpline.model import Actor, Ticket
from helpline.registry import Permission
from helpline.runtime import Helpline

#: The hook API versions this plugin was written for (see Helpline's docs/compatibility.md).
helpline_api = ">=1.0,<2"

MANAGE = "greeter.manage"
NOTE_JOB = "greeter.note"


@hookimpl
def register_permissions() -> list[Permission]:
    return [Permission(MANAGE, "Manage Greeter", "Open the Greeter page.")]


@hookimpl
def register_routes(helpline: Helpline) -> list[Any]:
    from helpline_greeter.pages import ROUTES

    return ROUTES


@hookimpl
def register_job_handlers() -> dict[str, Any]:
    from helpline_greeter.notes import write_note

    return {NOTE_JOB: write_note}


@hookimpl
def register_commands(cli: Any) -> None:
    from helpline_greeter.cli import add_commands

    add_commands(cli)


@hookimpl
def settings_pages(actor: Actor) -> list[dict[str, Any]]:
    return [{"label": "Greeter", "url": "/p/greeter/"}] if actor.can(MANAGE) else []


@hookimpl
async def ticket_created(helpline: Helpline, ticket: Ticket) -> None:
    # Inside the ticket's transaction: the job is queued only if the ticket is really created.
    await jobs.enqueue(helpline, NOTE_JOB, {"ticket": ticket.id})


@hookimpl
async def ticket_panels(helpline: Helpline, ticket: Ticket, actor: Actor) -> list[dict[str, Any]]:
    from helpline_greeter.notes import notes_for
    from helpline_greeter.pages import render

    if not actor.staff:
        return []
    notes = await notes_for(ticket.id)
    return [{"title": "Greeter", "html": render("_panel.html", notes=notes)}]
