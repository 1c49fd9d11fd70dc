"""Core events → `automation.fire` jobs that run the matching triggers after the change commits.

Event hooks run inside the transaction of the change. Rules do not act there: the hook only
queues a job (which commits or rolls back with the change), and the job tests and runs each
trigger in its own transaction. So a broken rule can never undo or fail the change that fired
it, and a rule sees the committed ticket.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import msgspec

from helpline import hookimpl, jobs
from helpline.errors import NotFound
from helpline.model import Actor, Message, Ticket
from helpline.runtime import Helpline
from helpline.services import tickets
from helpline_automation import engine, registry
from helpline_automation.settings import settings_of
from helpline_automation.specs import RunContext
from helpline_automation.tables import AutomationRule

FIRE = "automation.fire"


def _who(ticket: Ticket, actor: Actor | None) -> str:
    if actor is None or actor.id == 0:
        return "automation" if engine.CHAIN.get() else "system"
    if actor.id == ticket.requester_id:
        return "requester"
    return "agent" if actor.staff else "customer"


def _plain(value: Any) -> Any:
    return msgspec.to_builtins(value)


async def fire(
    helpline: Helpline,
    event: str,
    ticket: Ticket | None,
    *,
    changes: dict[str, tuple[Any, Any]] | None = None,
    data: dict[str, Any] | None = None,
) -> None:
    """Queue the triggers of `event` for `ticket` (after the fire job, when a rule caused it)."""
    if ticket is None or ticket.merged_into_id is not None:
        return
    chain = engine.CHAIN.get()
    payload = {
        "ticket": ticket.number,
        "event": event,
        "changes": {k: [_plain(old), _plain(new)] for k, (old, new) in (changes or {}).items()},
        "data": _plain(data or {}),
        "chain": list(chain),
        "depth": 1 if chain else 0,
    }
    follow_ups = engine.FOLLOW_UPS.get()
    if follow_ups is not None and chain:
        follow_ups.append(payload)
        return
    await _enqueue(helpline, payload)


async def _enqueue(helpline: Helpline, payload: dict[str, Any]) -> None:
    """Queue a fire job if a trigger may answer it and the chain of rule changes is not too long."""
    chain = payload["chain"]
    rows = await AutomationRule.select(AutomationRule.id, AutomationRule.events).where(
        (AutomationRule.kind == "trigger") & (AutomationRule.enabled == True)  # noqa: E712
    )
    event = payload["event"]
    if not any(f'"{event}"' in r["events"] and r["id"] not in chain for r in rows):
        return
    if payload["depth"] >= settings_of(helpline).max_depth:
        await engine.log(
            helpline,
            chain[-1] if chain else None,
            payload["ticket"],
            event,
            "skipped",
            f"loop cut: {payload['depth']} rounds of rule changes in a row",
        )
        return
    await jobs.enqueue(helpline, FIRE, payload)


async def on_fire(helpline: Helpline, payload: dict[str, Any]) -> None:
    """Run each enabled trigger of the event, in order, on the ticket."""
    chain = tuple(payload.get("chain") or ())
    event = payload["event"]
    rules = [r for r in await _triggers(helpline) if event in r["events"] and r["id"] not in chain]
    if not rules:
        return
    conditions, actions = await registry.conditions(helpline), await registry.actions(helpline)
    changes = {k: tuple(v) for k, v in (payload.get("changes") or {}).items()}
    try:
        ticket = await tickets.get_ticket(helpline, tickets.SYSTEM, payload["ticket"])
    except NotFound:
        return
    acted: list[int] = []
    follow_ups: list[dict[str, Any]] = []
    token = engine.CHAIN.set(chain)
    collecting = engine.FOLLOW_UPS.set(follow_ups)
    try:
        for rule in rules:
            context = RunContext(
                rule=rule["name"],
                via=f"automation: {rule['name']}",
                event=event,
                changes=changes,
                data=dict(payload.get("data") or {}),
                rule_id=rule["id"],
            )
            if await engine.apply_rule(
                helpline, rule, ticket.number, context, conditions, actions, snapshot=ticket
            ):  # the rule changed the ticket: later rules see it as it is now
                acted.append(rule["id"])
                ticket = await tickets.get_ticket(helpline, tickets.SYSTEM, ticket.number)
    finally:
        engine.FOLLOW_UPS.reset(collecting)
        engine.CHAIN.reset(token)
    depth = int(payload.get("depth") or 0) + 1
    for follow_up in _merged(follow_ups):
        follow_up.update(chain=[*chain, *acted], depth=depth)
        async with helpline.transaction():
            await _enqueue(helpline, follow_up)


def _merged(follow_ups: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One follow-up per event: changes from the first old value to the last new one."""
    merged: dict[str, dict[str, Any]] = {}
    for item in follow_ups:
        into = merged.setdefault(item["event"], {**item, "changes": {}})
        for field, (old, new) in item["changes"].items():
            into["changes"][field] = [into["changes"].get(field, [old])[0], new]
        into["data"] = {**into["data"], **item["data"]}
    return list(merged.values())


async def _triggers(helpline: Helpline) -> list[dict[str, Any]]:
    from helpline_automation import store

    return [r for r in await store.list_rules(helpline, "trigger") if r["enabled"]]


@hookimpl
async def ticket_created(helpline: Helpline, ticket: Ticket, actor: Actor | None) -> None:
    await fire(helpline, "ticket_created", ticket, data={"actor": _who(ticket, actor)})


@hookimpl
async def ticket_updated(
    helpline: Helpline, ticket: Ticket, actor: Actor | None, changes: dict[str, tuple[Any, Any]]
) -> None:
    await fire(
        helpline, "ticket_updated", ticket, changes=changes, data={"actor": _who(ticket, actor)}
    )


@hookimpl
async def message_added(
    helpline: Helpline, ticket: Ticket, message: Message, actor: Actor | None
) -> None:
    data = {
        "actor": _who(ticket, actor),
        "message_body": message.body[:10000],
        "message_kind": message.kind,
    }
    await fire(helpline, "message_added", ticket, data=data)


@hookimpl
async def sla_warning(helpline: Helpline, ticket: Ticket, target: str, due_at: datetime) -> None:
    await fire(helpline, "sla_warning", ticket, data={"target": target, "due_at": due_at})


@hookimpl
async def sla_breached(helpline: Helpline, ticket: Ticket, target: str, due_at: datetime) -> None:
    await fire(helpline, "sla_breached", ticket, data={"target": target, "due_at": due_at})


@hookimpl
async def sla_escalated(
    helpline: Helpline, ticket: Ticket, target: str, level: int, actions: list[dict[str, Any]]
) -> None:
    await fire(helpline, "sla_escalated", ticket, data={"target": target, "level": level})


@hookimpl
async def survey_answered(
    helpline: Helpline, ticket: Ticket | None, customer: Actor, kind: str, score: int | None
) -> None:
    data = {"kind": kind, "score": score, "actor": "requester"}
    await fire(helpline, "survey_answered", ticket, data=data)
