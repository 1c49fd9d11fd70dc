"""Sorts and filters that plugins add to the agent queue and `/api/v1/tickets`."""

from __future__ import annotations

import pytest

from helpline import hookimpl
from helpline.services.ticket_lists import TicketFilter, TicketSort


class Vip:
    """Marks tickets whose subject says VIP, and orders tickets by subject length."""

    @hookimpl
    def register_ticket_list_options(self):
        return [
            TicketFilter(
                "vip_only",
                "VIP",
                '"ticket"."subject" LIKE {}',
                params=lambda helpline: ["%VIP%"],
                staff_only=False,
            ),
            TicketFilter("vip_staff", "Staff VIP", '"ticket"."subject" LIKE \'VIP%\''),
            TicketSort("vip_length", "Shortest subject", 'length("ticket"."subject")'),
        ]


@pytest.fixture
def helpline_plugins():
    return [("vip", Vip())]


@pytest.fixture
def helpline_settings_overrides():
    return {"plugins": []}


@pytest.fixture
async def desk(factory):
    alice, bob = await factory.user("customer"), await factory.user("customer")
    return {
        "alice_vip": await factory.ticket(requester=alice, subject="VIP Alice needs help"),
        "alice": await factory.ticket(requester=alice, subject="Alice plain"),
        "bob_vip": await factory.ticket(requester=bob, subject="VIP Bob"),
        "alice_user": alice,
        "bob_user": bob,
    }


async def test_the_queue_shows_plugin_chips_that_narrow_and_order_the_list(
    helpline, signin, manager, desk
):
    web = await signin(manager)
    queue = await web.get("/tickets")
    assert 'data-filter="vip_only"' in queue.text and 'data-sort="vip_length"' in queue.text
    vip = await web.get("/tickets?filter=vip_only&sort=vip_length")
    assert "Alice plain" not in vip.text
    assert vip.text.index("VIP Bob") < vip.text.index("VIP Alice needs help")
    assert "/tickets?filter=vip_only&amp;sort=-vip_length" in vip.text
    assert "/tickets?sort=vip_length" in vip.text, "the chip switches the filter off again"


async def test_an_unknown_plugin_filter_shows_nothing_and_an_unknown_sort_is_ignored(
    helpline, signin, manager, desk
):
    web = await signin(manager)
    gone = await web.get("/tickets?filter=gone_plugin")
    assert gone.status_code == 200
    assert "Filter not available: gone_plugin" in gone.text
    assert "VIP Bob" not in gone.text
    resorted = await web.get("/tickets?sort=gone_order")
    assert resorted.status_code == 200 and "VIP Bob" in resorted.text


async def test_a_saved_view_keeps_a_plugin_filter_and_counts_it(helpline, signin, manager, desk):
    web = await signin(manager)
    saved = await web.post("/tickets/views", data={"name": "VIPs", "query": "filter=vip_only"})
    assert saved.status_code in (200, 303)
    views = await web.get("/tickets/views", headers={"HX-Request": "true"})
    assert "VIPs" in views.text
    assert "filter=vip_only" in views.text


async def test_the_api_filters_and_sorts_with_plugin_options(helpline, api, manager, desk):
    client = await api(manager)
    page = (await client.get("/api/v1/tickets?filter=vip_only&sort=vip_length")).json()
    assert [t["number"] for t in page["items"]] == [
        desk["bob_vip"].number,
        desk["alice_vip"].number,
    ]


async def test_a_customer_filter_never_shows_other_customers_tickets(helpline, api, desk):
    client = await api(desk["alice_user"])
    page = (await client.get("/api/v1/tickets?filter=vip_only")).json()
    assert [t["number"] for t in page["items"]] == [desk["alice_vip"].number]
    assert (await client.get("/api/v1/tickets?filter=vip_staff")).status_code == 422
    assert (await client.get("/api/v1/tickets?sort=vip_length")).status_code == 422


async def test_customers_still_cannot_open_the_queue_with_plugin_options(helpline, signin, desk):
    web = await signin(desk["alice_user"])
    assert (await web.get("/tickets?filter=vip_only")).status_code == 403
