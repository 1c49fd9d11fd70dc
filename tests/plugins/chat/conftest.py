"""Chat test helpers: a widget, an agent with the console open, a visitor's websocket."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

import pytest
from chat_helpers import ORIGIN


@pytest.fixture
async def widget(helpline: Any) -> dict[str, Any]:
    from helpline_chat import widgets

    widget_id = await widgets.save(
        helpline,
        None,
        {
            "name": "Shop",
            "origins": ORIGIN,
            "color": "#123456",
            "text_color": "#ffffff",
            "greeting": "Hello </script><b>there</b>",
            "position": "left",
            "active": "on",
        },
    )
    return await widgets.by_id(widget_id)


@pytest.fixture
def online(helpline: Any) -> Any:
    """`await online(agent)`: the agent's console counts as open."""
    from helpline_chat import agents

    async def mark(actor: Any) -> None:
        await agents.touch_agent(helpline, actor.id)

    return mark


@pytest.fixture
def start_chat(client: Any, widget: dict[str, Any]) -> Any:
    """`await start_chat(email=..., body=...)` → the JSON answer of the widget's start call."""

    async def start(
        name: str = "Vera Visitor", email: str = "vera@example.com", body: str = "Hello?"
    ) -> dict[str, Any]:
        response = await client.post(
            f"/p/chat/w/{widget['key']}/start",
            content=json.dumps({"name": name, "email": email, "body": body}),
            headers={"Origin": ORIGIN, "Content-Type": "text/plain"},
        )
        assert response.status_code == 200, response.text
        return response.json()

    return start


class Socket:
    """A websocket client that reads JSON frames and waits for a given type."""

    def __init__(self, ws: Any) -> None:
        self.ws = ws
        self.frames: list[dict[str, Any]] = []

    async def send(self, **frame: Any) -> None:
        await self.ws.send(json.dumps(frame))

    async def next(self, wait: float = 10) -> dict[str, Any]:
        try:
            async with asyncio.timeout(wait):
                frame = json.loads(await self.ws.recv())
        except TimeoutError:
            raise AssertionError(f"no frame within {wait}s; got so far: {self.frames}") from None
        self.frames.append(frame)
        return frame

    async def wait_for(self, kind: str, **match: Any) -> dict[str, Any]:
        while True:
            frame = await self.next()
            if frame.get("type") == kind and all(frame.get(k) == v for k, v in match.items()):
                return frame

    async def close(self) -> None:
        await self.ws.close()


@pytest.fixture
async def sockets() -> AsyncIterator[Any]:
    """`await sockets(url, origin=..., cookie=...)` → a connected `Socket` (closed afterwards)."""
    from websockets.asyncio.client import connect

    opened: list[Any] = []

    async def open_one(url: str, origin: str | None = ORIGIN, cookie: str | None = None) -> Socket:
        headers = {"Cookie": cookie} if cookie else None
        ws = await connect(url, origin=origin, additional_headers=headers, open_timeout=10)
        opened.append(ws)
        return Socket(ws)

    yield open_one
    for ws in opened:
        await ws.close()
