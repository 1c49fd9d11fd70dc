"""The delivery log as admins read it: lists, one delivery's attempts, redeliver, test ping."""

from __future__ import annotations

from typing import Any

from helpline.errors import Invalid, NotFound
from helpline.model import Actor
from helpline.runtime import Helpline
from helpline.services import audit
from helpline_automation.webhooks import queue, store
from helpline_automation.webhooks.specs import PING, Attempt, Delivery, DeliveryDetail
from helpline_automation.webhooks.tables import WebhookAttempt, WebhookDelivery

PER_PAGE = 25


def _delivery(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": row["id"],
        "subscription_id": row["subscription"],
        "uid": row["uid"],
        "event": row["event"],
        "ticket_number": row["ticket_number"],
        "status": row["status"],
        "attempts": row["attempts"],
        "next_attempt_at": row["next_attempt_at"],
        "last_status_code": row["last_status_code"],
        "last_error": row["last_error"],
        "created_at": row["created_at"],
        "finished_at": row["finished_at"],
    }


async def list_deliveries(
    helpline: Helpline,
    actor: Actor,
    subscription_id: int,
    status: str | None = None,
    page: int = 1,
    per_page: int = PER_PAGE,
) -> tuple[list[Delivery], int]:
    """One page of a subscription's deliveries, newest first, and how many there are."""
    store.require_manager(actor)
    await store.row(subscription_id)
    where = WebhookDelivery.subscription == subscription_id
    if status:
        where = where & (WebhookDelivery.status == status)
    rows = (
        await WebhookDelivery.select(
            *[c for c in WebhookDelivery._meta.columns if c._meta.name != "body"]
        )
        .where(where)
        .order_by(WebhookDelivery.id, ascending=False)
        .limit(per_page)
        .offset((max(1, page) - 1) * per_page)
    )
    total = await WebhookDelivery.count().where(where)
    return [Delivery(**_delivery(r)) for r in rows], total


async def get_delivery(helpline: Helpline, actor: Actor, delivery_id: int) -> DeliveryDetail:
    store.require_manager(actor)
    row = await WebhookDelivery.select().where(WebhookDelivery.id == delivery_id).first()
    if row is None:
        raise NotFound(f"no delivery #{delivery_id}")
    attempts = (
        await WebhookAttempt.select()
        .where(WebhookAttempt.delivery == delivery_id)
        .order_by(WebhookAttempt.number)
    )
    log = [
        Attempt(
            number=a["number"],
            at=a["at"],
            status_code=a["status_code"],
            duration_ms=a["duration_ms"],
            response_excerpt=a["response_excerpt"],
            error=a["error"],
        )
        for a in attempts
    ]
    return DeliveryDetail(**_delivery(row), body=row["body"], attempt_log=log)


async def redeliver(helpline: Helpline, actor: Actor, delivery_id: int) -> DeliveryDetail:
    """Queue a delivery again at once: same body, same delivery id, a fresh set of attempts."""
    detail = await get_delivery(helpline, actor, delivery_id)
    subscription = await store.row(detail.subscription_id)
    if not subscription["active"]:
        raise Invalid("delivery", "switch the webhook on before redelivering")
    if detail.status == "pending" and detail.attempts == 0:
        return detail  # already waiting for its first attempt
    async with helpline.transaction():
        await queue.redeliver(helpline, delivery_id)
        await audit.record(
            helpline, actor, "webhooks.redeliver", subscription["name"], {"delivery": detail.uid}
        )
    return await get_delivery(helpline, actor, delivery_id)


async def ping(helpline: Helpline, actor: Actor, subscription_id: int) -> int:
    """Queue a `ping` delivery to an active webhook, to try the receiver."""
    store.require_manager(actor)
    subscription = await store.row(subscription_id)
    if not subscription["active"]:
        raise Invalid("ping", "switch the webhook on before sending a test ping")
    return await queue.enqueue(
        helpline,
        subscription_id,
        PING,
        None,
        webhook={"id": subscription_id, "name": subscription["name"]},
        zen="Tickets are conversations, not queues.",
    )
