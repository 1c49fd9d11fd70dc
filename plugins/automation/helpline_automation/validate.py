"""Checking rules and macros before they are saved: Invalid names the first bad field."""

from __future__ import annotations

from typing import Any

from croniter import croniter

from helpline.errors import Invalid
from helpline.runtime import Helpline
from helpline.tables import Priority, Status, TicketType
from helpline_automation import registry, render
from helpline_automation.specs import OPERATORS, VALUELESS
from helpline_automation.tables import AutomationMacro

EVENTS = {
    "ticket_created": "Ticket created",
    "ticket_updated": "Ticket updated",
    "message_added": "Message added",
    "sla_warning": "SLA warning",
    "sla_breached": "SLA breached",
    "sla_escalated": "SLA escalated",
    "survey_answered": "Survey answered",
}
_VALUE_TABLES = {"status": Status, "priority": Priority, "type": TicketType}


def name_of(value: Any) -> str:
    name = " ".join(str(value or "").split())
    if not name:
        raise Invalid("name", "must not be empty")
    if len(name) > 80:
        raise Invalid("name", "use at most 80 characters")
    return name


async def _check_value(kind: str, value: str, field: str) -> None:
    if kind in _VALUE_TABLES and value:
        table = _VALUE_TABLES[kind]
        if not await table.exists().where(table.name == value):
            raise Invalid(field, f"unknown {kind} {value!r}")
    elif kind.startswith("choice:") and value not in kind[7:].split(","):
        raise Invalid(field, f"choose one of {kind[7:].replace(',', ', ')}")
    elif kind == "number" and value:
        try:
            float(value)
        except ValueError:
            raise Invalid(field, "must be a number") from None
    elif kind in ("user", "team") and value and value != "none" and not value.isdigit():
        raise Invalid(field, f"choose a {kind}")
    elif kind == "macro" and not await AutomationMacro.exists().where(
        AutomationMacro.name == value
    ):
        raise Invalid(field, f"no macro named {value!r}")


async def check_conditions(helpline: Helpline, conditions: list[dict]) -> list[dict[str, str]]:
    specs = await registry.conditions(helpline)
    cleaned = []
    for i, cond in enumerate(conditions):
        field, op = cond.get("field") or "", cond.get("op") or ""
        value = str(cond.get("value") or "").strip()
        where = f"condition_{i}"
        spec = specs.get(field)
        if spec is None:
            raise Invalid(where, f"unknown condition {field!r}")
        if op not in spec.operators:
            raise Invalid(where, f"{spec.label} cannot use {OPERATORS.get(op, op)!r}")
        if op in VALUELESS:
            value = ""
        elif not value:
            raise Invalid(where, f"{spec.label} {OPERATORS[op]} … needs a value")
        await _check_value("number" if op in ("gt", "lt") else spec.kind, value, where)
        cleaned.append({"field": field, "op": op, "value": value})
    return cleaned


async def check_actions(helpline: Helpline, actions: list[dict]) -> list[dict[str, Any]]:
    specs = await registry.actions(helpline)
    cleaned = []
    for i, item in enumerate(actions):
        name, where = item.get("action") or "", f"action_{i}"
        spec = specs.get(name)
        if spec is None:
            raise Invalid(where, f"unknown action {name!r}")
        params = {k: str(v or "").strip() for k, v in (item.get("params") or {}).items()}
        params = {k: params.get(k, "") for k in spec.params}
        for param, kind in spec.params.items():
            await _check_value(kind, params[param], where)
            if kind == "longtext" or param == "subject":
                render.check(params[param], where)
        cleaned.append({"action": name, "params": params})
    return cleaned


async def check_rule(helpline: Helpline, data: dict[str, Any]) -> dict[str, Any]:
    """A rule's fields, cleaned; Invalid names the first bad field."""
    rule: dict[str, Any] = {"name": name_of(data.get("name"))}
    rule["kind"] = kind = data.get("kind") or "trigger"
    if kind not in ("trigger", "schedule"):
        raise Invalid("kind", "choose trigger or schedule")
    rule["events"] = [e for e in data.get("events") or [] if e]
    if kind == "trigger":
        unknown = [e for e in rule["events"] if e not in EVENTS]
        if unknown:
            raise Invalid("events", f"unknown event {unknown[0]!r}")
        if not rule["events"]:
            raise Invalid("events", "choose at least one event")
        rule["cron"] = ""
    else:
        rule["events"] = []
        cron = " ".join(str(data.get("cron") or "").split())
        if not cron or not croniter.is_valid(cron):
            raise Invalid("cron", "write a cron expression, e.g. '0 * * * *' (every hour)")
        rule["cron"] = cron
    try:
        rule["run_limit"] = int(data.get("run_limit") or 100)
    except (TypeError, ValueError):
        raise Invalid("run_limit", "must be a whole number") from None
    if not 1 <= rule["run_limit"] <= 10000:
        raise Invalid("run_limit", "must be between 1 and 10000")
    rule["match"] = data.get("match") or "all"
    if rule["match"] not in ("all", "any"):
        raise Invalid("match", "choose all or any")
    rule["conditions"] = await check_conditions(helpline, data.get("conditions") or [])
    if kind == "schedule" and not rule["conditions"]:
        raise Invalid("conditions", "a time rule needs at least one condition")
    rule["actions"] = await check_actions(helpline, data.get("actions") or [])
    if not rule["actions"]:
        raise Invalid("actions", "add at least one action")
    rule["enabled"] = bool(data.get("enabled", True))
    return rule
