"""Subscriptions: validated create, change, delete and re-enable; each one audited."""

from __future__ import annotations

import json
from typing import Any

from helpline.errors import Forbidden, Invalid, NotFound
from helpline.model import Actor
from helpline.runtime import Helpline
from helpline.services import audit
from helpline_automation.webhooks import prune, queue, targets
from helpline_automation.webhooks.specs import EVENTS, Subscription, SubscriptionIn
from helpline_automation.webhooks.tables import WebhookSubscription as Row

MANAGE = "webhooks.manage"


def require_manager(actor: Actor) -> None:
    if not (actor.staff and actor.can(MANAGE)):
        raise Forbidden("you may not manage webhooks (webhooks.manage)")


def _list(value: Any) -> list[str]:
    if isinstance(value, str):
        value = json.loads(value or "[]")
    return list(value or [])


def to_spec(row: dict[str, Any]) -> Subscription:
    return Subscription(
        id=row["id"],
        name=row["name"],
        url=row["url"],
        events=_list(row["events"]),
        has_secret=bool(row["secret"]),
        active=row["active"],
        include_internal=row["include_internal"],
        tags=_list(row["tags"]),
        consecutive_failures=row["consecutive_failures"],
        disabled_reason=row["disabled_reason"],
        disabled_at=row["disabled_at"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
    )


async def subscriptions(helpline: Helpline) -> list[Subscription]:
    return [to_spec(r) for r in await Row.select().order_by(Row.name)]


async def row(subscription_id: int) -> dict[str, Any]:
    found = await Row.select().where(Row.id == subscription_id).first()
    if found is None:
        raise NotFound(f"no webhook #{subscription_id}")
    return found


async def get(helpline: Helpline, subscription_id: int) -> Subscription:
    return to_spec(await row(subscription_id))


def clean(helpline: Helpline, data: SubscriptionIn) -> dict[str, Any]:
    """Column values from the input, or Invalid naming the first bad field."""
    name = (data.name or "").strip()
    if not name:
        raise Invalid("name", "enter a name")
    if len(name) > 100:
        raise Invalid("name", "keep the name under 100 characters")
    url = targets.check_url(data.url)
    settings = helpline.plugin_settings["webhooks"]
    targets.check_literal(url, settings.allow_private_targets)
    events = list(dict.fromkeys(e.strip() for e in data.events if e.strip()))
    if not events:
        raise Invalid("events", "choose at least one event")
    unknown = [e for e in events if e not in EVENTS]
    if unknown:
        raise Invalid("events", f"unknown event {unknown[0]!r}")
    if data.secret is not None and len(data.secret) > 200:
        raise Invalid("secret", "keep the secret under 200 characters")
    tags = sorted({t.strip().lower() for t in data.tags if t.strip()})
    values = {
        "name": name,
        "url": url,
        "events": json.dumps(events),
        "active": data.active,
        "include_internal": data.include_internal,
        "tags": json.dumps(tags),
    }
    if data.secret is not None:
        values["secret"] = data.secret.strip()
    return values


async def _name_taken(name: str, other_than: int | None) -> bool:
    query = Row.exists().where(Row.name == name)
    if other_than is not None:
        query = query.where(Row.id != other_than)
    return await query


async def create(helpline: Helpline, actor: Actor, data: SubscriptionIn) -> Subscription:
    require_manager(actor)
    values = clean(helpline, data)
    async with helpline.transaction():
        if await _name_taken(values["name"], None):
            raise Invalid("name", f"a webhook named {values['name']!r} already exists")
        now = helpline.now()
        rows = await Row.insert(
            Row(**values, created_at=now, updated_at=now)  # type: ignore[arg-type]
        ).returning(Row.id)
        await audit.record(helpline, actor, "webhooks.create", values["name"], {"url": data.url})
        await prune.plan(helpline)  # the first webhook starts the daily clean-up of its log
    return await get(helpline, rows[0]["id"])


async def update(
    helpline: Helpline, actor: Actor, subscription_id: int, data: SubscriptionIn
) -> Subscription:
    require_manager(actor)
    values = clean(helpline, data)
    async with helpline.transaction():
        old = await row(subscription_id)
        if await _name_taken(values["name"], subscription_id):
            raise Invalid("name", f"a webhook named {values['name']!r} already exists")
        values["updated_at"] = helpline.now()
        if values["active"] and not old["active"]:
            values |= {"consecutive_failures": 0, "disabled_reason": "", "disabled_at": None}
        await Row.update({getattr(Row, k): v for k, v in values.items()}).where(
            Row.id == subscription_id
        )
        if old["active"] and not values["active"]:
            await queue.cancel_pending(helpline, subscription_id)
        await audit.record(helpline, actor, "webhooks.update", values["name"], {"url": data.url})
    return await get(helpline, subscription_id)


async def delete(helpline: Helpline, actor: Actor, subscription_id: int) -> None:
    require_manager(actor)
    async with helpline.transaction():
        old = await row(subscription_id)
        await Row.delete().where(Row.id == subscription_id)
        await audit.record(helpline, actor, "webhooks.delete", old["name"])


async def set_active(
    helpline: Helpline, actor: Actor, subscription_id: int, active: bool
) -> Subscription:
    """Switch on (clearing the failure count) or off by hand."""
    require_manager(actor)
    async with helpline.transaction():
        old = await row(subscription_id)
        values: dict[Any, Any] = {Row.active: active, Row.updated_at: helpline.now()}
        if active:
            values |= {Row.consecutive_failures: 0, Row.disabled_reason: "", Row.disabled_at: None}
        await Row.update(values).where(Row.id == subscription_id)
        if not active:
            await queue.cancel_pending(helpline, subscription_id)
        action = "webhooks.enable" if active else "webhooks.disable"
        await audit.record(helpline, actor, action, old["name"])
    return await get(helpline, subscription_id)


async def matching(helpline: Helpline, event: str) -> list[dict[str, Any]]:
    """Active subscriptions to `event` (raw rows: the secret is needed to sign)."""
    rows = await Row.select().where(Row.active == True)  # noqa: E712
    return [r for r in rows if event in _list(r["events"])]


def wants_tags(subscription: dict[str, Any], ticket_tags: list[str]) -> bool:
    wanted = _list(subscription["tags"])
    return not wanted or bool(set(wanted) & {t.lower() for t in ticket_tags})
