"""Surveys for Helpline: CSAT after resolution, NPS, custom surveys."""

from __future__ import annotations

from typing import Any

from helpline import hookimpl
from helpline.model import Actor, Ticket
from helpline.registry import Permission
from helpline.runtime import Helpline
from helpline_surveys.config import SurveySettings
from helpline_surveys.triggers import ticket_created, ticket_merged, ticket_updated

#: Hook API versions this plugin supports (docs/compatibility.md).
helpline_api = ">=1.0,<2"

__all__ = ["ticket_created", "ticket_merged", "ticket_updated"]

MANAGE = "surveys.manage"
VIEW_RESULTS = "surveys.view_results"


def sees_results(actor: Actor) -> bool:
    """Managers: holders of surveys.view_results, or staff who see every ticket."""
    return actor.staff and (actor.can(VIEW_RESULTS) or actor.can("tickets.view_all"))


@hookimpl
def register_permissions() -> list[Permission]:
    return [
        Permission(MANAGE, "Manage surveys", "Change CSAT and NPS settings; build custom surveys."),
        Permission(
            VIEW_RESULTS,
            "See survey results",
            "See CSAT, NPS and response rates per agent and team (managers see them anyway).",
        ),
    ]


@hookimpl
def register_settings() -> type:
    return SurveySettings


@hookimpl
def register_job_handlers() -> dict[str, Any]:
    from helpline_surveys import rounds, triggers

    return {
        triggers.CSAT_JOB: triggers.on_csat,
        triggers.CUSTOM_JOB: triggers.on_custom,
        rounds.ROUND_JOB: rounds.on_round,
    }


@hookimpl
async def demo_data(helpline: Helpline, seed: int, first_number: int, last_number: int) -> None:
    from helpline_surveys import demo

    await demo.load(helpline, seed, first_number, last_number)


@hookimpl
def register_commands(cli: Any) -> None:
    from helpline_surveys.cli import add_commands

    add_commands(cli)


@hookimpl
async def helpline_started(helpline: Helpline) -> None:
    from helpline_surveys import rounds

    try:
        await rounds.schedule(helpline)
    except Exception:  # tables not migrated yet (`helpline init` runs next)
        import logging

        logging.getLogger("helpline.surveys").debug("surveys not scheduled", exc_info=True)


@hookimpl
def register_routes(helpline: Helpline) -> list[Any]:
    from helpline_surveys.pages import ROUTES

    return ROUTES


@hookimpl
def menu_links(actor: Actor) -> list[dict[str, Any]]:
    return [{"label": "Surveys", "url": "/p/surveys/"}] if sees_results(actor) else []


@hookimpl
def settings_pages(actor: Actor) -> list[dict[str, Any]]:
    if actor.can(MANAGE):
        return [
            {"label": "Surveys", "url": "/p/surveys/settings"},
            {"label": "Custom surveys", "url": "/p/surveys/custom"},
        ]
    return []


@hookimpl
async def ticket_panels(helpline: Helpline, ticket: Ticket, actor: Actor) -> list[dict[str, Any]]:
    from helpline_surveys import view

    if not actor.staff:
        return []
    html = await view.panel(helpline, ticket, actor)
    return [{"title": "Satisfaction", "html": html}] if html else []


@hookimpl
async def portal_ticket_panels(
    helpline: Helpline, ticket: Ticket, actor: Actor
) -> list[dict[str, Any]]:
    from helpline_surveys import view

    html = await view.portal_panel(helpline, ticket, actor)
    return [{"title": "How did we do?", "html": html}] if html else []


@hookimpl
async def ticket_badges(helpline: Helpline, tickets: list[Ticket], actor: Actor) -> dict[int, Any]:
    from helpline_surveys import view

    return await view.badges(helpline, tickets) if actor.staff else {}


@hookimpl
async def ticket_api_fields(
    helpline: Helpline, tickets: list[Ticket], actor: Actor
) -> dict[int, dict[str, Any]]:
    from helpline_surveys import view

    # Ratings and comments are about the team's work: staff see them, not the API's customers.
    return await view.api_fields(helpline, tickets) if actor.staff else {}


@hookimpl
async def dashboard_widgets(helpline: Helpline, actor: Actor) -> list[dict[str, Any]]:
    from helpline_surveys import view

    if not sees_results(actor):
        return []
    return [{"title": "Customer satisfaction", "html": await view.widget(helpline, actor)}]


# Not named `report_metrics`: importing the submodule of that name rebinds the package attribute.
@hookimpl(optionalhook=True, specname="report_metrics")
def contribute_reports(helpline: Helpline) -> dict[str, dict[str, Any]]:
    """CSAT and NPS reports for the reports plugin (called only when it is installed)."""
    from helpline_surveys.report_metrics import metrics

    return metrics()
