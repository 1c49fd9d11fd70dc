"""Phone channel for Helpline: call logging, a telephony webhook, call history."""

from __future__ import annotations

from typing import Any

from helpline import hookimpl
from helpline.model import Actor, Ticket
from helpline.registry import Permission
from helpline.runtime import Helpline

#: Hook API versions this plugin supports (docs/compatibility.md).
helpline_api = ">=1.0,<2"

MANAGE = "phone.manage"


@hookimpl
def register_permissions() -> list[Permission]:
    return [
        Permission(
            MANAGE,
            "Manage the phone channel",
            "See the telephony webhook's address and whether its secret is set.",
        )
    ]


@hookimpl
def register_settings() -> type:
    from helpline_phone.settings import PhoneSettings

    return PhoneSettings


@hookimpl
def register_routes(helpline: Helpline) -> list[Any]:
    from helpline_phone.pages import ROUTES

    return ROUTES


@hookimpl
def register_api_routes(helpline: Helpline) -> list[Any]:
    from helpline_phone.api import ROUTES

    return ROUTES


@hookimpl
def menu_links(actor: Actor) -> list[dict[str, Any]]:
    from helpline_phone.calls import may_log

    return [{"label": "Calls", "url": "/p/phone/calls"}] if may_log(actor) else []


@hookimpl
def settings_pages(actor: Actor) -> list[dict[str, Any]]:
    return [{"label": "Phone", "url": "/p/phone/settings"}] if actor.can(MANAGE) else []


@hookimpl
async def ticket_panels(helpline: Helpline, ticket: Ticket, actor: Actor) -> list[dict[str, Any]]:
    from helpline_phone import view
    from helpline_phone.calls import may_log

    if not may_log(actor):
        return []
    return [{"title": "Phone", "html": await view.ticket_panel(helpline, ticket, actor)}]


@hookimpl
def page_footers(actor: Actor) -> list[Any]:
    from helpline_phone import view
    from helpline_phone.calls import may_log

    return [view.popup_container()] if may_log(actor) else []
