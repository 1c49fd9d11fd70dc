"""What the agent's ticket page shows: reading and shaping data for its templates (no routes)."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from litestar.response import Template
from markupsafe import Markup

from helpline.model import Actor, Ticket
from helpline.runtime import Helpline
from helpline.services import messages, tickets
from helpline.tables import Organization, Priority, Status, Team, TicketType, User
from helpline.tables import Ticket as TicketRow
from helpline_web.pages.ticket_history import history_items, users_by_id

log = logging.getLogger("helpline.web")

#: Fields of the side panel, in the order they are shown.
FIELDS = ("status", "priority", "type", "assignee", "team", "tags")
LABELS = {
    "subject": "Subject",
    "status": "Status",
    "priority": "Priority",
    "type": "Type",
    "assignee": "Assignee",
    "team": "Team",
    "tags": "Tags",
}


async def choices() -> dict[str, list[dict[str, Any]]]:
    """Options of the field selects: active values, active agents and teams."""
    active = True
    return {
        "statuses": await Status.select(Status.name, Status.label, Status.category)
        .where(Status.active == active)
        .order_by(Status.position),
        "priorities": await Priority.select(Priority.name, Priority.label)
        .where(Priority.active == active)
        .order_by(Priority.rank),
        "types": await TicketType.select(TicketType.name, TicketType.label)
        .where(TicketType.active == active)
        .order_by(TicketType.position),
        # Customers are never offered: only active staff may be assigned.
        "agents": await User.select(User.id, User.name, User.email)
        .where((User.role.staff == active) & (User.active == active))
        .order_by(User.name),
        "teams": await Team.select(Team.id, Team.name).order_by(Team.name),
    }


def labeller(options: dict[str, list[dict[str, Any]]]) -> dict[str, dict[str, str]]:
    """Stored value → what a reader sees, per field (history keeps names, emails and team names)."""
    return {
        "status": {o["name"]: o["label"] for o in options["statuses"]},
        "priority": {o["name"]: o["label"] for o in options["priorities"]},
        "type": {o["name"]: o["label"] for o in options["types"]},
        "assignee": {str(o["id"]): o["name"] for o in options["agents"]}
        | {o["email"]: o["name"] for o in options["agents"]},
        "team": {str(o["id"]): o["name"] for o in options["teams"]},
    }


def form_values(ticket: Ticket) -> dict[str, str]:
    """The panel's fields as the strings its form carries."""
    return {
        "status": ticket.status,
        "priority": ticket.priority,
        "type": ticket.type,
        "assignee": str(ticket.assignee_id or ""),
        "team": str(ticket.team_id or ""),
        "tags": ", ".join(ticket.tags),
    }


def local_time(viewer: Actor):
    """A formatter showing datetimes in the viewer's time zone."""
    try:
        zone = ZoneInfo(viewer.timezone or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo("UTC")

    def fmt(value: datetime | None) -> str:
        return value.astimezone(zone).strftime("%Y-%m-%d %H:%M %Z") if value else ""

    return fmt


def file_size(size: int) -> str:
    for unit, scale in (("MB", 1 << 20), ("KB", 1 << 10)):
        if size >= scale:
            return f"{size / scale:.1f} {unit}"
    return f"{size} B"


async def conversation(helpline: Helpline, viewer: Actor, ticket: Ticket) -> list[dict[str, Any]]:
    """The messages the viewer may read, oldest first, with author and safe HTML."""
    items = await messages.list_messages(helpline, viewer, ticket.number)
    authors = await users_by_id({m.author_id for m in items})
    shown = []
    for m in items:
        author = authors.get(m.author_id)
        shown.append(
            {
                "id": m.id,
                "kind": m.kind,
                "author": author["name"] if author else "Helpline",
                "author_email": author["email"] if author else "",
                "from_staff": bool(author and author["staff"]),
                "channel": m.channel,
                "at": m.created_at,
                # Sanitized by the core (nh3) when the message was stored.
                "html": Markup(m.body_html),
                "attachments": [
                    {
                        "id": a.id,
                        "filename": a.filename,
                        "size": file_size(a.size),
                        "url": f"/tickets/attachments/{a.id}",
                    }
                    for a in m.attachments
                ],
            }
        )
    return shown


async def requester_card(helpline: Helpline, viewer: Actor, ticket: Ticket) -> dict[str, Any]:
    """Who asked, their organization, and their other recent tickets the viewer may see."""
    person = (await users_by_id({ticket.requester_id})).get(ticket.requester_id) or {}
    organization = None
    if ticket.organization_id is not None:
        row = (
            await Organization.select(Organization.name)
            .where(Organization.id == ticket.organization_id)
            .first()
        )
        organization = row["name"] if row else None
    others, total = await tickets.list_tickets(
        helpline, viewer, requester_id=ticket.requester_id, per_page=6
    )
    others = [t for t in others if t.id != ticket.id][:5]
    return {
        "name": person.get("name", ""),
        "email": person.get("email", ""),
        "organization": organization,
        "others": others,
        "other_count": max(0, total - 1),
    }


async def merged_into_number(ticket: Ticket) -> int | None:
    if ticket.merged_into_id is None:
        return None
    row = (
        await TicketRow.select(TicketRow.number)
        .where(TicketRow.id == ticket.merged_into_id)
        .first()
    )
    return row["number"] if row else None


async def plugin_slots(helpline: Helpline, viewer: Actor, ticket: Ticket) -> dict[str, list]:
    """Panels and actions plugins add; a failing plugin costs its slot, not the page."""
    found: dict[str, list] = {"panels": [], "actions": []}
    for slot, hook in (("panels", "ticket_panels"), ("actions", "ticket_actions")):
        try:
            results = await helpline.hook(hook, helpline=helpline, ticket=ticket, actor=viewer)
            for item in (item for items in results for item in items or []):
                if slot == "panels":
                    # Plugins are trusted code: their panel HTML is rendered as given.
                    found[slot].append({"title": item["title"], "html": Markup(item["html"])})
                elif _local_url(item.get("url")):
                    found[slot].append({"label": item["label"], "url": item["url"]})
        except Exception:
            log.exception("a %s hook failed on ticket #%s", hook, ticket.number)
    return found


def _local_url(url: Any) -> bool:
    return isinstance(url, str) and url.startswith("/") and not url.startswith("//")


async def fields_context(
    viewer: Actor,
    ticket: Ticket,
    options: dict[str, list[dict[str, Any]]] | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """What the fields panel needs; `extra` may override values, errors, conflict, saved."""
    options = options or await choices()
    values = form_values(ticket)
    context = {
        "ticket": ticket,
        "options": options,
        "values": values,
        "was": dict(values),
        "errors": {},
        "error": None,
        "conflict": None,
        "saved": False,
        "can_update": viewer.can("tickets.update"),
        "can_assign": viewer.can("tickets.assign"),
    }
    context.update(extra)
    context["select"] = await _select_options(options, context["values"])
    return context


async def _select_options(
    options: dict[str, list[dict[str, Any]]], values: dict[str, str]
) -> dict[str, list[tuple[str, str]]]:
    """(value, label) pairs per select; the current value is always one, even if retired."""
    select = {
        "status": [(o["name"], o["label"]) for o in options["statuses"]],
        "priority": [(o["name"], o["label"]) for o in options["priorities"]],
        "type": [(o["name"], o["label"]) for o in options["types"]],
        "assignee": [("", "Unassigned")] + [(str(o["id"]), o["name"]) for o in options["agents"]],
        "team": [("", "No team")] + [(str(o["id"]), o["name"]) for o in options["teams"]],
    }
    for name, pairs in select.items():
        current = values.get(name, "")
        if current and current not in {v for v, _ in pairs}:
            label = current
            if name == "assignee" and current.isdigit():
                person = (await users_by_id({int(current)})).get(int(current))
                label = f"{person['name']} (inactive)" if person else current
            pairs.append((current, label))
    return select


async def ticket_context(helpline: Helpline, viewer: Actor, ticket: Ticket) -> dict[str, Any]:
    """Everything the full ticket page renders."""
    options = await choices()
    labels = labeller(options)
    return {
        "ticket": ticket,
        "local": local_time(viewer),
        "messages": await conversation(helpline, viewer, ticket),
        "history": await history_items(ticket, labels),
        "requester": await requester_card(helpline, viewer, ticket),
        "merged_into": await merged_into_number(ticket),
        "plugins": await plugin_slots(helpline, viewer, ticket),
        "composer": composer_context(viewer),
        "was_subject": ticket.subject,
        "subject_error": None,
        **await fields_context(viewer, ticket, options),
    }


def composer_context(viewer: Actor, **extra: Any) -> dict[str, Any]:
    """The reply box: empty, or holding what the agent typed and the errors to show."""
    context = {
        "body": "",
        "internal": False,
        "set_status": "",
        "errors": {},
        "can_reply": viewer.can("tickets.reply"),
        "can_note": viewer.can("tickets.note"),
    }
    context.update(extra)
    return context


def fragment(
    template: str, context: dict[str, Any], status_code: int = 200, target: str | None = None
) -> Template:
    """A partial template (no layout) for an htmx swap.

    `target` names the element to replace when the answer arrives: a live refresh may have
    replaced the element the request started from in the meantime.
    """
    headers = {"HX-Retarget": target, "HX-Reswap": "outerHTML"} if target else None
    return Template(
        template_name=template, context=context, status_code=status_code, headers=headers
    )
