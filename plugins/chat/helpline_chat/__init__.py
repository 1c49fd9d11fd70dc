"""Live chat: an embeddable widget, an agent console, and every chat a ticket (channel `chat`)."""

from __future__ import annotations

from typing import Any

from helpline import hookimpl
from helpline.model import Actor
from helpline.registry import Permission
from helpline.runtime import Helpline

#: Hook API versions this plugin supports (docs/compatibility.md).
helpline_api = ">=1.0,<2"

MANAGE = "chat.manage"


@hookimpl
def register_permissions() -> list[Permission]:
    return [
        Permission(
            MANAGE,
            "Manage chat widgets",
            "Create chat widgets, choose where they may be embedded, edit canned replies.",
        )
    ]


@hookimpl
def register_settings() -> Any:
    from helpline_chat.settings import ChatSettings

    return ChatSettings


@hookimpl
def register_routes(helpline: Helpline) -> list[Any]:
    from helpline_chat import console_ws, pages, visitor, visitor_ws

    return [*pages.ROUTES, *visitor.ROUTES, visitor_ws.visitor_socket, console_ws.console_socket]


@hookimpl
def menu_links(actor: Actor) -> list[dict[str, Any]]:
    if actor.staff and actor.can("tickets.reply"):
        return [{"label": "Chat", "url": "/p/chat/"}]
    return []


@hookimpl
def settings_pages(actor: Actor) -> list[dict[str, Any]]:
    if actor.can(MANAGE):
        return [{"label": "Chat widgets", "url": "/p/chat/widgets"}]
    return []
