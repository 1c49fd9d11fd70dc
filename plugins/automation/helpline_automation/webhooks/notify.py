"""Tell the people who manage webhooks that one was switched off after repeated failures."""

from __future__ import annotations

import json
import logging
from typing import Any

from helpline.runtime import Helpline
from helpline.services import audit
from helpline.services.users import load_actor
from helpline.tables import Role, User

log = logging.getLogger("helpline.webhooks")


async def managers(helpline: Helpline) -> list[Any]:
    """Active staff whose role grants `webhooks.manage` (or everything)."""
    roles = await Role.select(Role.id, Role.permissions, Role.staff)
    role_ids = []
    for role in roles:
        codes = role["permissions"]
        if isinstance(codes, str):
            codes = json.loads(codes or "[]")
        if role["staff"] and ({"*", "webhooks.manage"} & set(codes or [])):
            role_ids.append(role["id"])
    if not role_ids:
        return []
    rows = await User.select(User.id).where(User.role.is_in(role_ids), User.active == True)  # noqa: E712
    return [await load_actor(helpline, r["id"]) for r in rows]


async def record_disabled(helpline: Helpline, subscription: dict[str, Any], reason: str) -> None:
    """An audit entry by the system; call it in the transaction that switches the webhook off."""
    await audit.record(
        helpline,
        None,
        "webhooks.disabled_automatically",
        subscription["name"],
        {"url": subscription["url"], "reason": reason},
    )


async def tell_managers(helpline: Helpline, subscription: dict[str, Any], reason: str) -> None:
    """A notification to each webhook manager, through whatever channel plugin delivers."""
    subject = f"Webhook {subscription['name']!r} was switched off"
    body = (
        f"The webhook {subscription['name']!r} ({subscription['url']}) failed {reason} and was "
        "switched off. Fix the receiver, then switch it on again under Admin > Webhooks; "
        "failed deliveries can be redelivered from its delivery log."
    )
    for recipient in await managers(helpline):
        try:
            await helpline.hook_first(
                "deliver_notification",
                helpline=helpline,
                recipient=recipient,
                subject=subject,
                body=body,
                ticket=None,
            )
        except Exception:  # a broken channel must not undo the switch-off
            log.exception("webhooks: notifying %s failed", recipient.email)
