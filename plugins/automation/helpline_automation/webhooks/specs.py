"""Events a subscription can choose, and the shapes the API and pages exchange."""

from __future__ import annotations

from datetime import datetime

import msgspec

#: Event name → what the admin sees.
EVENTS: dict[str, str] = {
    "ticket.created": "Ticket created",
    "ticket.updated": "Ticket updated",
    "message.added": "Reply or note added (notes only if included below)",
    "ticket.merged": "Tickets merged",
    "sla.warning": "SLA warning",
    "sla.breached": "SLA breached",
    "sla.escalated": "SLA escalated",
    "survey.answered": "Survey answered",
}
#: Sent by "send test ping" and by the automation action; never chosen in a subscription.
PING = "ping"
AUTOMATION = "automation.called"

DELIVERY_STATUSES = ("pending", "succeeded", "failed", "cancelled")


class SubscriptionIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A subscription to create or replace. A `secret` of None keeps the stored one."""

    name: str
    url: str
    events: list[str]
    secret: str | None = None
    active: bool = True
    include_internal: bool = False
    tags: list[str] = []


class Subscription(msgspec.Struct, kw_only=True):
    id: int
    name: str
    url: str
    events: list[str]
    has_secret: bool
    active: bool
    include_internal: bool
    tags: list[str]
    consecutive_failures: int
    disabled_reason: str
    disabled_at: datetime | None
    created_at: datetime
    updated_at: datetime


class Attempt(msgspec.Struct, kw_only=True):
    number: int
    at: datetime
    status_code: int | None
    duration_ms: int
    response_excerpt: str
    error: str


class Delivery(msgspec.Struct, kw_only=True):
    id: int
    subscription_id: int
    uid: str
    event: str
    ticket_number: int | None
    status: str
    attempts: int
    next_attempt_at: datetime | None
    last_status_code: int | None
    last_error: str
    created_at: datetime
    finished_at: datetime | None


class DeliveryDetail(Delivery, kw_only=True):
    body: str
    attempt_log: list[Attempt] = []
