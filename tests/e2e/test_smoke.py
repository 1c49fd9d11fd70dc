"""The browser can reach the app at all: sign-in page renders and a wrong password is explained."""

from __future__ import annotations


async def test_sign_in_page_shows_an_error_for_a_wrong_password(
    live_server, browser_context, agent
):
    page = await browser_context.new_page()
    await page.goto(f"{live_server}/login")
    await page.fill("input[name=email]", agent.email)
    await page.fill("input[name=password]", "not-the-password")
    await page.click("button[type=submit]")
    await page.wait_for_selector("text=Email or password is not right.")
    assert await page.input_value("input[name=email]") == agent.email
