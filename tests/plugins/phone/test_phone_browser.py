"""In a real browser: an agent with any staff page open sees the incoming-call popup."""

from __future__ import annotations

import json

import httpx
import pytest
from phone_helpers import SECRET
from playwright.async_api import expect

from helpline.services.users import set_password
from helpline_phone import numbers
from helpline_phone.webhook import signature

pytestmark = pytest.mark.sqlite_only  # the popup's transport is tested on both in the webhook tests

PASSWORD = "correct-horse-battery"


async def test_an_agent_on_the_queue_sees_the_popup_when_the_phone_rings(
    live_server, browser_context, helpline, factory, agent
):
    customer = await factory.user("customer", name="Ada Lovelace")
    await numbers.remember(helpline, customer.id, "+12025550143")
    ticket = await factory.ticket(requester=customer, subject="Printer jams on page two")
    await set_password(helpline, agent.id, PASSWORD)
    page = await browser_context.new_page()
    await page.goto(f"{live_server}/login")
    await page.get_by_label("Email").fill(agent.email)
    await page.get_by_label("Password").fill(PASSWORD)
    await page.get_by_role("button", name="Sign in").click()
    await page.wait_for_url(lambda url: "/login" not in url)
    await page.goto(f"{live_server}/tickets")
    # The page's call stream says when it is subscribed: from then on no call is missed.
    await expect(page.locator("#phone-popups[data-ready]")).to_have_count(1)
    # A second tab shares the first one's stream (one connection per browser).
    other_tab = await browser_context.new_page()
    await other_tab.goto(f"{live_server}/p/phone/calls")

    body = json.dumps(
        {
            "event": "ringing",
            "call_id": "pbx-1",
            "caller": "+1 202 555 0143",
            "callee": "+12025550100",
            "direction": "inbound",
        }
    ).encode()
    async with httpx.AsyncClient(base_url=live_server) as pbx:
        response = await pbx.post(
            "/api/v1/phone/events",
            content=body,
            headers={
                "x-helpline-signature": signature(SECRET, body),
                "content-type": "application/json",
            },
        )
    assert response.status_code == 200, response.text

    popup = page.locator(".phone-popup")
    await expect(popup).to_be_visible()
    await expect(popup).to_contain_text("Incoming call")
    await expect(popup).to_contain_text("+1 202-555-0143")
    await expect(popup.get_by_role("link", name="Ada Lovelace")).to_be_visible()
    await expect(popup.get_by_role("link", name=f"#{ticket.number} Printer jams")).to_be_visible()

    await expect(other_tab.locator(".phone-popup")).to_contain_text("Ada Lovelace")

    await popup.get_by_role("button", name="Dismiss").click()
    await expect(popup).to_have_count(0)
