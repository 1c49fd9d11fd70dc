"""Queue deliveries: a row in the delivery log plus a job, in the caller's transaction."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import msgspec

from helpline import jobs
from helpline.runtime import Helpline
from helpline_automation.webhooks import payloads
from helpline_automation.webhooks.tables import WebhookDelivery

DELIVER = "webhooks.deliver"


def job_key(delivery_id: int) -> str:
    return f"webhooks:delivery:{delivery_id}"


def encode(document: dict[str, Any]) -> str:
    # Values of `changes` may be anything a service stores; whatever JSON lacks goes as text.
    return msgspec.json.encode(document, enc_hook=str).decode()


async def schedule(helpline: Helpline, delivery_id: int, run_at: datetime | None = None) -> None:
    run_at = run_at or helpline.now()
    await WebhookDelivery.update({WebhookDelivery.next_attempt_at: run_at}).where(
        WebhookDelivery.id == delivery_id
    )
    await jobs.enqueue(
        helpline, DELIVER, {"delivery": delivery_id}, run_at=run_at, key=job_key(delivery_id)
    )


async def enqueue(
    helpline: Helpline,
    subscription_id: int,
    event: str,
    ticket: dict[str, Any] | None,
    **extra: Any,
) -> int:
    """Log one delivery of `event` to a subscription and queue its first attempt."""
    uid = payloads.new_uid()
    now = helpline.now()
    document = {"id": uid, "event": event, "occurred_at": now, "ticket": ticket, **extra}
    async with helpline.transaction():
        rows = await WebhookDelivery.insert(
            WebhookDelivery(
                subscription=subscription_id,
                uid=uid,
                event=event,
                ticket_number=ticket["number"] if ticket else None,
                body=encode(document),
                status="pending",
                next_attempt_at=now,
                created_at=now,
            )
        ).returning(WebhookDelivery.id)
        delivery_id = rows[0]["id"]
        await jobs.enqueue(
            helpline, DELIVER, {"delivery": delivery_id}, run_at=now, key=job_key(delivery_id)
        )
    return delivery_id


async def redeliver(helpline: Helpline, delivery_id: int) -> None:
    """Send a delivery again (same body and `X-Helpline-Delivery` id) with a fresh set of tries."""
    async with helpline.transaction():
        await WebhookDelivery.update(
            {
                WebhookDelivery.status: "pending",
                WebhookDelivery.attempts: 0,
                WebhookDelivery.finished_at: None,
            }
        ).where(WebhookDelivery.id == delivery_id)
        await schedule(helpline, delivery_id)


async def cancel_pending(helpline: Helpline, subscription_id: int) -> int:
    """A switched-off webhook's waiting deliveries become `cancelled`; their jobs are dropped."""
    rows = await WebhookDelivery.raw(
        "UPDATE webhooks_delivery SET status = 'cancelled', next_attempt_at = NULL, "
        "last_error = {}, finished_at = {} WHERE subscription = {} AND status = 'pending' "
        "RETURNING id",
        "the webhook was switched off",
        helpline.now(),
        subscription_id,
    )
    await jobs.cancel_many(helpline, [job_key(r["id"]) for r in rows])
    return len(rows)
