"""The REST API contract for tickets, as seen from outside."""

from __future__ import annotations


async def test_agent_creates_a_ticket_for_a_customer_by_email(api, agent):
    client = await api(agent)
    response = await client.post(
        "/api/v1/tickets",
        json={
            "subject": "Cannot log in",
            "body": "Since this morning the login page spins forever.",
            "requester": "New.Person@Example.com",
            "priority": "high",
            "type": "incident",
            "tags": ["Login", "web"],
            "assignee": agent.email,
        },
    )
    assert response.status_code == 201, response.text
    ticket = response.json()
    assert ticket["subject"] == "Cannot log in"
    assert ticket["requester"] == "new.person@example.com"
    assert ticket["priority"] == "high"
    assert ticket["type"] == "incident"
    assert ticket["tags"] == ["login", "web"]
    assert ticket["assignee"] == agent.email
    assert ticket["status"] == "new"
    assert ticket["version"] >= 1
    assert ticket["number"] >= 1


async def test_ticket_numbers_are_sequential(api, agent):
    client = await api(agent)
    numbers = []
    for i in range(3):
        response = await client.post(
            "/api/v1/tickets", json={"subject": f"n{i}", "body": "b", "requester": "c@example.com"}
        )
        numbers.append(response.json()["number"])
    assert numbers == [numbers[0], numbers[0] + 1, numbers[0] + 2]


async def test_customer_is_always_the_requester_of_what_they_post(api, customer):
    client = await api(customer)
    response = await client.post(
        "/api/v1/tickets", json={"subject": "Refund", "body": "Please refund order 12."}
    )
    assert response.status_code == 201, response.text
    assert response.json()["requester"] == customer.email
    other = await client.post(
        "/api/v1/tickets",
        json={"subject": "x", "body": "y", "requester": "someone.else@example.com"},
    )
    assert other.status_code == 403
    assert other.json()["field"] == "requester"


async def test_create_with_missing_subject_names_the_field(api, agent):
    client = await api(agent)
    response = await client.post("/api/v1/tickets", json={"subject": "  ", "body": "b"})
    assert response.status_code == 422
    assert response.json()["field"] == "subject"
    missing = await client.post("/api/v1/tickets", json={"body": "b"})
    assert missing.status_code == 400
    assert "subject" in missing.text


async def test_unknown_priority_on_create_is_422_naming_the_field(api, agent):
    client = await api(agent)
    response = await client.post(
        "/api/v1/tickets", json={"subject": "s", "body": "b", "priority": "whenever"}
    )
    assert response.status_code == 422
    assert response.json()["field"] == "priority"


async def test_get_ticket_404_when_missing(api, agent):
    client = await api(agent)
    assert (await client.get("/api/v1/tickets/999999")).status_code == 404


async def test_patch_returns_new_version_and_stale_version_conflicts(api, agent, factory):
    ticket = await factory.ticket()
    client = await api(agent)
    first = await client.patch(
        f"/api/v1/tickets/{ticket.number}", json={"version": ticket.version, "status": "pending"}
    )
    assert first.status_code == 200, first.text
    assert first.json()["status"] == "pending"
    assert first.json()["version"] == ticket.version + 1
    stale = await client.patch(
        f"/api/v1/tickets/{ticket.number}", json={"version": ticket.version, "priority": "urgent"}
    )
    assert stale.status_code == 409
    assert stale.json()["current_version"] == ticket.version + 1
    current = (await client.get(f"/api/v1/tickets/{ticket.number}")).json()
    assert current["priority"] == "normal"


async def test_patch_unknown_status_is_422_naming_the_field(api, agent, factory):
    ticket = await factory.ticket()
    client = await api(agent)
    response = await client.patch(
        f"/api/v1/tickets/{ticket.number}", json={"version": ticket.version, "status": "limbo"}
    )
    assert response.status_code == 422
    assert response.json()["field"] == "status"
    response = await client.patch(
        f"/api/v1/tickets/{ticket.number}", json={"version": ticket.version, "priority": "meh"}
    )
    assert response.status_code == 422
    assert response.json()["field"] == "priority"


async def test_customer_may_not_change_priority_but_may_solve_own_ticket(api, customer, factory):
    ticket = await factory.ticket(requester=customer)
    client = await api(customer)
    forbidden = await client.patch(
        f"/api/v1/tickets/{ticket.number}", json={"version": ticket.version, "priority": "urgent"}
    )
    assert forbidden.status_code == 403
    assert forbidden.json()["field"] == "priority"
    solved = await client.patch(
        f"/api/v1/tickets/{ticket.number}", json={"version": ticket.version, "status": "solved"}
    )
    assert solved.status_code == 200, solved.text
    assert solved.json()["status"] == "solved"
    assert solved.json()["solved_at"] is not None


async def test_assign_and_unassign_through_patch(api, agent, manager, factory):
    ticket = await factory.ticket()
    client = await api(manager)
    assigned = await client.patch(
        f"/api/v1/tickets/{ticket.number}",
        json={"version": ticket.version, "assignee": agent.email},
    )
    assert assigned.json()["assignee"] == agent.email
    cleared = await client.patch(
        f"/api/v1/tickets/{ticket.number}",
        json={"version": assigned.json()["version"], "assignee": None},
    )
    assert cleared.json()["assignee"] is None
    customer_as_assignee = await client.patch(
        f"/api/v1/tickets/{ticket.number}",
        json={"version": cleared.json()["version"], "assignee": ticket and "nobody@example.com"},
    )
    assert customer_as_assignee.status_code == 422
    assert customer_as_assignee.json()["field"] == "assignee"


async def test_messages_internal_notes_hidden_from_customers(api, agent, customer, factory):
    ticket = await factory.ticket(requester=customer)
    agent_client = await api(agent)
    note = await agent_client.post(
        f"/api/v1/tickets/{ticket.number}/messages",
        json={"body": "Customer is on the legacy plan", "internal": True},
    )
    assert note.status_code == 201
    assert note.json()["internal"] is True
    reply = await agent_client.post(
        f"/api/v1/tickets/{ticket.number}/messages", json={"body": "We are looking into it."}
    )
    assert reply.status_code == 201
    customer_client = await api(customer)
    denied = await customer_client.post(
        f"/api/v1/tickets/{ticket.number}/messages", json={"body": "sneaky", "internal": True}
    )
    assert denied.status_code == 403
    seen = (await customer_client.get(f"/api/v1/tickets/{ticket.number}/messages")).json()
    bodies = [m["body"] for m in seen]
    assert "We are looking into it." in bodies
    assert "Customer is on the legacy plan" not in bodies
    assert all(not m["internal"] for m in seen)
    agent_view = (await agent_client.get(f"/api/v1/tickets/{ticket.number}/messages")).json()
    assert "Customer is on the legacy plan" in [m["body"] for m in agent_view]


async def test_events_list_every_change_oldest_first(api, agent, factory):
    ticket = await factory.ticket()
    client = await api(agent)
    patched = await client.patch(
        f"/api/v1/tickets/{ticket.number}",
        json={"version": ticket.version, "status": "open", "priority": "high"},
    )
    await client.patch(
        f"/api/v1/tickets/{ticket.number}",
        json={"version": patched.json()["version"], "assignee": agent.email},
    )
    events = (await client.get(f"/api/v1/tickets/{ticket.number}/events")).json()
    assert events[0]["kind"] == "created"
    changes = [
        (e["field"], e["old"], e["new"], e["actor"]) for e in events if e["kind"] == "field_changed"
    ]
    assert ("status", "new", "open", agent.email) in changes
    assert ("priority", "normal", "high", agent.email) in changes
    assert ("assignee", None, agent.email, agent.email) in changes
    times = [e["at"] for e in events]
    assert times == sorted(times)


async def test_me_returns_the_caller_and_rejects_bad_tokens(api, client, agent):
    response = await (await api(agent)).get("/api/v1/me")
    assert response.status_code == 200
    assert response.json()["email"] == agent.email
    assert response.json()["role"] == "agent"
    assert (await client.get("/api/v1/me")).status_code == 401
    bad = await client.get("/api/v1/me", headers={"Authorization": "Bearer hlp_nope"})
    assert bad.status_code == 401


async def test_openapi_schema_documents_the_api(client):
    response = await client.get("/schema/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert "/api/v1/tickets" in paths
    assert "patch" in paths["/api/v1/tickets/{number}"]
