"""Built-in conditions: the ticket's fields, the event's facts, time and business hours."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from helpline import db
from helpline.model import Ticket
from helpline.runtime import Helpline
from helpline.services.users import people
from helpline_automation.specs import ConditionSpec, RunContext

CHANGES = ("changed", "changed_to", "changed_from")
EQUAL = ("is", "is_not")
TEXT = ("is", "is_not", "contains", "not_contains")
NUMBER = ("gt", "lt")
HOURS = ("within_business_hours", "outside_business_hours")
CATEGORIES = "choice:new,open,pending,on_hold,solved,closed"


def _attr(name: str):
    return lambda helpline, ticket, context: getattr(ticket, name)


def _data(name: str):
    return lambda helpline, ticket, context: context.data.get(name)


def _hours_since(moment: datetime | None, helpline: Helpline) -> float | None:
    if moment is None:
        return None
    return (helpline.now() - moment).total_seconds() / 3600


async def status_since(helpline: Helpline, ticket: Ticket) -> datetime:
    """When the ticket entered its current status (its creation when it never changed)."""
    rows = await db.fetch(
        helpline.engine,
        "SELECT MAX(at) AS at FROM ticket_event WHERE ticket = {} AND field = 'status'",
        ticket.id,
    )
    at = rows[0]["at"] if rows else None
    if isinstance(at, str):
        at = datetime.fromisoformat(at)
    return at or ticket.created_at


async def _hours_in_status(helpline: Helpline, ticket: Ticket, context: RunContext) -> float:
    since = context.data.get("status_since")
    if since is None:
        since = await status_since(helpline, ticket)
    elif isinstance(since, str):
        since = datetime.fromisoformat(since)
    return _hours_since(since, helpline)


async def _requester_email(helpline: Helpline, ticket: Ticket, context: RunContext) -> str:
    found = await people({ticket.requester_id})
    return found[ticket.requester_id]["email"] if found else ""


def _id_text(name: str):
    def value(helpline: Helpline, ticket: Ticket, context: RunContext) -> str:
        found = getattr(ticket, name)
        return "" if found is None else str(found)

    return value


def builtin_conditions() -> dict[str, ConditionSpec]:
    return {
        "subject": ConditionSpec(
            "Subject", _attr("subject"), "text", (*TEXT, "changed"), "subject"
        ),
        "status": ConditionSpec("Status", _attr("status"), "status", (*EQUAL, *CHANGES), "status"),
        "status_category": ConditionSpec(
            "Status category", _attr("status_category"), CATEGORIES, EQUAL
        ),
        "priority": ConditionSpec(
            "Priority", _attr("priority"), "priority", (*EQUAL, *CHANGES), "priority"
        ),
        "type": ConditionSpec("Type", _attr("type"), "type", (*EQUAL, *CHANGES), "type"),
        "assignee": ConditionSpec(
            "Assignee", _id_text("assignee_id"), "user", (*EQUAL, *CHANGES), "assignee_id"
        ),
        "team": ConditionSpec("Team", _id_text("team_id"), "team", (*EQUAL, *CHANGES), "team_id"),
        "tags": ConditionSpec(
            "Tags", _attr("tags"), "tags", ("contains", "not_contains", "changed"), "tags"
        ),
        "channel": ConditionSpec("Channel", _attr("channel"), "text", EQUAL),
        "requester_email": ConditionSpec("Requester email", _requester_email, "text", TEXT),
        "actor": ConditionSpec(
            "Changed by", _data("actor"), "choice:requester,customer,agent,automation,system", EQUAL
        ),
        "message_body": ConditionSpec("Message text", _data("message_body"), "text", TEXT),
        "message_kind": ConditionSpec(
            "Message kind", _data("message_kind"), "choice:public,internal", EQUAL
        ),
        "sla_target": ConditionSpec("SLA target", _data("target"), "text", EQUAL),
        "sla_level": ConditionSpec("Escalation level", _data("level"), "number", (*NUMBER, "is")),
        "survey_kind": ConditionSpec("Survey kind", _data("kind"), "text", EQUAL),
        "survey_score": ConditionSpec("Survey score", _data("score"), "number", (*NUMBER, "is")),
        "hours_since_created": ConditionSpec(
            "Hours since created",
            lambda h, t, c: _hours_since(t.created_at, h),
            "number",
            NUMBER,
        ),
        "hours_since_updated": ConditionSpec(
            "Hours since updated",
            lambda h, t, c: _hours_since(t.updated_at, h),
            "number",
            NUMBER,
        ),
        "hours_in_status": ConditionSpec(
            "Hours in current status", _hours_in_status, "number", NUMBER
        ),
        "now": ConditionSpec("Current time", lambda h, t, c: h.now(), "datetime", HOURS),
        "created_at": ConditionSpec("Created", _attr("created_at"), "datetime", HOURS),
    }


def describe_value(value: Any) -> str:
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    return "" if value is None else str(value)
