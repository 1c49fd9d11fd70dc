"""A visitor on a customer's website and an agent in the console chat both ways, each connected
to a different web process; only PostgreSQL LISTEN/NOTIFY links the two."""

from __future__ import annotations

import pytest
from chat_servers import host_page, web_processes

from helpline.services.users import set_password
from helpline_chat import widgets

PASSWORD = "correct-horse-battery"


@pytest.mark.postgres_only
async def test_a_visitor_and_an_agent_on_different_web_processes_chat_both_ways(
    helpline, factory, chromium
):
    agent = await factory.user("agent", name="Grace Agent")
    await set_password(helpline, agent.id, PASSWORD)
    page: dict[str, str] = {}
    async with (
        web_processes(helpline.settings) as (first, second),
        host_page(page) as site,
    ):
        # The customer's site is a third origin, the only one the widget allows.
        widget_id = await widgets.save(
            helpline,
            None,
            {
                "name": "Shop chat",
                "origins": site,
                "color": "#0f766e",
                "text_color": "#ffffff",
                "greeting": "Hello from the shop",
                "position": "right",
                "active": "on",
            },
        )
        key = (await widgets.by_id(widget_id))["key"]
        page["html"] = (
            "<!doctype html><title>Shop</title><h1>Our shop</h1>"
            f'<script src="{first}/p/chat/widget.js?w={key}" '
            'data-name="Vera Visitor" data-email="vera@example.com"></script>'
        )
        agent_context = await chromium.new_context(viewport={"width": 1280, "height": 860})
        visitor_context = await chromium.new_context(viewport={"width": 390, "height": 800})
        try:
            for context in (agent_context, visitor_context):
                context.set_default_timeout(15_000)
            desk = await agent_context.new_page()
            await desk.goto(f"{second}/login")
            await desk.get_by_label("Email").fill(agent.email)
            await desk.get_by_label("Password").fill(PASSWORD)
            await desk.get_by_role("button", name="Sign in").click()
            await desk.wait_for_url(lambda url: "/login" not in url)
            await desk.goto(f"{second}/p/chat/")
            await desk.locator("#chat-conn", has_text="online").wait_for()

            shop = await visitor_context.new_page()
            await shop.goto(site)
            await shop.get_by_role("button", name="Shop chat").click()
            await shop.get_by_text("Hello from the shop").wait_for()
            assert await shop.get_by_placeholder("Your name").input_value() == "Vera Visitor"
            await shop.get_by_placeholder("Your message").fill("Do you ship to Malta?")
            await shop.get_by_role("button", name="Start chat").click()
            await shop.get_by_text("Waiting for an agent").wait_for()

            waiting = desk.locator("#chat-waiting li", has_text="Vera Visitor")
            await waiting.get_by_role("button", name="Accept").click()
            pane = desk.locator(".chat-pane")
            await pane.get_by_text("Do you ship to Malta?").wait_for()
            await shop.get_by_text("Grace Agent joined the chat").wait_for()

            await pane.get_by_label("Message").fill("Yes, in <3 days>!")
            await pane.get_by_role("button", name="Send").click()
            await shop.locator(".msg.agent", has_text="Yes, in <3 days>!").wait_for()

            await shop.get_by_placeholder("Type a message").fill("Great, thanks")
            await shop.get_by_role("button", name="Send").click()
            await pane.locator(".chat-msg.from-visitor", has_text="Great, thanks").wait_for()
            assert await shop.locator(".msg.agent b").count() == 0  # text, never markup
        finally:
            await agent_context.close()
            await visitor_context.close()
