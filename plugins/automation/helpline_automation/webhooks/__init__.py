"""Outbound webhooks: signed JSON POSTs on chosen events, retried, logged, switched off."""

from __future__ import annotations

from typing import Any

from helpline import hookimpl
from helpline.model import Actor
from helpline.registry import Permission
from helpline.runtime import Helpline
from helpline_automation.webhooks.events import (
    message_added,
    sla_breached,
    sla_escalated,
    sla_warning,
    survey_answered,
    ticket_created,
    ticket_merged,
    ticket_updated,
)
from helpline_automation.webhooks.settings import WebhookSettings

#: Hook API versions this plugin supports (docs/compatibility.md).
helpline_api = ">=1.0,<2"

__all__ = [
    "message_added",
    "sla_breached",
    "sla_escalated",
    "sla_warning",
    "survey_answered",
    "ticket_created",
    "ticket_merged",
    "ticket_updated",
]

MANAGE = "webhooks.manage"


@hookimpl
def register_permissions() -> list[Permission]:
    return [
        Permission(
            MANAGE,
            "Manage webhooks",
            "Create and change outbound webhooks, read their delivery log and redeliver.",
        )
    ]


@hookimpl
def register_settings() -> type:
    return WebhookSettings


@hookimpl
def register_job_handlers() -> dict[str, Any]:
    from helpline_automation.webhooks import deliver, prune, queue

    return {queue.DELIVER: deliver.on_deliver, prune.PRUNE: prune.on_prune}


@hookimpl
def register_commands(cli: Any) -> None:
    from helpline_automation.webhooks.prune import add_commands

    add_commands(cli)


@hookimpl
async def helpline_started(helpline: Helpline) -> None:
    from helpline_automation.webhooks.prune import plan

    await plan(helpline)


@hookimpl
def register_routes(helpline: Helpline) -> list[Any]:
    from helpline_automation.webhooks.pages import ROUTES

    return ROUTES


@hookimpl
def register_api_routes(helpline: Helpline) -> list[Any]:
    from helpline_automation.webhooks.api import ROUTES

    return ROUTES


@hookimpl
def settings_pages(actor: Actor) -> list[dict[str, Any]]:
    if actor.staff and actor.can(MANAGE):
        return [{"label": "Webhooks", "url": "/p/webhooks/"}]
    return []


@hookimpl(optionalhook=True)
def automation_actions(helpline: Helpline) -> dict[str, Any]:
    from helpline_automation.webhooks.action import actions

    return actions()
