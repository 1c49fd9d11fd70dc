"""Browser-test helpers: sign a user in through the form, in a fresh browser profile."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

PASSWORD = "correct-horse-battery"
DESKTOP = {"width": 1280, "height": 860}


@pytest.fixture
async def open_page(chromium: Any, live_server: str, helpline: Any) -> AsyncIterator[Any]:
    """`await open_page(actor, viewport=...)` → a page in its own profile, signed in as that actor.

    `await open_page(None)` gives an anonymous page. Every profile opened here is closed afterwards.
    """
    from helpline.services.users import set_password

    contexts: list[Any] = []

    async def open_one(actor: Any = None, viewport: dict[str, int] = DESKTOP) -> Any:
        context = await chromium.new_context(viewport=viewport)
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = await context.new_page()
        if actor is not None:
            await set_password(helpline, actor.id, PASSWORD)
            await sign_in(page, live_server, actor.email)
        return page

    try:
        yield open_one
    finally:
        for context in contexts:
            await context.close()


async def sign_in(page: Any, base: str, email: str, password: str = PASSWORD) -> None:
    """Fill the sign-in form and wait until the app has taken the user somewhere else."""
    await page.goto(f"{base}/login")
    await page.get_by_label("Email").fill(email)
    await page.get_by_label("Password").fill(password)
    await page.get_by_role("button", name="Sign in").click()
    await page.wait_for_url(lambda url: "/login" not in url)


SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


@pytest.fixture
def screenshot() -> Any:
    """`await screenshot(page, "name")` saves docs/screenshots/name.png when HELPLINE_SCREENSHOTS=1.

    Without it nothing is written, so a test run never rewrites the tracked pictures. `height`
    crops a short page's empty bottom (the page is resized to it first, so it lays out as shown).
    """

    async def take(page: Any, name: str, height: int | None = None) -> None:
        if os.environ.get("HELPLINE_SCREENSHOTS") != "1":
            return
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        size = page.viewport_size
        if height is not None:
            await page.set_viewport_size({"width": size["width"], "height": height})
        await page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), animations="disabled")
        await page.set_viewport_size(size)

    return take
