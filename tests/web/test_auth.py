"""Signing in and out, rate limits, CSRF, password change and reset links."""

from __future__ import annotations

import re

from helpline.services.users import set_password


async def test_pages_need_a_signed_in_user(browser_client):
    web = await browser_client()
    await web.get("/login")
    assert "helpline_session" not in web.cookies, "anonymous visits must not create sessions"
    response = await web.get("/account/password")
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=/account/password"
    htmx = await web.get("/account/password", headers={"HX-Request": "true"})
    assert htmx.headers["HX-Redirect"] == "/login?next=/account/password"


async def test_agent_signs_in_and_lands_on_the_queue_customer_on_the_portal(
    helpline, browser_client, agent, customer
):
    for actor, landing in ((agent, "/tickets"), (customer, "/portal")):
        await set_password(helpline, actor.id, "correct-horse-battery")
        web = await browser_client()
        response = await web.post(
            "/login", data={"email": actor.email.upper(), "password": "correct-horse-battery"}
        )
        assert response.status_code == 303
        assert response.headers["location"] == landing
        assert "helpline_session" in web.cookies


async def test_wrong_password_shows_an_error_and_keeps_the_email(helpline, browser_client, agent):
    await set_password(helpline, agent.id, "correct-horse-battery")
    web = await browser_client()
    response = await web.post("/login", data={"email": agent.email, "password": "nope"})
    assert response.status_code == 400
    assert "Email or password is not right." in response.text
    assert f'value="{agent.email}"' in response.text


async def test_repeated_failures_are_rate_limited_with_a_clear_message(
    helpline, browser_client, agent
):
    await set_password(helpline, agent.id, "correct-horse-battery")
    web = await browser_client()
    for _ in range(5):
        await web.post("/login", data={"email": agent.email, "password": "wrong"})
    blocked = await web.post(
        "/login", data={"email": agent.email, "password": "correct-horse-battery"}
    )
    assert blocked.status_code == 429
    assert re.search(
        r"Too many failed sign-in attempts\. Try again in \d+ minutes?\.", blocked.text
    )


async def test_forms_without_the_csrf_token_are_refused(helpline, browser_client, agent):
    await set_password(helpline, agent.id, "correct-horse-battery")
    web = await browser_client()
    await web.get("/login")
    response = await web.http.post(
        "/login", data={"email": agent.email, "password": "correct-horse-battery"}
    )
    assert response.status_code == 403
    assert (await web.get("/account/password")).status_code == 303


async def test_signing_out_ends_the_session(signin, agent):
    web = await signin(agent)
    assert (await web.get("/account/password")).status_code == 200
    await web.post("/logout")
    assert (await web.get("/account/password")).status_code == 303


async def test_changing_the_password_signs_out_other_sessions(signin, browser_client, agent):
    laptop = await signin(agent, "first-password-1")
    phone = await browser_client()
    await phone.post("/login", data={"email": agent.email, "password": "first-password-1"})
    bad = await laptop.post(
        "/account/password", data={"current": "wrong", "new": "x", "confirm": "y"}
    )
    assert bad.status_code == 400
    assert "This is not your current password." in bad.text
    changed = await laptop.post(
        "/account/password",
        data={
            "current": "first-password-1",
            "new": "second-password-2",
            "confirm": "second-password-2",
        },
    )
    assert changed.status_code == 303
    assert (await laptop.get("/account/password")).status_code == 200
    assert (await phone.get("/account/password")).status_code == 303


async def test_reset_link_works_once_and_not_after_an_hour(
    helpline, browser_client, agent, clock, caplog
):
    web = await browser_client()
    with caplog.at_level("WARNING", logger="helpline.web"):
        response = await web.post("/forgot", data={"email": agent.email})
    assert response.status_code == 200
    assert "If an account uses that address" in response.text
    link = re.search(r"(/reset/[\w.\-]+)", caplog.text).group(1)
    assert (await web.get(link)).status_code == 200
    done = await web.post(link, data={"new": "brand-new-pass", "confirm": "brand-new-pass"})
    assert done.status_code == 303
    again = await web.get(link)
    assert again.status_code == 400
    assert "already used" in again.text
    signed_in = await web.post("/login", data={"email": agent.email, "password": "brand-new-pass"})
    assert signed_in.status_code == 303

    with caplog.at_level("WARNING", logger="helpline.web"):
        await web.post("/forgot", data={"email": agent.email})
    later = re.findall(r"(/reset/[\w.\-]+)", caplog.text)[-1]
    clock.advance(hours=1, minutes=1)
    assert "expired" in (await web.get(later)).text


async def test_forged_reset_link_is_refused(browser_client):
    web = await browser_client()
    response = await web.get("/reset/eyJ1IjoxfQ.forged")
    assert response.status_code == 400
    assert "not valid" in response.text


async def test_unknown_address_gets_the_same_answer(browser_client):
    web = await browser_client()
    response = await web.post("/forgot", data={"email": "nobody@example.com"})
    assert "If an account uses that address" in response.text
