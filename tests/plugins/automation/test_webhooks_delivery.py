"""Deliveries to a real receiver: signatures, retries, switch-off, rollbacks, internal notes."""

from __future__ import annotations

from typing import Any

import pytest
from test_webhooks_receiver import SETTINGS, Receiver, helpline_settings_overrides, receiver

from helpline import hookimpl
from helpline.services import messages, tickets
from helpline_automation.webhooks import deliveries, signing, store
from helpline_automation.webhooks.specs import SubscriptionIn
from helpline_automation.webhooks.tables import WebhookDelivery, WebhookSubscription

__all__ = ["helpline_settings_overrides", "receiver"]


class Notifications:
    """Takes every notification in place of a channel plugin."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, str]] = []

    @hookimpl(tryfirst=True)
    def deliver_notification(self, recipient, subject):
        self.sent.append((recipient.email, subject))
        return True


@pytest.fixture
def notifications() -> Notifications:
    return Notifications()


@pytest.fixture
def helpline_plugins(notifications: Notifications) -> list[tuple[str, object]]:
    return [("test-notifications", notifications)]


async def subscribe(helpline: Any, admin: Any, url: str, **fields: Any) -> Any:
    data = {"name": "crm", "url": url, "events": ["ticket.created"], "secret": "s3cret"} | fields
    return await store.create(helpline, admin, SubscriptionIn(**data))


async def test_a_new_ticket_is_posted_signed_to_the_receiver(
    helpline, admin, customer, factory, receiver: Receiver, run_jobs
) -> None:
    await subscribe(helpline, admin, receiver.url)
    ticket = await factory.ticket(requester=customer, subject="Printer on fire")
    await run_jobs()
    (request,) = receiver.requests
    assert request.method == "POST" and request.path == "/hook"
    assert request.headers["x-helpline-event"] == "ticket.created"
    assert request.headers["content-type"] == "application/json"
    document = request.json()
    assert document["event"] == "ticket.created"
    assert document["id"] == request.headers["x-helpline-delivery"]
    assert document["ticket"]["number"] == ticket.number
    assert document["ticket"]["subject"] == "Printer on fire"
    assert document["ticket"]["requester"]["email"] == customer.email
    assert document["message"]["kind"] == "public" and document["message"]["body"]
    stamp = request.headers["x-helpline-timestamp"]
    assert signing.verify("s3cret", request.body, stamp, request.headers["x-helpline-signature"])
    assert not signing.verify("wrong", request.body, stamp, request.headers["x-helpline-signature"])
    assert not signing.verify(
        "s3cret", request.body, stamp, request.headers["x-helpline-signature"], now=int(stamp) + 900
    )


async def test_a_webhook_without_a_secret_sends_no_signature(
    helpline, admin, factory, receiver: Receiver, run_jobs
) -> None:
    await subscribe(helpline, admin, receiver.url, secret="")
    await factory.ticket()
    await run_jobs()
    assert "x-helpline-signature" not in receiver.requests[0].headers


async def test_failed_deliveries_are_retried_with_growing_pauses_then_given_up(
    helpline, admin, factory, receiver: Receiver, run_jobs, clock
) -> None:
    clock.freeze()
    sub = await subscribe(helpline, admin, receiver.url)
    for _ in range(3):
        receiver.answer(500, b"database down")
    await factory.ticket()
    await run_jobs()
    assert len(receiver.requests) == 1
    clock.advance(seconds=29)
    await run_jobs()
    assert len(receiver.requests) == 1  # first pause: 30 s
    clock.advance(seconds=2)
    await run_jobs()
    assert len(receiver.requests) == 2
    clock.advance(seconds=59)
    await run_jobs()
    assert len(receiver.requests) == 2  # second pause: 60 s
    clock.advance(seconds=2)
    await run_jobs()
    assert len(receiver.requests) == 3
    clock.advance(hours=2)
    await run_jobs()
    assert len(receiver.requests) == 3  # max_attempts = 3
    assert len({r.headers["x-helpline-delivery"] for r in receiver.requests}) == 1
    (delivery,), _ = await deliveries.list_deliveries(helpline, admin, sub.id)
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("failed", 3, 500)
    detail = await deliveries.get_delivery(helpline, admin, delivery.id)
    assert [a.status_code for a in detail.attempt_log] == [500, 500, 500]
    assert detail.attempt_log[0].response_excerpt == "database down"


async def test_a_retry_that_succeeds_marks_the_delivery_delivered(
    helpline, admin, factory, receiver: Receiver, run_jobs, clock
) -> None:
    clock.freeze()
    sub = await subscribe(helpline, admin, receiver.url)
    receiver.answer(502)
    await factory.ticket()
    await run_jobs()
    clock.advance(seconds=31)
    await run_jobs()
    (delivery,), _ = await deliveries.list_deliveries(helpline, admin, sub.id)
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("succeeded", 2, 200)
    assert (await store.get(helpline, sub.id)).consecutive_failures == 0


async def test_a_webhook_that_keeps_failing_is_switched_off_and_admins_are_told(
    helpline, admin, manager, factory, receiver: Receiver, run_jobs, clock, notifications
) -> None:
    clock.freeze()
    sub = await subscribe(helpline, admin, receiver.url)
    for _ in range(10):
        receiver.answer(500)
    await factory.ticket()
    await factory.ticket()
    await run_jobs()  # two failures
    clock.advance(seconds=31)
    await run_jobs()  # four: switched off (disable_after_failures = 4)
    assert len(receiver.requests) == SETTINGS["disable_after_failures"]
    spec = await store.get(helpline, sub.id)
    assert not spec.active and "4 times in a row" in spec.disabled_reason
    await factory.ticket()  # nothing is queued for a switched-off webhook
    clock.advance(hours=1)
    await run_jobs()
    assert len(receiver.requests) == 4
    from helpline.tables import AuditLog

    entries = await AuditLog.select(AuditLog.action, AuditLog.target).where(
        AuditLog.action == "webhooks.disabled_automatically"
    )
    assert entries == [{"action": "webhooks.disabled_automatically", "target": "crm"}]
    told = {email for email, subject in notifications.sent if "'crm' was switched off" in subject}
    assert admin.email in told and manager.email not in told  # managers lack webhooks.manage
    again = await store.set_active(helpline, admin, sub.id, True)
    assert again.active and again.consecutive_failures == 0 and not again.disabled_reason


async def test_nothing_is_sent_for_a_change_that_rolled_back(
    helpline, admin, customer, factory, receiver: Receiver, run_jobs
) -> None:
    await subscribe(helpline, admin, receiver.url, events=["ticket.created", "ticket.updated"])
    ticket = await factory.ticket(requester=customer)
    await run_jobs()
    receiver.requests.clear()
    with pytest.raises(RuntimeError):
        async with helpline.transaction():
            await tickets.update_ticket(
                helpline, admin, ticket.number, version=ticket.version, priority="high"
            )
            raise RuntimeError("something later in the change failed")
    assert await WebhookDelivery.count().where(WebhookDelivery.event == "ticket.updated") == 0
    await run_jobs()
    assert receiver.requests == []


async def test_internal_notes_reach_only_webhooks_that_asked_for_them(
    helpline, admin, agent, customer, factory, receiver: Receiver, run_jobs
) -> None:
    public_only = await subscribe(
        helpline, admin, receiver.url + "?public", events=["message.added"]
    )
    await subscribe(
        helpline,
        admin,
        receiver.url + "?all",
        name="audit",
        events=["message.added"],
        include_internal=True,
    )
    ticket = await factory.ticket(requester=customer)
    await messages.add_message(helpline, admin, ticket.number, body="Secret plan", internal=True)
    await messages.add_message(helpline, admin, ticket.number, body="We are on it")
    await run_jobs()
    seen = sorted((r.path, r.json()["message"]["kind"]) for r in receiver.requests)
    assert seen == [("/hook?all", "internal"), ("/hook?all", "public"), ("/hook?public", "public")]
    public_bodies = [r.body for r in receiver.requests if r.path == "/hook?public"]
    assert all(b"Secret plan" not in body for body in public_bodies)
    _, total = await deliveries.list_deliveries(helpline, admin, public_only.id)
    assert total == 1


async def test_only_tickets_with_a_chosen_tag_are_sent_when_tags_are_given(
    helpline, admin, factory, receiver: Receiver, run_jobs
) -> None:
    await subscribe(helpline, admin, receiver.url, tags=["vip"])
    await factory.ticket(subject="ordinary")
    await factory.ticket(subject="important", tags=["VIP"])
    await run_jobs()
    assert [r.json()["ticket"]["subject"] for r in receiver.requests] == ["important"]


async def test_redirects_are_not_followed(
    helpline, admin, factory, receiver: Receiver, run_jobs
) -> None:
    sub = await subscribe(helpline, admin, receiver.url)
    receiver.answer(302, location="http://169.254.169.254/latest/meta-data")
    await factory.ticket()
    await run_jobs()
    (delivery,), _ = await deliveries.list_deliveries(helpline, admin, sub.id)
    assert delivery.status == "pending" and delivery.last_status_code == 302
    assert "not followed" in delivery.last_error
    assert len(receiver.requests) == 1


async def test_a_huge_response_is_cut_short(
    helpline, admin, factory, receiver: Receiver, run_jobs
) -> None:
    sub = await subscribe(helpline, admin, receiver.url)
    receiver.answer(200, b"x" * 500_000)
    await factory.ticket()
    await run_jobs()
    (delivery,), _ = await deliveries.list_deliveries(helpline, admin, sub.id)
    detail = await deliveries.get_delivery(helpline, admin, delivery.id)
    assert detail.status == "succeeded"
    assert len(detail.attempt_log[0].response_excerpt) == 1000


async def test_redelivery_sends_the_same_delivery_again(
    helpline, admin, factory, receiver: Receiver, run_jobs
) -> None:
    sub = await subscribe(helpline, admin, receiver.url)
    await factory.ticket()
    await run_jobs()
    (delivery,), _ = await deliveries.list_deliveries(helpline, admin, sub.id)
    await deliveries.redeliver(helpline, admin, delivery.id)
    await run_jobs()
    first, second = receiver.requests
    assert first.body == second.body
    assert first.headers["x-helpline-delivery"] == second.headers["x-helpline-delivery"]
    detail = await deliveries.get_delivery(helpline, admin, delivery.id)
    assert [a.number for a in detail.attempt_log] == [1, 2]


async def test_deleting_a_webhook_drops_its_queued_deliveries(
    helpline, admin, factory, receiver: Receiver, run_jobs
) -> None:
    sub = await subscribe(helpline, admin, receiver.url)
    await factory.ticket()
    await store.delete(helpline, admin, sub.id)
    await run_jobs()
    assert receiver.requests == []
    assert await WebhookSubscription.count() == 0


async def test_old_finished_deliveries_are_pruned_daily_and_pending_ones_kept(
    helpline, admin, factory, receiver: Receiver, run_jobs, clock
) -> None:
    from helpline import jobs
    from helpline_automation.webhooks import prune

    clock.freeze()
    await prune.plan(helpline)  # what every process does at start: no webhook, nothing to prune
    assert await jobs.list_jobs(helpline, status="queued", kind=prune.PRUNE) == []
    sub = await subscribe(helpline, admin, receiver.url)  # the first webhook plans the prune
    await prune.plan(helpline)
    assert len(await jobs.list_jobs(helpline, status="queued", kind=prune.PRUNE)) == 1
    await factory.ticket()
    await run_jobs()
    receiver.answer(500)
    await factory.ticket()
    clock.advance(days=31)
    await run_jobs()  # the pending delivery fails once more, the daily prune runs
    items, total = await deliveries.list_deliveries(helpline, admin, sub.id)
    assert total == 1 and items[0].status == "pending"
    (queued,) = await jobs.list_jobs(helpline, status="queued", kind=prune.PRUNE)
    assert queued["run_at"] > clock()


async def test_concurrent_workers_switch_a_failing_webhook_off_once(
    helpline, admin, factory, receiver: Receiver, notifications
) -> None:
    import asyncio

    from helpline import jobs
    from helpline.tables import AuditLog

    sub = await subscribe(helpline, admin, receiver.url)
    for _ in range(12):
        receiver.answer(500)
    for _ in range(6):
        await factory.ticket()
    await asyncio.gather(*(jobs.run_pending(helpline) for _ in range(3)))
    assert not (await store.get(helpline, sub.id)).active
    assert await AuditLog.count().where(AuditLog.action == "webhooks.disabled_automatically") == 1
    told = [email for email, s in notifications.sent if "'crm' was switched off" in s]
    assert admin.email in told and len(told) == len(set(told))  # each manager told once
    _, total = await deliveries.list_deliveries(helpline, admin, sub.id, status="pending")
    assert total == 0  # the rest were cancelled or given up, none waits for a retry
