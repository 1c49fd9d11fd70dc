"""SLA and escalation: business calendars, policies, clocks, warnings, breaches."""

from __future__ import annotations

from typing import Any

from helpline import hookimpl
from helpline.model import Actor, Ticket
from helpline.registry import Permission
from helpline.runtime import Helpline
from helpline_sla.events import message_added, ticket_created, ticket_merged, ticket_updated
from helpline_sla.reports_hook import reports_business_minutes  # noqa: F401

#: Hook API versions this plugin supports (docs/compatibility.md).
helpline_api = ">=1.0,<2"

__all__ = ["message_added", "ticket_created", "ticket_merged", "ticket_updated"]

MANAGE = "sla.manage"


@hookimpl
def register_permissions() -> list[Permission]:
    return [
        Permission(
            MANAGE,
            "Manage SLA calendars and policies",
            "Create and change business calendars and SLA policies.",
        ),
    ]


@hookimpl
async def demo_data(helpline: Helpline) -> None:
    from helpline_sla import demo

    await demo.load(helpline)


@hookimpl
def register_job_handlers() -> dict[str, Any]:
    from helpline_sla import escalate, persist, timers

    return {
        persist.TIMER: timers.on_timer,
        escalate.NOTIFY: timers.on_notify,
        "sla.recompute": timers.on_recompute,
    }


@hookimpl
def register_commands(cli: Any) -> None:
    from helpline_sla.cli import add_commands

    add_commands(cli)


@hookimpl
def register_routes(helpline: Helpline) -> list[Any]:
    from helpline_sla.pages import ROUTES

    return ROUTES


@hookimpl
def register_api_routes(helpline: Helpline) -> list[Any]:
    from helpline_sla.api import ROUTES

    return ROUTES


@hookimpl
def register_ticket_list_options() -> list[Any]:
    from helpline_sla.list_options import OPTIONS

    return OPTIONS


@hookimpl
async def plugin_enabled(helpline: Helpline, plugin: str) -> None:
    from helpline_sla import store

    if plugin == "sla":
        # Tickets changed while the plugin was off kept their old clocks: bring them up to date.
        await store.schedule_recompute(helpline, "SLA switched back on")


@hookimpl
def menu_links(actor: Actor) -> list[dict[str, Any]]:
    if actor.staff and (actor.can("tickets.view_all") or actor.can("tickets.view_team")):
        return [{"label": "SLA", "url": "/p/sla/"}]
    return []


@hookimpl
def settings_pages(actor: Actor) -> list[dict[str, Any]]:
    if actor.can(MANAGE):
        return [
            {"label": "SLA policies", "url": "/p/sla/policies"},
            {"label": "Business calendars", "url": "/p/sla/calendars"},
        ]
    return []


@hookimpl
async def ticket_panels(helpline: Helpline, ticket: Ticket, actor: Actor) -> list[dict[str, Any]]:
    from helpline_sla import view

    if not actor.staff:
        return []
    html = await view.panel(helpline, ticket, actor.timezone)
    return [{"title": "SLA", "html": html}] if html else []


@hookimpl
async def ticket_badges(helpline: Helpline, tickets: list[Ticket], actor: Actor) -> dict[int, Any]:
    from helpline_sla import view

    return await view.badges(helpline, tickets) if actor.staff else {}


@hookimpl
async def ticket_api_fields(tickets: list[Ticket], actor: Actor) -> dict[int, dict[str, Any]]:
    from helpline_sla import view

    # SLA targets are the team's promises and internal state: agents see them, customers do not.
    return await view.api_fields(tickets) if actor.staff else {}


@hookimpl(optionalhook=True)
def report_metrics(helpline: Helpline) -> dict[str, dict[str, Any]]:
    from helpline_sla import report_compliance

    return {report_compliance.NAME: report_compliance.spec()}


@hookimpl
async def dashboard_widgets(helpline: Helpline, actor: Actor) -> list[dict[str, Any]]:
    from helpline_sla import queue, store

    if not (actor.staff and (actor.can("tickets.view_all") or actor.can("tickets.view_team"))):
        return []
    if not await store.policies(helpline):
        return []  # no SLA set up: no widget
    return [{"title": "SLA", "html": await queue.widget(helpline, actor)}]
