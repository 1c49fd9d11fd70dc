"""`/api/v1/automation/…`: rules and macros for every role, dry run, log, apply, the schema."""

from __future__ import annotations

import pytest

from helpline.services import tickets

RULE = {
    "name": "VIP",
    "events": ["ticket_created"],
    "conditions": [{"field": "requester_email", "op": "contains", "value": "@vip.example"}],
    "actions": [{"action": "set_priority", "params": {"priority": "high"}}],
}


async def test_an_admin_manages_rules_through_the_api(helpline, api, admin, factory, run_jobs):
    client = await api(admin)
    created = await client.post("/api/v1/automation/rules", json=RULE)
    assert created.status_code == 201, created.text
    rule = created.json()
    assert rule["conditions"][0]["op"] == "contains" and rule["enabled"] is True
    assert [r["name"] for r in (await client.get("/api/v1/automation/rules")).json()] == ["VIP"]
    vip = await factory.user("customer", email="ceo@vip.example")
    ticket = await factory.ticket(requester=vip)
    await run_jobs()
    assert (await tickets.get_ticket(helpline, tickets.SYSTEM, ticket.number)).priority == "high"
    log = (await client.get(f"/api/v1/automation/rules/{rule['id']}/log")).json()
    assert [(e["ticket"], e["outcome"]) for e in log] == [(ticket.number, "done")]
    dry = await client.post(
        f"/api/v1/automation/rules/{rule['id']}/dry-run", json={"ticket": ticket.number}
    )
    assert dry.json()["matched"] is True and dry.json()["actions"] == [
        "Set priority (priority=high)"
    ]
    replaced = await client.request(
        "PUT", f"/api/v1/automation/rules/{rule['id']}", json={**RULE, "enabled": False}
    )
    assert replaced.json()["enabled"] is False
    assert (await client.delete(f"/api/v1/automation/rules/{rule['id']}")).status_code == 204
    assert (await client.get(f"/api/v1/automation/rules/{rule['id']}")).status_code == 404


async def test_a_bad_rule_is_refused_naming_the_field(api, admin):
    client = await api(admin)
    bad = {**RULE, "conditions": [{"field": "priority", "op": "gt", "value": "1"}]}
    response = await client.post("/api/v1/automation/rules", json=bad)
    assert response.status_code == 422 and response.json()["field"] == "condition_0"
    response = await client.post(
        "/api/v1/automation/rules", json={**RULE, "kind": "schedule", "cron": "nope"}
    )
    assert response.status_code == 422 and response.json()["field"] == "cron"


async def test_macros_through_the_api_and_applying_one(helpline, api, admin, macro_agent, factory):
    created = await (await api(admin)).post(
        "/api/v1/automation/macros",
        json={
            "name": "Ack",
            "reply": "Hello {{requester.name}}",
            "actions": [{"action": "add_tags", "params": {"tags": "acked"}}],
        },
    )
    assert created.status_code == 201, created.text
    macro = created.json()
    ticket = await factory.ticket()
    client = await api(macro_agent)
    assert [m["name"] for m in (await client.get("/api/v1/automation/macros")).json()] == ["Ack"]
    applied = await client.post(
        f"/api/v1/automation/macros/{macro['id']}/apply", json={"tickets": [ticket.number, 999999]}
    )
    assert applied.status_code == 200
    results = applied.json()["results"]
    assert results[str(ticket.number)] == "tagged acked; replied"
    assert results["999999"].startswith("error")
    assert (
        await client.post("/api/v1/automation/macros", json={"name": "x", "reply": "y"})
    ).status_code == 403


@pytest.mark.parametrize("role", ["manager", "agent", "customer"])
async def test_only_automation_managers_change_rules_and_macros(api, factory, admin, role):
    rule = (await (await api(admin)).post("/api/v1/automation/rules", json=RULE)).json()
    client = await api(await factory.user(role))
    assert (await client.get("/api/v1/automation/rules")).status_code == 403
    assert (await client.get(f"/api/v1/automation/rules/{rule['id']}")).status_code == 403
    assert (
        await client.post("/api/v1/automation/rules", json={**RULE, "name": "x"})
    ).status_code == 403
    assert (await client.delete(f"/api/v1/automation/rules/{rule['id']}")).status_code == 403
    assert (
        await client.post("/api/v1/automation/macros", json={"name": "m", "reply": "r"})
    ).status_code == 403
    # Agents and managers apply macros, so they may list them; customers may not.
    listed = await client.get("/api/v1/automation/macros")
    assert listed.status_code == (403 if role == "customer" else 200)


async def test_the_api_needs_a_token(client):
    assert (await client.get("/api/v1/automation/rules")).status_code == 401


async def test_the_openapi_schema_documents_the_automation_api(client):
    schema = (await client.get("/schema/openapi.json")).json()
    paths = schema["paths"]
    assert "/api/v1/automation/rules" in paths
    assert "/api/v1/automation/macros/{macro_id}/apply" in paths
    assert paths["/api/v1/automation/rules"]["post"]["tags"] == ["automation"]
