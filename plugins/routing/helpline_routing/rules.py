"""Categorisation rules: conditions on a new ticket that set its team, type, priority, tags and
the skills it needs. Active rules run in order; every matching rule applies (a later rule's
team, type or priority wins; tags and skills add up) until one marked `stop` matches."""

from __future__ import annotations

import json
from typing import Any

import msgspec

from helpline import db
from helpline.errors import Invalid
from helpline.model import Ticket
from helpline.tables import Priority, Team, TicketType

#: Condition fields; `custom:<name>` reads a custom field.
FIELDS = {
    "text": "Subject or body",
    "subject": "Subject",
    "body": "Body",
    "sender_domain": "Sender domain",
    "sender": "Sender address",
    "organization": "Organization",
    "channel": "Channel",
    "mailbox": "Mailbox (to address)",
    "type": "Type",
    "priority": "Priority",
    "tag": "Tag",
    "language": "Language",
}
OPS = {"contains": "contains any of", "is": "is one of", "is_not": "is none of"}
MAX_LEVEL = 5


class Condition(msgspec.Struct, kw_only=True):
    field: str
    op: str = "contains"
    #: Comma-separated alternatives, compared case-insensitively.
    value: str = ""


class RuleSpec(msgspec.Struct, kw_only=True):
    name: str
    position: int = 0
    active: bool = True
    match: str = "all"  # all | any
    conditions: list[Condition] = []
    team: str | None = None
    type: str | None = None
    priority: str | None = None
    tags: list[str] = []
    skills: dict[str, int] = {}
    stop: bool = False


class Outcome(msgspec.Struct, kw_only=True):
    """What the matching rules decided for one ticket."""

    rules: list[str] = []
    team: str | None = None
    fields: dict[str, Any] = {}
    skills: dict[str, int] = {}


def alternatives(value: str) -> list[str]:
    return [v.strip().lower() for v in value.split(",") if v.strip()]


def _holds(cond: Condition, facts: dict[str, list[str]]) -> bool:
    values = facts.get(cond.field, [])
    wanted = alternatives(cond.value)
    if cond.op == "contains":
        return any(w in v for w in wanted for v in values)
    found = any(v in wanted for v in values)
    return found if cond.op == "is" else not found


def matches(rule: RuleSpec, facts: dict[str, list[str]]) -> bool:
    if not rule.conditions:
        return False
    results = (_holds(c, facts) for c in rule.conditions)
    return any(results) if rule.match == "any" else all(results)


def evaluate(rules: list[RuleSpec], facts: dict[str, list[str]], ticket: Ticket) -> Outcome:
    out = Outcome()
    tags = list(ticket.tags)
    for rule in rules:
        if not rule.active or not matches(rule, facts):
            continue
        out.rules.append(rule.name)
        if rule.team:
            out.team = rule.team
        for field in ("type", "priority"):
            value = getattr(rule, field)
            if value and value != getattr(ticket, field):
                out.fields[field] = value
        tags += [t for t in rule.tags if t not in tags]
        for skill, level in rule.skills.items():
            out.skills[skill] = max(level, out.skills.get(skill, 0))
        if rule.stop:
            break
    if tags != list(ticket.tags):
        out.fields["tags"] = tags
    return out


async def facts(engine: Any, ticket: Ticket) -> dict[str, list[str]]:
    """What conditions look at, lower-cased, each field a list of values."""
    rows = await db.fetch(
        engine,
        "SELECT u.email, o.name AS organization, (SELECT m.body FROM message m WHERE m.ticket = {} "
        "ORDER BY m.id LIMIT 1) AS body, (SELECT m.meta FROM message m WHERE m.ticket = {} "
        "ORDER BY m.id LIMIT 1) AS meta FROM users u "
        "LEFT JOIN organization o ON o.id = u.organization WHERE u.id = {}",
        ticket.id,
        ticket.id,
        ticket.requester_id,
    )
    row = rows[0] if rows else {}
    body = row.get("body") or ""
    meta = row.get("meta") or {}
    if isinstance(meta, str):
        meta = json.loads(meta or "{}")
    email = row.get("email") or ""
    org = row.get("organization")
    mail = meta.get("email") or {}
    cf = ticket.custom_fields or {}
    sender = mail.get("from") or email
    mailboxes = [*mail.get("to", []), *mail.get("cc", [])]
    if cf.get("mailbox"):
        mailboxes.append(str(cf["mailbox"]))
    out: dict[str, list[str]] = {
        "text": [ticket.subject, body],
        "subject": [ticket.subject],
        "body": [body],
        "sender": [sender],
        "sender_domain": [sender.rpartition("@")[2]] if "@" in sender else [],
        "organization": [org] if org else [],
        "channel": [ticket.channel],
        "mailbox": mailboxes,
        "type": [ticket.type],
        "priority": [ticket.priority],
        "tag": list(ticket.tags),
        "language": [str(v) for v in (cf.get("language"), meta.get("language")) if v],
    }
    for key, value in cf.items():
        out[f"custom:{key}"] = [str(v) for v in value] if isinstance(value, list) else [str(value)]
    return {k: [str(v).lower() for v in vs if v is not None] for k, vs in out.items()}


# -- validation --------------------------------------------------------------------------------


async def _names(table: Any) -> set[str]:
    return {r["name"] for r in await table.select(table.name)}


def parse_skills(text: str, field: str = "skills") -> dict[str, int]:
    """`billing:3, german` (level 1 when left out) → {"billing": 3, "german": 1}."""
    skills: dict[str, int] = {}
    for part in text.replace("\n", ",").split(","):
        part = part.strip()
        if not part:
            continue
        name, _, level = part.partition(":")
        name = name.strip().lower()
        if not name or len(name) > 64:
            raise Invalid(field, f"{part!r} is not a skill name")
        try:
            number = int(level.strip() or 1)
        except ValueError:
            raise Invalid(field, f"the level of {name!r} must be a whole number") from None
        if not 1 <= number <= MAX_LEVEL:
            raise Invalid(field, f"the level of {name!r} must be between 1 and {MAX_LEVEL}")
        skills[name] = number
    return skills


def format_skills(skills: dict[str, int]) -> str:
    return ", ".join(f"{k}:{v}" for k, v in sorted(skills.items()))


async def validate(rule: RuleSpec) -> RuleSpec:
    """Check a rule before it is stored; Invalid names the field (`conditions.0.value`, …)."""
    rule.name = rule.name.strip()
    if not rule.name:
        raise Invalid("name", "must not be empty")
    if len(rule.name) > 100:
        raise Invalid("name", "must be at most 100 characters")
    if "/" in rule.name:
        raise Invalid("name", "must not contain a slash")
    if rule.match not in ("all", "any"):
        raise Invalid("match", "must be all or any")
    if not rule.conditions:
        raise Invalid("conditions", "add at least one condition")
    for i, cond in enumerate(rule.conditions):
        if cond.field not in FIELDS and not (
            cond.field.startswith("custom:") and cond.field[7:].strip()
        ):
            raise Invalid(f"conditions.{i}.field", f"unknown field {cond.field!r}")
        if cond.op not in OPS:
            raise Invalid(f"conditions.{i}.op", f"unknown comparison {cond.op!r}")
        if not alternatives(cond.value):
            raise Invalid(f"conditions.{i}.value", "enter a value")
    if rule.team and rule.team not in await _names(Team):
        raise Invalid("team", f"no team named {rule.team!r}")
    if rule.type and rule.type not in await _names(TicketType):
        raise Invalid("type", f"no ticket type named {rule.type!r}")
    if rule.priority and rule.priority not in await _names(Priority):
        raise Invalid("priority", f"no priority named {rule.priority!r}")
    rule.tags = [t.strip().lower() for t in rule.tags if t.strip()]
    if any(len(t) > 64 for t in rule.tags):
        raise Invalid("tags", "a tag is at most 64 characters")
    for name, level in rule.skills.items():
        if not 1 <= level <= MAX_LEVEL:
            raise Invalid("skills", f"the level of {name!r} must be between 1 and {MAX_LEVEL}")
    if not (rule.team or rule.type or rule.priority or rule.tags or rule.skills):
        raise Invalid("actions", "a rule must set a team, type, priority, tags or skills")
    return rule
