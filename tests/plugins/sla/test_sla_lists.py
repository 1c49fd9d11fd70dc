"""The SLA's sort and filters in the core ticket lists: the agent queue and `/api/v1/tickets`."""

from __future__ import annotations

import pytest
from sla_helpers import MONDAY_10, clocks, office, policy

from helpline import jobs
from helpline.services import admin as admin_service
from helpline.services import tickets


@pytest.fixture
async def desk(helpline, factory, clock, run_jobs, manager):
    """At 11:30 on a Monday: one ticket waiting on its customer (no running target), one
    overdue since 11:00, one due at 12:30, and an overdue one in a team the agent is not in."""
    await office(helpline)
    await policy(helpline)
    clock.freeze(MONDAY_10)
    hidden_team = await factory.team("Legal")
    waiting = await factory.ticket(subject="Waiting on customer")
    await tickets.update_ticket(helpline, manager, waiting.number, version=None, status="pending")
    late = await factory.ticket(subject="Late one")
    hidden = await factory.ticket(subject="Legal matter", team=hidden_team)
    clock.advance(minutes=90)
    fresh = await factory.ticket(subject="Fresh one")
    await run_jobs()
    return {"waiting": waiting, "late": late, "hidden": hidden, "fresh": fresh}


def numbers(page: dict) -> list[int]:
    return [t["number"] for t in page["items"]]


async def test_the_api_sorts_by_next_sla_due_with_untimed_tickets_last(
    helpline, api, manager, desk
):
    client = await api(manager)
    soonest = (await client.get("/api/v1/tickets?sort=sla_due&per_page=10")).json()
    late, hidden, fresh, waiting = (desk[k].number for k in ("late", "hidden", "fresh", "waiting"))
    assert numbers(soonest) == [late, hidden, fresh, waiting]
    latest = (await client.get("/api/v1/tickets?sort=-sla_due&per_page=10")).json()
    assert numbers(latest) == [fresh, hidden, late, waiting]


async def test_the_api_filters_breached_and_soon_due_tickets(helpline, api, manager, desk):
    client = await api(manager)
    breached = (await client.get("/api/v1/tickets?filter=sla_breached&sort=number")).json()
    assert numbers(breached) == [desk["late"].number, desk["hidden"].number]
    assert breached["total"] == 2
    soon = (await client.get("/api/v1/tickets?filter=sla_due_soon")).json()
    assert numbers(soon) == [desk["fresh"].number]
    both = await client.get("/api/v1/tickets?filter=sla_breached&filter=sla_due_soon")
    assert both.json()["total"] == 0, "several filters must all hold"


async def test_sla_filters_keep_to_the_tickets_an_agent_may_see(helpline, api, agent, desk):
    client = await api(agent)  # sees unassigned tickets without a team, not Legal's
    breached = (await client.get("/api/v1/tickets?filter=sla_breached")).json()
    assert numbers(breached) == [desk["late"].number]
    soonest = (await client.get("/api/v1/tickets?sort=sla_due")).json()
    assert desk["hidden"].number not in numbers(soonest)


async def test_customers_cannot_use_the_sla_filters_or_sort(helpline, api, factory, desk):
    alice = await factory.user("customer")
    own = await factory.ticket(requester=alice, subject="Alice's")
    client = await api(alice)
    for query in ("filter=sla_breached", "filter=sla_due_soon", "sort=sla_due"):
        response = await client.get(f"/api/v1/tickets?{query}")
        assert response.status_code == 422, query
        assert "Late one" not in response.text
    assert numbers((await client.get("/api/v1/tickets")).json()) == [own.number]


async def test_an_unknown_filter_is_rejected_naming_the_known_ones(helpline, api, manager, desk):
    response = await (await api(manager)).get("/api/v1/tickets?filter=sla_nonsense")
    assert response.status_code == 422
    assert "sla_breached" in response.text, "the error names the filters there are"


async def test_the_openapi_schema_documents_the_list_options(helpline, client):
    schema = (await client.get("/schema/openapi.json")).json()
    params = {p["name"]: p for p in schema["paths"]["/api/v1/tickets"]["get"]["parameters"]}
    assert "sla_breached" in params["filter"]["description"]
    assert "sla_due" in params["sort"]["description"]


async def test_the_queue_offers_sla_chips_and_filters_breached_tickets(
    helpline, signin, manager, desk
):
    web = await signin(manager)
    queue = await web.get("/tickets")
    assert 'data-filter="sla_breached"' in queue.text and 'data-sort="sla_due"' in queue.text
    breached = await web.get("/tickets?filter=sla_breached")
    assert "Late one" in breached.text and "Legal matter" in breached.text
    assert "Fresh one" not in breached.text and "Waiting on customer" not in breached.text
    assert 'name="filter" value="sla_breached"' in breached.text, "the filter form keeps it"
    soon = await web.get("/tickets?filter=sla_due_soon", headers={"HX-Request": "true"})
    assert "Fresh one" in soon.text and "Late one" not in soon.text


async def test_the_queue_sorts_by_next_sla_due(helpline, signin, manager, desk):
    page = (await (await signin(manager)).get("/tickets?sort=sla_due")).text
    order = [page.index(s) for s in ("Late one", "Legal matter", "Fresh one", "Waiting on")]
    assert order == sorted(order)
    assert "/tickets?sort=-sla_due" in page, "a second click reverses it"


async def test_an_agent_saves_a_breached_view_with_its_count(helpline, signin, agent, desk):
    web = await signin(agent)
    saved = await web.post(
        "/tickets/views", data={"name": "Overdue", "query": "filter=sla_breached&sort=sla_due"}
    )
    assert saved.status_code in (200, 303)
    queue = await web.get("/tickets")
    assert "Overdue" in queue.text
    views = await web.get("/tickets/views", headers={"HX-Request": "true"})
    assert views.status_code == 200
    opened = await web.get("/tickets?filter=sla_breached&sort=sla_due")
    assert "Late one" in opened.text and "Legal matter" not in opened.text


async def test_with_sla_off_its_filter_shows_nothing_and_says_why(
    helpline, signin, api, manager, desk
):
    await helpline.set_plugin_enabled("sla", False)
    page = await (await signin(manager)).get("/tickets?filter=sla_breached&sort=sla_due")
    assert page.status_code == 200
    assert "Filter not available: sla_breached" in page.text
    assert "Late one" not in page.text
    response = await (await api(manager)).get("/api/v1/tickets?filter=sla_breached")
    assert response.status_code == 422


async def test_switching_sla_back_on_recomputes_what_changed_while_it_was_off(
    helpline, admin, manager, factory, clock, run_jobs
):
    await office(helpline)
    await policy(helpline, priority_targets=[("first_response", "urgent", 15)])
    clock.freeze(MONDAY_10)
    ticket = await factory.ticket()
    assert (await clocks(ticket))["first_response"].budget == 60 * 60_000_000
    await admin_switch(helpline, admin, False)
    await tickets.update_ticket(helpline, manager, ticket.number, version=None, priority="urgent")
    assert (await clocks(ticket))["first_response"].budget == 60 * 60_000_000, "SLA was off"
    await admin_switch(helpline, admin, True)
    assert [j["kind"] for j in await jobs.list_jobs(helpline, status="queued")].count(
        "sla.recompute"
    ) == 1
    await run_jobs()
    first = (await clocks(ticket))["first_response"]
    assert first.budget == 15 * 60_000_000
    assert first.due_at == MONDAY_10.replace(minute=15)


async def admin_switch(helpline, actor, enabled: bool) -> None:
    await admin_service.set_plugin_enabled(helpline, actor, "sla", enabled)
