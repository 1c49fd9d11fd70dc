"""One viewer's live stream of a ticket: change events, presence, and a keep-alive comment."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator, Callable

import anyio
import msgspec
from litestar.channels import ChannelsPlugin
from litestar.response.sse import ServerSentEventMessage

from helpline.model import Actor
from helpline_web.live_channels import ticket_channel
from helpline_web.live_presence import Presence

log = logging.getLogger("helpline.web.live")

#: Proxies close idle connections; a comment this often keeps the stream open.
HEARTBEAT = 15.0
#: Browsers wait this long (ms) before reconnecting a dropped stream.
RETRY_MS = 3000
CHANGE_KINDS = ("message", "fields")


def presence_message(viewer: Actor, state: str) -> dict:
    return presence_payload(viewer.id, viewer.name, state)


def presence_payload(user: int, name: str, state: str) -> dict:
    return {"kind": "presence", "user": user, "name": name, "state": state, "at": time.time()}


async def ticket_events(
    channels: ChannelsPlugin,
    number: int,
    viewer: Actor,
    render_presence: Callable[[list[dict[str, str]]], str],
) -> AsyncIterator[ServerSentEventMessage]:
    """Yield SSE messages until the client goes away (the response's task is then cancelled)."""
    channel = ticket_channel(number)
    presence = Presence(viewer.id)
    subscriber = await channels.subscribe(channel)
    inbox = _Inbox(subscriber.iter_events())
    try:
        # Subscribed before the first byte: whoever reads it may rely on seeing what follows.
        yield ServerSentEventMessage(data=None, comment="live", retry=RETRY_MS)
        # Entering announces us ("hello"); the others' streams answer with their own state (see
        # below), even those that already heard of us: the page's first heartbeat may have
        # reached them before this stream subscribed, and their answer to it was lost then.
        channels.publish({**presence_message(viewer, "viewing"), "hello": True}, channel)
        last_sent = time.monotonic()
        while True:
            now = time.monotonic()
            timeout = HEARTBEAT - (now - last_sent)
            expiry = presence.next_expiry(now)
            if expiry is not None:
                timeout = min(timeout, expiry + 0.1)
            batch = await inbox.next_batch(max(timeout, 0.0))
            if batch is None:  # unsubscribed: the app is shutting down
                return
            now = time.monotonic()
            out = _handle(batch, presence, channels, channel, now)
            if presence.expire(now) or out.presence_changed:
                html = render_presence(presence.listing())
                out.messages.append(ServerSentEventMessage(event="presence", data=html))
            if not out.messages and now - last_sent >= HEARTBEAT:
                out.messages.append(ServerSentEventMessage(data=None, comment="keep-alive"))
            for message in out.messages:
                yield message
            if out.messages:
                last_sent = now
    finally:
        # Runs when the client disconnects (cancellation): shield the clean-up from it.
        with anyio.CancelScope(shield=True):
            with contextlib.suppress(RuntimeError):  # channels already stopped
                channels.publish(presence_message(viewer, "left"), channel)
            await inbox.close()
            await channels.unsubscribe(subscriber, channel)


class _Inbox:
    """Reads a subscriber's events with a timeout, without losing one when the timeout hits."""

    def __init__(self, events: AsyncIterator[bytes]) -> None:
        self.events = events
        self.pending: asyncio.Task | None = None

    async def next_batch(self, wait: float) -> list[bytes] | None:
        """What arrived within `wait` seconds ([] if nothing; None when the stream ended)."""
        if self.pending is None:
            self.pending = asyncio.ensure_future(anext(self.events))
        done, _ = await asyncio.wait({self.pending}, timeout=wait)
        if not done:
            return []  # the read stays pending for the next call
        task, self.pending = self.pending, None
        try:
            batch = [task.result()]
        except StopAsyncIteration:
            return None
        # Take whatever else already arrived, so changes committed together go out together.
        while True:
            self.pending = asyncio.ensure_future(anext(self.events))
            await asyncio.sleep(0)
            if not self.pending.done():
                return batch
            task, self.pending = self.pending, None
            try:
                batch.append(task.result())
            except StopAsyncIteration:
                return batch

    async def close(self) -> None:
        if self.pending is not None:
            self.pending.cancel()
            with contextlib.suppress(asyncio.CancelledError, StopAsyncIteration):
                await self.pending
        with contextlib.suppress(RuntimeError):
            await self.events.aclose()


class _Out:
    def __init__(self) -> None:
        self.messages: list[ServerSentEventMessage] = []
        self.presence_changed = False


def _handle(
    batch: list[bytes], presence: Presence, channels: ChannelsPlugin, channel: str, now: float
) -> _Out:
    out = _Out()
    kinds_sent: set[str] = set()
    for raw in batch:
        try:
            message = msgspec.json.decode(raw)
        except msgspec.DecodeError:
            log.warning("live: undecodable message on %s", channel)
            continue
        if not isinstance(message, dict):
            continue
        kind = message.get("kind")
        if kind == "presence":
            changed, newcomer = presence.heard(message, now)
            out.presence_changed |= changed
            hello = message.get("hello") is True and message.get("user") != presence.me
            if (newcomer or hello) and presence.mine is not None:
                # Someone just arrived: tell them we are here rather than make them wait for
                # our next heartbeat. They already know everyone else, so this does not echo.
                mine = presence.mine
                channels.publish(presence_payload(presence.me, mine.name, mine.state), channel)
        elif kind in CHANGE_KINDS and kind not in kinds_sent:
            # Several changes committed together refresh a fragment once.
            kinds_sent.add(kind)
            about = {"ticket": message.get("ticket"), "by": message.get("by")}
            data = msgspec.json.encode(about).decode()
            out.messages.append(ServerSentEventMessage(event=kind, data=data))
    return out


async def queue_events(
    channels: ChannelsPlugin, channel: str
) -> AsyncIterator[ServerSentEventMessage]:
    """One "queue" event per batch of ticket changes, with no ticket data in it."""
    subscriber = await channels.subscribe(channel)
    inbox = _Inbox(subscriber.iter_events())
    try:
        yield ServerSentEventMessage(data=None, comment="live", retry=RETRY_MS)
        while True:
            batch = await inbox.next_batch(HEARTBEAT)
            if batch is None:
                return
            if batch:
                yield ServerSentEventMessage(event="queue", data="changed")
            else:
                yield ServerSentEventMessage(data=None, comment="keep-alive")
    finally:
        with anyio.CancelScope(shield=True):
            await inbox.close()
            await channels.unsubscribe(subscriber, channel)
