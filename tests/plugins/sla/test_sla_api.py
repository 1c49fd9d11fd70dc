"""`/api/v1/sla/…` and the `sla` field of the ticket JSON (issue 5, rule 6), for every role."""

from __future__ import annotations

from sla_helpers import MONDAY_10, office, policy

from helpline.services import messages

CALENDAR = {
    "name": "office",
    "timezone": "Europe/Berlin",
    "hours": ["mon-fri 09:00-17:00"],
    "holidays": [{"date": "2025-12-25", "name": "Christmas"}],
}
POLICY = {
    "name": "Standard",
    "calendar": "office",
    "targets": [
        {"target": "first_response", "minutes": 60},
        {"target": "resolution", "minutes": 480, "priority": "normal"},
    ],
    "escalations": [{"when": "breach", "actions": [{"action": "notify", "to": "assignee"}]}],
}


async def test_an_admin_creates_a_calendar_and_a_policy_through_the_api(
    helpline, api, admin, run_jobs
):
    client = await api(admin)
    created = await client.post("/api/v1/sla/calendars", json=CALENDAR)
    assert created.status_code == 201, created.text
    assert (await client.post("/api/v1/sla/policies", json=POLICY)).status_code == 201
    assert [p["name"] for p in (await client.get("/api/v1/sla/policies")).json()] == ["Standard"]
    due = await client.get(
        "/api/v1/sla/calendars/office/due",
        params={"start": "2025-12-24T16:00:00+01:00", "minutes": 120},
    )
    assert due.json()["due_at"] == "2025-12-26T10:00:00+01:00"
    replaced = await client.request(
        "PUT", "/api/v1/sla/calendars/office", json={**CALENDAR, "hours": ["24/7"]}
    )
    assert replaced.json()["hours"] == ["24/7"]


async def test_bad_hours_are_refused_naming_the_field(helpline, api, admin):
    response = await (await api(admin)).post(
        "/api/v1/sla/calendars", json={**CALENDAR, "hours": ["mon-fri 9-5"]}
    )
    assert response.status_code == 422
    assert response.json()["field"] == "hours"


async def test_agents_read_sla_settings_but_only_sla_managers_change_them(
    helpline, api, admin, agent, customer
):
    await (await api(admin)).post("/api/v1/sla/calendars", json=CALENDAR)
    agent_client = await api(agent)
    assert (await agent_client.get("/api/v1/sla/calendars")).status_code == 200
    assert (await agent_client.post("/api/v1/sla/policies", json=POLICY)).status_code == 403
    assert (await agent_client.delete("/api/v1/sla/calendars/office")).status_code == 403
    assert (await (await api(customer)).get("/api/v1/sla/calendars")).status_code == 403


async def test_the_api_needs_a_token(client):
    assert (await client.get("/api/v1/sla/policies")).status_code == 401


async def test_ticket_json_carries_each_targets_due_time_and_state(
    helpline, api, factory, clock, agent, customer
):
    await office(helpline)
    await policy(helpline)
    clock.freeze(MONDAY_10)
    ticket = await factory.ticket(requester=customer, by=customer)
    await messages.add_message(helpline, agent, ticket.number, body="Hi")
    body = (await (await api(agent)).get(f"/api/v1/tickets/{ticket.number}")).json()
    assert body["sla"]["first_response"] == {
        "due_at": "2025-01-06T10:00:00+00:00",
        "state": "met",
        "met_at": "2025-01-06T09:00:00+00:00",
        "breached_at": None,
        "started_at": "2025-01-06T09:00:00+00:00",
        "remaining_minutes": None,
        "business": True,
        "calendar": "office",
        "policy": "Standard",
    }
    assert body["sla"]["resolution"]["state"] == "running"
    listed = (await (await api(agent)).get("/api/v1/tickets")).json()["items"]
    assert all("sla" in item for item in listed)


async def test_customers_do_not_see_sla_internals(helpline, api, factory, clock, customer):
    await office(helpline)
    await policy(helpline)
    ticket = await factory.ticket(requester=customer, by=customer)
    body = (await (await api(customer)).get(f"/api/v1/tickets/{ticket.number}")).json()
    assert "sla" not in body


async def test_the_sla_queue_lists_overdue_tickets_first(
    helpline, api, factory, clock, run_jobs, agent
):
    await office(helpline)
    await policy(helpline, targets={"first_response": 60})
    clock.freeze(MONDAY_10)
    first = await factory.ticket()
    clock.advance(minutes=30)
    second = await factory.ticket()
    clock.advance(minutes=40)
    await run_jobs()
    page = (await (await api(agent)).get("/api/v1/sla/tickets")).json()
    assert [i["number"] for i in page["items"]] == [first.number, second.number]
    breached = (
        await (await api(agent)).get("/api/v1/sla/tickets", params={"show": "breached"})
    ).json()
    assert [i["number"] for i in breached["items"]] == [first.number]


async def test_preview_says_which_policy_applies_and_when_it_is_due(helpline, api, admin):
    await office(helpline)
    await policy(helpline)
    response = await (await api(admin)).post(
        "/api/v1/sla/preview", json={"priority": "high", "created_at": "2025-01-10T16:30:00+01:00"}
    )
    assert response.json()["policy"] == "Standard"
    assert {t["target"]: t["due_at"] for t in response.json()["targets"]} == {
        "first_response": "2025-01-13T08:30:00Z",
        "resolution": "2025-01-13T15:30:00Z",
    }


async def test_the_openapi_schema_documents_the_sla_api(client):
    schema = (await client.get("/schema/openapi.json")).json()
    assert {"/api/v1/sla/calendars", "/api/v1/sla/policies", "/api/v1/sla/preview"} <= set(
        schema["paths"]
    )
    assert "PolicySpec" in str(schema["components"]["schemas"])


ICS = (
    b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\nBEGIN:VEVENT\r\nUID:1\r\n"
    b"DTSTART;VALUE=DATE:20250106\r\nSUMMARY:Epiphany\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
)


async def test_holidays_imported_from_ical_and_a_country_move_due_times(helpline, api, admin):
    client = await api(admin)
    await client.post("/api/v1/sla/calendars", json=CALENDAR)
    imported = await client.post(
        "/api/v1/sla/calendars/office/ical", content=ICS, headers={"content-type": "text/calendar"}
    )
    assert {"date": "2025-01-06", "name": "Epiphany"} in imported.json()["holidays"]
    friday = {"start": "2025-01-03T16:00:00+01:00", "minutes": 120}
    due = await client.get("/api/v1/sla/calendars/office/due", params=friday)
    assert due.json()["due_at"] == "2025-01-07T10:00:00+01:00"
    bavaria = {**CALENDAR, "name": "munich", "country": "DE", "subdivision": "BY"}
    assert (await client.post("/api/v1/sla/calendars", json=bavaria)).status_code == 201
    due = await client.get("/api/v1/sla/calendars/munich/due", params=friday)
    assert due.json()["due_at"] == "2025-01-07T10:00:00+01:00"  # Epiphany is a Bavarian holiday
