"""Helpers for the routing tests."""

from __future__ import annotations

from typing import Any

from helpline.services import history
from helpline_routing import rules, store

STRATEGIES = ["manual", "round_robin", "least_loaded", "skills"]


async def routing_via(ticket: Any) -> list[str]:
    """The `via` of every history entry routing wrote for the ticket."""
    return [e.via for e in await history.events(ticket.id) if (e.via or "").startswith("routing:")]


async def rule(helpline: Any, name: str, **fields: Any) -> None:
    """Store a categorisation rule; conditions given as (field, op, value) tuples."""
    fields["conditions"] = [
        rules.Condition(field=f, op=o, value=v) for f, o, v in fields.get("conditions", [])
    ]
    await store.save_rule(helpline, await rules.validate(rules.RuleSpec(name=name, **fields)))
