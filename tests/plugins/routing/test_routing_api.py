"""`/api/v1/routing/…`: availability for each agent, team routing and rules for managers."""

from __future__ import annotations

import pytest

from helpline_routing import store


async def test_an_agent_reads_and_sets_their_own_availability(helpline, api, agent):
    client = await api(agent)
    me = (await client.get("/api/v1/routing/availability")).json()
    assert (me["state"], me["available"], me["capacity"]) == ("available", True, 10)
    away = await client.request("PUT", "/api/v1/routing/availability", json={"available": False})
    assert away.status_code == 200 and away.json()["state"] == "away"
    assert not (await store.profile(agent.id)).available


async def test_customers_have_no_routing_api(api, customer, factory):
    client = await api(customer)
    assert (await client.get("/api/v1/routing/availability")).status_code == 403
    assert (await client.get("/api/v1/routing/teams")).status_code == 403
    assert (await client.get("/api/v1/routing/strategies")).status_code == 403


async def test_the_api_needs_a_token(client):
    assert (await client.get("/api/v1/routing/availability")).status_code == 401


@pytest.mark.parametrize(
    ("role", "read", "write"), [("agent", 403, 403), ("manager", 200, 200), ("admin", 200, 200)]
)
async def test_who_reads_and_changes_team_routing_through_the_api(
    helpline, api, factory, make_team, role, read, write
):
    team, (a,) = await make_team(1, "manual", name="Support")
    client = await api(await factory.user(role))
    listing = await client.get("/api/v1/routing/teams")
    assert listing.status_code == read
    if read == 200:
        assert listing.json()[0]["agents"][0]["user_id"] == a.id
    put = await client.request(
        "PUT",
        f"/api/v1/routing/teams/{team}",
        json={"strategy": "least_loaded", "reroute_minutes": 5},
    )
    assert put.status_code == write
    agent = await client.request("PUT", f"/api/v1/routing/agents/{a.id}", json={"capacity": 3})
    assert agent.status_code == write
    rules = await client.post(
        "/api/v1/routing/rules",
        json={"name": "R", "conditions": [{"field": "subject", "value": "x"}], "team": "Support"},
    )
    assert rules.status_code == (201 if write == 200 else 403)
    if write == 200:
        assert (await store.team_config(team)).strategy == "least_loaded"
        assert (await store.profile(a.id)).capacity == 3


async def test_bad_routing_settings_are_refused_naming_the_field(helpline, api, admin, make_team):
    team, (a,) = await make_team(1, "manual", name="Support")
    client = await api(admin)
    bad = await client.request("PUT", f"/api/v1/routing/teams/{team}", json={"strategy": "lottery"})
    assert bad.status_code == 422 and bad.json()["field"] == "strategy"
    skills = await client.request(
        "PUT", f"/api/v1/routing/agents/{a.id}", json={"skills": {"billing": 8}}
    )
    assert skills.status_code == 422 and skills.json()["field"] == "skills"
    rule = await client.post(
        "/api/v1/routing/rules",
        json={"name": "R", "conditions": [{"field": "subject", "value": ""}], "team": "Support"},
    )
    assert rule.status_code == 422 and rule.json()["field"] == "conditions.0.value"


async def test_routing_endpoints_are_in_the_openapi_schema(client):
    paths = (await client.get("/schema/openapi.json")).json()["paths"]
    assert "/api/v1/routing/availability" in paths
    assert "/api/v1/routing/teams/{team_id}" in paths
