"""Conditions and actions from every enabled plugin (this one's built-ins included)."""

from __future__ import annotations

from helpline.plugins import resolve
from helpline.runtime import Helpline
from helpline_automation.specs import ActionSpec, ConditionSpec


async def _collect(helpline: Helpline, hook: str) -> dict:
    found: dict = {}
    for result in await helpline.hook(hook, helpline=helpline):
        found.update(await resolve(result) or {})
    return found


async def conditions(helpline: Helpline) -> dict[str, ConditionSpec]:
    return await _collect(helpline, "automation_conditions")


async def actions(helpline: Helpline) -> dict[str, ActionSpec]:
    return await _collect(helpline, "automation_actions")
