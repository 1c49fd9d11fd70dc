"""Automation for Helpline: triggers, time-based rules and macros (webhooks: `.webhooks`)."""

from __future__ import annotations

from typing import Any

from markupsafe import Markup, escape

from helpline import hookimpl
from helpline.model import Actor, Ticket
from helpline.registry import Permission, RoleSpec
from helpline.runtime import Helpline
from helpline_automation import hookspecs as helpline_hookspecs
from helpline_automation.events import (
    message_added,
    sla_breached,
    sla_escalated,
    sla_warning,
    survey_answered,
    ticket_created,
    ticket_updated,
)
from helpline_automation.store import APPLY, MANAGE

#: Hook API versions this plugin supports (docs/compatibility.md).
helpline_api = ">=1.0,<2"

__all__ = [
    "helpline_hookspecs",
    "message_added",
    "sla_breached",
    "sla_escalated",
    "sla_warning",
    "survey_answered",
    "ticket_created",
    "ticket_updated",
]


@hookimpl
def register_roles() -> list[RoleSpec]:
    # Combined with the built-in roles of the same name when a desk is installed: agents and
    # managers apply macros; rules change the whole desk, so writing them stays with admins.
    # On a desk older than the plugin, admins grant the codes in the role editor.
    return [
        RoleSpec("agent", "Agent", (APPLY,)),
        RoleSpec("manager", "Manager", (APPLY,)),
    ]


@hookimpl
def register_permissions() -> list[Permission]:
    return [
        Permission(MANAGE, "Manage automation", "Create, change and delete rules and macros."),
        Permission(
            APPLY, "Apply macros", "Apply macros to tickets from the ticket page or in bulk."
        ),
    ]


@hookimpl
async def demo_data(helpline: Helpline) -> None:
    from helpline_automation import demo

    await demo.load(helpline)


@hookimpl
def register_settings() -> type:
    from helpline_automation.settings import AutomationSettings

    return AutomationSettings


@hookimpl
def register_job_handlers() -> dict[str, Any]:
    from helpline_automation import events, prune, schedule

    return {events.FIRE: events.on_fire, schedule.RUN: schedule.on_run, prune.PRUNE: prune.on_prune}


@hookimpl
def automation_conditions(helpline: Helpline) -> dict[str, Any]:
    from helpline_automation.conditions import builtin_conditions

    return builtin_conditions()


@hookimpl
def automation_actions(helpline: Helpline) -> dict[str, Any]:
    from helpline_automation.actions import builtin_actions

    return builtin_actions()


@hookimpl
def register_routes(helpline: Helpline) -> list[Any]:
    from helpline_automation.pages import ROUTES

    return ROUTES


@hookimpl
def register_api_routes(helpline: Helpline) -> list[Any]:
    from helpline_automation.api import ROUTES

    return ROUTES


@hookimpl
def settings_pages(actor: Actor) -> list[dict[str, Any]]:
    if actor.can(MANAGE):
        return [
            {"label": "Automation rules", "url": "/p/automation/rules"},
            {"label": "Macros", "url": "/p/automation/macros"},
        ]
    return []


@hookimpl
async def ticket_panels(helpline: Helpline, ticket: Ticket, actor: Actor) -> list[dict[str, Any]]:
    """A macro picker on the agent's ticket page (for agents who may apply macros)."""
    from helpline_automation import store

    if not (actor.staff and actor.can(APPLY)):
        return []
    found = await store.list_macros(helpline)
    if not found:
        return []
    options = "".join(
        f'<option value="{m["id"]}" title="{escape(m["description"])}">{escape(m["name"])}</option>'
        for m in found
    )
    html = (
        f'<form class="automation-panel row" hx-post="/p/automation/tickets/{ticket.number}/apply"'
        ' hx-target="#errors"><select name="macro" aria-label="Macro" required>'
        f'<option value="">Choose a macro…</option>{options}</select>'
        '<button type="submit" class="small">Apply</button></form>'
        f'<p class="small"><a href="/p/automation/apply?tickets={ticket.number}">'
        "Apply to many tickets</a></p>"
    )
    return [{"title": "Macros", "html": Markup(html)}]
