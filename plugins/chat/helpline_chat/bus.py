"""Channel names and publishing: Litestar channels of the web app (memory or PostgreSQL NOTIFY).

A chat is heard on two channels: `ticket:<number>` (the web shell announces every committed
message there, whoever wrote it and wherever) and `chat:<session>` (typing and state changes).
The console hears `chat:console` for the list of waiting chats.
"""

from __future__ import annotations

import logging
from typing import Any

from litestar.channels import ChannelsPlugin

from helpline.runtime import Helpline

log = logging.getLogger("helpline.chat")

CONSOLE = "chat:console"


def chat_channel(session_id: int) -> str:
    return f"chat:{session_id}"


def ticket_channel(number: int) -> str:
    return f"ticket:{number}"


def channels_of(app: Any) -> ChannelsPlugin:
    return app.plugins.get(ChannelsPlugin)


def publish(helpline: Helpline, data: dict[str, Any], *channels: str) -> None:
    """Publish through every running app of this runtime (the web shell's live publisher)."""
    publisher = helpline.pm.get_plugin("web.live")
    if publisher is None:  # no web app in this process: nobody listening here
        return
    publisher.publish(data, channels)


def publish_after_commit(helpline: Helpline, data: dict[str, Any], *channels: str) -> None:
    helpline.after_commit(lambda: publish(helpline, data, *channels))
