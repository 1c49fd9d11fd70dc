"""The editor's dry run: what a rule would do to a ticket, changing nothing."""

from __future__ import annotations

from typing import Any

from helpline.model import Actor
from helpline.runtime import Helpline
from helpline.services import tickets
from helpline_automation import engine, registry
from helpline_automation.specs import OPERATORS, RunContext


async def dry_run(helpline: Helpline, viewer: Actor, rule: dict[str, Any], number: int) -> dict:
    """Test the rule's conditions on a ticket the viewer may see; list the actions it would run."""
    ticket = await tickets.get_ticket(helpline, viewer, number)
    context = RunContext(
        rule=rule["name"], via=f"automation: {rule['name']}", event="dry run", dry_run=True
    )
    explain: list = []
    error = ""
    try:
        matched = await engine.matches(
            helpline, await registry.conditions(helpline), rule, ticket, context, explain
        )
    except Exception as exc:  # a broken condition is shown, not raised
        matched, error = False, str(exc)
    specs = await registry.actions(helpline)
    would = [
        specs[a["action"]].describe(a["params"])
        if a["action"] in specs
        else f"{a['action']} (unavailable)"
        for a in rule["actions"]
    ]
    return {
        "ticket": ticket,
        "matched": matched,
        "error": error,
        "conditions": [
            {"label": label, "op": OPERATORS.get(op, op), "value": value, "ok": ok}
            for label, op, value, ok in explain
        ],
        "actions": would if matched else [],
        "would": would,
    }
