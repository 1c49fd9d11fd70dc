"""Knowledge base for Helpline: articles, a public help centre, deflection and agent suggestions."""

from __future__ import annotations

from typing import Any

from helpline import hookimpl
from helpline.model import Actor, Ticket
from helpline.registry import Permission, RoleSpec
from helpline.runtime import Helpline
from helpline_kb.access import MANAGE_CATEGORIES, PUBLISH, WRITE, KbSettings

#: Hook API versions this plugin supports (docs/compatibility.md).
helpline_api = ">=1.0,<2"


@hookimpl
def register_permissions() -> list[Permission]:
    return [
        Permission(WRITE, "Write knowledge base articles", "Create drafts and edit articles."),
        Permission(
            PUBLISH,
            "Publish knowledge base articles",
            "Move articles between draft, internal and published.",
        ),
        Permission(
            MANAGE_CATEGORIES,
            "Manage knowledge base categories",
            "Create, rename and nest help centre categories.",
        ),
    ]


@hookimpl
def register_roles() -> list[RoleSpec]:
    # Combined with the built-in roles of the same name when a desk is installed.
    return [
        RoleSpec("agent", "Agent", (WRITE,)),
        RoleSpec("manager", "Manager", (WRITE, PUBLISH, MANAGE_CATEGORIES)),
    ]


@hookimpl
async def demo_data(helpline: Helpline, seed: int, first_number: int, last_number: int) -> None:
    from helpline_kb import demo

    await demo.load(helpline, seed, first_number, last_number)


@hookimpl
def register_settings() -> type:
    return KbSettings


@hookimpl
def register_routes(helpline: Helpline) -> list[Any]:
    from helpline_kb.pages_agent import ROUTES as AGENT
    from helpline_kb.pages_editor import ROUTES as EDITOR
    from helpline_kb.pages_revisions import ROUTES as REVISIONS

    return [*EDITOR, *REVISIONS, *AGENT]


@hookimpl
def register_root_routes(helpline: Helpline) -> list[Any]:
    from helpline_kb.pages_help import ROUTES

    return ROUTES


@hookimpl
def register_api_routes(helpline: Helpline) -> list[Any]:
    from helpline_kb.api import ROUTES

    return ROUTES


@hookimpl
def menu_links(actor: Actor) -> list[dict[str, Any]]:
    if actor.staff:
        return [{"label": "Knowledge base", "url": "/p/kb/"}]
    return [{"label": "Help centre", "url": "/help"}]


@hookimpl
def settings_pages(actor: Actor) -> list[dict[str, Any]]:
    if actor.staff and actor.can(MANAGE_CATEGORIES):
        return [{"label": "Help centre categories", "url": "/p/kb/categories"}]
    return []


@hookimpl
async def ticket_panels(helpline: Helpline, ticket: Ticket, actor: Actor) -> list[dict[str, Any]]:
    from helpline_kb import agent

    if not actor.staff:
        return []
    return [{"title": "Knowledge base", "html": await agent.panel(helpline, ticket, actor)}]


@hookimpl
def ticket_actions(ticket: Ticket, actor: Actor) -> list[dict[str, Any]]:
    if actor.staff and actor.can(WRITE):
        return [{"label": "Draft KB article", "url": f"/p/kb/from-ticket/{ticket.number}"}]
    return []


@hookimpl
async def portal_request_suggestions(
    helpline: Helpline, actor: Actor, subject: str, body: str
) -> list[dict[str, Any]]:
    from helpline_kb import agent

    html = await agent.deflection(helpline, actor, subject, body)
    return [{"title": "These articles may answer your question", "html": html}] if html else []


@hookimpl
async def dashboard_widgets(helpline: Helpline, actor: Actor) -> list[dict[str, Any]]:
    from helpline_kb import agent

    if not (actor.staff and actor.can(PUBLISH)):
        return []
    return [{"title": "Knowledge base", "html": await agent.widget(helpline)}]


# Not named `report_metrics`: importing the submodule of that name rebinds the package attribute.
@hookimpl(optionalhook=True, specname="report_metrics")
def contribute_reports(helpline: Helpline) -> dict[str, dict[str, Any]]:
    """The deflections report for the reports plugin (called only when it is installed)."""
    from helpline_kb.report_metrics import metrics

    return metrics()
