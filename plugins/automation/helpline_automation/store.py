"""Rules and macros: reading, validating and saving them (automation.manage)."""

from __future__ import annotations

import json
from typing import Any

from helpline.errors import Forbidden, Invalid, NotFound
from helpline.model import Actor
from helpline.runtime import Helpline
from helpline_automation import prune, render
from helpline_automation.tables import AutomationMacro, AutomationRule
from helpline_automation.validate import check_actions, check_rule, name_of

MANAGE = "automation.manage"
APPLY = "automation.apply_macros"


def require(actor: Actor, code: str = MANAGE) -> None:
    if not actor.can(code):
        raise Forbidden(
            "you may not manage automation rules" if code == MANAGE else "you may not apply macros"
        )


def _decode(row: dict[str, Any], *fields: str) -> dict[str, Any]:
    for field in fields:
        if isinstance(row.get(field), str):
            row[field] = json.loads(row[field] or "[]")
    return row


async def list_rules(helpline: Helpline, kind: str | None = None) -> list[dict[str, Any]]:
    query = AutomationRule.select().order_by(AutomationRule.position).order_by(AutomationRule.id)
    if kind:
        query = query.where(AutomationRule.kind == kind)
    return [_decode(r, "events", "conditions", "actions") for r in await query]


async def get_rule(helpline: Helpline, rule_id: int) -> dict[str, Any]:
    row = await AutomationRule.select().where(AutomationRule.id == rule_id).first()
    if row is None:
        raise NotFound(f"no rule {rule_id}")
    return _decode(row, "events", "conditions", "actions")


async def list_macros(helpline: Helpline) -> list[dict[str, Any]]:
    rows = (
        await AutomationMacro.select()
        .order_by(AutomationMacro.position)
        .order_by(AutomationMacro.name)
    )
    return [_decode(r, "actions") for r in rows]


async def get_macro(helpline: Helpline, ref: int | str) -> dict[str, Any]:
    column = AutomationMacro.id if isinstance(ref, int) else AutomationMacro.name
    row = await AutomationMacro.select().where(column == ref).first()
    if row is None:
        raise NotFound(f"no macro {ref!r}")
    return _decode(row, "actions")


async def _unique(table: Any, name: str, own_id: int | None) -> None:
    query = table.exists().where(table.name == name)
    if own_id is not None:
        query = query.where(table.id != own_id)
    if await query:
        raise Invalid("name", f"{name!r} is already taken")


async def save_rule(
    helpline: Helpline, actor: Actor, data: dict[str, Any], rule_id: int | None = None
) -> dict[str, Any]:
    from helpline_automation import schedule

    require(actor)
    rule = await check_rule(helpline, data)
    now = helpline.now()
    values = {
        **rule,
        "events": json.dumps(rule["events"]),
        "conditions": json.dumps(rule["conditions"]),
        "actions": json.dumps(rule["actions"]),
        "updated_at": now,
        "failing": False,
        "last_error": "",
    }
    async with helpline.transaction():
        await _unique(AutomationRule, rule["name"], rule_id)
        if rule_id is None:
            last = (
                await AutomationRule.select(AutomationRule.position)
                .order_by(AutomationRule.position, ascending=False)
                .first()
            )
            values["position"] = (last["position"] + 1) if last else 0
            row = await AutomationRule.insert(AutomationRule(**values, created_at=now)).returning(
                AutomationRule.id
            )
            rule_id = row[0]["id"]
        else:
            await get_rule(helpline, rule_id)
            await AutomationRule.update(
                {getattr(AutomationRule, k): v for k, v in values.items()}
            ).where(AutomationRule.id == rule_id)
        saved = await get_rule(helpline, rule_id)
        await schedule.plan(helpline, saved)
        await prune.ensure(helpline)  # logs exist once rules do
    return saved


async def set_enabled(helpline: Helpline, actor: Actor, rule_id: int, enabled: bool) -> dict:
    from helpline_automation import schedule

    require(actor)
    async with helpline.transaction():
        await get_rule(helpline, rule_id)
        await AutomationRule.update(
            {AutomationRule.enabled: enabled, AutomationRule.failing: False}
        ).where(AutomationRule.id == rule_id)
        rule = await get_rule(helpline, rule_id)
        await schedule.plan(helpline, rule)
    return rule


async def move_rule(helpline: Helpline, actor: Actor, rule_id: int, step: int) -> None:
    """Move a rule up (-1) or down (+1) among all rules; positions are renumbered."""
    require(actor)
    async with helpline.transaction():
        ids = [r["id"] for r in await list_rules(helpline)]
        if rule_id not in ids:
            raise NotFound(f"no rule {rule_id}")
        i = ids.index(rule_id)
        j = max(0, min(len(ids) - 1, i + step))
        ids[i], ids[j] = ids[j], ids[i]
        for position, each in enumerate(ids):
            await AutomationRule.update({AutomationRule.position: position}).where(
                AutomationRule.id == each
            )


async def delete_rule(helpline: Helpline, actor: Actor, rule_id: int) -> None:
    from helpline_automation import schedule

    require(actor)
    async with helpline.transaction():
        await get_rule(helpline, rule_id)
        await schedule.cancel(helpline, rule_id)
        await AutomationRule.delete().where(AutomationRule.id == rule_id)


async def save_macro(
    helpline: Helpline, actor: Actor, data: dict[str, Any], macro_id: int | None = None
) -> dict[str, Any]:
    require(actor)
    name = name_of(data.get("name"))
    reply = render.check(str(data.get("reply") or ""), "reply")
    actions = await check_actions(helpline, data.get("actions") or [])
    if any(a["action"] == "apply_macro" for a in actions):
        raise Invalid("actions", "a macro cannot apply another macro")
    if not reply.strip() and not actions:
        raise Invalid("reply", "write a reply or add an action")
    now = helpline.now()
    values = {
        "name": name,
        "description": str(data.get("description") or "").strip(),
        "reply": reply,
        "internal": bool(data.get("internal")),
        "actions": json.dumps(actions),
        "updated_at": now,
    }
    async with helpline.transaction():
        await _unique(AutomationMacro, name, macro_id)
        if macro_id is None:
            row = await AutomationMacro.insert(AutomationMacro(**values, created_at=now)).returning(
                AutomationMacro.id
            )
            macro_id = row[0]["id"]
        else:
            await get_macro(helpline, macro_id)
            await AutomationMacro.update(
                {getattr(AutomationMacro, k): v for k, v in values.items()}
            ).where(AutomationMacro.id == macro_id)
    return await get_macro(helpline, macro_id)


async def delete_macro(helpline: Helpline, actor: Actor, macro_id: int) -> None:
    require(actor)
    await get_macro(helpline, macro_id)
    await AutomationMacro.delete().where(AutomationMacro.id == macro_id)
