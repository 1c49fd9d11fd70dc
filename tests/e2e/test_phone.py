"""At phone width (390 px) the agent's queue and ticket page fit: nothing scrolls sideways."""

from __future__ import annotations

import pytest
from demo_desk import seed_desk
from playwright.async_api import expect

pytestmark = pytest.mark.sqlite_only

PHONE = {"width": 390, "height": 844}

SCROLL_BELOW_TOPBAR = """el => window.scrollTo(0, el.getBoundingClientRect().top + window.scrollY
    - document.querySelector('.topbar').offsetHeight - 8)"""


async def test_the_queue_and_a_ticket_fit_a_phone_screen_without_sideways_scrolling(
    live_server, open_page, helpline, factory, clock, manager, screenshot
):
    desk = await seed_desk(helpline, factory, clock, manager)
    page = await open_page(desk.agents[0], viewport=PHONE)

    await page.goto(f"{live_server}/tickets")
    await expect(page.get_by_role("link", name="Cannot log in after password")).to_be_visible()
    assert await page_width(page) <= PHONE["width"] + 1
    # The filters fill the first screen: show the list, which is what the picture is about.
    await page.locator("#queue-list").evaluate(SCROLL_BELOW_TOPBAR)
    await screenshot(page, "phone-queue")

    await page.goto(f"{live_server}/tickets/{desk.showcase.number}")
    await expect(page.get_by_text("the fuser kit was worn out")).to_be_visible()
    await expect(page.locator("#composer").get_by_label("Message")).to_be_visible()
    assert await page_width(page) <= PHONE["width"] + 1
    await screenshot(page, "phone-ticket")


async def test_the_customer_portal_fits_a_phone_screen_without_sideways_scrolling(
    live_server, open_page, factory, customer
):
    ticket = await factory.ticket(
        requester=customer,
        subject="Our whole team cannot reach the booking page since this morning at nine",
        body="https://booking.example.com/teams/marketing/calendar?view=week&from=2026-11-01 "
        "answers 503 for everyone.",
    )
    page = await open_page(customer, viewport=PHONE)
    await expect(page.get_by_role("link", name="Our whole team cannot reach")).to_be_visible()
    assert await page_width(page) <= PHONE["width"] + 1

    await page.goto(f"{live_server}/portal/requests/{ticket.number}")
    await expect(page.get_by_text("answers 503 for everyone.")).to_be_visible()
    assert await page_width(page) <= PHONE["width"] + 1


async def page_width(page) -> int:
    """How wide the document is: wider than the screen means the page scrolls sideways."""
    return await page.evaluate("document.documentElement.scrollWidth")
