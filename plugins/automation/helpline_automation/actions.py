"""Built-in actions: set fields, assign, tag, note, notify, apply a macro."""

from __future__ import annotations

import re
from typing import Any

from helpline import db
from helpline.errors import Invalid
from helpline.model import Actor, Ticket
from helpline.runtime import Helpline
from helpline.services import history, messages, tickets
from helpline.services.users import load_actor
from helpline.tables import TeamMember
from helpline_automation import caps
from helpline_automation.render import render
from helpline_automation.specs import ActionSpec, RunContext

RECIPIENTS = ("requester", "assignee", "team", "followers")


async def update(helpline: Helpline, ticket: Ticket, context: RunContext, **fields: Any) -> Ticket:
    """Change fields as the agent applying a macro, or as the system for a rule."""
    if context.actor is not None:
        return await tickets.update_ticket(
            helpline, context.actor, ticket.number, version=None, via=context.via, **fields
        )
    return await tickets.update_as_system(helpline, ticket.number, via=context.via, **fields)


async def add_note(helpline: Helpline, ticket: Ticket, body: str, context: RunContext) -> None:
    """An internal note by the agent, or by no one for a rule (attributed through `via`)."""
    if context.actor is not None:
        await messages.add_message(
            helpline, context.actor, ticket.number, body=body, internal=True, via=context.via
        )
        return
    message = await messages.insert_message(
        helpline, ticket.id, author_id=None, kind="internal", body=body, channel="automation"
    )
    await history.record(
        helpline, ticket.id, None, "message", field="internal", new=str(message.id), via=context.via
    )


def _field_setter(field: str):
    async def run(helpline, ticket, params, context) -> str:
        value = (params.get(field) or "").strip()
        if not value:
            raise Invalid(field, "choose a value")
        await update(helpline, ticket, context, **{field: value})
        return f"set {field} to {value}"

    return run


def _tags(text: str) -> list[str]:
    return [t for t in re.split(r"[\s,]+", text or "") if t]


async def _add_tags(helpline, ticket, params, context) -> str:
    tags = _tags(params.get("tags", ""))
    await update(helpline, ticket, context, tags=[*ticket.tags, *tags])
    return "tagged " + ", ".join(tags)


async def _remove_tags(helpline, ticket, params, context) -> str:
    drop = set(_tags(params.get("tags", "")))
    await update(helpline, ticket, context, tags=[t for t in ticket.tags if t not in drop])
    return "untagged " + ", ".join(sorted(drop))


async def _assign(helpline, ticket, params, context) -> str:
    fields: dict[str, Any] = {}
    assignee, team = (params.get("assignee") or "").strip(), (params.get("team") or "").strip()
    if assignee:
        fields["assignee_id"] = None if assignee == "none" else int(assignee)
    if team:
        fields["team_id"] = None if team == "none" else int(team)
    if not fields:
        raise Invalid("assignee", "choose an assignee or a team")
    await update(helpline, ticket, context, **fields)
    return "assigned " + ", ".join(f"{k.removesuffix('_id')}={v}" for k, v in fields.items())


async def _note(helpline, ticket, params, context) -> str:
    body = await render(params.get("body", ""), ticket, context.actor)
    if not body.strip():
        raise Invalid("body", "must not be empty")
    await add_note(helpline, ticket, body, context)
    return "added an internal note"


async def recipients(helpline: Helpline, ticket: Ticket, to: str) -> list[int]:
    if to == "requester":
        return [ticket.requester_id]
    if to == "assignee":
        return [ticket.assignee_id] if ticket.assignee_id else []
    if to == "team":
        if ticket.team_id is None:
            return []
        rows = await TeamMember.select(TeamMember.user).where(TeamMember.team == ticket.team_id)
        return sorted({r["user"] for r in rows})
    if to == "followers":
        # Everyone who wrote on the ticket, except its requester.
        rows = await db.fetch(
            helpline.engine,
            "SELECT DISTINCT author FROM message WHERE ticket = {} AND author IS NOT NULL",
            ticket.id,
        )
        return sorted({r["author"] for r in rows} - {ticket.requester_id})
    raise Invalid("to", f"choose one of {', '.join(RECIPIENTS)}")


async def deliver(
    helpline: Helpline,
    ticket: Ticket,
    recipient: Actor,
    subject: str,
    body: str,
    context: RunContext,
) -> str:
    """Deliver one automatic message, within the caps when a rule sends it."""
    if context.actor is None:
        refused = await caps.refused(helpline, ticket.id, recipient.id)
        if refused:
            return f"not sent to {recipient.email}: {refused}"
    taken = await helpline.hook_first(
        "deliver_notification",
        helpline=helpline,
        recipient=recipient,
        subject=subject,
        body=body,
        ticket=ticket,
    )
    if not taken:
        return f"no channel delivered to {recipient.email}"
    if context.actor is None:
        await caps.record(helpline, ticket.id, recipient.id, context.rule_id)
    return f"notified {recipient.email}"


async def _notify(helpline, ticket, params, context) -> str:
    to = params.get("to", "")
    subject = await render(params.get("subject") or "Ticket #{{ticket.number}}", ticket, None)
    body = await render(params.get("body", ""), ticket, context.actor)
    if not body.strip():
        raise Invalid("body", "must not be empty")
    people = await recipients(helpline, ticket, to)
    if not people:
        return f"no {to} to notify"
    done = []
    for user_id in people:
        actor = await load_actor(helpline, user_id)
        if actor.active:
            done.append(await deliver(helpline, ticket, actor, subject, body, context))
    return "; ".join(done) or f"no active {to} to notify"


async def _apply_macro(helpline, ticket, params, context) -> str:
    from helpline_automation import macros

    return await macros.apply_named(helpline, ticket, params.get("macro", ""), context)


def builtin_actions() -> dict[str, ActionSpec]:
    return {
        "set_status": ActionSpec("Set status", _field_setter("status"), {"status": "status"}),
        "set_priority": ActionSpec(
            "Set priority", _field_setter("priority"), {"priority": "priority"}
        ),
        "set_type": ActionSpec("Set type", _field_setter("type"), {"type": "type"}),
        "assign": ActionSpec("Assign", _assign, {"assignee": "user", "team": "team"}),
        "add_tags": ActionSpec("Add tags", _add_tags, {"tags": "text"}),
        "remove_tags": ActionSpec("Remove tags", _remove_tags, {"tags": "text"}),
        "add_note": ActionSpec("Add an internal note", _note, {"body": "longtext"}),
        "notify": ActionSpec(
            "Notify",
            _notify,
            {"to": "choice:" + ",".join(RECIPIENTS), "subject": "text", "body": "longtext"},
            sends_message=True,
        ),
        "apply_macro": ActionSpec(
            "Apply a macro", _apply_macro, {"macro": "macro"}, sends_message=True
        ),
    }
