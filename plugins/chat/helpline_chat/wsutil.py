"""Shared websocket plumbing: a connection reading client frames and channel events at once."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Awaitable, Callable
from typing import Any

from litestar import WebSocket
from litestar.exceptions import WebSocketDisconnect

from helpline.tables import Message as MessageRow

#: Close codes (4000-4999 are ours): the widget stops reconnecting on these.
FORBIDDEN_ORIGIN = 4403
BAD_TOKEN = 4401
TOO_BIG = 4413


async def receive_json(socket: WebSocket, max_bytes: int) -> dict[str, Any] | None:
    """The next client frame as a dict; None when the client went away."""
    try:
        text = await socket.receive_text()
    except (WebSocketDisconnect, RuntimeError):
        return None
    if len(text) > max_bytes:
        return {"type": "_too_big"}
    try:
        data = json.loads(text)
    except ValueError:
        return {"type": "_bad"}
    return data if isinstance(data, dict) else {"type": "_bad"}


async def send(socket: WebSocket, data: dict[str, Any]) -> None:
    await socket.send_text(json.dumps(data))


async def pump(
    client: Callable[[], Awaitable[bool]], events: Any, on_event: Callable[[dict], Awaitable[None]]
) -> None:
    """Run until the client's reader returns False or the event stream ends."""

    async def read_events() -> None:
        async for raw in events:
            try:
                data = json.loads(raw)
            except ValueError:
                continue
            await on_event(data)

    async def read_client() -> None:
        while await client():
            pass

    tasks = [asyncio.create_task(read_client()), asyncio.create_task(read_events())]
    try:
        await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError, WebSocketDisconnect, RuntimeError):
                await task
        for task in tasks:  # a real error in either side is not swallowed
            if not task.cancelled() and task.exception() is not None:
                exc = task.exception()
                if not isinstance(exc, (WebSocketDisconnect, RuntimeError)):
                    raise exc


async def already_sent(number: int, cid: str | None) -> int | None:
    """The seq of a message this client already sent with id `cid` (a resend after reconnect)."""
    if not cid:
        return None
    rows = await (
        MessageRow.select(MessageRow.id, MessageRow.meta)
        .where(MessageRow.ticket.number == number)
        .order_by(MessageRow.id, ascending=False)
        .limit(100)
    )
    for row in rows:
        meta = row["meta"]
        if isinstance(meta, str):
            with contextlib.suppress(ValueError):
                meta = json.loads(meta)
        if isinstance(meta, dict) and meta.get("chat_cid") == cid:
            return row["id"]
    return None


class Mux:
    """Several channel subscriptions merged into one stream, added and dropped at will."""

    def __init__(self, channels: Any) -> None:
        self.channels = channels
        self.queue: asyncio.Queue[bytes] = asyncio.Queue()
        self.subs: dict[Any, tuple[Any, asyncio.Task]] = {}

    async def add(self, key: Any, names: list[str]) -> None:
        if key in self.subs:
            return
        subscriber = await self.channels.subscribe(names)

        async def forward() -> None:
            async for raw in subscriber.iter_events():
                self.queue.put_nowait(raw)

        self.subs[key] = (subscriber, asyncio.create_task(forward()))

    async def remove(self, key: Any) -> None:
        found = self.subs.pop(key, None)
        if found is None:
            return
        subscriber, task = found
        with contextlib.suppress(RuntimeError):
            await self.channels.unsubscribe(subscriber)
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task

    def put(self, data: dict[str, Any]) -> None:
        self.queue.put_nowait(json.dumps(data).encode())

    async def events(self) -> Any:
        while True:
            yield await self.queue.get()

    async def close(self) -> None:
        for key in list(self.subs):
            await self.remove(key)
