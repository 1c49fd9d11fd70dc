"""The incoming-call popup: phone events travel on a channel to every open staff page.

The webhook publishes `{"kind", "call", "agent", "direction"}` on `phone:calls` after its
transaction commits (Litestar channels: in memory on one process, LISTEN/NOTIFY on PostgreSQL).
Each staff page holds one SSE stream (`GET /p/phone/live`) that renders, for its own viewer,
the popup of a call (caller, customer record, the open tickets the viewer may see) and sends it
as an `event: call` whose data is JSON `{"call": id, "html": …}` ("" removes the popup). The
first event, `ready`, says the stream is subscribed.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import anyio
import msgspec
from litestar.channels import ChannelsPlugin
from litestar.response.sse import ServerSentEventMessage

from helpline.errors import HelplineError
from helpline.model import Actor
from helpline.runtime import Helpline
from helpline.services import tickets, users
from helpline_phone import calls, numbers
from helpline_phone.tables import PhoneCall

log = logging.getLogger("helpline.phone")

CHANNEL = "phone:calls"
HEARTBEAT = 15.0
RETRY_MS = 3000
OPEN_CATEGORIES = ["new", "open", "pending", "on_hold"]


def publish(channels: ChannelsPlugin, announce: dict[str, Any]) -> None:
    try:
        channels.publish(announce, CHANNEL)
    except RuntimeError:  # the app is not running (no lifespan): nobody is listening
        log.debug("phone: channels not started, %s dropped", announce)


def concerns(viewer: Actor, announce: dict[str, Any]) -> bool:
    """Whether this viewer's popup for the call should change: its agent, or anyone while no
    agent has it."""
    return announce.get("agent") in (None, viewer.id)


async def popup_context(helpline: Helpline, viewer: Actor, call_id: int) -> dict[str, Any] | None:
    """What the popup shows this viewer: the call, its customer, their open tickets."""
    rows = await calls.get_calls(PhoneCall.id == call_id)
    if not rows:
        return None
    call = rows[0]
    customer = None
    open_tickets: list[Any] = []
    if call["customer"] is not None:
        customer = (await users.people({call["customer"]})).get(call["customer"])
        open_tickets, _ = await tickets.list_tickets(
            helpline,
            viewer,
            requester_id=call["customer"],
            status_categories=OPEN_CATEGORIES,
            per_page=5,
        )
        if customer and customer["email"].endswith("@phone.invalid"):
            customer = {**customer, "email": ""}
    callback = None
    if call["ticket_number"] is not None:
        try:
            callback = await tickets.get_ticket(helpline, viewer, call["ticket_number"])
        except HelplineError:
            callback = None  # a ticket this viewer may not see
    return {
        "call": call,
        "customer": customer,
        "open_tickets": open_tickets,
        "callback": callback,
        "numbers": numbers,
    }


async def call_events(
    channels: ChannelsPlugin,
    viewer: Actor,
    render: Callable[[dict[str, Any]], Awaitable[str]],
) -> AsyncIterator[ServerSentEventMessage]:
    """Popups for this viewer until the page closes (the response task is then cancelled)."""
    subscriber = await channels.subscribe(CHANNEL)
    inbox: asyncio.Queue[bytes | None] = asyncio.Queue()

    async def pump() -> None:
        try:
            async for raw in subscriber.iter_events():
                await inbox.put(raw)
        finally:
            await inbox.put(None)

    reader = asyncio.ensure_future(pump())
    try:
        # Subscribed: the page marks itself ready (tests wait for it before posting a call).
        yield ServerSentEventMessage(event="ready", data="subscribed", retry=RETRY_MS)
        while True:
            try:
                raw = await asyncio.wait_for(inbox.get(), HEARTBEAT)
            except TimeoutError:
                yield ServerSentEventMessage(data=None, comment="keep-alive")
                continue
            if raw is None:
                return  # unsubscribed: the app is shutting down
            try:
                announce = msgspec.json.decode(raw)
            except msgspec.DecodeError:
                continue
            if not isinstance(announce, dict) or not isinstance(announce.get("call"), int):
                continue
            html = await render(announce) if concerns(viewer, announce) else ""
            data = msgspec.json.encode({"call": announce["call"], "html": html}).decode()
            yield ServerSentEventMessage(event="call", data=data)
    finally:
        with anyio.CancelScope(shield=True):
            reader.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await reader
            with contextlib.suppress(RuntimeError):
                await channels.unsubscribe(subscriber, CHANNEL)
