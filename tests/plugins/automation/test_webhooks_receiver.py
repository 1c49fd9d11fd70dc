"""A real HTTP receiver on 127.0.0.1 for the webhook tests (asyncio streams, HTTP/1.1 subset).

Other webhook test modules import the fixtures from here. The receiver answers each request
with the next scripted response (default 200 "ok") and records what arrived.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest

SETTINGS = {
    "allow_private_targets": True,
    "max_attempts": 3,
    "retry_base_seconds": 30,
    "disable_after_failures": 4,
    "timeout_seconds": 5,
}


@dataclass
class Received:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        import json

        return json.loads(self.body)


@dataclass
class Receiver:
    host: str = "127.0.0.1"
    port: int = 0
    requests: list[Received] = field(default_factory=list)
    #: Scripted answers: (status, body, headers); when empty, 200 "ok".
    script: list[tuple[int, bytes, dict[str, str]]] = field(default_factory=list)
    server: asyncio.Server | None = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}/hook"

    def answer(self, status: int, body: bytes = b"", **headers: str) -> None:
        self.script.append((status, body, headers))

    def events(self) -> list[str]:
        return [r.headers["x-helpline-event"] for r in self.requests]

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            head = await reader.readuntil(b"\r\n\r\n")
            lines = head.decode("latin-1").split("\r\n")
            method, path, _version = lines[0].split(" ", 2)
            headers = {}
            for line in lines[1:]:
                if ":" in line:
                    name, value = line.split(":", 1)
                    headers[name.strip().lower()] = value.strip()
            body = await reader.readexactly(int(headers.get("content-length", "0")))
            self.requests.append(Received(method, path, headers, body))
            status, payload, extra = self.script.pop(0) if self.script else (200, b"ok", {})
            reply = [f"HTTP/1.1 {status} X", f"Content-Length: {len(payload)}", "Connection: close"]
            reply += [f"{k.replace('_', '-')}: {v}" for k, v in extra.items()]
            writer.write(("\r\n".join(reply) + "\r\n\r\n").encode() + payload)
            await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()


@pytest.fixture
def helpline_settings_overrides() -> dict[str, Any]:
    return {"plugin": {"webhooks": dict(SETTINGS)}}


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    found = Receiver()
    found.server = await asyncio.start_server(found.handle, "127.0.0.1", 0)
    found.port = found.server.sockets[0].getsockname()[1]
    yield found
    found.server.close()
    await found.server.wait_closed()


async def test_the_receiver_answers_what_it_is_told(receiver: Receiver) -> None:
    receiver.answer(503, b"busy")
    async with httpx.AsyncClient() as http:
        first = await http.post(receiver.url, content=b"{}")
        second = await http.post(receiver.url, content=b"[]")
    assert (first.status_code, first.text, second.status_code) == (503, "busy", 200)
    assert [r.body for r in receiver.requests] == [b"{}", b"[]"]
