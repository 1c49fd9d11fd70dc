"""The rule and macro editors' forms: rows of conditions and actions ↔ rule dicts."""

from __future__ import annotations

import secrets
from typing import Any

from helpline.runtime import Helpline
from helpline.tables import Priority, Status, Team, TicketType, User
from helpline_automation import registry, store, validate
from helpline_automation.specs import OPERATORS, VALUELESS


def row_key() -> str:
    """A fresh key for a new editor row (rows are matched by key, not by position)."""
    return secrets.token_hex(4)


def _keys(form: Any, prefix: str, suffix: str) -> list[str]:
    keys = []
    for name in form:
        if name.startswith(prefix) and name.endswith(suffix):
            key = name[len(prefix) : -len(suffix)]
            if key not in keys:
                keys.append(key)
    return keys


def conditions_from(form: Any) -> list[dict[str, str]]:
    return [
        {
            "field": form.get(f"cond-{k}-field") or "",
            "op": form.get(f"cond-{k}-op") or "",
            "value": form.get(f"cond-{k}-value") or "",
        }
        for k in _keys(form, "cond-", "-field")
    ]


def actions_from(form: Any) -> list[dict[str, Any]]:
    items = []
    for k in _keys(form, "act-", "-action"):
        prefix = f"act-{k}-p-"
        params = {n[len(prefix) :]: form.get(n) or "" for n in form if n.startswith(prefix)}
        items.append({"action": form.get(f"act-{k}-action") or "", "params": params})
    return items


def rule_from(form: Any) -> dict[str, Any]:
    return {
        "name": form.get("name") or "",
        "kind": form.get("kind") or "trigger",
        "events": form.getall("events", []),
        "match": form.get("match") or "all",
        "cron": form.get("cron") or "",
        "run_limit": form.get("run_limit") or "100",
        "enabled": bool(form.get("enabled")),
        "conditions": conditions_from(form),
        "actions": actions_from(form),
    }


def macro_from(form: Any) -> dict[str, Any]:
    return {
        "name": form.get("name") or "",
        "description": form.get("description") or "",
        "reply": form.get("reply") or "",
        "internal": bool(form.get("internal")),
        "actions": actions_from(form),
    }


async def _names(table: Any) -> list[tuple[str, str]]:
    rows = await table.select(table.name).order_by(table.id)
    return [(r["name"], r["name"]) for r in rows]


async def choices(helpline: Helpline) -> dict[str, list[tuple[str, str]]]:
    """Options for each value kind that is a list of known things."""
    staff = (
        await User.select(User.id, User.name)
        .where(
            (User.role.staff == True) & (User.active == True)  # noqa: E712
        )
        .order_by(User.name)
    )
    teams = await Team.select(Team.id, Team.name).order_by(Team.name)
    macros = await store.list_macros(helpline)
    return {
        "status": await _names(Status),
        "priority": await _names(Priority),
        "type": await _names(TicketType),
        "user": [("none", "— nobody —")] + [(str(u["id"]), u["name"]) for u in staff],
        "team": [("none", "— no team —")] + [(str(t["id"]), t["name"]) for t in teams],
        "macro": [(m["name"], m["name"]) for m in macros],
    }


def options(kind: str, known: dict[str, list[tuple[str, str]]]) -> list[tuple[str, str]] | None:
    """The choices of a value kind, or None when it is typed in."""
    if kind.startswith("choice:"):
        return [(c, c.replace("_", " ")) for c in kind[7:].split(",")]
    return known.get(kind)


async def editor(helpline: Helpline) -> dict[str, Any]:
    """What every editor template needs: specs, operators, choices."""
    return {
        "condition_specs": await registry.conditions(helpline),
        "action_specs": await registry.actions(helpline),
        "operators": OPERATORS,
        "valueless": VALUELESS,
        "known": await choices(helpline),
        "options": options,
        "events": validate.EVENTS,
        "row_key": row_key,
    }
