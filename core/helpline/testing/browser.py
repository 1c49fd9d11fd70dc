"""Browser fixtures: the app served by uvicorn on this test's loop, and Debian's Chromium via Playwright."""

from __future__ import annotations

import asyncio
import os
import shutil
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
    for candidate in (os.environ.get("HELPLINE_CHROMIUM"), "/usr/bin/chromium", "/usr/bin/chromium-browser"):
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
    """The test's app served over HTTP on 127.0.0.1 (same loop, same database as the test)."""
    import uvicorn

    from helpline.testing.postgres import free_port

    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    )
    task = asyncio.create_task(server.serve())
    for _ in range(500):
        if server.started:
            break
        await asyncio.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        server.force_exit = True  # live (SSE) connections would otherwise hold shutdown
        await asyncio.wait_for(task, timeout=10)


@pytest.fixture
async def browser_context(chromium: Any) -> AsyncIterator[Any]:
    """A fresh browser profile (cookies, storage) at desktop size; `new_context()` for more."""
    context = await chromium.new_context(viewport={"width": 1280, "height": 860})
    context.set_default_timeout(10_000)
    try:
        yield context
    finally:
        await context.close()
