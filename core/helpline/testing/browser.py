"""Browser fixtures: the app served by uvicorn on the test's loop, and Chromium via Playwright."""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
from collections.abc import AsyncIterator
from typing import Any

import pytest

CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def find_chromium() -> str | None:
    for candidate in (
        os.environ.get("HELPLINE_CHROMIUM"),
        "/usr/bin/chromium",
        "/usr/bin/chromium-browser",
    ):
        if candidate and os.path.exists(candidate):
            return candidate
    return shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="session")
async def chromium() -> AsyncIterator[Any]:
    """A headless Chromium (Debian's package; Playwright cannot download browsers here)."""
    executable = find_chromium()
    if executable is None:
        if os.environ.get("CI"):
            pytest.fail("CI must run the browser tests, but Chromium is not installed")
        pytest.skip("Chromium not installed (apt-get install chromium)")
    try:
        from playwright.async_api import async_playwright
    except ImportError:  # pragma: no cover - dev dependency
        pytest.skip("playwright is not installed")
    playwright = await async_playwright().start()
    browser = await playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
    try:
        yield browser
    finally:
        await browser.close()
        await playwright.stop()


@pytest.fixture
async def live_server(app: Any) -> AsyncIterator[str]:
    """The test's app served over HTTP on 127.0.0.1 (same loop, same database as the test).

    The socket is bound here, to a port the system picks and keeps for us: choosing a free port
    first and binding it later races with other processes, and uvicorn answers a failed bind
    with `sys.exit()`, whose SystemExit escapes the shared event loop. The app's lifespan runs
    (live updates need its channels), and shutdown is graceful: streams still open after
    `timeout_graceful_shutdown` are cancelled and awaited, so none outlives the test.
    """
    import uvicorn

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(
        app,
        log_level="warning",
        log_config=None,  # leave the process's logging (pytest's capture) as it is
        lifespan="on",
        timeout_graceful_shutdown=2,
    )
    server = uvicorn.Server(config)

    async def serve() -> None:
        try:
            await server.serve(sockets=[sock])
        except SystemExit as exc:  # uvicorn's answer to a failed startup: keep it in this task
            raise RuntimeError(f"the test server did not start (status {exc.code})") from None

    task = asyncio.create_task(serve())
    try:
        async with asyncio.timeout(30):
            while not server.started:
                if task.done():
                    task.result()  # startup failed: raise its error
                    raise RuntimeError("the test server stopped before it started")
                await asyncio.sleep(0.01)
    except BaseException:
        task.cancel()
        await asyncio.wait([task], timeout=5)
        sock.close()
        raise
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await asyncio.wait_for(task, timeout=15)
        # Streams cancelled at the graceful-shutdown timeout end here, not during a later test.
        if leftover := list(server.server_state.tasks):
            await asyncio.wait(leftover, timeout=5)


@pytest.fixture
async def browser_context(chromium: Any) -> AsyncIterator[Any]:
    """A fresh browser profile (cookies, storage) at desktop size; `new_context()` for more."""
    context = await chromium.new_context(viewport={"width": 1280, "height": 860})
    context.set_default_timeout(10_000)
    try:
        yield context
    finally:
        await context.close()
