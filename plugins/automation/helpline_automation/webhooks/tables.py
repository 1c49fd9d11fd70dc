"""Tables of the webhooks plugin: subscriptions, deliveries and each delivery's attempts."""

from __future__ import annotations

from piccolo.columns import (
    JSON,
    Boolean,
    ForeignKey,
    Integer,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.columns.base import OnDelete
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table


class WebhookSubscription(Table, tablename="webhooks_subscription"):
    name = Varchar(100, unique=True)
    url = Varchar(2000)
    #: Event names, e.g. ["ticket.created", "message.added"].
    events = JSON(default="[]")
    secret = Varchar(200, default="")
    active = Boolean(default=True)
    #: Internal notes are sent only to subscriptions that ask for them.
    include_internal = Boolean(default=False)
    #: Only tickets carrying one of these tags (empty: every ticket).
    tags = JSON(default="[]")
    consecutive_failures = Integer(default=0)
    disabled_reason = Text(default="")
    disabled_at = Timestamptz(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())


class WebhookDelivery(Table, tablename="webhooks_delivery"):
    subscription = ForeignKey(WebhookSubscription, on_delete=OnDelete.cascade, index=True)
    #: Sent as `X-Helpline-Delivery`; the same on every attempt and redelivery.
    uid = Varchar(64, unique=True)
    event = Varchar(64)
    ticket_number = Integer(null=True, default=None)
    #: The JSON body, fixed when the event happened.
    body = Text()
    #: pending, succeeded, failed (given up) or cancelled (subscription off or gone).
    status = Varchar(16, default="pending", index=True)
    attempts = Integer(default=0)
    next_attempt_at = Timestamptz(null=True, default=None)
    last_status_code = Integer(null=True, default=None)
    last_error = Text(default="")
    created_at = Timestamptz(default=TimestamptzNow(), index=True)
    finished_at = Timestamptz(null=True, default=None)


class WebhookAttempt(Table, tablename="webhooks_attempt"):
    delivery = ForeignKey(WebhookDelivery, on_delete=OnDelete.cascade, index=True)
    number = Integer()
    at = Timestamptz(default=TimestamptzNow())
    status_code = Integer(null=True, default=None)
    duration_ms = Integer(default=0)
    response_excerpt = Text(default="")
    error = Text(default="")


WEBHOOK_TABLES: list[type[Table]] = [WebhookSubscription, WebhookDelivery, WebhookAttempt]
