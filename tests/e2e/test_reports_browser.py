"""Reports in a real browser: the overview, a report whose filters redraw it in place, phones."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta

import pytest
from playwright.async_api import expect

from helpline.services import messages, tickets

pytestmark = pytest.mark.sqlite_only

DESKTOP = {"width": 1280, "height": 860}
PHONE = {"width": 390, "height": 844}
#: Pictures for a person to look at: set REPORTS_SHOTS=/tmp/shots-reports to keep them.
SHOTS = os.environ.get("REPORTS_SHOTS")
CHANNELS = ("email", "web", "phone", "chat", "email", "web", "email")


async def _shot(page, name: str) -> None:
    if SHOTS:
        os.makedirs(SHOTS, exist_ok=True)
        await page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True, animations="disabled")


async def _desk(helpline, factory, clock, manager):
    """Three weeks of tickets from several channels, some solved, in two teams."""
    ada = await factory.user("agent", name="Ada Lovelace")
    alan = await factory.user("agent", name="Alan Turing")
    support = await factory.team("Support", members=[ada])
    billing = await factory.team("Billing", members=[alan])
    now = datetime.now(UTC).replace(microsecond=0)
    try:
        for i in range(42):
            clock.freeze(now - timedelta(days=20 - i // 2, hours=i % 5))
            ticket = await factory.ticket(
                subject=f"Question number {i}",
                channel=CHANNELS[i % len(CHANNELS)],
                team=support if i % 3 else billing,
                assignee=(ada if i % 3 else alan).id if i % 4 else None,
                priority=("low", "normal", "high")[i % 3],
            )
            if i % 4 != 3:
                clock.advance(minutes=15 + 17 * (i % 9))
                await messages.add_message(helpline, manager, ticket.number, body="On it.")
            if i % 2:
                clock.advance(hours=3)
                await tickets.update_ticket(
                    helpline, manager, ticket.number, version=None, status="solved"
                )
    finally:
        clock.unfreeze()
    return ada


SETTLED = """() => {
    const form = document.querySelector("form.reports-filters");
    const ready = form && (form["htmx-internal-data"] || {}).initHash;
    return ready && !document.querySelector(".htmx-request, .htmx-swapping, .htmx-settling");
}"""


async def _change(page, field, value: str) -> None:
    """Change a filter as a person would, once htmx has wired up the form, and wait for the
    report it asks for (an event fired between a swap and htmx processing it would be lost;
    a person is never that quick)."""
    await page.wait_for_function(SETTLED)
    async with page.expect_response(lambda r: "/p/reports/view/" in r.url):
        if await field.evaluate("el => el.tagName") == "SELECT":
            await field.select_option(value)
        else:
            await field.fill(value)
    await page.wait_for_function(SETTLED)


async def _width(page) -> int:
    """How wide the document is: wider than the screen means the page scrolls sideways."""
    return await page.evaluate(
        "Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)"
    )


async def test_a_manager_reads_the_overview_and_redraws_a_report_by_changing_a_filter(
    live_server, open_page, helpline, factory, clock, manager
):
    await _desk(helpline, factory, clock, manager)
    page = await open_page(manager, viewport=DESKTOP)

    await page.goto(f"{live_server}/p/reports/")
    await expect(page.get_by_role("heading", name="Right now")).to_be_visible()
    await expect(
        page.locator("figcaption", has_text="Tickets created by channel, last 30 days")
    ).to_be_visible()
    assert await page.locator("svg.chart-wide").count() >= 3
    assert await _width(page) <= DESKTOP["width"]
    await _shot(page, "overview-1280")

    await page.get_by_role("link", name="Ticket volume").click()
    await expect(page.get_by_role("heading", name="Ticket volume", level=1)).to_be_visible()
    await expect(page.locator("svg.chart-wide.chart-line")).to_be_visible()
    days_before = await page.locator(".report-figure .chart-data tbody tr").count()
    assert days_before == 30
    await page.evaluate("window.notReloaded = true")

    await page.get_by_label("Period").focus()
    await _change(page, page.get_by_label("Period"), "7d")
    await page.wait_for_url(lambda url: "preset=7d" in url)
    await expect(page.locator(".report-figure .chart-data tbody tr")).to_have_count(7)
    assert await page.evaluate("window.notReloaded === true"), "htmx swapped, no full reload"

    assert await page.evaluate("document.activeElement.name") == "preset", "focus stays put"

    await _change(page, page.locator("#f-start"), "2099-01-01")
    await expect(page.locator(".reports-filters .field-error")).to_be_visible()
    assert await page.locator("#f-start").input_value() == "2099-01-01", "what was typed stays"
    await _change(page, page.get_by_label("Period"), "7d")
    await expect(page.locator(".report-figure .chart-data tbody tr")).to_have_count(7)

    await _change(page, page.get_by_label("Group by"), "channel")
    await expect(
        page.locator("figcaption", has_text="Tickets created per day by channel")
    ).to_be_visible()
    await expect(page.locator("svg.chart-wide.chart-stacked")).to_be_visible()
    await expect(page.locator("svg.chart-wide.chart-bar")).to_be_visible()  # the totals per channel
    assert await page.evaluate("window.notReloaded === true")
    assert await _width(page) <= DESKTOP["width"]
    await _shot(page, "volume-by-channel-1280")

    await _change(page, page.get_by_label("Period"), "30d")
    await page.wait_for_url(lambda url: "preset=30d" in url)
    await _change(page, page.get_by_label("Group by"), "")
    await page.wait_for_url(lambda url: "group_by" not in url)
    await expect(page.locator(".report-figure .chart-data tbody tr")).to_have_count(30)
    await _shot(page, "volume-1280")

    await page.goto(f"{live_server}/p/reports/view/first_response?preset=30d&group_by=team")
    await expect(page.locator("svg.chart-wide.chart-bar")).to_be_visible()
    await _shot(page, "first-response-1280")

    # Counts and the one-touch rate are drawn apart: a 0-100 % axis for the rate.
    await page.goto(f"{live_server}/p/reports/view/breakdown?preset=30d&group_by=team")
    await expect(page.locator("svg.chart-wide.chart-bar")).to_have_count(2)
    rates = page.locator(".report-figure", has=page.locator("figcaption", has_text="(%)"))
    await expect(rates.locator("svg.chart-wide text.tick.y", has_text="100%")).to_be_visible()
    await _shot(page, "breakdown-1280")

    phone = await open_page(manager, viewport=PHONE)
    for name, url in (
        ("overview-390", "/p/reports/"),
        ("volume-390", "/p/reports/view/volume?preset=30d"),
        ("breakdown-390", "/p/reports/view/breakdown?preset=30d&group_by=agent"),
        ("volume-by-team-390", "/p/reports/view/volume?preset=30d&group_by=team"),
    ):
        await phone.goto(f"{live_server}{url}")
        await expect(phone.locator("svg.chart-narrow").first).to_be_visible()
        assert await phone.locator("svg.chart-wide").first.is_hidden()
        assert await _width(phone) <= PHONE["width"], name
        await _shot(phone, name)


async def test_an_agent_gets_my_numbers_only(
    live_server, open_page, helpline, factory, clock, manager
):
    ada = await _desk(helpline, factory, clock, manager)
    for viewport, suffix in ((DESKTOP, "1280"), (PHONE, "390")):
        page = await open_page(ada, viewport=viewport)
        await page.goto(f"{live_server}/p/reports/me")
        await expect(page.get_by_role("heading", name="My numbers", level=1)).to_be_visible()
        await expect(page.get_by_text("solved this week")).to_be_visible()
        assert await page.locator('a[href="/p/reports/"]').count() == 0
        assert await _width(page) <= viewport["width"]
        await _shot(page, f"me-{suffix}")
    response = await page.goto(f"{live_server}/p/reports/")
    assert response.status == 403
    response = await page.goto(f"{live_server}/p/reports/view/volume")
    assert response.status == 403
