"""Core event hooks: one queued delivery per active subscription to the event."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from helpline import hookimpl
from helpline.model import Actor, Message, Ticket
from helpline.runtime import Helpline
from helpline_automation.webhooks import payloads, queue, store


async def _subscribers(
    helpline: Helpline, event: str, ticket: Ticket | None, internal: bool = False
) -> list[dict[str, Any]]:
    subscriptions = await store.matching(helpline, event)
    if ticket is not None:
        subscriptions = [s for s in subscriptions if store.wants_tags(s, ticket.tags)]
    if internal:
        # An internal note goes only where an admin asked for internal notes.
        subscriptions = [s for s in subscriptions if s["include_internal"]]
    return subscriptions


async def _fan_out(
    helpline: Helpline,
    event: str,
    ticket: Ticket | None,
    *,
    internal: bool = False,
    **extra: Any,
) -> int:
    """Queue `event` for every subscription that wants it; returns how many were queued."""
    subscriptions = await _subscribers(helpline, event, ticket, internal)
    if not subscriptions:
        return 0
    ticket_json = await payloads.ticket_json(helpline, ticket) if ticket is not None else None
    for subscription in subscriptions:
        await queue.enqueue(helpline, subscription["id"], event, ticket_json, **extra)
    return len(subscriptions)


@hookimpl
async def ticket_created(helpline: Helpline, ticket: Ticket, actor: Actor | None) -> None:
    if not await _subscribers(helpline, "ticket.created", ticket):
        return  # spare the message query on every new ticket when nobody listens
    await _fan_out(
        helpline,
        "ticket.created",
        ticket,
        actor=payloads.actor_json(actor),
        message=await payloads.first_message_json(ticket),
    )


@hookimpl
async def ticket_updated(
    helpline: Helpline, ticket: Ticket, actor: Actor | None, changes: dict[str, tuple[Any, Any]]
) -> None:
    changed = {field: {"old": old, "new": new} for field, (old, new) in changes.items()}
    await _fan_out(
        helpline, "ticket.updated", ticket, actor=payloads.actor_json(actor), changes=changed
    )


@hookimpl
async def message_added(
    helpline: Helpline, ticket: Ticket, message: Message, actor: Actor | None
) -> None:
    if message.kind not in ("public", "internal"):
        return
    await _fan_out(
        helpline,
        "message.added",
        ticket,
        internal=message.kind == "internal",
        actor=payloads.actor_json(actor),
        message=payloads.message_json(message),
    )


@hookimpl
async def ticket_merged(
    helpline: Helpline, source: Ticket, target: Ticket, actor: Actor | None
) -> None:
    source_json = await payloads.ticket_json(helpline, source)
    subscriptions = [
        s
        for s in await store.matching(helpline, "ticket.merged")
        if store.wants_tags(s, [*source.tags, *target.tags])
    ]
    if not subscriptions:
        return
    target_json = await payloads.ticket_json(helpline, target)
    for s in subscriptions:
        await queue.enqueue(
            helpline,
            s["id"],
            "ticket.merged",
            target_json,
            source=source_json,
            actor=payloads.actor_json(actor),
        )


@hookimpl
async def sla_warning(helpline: Helpline, ticket: Ticket, target: str, due_at: datetime) -> None:
    await _fan_out(helpline, "sla.warning", ticket, sla={"target": target, "due_at": due_at})


@hookimpl
async def sla_breached(helpline: Helpline, ticket: Ticket, target: str, due_at: datetime) -> None:
    await _fan_out(helpline, "sla.breached", ticket, sla={"target": target, "due_at": due_at})


@hookimpl
async def sla_escalated(
    helpline: Helpline, ticket: Ticket, target: str, level: int, actions: list[dict[str, Any]]
) -> None:
    await _fan_out(
        helpline,
        "sla.escalated",
        ticket,
        sla={"target": target, "level": level, "actions": actions},
    )


@hookimpl
async def survey_answered(
    helpline: Helpline,
    ticket: Ticket | None,
    customer: Actor,
    kind: str,
    score: int | None,
    comment: str,
    answers: dict[str, Any],
) -> None:
    await _fan_out(
        helpline,
        "survey.answered",
        ticket,
        survey={
            "kind": kind,
            "score": score,
            "comment": comment,
            "answers": answers,
            "customer": payloads.actor_json(customer),
        },
    )
