"""Who sees which calls: agents those on tickets they can see, managers all, customers none."""

from __future__ import annotations

import pytest

from helpline_phone import calls


@pytest.fixture
async def desk(helpline, factory, admin):
    """Two teams' tickets, each with a logged call, and an agent in only the first team."""
    agent, outsider_agent = await factory.user("agent"), await factory.user("agent")
    first, second = await factory.team("First", [agent]), await factory.team("Second")
    customer = await factory.user("customer", name="Ada Lovelace")
    ours = await factory.ticket(requester=customer, subject="Ours", team=first)
    theirs = await factory.ticket(requester=customer, subject="Theirs", team=second)
    for ticket, number in ((ours, "+12025550143"), (theirs, "+12025550144")):
        await calls.log_call(
            helpline,
            admin,
            number=number,
            direction="inbound",
            outcome="answered",
            ticket=ticket.number,
        )
    return {
        "agent": agent,
        "outsider": outsider_agent,
        "customer": customer,
        "ours": ours,
        "theirs": theirs,
    }


async def test_an_agent_sees_only_calls_on_tickets_they_can_see(signin, desk):
    web = await signin(desk["agent"])
    page = await web.get(f"/p/phone/calls?customer={desk['customer'].id}")
    assert page.status_code == 200
    assert "+1 202-555-0143" in page.text
    assert "+1 202-555-0144" not in page.text


async def test_a_manager_sees_every_call(signin, factory, desk):
    page = await (await signin(await factory.user("manager"))).get("/p/phone/calls")
    assert "+1 202-555-0143" in page.text and "+1 202-555-0144" in page.text


async def test_an_agent_cannot_open_the_calls_of_a_ticket_they_cannot_see(signin, desk):
    web = await signin(desk["agent"])
    response = await web.get(f"/p/phone/calls?ticket={desk['theirs'].number}")
    assert response.status_code == 404


async def test_an_agent_cannot_log_a_call_on_a_ticket_they_cannot_see(signin, desk):
    web = await signin(desk["agent"])
    response = await web.post(
        "/p/phone/log",
        data={
            "number": "+12025550143",
            "direction": "inbound",
            "outcome": "answered",
            "ticket": str(desk["theirs"].number),
        },
    )
    assert response.status_code == 422
    assert 'id="ticket-error"' in response.text
    panel = await web.post(
        f"/p/phone/tickets/{desk['theirs'].number}/calls",
        data={"number": "+12025550143", "direction": "inbound", "outcome": "answered"},
    )
    assert panel.status_code == 404


async def test_customers_see_nothing_of_the_phone_pages(signin, desk):
    web = await signin(desk["customer"])
    for path in ("/p/phone/calls", "/p/phone/log", "/p/phone/live", "/p/phone/lookup?number=1"):
        assert (await web.get(path)).status_code == 403, path


async def test_customers_cannot_log_calls_or_record_numbers(signin, factory, desk):
    web = await signin(desk["customer"])
    logged = await web.post(
        "/p/phone/log",
        data={
            "number": "+12025550143",
            "direction": "inbound",
            "outcome": "answered",
            "ticket": str(desk["ours"].number),
        },
    )
    numbered = await web.post(
        f"/p/phone/customers/{desk['customer'].id}/numbers", data={"number": "+12025550199"}
    )
    other = await factory.ticket(subject="Someone else's")
    panel = await web.post(
        f"/p/phone/tickets/{other.number}/calls",
        data={"number": "+12025550143", "direction": "inbound", "outcome": "answered"},
    )
    assert (logged.status_code, numbered.status_code, panel.status_code) == (403, 403, 403)


async def test_anonymous_visitors_are_sent_to_sign_in(browser_client):
    response = await (await browser_client()).get("/p/phone/calls")
    assert response.status_code in (302, 303)
    assert "/login" in response.headers["location"]


async def test_the_api_lists_calls_by_the_same_rule(api, factory, desk):
    agent_calls = (await (await api(desk["agent"])).get("/api/v1/phone/calls")).json()
    manager = await factory.user("manager")
    manager_calls = (await (await api(manager)).get("/api/v1/phone/calls")).json()
    customer_answer = await (await api(desk["customer"])).get("/api/v1/phone/calls")
    assert [c["number"] for c in agent_calls["items"]] == ["+12025550143"]
    assert manager_calls["total"] == 2
    assert customer_answer.status_code == 403


async def test_an_agent_logs_a_call_through_the_api(api, desk, helpline):
    client = await api(desk["agent"])
    response = await client.post(
        "/api/v1/phone/calls",
        json={
            "number": "(202) 555-0143",
            "direction": "outbound",
            "outcome": "voicemail",
            "duration": 30,
            "ticket": desk["ours"].number,
            "notes": "Left a message.",
        },
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["ticket"] == desk["ours"].number
    assert (body["call"]["number"], body["call"]["outcome"]) == ("+12025550143", "voicemail")
    bad = await client.post("/api/v1/phone/calls", json={"number": "12", "ticket": 1})
    assert bad.status_code == 422 and "number" in bad.text


async def test_the_calls_api_and_the_webhook_are_in_the_openapi_schema(client):
    schema = (await client.get("/schema/openapi.json")).json()
    assert "/api/v1/phone/calls" in schema["paths"]
    assert "/api/v1/phone/events" in schema["paths"]
