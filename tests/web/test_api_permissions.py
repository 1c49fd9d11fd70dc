"""What each role may see and do through the API; the visibility rules hold on every endpoint."""

from __future__ import annotations

import base64

import pytest


async def _ticket_for(factory, customer, **fields):
    return await factory.ticket(requester=customer, **fields)


async def test_customer_cannot_read_another_customers_ticket_anywhere(api, factory):
    alice = await factory.user("customer")
    bob = await factory.user("customer")
    ticket = await _ticket_for(factory, alice, subject="Alice's invoice question")
    client = await api(bob)
    for path in ("", "/messages", "/events"):
        response = await client.get(f"/api/v1/tickets/{ticket.number}{path}")
        assert response.status_code == 404, path
    patch = await client.patch(
        f"/api/v1/tickets/{ticket.number}", json={"version": ticket.version, "status": "solved"}
    )
    assert patch.status_code == 404
    reply = await client.post(f"/api/v1/tickets/{ticket.number}/messages", json={"body": "hi"})
    assert reply.status_code == 404
    listed = (await client.get("/api/v1/tickets")).json()
    assert listed["total"] == 0 and listed["items"] == []
    found = (await client.get("/api/v1/search", params={"q": "invoice"})).json()
    assert found["total"] == 0
    filtered = (await client.get("/api/v1/tickets", params={"requester": alice.email})).json()
    assert filtered["total"] == 0


async def test_customer_lists_only_own_tickets(api, factory):
    alice = await factory.user("customer")
    bob = await factory.user("customer")
    mine = await _ticket_for(factory, alice)
    await _ticket_for(factory, bob)
    listed = (await (await api(alice)).get("/api/v1/tickets")).json()
    assert [t["number"] for t in listed["items"]] == [mine.number]
    assert listed["total"] == 1


async def test_organization_members_share_tickets_only_when_allowed(api, factory):
    shared = await factory.organization(shared=True)
    private = await factory.organization(shared=False)
    a1 = await factory.user("customer", organization=shared)
    a2 = await factory.user("customer", organization=shared)
    b1 = await factory.user("customer", organization=private)
    b2 = await factory.user("customer", organization=private)
    t_shared = await _ticket_for(factory, a1)
    t_private = await _ticket_for(factory, b1)
    assert (await (await api(a2)).get(f"/api/v1/tickets/{t_shared.number}")).status_code == 200
    assert (await (await api(b2)).get(f"/api/v1/tickets/{t_private.number}")).status_code == 404
    assert (await (await api(a2)).get(f"/api/v1/tickets/{t_private.number}")).status_code == 404


async def test_agents_see_their_teams_unteamed_and_assigned_tickets(api, factory):
    billing_agent = await factory.user("agent")
    tech_agent = await factory.user("agent")
    billing = await factory.team("Billing", members=[billing_agent])
    tech = await factory.team("Tech", members=[tech_agent])
    billing_agent = await _reload(factory, billing_agent)
    t_billing = await factory.ticket(team=billing)
    t_tech = await factory.ticket(team=tech)
    t_loose = await factory.ticket()
    t_tech_mine = await factory.ticket(team=tech, assignee=billing_agent.email)
    client = await api(billing_agent)
    seen = {t["number"] for t in (await client.get("/api/v1/tickets")).json()["items"]}
    assert seen == {t_billing.number, t_loose.number, t_tech_mine.number}
    assert (await client.get(f"/api/v1/tickets/{t_tech.number}")).status_code == 404


async def _reload(factory, actor):
    from helpline.services.users import load_actor

    return await load_actor(factory.helpline, actor.id)


@pytest.mark.parametrize("role", ["admin", "manager"])
async def test_admins_and_managers_see_every_ticket(api, factory, role):
    team = await factory.team()
    tickets = [await factory.ticket(team=team), await factory.ticket()]
    viewer = await factory.user(role)
    listed = (await (await api(viewer)).get("/api/v1/tickets")).json()
    assert {t.number for t in tickets} <= {t["number"] for t in listed["items"]}


async def test_customer_cannot_assign_merge_or_reopen(api, factory, agent):
    customer = await factory.user("customer")
    ticket = await _ticket_for(factory, customer)
    other = await _ticket_for(factory, customer)
    client = await api(customer)
    assign = await client.patch(
        f"/api/v1/tickets/{ticket.number}",
        json={"version": ticket.version, "assignee": agent.email},
    )
    assert assign.status_code == 403 and assign.json()["field"] == "assignee"
    merge = await client.post(f"/api/v1/tickets/{ticket.number}/merge", json={"into": other.number})
    assert merge.status_code == 403
    tags = await client.patch(
        f"/api/v1/tickets/{ticket.number}", json={"version": ticket.version, "tags": ["vip"]}
    )
    assert tags.status_code == 403 and tags.json()["field"] == "tags"


async def test_agent_merges_and_reopens_through_the_api(api, agent, factory):
    source = await factory.ticket(subject="Duplicate", tags=["a"])
    target = await factory.ticket(subject="Original", tags=["b"])
    client = await api(agent)
    merged = await client.post(
        f"/api/v1/tickets/{source.number}/merge", json={"into": target.number}
    )
    assert merged.status_code == 201, merged.text
    assert merged.json()["number"] == target.number
    assert merged.json()["tags"] == ["a", "b"]
    src = (await client.get(f"/api/v1/tickets/{source.number}")).json()
    assert src["merged_into"] == target.number
    assert src["status_category"] == "closed"
    bodies = [
        m["body"] for m in (await client.get(f"/api/v1/tickets/{target.number}/messages")).json()
    ]
    assert "Something does not work." in bodies
    solved = await client.patch(
        f"/api/v1/tickets/{target.number}",
        json={"version": merged.json()["version"], "status": "solved"},
    )
    reopened = await client.post(f"/api/v1/tickets/{target.number}/reopen")
    assert reopened.status_code == 201, reopened.text
    assert reopened.json()["status"] == "open"
    assert reopened.json()["version"] == solved.json()["version"] + 1
    events = (await client.get(f"/api/v1/tickets/{target.number}/events")).json()
    assert any(e["kind"] == "reopened" for e in events)


async def test_attachments_are_downloadable_only_by_those_who_see_the_message(api, agent, factory):
    customer = await factory.user("customer")
    stranger = await factory.user("customer")
    ticket = await _ticket_for(factory, customer)
    client = await api(agent)
    content = b"%PDF-1.4 fake invoice"
    note = await client.post(
        f"/api/v1/tickets/{ticket.number}/messages",
        json={
            "body": "internal copy",
            "internal": True,
            "attachments": [
                {"filename": "../invoice.pdf", "content": base64.b64encode(content).decode()}
            ],
        },
    )
    assert note.status_code == 201, note.text
    attachment = note.json()["attachments"][0]
    assert attachment["filename"] == "invoice.pdf"
    assert attachment["size"] == len(content)
    download = await client.get(attachment["url"])
    assert download.status_code == 200 and download.content == content
    assert (await (await api(customer)).get(attachment["url"])).status_code == 404
    assert (await (await api(stranger)).get(attachment["url"])).status_code == 404


async def test_oversized_attachment_is_refused_naming_the_field(api, agent, factory):
    factory.helpline.settings.attachment_max_bytes = 10
    ticket = await factory.ticket()
    response = await (await api(agent)).post(
        f"/api/v1/tickets/{ticket.number}/messages",
        json={
            "body": "big",
            "attachments": [{"filename": "a.bin", "content": base64.b64encode(b"x" * 11).decode()}],
        },
    )
    assert response.status_code == 422
    assert response.json()["field"] == "attachments"


async def test_list_filters_by_status_priority_assignee_tag_and_text(api, agent, factory):
    a = await factory.ticket(
        subject="Printer jammed", priority="high", tags=["hardware"], assignee=agent.email
    )
    b = await factory.ticket(subject="Password reset", priority="low")
    client = await api(agent)

    async def numbers(**params):
        body = (await client.get("/api/v1/tickets", params=params)).json()
        return {t["number"] for t in body["items"]}

    assert a.number in await numbers(priority="high")
    assert b.number not in await numbers(priority="high")
    assert await numbers(assignee="me") == {a.number}
    assert b.number in await numbers(assignee="none")
    assert await numbers(tag="hardware") == {a.number}
    assert await numbers(q="printer") == {a.number}
    assert await numbers(assignee="nobody@example.com") == set()
    assert await numbers(status="new") >= {a.number, b.number}


async def test_pagination_reports_total_and_pages(api, agent, factory):
    for i in range(5):
        await factory.ticket(subject=f"page test {i}")
    client = await api(agent)
    first = (
        await client.get("/api/v1/tickets", params={"per_page": 2, "page": 1, "sort": "number"})
    ).json()
    second = (
        await client.get("/api/v1/tickets", params={"per_page": 2, "page": 2, "sort": "number"})
    ).json()
    assert first["total"] == second["total"] == 5
    assert len(first["items"]) == 2
    assert first["items"][-1]["number"] < second["items"][0]["number"]
    too_many = await client.get("/api/v1/tickets", params={"per_page": 1000})
    assert too_many.status_code == 400
    assert "per_page" in too_many.text
