"""The pages a newcomer sees first, on a lived-in desk (README pictures: HELPLINE_SCREENSHOTS=1)."""

from __future__ import annotations

import pytest
from demo_desk import seed_desk
from playwright.async_api import expect

pytestmark = pytest.mark.sqlite_only


async def test_a_lived_in_desk_shows_its_queue_ticket_portal_and_role_editor(
    live_server, open_page, helpline, factory, clock, manager, screenshot
):
    desk = await seed_desk(helpline, factory, clock, manager)
    ticket = desk.showcase

    visitor = await open_page(None)
    await visitor.goto(f"{live_server}/login")
    await expect(visitor.get_by_role("heading", name="Sign in")).to_be_visible()
    await screenshot(visitor, "login", height=480)

    ada = await open_page(desk.agents[0])
    await ada.goto(f"{live_server}/tickets")
    await expect(ada.get_by_role("link", name="Cannot log in after password reset")).to_be_visible()
    await expect(ada.locator("#queue-list tbody tr[data-href]").first).to_be_visible()
    await screenshot(ada, "queue")

    await ada.goto(f"{live_server}/tickets/{ticket.number}")
    await expect(ada.get_by_text("the fuser kit was worn out")).to_be_visible()
    await expect(ada.locator("article.message.internal")).to_have_count(2)
    await screenshot(ada, "ticket")

    customer = await open_page(next(c for c in desk.customers if c.id == ticket.requester_id))
    await expect(customer.get_by_role("link", name=ticket.subject)).to_be_visible()
    await screenshot(customer, "portal", height=420)
    await customer.get_by_role("link", name=ticket.subject).click()
    await expect(customer.get_by_text("Only duplex.")).to_be_visible()
    await expect(customer.get_by_text("the fuser kit was worn out")).to_have_count(0)
    await screenshot(customer, "portal-request")

    boss = await open_page(await factory.user("admin", name="Morgan Admin"))
    await boss.goto(f"{live_server}/admin/roles/agent")
    await expect(boss.get_by_role("heading", name="Permissions")).to_be_visible()
    await screenshot(boss, "admin-roles")
