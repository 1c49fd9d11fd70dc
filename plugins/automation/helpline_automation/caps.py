"""Daily caps on automatic messages, per ticket and per recipient."""

from __future__ import annotations

from datetime import timedelta

from helpline.runtime import Helpline
from helpline_automation.settings import settings_of
from helpline_automation.tables import AutomationSent


async def refused(helpline: Helpline, ticket_id: int, recipient_id: int) -> str | None:
    """Why one more automatic message may not go out now, or None when it may."""
    settings = settings_of(helpline)
    since = helpline.now() - timedelta(days=1)
    recent = AutomationSent.at >= since
    if (
        await AutomationSent.count().where(recent & (AutomationSent.ticket == ticket_id))
        >= settings.messages_per_ticket_per_day
    ):
        return f"daily cap of {settings.messages_per_ticket_per_day} messages on this ticket"
    if (
        await AutomationSent.count().where(recent & (AutomationSent.recipient == recipient_id))
        >= settings.messages_per_recipient_per_day
    ):
        return f"daily cap of {settings.messages_per_recipient_per_day} messages to this person"
    return None


async def record(
    helpline: Helpline, ticket_id: int, recipient_id: int, rule_id: int | None
) -> None:
    await AutomationSent.insert(
        AutomationSent(ticket=ticket_id, recipient=recipient_id, rule=rule_id, at=helpline.now())
    )
