"""Helpers for the phone tests: signed webhook posts and an SSE reader on the ASGI app."""

from __future__ import annotations

import asyncio
import contextlib
import json
from typing import Any

import httpx

from helpline_phone.webhook import signature

SECRET = "pbx-shared-secret"
WAIT = 10


async def post_event(client: httpx.AsyncClient, secret: str | None = SECRET, **event: Any):
    """POST one event to the webhook, signed with `secret` (None: unsigned)."""
    body = json.dumps({"direction": "inbound", "callee": "+12025550100", **event}).encode()
    headers = {"content-type": "application/json"}
    if secret is not None:
        headers["x-helpline-signature"] = signature(secret, body)
    return await client.post("/api/v1/phone/events", content=body, headers=headers)


class EventStream:
    """Reads a server-sent event stream straight from the ASGI app (httpx's ASGITransport waits
    for the whole body, which a stream never ends); disconnects like a closing tab."""

    def __init__(self, app: Any, path: str, cookies: httpx.Cookies) -> None:
        self.app, self.path = app, path
        self.cookie = "; ".join(f"{k}={v}" for k, v in cookies.items())
        self.chunks: asyncio.Queue[bytes] = asyncio.Queue()
        self.gone = asyncio.Event()
        self.buffer = ""
        self.status = 0

    async def __aenter__(self) -> EventStream:
        started: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        asked = False

        async def receive() -> dict[str, Any]:
            nonlocal asked
            if not asked:
                asked = True
                return {"type": "http.request", "body": b"", "more_body": False}
            await self.gone.wait()
            return {"type": "http.disconnect"}

        async def send(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                self.status = message["status"]
                started.set_result(None)
            elif message["type"] == "http.response.body":
                await self.chunks.put(message.get("body", b""))

        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": "GET",
            "scheme": "http",
            "path": self.path,
            "raw_path": self.path.encode(),
            "query_string": b"",
            "root_path": "",
            "headers": [(b"host", b"testserver"), (b"cookie", self.cookie.encode())],
            "client": ("127.0.0.1", 50000),
            "server": ("testserver", 80),
        }
        self.task = asyncio.create_task(self.app(scope, receive, send))
        await asyncio.wait_for(started, WAIT)
        return self

    async def __aexit__(self, *exc: Any) -> None:
        self.gone.set()
        await asyncio.wait_for(self.task, WAIT)

    async def next(self) -> dict[str, str]:
        while "\r\n\r\n" not in self.buffer:
            chunk = await asyncio.wait_for(self.chunks.get(), WAIT)
            self.buffer += chunk.decode()
        block, self.buffer = self.buffer.split("\r\n\r\n", 1)
        parsed: dict[str, str] = {}
        for line in block.split("\r\n"):
            field, _, value = line.partition(": ")
            parsed[field or "comment"] = value
        return parsed

    async def popup(self) -> dict[str, Any]:
        """The next "call" event's data: {"call": id, "html": ...}."""
        while True:
            message = await self.next()
            if message.get("event") == "call":
                return json.loads(message["data"])


@contextlib.asynccontextmanager
async def started(app: Any) -> Any:
    """Run the app's lifespan (the channels backend lives in it) in a task of its own."""
    up, down = asyncio.Event(), asyncio.Event()

    async def run() -> None:
        async with app.lifespan():
            up.set()
            await down.wait()

    task = asyncio.create_task(run())
    ready = asyncio.ensure_future(up.wait())
    await asyncio.wait([task, ready], return_when="FIRST_COMPLETED")
    if task.done():
        ready.cancel()
        task.result()
    try:
        yield app
    finally:
        down.set()
        await asyncio.wait_for(task, WAIT)


@contextlib.asynccontextmanager
async def popups(app: Any, web: Any) -> Any:
    """An agent's popup stream, subscribed once this yields."""
    async with EventStream(app, "/p/phone/live", web.cookies) as stream:
        assert stream.status == 200
        assert (await stream.next()).get("event") == "ready"
        yield stream
