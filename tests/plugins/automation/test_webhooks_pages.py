"""The admin pages: who may use them, forms with errors by their fields, ping, log, redeliver."""

from __future__ import annotations

from typing import Any

import pytest
from test_webhooks_receiver import SETTINGS, Receiver, receiver

from helpline_automation.webhooks import deliveries, store
from helpline_automation.webhooks.specs import SubscriptionIn

__all__ = ["receiver"]


@pytest.fixture
def helpline_settings_overrides() -> dict[str, Any]:
    # The webhooks plugin stands alone: its pages work with no other plugin loaded.
    return {"plugin": {"webhooks": dict(SETTINGS)}, "plugins": ["webhooks"]}


async def make(helpline: Any, admin: Any, url: str) -> Any:
    return await store.create(
        helpline, admin, SubscriptionIn(name="crm", url=url, events=["ticket.created"])
    )


@pytest.mark.parametrize("role", ["manager", "agent", "customer"])
async def test_only_webhook_managers_reach_the_webhook_pages(
    helpline, admin, factory, signin, receiver: Receiver, role: str
) -> None:
    sub = await make(helpline, admin, receiver.url)
    web = await signin(await factory.user(role))
    for url in ("/p/webhooks/", "/p/webhooks/new", f"/p/webhooks/{sub.id}"):
        assert (await web.get(url)).status_code == 403, url
    response = await web.post(f"/p/webhooks/{sub.id}/ping", data={})
    assert response.status_code == 403
    response = await web.post(
        "/p/webhooks/", data={"name": "evil", "url": receiver.url, "events": "ticket.created"}
    )
    assert response.status_code == 403
    assert [s.name for s in await store.subscriptions(helpline)] == ["crm"]


async def test_signed_out_visitors_are_sent_to_sign_in(browser_client) -> None:
    web = await browser_client()
    response = await web.get("/p/webhooks/")
    assert response.status_code in (302, 303) and "/login" in response.headers["location"]


async def test_the_admin_menu_links_webhooks_for_admins_only(signin, admin, agent) -> None:
    assert "/p/webhooks/" in (await (await signin(admin)).get("/admin")).text
    assert (await (await signin(agent)).get("/admin")).status_code == 403


async def test_an_admin_creates_a_webhook_and_sees_it_listed(
    helpline, admin, signin, receiver: Receiver
) -> None:
    web = await signin(admin)
    form = await web.get("/p/webhooks/new")
    assert form.status_code == 200 and 'name="events"' in form.text
    response = await web.post(
        "/p/webhooks/",
        data={
            "name": "CRM",
            "url": receiver.url,
            "events": ["ticket.created", "message.added"],
            "secret": "s3cret",
            "active": "1",
        },
    )
    assert response.status_code == 303
    (sub,) = await store.subscriptions(helpline)
    assert sub.events == ["ticket.created", "message.added"] and sub.has_secret
    listing = await web.get("/p/webhooks/")
    assert "CRM" in listing.text and receiver.url in listing.text
    assert "s3cret" not in (await web.get(f"/p/webhooks/{sub.id}")).text


async def test_a_bad_url_is_shown_next_to_its_field_keeping_what_was_typed(
    helpline, admin, signin
) -> None:
    web = await signin(admin)
    response = await web.post(
        "/p/webhooks/",
        data={"name": "Mine", "url": "ftp://files.example.com", "events": "ticket.created"},
    )
    assert response.status_code == 422
    assert 'id="err-url"' in response.text and "http:// or https://" in response.text
    assert 'value="Mine"' in response.text and 'value="ftp://files.example.com"' in response.text
    response = await web.post("/p/webhooks/", data={"name": "Mine", "url": "https://example.com"})
    assert response.status_code == 422 and 'id="err-events"' in response.text
    assert await store.subscriptions(helpline) == []


async def test_private_targets_are_refused_unless_allowed(helpline, admin, signin) -> None:
    helpline.plugin_settings["webhooks"].allow_private_targets = False
    web = await signin(admin)
    for url in (
        "http://127.0.0.1:9/hook",
        "http://10.0.0.5/",
        "http://[::1]/",
        "http://localhost/",
    ):
        response = await web.post(
            "/p/webhooks/", data={"name": "x", "url": url, "events": "ticket.created"}
        )
        assert response.status_code == 422 and "private or loopback" in response.text, url


async def test_a_test_ping_shows_up_in_the_delivery_log(
    helpline, admin, signin, receiver: Receiver, run_jobs
) -> None:
    sub = await make(helpline, admin, receiver.url)
    web = await signin(admin)
    response = await web.post(f"/p/webhooks/{sub.id}/ping", data={})
    assert response.status_code == 303
    await run_jobs()
    assert receiver.events() == ["ping"]
    page = await web.get(f"/p/webhooks/{sub.id}")
    assert "succeeded" in page.text and ">200<" in page.text
    log = await web.get(f"/p/webhooks/{sub.id}/log", headers={"HX-Request": "true"})
    assert log.status_code == 200 and 'id="webhooks-log"' in log.text


async def test_an_admin_redelivers_from_the_delivery_page(
    helpline, admin, signin, receiver: Receiver, run_jobs
) -> None:
    sub = await make(helpline, admin, receiver.url)
    await deliveries.ping(helpline, admin, sub.id)
    await run_jobs()
    (delivery,), _ = await deliveries.list_deliveries(helpline, admin, sub.id)
    web = await signin(admin)
    detail = await web.get(f"/p/webhooks/deliveries/{delivery.id}")
    assert detail.status_code == 200 and delivery.uid in detail.text
    response = await web.post(f"/p/webhooks/deliveries/{delivery.id}/redeliver", data={})
    assert response.status_code == 303
    await run_jobs()
    assert receiver.events() == ["ping", "ping"]


async def test_a_switched_off_webhook_shows_why_and_can_be_re_enabled(
    helpline, admin, signin, receiver: Receiver
) -> None:
    from helpline_automation.webhooks.tables import WebhookSubscription as Row

    sub = await make(helpline, admin, receiver.url)
    await Row.update(
        {Row.active: False, Row.disabled_reason: "Switched off after failing 4 times in a row."}
    ).where(Row.id == sub.id)
    web = await signin(admin)
    page = await web.get(f"/p/webhooks/{sub.id}")
    assert "Switched off after failing 4 times" in page.text and "Re-enable" in page.text
    assert "off: kept failing" in (await web.get("/p/webhooks/")).text
    response = await web.post(f"/p/webhooks/{sub.id}/enable", data={})
    assert response.status_code == 303
    assert (await store.get(helpline, sub.id)).active


async def test_the_plugin_serves_its_own_stylesheet_though_it_lives_in_a_subpackage(
    client,
) -> None:
    response = await client.get("/static/webhooks/webhooks.css")
    assert response.status_code == 200 and ".webhooks-events" in response.text


async def test_switching_the_plugin_off_hides_its_pages_and_sends_nothing(
    helpline, admin, factory, signin, receiver: Receiver, run_jobs
) -> None:
    await make(helpline, admin, receiver.url)
    await helpline.set_plugin_enabled("webhooks", False)
    web = await signin(admin)
    assert (await web.get("/p/webhooks/")).status_code == 404
    await factory.ticket()
    await run_jobs()
    assert receiver.requests == []
