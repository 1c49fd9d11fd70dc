"""Every event a webhook can choose, the automation action, and targets refused at delivery."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from test_webhooks_receiver import Receiver, helpline_settings_overrides, receiver

from helpline.services import tickets
from helpline_automation.webhooks import deliveries, events, store
from helpline_automation.webhooks.specs import EVENTS, SubscriptionIn

__all__ = ["helpline_settings_overrides", "receiver"]
DUE = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


async def subscribe_all(helpline: Any, admin: Any, url: str) -> Any:
    return await store.create(
        helpline, admin, SubscriptionIn(name="all", url=url, events=list(EVENTS))
    )


async def test_sla_and_survey_events_are_sent_with_their_details(
    helpline, admin, customer, factory, receiver: Receiver, run_jobs
) -> None:
    await subscribe_all(helpline, admin, receiver.url)
    ticket = await factory.ticket(requester=customer)
    async with helpline.transaction():
        await events.sla_warning(helpline, ticket, "first_response", DUE)
        await events.sla_breached(helpline, ticket, "first_response", DUE)
        await events.sla_escalated(helpline, ticket, "resolution", 2, [{"notify": "managers"}])
        await events.survey_answered(helpline, ticket, customer, "csat", 5, "Great", {"q": 1})
    await run_jobs()
    sent = {r.headers["x-helpline-event"]: r.json() for r in receiver.requests}
    assert set(sent) == {
        "ticket.created",
        "sla.warning",
        "sla.breached",
        "sla.escalated",
        "survey.answered",
    }
    assert sent["sla.breached"]["sla"] == {
        "target": "first_response",
        "due_at": "2026-11-23T09:00:00Z",
    }
    assert sent["sla.escalated"]["sla"]["level"] == 2
    survey = sent["survey.answered"]["survey"]
    assert (survey["kind"], survey["score"], survey["customer"]["email"]) == (
        "csat",
        5,
        customer.email,
    )
    assert {d["ticket"]["number"] for d in sent.values()} == {ticket.number}


async def test_updates_carry_old_and_new_values_and_merges_both_tickets(
    helpline, admin, customer, factory, receiver: Receiver, run_jobs
) -> None:
    await subscribe_all(helpline, admin, receiver.url)
    first = await factory.ticket(requester=customer)
    second = await factory.ticket(requester=customer)
    await tickets.update_ticket(
        helpline, admin, first.number, version=first.version, priority="high"
    )
    await tickets.merge_tickets(helpline, admin, first.number, second.number)
    await run_jobs()
    updated = [r.json() for r in receiver.requests if r.json()["event"] == "ticket.updated"]
    assert {"old": "normal", "new": "high"} in [u["changes"].get("priority") for u in updated]
    (merged,) = [r.json() for r in receiver.requests if r.json()["event"] == "ticket.merged"]
    assert (merged["source"]["number"], merged["ticket"]["number"]) == (
        first.number,
        second.number,
    )


async def test_a_name_resolving_to_a_private_address_is_refused_when_sending(
    helpline, admin, factory, receiver: Receiver, run_jobs
) -> None:
    url = f"http://localhost:{receiver.port}/hook"
    sub = await store.create(
        helpline, admin, SubscriptionIn(name="lo", url=url, events=["ticket.created"])
    )
    helpline.plugin_settings["webhooks"].allow_private_targets = False
    await factory.ticket()
    await run_jobs()
    assert receiver.requests == []
    (delivery,), _ = await deliveries.list_deliveries(helpline, admin, sub.id)
    assert (
        delivery.last_error.startswith("refused:") and "private or loopback" in delivery.last_error
    )


async def test_the_call_webhook_action_queues_a_delivery_for_the_rule(
    helpline, admin, factory, receiver: Receiver, run_jobs
) -> None:
    await store.create(
        helpline, admin, SubscriptionIn(name="pager", url=receiver.url, events=["ticket.created"])
    )
    offered = {
        name: spec
        for found in await helpline.hook("automation_actions", helpline=helpline)
        for name, spec in (found or {}).items()
    }
    action = offered["webhooks.call"]
    assert action.label == "Call webhook" and "webhook" in action.params
    ticket = await factory.ticket(tags=["vip"])
    await run_jobs()
    receiver.requests.clear()
    from helpline_automation.specs import RunContext

    context = RunContext(rule="VIP alarm", via="automation: VIP alarm", event="ticket_updated")
    async with helpline.transaction():
        said = await action.run(helpline, ticket, {"webhook": "pager", "note": "wake up"}, context)
    assert "pager" in said
    await run_jobs()
    (request,) = receiver.requests
    document = request.json()
    assert request.headers["x-helpline-event"] == "automation.called"
    assert document["rule"]["name"] == "VIP alarm" and document["note"] == "wake up"
    assert document["ticket"]["number"] == ticket.number


async def test_an_automation_rule_calls_a_webhook_when_a_ticket_arrives(
    helpline, admin, factory, receiver: Receiver, run_jobs
) -> None:
    from helpline_automation import store as rules

    await store.create(
        helpline, admin, SubscriptionIn(name="pager", url=receiver.url, events=["ticket.updated"])
    )
    await rules.save_rule(
        helpline,
        admin,
        {
            "name": "Page on new tickets",
            "kind": "trigger",
            "events": ["ticket_created"],
            "conditions": [],
            "actions": [{"action": "webhooks.call", "params": {"webhook": "pager"}}],
        },
    )
    ticket = await factory.ticket()
    await run_jobs()
    (request,) = receiver.requests
    assert request.headers["x-helpline-event"] == "automation.called"
    assert request.json()["rule"]["name"] == "Page on new tickets"
    assert request.json()["ticket"]["number"] == ticket.number


async def test_a_host_name_is_sent_as_the_host_header_to_its_checked_address(
    helpline, admin, factory, receiver: Receiver, run_jobs
) -> None:
    url = f"http://localhost:{receiver.port}/hook"
    await store.create(
        helpline, admin, SubscriptionIn(name="lo", url=url, events=["ticket.created"])
    )
    await factory.ticket()
    await run_jobs()
    (request,) = receiver.requests
    assert request.headers["host"] == f"localhost:{receiver.port}"
    assert request.headers["accept-encoding"] == "identity"
