"""Routing for Helpline: round-robin, least-loaded and skills-based assignment, availability,
unanswered-ticket rerouting and categorisation rules."""

from __future__ import annotations

from typing import Any

from helpline import hookimpl
from helpline.model import Actor, Ticket
from helpline.registry import Permission, RoleSpec
from helpline.runtime import Helpline
from helpline_routing import hookspecs as helpline_hookspecs

#: Hook API versions this plugin supports (docs/compatibility.md).
helpline_api = ">=1.0,<2"

__all__ = ["helpline_hookspecs"]

MANAGE = "routing.manage"


def sees_load(actor: Actor) -> bool:
    """Managers' view of every agent's load: routing managers and those who see every ticket."""
    return actor.staff and (actor.can(MANAGE) or actor.can("tickets.view_all"))


@hookimpl
def register_roles() -> list[RoleSpec]:
    # Combined with the built-in role of the same name when a desk is installed; on a desk that
    # existed before the plugin, admins grant the code in the role editor.
    return [RoleSpec("manager", "Manager", (MANAGE,))]


@hookimpl
def register_permissions() -> list[Permission]:
    return [
        Permission(
            MANAGE,
            "Manage routing",
            "Choose each team's routing strategy, agents' capacity, skills and availability, "
            "and the categorisation rules.",
        )
    ]


@hookimpl
async def demo_data(helpline: Helpline, seed: int) -> None:
    from helpline_routing import demo

    await demo.load(helpline, seed)


@hookimpl
def register_settings() -> type:
    from helpline_routing.config import RoutingSettings

    return RoutingSettings


@hookimpl
def register_job_handlers() -> dict[str, Any]:
    from helpline_routing import engine, pool

    return {engine.REROUTE: pool.on_reroute, engine.DRAIN: pool.on_drain}


@hookimpl
def register_routes(helpline: Helpline) -> list[Any]:
    from helpline_routing.pages import ROUTES

    return ROUTES


@hookimpl
def register_api_routes(helpline: Helpline) -> list[Any]:
    from helpline_routing.api import ROUTES

    return ROUTES


@hookimpl
def register_commands(cli: Any) -> None:
    from helpline_routing.cli import add_commands

    add_commands(cli)


@hookimpl
async def menu_links(actor: Actor) -> list[dict[str, Any]]:
    if not actor.staff:
        return []
    from helpline_routing import store

    away = not (await store.profile(actor.id)).available
    links = [{"label": "● Away" if away else "● Available", "url": "/p/routing/me"}]
    if sees_load(actor):
        links.append({"label": "Agent load", "url": "/p/routing/load"})
    return links


@hookimpl
def settings_pages(actor: Actor) -> list[dict[str, Any]]:
    if actor.can(MANAGE):
        return [
            {"label": "Routing", "url": "/p/routing/teams"},
            {"label": "Categorisation rules", "url": "/p/routing/rules"},
        ]
    return []


@hookimpl
async def route_ticket(helpline: Helpline, ticket: Ticket) -> Any:
    from helpline_routing import engine

    return await engine.decide(helpline, ticket)


@hookimpl
async def ticket_created(helpline: Helpline, ticket: Ticket) -> None:
    """A ticket that arrived with a team (a mailbox's, say) but nobody assigned."""
    if ticket.team_id is None or ticket.assignee_id is not None:
        return
    from helpline import db
    from helpline_routing import engine

    routed = await db.fetchval(
        helpline.engine,
        "SELECT count(*) FROM ticket_event WHERE ticket = {} AND via LIKE 'routing:%'",
        ticket.id,
    )
    if not routed:
        await engine.assign_in_team(helpline, ticket)
