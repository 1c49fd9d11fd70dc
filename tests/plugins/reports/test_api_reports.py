"""The reports REST API: JSON figures, permissions, errors naming the field, the schema."""

from __future__ import annotations

from datetime import UTC, datetime

RANGE = "start=2025-01-06&end=2025-01-07"


async def _three_tickets(factory, clock):
    clock.freeze(datetime(2025, 1, 6, 9, tzinfo=UTC))
    for _ in range(3):
        await factory.ticket()


async def test_a_manager_reads_a_report_as_json(api, factory, clock, manager):
    await _three_tickets(factory, clock)
    client = await api(manager)
    response = await client.get(f"/api/v1/reports/volume?{RANGE}")
    assert response.status_code == 200
    body = response.json()
    assert body["totals"]["created"] == 3
    assert body["previous"]["created"] == 0
    assert body["columns"] == ["day", "created", "solved", "reopened"]
    assert body["rows"][0] == ["2025-01-06", 3, 0, 0]
    listed = await client.get("/api/v1/reports/")
    assert "first_response" in [r["name"] for r in listed.json()]


async def test_customers_and_agents_without_the_permission_are_refused(
    api, factory, clock, customer, agent
):
    await _three_tickets(factory, clock)
    for actor in (customer, agent):
        client = await api(actor)
        assert (await client.get(f"/api/v1/reports/volume?{RANGE}")).status_code == 403
        assert (await client.get(f"/api/v1/reports/tickets.csv?{RANGE}")).status_code == 403


async def test_bad_input_names_the_field(api, manager):
    client = await api(manager)
    response = await client.get("/api/v1/reports/volume?start=yesterday")
    assert response.status_code == 422
    assert response.json()["field"] == "start"
    response = await client.get("/api/v1/reports/volume?format=pdf")
    assert response.json()["field"] == "format"
    response = await client.get("/api/v1/reports/volume?group_by=moon")
    assert response.json()["field"] == "group_by"
    assert (await client.get("/api/v1/reports/nope")).status_code == 404


async def test_the_reports_api_is_in_the_openapi_schema(client):
    paths = (await client.get("/schema/openapi.json")).json()["paths"]
    assert "/api/v1/reports/{name}" in paths
    assert "/api/v1/reports/tickets.csv" in paths
    assert "/api/v1/reports/tickets.xlsx" in paths
    # The filters are documented as query parameters of every route that takes them.
    for path in ("/api/v1/reports/{name}", "/api/v1/reports/tickets.csv"):
        names = {p["name"] for p in paths[path]["get"]["parameters"] if p["in"] == "query"}
        assert {"start", "end", "team_id", "tag", "group_by"} <= names, path
