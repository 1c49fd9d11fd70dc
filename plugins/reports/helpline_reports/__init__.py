"""Reports and dashboards: metrics from ticket events, daily rollups, charts and exports."""

from __future__ import annotations

from typing import Any

from helpline import hookimpl
from helpline.registry import Permission, RoleSpec
from helpline.runtime import Helpline
from helpline_reports import hookspecs as helpline_hookspecs
from helpline_reports.events import (
    demo_data,
    message_added,
    ticket_created,
    ticket_merged,
    ticket_updated,
)

#: Hook API versions this plugin supports (docs/compatibility.md).
helpline_api = ">=1.0,<2"

__all__ = [
    "demo_data",
    "helpline_hookspecs",
    "message_added",
    "ticket_created",
    "ticket_merged",
    "ticket_updated",
]

VIEW = "reports.view"


# -- data layer hooks (events, jobs, commands, API) -------------------------------------------


@hookimpl
def register_permissions() -> list[Permission]:
    return [
        Permission(
            VIEW,
            "View reports",
            "See report figures and export them (limited to the tickets one may see).",
        )
    ]


@hookimpl
def register_roles() -> list[RoleSpec]:
    # Combined with the built-in manager role when a desk is installed.
    return [RoleSpec("manager", "Manager", (VIEW,))]


@hookimpl
def register_job_handlers() -> dict[str, Any]:
    from helpline_reports.events import REBUILD, on_rebuild
    from helpline_reports.schedule import SEND, send  # scheduled reports (UI side)

    return {REBUILD: on_rebuild, SEND: send}


@hookimpl
def register_commands(cli: Any) -> None:
    from helpline_reports.cli import add_commands

    add_commands(cli)


@hookimpl
def register_api_routes(helpline: Helpline) -> list[Any]:
    from helpline_reports.api import ROUTES

    return ROUTES


@hookimpl
async def plugin_enabled(helpline: Helpline, plugin: str) -> None:
    from helpline import jobs
    from helpline_reports.events import REBUILD

    if plugin == "reports":
        # Tickets changed while the plugin was off have stale facts: rebuild them.
        await jobs.enqueue(helpline, REBUILD, {}, key="reports:rebuild")


# -- UI slots (reports UI) ----------------------------------------------------------------------


@hookimpl
def register_routes(helpline: Helpline) -> list[Any]:
    from helpline_reports.pages import ROUTES

    return ROUTES


@hookimpl
def menu_links(actor: Any) -> list[dict[str, Any]]:
    if not actor.staff:
        return []
    if actor.can(VIEW):
        return [{"label": "Reports", "url": "/p/reports/"}]
    return [{"label": "My numbers", "url": "/p/reports/me"}]


@hookimpl
def settings_pages(actor: Any) -> list[dict[str, Any]]:
    from helpline_reports.schedule import may_schedule

    if not may_schedule(actor):
        return []
    return [{"label": "Scheduled reports", "url": "/p/reports/schedules"}]


@hookimpl
async def dashboard_widgets(helpline: Helpline, actor: Any) -> list[dict[str, Any]]:
    from helpline_reports import widgets

    return await widgets.dashboard_widgets(helpline, actor)
