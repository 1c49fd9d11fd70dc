"""`/api/v1/webhooks/…`: subscriptions, their deliveries, redelivery and test pings."""

from __future__ import annotations

from typing import Annotated

import msgspec
from litestar import delete, get, post, put
from litestar.params import FromPath, JSONBody, QueryParameter

from helpline_automation.webhooks import deliveries, store
from helpline_automation.webhooks.specs import (
    Delivery,
    DeliveryDetail,
    Subscription,
    SubscriptionIn,
)
from helpline_web.api.auth import ActorDep, HelplineDep

TAGS = ["webhooks"]


class DeliveryPage(msgspec.Struct):
    items: list[Delivery]
    total: int
    page: int
    per_page: int


class Queued(msgspec.Struct):
    delivery_id: int


@get("/subscriptions", tags=TAGS)
async def list_subscriptions(helpline: HelplineDep, actor: ActorDep) -> list[Subscription]:
    """Every webhook subscription (secrets are never returned, only whether one is set)."""
    store.require_manager(actor)
    return await store.subscriptions(helpline)


@post("/subscriptions", tags=TAGS, status_code=201)
async def create_subscription(
    helpline: HelplineDep, actor: ActorDep, data: JSONBody[SubscriptionIn]
) -> Subscription:
    """Create a webhook; 422 naming the field when the URL, events or name are wrong."""
    return await store.create(helpline, actor, data)


@get("/subscriptions/{subscription_id:int}", tags=TAGS)
async def get_subscription(
    helpline: HelplineDep, actor: ActorDep, subscription_id: FromPath[int]
) -> Subscription:
    store.require_manager(actor)
    return await store.get(helpline, subscription_id)


@put("/subscriptions/{subscription_id:int}", tags=TAGS)
async def replace_subscription(
    helpline: HelplineDep,
    actor: ActorDep,
    subscription_id: FromPath[int],
    data: JSONBody[SubscriptionIn],
) -> Subscription:
    """Replace a webhook; `secret: null` (or absent) keeps the stored secret, "" removes it."""
    return await store.update(helpline, actor, subscription_id, data)


@delete("/subscriptions/{subscription_id:int}", tags=TAGS, status_code=204)
async def delete_subscription(
    helpline: HelplineDep, actor: ActorDep, subscription_id: FromPath[int]
) -> None:
    """Delete a webhook and its delivery log."""
    await store.delete(helpline, actor, subscription_id)


@post("/subscriptions/{subscription_id:int}/enable", tags=TAGS, status_code=200)
async def enable_subscription(
    helpline: HelplineDep, actor: ActorDep, subscription_id: FromPath[int]
) -> Subscription:
    """Switch a webhook on again (its failure count starts over)."""
    return await store.set_active(helpline, actor, subscription_id, True)


@post("/subscriptions/{subscription_id:int}/ping", tags=TAGS, status_code=202)
async def ping_subscription(
    helpline: HelplineDep, actor: ActorDep, subscription_id: FromPath[int]
) -> Queued:
    """Queue a `ping` delivery to try the receiver."""
    return Queued(delivery_id=await deliveries.ping(helpline, actor, subscription_id))


@get("/subscriptions/{subscription_id:int}/deliveries", tags=TAGS)
async def list_deliveries(
    helpline: HelplineDep,
    actor: ActorDep,
    subscription_id: FromPath[int],
    status: Annotated[str | None, QueryParameter(description="pending, succeeded, …")] = None,
    page: Annotated[int, QueryParameter(ge=1)] = 1,
    per_page: Annotated[int, QueryParameter(ge=1, le=100)] = 25,
) -> DeliveryPage:
    """A webhook's deliveries, newest first."""
    items, total = await deliveries.list_deliveries(
        helpline, actor, subscription_id, status=status, page=page, per_page=per_page
    )
    return DeliveryPage(items=items, total=total, page=page, per_page=per_page)


@get("/deliveries/{delivery_id:int}", tags=TAGS)
async def get_delivery(
    helpline: HelplineDep, actor: ActorDep, delivery_id: FromPath[int]
) -> DeliveryDetail:
    """One delivery with its body and every attempt (status code, duration, response excerpt)."""
    return await deliveries.get_delivery(helpline, actor, delivery_id)


@post("/deliveries/{delivery_id:int}/redeliver", tags=TAGS, status_code=202)
async def redeliver(
    helpline: HelplineDep, actor: ActorDep, delivery_id: FromPath[int]
) -> DeliveryDetail:
    """Send a delivery again: same body and delivery id, a fresh set of attempts."""
    return await deliveries.redeliver(helpline, actor, delivery_id)


ROUTES = [
    list_subscriptions,
    create_subscription,
    get_subscription,
    replace_subscription,
    delete_subscription,
    enable_subscription,
    ping_subscription,
    list_deliveries,
    get_delivery,
    redeliver,
]
