"""Evaluating conditions and running actions, with attribution, logging and failure reports."""

from __future__ import annotations

import contextvars
import traceback
from datetime import datetime
from typing import Any

from helpline.errors import NotFound
from helpline.model import Ticket
from helpline.plugins import resolve
from helpline.runtime import Helpline
from helpline.services import tickets
from helpline_automation.settings import settings_of, within_business_hours
from helpline_automation.specs import ActionSpec, ConditionSpec, RunContext
from helpline_automation.tables import AutomationLog, AutomationRule

#: The rules whose actions are running now (outermost first): changes they cause carry it, so a
#: rule never fires again on its own change, however indirect, and chains stay short.
CHAIN: contextvars.ContextVar[tuple[int, ...]] = contextvars.ContextVar(
    "automation_chain", default=()
)
#: While a fire job runs its triggers, the events their changes cause are collected here and
#: queued afterwards, carrying every rule that acted in the job: each rule acts at most once on
#: a change and everything that follows from it.
FOLLOW_UPS: contextvars.ContextVar[list | None] = contextvars.ContextVar(
    "automation_follow_ups", default=None
)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return ",".join(str(v) for v in value)
    return str(value).strip().lower()


def _same(value: Any, expected: str) -> bool:
    expected = expected.strip().lower()
    return _text(value) == ("" if expected == "none" else expected)


def _contains(value: Any, expected: str) -> bool:
    needle = expected.strip().lower()
    if isinstance(value, list | tuple):
        return needle in {str(v).lower() for v in value}
    return needle in _text(value)


def _number(value: Any) -> float | None:
    try:
        return None if value is None or value == "" else float(value)
    except (TypeError, ValueError):
        return None


async def test(
    helpline: Helpline,
    spec: ConditionSpec,
    cond: dict[str, str],
    ticket: Ticket,
    context: RunContext,
) -> bool:
    """Whether one condition holds; raises when the condition itself is broken."""
    op, expected = cond["op"], cond.get("value", "")
    if op in ("changed", "changed_to", "changed_from"):
        if spec.field is None or spec.field not in context.changes:
            return False
        old, new = context.changes[spec.field]
        return op == "changed" or _same(new if op == "changed_to" else old, expected)
    value = await resolve(spec.value(helpline, ticket, context))
    if op == "is":
        return _same(value, expected)
    if op == "is_not":
        return not _same(value, expected)
    if op == "contains":
        return _contains(value, expected)
    if op == "not_contains":
        return not _contains(value, expected)
    if op in ("gt", "lt"):
        number, limit = _number(value), float(expected)
        return number is not None and (number > limit if op == "gt" else number < limit)
    if op in ("within_business_hours", "outside_business_hours"):
        if not isinstance(value, datetime):
            return False
        inside = within_business_hours(settings_of(helpline), value)
        return inside if op == "within_business_hours" else not inside
    raise ValueError(f"unknown operator {op!r}")


async def matches(
    helpline: Helpline,
    specs: dict[str, ConditionSpec],
    rule: dict[str, Any],
    ticket: Ticket,
    context: RunContext,
    explain: list | None = None,
) -> bool:
    """Whether the rule's conditions hold (all or any); `explain` collects each result."""
    results = []
    for cond in rule["conditions"]:
        spec = specs.get(cond["field"])
        if spec is None:
            raise ValueError(f"condition {cond['field']!r} is not available (plugin disabled?)")
        ok = await test(helpline, spec, cond, ticket, context)
        results.append(ok)
        if explain is not None:
            explain.append((spec.label, cond["op"], cond.get("value", ""), ok))
        elif rule["match"] == "all" and not ok:
            return False
        elif rule["match"] == "any" and ok:
            return True
    if not results:
        return True
    return all(results) if rule["match"] == "all" else any(results)


async def run_actions(
    helpline: Helpline,
    specs: dict[str, ActionSpec],
    items: list[dict[str, Any]],
    number: int,
    context: RunContext,
) -> list[str]:
    """Run actions one after the other on a fresh copy of the ticket; what each did, in words."""
    done = []
    for item in items:
        spec = specs.get(item["action"])
        if spec is None:
            raise ValueError(f"action {item['action']!r} is not available (plugin disabled?)")
        ticket = await tickets.get_ticket(helpline, tickets.SYSTEM, number)
        done.append(await spec.run(helpline, ticket, dict(item.get("params") or {}), context))
    return done


async def log(
    helpline: Helpline,
    rule_id: int | None,
    number: int | None,
    event: str,
    outcome: str,
    detail: str,
) -> None:
    await AutomationLog.insert(
        AutomationLog(
            rule=rule_id,
            ticket_number=number,
            event=event,
            outcome=outcome,
            detail=detail[:4000],
            at=helpline.now(),
        )
    )


async def apply_rule(
    helpline: Helpline,
    rule: dict[str, Any],
    number: int,
    context: RunContext,
    conditions: dict[str, ConditionSpec],
    actions: dict[str, ActionSpec],
    before_actions: Any = None,
    snapshot: Ticket | None = None,
) -> bool:
    """Test a rule on one ticket and run its actions in their own transaction.

    With a `snapshot` of the ticket, the conditions are first tested on it without opening a
    transaction (most rules do not match most changes); a match is tested again on the stored
    ticket inside the transaction. A broken rule (an exception in a condition or an action)
    rolls back only its own changes, is logged and marked failing; it never raises. True when
    the rule acted.
    """
    token = CHAIN.set((*CHAIN.get(), rule["id"]))
    try:
        if snapshot is not None and not await matches(
            helpline, conditions, rule, snapshot, context
        ):
            return False
        async with helpline.transaction():
            try:
                ticket = await tickets.get_ticket(helpline, tickets.SYSTEM, number)
            except NotFound:
                return False
            if not await matches(helpline, conditions, rule, ticket, context):
                return False
            if before_actions is not None and not await before_actions(ticket):
                return False
            done = await run_actions(helpline, actions, rule["actions"], number, context)
            await log(helpline, rule["id"], number, context.event, "done", "; ".join(done))
            if rule.get("failing"):
                await AutomationRule.update({AutomationRule.failing: False}).where(
                    AutomationRule.id == rule["id"]
                )
        return True
    except Exception as exc:  # a broken rule is reported, never raised
        error = "".join(traceback.format_exception_only(exc)).strip()
        async with helpline.transaction():
            await log(helpline, rule["id"], number, context.event, "failed", error)
            await AutomationRule.update(
                {AutomationRule.failing: True, AutomationRule.last_error: error[:2000]}
            ).where(AutomationRule.id == rule["id"])
        return False
    finally:
        CHAIN.reset(token)
