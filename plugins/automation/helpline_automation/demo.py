"""`helpline demo` data: example macros and triggers, through the plugin's own store.

Macros do nothing until an agent applies one, so they are ready to use. Triggers react only to
events (the demo's bulk tickets fired none); the ones that merely tag a ticket or leave an
internal note are switched on, the one that moves tickets between teams is saved switched off,
so it does not fight the routing plugin until an admin decides. No webhook, no notification to
customers. Each rule and macro is looked up by name first: a second demo run adds none.
"""

from __future__ import annotations

from typing import Any

from helpline import db
from helpline.model import Actor
from helpline.runtime import Helpline
from helpline_automation import store
from helpline_automation.tables import AutomationMacro, AutomationRule

#: The demo sets rules up as an administrator would; it acts on no ticket itself.
DEMO_ADMIN = Actor(
    id=0,
    email="demo@helpline.invalid",
    name="Helpline demo",
    role="admin",
    staff=True,
    permissions=frozenset({store.MANAGE}),
)


def _cond(field: str, op: str, value: str = "") -> dict[str, str]:
    return {"field": field, "op": op, "value": value}


def _act(action: str, **params: str) -> dict[str, Any]:
    return {"action": action, "params": params}


def macros(pending: str, solved: str) -> list[dict[str, Any]]:
    return [
        {
            "name": "Ask for more information",
            "description": "Ask the requester for the details we need and wait for them.",
            "reply": (
                "Hi {{requester.first_name}},\n\nThanks for getting in touch. To look into "
                "this we need a little more information:\n\n- the steps that lead to the "
                "problem\n- what you expected to happen, and what happened instead\n- a "
                "screenshot, if you can\n\nBest regards,\n{{agent.name}}"
            ),
            "actions": [_act("set_status", status=pending)] if pending else [],
        },
        {
            "name": "Solved: thanks for your patience",
            "description": "Close the loop with a friendly reply and mark the ticket solved.",
            "reply": (
                "Hi {{requester.first_name}},\n\nGood news: this is sorted now. If anything "
                "else comes up, just reply to this message and the ticket reopens.\n\n"
                "Best regards,\n{{agent.name}}"
            ),
            "actions": [_act("set_status", status=solved)] if solved else [],
        },
        {
            "name": "Refund request: hand over to Billing",
            "description": "Tag the ticket and leave Billing a note; the reply tells the customer.",
            "reply": (
                "Hi {{requester.first_name}},\n\nI have passed your refund request on to our "
                "billing team; they will get back to you within two business days."
            ),
            "actions": [
                _act("add_tags", tags="refund"),
                _act("add_note", body="Refund requested on #{{ticket.number}}: please check."),
            ],
        },
    ]


def rules(technical: int | None) -> list[dict[str, Any]]:
    found = [
        {
            "name": "Tag refund requests",
            "events": ["ticket_created"],
            "match": "any",
            "conditions": [_cond("subject", "contains", "refund")],
            "actions": [_act("add_tags", tags="refund")],
            "enabled": True,
        },
        {
            "name": "Unhappy customer: note for the agent",
            "events": ["survey_answered"],
            "conditions": [_cond("survey_kind", "is", "csat"), _cond("survey_score", "lt", "4")],
            "actions": [
                _act(
                    "add_note",
                    body="The customer was not satisfied with #{{ticket.number}} (CSAT below "
                    "4/5). Consider following up.",
                )
            ],
            "enabled": True,
        },
    ]
    if technical is not None:
        found.insert(
            0,
            {
                "name": "Urgent tickets to the Technical team",
                "events": ["ticket_created"],
                "conditions": [_cond("priority", "is", "urgent")],
                "actions": [
                    _act("assign", team=str(technical)),
                    _act("add_tags", tags="escalated"),
                ],
                # Moves tickets between teams, which routing may do too: an admin turns it on.
                "enabled": False,
            },
        )
    return found


async def _status(helpline: Helpline, category: str) -> str:
    name = await db.fetchval(
        helpline.engine,
        "SELECT name FROM status WHERE category = {} AND active = {} ORDER BY position LIMIT 1",
        category,
        True,
    )
    return name or ""


async def load(helpline: Helpline) -> None:
    technical = await db.fetchval(
        helpline.engine, "SELECT id FROM team WHERE name = {}", "Technical"
    )
    pending, solved = await _status(helpline, "pending"), await _status(helpline, "solved")
    for macro in macros(pending, solved):
        if not await AutomationMacro.exists().where(AutomationMacro.name == macro["name"]):
            await store.save_macro(helpline, DEMO_ADMIN, macro)
    for rule in rules(technical):
        if not await AutomationRule.exists().where(AutomationRule.name == rule["name"]):
            await store.save_rule(helpline, DEMO_ADMIN, rule)
