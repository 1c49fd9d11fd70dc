"""The automation plugin's "Call webhook" action: queue a delivery to a named subscription."""

from __future__ import annotations

from typing import Any

from helpline.errors import Invalid
from helpline.model import Ticket
from helpline.runtime import Helpline
from helpline_automation.webhooks import payloads, queue
from helpline_automation.webhooks.specs import AUTOMATION
from helpline_automation.webhooks.tables import WebhookSubscription

NAME = "webhooks.call"


async def call_webhook(
    helpline: Helpline, ticket: Ticket, params: dict[str, str], context: Any
) -> str:
    """Queue an `automation.called` delivery; the POST happens in a job, after the commit."""
    name = (params.get("webhook") or "").strip()
    row = await WebhookSubscription.select().where(WebhookSubscription.name == name).first()
    if row is None:
        raise Invalid("webhook", f"no webhook named {name!r}")
    if not row["active"]:
        raise Invalid("webhook", f"the webhook {name!r} is switched off")
    rule = getattr(context, "rule", "")
    await queue.enqueue(
        helpline,
        row["id"],
        AUTOMATION,
        await payloads.ticket_json(helpline, ticket),
        rule={"name": rule, "event": getattr(context, "event", "")},
        note=params.get("note") or "",
    )
    return f"queued a call to webhook {name!r}"


def _preview(params: dict[str, str]) -> str:
    return f"Call webhook {params.get('webhook') or '?'}"


def actions() -> dict[str, Any]:
    # Imported here: this hook is only called when the automation plugin offers it.
    from helpline_automation.specs import ActionSpec

    return {
        NAME: ActionSpec(
            label="Call webhook",
            run=call_webhook,
            params={"webhook": "text", "note": "text"},
            preview=_preview,
        )
    }
