"""Web processes for the cross-process browser test, and a host page on its own origin."""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import sys
from collections.abc import AsyncIterator
from typing import Any

import httpx


def _bound() -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(128)
    return sock


@contextlib.asynccontextmanager
async def web_processes(settings: Any, count: int = 2) -> AsyncIterator[list[str]]:
    """`count` web processes, started side by side; yields their base URLs."""
    async with contextlib.AsyncExitStack() as stack:
        starting = [web_process(settings) for _ in range(count)]
        bases = await asyncio.gather(*(stack.enter_async_context(p) for p in starting))
        yield list(bases)


@contextlib.asynccontextmanager
async def web_process(settings: Any) -> AsyncIterator[str]:
    """`uvicorn helpline_web.asgi:app` in a child process on the test's database and data dir.

    The socket is bound here and handed over (`--fd`), so no other process can take the port.
    """
    sock = _bound()
    env = {
        **os.environ,
        "HELPLINE_DATA_DIR": str(settings.data_dir),
        "HELPLINE_DATABASE_URL": settings.database_url,
        "HELPLINE_SECRET_KEY": settings.secret_key,
        "HELPLINE_WORKER": "false",
    }
    if settings.plugins is not None:
        env["HELPLINE_PLUGINS"] = ",".join(settings.plugins)
    command = [sys.executable, "-m", "uvicorn", "helpline_web.asgi:app", "--fd", str(sock.fileno())]
    command += ["--log-level", "warning", "--timeout-graceful-shutdown", "2"]
    process = await asyncio.create_subprocess_exec(*command, env=env, pass_fds=[sock.fileno()])
    base = f"http://127.0.0.1:{sock.getsockname()[1]}"
    try:
        async with httpx.AsyncClient() as http:
            for _ in range(300):  # bounded: a cold start imports the whole app
                if process.returncode is not None:
                    raise RuntimeError(f"web process exited with {process.returncode}")
                with contextlib.suppress(httpx.HTTPError):
                    if (await http.get(f"{base}/healthz", timeout=2)).status_code == 200:
                        break
                await asyncio.sleep(0.1)
            else:
                raise RuntimeError("web process did not start")
        yield base
    finally:
        if process.returncode is None:
            process.terminate()
        try:
            async with asyncio.timeout(15):
                await process.wait()
        except TimeoutError:
            process.kill()
            await process.wait()
        sock.close()


@contextlib.asynccontextmanager
async def host_page(page: dict[str, str]) -> AsyncIterator[str]:
    """A customer's website on its own origin (the test's loop): serves `page["html"]`."""

    async def answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with contextlib.suppress(Exception):
            await reader.readuntil(b"\r\n\r\n")
            body = page["html"].encode()
            head = "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n"
            head += f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
            writer.write(head.encode() + body)
            await writer.drain()
        writer.close()

    server = await asyncio.start_server(answer, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.close()
        await server.wait_closed()
