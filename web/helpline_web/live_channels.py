"""Pub/sub for live updates: the channels backend, and the plugin that publishes ticket changes.

One process: Litestar's in-memory backend. PostgreSQL: LISTEN/NOTIFY, so a change saved by any
web process (or its in-process job worker) reaches the pages open on every other one.
"""

from __future__ import annotations

import logging
import weakref
from collections.abc import Iterable
from typing import Any

from litestar.channels import ChannelsPlugin
from litestar.channels.backends.base import ChannelsBackend
from litestar.channels.backends.memory import MemoryChannelsBackend

from helpline import hookimpl
from helpline.model import Actor, Message, Ticket
from helpline.runtime import Helpline

log = logging.getLogger("helpline.web.live")

PLUGIN_NAME = "web.live"
QUEUE_CHANNEL = "queue"


def ticket_channel(number: int) -> str:
    return f"ticket:{number}"


def make_backend(helpline: Helpline) -> ChannelsBackend:
    if not helpline.is_postgres:
        return MemoryChannelsBackend()
    from helpline_web.live_pg import PostgresChannelsBackend

    return PostgresChannelsBackend(helpline.engine)


class LivePublisher:
    """Announces committed ticket changes on `ticket:<number>` and `queue`."""

    def __init__(self) -> None:
        # Several apps may share one runtime (tests do); each publishes through its own plugin.
        self.channels: weakref.WeakSet[ChannelsPlugin] = weakref.WeakSet()

    def publish(self, data: dict[str, Any], channels: Iterable[str]) -> None:
        names = list(channels)
        for plugin in list(self.channels):
            try:
                plugin.publish(data, names)
            except RuntimeError:  # the app is not running (no lifespan): nobody to tell
                log.debug("live: channels not started, %s dropped", data)

    def announce(self, helpline: Helpline, number: int, kind: str, actor: Actor | None) -> None:
        data = {"ticket": number, "kind": kind, "by": actor.id if actor else None}
        helpline.after_commit(lambda: self.publish(data, (ticket_channel(number), QUEUE_CHANNEL)))

    @hookimpl
    def ticket_created(self, helpline: Helpline, ticket: Ticket, actor: Actor | None) -> None:
        data = {"ticket": ticket.number, "kind": "created", "by": actor.id if actor else None}
        helpline.after_commit(lambda: self.publish(data, (QUEUE_CHANNEL,)))

    @hookimpl
    def ticket_updated(
        self, helpline: Helpline, ticket: Ticket, actor: Actor | None, changes: dict[str, Any]
    ) -> None:
        self.announce(helpline, ticket.number, "fields", actor)

    @hookimpl
    def message_added(
        self, helpline: Helpline, ticket: Ticket, message: Message, actor: Actor | None
    ) -> None:
        self.announce(helpline, ticket.number, "message", actor)

    @hookimpl
    def ticket_merged(
        self, helpline: Helpline, source: Ticket, target: Ticket, actor: Actor | None
    ) -> None:
        # The source's messages move to the target and the source closes: both pages change.
        for number in (source.number, target.number):
            self.announce(helpline, number, "message", actor)
            self.announce(helpline, number, "fields", actor)


def live_channels(helpline: Helpline) -> ChannelsPlugin:
    """The app's ChannelsPlugin; registers (once per runtime) the publishing plugin."""
    channels = ChannelsPlugin(backend=make_backend(helpline), arbitrary_channels_allowed=True)
    publisher = helpline.pm.get_plugin(PLUGIN_NAME)
    if publisher is None:
        publisher = LivePublisher()
        helpline.pm.register(publisher, name=PLUGIN_NAME)
    publisher.channels.add(channels)
    return channels
