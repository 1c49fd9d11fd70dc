"""The REST API for webhooks: permissions for every role, validation, log, redelivery, schema."""

from __future__ import annotations

from typing import Any

import pytest
from test_webhooks_receiver import SETTINGS, Receiver, receiver

__all__ = ["receiver"]
BASE = "/api/v1/webhooks"


@pytest.fixture
def helpline_settings_overrides() -> dict[str, Any]:
    return {"plugin": {"webhooks": dict(SETTINGS)}, "plugins": ["webhooks"]}


def body(url: str, **fields: Any) -> dict[str, Any]:
    return {"name": "crm", "url": url, "events": ["ticket.created"], "secret": "s3cret"} | fields


@pytest.mark.parametrize("role", ["manager", "agent", "customer"])
async def test_only_webhook_managers_use_the_webhook_api(
    api, factory, admin, receiver: Receiver, role: str
) -> None:
    created = await (await api(admin)).post(f"{BASE}/subscriptions", json=body(receiver.url))
    sub_id = created.json()["id"]
    other = await api(await factory.user(role))
    assert (await other.get(f"{BASE}/subscriptions")).status_code == 403
    assert (await other.get(f"{BASE}/subscriptions/{sub_id}")).status_code == 403
    assert (await other.get(f"{BASE}/subscriptions/{sub_id}/deliveries")).status_code == 403
    assert (await other.post(f"{BASE}/subscriptions/{sub_id}/ping")).status_code == 403
    response = await other.post(f"{BASE}/subscriptions", json=body(receiver.url, name="x"))
    assert response.status_code == 403
    assert (await other.delete(f"{BASE}/subscriptions/{sub_id}")).status_code == 403


async def test_the_api_needs_a_token(client) -> None:
    assert (await client.get(f"{BASE}/subscriptions")).status_code == 401


async def test_an_admin_manages_webhooks_and_reads_the_log_over_the_api(
    api, admin, factory, receiver: Receiver, run_jobs
) -> None:
    http = await api(admin)
    created = await http.post(f"{BASE}/subscriptions", json=body(receiver.url))
    assert created.status_code == 201, created.text
    sub = created.json()
    assert sub["has_secret"] is True and "secret" not in sub
    replaced = await http.request(
        "PUT",
        f"{BASE}/subscriptions/{sub['id']}",
        json=body(receiver.url, events=["ticket.created", "ticket.updated"], secret=None),
    )
    assert replaced.status_code == 200 and replaced.json()["has_secret"] is True
    assert (await http.post(f"{BASE}/subscriptions/{sub['id']}/ping")).status_code == 202
    await factory.ticket()
    await run_jobs()
    assert sorted(receiver.events()) == ["ping", "ticket.created"]
    page = (await http.get(f"{BASE}/subscriptions/{sub['id']}/deliveries")).json()
    assert page["total"] == 2 and {d["status"] for d in page["items"]} == {"succeeded"}
    delivery_id = page["items"][0]["id"]
    detail = (await http.get(f"{BASE}/deliveries/{delivery_id}")).json()
    assert detail["attempt_log"][0]["status_code"] == 200
    assert (await http.post(f"{BASE}/deliveries/{delivery_id}/redeliver")).status_code == 202
    await run_jobs()
    assert len(receiver.requests) == 3
    assert (await http.delete(f"{BASE}/subscriptions/{sub['id']}")).status_code == 204
    assert (await http.get(f"{BASE}/subscriptions")).json() == []


async def test_bad_input_names_the_field(api, admin) -> None:
    http = await api(admin)
    response = await http.post(
        f"{BASE}/subscriptions", json=body("https://example.com", events=["ticket.exploded"])
    )
    assert response.status_code in (400, 422) and "events" in response.text
    response = await http.post(f"{BASE}/subscriptions", json=body("javascript:alert(1)"))
    assert response.status_code in (400, 422) and "url" in response.text


async def test_the_openapi_schema_lists_the_webhook_api(client) -> None:
    schema = (await client.get("/schema/openapi.json")).json()
    paths = schema["paths"]
    assert f"{BASE}/subscriptions" in paths
    assert f"{BASE}/deliveries/{{delivery_id}}/redeliver" in paths
    assert "SubscriptionIn" in str(schema["components"]["schemas"])


def test_an_operator_prunes_the_delivery_log_from_the_command_line(tmp_path) -> None:
    from click.testing import CliRunner

    from helpline.cli import cli

    runner = CliRunner()
    admin = ["--admin-email", "a@example.com", "--admin-password", "correct-horse-battery"]
    init = runner.invoke(cli, ["--data-dir", str(tmp_path), "init", *admin])
    assert init.exit_code == 0, init.output
    result = runner.invoke(cli, ["--data-dir", str(tmp_path), "webhooks", "prune", "--days", "7"])
    assert result.exit_code == 0, result.output
    assert "deleted 0 deliveries" in result.output
